//! Session responses (`201`, `202` and `200` share one shape: Checkout.com API reference
//! `GetSessionResponse.yaml`), the non-hosted callback body, and the error body.
//!
//! Everything is optional: the 202 body is a subset, fields appear only in some states, and
//! `eci`, `cryptogram` and `session_secret` are withheld when the caller authenticated with
//! the session secret instead of OAuth (the API reference's `session_secret` description).

use crate::enums::*;
use crate::request::{AccountInfo, InitialTransaction, Installment, MerchantRiskInfo, Recurring};
use serde::{Deserialize, Serialize};
use threeds_wire::{CardNumber, NumOrStr, Secret};

/// `GET /sessions/{id}`, `POST /sessions` (201/202), `PUT /collect-data` and
/// `PUT /issuer-fingerprint` responses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionResponse {
    pub id: Option<String>,
    /// Grants client-side calls on this session; never printed.
    pub session_secret: Option<Secret>,
    /// The 3DS Server transaction id (`threeDSServerTransID`).
    pub transaction_id: Option<String>,
    pub scheme: Option<Scheme>,
    /// Minor units (an integer here; the webhook sends a string).
    pub amount: Option<NumOrStr>,
    pub currency: Option<String>,
    pub completed: Option<bool>,
    /// Set only once scheme communication finished.
    pub challenged: Option<bool>,
    pub authentication_type: Option<AuthenticationType>,
    pub authentication_category: Option<AuthenticationCategory>,
    pub certificates: Option<Certificates>,
    pub status: Option<SessionStatus>,
    pub status_reason: Option<StatusReason>,
    /// Only set in a final state.
    pub approved: Option<bool>,
    pub protocol_version: Option<String>,
    pub account_info: Option<AccountInfo>,
    pub merchant_risk_info: Option<MerchantRiskInfo>,
    pub reference: Option<String>,
    pub transaction_type: Option<TransactionType>,
    pub next_actions: Option<Vec<NextActionType>>,
    pub ds: Option<Ds>,
    pub acs: Option<Acs>,
    pub response_code: Option<ResponseCode>,
    /// EMVCo transStatusReason, two digits, present when `response_code` is not `Y`.
    pub response_status_reason: Option<NumOrStr>,
    /// 3DS1 downgrade only (2021/2023 spec). Carries card data, so it is a secret.
    pub pareq: Option<Secret>,
    /// CAVV / AAV (28 characters). OAuth only, retrievable for 24 hours.
    pub cryptogram: Option<Secret>,
    pub eci: Option<NumOrStr>,
    pub xid: Option<String>,
    pub cardholder_info: Option<String>,
    pub card: Option<CardInfo>,
    pub recurring: Option<Recurring>,
    pub installment: Option<Installment>,
    pub initial_transaction: Option<InitialTransaction>,
    pub customer_ip: Option<String>,
    pub authentication_date: Option<String>,
    pub exemption: Option<Exemption>,
    pub flow_type: Option<FlowType>,
    pub challenge_indicator: Option<ChallengeIndicator>,
    pub optimization: Option<Optimization>,
    pub scheme_info: Option<SchemeInfo>,
    #[serde(rename = "3ds")]
    pub three_ds: Option<ThreeDsData>,
    pub experience: Option<Experience>,
    pub preferred_experiences: Option<PreferredExperiences>,
    pub google_spa: Option<GoogleSpa>,
    #[serde(rename = "_links")]
    pub links: Option<Links>,
}

/// App channel only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificates {
    pub ds_public: Option<String>,
    pub ca_public: Option<String>,
    pub ca_public_all: Option<Vec<String>>,
}

/// Directory server data; empty while pending or on a DS failure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ds {
    pub ds_id: Option<String>,
    pub reference_number: Option<String>,
    /// `dsTransID`.
    pub transaction_id: Option<String>,
}

/// ACS data, available after channel data and the issuer fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acs {
    pub reference_number: Option<String>,
    /// `acsTransID`.
    pub transaction_id: Option<String>,
    pub operator_id: Option<String>,
    pub challenge_mandated: Option<bool>,
    /// Where the browser posts the CReq.
    pub url: Option<String>,
    /// JWS for the app challenge.
    pub signed_content: Option<String>,
    /// EMV `authenticationType` (`01`..`99`); SDK mocks send words (`static`).
    pub authentication_type: Option<String>,
    pub challenge_cancel_reason: Option<ChallengeCancelReason>,
    pub challenge_cancel_reason_code: Option<NumOrStr>,
    pub interface: Option<AcsInterface>,
    pub ui_template: Option<UiElement>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CardInfo {
    pub instrument_id: Option<String>,
    pub fingerprint: Option<String>,
    pub metadata: Option<CardMetadata>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardMetadata {
    pub card_type: Option<CardType>,
    pub card_category: Option<CardCategory>,
    pub issuer_name: Option<String>,
    pub issuer_country: Option<String>,
    pub product_id: Option<String>,
    pub product_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemption {
    pub requested: Option<String>,
    pub applied: Option<ExemptionApplied>,
    /// Cartes Bancaires value.
    pub code: Option<String>,
    pub trusted_beneficiary: Option<TrustedBeneficiary>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedBeneficiary {
    pub status: Option<TrustedBeneficiaryStatus>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Optimization {
    pub optimized: Option<bool>,
    pub framework: Option<String>,
    pub optimized_properties: Option<Vec<OptimizedProperty>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimizedProperty {
    pub field: Option<String>,
    pub original_value: Option<String>,
    pub optimized_value: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeInfo {
    pub name: Option<String>,
    pub score: Option<String>,
    pub avalgo: Option<String>,
}

/// The `"3ds"` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeDsData {
    /// The CReq, base64, ready to post to `acs.url`.
    pub challenge_request: Option<String>,
    pub interaction_counter: Option<NumOrStr>,
    pub error_details: Option<ErrorDetails>,
}

/// An EMV Erro message summary (session `3ds.error_details`, webhook `data.error_details`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetails {
    pub error_code: Option<NumOrStr>,
    /// EMV `errorComponent`: `C` SDK, `S` 3DS Server, `D` DS, `A` ACS.
    pub error_component: Option<String>,
    pub error_detail: Option<String>,
    pub error_description: Option<String>,
}

/// `preferred_experiences`. The .NET SDK fixture spells the 3DS key `threeds`; the spec and
/// the Java fixture use `3ds`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreferredExperiences {
    pub google_spa: Option<ExperienceState>,
    #[serde(rename = "3ds", alias = "threeds")]
    pub three_ds: Option<ExperienceState>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExperienceState {
    pub status: Option<ExperienceStatus>,
    pub reason: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GoogleSpa {
    pub challenge_url: Option<String>,
    pub initial_timeout: Option<NumOrStr>,
    pub max_timeout: Option<NumOrStr>,
    pub iframe: Option<Iframe>,
    pub token: Option<GoogleSpaToken>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Iframe {
    pub height: Option<NumOrStr>,
    pub width: Option<NumOrStr>,
}

/// The device PAN Google SPA returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GoogleSpaToken {
    pub number: Option<CardNumber>,
    pub expiry_month: Option<u8>,
    pub expiry_year: Option<u16>,
}

/// A HAL link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub href: Option<String>,
}

/// `_links`. `acs_url` and `term_url` are the 3DS1 downgrade links of the 2021/2023 spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub self_link: Option<Link>,
    pub issuer_fingerprint: Option<Link>,
    pub collect_channel_data: Option<Link>,
    pub three_ds_method_url: Option<Link>,
    pub complete: Option<Link>,
    pub callback_url: Option<Link>,
    pub redirect_url: Option<Link>,
    pub redirect: Option<Link>,
    pub success_url: Option<Link>,
    pub failure_url: Option<Link>,
    pub acs_url: Option<Link>,
    pub term_url: Option<Link>,
}

/// What Checkout POSTs to `completion.callback_url` after `POST /sessions/{id}/complete`.
/// Same fields as a GET session, except `session_id` (not `id`) and `response_reason` (not
/// `response_status_reason`) (`sessions@{id}@complete.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionCallback {
    pub session_id: Option<String>,
    pub transaction_id: Option<String>,
    pub scheme: Option<Scheme>,
    pub amount: Option<NumOrStr>,
    pub currency: Option<String>,
    pub status: Option<SessionStatus>,
    pub status_reason: Option<StatusReason>,
    pub authentication_type: Option<AuthenticationType>,
    pub authentication_category: Option<AuthenticationCategory>,
    pub reference: Option<String>,
    pub approved: Option<bool>,
    pub protocol_version: Option<String>,
    pub response_code: Option<ResponseCode>,
    pub response_reason: Option<NumOrStr>,
    pub cryptogram: Option<Secret>,
    pub eci: Option<NumOrStr>,
    pub xid: Option<String>,
    pub cardholder_info: Option<String>,
    pub challenged: Option<bool>,
    pub ds: Option<Ds>,
    pub acs: Option<Acs>,
    pub exemption: Option<Exemption>,
    /// The GET-session fields the callback shares (the spec example shows neither, but says
    /// the body has the GET session's fields).
    pub authentication_date: Option<String>,
    pub challenge_indicator: Option<ChallengeIndicator>,
    pub flow_type: Option<FlowType>,
}

/// An API error body (`ErrorResponse.yaml`; platform `ValidationError.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub request_id: Option<String>,
    pub error_type: Option<ErrorType>,
    pub error_codes: Option<Vec<String>>,
}
