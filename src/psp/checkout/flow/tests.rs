use crate::flow::MethodOutcome;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use threeds_checkout::ThreeDsMethodCompletion;

use super::device_data::method_completion;
use super::next_action::to_emv_base64url;
use super::notifications::notification_session_id;

#[test]
fn creq_values_become_emv_base64url() {
    let json = br#"{"a":"??>"}"#;
    let unpadded = URL_SAFE_NO_PAD.encode(json);
    assert_eq!(
        to_emv_base64url(&unpadded).as_deref(),
        Some(unpadded.as_str())
    );
    let standard = STANDARD.encode(json);
    assert!(standard.contains('/') || standard.contains('+') || standard.ends_with('='));
    assert_eq!(
        to_emv_base64url(&standard).as_deref(),
        Some(unpadded.as_str())
    );
    assert_eq!(to_emv_base64url("not base64!"), None);
}

#[test]
fn method_completion_follows_checkout_for_timeouts() {
    assert_eq!(
        method_completion(&MethodOutcome::Completed { data: None }, true),
        ThreeDsMethodCompletion::Y
    );
    assert_eq!(
        method_completion(&MethodOutcome::TimedOut, true),
        ThreeDsMethodCompletion::U
    );
    assert_eq!(
        method_completion(&MethodOutcome::NotRun, true),
        ThreeDsMethodCompletion::N
    );
    assert_eq!(
        method_completion(&MethodOutcome::NotRun, false),
        ThreeDsMethodCompletion::U
    );
}

#[test]
fn only_checkout_session_ids_are_refetched() {
    let id = |v: Value| notification_session_id(&v);
    assert_eq!(
        id(json!({"data": {"session_id": "sid_abc123"}})).as_deref(),
        Some("sid_abc123")
    );
    assert_eq!(
        id(json!({"session_id": "sid_abc123"})).as_deref(),
        Some("sid_abc123")
    );
    assert_eq!(id(json!({"session_id": "sid_../../x"})), None);
    assert_eq!(id(json!({"session_id": "pay_abc"})), None);
    assert_eq!(id(json!({"data": {}})), None);
}
