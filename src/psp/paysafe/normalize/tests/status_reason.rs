//! `statusReason`: its EMV code, reason word and retry.

use crate::catalog::Catalog;
use crate::model::reason::emv_reason;
use crate::model::{AuthenticationStatus, NextStep, Provider, Retry};
use crate::psp::paysafe::normalize::STATUS_REASON_EMV_CODES;
use serde_json::{json, Value};

use super::{completed, run};

pub(super) fn with_reason(result: &str, reason: &str) -> Value {
    let mut v = completed(result);
    v["statusReason"] = json!(reason);
    v
}

#[test]
fn named_status_reasons_take_the_retry_of_their_emv_code() {
    for (result, reason, code, retry) in [
        ("N", "CARD_AUTHENTICATION_FAILED", "01", Retry::SamePsp),
        ("N", "EXCEEDS_AUTH_FREQUENCY_LIMIT", "04", Retry::Later),
        ("N", "SECURITY_FAILURE", "09", Retry::Never),
        ("N", "STOLEN_CARD", "10", Retry::Never),
        ("N", "SUSPECTED_FRAUD", "11", Retry::Never),
        ("N", "TRANSACTION_NOT_PERMITTED", "12", Retry::Never),
        ("N", "CARDHOLDER_NOT_ENROLLED", "13", Retry::Never),
        ("N", "EXCEEDS_ACS_MAX_CHALLENGES", "19", Retry::Later),
        ("U", "ACS_TECHNICAL_ISSUE", "22", Retry::Later),
        // R is never retried, whatever the reason.
        ("R", "CARD_AUTHENTICATION_FAILED", "01", Retry::Never),
    ] {
        let a = run(with_reason(result, reason)).authentication;
        assert_eq!(a.trans_status_reason.as_deref(), Some(code), "{reason}");
        assert_eq!(a.retry, Some(retry), "{result} {reason}");
        assert_eq!(a.reason.as_deref(), emv_reason(code), "{reason}");
    }
    // A reason on a success names it and retries nothing.
    let a = run(with_reason("Y", "LOW_CONFIDENCE")).authentication;
    assert_eq!(
        (a.status, a.retry, a.reason.as_deref()),
        (
            AuthenticationStatus::Authenticated,
            None,
            Some("low_confidence")
        )
    );
}

#[test]
fn paysafe_only_reasons_decide_retry_for_n_and_u_only() {
    let retry = |result: &str, reason: &str| run(with_reason(result, reason)).authentication.retry;
    // An issuer error is the issuer's at any PSP: later.
    assert_eq!(retry("U", "GENERAL_ISSUER_ERROR"), Some(Retry::Later));
    assert_eq!(retry("N", "GENERAL_ISSUER_ERROR"), Some(Retry::Later));
    // The merchant's Paysafe 3DS setup must be fixed first.
    assert_eq!(
        retry("U", "MERCHANT_CONFIGURATION_ERROR"),
        Some(Retry::Never)
    );
    // No information: the result decides.
    assert_eq!(retry("N", "NO_INFORMATION_AVAILABLE"), Some(Retry::SamePsp));
    assert_eq!(retry("U", "NO_INFORMATION_AVAILABLE"), Some(Retry::Later));
    // R stays never; a success has nothing to retry.
    assert_eq!(retry("R", "GENERAL_ISSUER_ERROR"), Some(Retry::Never));
    assert_eq!(retry("Y", "MERCHANT_CONFIGURATION_ERROR"), None);
    // The next step stays the result's.
    let a = run(with_reason("U", "MERCHANT_CONFIGURATION_ERROR")).authentication;
    assert_eq!(a.next_step, NextStep::AuthorizeAtOwnRisk);
}

#[test]
fn status_reason_sets_reason_and_the_emv_code() {
    let mut v = completed("N");
    v["statusReason"] = json!("CARD_AUTHENTICATION_FAILED");
    let a = run(v).authentication;
    assert_eq!(a.reason.as_deref(), Some("card_authentication_failed"));
    assert_eq!(a.trans_status_reason.as_deref(), Some("01"));
    assert_eq!(a.raw.message.as_deref(), Some("CARD_AUTHENTICATION_FAILED"));
    let mut v = completed("R");
    v["statusReason"] = json!("DECOUPLED_REQIRED_BUT_NOT_REQUESTED");
    assert_eq!(
        run(v).authentication.trans_status_reason.as_deref(),
        Some("23")
    );
    let mut v = completed("U");
    v["statusReason"] = json!("MERCHANT_CONFIGURATION_ERROR");
    let a = run(v).authentication;
    assert_eq!(a.reason.as_deref(), Some("merchant_configuration_error"));
    assert_eq!(a.trans_status_reason, None);
    let mut v = completed("N");
    v["statusReason"] = json!("SOMETHING_NEW");
    let n = run(v);
    assert_eq!(n.authentication.status, AuthenticationStatus::Failed);
    assert_eq!(n.authentication.reason, None);
    assert_eq!(
        n.authentication.raw.message.as_deref(),
        Some("SOMETHING_NEW")
    );
    assert!(!n.explain.warnings.is_empty());
}

#[test]
fn status_reason_rows_use_the_emv_words_of_their_codes() {
    let catalog = Catalog::builtin().unwrap();
    assert_eq!(STATUS_REASON_EMV_CODES.len(), 26);
    for (name, code) in STATUS_REASON_EMV_CODES {
        let row = catalog
            .lookup(Provider::PAYSAFE, "status_reason", name)
            .unwrap_or_else(|| panic!("no status_reason row for {name}"));
        assert_eq!(row.reason.as_deref(), emv_reason(code), "{name} ({code})");
        assert_eq!(
            row.status, None,
            "{name}: reason rows do not decide the status"
        );
    }
}
