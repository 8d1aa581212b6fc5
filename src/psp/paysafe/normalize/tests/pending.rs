//! `PENDING`: the challenge and where it is, waiting, and final results beside it.

use crate::model::{AuthenticationStatus, NextAction, NextStep, Retry, TransStatus};
use serde_json::json;

use super::run;

#[test]
fn pending_challenge_points_at_the_acs_with_no_creq() {
    let n = run(json!({"status": "PENDING", "threeDResult": "C",
                       "acsURL": "https://acs", "sdkChallengePayload": "e30="}));
    let a = &n.authentication;
    assert_eq!(a.status, AuthenticationStatus::ChallengeRequired);
    assert_eq!(a.next_step, NextStep::ChallengeCardholder);
    assert_eq!(a.reason.as_deref(), Some("challenge_required"));
    assert_eq!(a.challenged, Some(true));
    assert_eq!(
        a.next_action,
        Some(NextAction::Challenge {
            url: Some("https://acs".into()),
            creq: None
        })
    );
    assert_eq!(a.liability_shift, None);
}

#[test]
fn the_acs_url_falls_back_to_the_decoded_sdk_challenge_payload() {
    use base64::Engine;
    let payload = base64::engine::general_purpose::STANDARD
        .encode(r#"{"id":"a1","acsUrl":"https://acs/from-payload","payload":"e30"}"#);
    let n = run(json!({"status": "PENDING", "threeDResult": "C",
                       "sdkChallengePayload": payload}));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Challenge {
            url: Some("https://acs/from-payload".into()),
            creq: None
        })
    );
    // The top-level URL wins; an opaque payload changes nothing.
    let n = run(
        json!({"status": "PENDING", "threeDResult": "C", "acsUrl": "https://top",
                       "sdkChallengePayload": payload}),
    );
    assert!(matches!(n.authentication.next_action,
        Some(NextAction::Challenge { url: Some(ref u), .. }) if u == "https://top"));
    let n = run(json!({"status": "PENDING", "threeDResult": "C",
                       "sdkChallengePayload": "not base64!"}));
    assert_eq!(
        n.authentication.next_action,
        Some(NextAction::Challenge {
            url: None,
            creq: None
        })
    );
}

#[test]
fn a_challenge_that_timed_out_at_the_acs_is_expired() {
    let n = run(json!({"status": "COMPLETED", "threeDResult": "N", "eci": 7,
                       "statusReason": "TRANSACTION_TIMED_OUT_ACS",
                       "card": {"type": "VI"}}));
    let a = &n.authentication;
    assert_eq!(
        (a.status, a.next_step),
        (AuthenticationStatus::Expired, NextStep::RetryAuthentication)
    );
    assert_eq!(a.trans_status, Some(TransStatus::N));
    assert_eq!(a.trans_status_reason.as_deref(), Some("14"));
    assert_eq!(a.liability_shift, Some(false));
    assert_eq!(a.retry, Some(Retry::SamePsp));
    assert_eq!(a.reason.as_deref(), Some("acs_timed_out"));
    assert_eq!(n.explain.status_rule, "emv:trans_status_reason/14");
    // U with reason 14, or N with another reason, keep their catalog meaning.
    let u = run(json!({"status": "COMPLETED", "threeDResult": "U",
                       "statusReason": "TRANSACTION_TIMED_OUT_ACS"}));
    assert_eq!(u.authentication.status, AuthenticationStatus::Unavailable);
    let f = run(json!({"status": "COMPLETED", "threeDResult": "N",
                       "statusReason": "CARD_AUTHENTICATION_FAILED"}));
    assert_eq!(f.authentication.status, AuthenticationStatus::Failed);
}

#[test]
fn pending_without_challenge_waits() {
    let a = run(json!({"status": "PENDING", "merchantRefNum": "r"})).authentication;
    assert_eq!(
        (a.status, a.next_step),
        (AuthenticationStatus::Pending, NextStep::Wait)
    );
}

#[test]
fn a_pending_state_with_a_final_result_is_a_contradiction() {
    for doc in [
        json!({"status": "PENDING", "threeDResult": "R"}),
        json!({"status": "PENDING", "threeDResult": "Y", "eci": 5, "cavv": "AAAB"}),
        json!({"status": "PENDING", "threeDResult": "A"}),
        json!({"status": "PENDING", "threeDEnrollment": "N"}),
    ] {
        let n = run(doc.clone());
        let a = &n.authentication;
        assert_eq!(
            (a.status, a.next_step, a.retry, a.liability_shift),
            (
                AuthenticationStatus::Unknown,
                NextStep::Investigate,
                None,
                None
            ),
            "{doc}"
        );
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("contradictory")));
    }
}
