//! Paysafe 3D Secure 2 (`/threedsecure/v2`) documents to the normalized model.
//!
//! Two document types:
//! * `paysafe.authentication`: the `authentication` object of `POST .../authentications` and
//!   `GET .../authentications/{id}` (3DS2, or the 3DS 1.0.2 fallback where
//!   `threeDEnrollment` replaces `threeDResult`);
//! * `paysafe.error`: an error body `{"error": {...}}`, with or without a top-level
//!   `"status": "FAILED"` (classic 3DS API) or `liveMode` (Alternate Payments API).
//!
//! Status comes from `status` + `threeDResult` / `threeDEnrollment` (Paysafe 3D Secure 2 API
//! blueprint, github.com/paysafegroup/paysafe_api_3dsecure_v2, authentication object), next
//! step from the recommended action of its "3D Secure 2 Results and Liability Shift"
//! matrix, both as catalog rows. `statusReason` names an EMV transStatusReason and is
//! applied as one, the same way at every PSP. `authenticated_at` is `txnTime`, so the dated
//! liability rules judge an authentication by the schemes' rules of its own day. The 3DS2
//! API reports no applied SCA exemption (its results are Y, A, N, U, C, R; no exemption
//! field), so `exemption` stays null. `raw` is `{status, threeDEnrollment or threeDResult,
//! statusReason}` for an authentication and `{status or null, error.code, error.message}`
//! for an error.
//!
//! Its parts: `authentication` (the authentication object: its fields, `statusReason`, the
//! dated Visa not-enrolled rule), `status` (what `COMPLETED`, `PENDING` or no status means
//! with the result or enrollment beside it, and the rules that refine it) and `error`
//! (error bodies and an authentication's `error` object).

mod authentication;
mod error;
mod status;
#[cfg(test)]
mod tests;

use crate::model::{DocumentKind, Provider};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized, Outline};
use threeds_paysafe::response::{Authentication, ErrorBody};

use authentication::normalize_authentication;
use error::apply_error;

const AUTHENTICATION: &str = "paysafe.authentication";
const ERROR: &str = "paysafe.error";

/// Paysafe `statusReason` names and their EMVCo transStatusReason codes.
///
/// Paysafe publishes the names as the named equivalents of EMVCo transStatusReason 01–26
/// (blueprint, authentication object `statusReason`), in EMV order. The code is a protocol
/// fact fixed by EMVCo, not a business decision a run-time catalog override should change,
/// so it lives here; the
/// catalog's `status_reason` rows carry the reason word, and a unit test checks that each
/// row's word is the EMV word of its code (`src/model/reason.rs`). The three Paysafe-only
/// values (`NO_INFORMATION_AVAILABLE`, `GENERAL_ISSUER_ERROR`,
/// `MERCHANT_CONFIGURATION_ERROR`) have no EMV code and leave `trans_status_reason` null.
pub const STATUS_REASON_EMV_CODES: &[(&str, &str)] = &[
    ("CARD_AUTHENTICATION_FAILED", "01"),
    ("UNKNOWN_DEVICE", "02"),
    ("UNSUPPORTED_DEVICE", "03"),
    ("EXCEEDS_AUTH_FREQUENCY_LIMIT", "04"),
    ("EXPIRED_CARD", "05"),
    ("INVALID_CARD_NUMBER", "06"),
    ("INVALID_TRANSACTION", "07"),
    ("NO_CARD_RECORD", "08"),
    ("SECURITY_FAILURE", "09"),
    ("STOLEN_CARD", "10"),
    ("SUSPECTED_FRAUD", "11"),
    ("TRANSACTION_NOT_PERMITTED", "12"),
    ("CARDHOLDER_NOT_ENROLLED", "13"),
    ("TRANSACTION_TIMED_OUT_ACS", "14"),
    ("LOW_CONFIDENCE", "15"),
    ("MEDIUM_CONFIDENCE", "16"),
    ("HIGH_CONFIDENCE", "17"),
    ("VERY_HIGH_CONFIDENCE", "18"),
    ("EXCEEDS_ACS_MAX_CHALLENGES", "19"),
    ("NON_PAYMENT_TRAN_NOT_SUPPORTED", "20"),
    ("THREE_R_I_TRAN_NOT_SUPPORTED", "21"),
    ("ACS_TECHNICAL_ISSUE", "22"),
    ("DECOUPLED_REQIRED_BUT_NOT_REQUESTED", "23"),
    ("DECOUPLED_MAX_EXPIRY_EXCEEDED", "24"),
    ("INSUFFICIENT_TIME_FOR_DECOUPLED", "25"),
    ("AUTH_ATTEMPTED_NOT_PERFORMED", "26"),
];

/// The EMV transStatusReason code of a Paysafe `statusReason`, if it has one.
pub fn emv_code_of(status_reason: &str) -> Option<&'static str> {
    STATUS_REASON_EMV_CODES
        .iter()
        .find(|(name, _)| *name == status_reason)
        .map(|(_, code)| *code)
}

/// Whether `value` looks like a Paysafe document: an authentication object (its result,
/// enrollment or merchant reference) or an error body (`error` object with a `code`).
pub fn matches(value: &Outline<'_>) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    map.contains_key("threeDResult")
        || map.contains_key("threeDEnrollment")
        || map.contains_key("merchantRefNum")
        || map
            .get("error")
            .and_then(Outline::as_object)
            .is_some_and(|e| e.contains_key("code"))
}

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = &doc.peek;
    if is_bare_error_body(value) {
        let body: ErrorBody = parse_as(&doc, Provider::PAYSAFE, ERROR)?;
        let mut d = Draft::new(Provider::PAYSAFE, DocumentKind::Error, ERROR);
        let error = body.error.unwrap_or_default();
        apply_error(&mut d, ctx, &error, body.status.as_ref());
        return Ok(d.finish_in(ctx));
    }
    let a: Authentication = parse_as(&doc, Provider::PAYSAFE, AUTHENTICATION)?;
    Ok(normalize_authentication(&a, ctx))
}

/// An error body carries nothing but `error`, `status` and envelope flags (`liveMode`); an
/// authentication object that failed also carries its id, reference or echoed request.
fn is_bare_error_body(value: &Outline<'_>) -> bool {
    value.as_object().is_some_and(|map| {
        map.contains_key("error")
            && map
                .keys()
                .all(|k| matches!(k, "error" | "status" | "liveMode"))
    })
}
