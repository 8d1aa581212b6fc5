//! PXP authentication responses: pre-initiate, initiate and get share one shape, an
//! authentication object with `authenticationId` and `state`.
//!
//! Confirmed fields come from PXP's two published response examples
//! (`https://developer.pxp.io/guides/3ds/standalone/get-authentication`,
//! `https://developer.pxp.io/guides/3ds/exemptions`) and the states page
//! (`https://developer.pxp.io/guides/3ds/states`: `stateData.code`, `stateData.reason`). PXP
//! publishes no initiate response body and no challenge field names in readable form: the
//! fields marked *unconfirmed* are the likely names,
//! accepted when present and never required. Everything is optional so a real payload never
//! fails to parse.

use crate::request::{Amount, ChallengeIndicator};
use serde::{Deserialize, Serialize};
use threeds_wire::{NumOrStr, Secret};

threeds_wire::open_enum! {
    /// `state` (`authenticationState`), `https://developer.pxp.io/guides/3ds/states`.
    pub enum AuthenticationState {
        PendingClientData = "PendingClientData",
        PendingCustomerChallenge = "PendingCustomerChallenge",
        AuthenticationSuccessful = "AuthenticationSuccessful",
        AuthenticationFailed = "AuthenticationFailed",
        AuthenticationRejected = "AuthenticationRejected",
        AuthenticationError = "AuthenticationError",
    }
}

/// `stateData`: why the state was reached. `code` is the EMV transStatusReason (01..30 on
/// the states page), `reason` its text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StateData {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An authentication as PXP returns it from pre-initiate, initiate and get, and as the
/// `eventData` of an `Authentication` webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Authentication {
    #[serde(rename = "authenticationId", skip_serializing_if = "Option::is_none")]
    pub authentication_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<AuthenticationState>,
    #[serde(rename = "stateData", skip_serializing_if = "Option::is_none")]
    pub state_data: Option<StateData>,
    /// `2.1.0`, `2.2.0`.
    #[serde(
        rename = "threeDSecureVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_version: Option<String>,
    #[serde(
        rename = "directoryServerTransactionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub directory_server_transaction_id: Option<String>,
    /// CAVV / AAV.
    #[serde(
        rename = "cardholderAuthenticationVerificationValue",
        skip_serializing_if = "Option::is_none"
    )]
    pub cardholder_authentication_verification_value: Option<Secret>,
    #[serde(
        rename = "electronicCommerceIndicator",
        skip_serializing_if = "Option::is_none"
    )]
    pub electronic_commerce_indicator: Option<NumOrStr>,

    // Pre-initiate fields (exemptions guide example).
    #[serde(rename = "scaMandated", skip_serializing_if = "Option::is_none")]
    pub sca_mandated: Option<bool>,
    /// Comma-separated **string** (`"LVP,TRA"`), not an array; integrated mode only.
    #[serde(
        rename = "applicableExemptions",
        skip_serializing_if = "Option::is_none"
    )]
    pub applicable_exemptions: Option<String>,
    /// The 3DS Method URL; empty when the issuer has no 3DS Method.
    #[serde(
        rename = "threeDSecureFingerprintUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_fingerprint_url: Option<String>,
    /// Base64 `threeDSMethodData` (see [`crate::fingerprint`]).
    #[serde(
        rename = "threeDSecureFingerprintData",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_fingerprint_data: Option<String>,
    #[serde(
        rename = "threeDSecureSupported",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_supported: Option<bool>,
    #[serde(
        rename = "recommendedChallengeIndicator",
        skip_serializing_if = "Option::is_none"
    )]
    pub recommended_challenge_indicator: Option<ChallengeIndicator>,

    // Unconfirmed candidates. Each name PXP might use is an alias of one field: a real
    // document carries one of them.
    /// EMV transStatus. Unconfirmed: the states page speaks of "Transaction status = N / U";
    /// PXP's transactions API calls it `threeDSecureTransactionStatus`
    /// (`/guides/transactions/e-commerce/token-transaction`) and the merchant-webhook
    /// reference lists "The status of the transaction" in authentication event data.
    #[serde(
        rename = "threeDSecureTransactionStatus",
        alias = "transactionStatus",
        alias = "transStatus",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_transaction_status: Option<String>,
    /// ACS challenge URL (unconfirmed name; the challenge posts the `creq` to the ACS).
    #[serde(
        rename = "acsUrl",
        alias = "challengeUrl",
        skip_serializing_if = "Option::is_none"
    )]
    pub acs_url: Option<String>,
    /// The base64url CReq to post to the ACS (unconfirmed name).
    #[serde(alias = "challengeData", skip_serializing_if = "Option::is_none")]
    pub creq: Option<String>,
    /// EMV acsTransID (unconfirmed name).
    #[serde(rename = "acsTransactionId", skip_serializing_if = "Option::is_none")]
    pub acs_transaction_id: Option<String>,
    /// EMV threeDSServerTransID (unconfirmed name).
    #[serde(
        rename = "threeDSecureServerTransactionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_server_transaction_id: Option<String>,
    /// EMV challengeCancel, 01..09 (merchant-webhook reference lists the values for
    /// authentication event data; the field name is unconfirmed).
    #[serde(
        rename = "challengeCancelIndicator",
        alias = "challengeCancel",
        skip_serializing_if = "Option::is_none"
    )]
    pub challenge_cancel_indicator: Option<NumOrStr>,
    /// "Flow of the authentication process" (merchant-webhook reference; name and values
    /// unconfirmed, read as `Challenge` / `Frictionless`).
    #[serde(rename = "authenticationFlow", skip_serializing_if = "Option::is_none")]
    pub authentication_flow: Option<String>,
    /// Card scheme (unconfirmed here; PXP's transactions API spells it `cardScheme`, `Visa`).
    #[serde(rename = "cardScheme", skip_serializing_if = "Option::is_none")]
    pub card_scheme: Option<String>,
    /// Amount in major units (unconfirmed in responses; same shape as the request's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
}

impl Authentication {
    /// The transStatus, when present and not blank.
    pub fn trans_status(&self) -> Option<&str> {
        non_empty(&self.three_d_secure_transaction_status)
    }

    /// The ACS URL, when present and not blank.
    pub fn challenge_url(&self) -> Option<&str> {
        non_empty(&self.acs_url)
    }

    /// The CReq, when present and not blank.
    pub fn creq(&self) -> Option<&str> {
        non_empty(&self.creq)
    }

    /// The challenge-cancel indicator.
    pub fn challenge_cancel(&self) -> Option<&str> {
        self.challenge_cancel_indicator
            .as_ref()
            .map(NumOrStr::as_str)
    }

    /// `applicableExemptions` split on commas (`"LVP,TRA"` -> `["LVP", "TRA"]`).
    pub fn exemptions(&self) -> Vec<&str> {
        self.applicable_exemptions
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// True for a pre-initiate response (it carries the pre-initiate-only fields).
    pub fn is_pre_initiate(&self) -> bool {
        self.three_d_secure_supported.is_some()
            || self.sca_mandated.is_some()
            || self.applicable_exemptions.is_some()
            || self.three_d_secure_fingerprint_url.is_some()
            || self.three_d_secure_fingerprint_data.is_some()
    }
}

fn non_empty(f: &Option<String>) -> Option<&str> {
    f.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_preinitiate_response() {
        let a: Authentication = serde_json::from_str(
            r#"{"authenticationId":"9180c811-ae68-4b40-8910-bfe74a26d65a","state":"PendingClientData",
                "scaMandated":false,"applicableExemptions":"LVP,TRA","threeDSecureVersion":"2.2.0",
                "threeDSecureFingerprintUrl":"https://acs/fp","threeDSecureFingerprintData":"eyJ9",
                "threeDSecureSupported":true,"recommendedChallengeIndicator":null}"#,
        )
        .unwrap();
        assert_eq!(a.state, Some(AuthenticationState::PendingClientData));
        assert_eq!(a.exemptions(), ["LVP", "TRA"]);
        assert!(a.is_pre_initiate());
        assert_eq!(a.recommended_challenge_indicator, None);
    }

    #[test]
    fn parses_get_with_state_data_and_keeps_unknown_state() {
        let a: Authentication = serde_json::from_str(
            r#"{"authenticationId":"x","state":"SomethingNew","electronicCommerceIndicator":5,
                "stateData":{"code":"14","reason":"Transaction timed out at the ACS."},
                "cardholderAuthenticationVerificationValue":"AAAB"}"#,
        )
        .unwrap();
        assert_eq!(
            a.state,
            Some(AuthenticationState::Unknown("SomethingNew".into()))
        );
        assert_eq!(
            a.electronic_commerce_indicator.as_ref().unwrap().as_str(),
            "5"
        );
        assert_eq!(
            a.state_data
                .as_ref()
                .unwrap()
                .code
                .as_ref()
                .unwrap()
                .as_str(),
            "14"
        );
        assert!(!a.is_pre_initiate());
    }

    #[test]
    fn candidate_fields() {
        let a: Authentication = serde_json::from_str(
            r#"{"transactionStatus":"U","challengeUrl":"https://acs/c","creq":"e30","challengeCancel":"01"}"#,
        )
        .unwrap();
        assert_eq!(a.trans_status(), Some("U"));
        assert_eq!(a.challenge_url(), Some("https://acs/c"));
        assert_eq!(a.creq(), Some("e30"));
        assert_eq!(a.challenge_cancel(), Some("01"));
    }
}
