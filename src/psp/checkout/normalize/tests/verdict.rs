//! A final status against a contradicting `response_code`: never the more positive one.

use crate::model::{AuthenticationStatus as St, NextStep, Retry};
use serde_json::json;

use super::{meaning, run, session, webhook};

#[test]
fn i_never_turns_a_negative_outcome_into_an_exemption() {
    for (status, expected) in [
        ("declined", St::Failed),
        ("rejected", St::Rejected),
        ("unavailable", St::Unavailable),
    ] {
        let n = run(session(status, json!({"response_code": "I"})));
        assert_eq!(n.authentication.status, expected, "{status}");
        assert_ne!(n.authentication.next_step, NextStep::Authorize, "{status}");
        assert_eq!(n.authentication.exemption, None);
    }
    let n = run(webhook(
        "authentication_failed",
        json!({"response_code": "I"}),
    ));
    assert_eq!(n.authentication.status, St::Failed);
    assert_eq!(n.authentication.next_step, NextStep::DoNotAuthorize);
}

#[test]
fn a_successful_webhook_with_n_or_r_is_not_authorize() {
    for event in ["authentication_approved", "authentication_attempted"] {
        for code in ["N", "R", "U"] {
            let n = run(webhook(event, json!({"response_code": code})));
            assert_eq!(
                meaning(&n),
                (St::Unknown, NextStep::Wait, None),
                "{event} {code}"
            );
            assert_eq!(n.authentication.liability_shift, None);
            assert!(n.explain.warnings.iter().any(|w| w.contains("contradicts")));
        }
    }
}

#[test]
fn a_is_never_folded_into_failed_and_r_never_loses_rejected() {
    for (status, code) in [
        ("declined", "A"),
        ("unavailable", "A"),
        ("declined", "R"),
        ("unavailable", "R"),
        ("approved", "R"),
        ("approved", "N"),
        ("attempted", "U"),
        ("unavailable", "N"),
    ] {
        let n = run(session(status, json!({"response_code": code})));
        assert_eq!(
            meaning(&n),
            (St::Unknown, NextStep::Investigate, None),
            "{status} {code}"
        );
        assert_eq!(
            n.explain.status_rule,
            "rule:checkout.status_contradicts_response_code"
        );
    }
    let n = run(webhook(
        "authentication_failed",
        json!({"response_code": "A"}),
    ));
    assert_eq!(meaning(&n), (St::Unknown, NextStep::Wait, None));
    let n = run(webhook(
        "authentication_failed",
        json!({"response_code": "R"}),
    ));
    assert_eq!(
        meaning(&n),
        (St::Rejected, NextStep::DoNotAuthorize, Some(Retry::Never))
    );
    let n = run(session("rejected", json!({"response_code": "N"})));
    assert_eq!(n.authentication.status, St::Rejected);
}
