//! Unit tests of the Checkout normalization, one file per document or rule, all through
//! [`normalize`]; here the document builders they share and the detection tests.

mod error;
mod facts;
mod retry;
mod session;
mod verdict;
mod webhook;

use crate::catalog::Catalog;
use crate::model::{AuthenticationStatus as St, NextStep, Retry};
use crate::normalize::{Context, Normalized};
use crate::psp::checkout::normalize::normalize;
use serde_json::{json, Value};

/// Detection on a parsed value's outline, as `normalize_value` detects.
fn matches(value: &Value) -> bool {
    crate::psp::checkout::normalize::matches(&crate::normalize::Outline::of_value(value))
}

fn run(value: Value) -> Normalized {
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    assert!(matches(&value), "not recognised: {value}");
    normalize(&value, &ctx).unwrap()
}

fn session(status: &str, extra: Value) -> Value {
    let mut v = json!({
        "id": "sid_aurdb2b3yv6eniu7mbrl7nfopm",
        "transaction_id": "e8302205-c53b-467c-a29f-6062bfb4ae7b",
        "amount": 100, "currency": "USD", "status": status, "scheme": "visa",
        "protocol_version": "2.2.0",
        "_links": {"self": {"href": "https://x/sessions/sid_aurdb2b3yv6eniu7mbrl7nfopm"}}
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in e {
            o.insert(k.clone(), val.clone());
        }
    }
    v
}

fn webhook(event: &str, data: Value) -> Value {
    json!({"id": "evt_x", "type": event, "data": data})
}

fn error(error_type: &str, codes: &[&str]) -> Value {
    json!({"request_id": "r", "error_type": error_type, "error_codes": codes})
}

#[test]
fn matches_only_checkout_shapes() {
    assert!(matches(&json!({"id": "sid_x"})));
    assert!(matches(&json!({"session_id": "s", "response_code": "Y"})));
    assert!(matches(
        &json!({"type": "authentication_started", "data": {}})
    ));
    assert!(matches(&json!({"error_type": "x", "error_codes": []})));
    assert!(!matches(&json!({"type": "payment_approved", "data": {}})));
    assert!(!matches(
        &json!({"id": "pay_x", "status": "COMPLETED", "threeDResult": "Y"})
    ));
    assert!(!matches(&json!({"error": {"code": "5068"}})));
    assert!(!matches(
        &json!({"ResultCode": "000000", "Status": "SUCCEEDED"})
    ));
    assert!(!matches(&json!({"Message": "x", "Type": "param_error"})));
    assert!(!matches(&json!({"authenticationId": "a", "state": "x"})));
    assert!(!matches(&json!([1])));
}

#[test]
fn bad_shapes_name_the_path() {
    let catalog = Catalog::builtin().unwrap();
    let ctx = Context::new(&catalog);
    let err = normalize(&json!({"id": "sid_x", "acs": {"url": 5}}), &ctx).unwrap_err();
    assert!(err.to_string().contains("acs.url"), "{err}");
    let err = normalize(
        &json!({"id": "sid_x", "cryptogram": {"x": "SECRETCAVV"}}),
        &ctx,
    )
    .unwrap_err();
    assert!(!err.to_string().contains("SECRETCAVV"));
}

fn meaning(n: &Normalized) -> (St, NextStep, Option<Retry>) {
    let a = &n.authentication;
    (a.status, a.next_step, a.retry)
}
