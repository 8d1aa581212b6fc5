//! Failures, rejections, errors and cancelled challenges: `stateData.code` and the retry it
//! gives, and a contradicting transStatus.

use crate::model::{AuthenticationStatus as S, NextStep as N, Retry};
use crate::normalize::Normalized;
use serde_json::json;

use super::{get, outcome, run, status};

fn failed_with(code: &str) -> Normalized {
    run(get(
        "AuthenticationFailed",
        json!({"stateData": {"code": code}}),
    ))
}

#[test]
fn failed_is_do_not_authorize_and_pxps_retry_advice_is_same_psp() {
    let n = run(get("AuthenticationFailed", json!({})));
    assert_eq!(
        outcome(&n),
        (S::Failed, N::DoNotAuthorize, Some(Retry::SamePsp))
    );
    assert_eq!(n.authentication.liability_shift, Some(false));
    let n = run(get(
        "AuthenticationFailed",
        json!({"stateData": {"code": "11", "reason": "Suspected fraud."}}),
    ));
    let a = &n.authentication;
    assert_eq!(a.reason.as_deref(), Some("suspected_fraud"));
    assert_eq!(a.trans_status_reason.as_deref(), Some("11"));
    assert_eq!(a.raw.status.as_deref(), Some("AuthenticationFailed"));
    assert_eq!(a.raw.code.as_deref(), Some("11"));
    assert_eq!(a.raw.message.as_deref(), Some("Suspected fraud."));
}

#[test]
fn state_codes_retry_by_their_emv_reason_family() {
    for (code, retry) in [
        ("01", Retry::SamePsp),
        ("04", Retry::Later),
        ("19", Retry::Later),
        ("09", Retry::Never),
        ("10", Retry::Never),
        ("11", Retry::Never),
        ("12", Retry::Never),
    ] {
        let n = failed_with(code);
        assert_eq!(
            outcome(&n),
            (S::Failed, N::DoNotAuthorize, Some(retry)),
            "{code}"
        );
    }
}

#[test]
fn state_code_14_on_a_failure_is_expired() {
    let n = failed_with("14");
    assert_eq!(
        outcome(&n),
        (S::Expired, N::RetryAuthentication, Some(Retry::SamePsp))
    );
    assert_eq!(n.authentication.reason.as_deref(), Some("acs_timed_out"));
}

#[test]
fn code_13_on_a_failure_is_a_failure_never_retried() {
    // Without a transStatus, N and U cannot be told apart: the less positive N.
    let n = failed_with("13");
    assert_eq!(
        outcome(&n),
        (S::Failed, N::DoNotAuthorize, Some(Retry::Never))
    );
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("cardholder_not_enrolled")
    );
}

#[test]
fn u_is_authorize_at_own_risk_and_retried_later() {
    let n = run(get(
        "AuthenticationFailed",
        json!({"transactionStatus": "U"}),
    ));
    assert_eq!(
        outcome(&n),
        (S::Unavailable, N::AuthorizeAtOwnRisk, Some(Retry::Later))
    );
    let n = failed_with("22");
    assert_eq!(
        outcome(&n),
        (S::Unavailable, N::AuthorizeAtOwnRisk, Some(Retry::Later))
    );
    assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("22"));
    // A U with a fraud reason is still never retried.
    let n = run(get(
        "AuthenticationFailed",
        json!({"transactionStatus": "U", "stateData": {"code": "11"}}),
    ));
    assert_eq!(
        outcome(&n),
        (S::Unavailable, N::AuthorizeAtOwnRisk, Some(Retry::Never))
    );
}

#[test]
fn rejected_is_never_retried_whatever_the_code() {
    for code in ["01", "14", "22"] {
        let n = run(get(
            "AuthenticationRejected",
            json!({"stateData": {"code": code}}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Rejected, N::DoNotAuthorize, Some(Retry::Never)),
            "{code}"
        );
    }
}

#[test]
fn trans_status_r_is_rejected_in_any_state() {
    for state in ["AuthenticationSuccessful", "AuthenticationFailed"] {
        let n = run(get(
            state,
            json!({"transactionStatus": "R", "electronicCommerceIndicator": "05"}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Rejected, N::DoNotAuthorize, Some(Retry::Never)),
            "{state}"
        );
        assert_eq!(n.explain.status_rule, "rule:pxp.trans_status_r_rejects");
    }
}

#[test]
fn an_attempt_is_never_folded_into_a_failure() {
    for ts in ["A", "Y"] {
        let n = run(get(
            "AuthenticationFailed",
            json!({"transactionStatus": ts}),
        ));
        assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None), "{ts}");
    }
    // I does not turn a failure into an exemption.
    let n = run(get(
        "AuthenticationFailed",
        json!({"transactionStatus": "I"}),
    ));
    assert_eq!(
        outcome(&n),
        (S::Failed, N::DoNotAuthorize, Some(Retry::SamePsp))
    );
}

#[test]
fn an_error_state_retries_by_its_cause() {
    let n = run(get("AuthenticationError", json!({})));
    assert_eq!(
        outcome(&n),
        (S::Error, N::AuthorizeAtOwnRisk, Some(Retry::OtherPsp))
    );
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("psp_technical_error")
    );
    assert_eq!(n.authentication.liability_shift, None);
    for (code, retry) in [("22", Retry::Later), ("11", Retry::Never)] {
        let n = run(get(
            "AuthenticationError",
            json!({"stateData": {"code": code}}),
        ));
        assert_eq!(n.authentication.status, S::Error, "{code}");
        assert_eq!(n.authentication.retry, Some(retry), "{code}");
    }
}

#[test]
fn challenge_cancel_rows_decide_retry_but_fraud_stays_never() {
    let n = run(get(
        "AuthenticationFailed",
        json!({"challengeCancel": "06"}),
    ));
    assert_eq!(
        outcome(&n),
        (S::Error, N::RetryAuthentication, Some(Retry::SamePsp))
    );
    assert_eq!(n.authentication.reason.as_deref(), Some("acs_error"));
    let n = run(get(
        "AuthenticationFailed",
        json!({"challengeCancel": "01", "stateData": {"code": "11"}}),
    ));
    assert_eq!(
        outcome(&n),
        (S::Expired, N::RetryAuthentication, Some(Retry::Never))
    );
    // A cancel indicator never undoes an R or a contradiction.
    for (ts, want) in [("R", S::Rejected), ("A", S::Unknown)] {
        let n = run(get(
            "AuthenticationFailed",
            json!({"challengeCancel": "01", "transactionStatus": ts}),
        ));
        assert_eq!(n.authentication.status, want, "{ts}");
    }
    let n = run(get(
        "AuthenticationFailed",
        json!({"challengeCancel": "42"}),
    ));
    assert_eq!(n.authentication.status, S::Failed);
    assert!(n.explain.warnings.iter().any(|w| w.contains("'42'")));
}

#[test]
fn ds_specific_state_code_keeps_code_and_warns() {
    let n = run(get(
        "AuthenticationFailed",
        json!({"stateData": {"code": "85"}}),
    ));
    assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("85"));
    assert_eq!(n.authentication.reason, None);
    assert!(!n.explain.warnings.is_empty());
}

#[test]
fn challenge_cancel_makes_expired() {
    let n = run(get(
        "AuthenticationFailed",
        json!({"challengeCancel": "01"}),
    ));
    assert_eq!(status(&n), (S::Expired, N::RetryAuthentication));
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("challenge_abandoned")
    );
}
