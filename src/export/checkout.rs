//! Checkout.com Payments API: the `3ds` object of a payment request authenticated by a
//! third party.
//!
//! Fields, formats and limits: Checkout.com API reference, `nas_spec` schema
//! `3dsRequestThirdParty.yaml` ("Third party authentication"), and the guide "3D Secure
//! payments with a third-party provider"
//! (https://www.checkout.com/docs/risk-management/3d-secure/3d-secure-payments-with-a-third-party-provider).
//!
//! `xid` is the one transaction id the object has. For 3DS 1 it was the XID; for 3DS 2 the
//! guide says "In 3DS2 with Mastercard, the value is the directory server transaction ID"
//! (required for Mastercard and American Express, optional for Visa), so `xid` carries the
//! DS transaction id. Checkout's own session responses fill their `xid` with the 3DS
//! Server's transaction id (see `fixtures/checkout/session_approved_frictionless_node.json`):
//! an adapter that copies that `xid` sends the wrong id, which this builder never does.
//! The 3DS Server's transaction id has no field in the object.

use super::validate::{Check, Facts, Failure};
use crate::model::Authentication;
use serde::Serialize;
use threeds_wire::Secret;

/// `{"3ds": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    #[serde(rename = "3ds")]
    pub three_ds: ThreeDs,
}

/// The `3ds` object, in the schema's order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreeDs {
    /// Always true: "Whether to process this payment as a 3D Secure payment".
    pub enabled: bool,
    /// Two characters (`maxLength: 2`).
    pub eci: String,
    /// The CAVV, base64 (`maxLength: 50`).
    pub cryptogram: Secret,
    /// The DS transaction id (`maxLength: 100`).
    pub xid: String,
    /// The protocol version (`maxLength: 10`).
    pub version: String,
    /// The final transStatus ("for 3D Secure 2, this is the transaction status of ARes
    /// (frictionless flow) or RReq (challenge flow)"), one character.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// ISO 8601 date and time of the authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_date: Option<String>,
    /// The amount authenticated, minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_amount: Option<u64>,
    /// `challenged` or `frictionless`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_type: Option<&'static str>,
    /// The transStatusReason, two characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason_code: Option<String>,
}

/// The schema's `maxLength` of each field this builder writes.
const LIMITS: &[(&str, usize)] = &[
    ("eci", 2),
    ("cryptogram", 50),
    ("xid", 100),
    ("version", 10),
];

/// Checkout's length limits.
pub fn check(auth: &Authentication, failures: &mut Vec<Failure>) {
    let values = [
        auth.eci.as_ref().map(|e| e.as_str().len()),
        auth.authentication_value.as_ref().map(Secret::len),
        auth.ds_trans_id.as_deref().map(str::len),
        auth.protocol_version.as_deref().map(str::len),
    ];
    for ((field, max), len) in LIMITS.iter().zip(values) {
        if let Some(len) = len.filter(|len| len > max) {
            failures.push(Failure::new(
                Check::Format,
                format!("checkout 3ds.{field} takes at most {max} characters, got {len}"),
            ));
        }
    }
}

/// The `3ds` object.
pub fn build(auth: &Authentication, facts: &Facts<'_>) -> Request {
    Request {
        three_ds: ThreeDs {
            enabled: true,
            eci: facts.eci.as_str().to_owned(),
            cryptogram: facts.value.clone(),
            xid: facts.ds_trans_id.to_owned(),
            version: facts.version.to_owned(),
            status: auth.trans_status.as_ref().map(|s| s.as_str().to_owned()),
            authentication_date: auth.authenticated_at.clone(),
            authentication_amount: auth.amount.as_ref().map(|m| m.value),
            flow_type: auth
                .challenged
                .map(|c| if c { "challenged" } else { "frictionless" }),
            status_reason_code: auth.trans_status_reason.clone(),
        },
    }
}
