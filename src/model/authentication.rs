//! The normalized authentication: one per PSP document.

use super::{AuthenticationStatus, Eci, Money, Network, NextStep, Provider, Retry, TransStatus};
use serde::{Deserialize, Serialize};
use threeds_wire::Secret;

/// What the PSP document was (`kind`): it tells a consumer whether `status` describes an
/// authentication the PSP holds, a failed API call, or a notification about one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocumentKind {
    /// An authentication, session or pay-in object (API response or callback body).
    Authentication,
    /// An API error body.
    Error,
    /// An asynchronous notification (webhook, hook). Some carry no outcome (a Mangopay hook
    /// only names the pay-in): those are `pending` / `wait`, and the authentication is
    /// fetched again.
    Webhook,
}

/// What the front end must do next (`next_action`, tagged by `type`). Present only while
/// the authentication waits for the browser: with `next_step` `complete_device_data` or
/// `challenge_cardholder`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextAction {
    /// Send the cardholder's browser to `url` (full page); the PSP or ACS sends it back to
    /// the merchant's return URL when the cardholder is done.
    Redirect {
        /// The page to open, as the PSP gave it.
        url: String,
    },
    /// Post `data` as `threeDSMethodData` to `url` in a hidden iframe (the EMV 3DS Method,
    /// which lets the ACS fingerprint the browser before it decides on a challenge).
    ThreeDsMethod {
        /// The ACS's 3DS Method URL.
        url: String,
        /// The base64url `threeDSMethodData`; null when the PSP's client SDK builds it.
        data: Option<String>,
    },
    /// Post the CReq to the ACS at `url`. `creq` is null when the PSP's client SDK builds it.
    Challenge {
        /// The ACS challenge URL; null when the PSP's client SDK opens the challenge itself.
        url: Option<String>,
        /// The base64url challenge request (CReq) to post as `creq`.
        creq: Option<String>,
    },
    /// Collect browser or app data and send it to the PSP (`submit_device_data`).
    CollectDeviceData,
}

/// The PSP's own status, code and message, verbatim (`raw`), so a person or a
/// reconciliation job can see what the PSP said beside what it was normalized to. Which PSP
/// field fills which slot is listed per PSP in `docs/mapping.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raw {
    /// The PSP's status or state word (Checkout `status`, Paysafe `status`, Mangopay
    /// `Status`, PXP `state`; the event type of a webhook); null when the document has none.
    pub status: Option<String>,
    /// The PSP's code beside the status (a transStatus, result code or error code).
    pub code: Option<String>,
    /// The PSP's message or reason text; null when the document has none.
    pub message: Option<String>,
}

/// The normalized authentication: the contract of `normalize`.
///
/// Field order is the output order. The authentication value (CAVV / cryptogram) is a
/// [`Secret`]: it serializes as a redaction marker unless the caller reveals secrets.
///
/// It also reads back from `normalize`'s output (`export-3ds` takes it as input); a value
/// printed without `--reveal-secrets` reads back as the redaction marker itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Authentication {
    /// Which PSP the document came from.
    pub provider: Provider,
    /// What the document was: an authentication, an error body or a notification.
    pub kind: DocumentKind,
    /// The PSP's id of the authentication, session or pay-in; null when the document
    /// carries none (most error bodies).
    pub id: Option<String>,
    /// The merchant's own reference for the payment, as sent to the PSP.
    pub reference: Option<String>,
    /// Where the authentication stands: the one status enum.
    pub status: AuthenticationStatus,
    /// Why, in normalized snake_case words (EMV transStatusReason words are shared by every
    /// PSP, e.g. `card_authentication_failed`); null when the PSP gives no reason.
    pub reason: Option<String>,
    /// True when fraud-chargeback liability sits with the issuer, false when it stays with
    /// the merchant, null while the authentication is not final or when the rules cannot
    /// know (an unknown network, a region-dependent rule, a value the PSP does not report).
    pub liability_shift: Option<bool>,
    /// What the merchant should do now.
    pub next_step: NextStep,
    /// The EMV transStatus as the PSP reported it; null when the PSP reports none (never
    /// inferred from the status).
    pub trans_status: Option<TransStatus>,
    /// The EMV transStatusReason, two digits; null when none was reported.
    pub trans_status_reason: Option<String>,
    /// The Electronic Commerce Indicator the authorization must carry, two characters.
    pub eci: Option<Eci>,
    /// The card network, from the PSP's brand or scheme field; null when not reported or
    /// not one this version knows.
    pub network: Option<Network>,
    /// The 3-D Secure protocol version used (`2.2.0`, `1.0.2`, ...).
    pub protocol_version: Option<String>,
    /// Whether the cardholder was challenged; null when the PSP does not say.
    pub challenged: Option<bool>,
    /// The amount authenticated, in minor units.
    pub amount: Option<Money>,
    /// The directory server's transaction id (`dsTransID`), which the authorization carries.
    pub ds_trans_id: Option<String>,
    /// The 3DS Server's transaction id (`threeDSServerTransID`).
    pub three_ds_server_trans_id: Option<String>,
    /// The ACS's transaction id (`acsTransID`).
    pub acs_trans_id: Option<String>,
    /// What the front end must do next, while the browser has work to do; null otherwise.
    pub next_action: Option<NextAction>,
    /// The PSP's own status, code and message, verbatim.
    pub raw: Raw,
    /// Whether a new attempt can help, and where; null for a success, a pending state or an
    /// unknown value.
    pub retry: Option<Retry>,
    /// The SCA exemption the PSP reports as applied (`low_value`,
    /// `transaction_risk_analysis`, `trusted_listing`, `secure_corporate`,
    /// `merchant_initiated`, `recurring`, `acquirer`, ...); null when none is reported.
    pub exemption: Option<String>,
    /// When the authentication took place, RFC 3339 in UTC, from the document itself; the
    /// date the dated liability rules are applied at. Null when the document carries none.
    pub authenticated_at: Option<String>,
    /// CAVV / AAV / cryptogram. Printed only with `--reveal-secrets`.
    pub authentication_value: Option<Secret>,
}

impl Authentication {
    /// A blank authentication for `provider`: status `unknown`, next step `investigate`,
    /// every optional field null. Adapters fill in what the document says.
    pub fn new(provider: Provider, kind: DocumentKind) -> Self {
        Self {
            provider,
            kind,
            id: None,
            reference: None,
            status: AuthenticationStatus::Unknown,
            reason: None,
            liability_shift: None,
            next_step: NextStep::Investigate,
            trans_status: None,
            trans_status_reason: None,
            eci: None,
            network: None,
            protocol_version: None,
            challenged: None,
            amount: None,
            ds_trans_id: None,
            three_ds_server_trans_id: None,
            acs_trans_id: None,
            next_action: None,
            raw: Raw::default(),
            retry: None,
            exemption: None,
            authenticated_at: None,
            authentication_value: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_in_contract_order_with_the_cavv_redacted() {
        let mut a = Authentication::new(Provider::CHECKOUT, DocumentKind::Authentication);
        a.authentication_value = Some(Secret::new("AAABAVIREQAAAAAAAAAAAAAAAAA="));
        a.next_action = Some(NextAction::Redirect {
            url: "https://acs".into(),
        });
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.starts_with(r#"{"provider":"checkout","kind":"authentication","id":null"#));
        assert!(json.contains(r#""next_action":{"type":"redirect","url":"https://acs"}"#));
        assert!(json.ends_with(r#""authentication_value":"[redacted]"}"#));
        assert!(!json.contains("AAABAVIREQ"));
    }
}
