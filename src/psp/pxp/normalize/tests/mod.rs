//! Unit tests of the PXP normalization, one file per state family or document, all through
//! [`normalize`]; here the builders they share, detection, the catalog tables, amounts and
//! hostile input.

mod failed;
mod pending;
mod successful;
mod webhook;

use crate::catalog::Catalog;
use crate::model::reason::EMV_REASONS;
use crate::model::{AuthenticationStatus as S, AuthenticationStatus, Money, NextStep as N, Retry};
use crate::normalize::{Context, Normalized};
use crate::psp::pxp::normalize::{normalize, P};
use serde_json::{json, Value};
use threeds_pxp::response::AuthenticationState;
use threeds_pxp::webhook::EventCategory;

/// Detection on a parsed value's outline, as `normalize_value` detects.
fn matches(value: &Value) -> bool {
    crate::psp::pxp::normalize::matches(&crate::normalize::Outline::of_value(value))
}

fn run(v: Value) -> Normalized {
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    normalize(&v, &ctx).unwrap()
}

fn get(state: &str, extra: Value) -> Value {
    let mut v = json!({
        "authenticationId": "550e8400-e29b-41d4-a716-446655440000",
        "state": state,
        "threeDSecureVersion": "2.1.0",
        "directoryServerTransactionId": "8ac7a4a3-7c50-4c48-9b3f-5d8e6f9a1b2c",
    });
    if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            m.insert(k.clone(), x.clone());
        }
    }
    v
}

fn status(n: &Normalized) -> (AuthenticationStatus, N) {
    (n.authentication.status, n.authentication.next_step)
}

#[test]
fn matches_pxp_shapes_only() {
    assert!(matches(&json!({"authenticationId": "x"})));
    assert!(matches(
        &json!({"eventCategory": "Authentication", "eventData": {}})
    ));
    assert!(matches(
        &json!({"state": "AuthenticationFailed", "stateData": {}})
    ));
    assert!(!matches(&json!({"state": "x"})));
    assert!(!matches(&json!({"status": "approved", "id": "sid_1"})));
    assert!(!matches(&json!({"ResultCode": "000000"})));
    assert!(!matches(&json!({"threeDResult": "Y"})));
    assert!(!matches(&json!([1])));
}

#[test]
fn catalog_state_table_covers_every_documented_state() {
    let catalog = Catalog::builtin().unwrap();
    for s in AuthenticationState::KNOWN {
        let e = catalog.lookup(P, "state", s).unwrap();
        assert!(e.status.is_some() && e.next_step.is_some(), "{s}");
    }
}

#[test]
fn state_code_words_are_the_emv_words() {
    let catalog = Catalog::builtin().unwrap();
    let rows: Vec<_> = catalog
        .rows(P)
        .filter(|e| e.table == "state_code")
        .collect();
    assert_eq!(rows.len(), 30);
    for (code, word, _) in EMV_REASONS {
        let e = catalog.lookup(P, "state_code", code).unwrap();
        assert_eq!(e.reason.as_deref(), Some(*word), "{code}");
        assert_eq!(e.status, None, "{code}: reason-only row");
    }
}

#[test]
fn event_category_and_challenge_cancel_tables_load() {
    let catalog = Catalog::builtin().unwrap();
    for c in EventCategory::KNOWN {
        assert!(catalog.lookup(P, "event_category", c).is_some(), "{c}");
    }
    let e = catalog.lookup(P, "challenge_cancel", "01").unwrap();
    assert_eq!(e.status, Some(S::Expired));
    assert_eq!(e.reason.as_deref(), Some("challenge_abandoned"));
}

fn outcome(n: &Normalized) -> (AuthenticationStatus, N, Option<Retry>) {
    (
        n.authentication.status,
        n.authentication.next_step,
        n.authentication.retry,
    )
}

#[test]
fn unknown_or_absent_state_is_unknown() {
    let n = run(get("AuthenticationPending", json!({})));
    assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None));
    assert_eq!(
        n.authentication.raw.status.as_deref(),
        Some("AuthenticationPending")
    );
    let n = run(json!({"authenticationId": "a"}));
    assert_eq!(status(&n), (S::Unknown, N::Investigate));
}

#[test]
fn amounts_convert_with_the_currency_exponent() {
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "05",
               "amount": {"transactionValue": 1.234, "currencyCode": "KWD"}}),
    ));
    assert_eq!(
        n.authentication.amount,
        Some(Money {
            value: 1234,
            currency: "KWD".into()
        })
    );
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    let err = normalize(
        &get(
            "AuthenticationSuccessful",
            json!({"amount": {"transactionValue": 1.5, "currencyCode": "JPY"}}),
        ),
        &ctx,
    )
    .unwrap_err();
    assert!(err.to_string().contains("amount.transactionValue"), "{err}");
}

#[test]
fn cavv_is_secret_and_hostile_input_never_panics() {
    let n = run(get(
        "AuthenticationSuccessful",
        json!({"electronicCommerceIndicator": "05",
               "cardholderAuthenticationVerificationValue": "CAVV-CANARY-123"}),
    ));
    let out = serde_json::to_string(&n.authentication).unwrap();
    assert!(!out.contains("CAVV-CANARY-123"));
    assert!(!format!("{:?}", n.authentication).contains("CAVV-CANARY-123"));
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    for v in [
        json!({"authenticationId": null, "state": null}),
        json!({"authenticationId": "a", "electronicCommerceIndicator": {}}),
        json!({"authenticationId": "a", "threeDSecureFingerprintData": "////"}),
        json!({"eventCategory": 7, "eventData": "x"}),
        json!({"authenticationId": "a", "amount": {"transactionValue": "abc", "currencyCode": "EUR"}}),
    ] {
        let _ = normalize(&v, &ctx);
    }
}
