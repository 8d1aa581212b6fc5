//! `POST /sessions` (SessionRequest), `PUT /sessions/{id}/collect-data` (channel data) and
//! `PUT /sessions/{id}/issuer-fingerprint` bodies.
//!
//! Every field is optional so that partial requests can be built;
//! [`Validate`](threeds_wire::Validate) (module `validate`) reports what Checkout requires,
//! with the limits of the Checkout.com .NET SDK (doc comments and `SessionRequest.yaml`).
//! Discriminated objects (`source`, `channel_data`, `completion`) are flat structs with an
//! open `type`/`channel` so an unknown discriminator still parses.

mod validate;

use crate::enums::*;
use serde::{Deserialize, Serialize};
use threeds_wire::{CardNumber, NumOrStr, Secret};

/// The `POST /sessions` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Minor units. Omitting it makes the session `non_payment` (3DS2 only). The 2021-2023
    /// spec text said "major units"; the SDKs and every example use minor units (Checkout.com .NET SDK, Node SDK tests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Required unless bound to the OAuth token, so validation only checks its pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_channel_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<Marketplace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<AuthenticationType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_category: Option<AuthenticationCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_info: Option<AccountInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_indicator: Option<ChallengeIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_descriptor: Option<BillingDescriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_risk_info: Option<MerchantRiskInfo>,
    /// 2023 spec only (superseded by `initial_transaction`): the prior ACS transaction id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prior_transaction_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_type: Option<TransactionType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address_matches_billing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_data: Option<ChannelData>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring: Option<Recurring>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installment: Option<Installment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimization: Option<OptimizationRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_transaction: Option<InitialTransaction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_spa: Option<GoogleSpaRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_experiences: Option<Vec<Experience>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_information: Option<DeviceInformation>,
}

/// `source`: `card` (default), `id` (instrument), `token` (Checkout `tok_`), `network_token`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Source {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub source_type: Option<SourceType>,
    /// `id` source: the card instrument id (`src_...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `token` source: a Checkout card token; `network_token` source: the network token PAN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<CardNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_phone: Option<Phone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<Phone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_phone: Option<Phone>,
    /// True for stored-credential authentications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored: Option<bool>,
}

/// A phone number split as Checkout wants it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
}

/// `shipping_address` and `source.billing_address`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_line3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The spec says an ISO 3166-2 subdivision code of exactly 3 characters, but Checkout's
    /// own examples send `GB`/`AL`/`UK`; validation only enforces the upper bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marketplace {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_entity_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingDescriptor {
    /// Replaces the merchant name shown in the challenge window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `completion`: `hosted` (success/failure URLs) or `non_hosted` (callback URL).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub completion_type: Option<CompletionType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_url: Option<String>,
    /// Required by the 2021-2023 spec, optional in the current SDK.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    /// Your own CRes endpoint; Checkout's is used when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge_notification_url: Option<String>,
}

/// `channel_data`, also the whole `PUT /collect-data` body. Browser numbers are strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    // browser
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub javascript_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color_depth: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<NumOrStr>,
    /// Minutes, EMV `browserTZ` convention (UTC minus local, as JavaScript's
    /// `getTimezoneOffset()`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_ds_method_completion: Option<ThreeDsMethodCompletion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iframe_payment_allowed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent_client_hint: Option<String>,
    // app
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_app_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_max_timeout: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_ephem_pub_key: Option<SdkEphemPubKey>,
    /// JWE of the device data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_encrypted_data: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_reference_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_interface_type: Option<SdkInterfaceType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk_ui_elements: Option<Vec<UiElement>>,
    // merchant_initiated
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_type: Option<MerchantInitiatedRequestType>,
}

/// The app SDK's ephemeral public key (a JWK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdkEphemPubKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

/// The `PUT /sessions/{id}/issuer-fingerprint` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerFingerprintRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_ds_method_completion: Option<ThreeDsMethodCompletion>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurring {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_between_payments: Option<u32>,
    /// `yyyyMMdd`, default `99991231`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_of_payments: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_between_payments: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimizationRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
}

/// A prior authenticated transaction (3RI / MIT).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialTransaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acs_transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_method: Option<InitialAuthenticationMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_session_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoogleSpaRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continue_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInformation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// `dsid_...` from Risk.js.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_session_id: Option<String>,
}

/// `account_info` (request, echoed in responses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_age: Option<AccountAge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_card_attempts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address_age: Option<AgeIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_name_matches_shipping_name: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspicious_account_activity: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions_today: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_method: Option<AccountAuthenticationMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cardholder_account_age_indicator: Option<CardholderAccountAgeIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_change: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_change_indicator: Option<AgeIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_password_change: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_password_change_indicator: Option<PasswordChangeIndicator>,
    /// Send 999 for 1000 or more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions_per_year: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_account_age: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_address_usage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: Option<AccountType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_ds_requestor_authentication_info: Option<ThreeDsRequestorAuthenticationInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreeDsRequestorAuthenticationInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_ds_req_auth_method: Option<ThreeDsReqAuthMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_ds_req_auth_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_ds_req_auth_data: Option<String>,
}

/// `merchant_risk_info` (request, echoed in responses).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantRiskInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_timeframe: Option<DeliveryTimeframe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_preorder: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_reorder: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_indicator: Option<ShippingIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reorder_items_indicator: Option<ReorderItemsIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_order_purchase_indicator: Option<PreOrderPurchaseIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_order_date: Option<String>,
    /// Major units as a string, unlike every other Checkout amount (135.20 USD -> "135").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_card_amount: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_card_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_card_count: Option<NumOrStr>,
}

#[cfg(test)]
mod tests {
    use super::validate::{prefixed_word, yyyymmdd};
    use super::*;
    use threeds_wire::Validate;

    #[test]
    fn patterns() {
        assert!(prefixed_word("pc_zs5fqhybzc2e3jmq3efvybybpq", "pc", 26));
        assert!(!prefixed_word("pc_short", "pc", 26));
        assert!(yyyymmdd("99991231"));
        assert!(!yyyymmdd("9999-12-31"));
        assert!(!yyyymmdd("99991331"));
    }

    #[test]
    fn unknown_discriminators_parse_and_are_reported() {
        let r: SessionRequest = serde_json::from_str(
            r#"{"source":{"type":"paypal"},"currency":"USD","completion":{"type":"embedded"}}"#,
        )
        .unwrap();
        let paths: Vec<String> = r.validate().into_iter().map(|v| v.path).collect();
        assert_eq!(paths, ["source.type", "completion.type"]);
    }
}
