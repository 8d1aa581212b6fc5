//! The normalized authentication: one per PSP document.

use super::{AuthenticationStatus, Eci, Money, Network, NextStep, Provider, Retry, TransStatus};
use serde::{Deserialize, Serialize};
use threeds_wire::Secret;

/// What the PSP document was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// An authentication, session or pay-in object (API response or callback body).
    Authentication,
    /// An API error body.
    Error,
    /// An asynchronous notification (webhook, hook).
    Webhook,
}

/// What the front end must do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NextAction {
    /// Send the cardholder's browser to `url` (full page).
    Redirect { url: String },
    /// Post `data` as `threeDSMethodData` to `url` in a hidden iframe.
    ThreeDsMethod { url: String, data: Option<String> },
    /// Post the CReq to the ACS at `url`. `creq` is null when the PSP's client SDK builds it.
    Challenge {
        url: Option<String>,
        creq: Option<String>,
    },
    /// Collect browser or app data and send it to the PSP.
    CollectDeviceData,
}

/// The PSP's own status, code and message, verbatim.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raw {
    pub status: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// The normalized authentication: the contract of `normalize`.
///
/// Field order is the output order. The authentication value (CAVV / cryptogram) is a
/// [`Secret`]: it serializes as a redaction marker unless the caller reveals secrets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Authentication {
    pub provider: Provider,
    pub kind: DocumentKind,
    pub id: Option<String>,
    pub reference: Option<String>,
    pub status: AuthenticationStatus,
    pub reason: Option<String>,
    pub liability_shift: Option<bool>,
    pub next_step: NextStep,
    pub trans_status: Option<TransStatus>,
    pub trans_status_reason: Option<String>,
    pub eci: Option<Eci>,
    pub network: Option<Network>,
    pub protocol_version: Option<String>,
    pub challenged: Option<bool>,
    pub amount: Option<Money>,
    pub ds_trans_id: Option<String>,
    pub three_ds_server_trans_id: Option<String>,
    pub acs_trans_id: Option<String>,
    pub next_action: Option<NextAction>,
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
