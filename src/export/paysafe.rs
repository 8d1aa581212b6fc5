//! Paysafe Payments API: the `authentication` object of a payment handle request whose 3DS
//! ran elsewhere.
//!
//! Fields and formats: Paysafe developer documentation, "Using an external 3DS service for
//! 3DS 2.0" (https://developer.paysafe.com/en/api-docs/payments-api/add-payment-methods/cards/external-3ds-for-3ds-20/),
//! "3DS2.0 authentication object structure": `eci` as a number (`6`), `cavv`,
//! `threeDResult`, `threeDSecureVersion`, `directoryServerTransactionId`. `xid` appears only
//! in the 3DS 1.0 fallback structure, which is never written (1.x results are refused).
//! The object has no field for the 3DS Server's transaction id.

use super::validate::{Check, Facts, Failure};
use crate::model::Authentication;
use serde::Serialize;
use threeds_wire::Secret;

/// `{"authentication": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    pub authentication: Object,
}

/// The `authentication` object, in the documented order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    /// The ECI as a number, as in the published example (`"eci": 6`).
    pub eci: u8,
    /// The CAVV, base64.
    pub cavv: Secret,
    /// The final transStatus (`Y`, `A`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_d_result: Option<String>,
    /// The protocol version (`2.1.0`).
    pub three_d_secure_version: String,
    /// The DS transaction id.
    pub directory_server_transaction_id: String,
}

/// Paysafe writes the ECI as a number, so it must be one.
pub fn check(auth: &Authentication, failures: &mut Vec<Failure>) {
    if let Some(eci) = auth.eci.as_ref() {
        if eci.as_str().parse::<u8>().is_err() {
            failures.push(Failure::new(
                Check::Format,
                format!(
                    "paysafe authentication.eci is a number; ECI {} is not",
                    threeds_wire::excerpt(eci.as_str())
                ),
            ));
        }
    }
}

/// The `authentication` object.
pub fn build(auth: &Authentication, facts: &Facts<'_>) -> Request {
    Request {
        authentication: Object {
            // `check` refused a non-numeric ECI; 0 is never reached.
            eci: facts.eci.as_str().parse().unwrap_or(0),
            cavv: facts.value.clone(),
            three_d_result: auth.trans_status.as_ref().map(|s| s.as_str().to_owned()),
            three_d_secure_version: facts.version.to_owned(),
            directory_server_transaction_id: facts.ds_trans_id.to_owned(),
        },
    }
}
