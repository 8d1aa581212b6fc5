//! pxp's documents for each EMV outcome.
//!
//! PXP reports a state, not a transStatus (https://developer.pxp.io/guides/3ds/states):
//! Y, A and I arrive as `AuthenticationSuccessful` told apart by the ECI, N and U as
//! `AuthenticationFailed`, R as `AuthenticationRejected`, and the transStatusReason as
//! `stateData.code`. Every document is PXP's published get-authentication example with only
//! those fields changed.

use super::{Built, Outcome};
use serde_json::{json, Value};

/// PXP's get-authentication 200 example
/// (https://developer.pxp.io/guides/3ds/standalone/get-authentication).
const GET_EXAMPLE: &str =
    include_str!("../../fixtures/pxp/get_authentication_pending_client_data_docs.json");

/// The document pxp sends for `o`, or why it cannot send one.
pub fn document(o: &Outcome) -> Built {
    let (state, eci) = match o.trans_status {
        // Visa-family ECIs: 05 authenticated, 06 attempted, 07 an exemption / I (with the
        // example's CAVV, as Visa I carries one).
        "Y" => ("AuthenticationSuccessful", Some("05")),
        "A" => ("AuthenticationSuccessful", Some("06")),
        "I" => ("AuthenticationSuccessful", Some("07")),
        "N" => ("AuthenticationFailed", None),
        "U" if o.reason.is_none() => {
            return Err(
                "PXP files U under AuthenticationFailed and publishes no transStatus field: \
                 without a state code naming a technical cause, a U reads as N",
            )
        }
        "U" => ("AuthenticationFailed", None),
        "R" => ("AuthenticationRejected", None),
        _ => return Err("not a final outcome"),
    };
    let mut doc: Value =
        serde_json::from_str(GET_EXAMPLE).map_err(|_| "PXP's example is not JSON")?;
    let m = doc
        .as_object_mut()
        .ok_or("PXP's example is not an object")?;
    m.insert("state".into(), json!(state));
    match eci {
        Some(eci) => {
            m.insert("electronicCommerceIndicator".into(), json!(eci));
        }
        None => {
            // No CAVV and no ECI without a successful authentication (both nullable).
            m.insert("electronicCommerceIndicator".into(), Value::Null);
            m.insert(
                "cardholderAuthenticationVerificationValue".into(),
                Value::Null,
            );
        }
    }
    if let Some(code) = o.reason {
        m.insert("stateData".into(), json!({ "code": code }));
    }
    Ok(doc.to_string())
}
