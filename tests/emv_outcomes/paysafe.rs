//! paysafe's documents for each EMV outcome.
//!
//! Built from the blueprint's frictionless `COMPLETED` / `Y` response (Paysafe 3D Secure 2
//! API blueprint, "Authentications [POST]" Response 200, `fixtures/paysafe/
//! auth_frictionless_y_blueprint.json`), changing only the EMV fields: `threeDResult`,
//! `statusReason` (Paysafe's name for the EMV transStatusReason), and `eci` / `cavv` as the
//! blueprint's liability matrix pairs them with each result (Visa: Y 5 with CAVV, A 6 with
//! CAVV, N/U/R 7 without).

use super::{Built, Outcome};
use serde_json::{json, Value};
use threeds_bridge::psp::paysafe::normalize::STATUS_REASON_EMV_CODES;

const FRICTIONLESS_Y: &str =
    include_str!("../../fixtures/paysafe/auth_frictionless_y_blueprint.json");

/// The document paysafe sends for `o`, or why it cannot send one.
pub fn document(o: &Outcome) -> Built {
    let (eci, keeps_cavv) = match o.trans_status {
        "Y" => (5, true),
        "A" => (6, true),
        "N" | "U" | "R" => (7, false),
        "I" => {
            return Err(
                "Paysafe's threeDResult has no I (Y, A, N, U, C, R only) and the 3DS2 \
                        API reports no exemption",
            )
        }
        _ => return Err("not a final EMV outcome"),
    };
    let mut doc: Value = serde_json::from_str(FRICTIONLESS_Y).expect("the fixture is JSON");
    doc["threeDResult"] = json!(o.trans_status);
    doc["eci"] = json!(eci);
    if !keeps_cavv {
        if let Some(map) = doc.as_object_mut() {
            map.remove("cavv");
        }
    }
    if let Some(code) = o.reason {
        let name = STATUS_REASON_EMV_CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(name, _)| *name)
            .ok_or("Paysafe's statusReason names no such transStatusReason")?;
        doc["statusReason"] = json!(name);
    }
    Ok(doc.to_string())
}
