//! `CREATED` pay-ins: a redirect to follow, or still pending.

use crate::model::{AuthenticationStatus as Status, NextAction, NextStep as Step};
use serde_json::json;

use super::{payin, run};

#[test]
fn created_with_redirect_is_a_challenge() {
    let n = run(payin(
        json!({"Status": "CREATED", "ResultCode": null, "ResultMessage": null,
        "SecureModeRedirectURL": "https://acs.example/c"}),
    ));
    let a = n.authentication;
    assert_eq!(a.status, Status::ChallengeRequired);
    assert_eq!(a.next_step, Step::ChallengeCardholder);
    assert_eq!(
        a.next_action,
        Some(NextAction::Redirect {
            url: "https://acs.example/c".into()
        })
    );
    assert_eq!(a.liability_shift, None);
    assert_eq!(
        n.explain.status_rule,
        "rule:mangopay.created_secure_mode_redirect"
    );
}

#[test]
fn created_without_redirect_is_pending() {
    let a = run(payin(json!({"Status": "CREATED", "ResultCode": null,
        "SecureModeNeeded": false})))
    .authentication;
    assert_eq!((a.status, a.next_step), (Status::Pending, Step::Wait));
    assert_eq!(a.reason.as_deref(), Some("awaiting_psp"));
    assert!(a.next_action.is_none());
}

#[test]
fn created_web_payin_redirects_to_the_payment_page() {
    let a = run(
        json!({"Status": "CREATED", "ResultCode": null, "PaymentType": "CARD",
        "ExecutionType": "WEB", "RedirectURL": "https://pay.example/p"}),
    )
    .authentication;
    assert_eq!((a.status, a.next_step), (Status::Pending, Step::Wait));
    assert_eq!(
        a.next_action,
        Some(NextAction::Redirect {
            url: "https://pay.example/p".into()
        })
    );
}
