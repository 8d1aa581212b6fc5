//! Adyen Checkout API `/payments`: the `mpiData` object of a payment authenticated by a
//! third party.
//!
//! Fields and formats: Adyen API explorer, Checkout API `/payments` `mpiData`
//! (`ThreeDSecureData`: `authenticationResponse`, `cavv`, `directoryResponse`,
//! `dsTransID`, `eci`, `threeDSVersion`, `transStatusReason`, ...), and Adyen's guide
//! "Third-party authentication" (https://docs.adyen.com/online-payments/3d-secure/authorize-mpidata),
//! which lists `authenticationResponse`, `directoryResponse`, `cavv`, `dsTransID`, `eci` and
//! `threeDSVersion` for all schemes.
//!
//! `directoryResponse` is the ARes transStatus and `authenticationResponse` the challenge
//! result's (RReq) transStatus, omitted for a frictionless flow. The normalized model keeps
//! the final transStatus and whether the cardholder was challenged, so a challenged result
//! is written `C` / final status and a frictionless one final status / omitted; when the
//! model does not say whether a challenge took place the result is refused rather than
//! guessed. `cavv` is "base64 encoded, 20 bytes in a decoded form". The object has no field
//! for the 3DS Server's transaction id.

use super::validate::{ares_status, Check, Facts, Failure};
use crate::model::Authentication;
use base64::Engine;
use serde::Serialize;
use threeds_wire::Secret;

/// `{"mpiData": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    #[serde(rename = "mpiData")]
    pub mpi_data: MpiData,
}

/// The `mpiData` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MpiData {
    /// The challenge result's transStatus; absent for a frictionless flow.
    #[serde(
        rename = "authenticationResponse",
        skip_serializing_if = "Option::is_none"
    )]
    pub authentication_response: Option<String>,
    /// The CAVV, base64 of 20 bytes.
    pub cavv: Secret,
    /// The ARes transStatus.
    #[serde(rename = "directoryResponse")]
    pub directory_response: String,
    /// The DS transaction id.
    #[serde(rename = "dsTransID")]
    pub ds_trans_id: String,
    /// Two characters.
    pub eci: String,
    /// The protocol version.
    #[serde(rename = "threeDSVersion")]
    pub three_ds_version: String,
    /// The transStatusReason, when the issuer gave one.
    #[serde(rename = "transStatusReason", skip_serializing_if = "Option::is_none")]
    pub trans_status_reason: Option<String>,
}

/// Adyen needs the ARes status (so whether a challenge took place) and a 20-byte CAVV.
pub fn check(auth: &Authentication, failures: &mut Vec<Failure>) {
    if ares_status(auth).is_none() {
        failures.push(Failure::new(
            Check::Format,
            "adyen mpiData.directoryResponse is the ARes transStatus: the authentication does \
             not say both its transStatus and whether the cardholder was challenged",
        ));
    }
    if let Some(value) = auth.authentication_value.as_ref().filter(|v| !v.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value.expose())
            .map(|bytes| bytes.len());
        if decoded != Ok(20) {
            failures.push(Failure::new(
                Check::Format,
                format!(
                    "adyen mpiData.cavv is base64 of 20 bytes; the authentication value is \
                     {} characters that do not decode to 20 bytes",
                    value.len()
                ),
            ));
        }
    }
}

/// The `mpiData` object.
pub fn build(auth: &Authentication, facts: &Facts<'_>) -> Request {
    let challenged = auth.challenged == Some(true);
    let final_status = auth.trans_status.as_ref().map(|s| s.as_str().to_owned());
    Request {
        mpi_data: MpiData {
            authentication_response: final_status.filter(|_| challenged),
            cavv: facts.value.clone(),
            // `check` refused an unknown ARes status; the empty string is never reached.
            directory_response: ares_status(auth).unwrap_or_default(),
            ds_trans_id: facts.ds_trans_id.to_owned(),
            eci: facts.eci.as_str().to_owned(),
            three_ds_version: facts.version.to_owned(),
            trans_status_reason: auth.trans_status_reason.clone(),
        },
    }
}
