//! Unit tests of the Paysafe normalization, one file per part of the document or rule, all
//! through [`normalize`]; here the builders they share and the detection tests.

mod catalog;
mod error;
mod fields;
mod liability;
mod pending;
mod results;
mod status_reason;
mod threeds1;

use crate::catalog::Catalog;
use crate::model::Eci;
use crate::normalize::{Context, NormalizeError, Normalized};
use crate::psp::paysafe::normalize::normalize;
use serde_json::{json, Value};

/// Detection on a parsed value's outline, as `normalize_value` detects.
fn matches(value: &Value) -> bool {
    crate::psp::paysafe::normalize::matches(&crate::normalize::Outline::of_value(value))
}

fn run(value: Value) -> Normalized {
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    normalize(&value, &ctx).unwrap()
}

fn completed(result: &str) -> Value {
    json!({"id": "a1", "status": "COMPLETED", "threeDResult": result, "eci": 5,
           "merchantRefNum": "r", "amount": 123, "currency": "EUR",
           "card": {"type": "VI"}, "threeDSecureVersion": "2.1.0"})
}

#[test]
fn malformed_shapes_name_the_path_and_never_leak_values() {
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    for (doc, path) in [
        (json!({"threeDResult": "Y", "cavv": {"x": 1}}), "cavv"),
        (json!({"threeDResult": true}), "threeDResult"),
        (
            json!({"merchantRefNum": "r", "card": {"cardNum": ["4111111111111111"]}}),
            "card.cardNum",
        ),
        (
            json!({"error": {"code": "5068", "fieldErrors": "x"}}),
            "error.fieldErrors",
        ),
    ] {
        match normalize(&doc, &ctx) {
            Err(NormalizeError::Shape {
                path: p, message, ..
            }) => {
                assert_eq!(p, path);
                assert!(!message.contains("4111111111111111"), "{message}");
            }
            other => panic!("{doc}: expected a shape error, got {other:?}"),
        }
    }
    // Lenient where Paysafe is inconsistent: a negative or text amount is warned, not fatal.
    let n = run(
        json!({"threeDResult": "Y", "status": "COMPLETED", "amount": -5,
                       "currency": "EUR", "eci": "05"}),
    );
    assert_eq!(n.authentication.amount, None);
    assert_eq!(n.authentication.eci.as_ref().map(Eci::as_str), Some("05"));
    assert!(n.explain.warnings.iter().any(|w| w.contains("amount")));
}

#[test]
fn matches_paysafe_shapes_only() {
    assert!(matches(&json!({"threeDResult": "Y"})));
    assert!(matches(&json!({"threeDEnrollment": "N"})));
    assert!(matches(&json!({"merchantRefNum": "r"})));
    assert!(matches(&json!({"error": {"code": "5068"}})));
    assert!(!matches(&json!({"error": "x"})));
    assert!(!matches(&json!({"id": "sid_1", "_links": {}})));
    assert!(!matches(&json!({"error_type": "x", "error_codes": []})));
    assert!(!matches(&json!({"ResultCode": "000000"})));
    assert!(!matches(&json!({"authenticationId": "x", "state": "y"})));
    assert!(!matches(&json!([1])));
}
