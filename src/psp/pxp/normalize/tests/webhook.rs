//! The webhook envelope: its events and the date it gives a final authentication.

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus as S, DocumentKind, NextStep as N};
use crate::normalize::Context;
use crate::psp::pxp::normalize::normalize;
use serde_json::json;

use super::{get, run, status};

#[test]
fn webhook_event_date_dates_a_final_authentication() {
    let hook = |state: &str, date: &str| {
        json!({
            "eventCategory": "Authentication", "eventDate": date,
            "eventData": {"authenticationId": "a", "state": state,
                          "electronicCommerceIndicator": "05"},
        })
    };
    let n = run(hook(
        "AuthenticationSuccessful",
        "2025-01-27T09:51:04.826+01:00",
    ));
    assert_eq!(
        n.authentication.authenticated_at.as_deref(),
        Some("2025-01-27T08:51:04.826Z")
    );
    assert_eq!(
        n.explain.liability.facts.authenticated_on,
        chrono::NaiveDate::from_ymd_opt(2025, 1, 27)
    );
    for state in ["PendingCustomerChallenge", "AuthenticationExpired"] {
        let n = run(hook(state, "2025-01-27T08:51:04Z"));
        assert_eq!(n.authentication.authenticated_at, None, "{state}");
    }
    let n = run(hook("AuthenticationSuccessful", "yesterday"));
    assert_eq!(n.authentication.authenticated_at, None);
    assert!(n.explain.warnings.iter().any(|w| w.contains("eventDate")));
    // PXP's authentication object carries no date of its own.
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "05"}),
    ));
    assert_eq!(n.authentication.authenticated_at, None);
}

#[test]
fn webhooks() {
    let n = run(json!({
        "eventCategory": "Authentication", "eventDate": "2025-01-27T08:51:04.826Z",
        "eventData": {"authenticationId": "a", "state": "AuthenticationSuccessful",
                      "electronicCommerceIndicator": "05"},
        "eventOwner": {"merchantGroup": "MG", "merchant": "M", "site": "S"}
    }));
    assert_eq!(n.authentication.kind, DocumentKind::Webhook);
    assert_eq!(n.authentication.status, S::Authenticated);
    assert_eq!(n.authentication.id.as_deref(), Some("a"));

    let n = run(json!({"eventCategory": "Transaction", "eventData": {"systemTransactionId": "t"}}));
    assert_eq!(status(&n), (S::Unknown, N::Investigate));
    assert_eq!(
        n.authentication.reason.as_deref(),
        Some("not_an_authentication_event")
    );

    let n = run(
        json!({"eventCategory": "Authentication", "eventName": "challenge-completed",
                       "eventData": {}}),
    );
    assert_eq!(status(&n), (S::Pending, N::Wait));

    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    let err = normalize(
        &json!({"eventCategory": "Authentication", "eventData": {"authenticationId": 5, "state": []}}),
        &ctx,
    )
    .unwrap_err();
    assert!(err.to_string().contains("eventData."), "{err}");
}
