//! Whether and where a retry can help after a refused pay-in or an error.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus as Status, NextStep as Step, Retry};
use crate::psp::mangopay::normalize::P;
use serde_json::json;

use super::{payin, run};

fn retry_of(code: &str) -> (Status, Step, Option<Retry>) {
    let a = run(payin(json!({"ResultCode": code}))).authentication;
    (a.status, a.next_step, a.retry)
}

#[test]
fn soft_declines_and_limits_are_retryable_later() {
    for code in [
        "101301", "101101", "101102", "101104", "101111", "101112", "101113", "101115", "101116",
        "008505", "008507",
    ] {
        assert_eq!(retry_of(code).2, Some(Retry::Later), "{code}");
        assert_eq!(retry_of(code).1, Step::DoNotAuthorize, "{code}");
    }
}

#[test]
fn sca_soft_decline_retries_with_a_challenge() {
    assert_eq!(
        retry_of("101305"),
        (
            Status::Declined,
            Step::RetryWithChallenge,
            Some(Retry::WithChallenge)
        )
    );
}

#[test]
fn expired_3ds_session_is_retried_at_the_same_psp() {
    assert_eq!(
        retry_of("101304"),
        (
            Status::Expired,
            Step::RetryAuthentication,
            Some(Retry::SamePsp)
        )
    );
}

#[test]
fn unavailable_3ds_has_nothing_left_to_authorize_and_retries_later() {
    assert_eq!(
        retry_of("101399"),
        (
            Status::Unavailable,
            Step::DoNotAuthorize,
            Some(Retry::Later)
        )
    );
}

#[test]
fn fraud_lost_and_stolen_are_never_retried() {
    let catalog = Catalog::builtin().unwrap();
    let velocity = ["008505", "008507"];
    for e in catalog.rows(P).filter(|e| e.table == "result_code") {
        if e.code.starts_with("008") && !velocity.contains(&e.code.as_str()) {
            assert_eq!(e.retry, Some(Retry::Never), "{}", e.code);
        }
    }
    for code in [
        "008001", "008002", "008003", "008006", "008511", "008515", "008999",
    ] {
        assert_eq!(retry_of(code).2, Some(Retry::Never), "{code}");
    }
}

#[test]
fn psp_technical_errors_go_to_another_psp_and_issuer_outages_wait() {
    for code in ["001999", "009101", "009103", "009199", "009999"] {
        let (status, _, retry) = retry_of(code);
        assert_eq!(
            (status, retry),
            (Status::Error, Some(Retry::OtherPsp)),
            "{code}"
        );
    }
    // The issuer's outage: every PSP reaches the same issuer, and Mangopay has already
    // refused the pay-in.
    assert_eq!(
        retry_of("009499"),
        (Status::Error, Step::DoNotAuthorize, Some(Retry::Later))
    );
}

#[test]
fn credentials_and_configuration_problems_are_investigated_and_another_account_may_succeed() {
    for t in ["invalid_credentials", "unauthorized_client"] {
        let a = run(json!({"Message": "m", "Type": t})).authentication;
        assert_eq!(
            (a.status, a.next_step, a.retry),
            (Status::Error, Step::Investigate, Some(Retry::OtherPsp)),
            "{t}"
        );
    }
    let a =
        run(json!({"error": "unauthorized_client", "error_description": "locked"})).authentication;
    assert_eq!(
        (a.next_step, a.retry),
        (Step::Investigate, Some(Retry::OtherPsp))
    );
    assert_eq!(
        retry_of("001015"),
        (Status::Error, Step::Investigate, Some(Retry::OtherPsp))
    );
}

#[test]
fn an_idempotency_conflict_is_never_a_reason_to_create_another_payin() {
    let a = run(json!({"Message": "m", "Type": "idempotent_creation_conflict"})).authentication;
    assert_eq!(
        (a.status, a.next_step, a.retry),
        (Status::Error, Step::Investigate, Some(Retry::Never))
    );
}

#[test]
fn invalid_requests_are_fixed_first_and_never_retried_as_they_are() {
    for code in ["001023", "105204", "001014"] {
        assert_eq!(
            retry_of(code),
            (Status::Error, Step::FixRequest, Some(Retry::Never)),
            "{code}"
        );
    }
    let a = run(json!({"Message": "m", "Type": "param_error"})).authentication;
    assert_eq!(
        (a.next_step, a.retry),
        (Step::FixRequest, Some(Retry::Never))
    );
}

#[test]
fn no_payin_is_left_for_the_merchant_to_authorize() {
    // Mangopay authorizes in the same call: success is done, failure already refused.
    let catalog = Catalog::builtin().unwrap();
    for e in catalog.rows(P) {
        assert!(
            !matches!(
                e.next_step,
                Some(Step::Authorize | Step::AuthorizeAtOwnRisk)
            ),
            "{}",
            e.id()
        );
    }
    for extra in [
        json!({"Status": "SUCCEEDED", "ResultCode": "000000"}),
        json!({"Status": "SUCCEEDED", "ResultCode": "000000", "SecureModeNeeded": false}),
        json!({"Status": "SUCCEEDED", "ResultCode": "000000", "SecureModeNeeded": false,
            "Applied3DSVersion": null}),
    ] {
        let a = run(payin(extra)).authentication;
        assert_eq!(a.next_step, Step::None);
    }
}

#[test]
fn every_final_negative_row_says_whether_a_retry_helps() {
    let catalog = Catalog::builtin().unwrap();
    for e in catalog.rows(P) {
        let negative = matches!(
            e.status,
            Some(
                Status::Failed
                    | Status::Rejected
                    | Status::Unavailable
                    | Status::Expired
                    | Status::NotEnrolled
                    | Status::Declined
                    | Status::Error
            )
        );
        assert_eq!(negative, e.retry.is_some(), "{}", e.id());
        assert!(
            e.source.starts_with("https://docs.mangopay.com/")
                || e.source.starts_with("Mangopay/mangopay2-php-sdk "),
            "{} cites no public source: {}",
            e.id(),
            e.source
        );
    }
}
