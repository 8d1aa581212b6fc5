//! checkout's documents for each EMV outcome.
//!
//! Every outcome is a `GET /sessions/{id}` answer: the frictionless session of
//! checkout-sdk-node (`fixtures/checkout/session_approved_frictionless_node.json`) with only
//! the outcome fields changed: `status` (the session status Checkout sets for the
//! transStatus), `approved`, `response_code`, `response_status_reason`, `eci` and
//! `cryptogram` (present only where the outcome has one).

use super::{Built, Outcome};
use serde_json::{json, Value};

const BASE: &str = include_str!("../../fixtures/checkout/session_approved_frictionless_node.json");

/// The document checkout sends for `o`, or why it cannot send one.
pub fn document(o: &Outcome) -> Built {
    // Session status, whether approved, and the ECI Visa gives the outcome.
    let (status, approved, eci) = match o.trans_status {
        "Y" => ("approved", true, "05"),
        "A" => ("attempted", true, "06"),
        // Checkout has no `exempted` status: an `I` comes inside `approved`.
        "I" => ("approved", true, "07"),
        "N" => ("declined", false, "07"),
        "R" => ("rejected", false, "07"),
        "U" => ("unavailable", false, "07"),
        _ => return Err("not a final EMV outcome"),
    };
    let mut doc: Value = serde_json::from_str(BASE).map_err(|_| "fixture is not JSON")?;
    let obj = doc.as_object_mut().ok_or("fixture is not an object")?;
    obj.insert("status".into(), json!(status));
    obj.insert("approved".into(), json!(approved));
    obj.insert("response_code".into(), json!(o.trans_status));
    obj.insert("eci".into(), json!(eci));
    if !approved {
        obj.remove("cryptogram");
    }
    if let Some(reason) = o.reason {
        obj.insert("response_status_reason".into(), json!(reason));
    }
    serde_json::to_string(&doc).map_err(|_| "document does not serialize")
}
