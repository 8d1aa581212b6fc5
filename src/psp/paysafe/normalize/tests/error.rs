//! Error bodies and error objects: the code's row, its reason and retry.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider, Retry};
use serde_json::json;

use super::run;

#[test]
fn error_bodies_map_by_code() {
    let n = run(
        json!({"error": {"code": "5068", "message": "Field Error(s)",
        "fieldErrors": [{"field": "amount", "error": "An amount is required."}]}}),
    );
    let a = &n.authentication;
    assert_eq!(a.kind, DocumentKind::Error);
    assert_eq!(
        (a.status, a.next_step),
        (AuthenticationStatus::Error, NextStep::FixRequest)
    );
    assert_eq!(a.reason.as_deref(), Some("invalid_request"));
    assert_eq!(a.raw.status, None);
    assert_eq!(a.raw.code.as_deref(), Some("5068"));
    assert_eq!(a.raw.message.as_deref(), Some("Field Error(s)"));
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("amount: An amount is required.")));

    let a = run(
        json!({"error": {"code": "5016", "message": "Account not found"},
                       "status": "FAILED"}),
    )
    .authentication;
    assert_eq!(a.raw.status.as_deref(), Some("FAILED"));
    assert_eq!(a.reason.as_deref(), Some("not_found"));

    let a = run(json!({"liveMode": "true", "error": {"code": "1200"}})).authentication;
    assert_eq!(
        (a.reason.as_deref(), a.next_step),
        (Some("rate_limited"), NextStep::RetryAuthentication)
    );
}

#[test]
fn an_unknown_error_code_is_an_error_to_investigate() {
    let n = run(json!({"error": {"code": "7777", "message": "new"}}));
    let a = &n.authentication;
    assert_eq!(
        (a.kind, a.status, a.next_step, a.retry),
        (
            DocumentKind::Error,
            AuthenticationStatus::Error,
            NextStep::Investigate,
            None
        )
    );
    assert_eq!(a.raw.code.as_deref(), Some("7777"));
    assert!(n.explain.warnings.iter().any(|w| w.contains("'7777'")));
    // Also inside a FAILED authentication object.
    let a = run(json!({"id": "a1", "status": "FAILED", "error": {"code": "7777"}})).authentication;
    assert_eq!(a.status, AuthenticationStatus::Error);
}

fn error_meaning(code: &str) -> (AuthenticationStatus, NextStep, Option<Retry>) {
    let a = run(json!({"error": {"code": code}})).authentication;
    (a.status, a.next_step, a.retry)
}

#[test]
fn account_and_credential_errors_are_investigated_and_another_account_may_succeed() {
    for code in [
        "5000", "5016", "5017", "5040", "5270", "5275", "5276", "5277", "5278", "5279", "5280",
        "9013", "9501",
    ] {
        assert_eq!(
            error_meaning(code),
            (
                AuthenticationStatus::Error,
                NextStep::Investigate,
                Some(Retry::OtherPsp)
            ),
            "{code}"
        );
    }
}

#[test]
fn invalid_requests_are_fixed_never_retried_as_they_are() {
    for code in [
        "5001", "5003", "5010", "5023", "5042", "5068", "5272", "5502",
    ] {
        assert_eq!(
            error_meaning(code),
            (
                AuthenticationStatus::Error,
                NextStep::FixRequest,
                Some(Retry::Never)
            ),
            "{code}"
        );
    }
}

#[test]
fn paysafe_technical_errors_may_succeed_at_another_psp() {
    for code in [
        "1000", "1001", "1002", "1003", "1007", "1008", "5103", "9014",
    ] {
        assert_eq!(
            error_meaning(code),
            (
                AuthenticationStatus::Error,
                NextStep::RetryAuthentication,
                Some(Retry::OtherPsp)
            ),
            "{code}"
        );
    }
}

#[test]
fn an_sca_required_soft_decline_is_retried_with_a_challenge() {
    let (status, step, retry) = error_meaning("3060");
    assert_eq!(
        (status, step, retry),
        (
            AuthenticationStatus::Declined,
            NextStep::RetryWithChallenge,
            Some(Retry::WithChallenge)
        )
    );
}

#[test]
fn every_error_code_row_follows_the_retry_rules_of_its_reason() {
    let catalog = Catalog::builtin().unwrap();
    for row in catalog
        .rows(Provider::PAYSAFE)
        .filter(|r| r.table == "error_code")
    {
        let meaning = (row.next_step, row.retry);
        let want = match row.reason.as_deref() {
            Some("invalid_request") => Some((Some(NextStep::FixRequest), Some(Retry::Never))),
            Some("invalid_credentials") => {
                Some((Some(NextStep::Investigate), Some(Retry::OtherPsp)))
            }
            Some("psp_technical_error") => {
                Some((Some(NextStep::RetryAuthentication), Some(Retry::OtherPsp)))
            }
            _ => None,
        };
        if let Some(want) = want {
            assert_eq!(meaning, want, "error_code {}", row.code);
        }
        assert!(row.retry.is_some(), "error_code {} has no retry", row.code);
        assert!(!row.source.contains("reference"), "error_code {}", row.code);
    }
}

#[test]
fn failed_authentication_object_uses_its_error() {
    let n = run(
        json!({"id": "a1", "merchantRefNum": "r", "status": "FAILED",
                       "error": {"code": "1001", "message": "gateway"}}),
    );
    let a = &n.authentication;
    assert_eq!(a.kind, DocumentKind::Error);
    assert_eq!(a.id.as_deref(), Some("a1"));
    assert_eq!(a.reason.as_deref(), Some("psp_technical_error"));
    assert_eq!(a.raw.status.as_deref(), Some("FAILED"));
    let a = run(json!({"id": "a1", "merchantRefNum": "r", "status": "FAILED"})).authentication;
    assert_eq!(
        (a.status, a.next_step),
        (AuthenticationStatus::Error, NextStep::Investigate)
    );
}
