//! Reasons and retries: the EMV transStatusReason families and the EMV error component.

use crate::model::{AuthenticationStatus as St, NextStep, Retry};
use serde_json::json;

use super::{error, meaning, run, session};

#[test]
fn n_with_trans_status_reason_14_is_expired() {
    let n = run(session(
        "declined",
        json!({"response_code": "N", "response_status_reason": "14"}),
    ));
    assert_eq!(
        meaning(&n),
        (
            St::Expired,
            NextStep::RetryAuthentication,
            Some(Retry::SamePsp)
        )
    );
    assert_eq!(n.authentication.reason.as_deref(), Some("acs_timed_out"));
    let n = run(
        json!({"session_id": "sid_x", "status": "declined", "response_code": "N",
                        "response_reason": "14"}),
    );
    assert_eq!(n.authentication.status, St::Expired);
}

#[test]
fn trans_status_reason_families_decide_retry() {
    for (status, code, reason, retry) in [
        ("declined", "N", None, Retry::SamePsp),
        ("declined", "N", Some("01"), Retry::SamePsp),
        ("declined", "N", Some("04"), Retry::Later),
        ("declined", "N", Some("10"), Retry::Never),
        ("declined", "N", Some("11"), Retry::Never),
        ("declined", "N", Some("13"), Retry::Never),
        ("declined", "N", Some("19"), Retry::Later),
        ("rejected", "R", None, Retry::Never),
        ("rejected", "R", Some("01"), Retry::Never),
        ("unavailable", "U", None, Retry::Later),
        ("unavailable", "U", Some("22"), Retry::Later),
    ] {
        let mut extra = json!({"response_code": code});
        if let Some(r) = reason {
            extra["response_status_reason"] = json!(r);
        }
        let n = run(session(status, extra));
        assert_eq!(n.authentication.retry, Some(retry), "{status} {reason:?}");
    }
}

#[test]
fn a_directory_server_failure_is_retried_later() {
    let n = run(session(
        "unavailable",
        json!({"response_code": "U", "status_reason": "ares_error"}),
    ));
    assert_eq!(n.authentication.retry, Some(Retry::Later));
    for code in ["ds_error", "scheme_outage", "card_eligibility_unavailable"] {
        let n = run(error("operation_not_allowed", &[code]));
        assert_eq!(n.authentication.retry, Some(Retry::Later), "{code}");
    }
}

#[test]
fn error_retry_says_where_a_new_attempt_can_help() {
    for (error_type, code, step, retry) in [
        (
            "internal_server_error",
            "unknown_error",
            NextStep::RetryAuthentication,
            Retry::OtherPsp,
        ),
        (
            "service_not_available",
            "unable_to_verify_card",
            NextStep::RetryAuthentication,
            Retry::OtherPsp,
        ),
        (
            "unprocessable_entity",
            "amount_invalid",
            NextStep::FixRequest,
            Retry::Never,
        ),
        ("forbidden", "zzz", NextStep::Investigate, Retry::OtherPsp),
        (
            "operation_not_allowed",
            "processing_channel_disabled",
            NextStep::Investigate,
            Retry::OtherPsp,
        ),
        (
            "duplicate_requests_detected",
            "session_already_in_use",
            NextStep::Wait,
            Retry::Later,
        ),
    ] {
        let n = run(error(error_type, &[code]));
        assert_eq!(meaning(&n), (St::Error, step, Some(retry)), "{code}");
    }
}
