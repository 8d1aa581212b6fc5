//! Typed Checkout.com Standalone (Sessions) 3-D Secure API bindings.
//!
//! Serde types that mirror Checkout's JSON exactly (the Checkout.com sources in
//! `docs/sources.md`): the session request and its channel-data / issuer-fingerprint
//! follow-ups ([`request`]), the session responses, non-hosted callback and error bodies
//! ([`response`]), the `authentication_*` workflow webhooks ([`webhook`]), and the code
//! catalog. Nothing here knows the bridge's normalized model.

#[cfg(feature = "client")]
pub mod client;
pub mod enums;
pub mod request;
pub mod response;
pub mod webhook;

pub use enums::*;
pub use request::{
    AccountInfo, Address, BillingDescriptor, ChannelData, Completion, DeviceInformation,
    GoogleSpaRequest, InitialTransaction, Installment, IssuerFingerprintRequest, Marketplace,
    MerchantRiskInfo, OptimizationRequest, Phone, Recurring, SdkEphemPubKey, SessionRequest,
    Source, ThreeDsRequestorAuthenticationInfo,
};
pub use response::{
    Acs, CardInfo, CardMetadata, Certificates, Ds, ErrorDetails, ErrorResponse, Exemption,
    GoogleSpa, Link, Links, PreferredExperiences, SessionCallback, SessionResponse, ThreeDsData,
};
pub use webhook::{WebhookData, WebhookEvent};

/// The code catalog: see `threeds_wire::catalog` for the format.
pub const CATALOG_CSV: &str = include_str!("../catalog.csv");

#[cfg(test)]
mod tests {
    use super::*;
    use threeds_wire::Validate;

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/checkout");

    fn corpus(name: &str) -> Option<String> {
        std::fs::read_to_string(format!("{CORPUS}/{name}")).ok()
    }

    #[test]
    fn full_payload_parses_with_the_3ds_key_and_secrets_redacted() {
        let Some(text) = corpus("session_full_payload_challenged_java.json") else {
            return;
        };
        let s: SessionResponse = serde_json::from_str(&text).unwrap();
        let three_ds = s.three_ds.as_ref().unwrap();
        assert_eq!(three_ds.challenge_request.as_deref(), Some("creq"));
        assert_eq!(
            s.preferred_experiences.unwrap().three_ds.unwrap().status,
            Some(ExperienceStatus::Processed)
        );
        let debug = format!("{:?}", s.session_secret);
        assert!(!debug.contains("sek_"));
        assert!(!format!("{:?}", s.cryptogram).contains("MTIz"));
    }

    #[test]
    fn webhook_amount_is_a_string_and_3ds_transaction_id_is_read() {
        let e: WebhookEvent = serde_json::from_str(
            r#"{"type":"authentication_approved","data":{"amount":"1250","3ds_transaction_id":"t","type":"regular"}}"#,
        )
        .unwrap();
        let d = e.data.unwrap();
        assert_eq!(d.amount.unwrap().as_u64(), Some(1250));
        assert_eq!(d.three_ds_transaction_id.as_deref(), Some("t"));
        assert_eq!(d.authentication_type, Some(AuthenticationType::Regular));
        assert_eq!(e.event_type, Some(WebhookType::AuthenticationApproved));
    }

    #[test]
    fn unknown_values_are_kept() {
        let s: SessionResponse =
            serde_json::from_str(r#"{"status":"frozen","next_actions":["dance"]}"#).unwrap();
        assert_eq!(s.status, Some(SessionStatus::Unknown("frozen".into())));
        assert_eq!(s.next_actions.unwrap()[0].as_str(), "dance");
    }

    #[test]
    fn issuer_fingerprint_body_requires_the_completion_indicator() {
        let ok: IssuerFingerprintRequest =
            serde_json::from_str(r#"{"three_ds_method_completion":"Y"}"#).unwrap();
        assert!(ok.validate().is_empty());
        let bad: IssuerFingerprintRequest =
            serde_json::from_str(r#"{"three_ds_method_completion":"X"}"#).unwrap();
        assert_eq!(bad.validate()[0].path, "three_ds_method_completion");
        assert_eq!(
            IssuerFingerprintRequest::default().validate()[0].path,
            "three_ds_method_completion"
        );
    }

    #[test]
    fn collect_data_body_is_channel_data_with_string_numbers() {
        let c: ChannelData = serde_json::from_str(
            r#"{"channel":"browser","accept_header":"Accept:  *.*, q=0.1","java_enabled":true,"language":"FR-fr","color_depth":"16","screen_height":"1080","screen_width":"1920","timezone":"60","user_agent":"Mozilla/5.0","three_ds_method_completion":"Y","ip_address":"1.12.123.255"}"#,
        )
        .unwrap();
        assert!(c.validate().is_empty(), "{:?}", c.validate());
        let out = serde_json::to_value(&c).unwrap();
        assert_eq!(out["color_depth"], "16");
        assert_eq!(out["timezone"], "60");
    }

    #[test]
    fn catalog_parses() {
        let rows = threeds_wire::catalog::parse("catalog.csv", CATALOG_CSV).unwrap();
        assert!(rows.iter().any(|r| r.table == "session_status"));
    }
}

#[cfg(feature = "sandbox")]
pub mod sandbox;
