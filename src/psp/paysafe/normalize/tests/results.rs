//! `COMPLETED` results through the blueprint's matrix, unknown values and contradictions.

use crate::model::{AuthenticationStatus, Eci, NextStep, Retry, TransStatus};
use serde_json::json;

use super::status_reason::with_reason;
use super::{completed, run};

#[test]
fn completed_results_follow_the_matrix_recommended_action() {
    for (r, status, step) in [
        (
            "Y",
            AuthenticationStatus::Authenticated,
            NextStep::Authorize,
        ),
        ("A", AuthenticationStatus::Attempted, NextStep::Authorize),
        ("N", AuthenticationStatus::Failed, NextStep::DoNotAuthorize),
        (
            "U",
            AuthenticationStatus::Unavailable,
            NextStep::AuthorizeAtOwnRisk,
        ),
        (
            "R",
            AuthenticationStatus::Rejected,
            NextStep::DoNotAuthorize,
        ),
        (
            "E",
            AuthenticationStatus::Error,
            NextStep::RetryAuthentication,
        ),
    ] {
        let n = run(completed(r));
        let a = &n.authentication;
        assert_eq!((a.status, a.next_step), (status, step), "{r}");
        assert_eq!(a.raw.code.as_deref(), Some(r));
        assert_eq!(
            n.explain.status_rule,
            format!("catalog:paysafe/three_d_result/{r}")
        );
    }
    // E is not an EMV transStatus: kept in raw only.
    assert_eq!(run(completed("E")).authentication.trans_status, None);
    assert_eq!(
        run(completed("A")).authentication.trans_status,
        Some(TransStatus::A)
    );
}

#[test]
fn each_result_carries_the_retry_of_its_emv_meaning() {
    // N: a new authentication with the cardholder may succeed; R: never; U: later (the
    // issuer's or DS's trouble is the same at any PSP); Y, A and C: nothing to retry.
    for (r, retry) in [
        ("Y", None),
        ("A", None),
        ("N", Some(Retry::SamePsp)),
        ("U", Some(Retry::Later)),
        ("R", Some(Retry::Never)),
        ("E", Some(Retry::OtherPsp)),
    ] {
        assert_eq!(run(completed(r)).authentication.retry, retry, "{r}");
    }
    let pending = run(json!({"status": "PENDING", "threeDResult": "C"}));
    assert_eq!(pending.authentication.retry, None);
}

#[test]
fn an_error_object_on_a_completed_authentication_is_a_contradiction() {
    let mut v = completed("Y");
    v["cavv"] = json!("BwAQATkhGAEAABVIFSEYEGkybeU=");
    v["error"] = json!({"code": "1000", "message": "Internal error"});
    let n = run(v);
    let a = &n.authentication;
    assert_eq!(
        (a.status, a.next_step, a.retry, a.liability_shift),
        (
            AuthenticationStatus::Unknown,
            NextStep::Investigate,
            None,
            None
        )
    );
    assert!(n.explain.warnings.iter().any(|w| w.contains("code 1000")));
    // R with an error object does not become anything better than unknown either.
    let mut v = with_reason("R", "SUSPECTED_FRAUD");
    v["error"] = json!({"code": "5021"});
    let a = run(v).authentication;
    assert_eq!((a.status, a.retry), (AuthenticationStatus::Unknown, None));
}

#[test]
fn a_non_payment_authentication_has_nothing_to_authorize() {
    let non_payment = |r: &str| {
        let mut v = completed(r);
        v["messageCategory"] = json!("NON_PAYMENT");
        v["authenticationPurpose"] = json!("ADD_CARD");
        run(v).authentication
    };
    for r in ["Y", "A", "U"] {
        assert_eq!(non_payment(r).next_step, NextStep::None, "{r}");
    }
    assert_eq!(non_payment("N").next_step, NextStep::DoNotAuthorize);
    assert_eq!(non_payment("Y").status, AuthenticationStatus::Authenticated);
    assert_eq!(non_payment("U").retry, Some(Retry::Later));
}

#[test]
fn unknown_values_are_unknown_and_kept_raw() {
    let n = run(completed("X"));
    assert_eq!(n.authentication.status, AuthenticationStatus::Unknown);
    assert_eq!(n.authentication.next_step, NextStep::Investigate);
    assert_eq!(n.authentication.raw.code.as_deref(), Some("X"));
    assert_eq!(n.authentication.trans_status, None);
    let mut v = completed("Y");
    v["status"] = json!("EXPIRED");
    let a = run(v).authentication;
    assert_eq!(a.status, AuthenticationStatus::Unknown);
    assert_eq!(a.raw.status.as_deref(), Some("EXPIRED"));
    let a = run(json!({"status": "COMPLETED", "threeDEnrollment": "B"})).authentication;
    assert_eq!(a.status, AuthenticationStatus::Unknown);
    assert_eq!(a.raw.code.as_deref(), Some("B"));
}

#[test]
fn contradictions_are_not_guessed() {
    let a = run(json!({"status": "COMPLETED", "threeDResult": "C"})).authentication;
    assert_eq!(a.status, AuthenticationStatus::Unknown);
    let a = run(json!({"status": "COMPLETED", "merchantRefNum": "r"})).authentication;
    assert_eq!(a.status, AuthenticationStatus::Unknown);
}

#[test]
fn payments_api_hand_off_object_without_status() {
    // The hand-off object of developer.paysafe.com "External 3DS for 3DS 2.0".
    let n = run(json!({"eci": 6, "cavv": "Y2FyZGluYWxjb21tZXJjZWF1dGg=",
                       "threeDResult": "A", "threeDSecureVersion": "2.1.0",
                       "directoryServerTransactionId": "faf2069e"}));
    assert_eq!(n.authentication.status, AuthenticationStatus::Attempted);
    assert_eq!(n.authentication.eci.as_ref().map(Eci::as_str), Some("06"));
    assert!(!n.explain.warnings.is_empty());
}
