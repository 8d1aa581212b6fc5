//! `FAILED` pay-ins: the `ResultCode` row, a failed challenge, unknown codes.

use crate::model::{AuthenticationStatus as Status, NextStep as Step};
use serde_json::json;

use super::{payin, run};

#[test]
fn failed_pay_ins_follow_their_result_code_row() {
    for (code, status, reason, step) in [
        (
            "101301",
            Status::Failed,
            "card_authentication_failed",
            Step::DoNotAuthorize,
        ),
        (
            "101304",
            Status::Expired,
            "session_expired",
            Step::RetryAuthentication,
        ),
        (
            "101302",
            Status::NotEnrolled,
            "card_not_enrolled",
            Step::DoNotAuthorize,
        ),
        (
            "101303",
            Status::NotEnrolled,
            "card_not_3ds_compatible",
            Step::DoNotAuthorize,
        ),
        (
            "101305",
            Status::Declined,
            "sca_required",
            Step::RetryWithChallenge,
        ),
        (
            "101399",
            Status::Unavailable,
            "authentication_unavailable",
            Step::DoNotAuthorize,
        ),
        (
            "008515",
            Status::Unavailable,
            "authentication_unavailable",
            Step::DoNotAuthorize,
        ),
        (
            "008511",
            Status::Failed,
            "risk_step_up_failed",
            Step::DoNotAuthorize,
        ),
        (
            "101101",
            Status::Declined,
            "issuer_declined",
            Step::DoNotAuthorize,
        ),
        (
            "101105",
            Status::Declined,
            "expired_card",
            Step::DoNotAuthorize,
        ),
        (
            "101410",
            Status::Declined,
            "card_deactivated",
            Step::DoNotAuthorize,
        ),
        (
            "001013",
            Status::Declined,
            "issuer_declined",
            Step::DoNotAuthorize,
        ),
        (
            "008500",
            Status::Declined,
            "blocked_by_risk_rules",
            Step::DoNotAuthorize,
        ),
        (
            "008003",
            Status::Declined,
            "stolen_card",
            Step::DoNotAuthorize,
        ),
        (
            "009101",
            Status::Error,
            "psp_timeout",
            Step::RetryAuthentication,
        ),
        (
            "001999",
            Status::Error,
            "psp_technical_error",
            Step::RetryAuthentication,
        ),
        ("105204", Status::Error, "invalid_cvv", Step::FixRequest),
        (
            "001031",
            Status::Expired,
            "cardholder_cancelled",
            Step::RetryAuthentication,
        ),
    ] {
        let n = run(payin(json!({"ResultCode": code})));
        let a = &n.authentication;
        assert_eq!(
            (a.status, a.reason.as_deref(), a.next_step),
            (status, Some(reason), step),
            "{code}"
        );
        assert_eq!(
            n.explain.status_rule,
            format!("catalog:mangopay/result_code/{code}")
        );
    }
}

#[test]
fn failed_challenged_follows_secure_mode_needed() {
    let a = run(payin(
        json!({"ResultCode": "101305", "SecureModeNeeded": false}),
    ));
    assert_eq!(a.authentication.challenged, Some(false));
    let a = run(payin(json!({"ResultCode": "101304"})));
    assert_eq!(a.authentication.challenged, Some(true));
}

#[test]
fn unknown_result_codes_statuses_and_missing_codes_are_unknown() {
    for extra in [
        json!({"ResultCode": "101306"}),
        json!({"ResultCode": null}),
        json!({"ResultCode": "000000"}),
        json!({"Status": "CANCELED"}),
        json!({"Status": null}),
    ] {
        let n = run(payin(extra.clone()));
        assert_eq!(n.authentication.status, Status::Unknown, "{extra}");
        assert_eq!(n.authentication.next_step, Step::Investigate, "{extra}");
        assert!(!n.explain.warnings.is_empty(), "{extra}");
    }
    let n = run(payin(json!({"Status": "CANCELED"})));
    assert_eq!(n.authentication.raw.status.as_deref(), Some("CANCELED"));
}
