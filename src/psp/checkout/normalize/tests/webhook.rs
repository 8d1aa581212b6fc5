//! Workflow webhooks: event types through the catalog, `response_code` beside them.

use crate::model::{AuthenticationStatus as St, NextStep, Retry, TransStatus};
use serde_json::json;

use super::{run, session, webhook};

#[test]
fn every_webhook_type_maps_through_the_catalog() {
    for (event, status) in [
        ("authentication_started", St::Pending),
        ("authentication_approved", St::Authenticated),
        ("authentication_attempted", St::Attempted),
        ("authentication_failed", St::Failed),
        ("authentication_expired", St::Expired),
    ] {
        let n = run(webhook(
            event,
            json!({"session_id": "sid_1", "amount": "1250", "currency": "GBP"}),
        ));
        assert_eq!(n.authentication.status, status, "{event}");
        assert_eq!(
            n.authentication.amount.as_ref().map(|m| m.value),
            Some(1250)
        );
        assert_eq!(n.authentication.id.as_deref(), Some("sid_1"));
    }
    let n = run(webhook("authentication_refunded", json!({})));
    assert_eq!(n.authentication.status, St::Unknown);
}

#[test]
fn webhook_rules() {
    let n = run(webhook(
        "authentication_failed",
        json!({"response_code": "U"}),
    ));
    assert_eq!(n.authentication.status, St::Unavailable);
    assert_eq!(n.authentication.next_step, NextStep::AuthorizeAtOwnRisk);
    assert_eq!(n.authentication.retry, Some(Retry::Later));
    assert_eq!(n.explain.status_rule, "catalog:checkout/response_code/U");
    let n = run(webhook(
        "authentication_attempted",
        json!({"response_code": "Y"}),
    ));
    assert_eq!(n.authentication.status, St::Attempted);
    assert_eq!(n.explain.liability.facts.trans_status, Some(TransStatus::A));
    assert!(n
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("event type wins")));
    let n = run(webhook(
        "authentication_failed",
        json!({"response_code": "N", "error_details": {"error_component": "D"}}),
    ));
    assert_eq!(n.authentication.reason.as_deref(), Some("ds_error"));
}

#[test]
fn an_emv_error_component_says_where_a_retry_can_help() {
    for (component, reason, retry) in [
        ("D", "ds_error", Retry::Later),
        ("A", "acs_error", Retry::Later),
        ("S", "psp_technical_error", Retry::OtherPsp),
    ] {
        let n = run(webhook(
            "authentication_failed",
            json!({"response_code": "N", "error_details": {"error_component": component}}),
        ));
        assert_eq!(n.authentication.reason.as_deref(), Some(reason));
        assert_eq!(n.authentication.retry, Some(retry), "{component}");
    }
    let n = run(session(
        "rejected",
        json!({"response_code": "R", "3ds": {"error_details": {"error_component": "D"}}}),
    ));
    assert_eq!(n.authentication.retry, Some(Retry::Never));
}
