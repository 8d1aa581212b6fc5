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

use crate::liability::{Category, Enrollment};
use crate::model::{
    timestamp, AuthenticationStatus, DocumentKind, Eci, Money, Network, NextAction, NextStep,
    Provider, Retry, TransStatus,
};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized};
use serde_json::Value;
use std::fmt::Write as _;
use threeds_paysafe::response::{Authentication, ErrorBody, ErrorObject};
use threeds_paysafe::{MessageCategory, SignatureStatus, Status, ThreeDEnrollment, ThreeDResult};
use threeds_wire::excerpt;

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
pub fn matches(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    map.contains_key("threeDResult")
        || map.contains_key("threeDEnrollment")
        || map.contains_key("merchantRefNum")
        || map
            .get("error")
            .and_then(Value::as_object)
            .is_some_and(|e| e.contains_key("code"))
}

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = doc.peek;
    if is_bare_error_body(value) {
        let body: ErrorBody = parse_as(doc, Provider::PAYSAFE, ERROR)?;
        let mut d = Draft::new(Provider::PAYSAFE, DocumentKind::Error, ERROR);
        let error = body.error.unwrap_or_default();
        apply_error(&mut d, ctx, &error, body.status.as_ref());
        return Ok(d.finish_in(ctx));
    }
    let a: Authentication = parse_as(doc, Provider::PAYSAFE, AUTHENTICATION)?;
    Ok(normalize_authentication(&a, ctx))
}

/// An error body carries nothing but `error`, `status` and envelope flags (`liveMode`); an
/// authentication object that failed also carries its id, reference or echoed request.
fn is_bare_error_body(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.contains_key("error")
            && map
                .keys()
                .all(|k| matches!(k.as_str(), "error" | "status" | "liveMode"))
    })
}

fn apply_error(d: &mut Draft, ctx: &Context<'_>, error: &ErrorObject, status: Option<&Status>) {
    d.auth.kind = DocumentKind::Error;
    d.auth.raw.status = status.map(|s| s.as_str().to_owned());
    d.auth.raw.code = error.code.as_ref().map(|c| c.as_str().to_owned());
    d.auth.raw.message = error.message.clone();
    match error.code.as_ref().map(|c| c.as_str().trim()) {
        Some(code)
            if ctx
                .catalog
                .lookup(Provider::PAYSAFE, "error_code", code)
                .is_some() =>
        {
            d.apply_catalog(ctx, "error_code", code);
        }
        Some(code) => unknown_error_code(d, code),
        None => {
            // FAILED without a code: the request failed and nothing says why.
            d.apply_catalog(ctx, "status", Status::Failed.as_str());
            d.warn("paysafe error object without a code");
        }
    }
    // fieldErrors say which request fields to fix; the model has no field for them, so they
    // are reported rather than dropped.
    if let Some(fields) = error.field_errors.as_ref().filter(|f| !f.is_empty()) {
        // Joined in one string, not a list of strings first: a body of ten thousand field
        // errors costs its text, not a string per entry besides.
        let mut list = String::new();
        for (i, f) in fields.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            let field = excerpt(f.field.as_deref().unwrap_or("?"));
            let error = excerpt(f.error.as_deref().unwrap_or(""));
            let _ = write!(list, "{sep}{field}: {error}");
        }
        d.warn(format!("paysafe fieldErrors: {}", excerpt(&list)));
    }
}

/// An error code this version does not know is still an error (the body says the request
/// failed); what to do about it is unknown, so `investigate`, with the code kept in
/// `raw.code` and reported. Never `unknown`: that would hide that the request failed.
fn unknown_error_code(d: &mut Draft, code: &str) {
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::Investigate,
        format!("rule:paysafe.unknown_error_code/{}", excerpt(code)),
    );
    d.auth.retry = None;
    d.auth.reason = Some("unknown_psp_value".to_owned());
    d.warn(format!(
        "paysafe error code '{}' is not in the catalog; reported as error / investigate",
        excerpt(code)
    ));
}

fn normalize_authentication(a: &Authentication, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(
        Provider::PAYSAFE,
        DocumentKind::Authentication,
        AUTHENTICATION,
    );
    fill_fields(&mut d, a);

    let failed = matches!(a.status, None | Some(Status::Failed));
    if let (Some(error), true) = (&a.error, failed) {
        apply_error(&mut d, ctx, error, a.status.as_ref());
        return d.finish_in(ctx);
    }

    d.auth.raw.status = a.status.as_ref().map(|s| s.as_str().to_owned());
    d.auth.raw.code = a
        .three_d_enrollment
        .as_ref()
        .map(ThreeDEnrollment::as_str)
        .or(a.three_d_result.as_ref().map(ThreeDResult::as_str))
        .map(str::to_owned);
    d.auth.raw.message = a.status_reason.as_ref().map(|r| r.as_str().to_owned());

    match &a.status {
        Some(Status::Completed) => completed(&mut d, ctx, a),
        Some(Status::Pending) => pending(&mut d, ctx, a),
        Some(Status::Failed) => {
            d.apply_catalog(ctx, "status", Status::Failed.as_str());
        }
        Some(Status::Unknown(s)) => d.set_unknown("status", s),
        None => no_status(&mut d, ctx, a),
    }

    if let (Some(error), false) = (&a.error, failed) {
        // An error object says the request failed, the status says it did not: neither is
        // trusted, so a COMPLETED / Y with an error never reaches `authorize`.
        let code = error.code.as_ref().map_or("none", |c| c.as_str());
        contradiction(
            &mut d,
            "rule:paysafe.error_object_on_a_non_failed_authentication",
            format!(
                "paysafe error object (code {}) on a {} authentication",
                excerpt(code),
                a.status.as_ref().map_or("", |s| s.as_str())
            ),
        );
    }
    signature_rule(&mut d, a);
    if let Some(reason) = &a.status_reason {
        apply_status_reason(&mut d, ctx, reason.as_str());
    }

    if d.auth.status == AuthenticationStatus::ChallengeRequired {
        // Paysafe's JS SDK `challenge()` (or the Cardinal mobile SDK) builds the CReq from
        // `sdkChallengePayload`; Paysafe documents no raw CReq, so `creq` stays null and the
        // front end hands `sdkChallengePayload` to the SDK (blueprint "Using the API",
        // browser flow step 4; paysafegroup/paysafe_sdk_android_payments_api
        // ThreeDSChallengePayloadResponse.kt).
        // The ACS URL is top-level in every published sample; the mobile SDKs also read it
        // from the decoded sdkChallengePayload, which is used when the top level lacks it.
        let url = a
            .acs_url()
            .map(str::to_owned)
            .or_else(|| sdk_payload_acs_url(a.sdk_challenge_payload.as_deref()));
        d.auth.next_action = Some(NextAction::Challenge { url, creq: None });
        d.auth.challenged = Some(true);
    }
    non_payment_rule(&mut d);
    if let Some(text) = &a.cardholder_display_text {
        // No model field holds issuer text; raw.message carries statusReason. Paysafe
        // requires merchants to display it, so it is surfaced rather than dropped.
        d.warn(format!(
            "paysafe cardholderDisplayText (the merchant must show it to the cardholder): {}",
            excerpt(text)
        ));
    }
    visa_not_enrolled_rule(d.finish_in(ctx), a)
}

/// `statusReason`: its reason word from the catalog and, for the 26 names of EMV
/// transStatusReason codes, the code applied as at every PSP
/// ([`Draft::apply_trans_status_reason`]: the reason family's `retry`, R never retried, N
/// with 14 (`TRANSACTION_TIMED_OUT_ACS`) `expired`). The three Paysafe-only reasons have no
/// code; their catalog rows decide `retry`, which counts only for an N or U outcome: R is
/// never retried, and a success or a pending state has nothing to retry.
fn apply_status_reason(d: &mut Draft, ctx: &Context<'_>, reason: &str) {
    let retry_of_the_outcome = d.auth.retry;
    d.apply_reason(ctx, "status_reason", reason);
    if !matches!(
        d.auth.status,
        AuthenticationStatus::Failed | AuthenticationStatus::Unavailable
    ) {
        d.auth.retry = retry_of_the_outcome;
    }
    if let Some(code) = emv_code_of(reason) {
        d.auth.trans_status_reason = Some(code.to_owned());
        d.apply_trans_status_reason(code);
    }
}

/// 3DS 1.0.2, Visa, not enrolled: Paysafe's matrix (Visa table, enrollment N, ECI 6) puts
/// liability on the issuer and says "proceed", which was right while Visa's 3DS 1.0.2
/// Attempts Server stood in for non-participating issuers. Visa ended that on 16 Oct 2021
/// and retired 3DS 1.0.2 in October 2022, so "proceed" holds only where the dated liability
/// rules still shift liability at the authentication's date (`txnTime`); otherwise the
/// catalog row's merchant-liability answer (`authorize_at_own_risk`) stands. The liability
/// table is the one place that knows the dates, so this reads its decision.
fn visa_not_enrolled_rule(mut n: Normalized, a: &Authentication) -> Normalized {
    let auth = &mut n.authentication;
    let visa_not_enrolled = a.three_d_enrollment == Some(ThreeDEnrollment::N)
        && auth.network == Some(Network::Visa)
        && auth.status == AuthenticationStatus::NotEnrolled;
    if visa_not_enrolled && auth.liability_shift == Some(true) {
        auth.next_step = NextStep::Authorize;
        n.explain.status_rule = "rule:paysafe.3ds1_visa_not_enrolled_proceed".to_owned();
    }
    n
}

/// Ids, amount, EMV values and liability facts: whatever the status.
fn fill_fields(d: &mut Draft, a: &Authentication) {
    d.auth.id.clone_from(&a.id);
    d.auth.authenticated_at = a.txn_time.as_deref().and_then(|t| authenticated_at(d, t));
    d.auth.reference.clone_from(&a.merchant_ref_num);
    d.auth
        .ds_trans_id
        .clone_from(&a.directory_server_transaction_id);
    d.auth
        .three_ds_server_trans_id
        .clone_from(&a.three_d_secure_server_transaction_id);
    d.auth
        .protocol_version
        .clone_from(&a.three_d_secure_version);
    d.auth.eci = a.eci.as_ref().and_then(|e| Eci::parse(e.as_str()));
    d.auth.authentication_value = a.cavv.clone().filter(|c| !c.is_empty());
    // The ACS transaction id exists only inside the opaque sdkChallengePayload.
    if let Some(t) = a.three_d_result.as_ref() {
        let ts = TransStatus::from(t.as_str());
        if ts.is_known() {
            d.auth.trans_status = Some(ts);
        }
    }
    if let Some(card_type) = a.card.as_ref().and_then(|c| c.card_type.as_ref()) {
        match Network::from_psp(card_type.as_str()) {
            Some(n) => d.auth.network = Some(n),
            None => d.warn(format!(
                "paysafe card.type '{}' is not a known network; network left null",
                excerpt(card_type.as_str())
            )),
        }
    }
    match (&a.amount, &a.currency) {
        (Some(amount), Some(currency)) => match amount.as_u64() {
            Some(value) => {
                d.auth.amount = Some(Money {
                    value,
                    currency: currency.clone(),
                })
            }
            None => d.warn(format!("paysafe amount '{amount}' is not minor units")),
        },
        (Some(_), None) => d.warn("paysafe amount without a currency; amount left null"),
        _ => {}
    }
    if let Some(e) = &a.three_d_enrollment {
        d.facts.enrollment = Some(Enrollment::from(e.as_str()));
    }
    d.facts.signature_verified = match &a.signature_status {
        Some(SignatureStatus::Y) => Some(true),
        Some(SignatureStatus::N) => Some(false),
        Some(SignatureStatus::Unknown(s)) => {
            d.warn(format!("paysafe signatureStatus '{s}' is not known"));
            None
        }
        None => None,
    };
    d.facts.category = match &a.message_category {
        Some(MessageCategory::NonPayment) => Some(Category::NonPayment),
        Some(MessageCategory::Payment) => Some(Category::Payment),
        _ => None,
    };
    if a.status == Some(Status::Completed) {
        // A completed result carries `cavv` whenever the issuer returned one (the blueprint's
        // liability matrix decides its rows by "CAVV present / not present"; after a
        // challenge the GET carries it), so its absence is a fact: a Y or A without it does
        // not shift Visa liability. Other documents (the Card Payments hand-off shape) leave
        // it unknown unless present.
        d.facts.authentication_value_present = Some(d.auth.authentication_value.is_some());
    }
}

/// `txnTime` (the authentication's processing time) in the model's UTC RFC 3339 spelling.
/// Paysafe's field tables write date-times as "YYYY-MM-DD-THH:MM:SSZ" (a stray hyphen before
/// the `T`) while every example is RFC 3339, with or without milliseconds; both are read.
/// Anything else is reported and left null, so the liability rules fall back to the
/// `--as-of` date rather than to a guessed one.
fn authenticated_at(d: &mut Draft, txn_time: &str) -> Option<String> {
    let parsed = timestamp::from_rfc3339(txn_time)
        .or_else(|| timestamp::from_rfc3339(&txn_time.replacen("-T", "T", 1)));
    if parsed.is_none() {
        d.warn(format!(
            "paysafe txnTime '{}' is not an RFC 3339 date-time; authenticated_at left null",
            excerpt(txn_time)
        ));
    }
    parsed
}

/// `COMPLETED`: the outcome is `threeDResult` (3DS2), or for the 3DS 1.0.2 fallback the
/// enrollment, and with enrollment `Y` the PARes status in `threeDResult`.
fn completed(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    if let Some(enrollment) = &a.three_d_enrollment {
        match enrollment {
            ThreeDEnrollment::Y => match &a.three_d_result {
                Some(ThreeDResult::C) => completed_with_c(d),
                Some(result) => {
                    d.apply_catalog(ctx, "three_d_result", result.as_str());
                }
                None => {
                    // Enrolled and completed, but no PARes status: the outcome is not in
                    // the document. Never guessed.
                    d.set_status(
                        AuthenticationStatus::Unknown,
                        NextStep::Investigate,
                        "rule:paysafe.3ds1_completed_without_pares_status",
                    );
                    d.warn(
                        "paysafe 3DS 1.0.2 authentication COMPLETED with threeDEnrollment Y \
                         but no threeDResult (PARes status): outcome unknown",
                    );
                }
            },
            ThreeDEnrollment::N => {
                // Visa's "proceed" is dated: `visa_not_enrolled_rule`.
                d.apply_catalog(ctx, "three_d_enrollment", "N");
            }
            ThreeDEnrollment::U => {
                d.apply_catalog(ctx, "three_d_enrollment", "U");
            }
            ThreeDEnrollment::Unknown(e) => d.set_unknown("three_d_enrollment", e),
        }
        return;
    }
    match &a.three_d_result {
        Some(ThreeDResult::C) => completed_with_c(d),
        Some(result) => {
            d.apply_catalog(ctx, "three_d_result", result.as_str());
        }
        None => {
            d.set_status(
                AuthenticationStatus::Unknown,
                NextStep::Investigate,
                "rule:paysafe.completed_without_result",
            );
            d.warn("paysafe authentication COMPLETED without threeDResult or threeDEnrollment");
        }
    }
}

/// `C` is "challenge required": it contradicts `COMPLETED`, so neither is trusted.
fn completed_with_c(d: &mut Draft) {
    contradiction(
        d,
        "rule:paysafe.completed_with_challenge_result",
        "paysafe status COMPLETED with threeDResult C (challenge required)".to_owned(),
    );
}

/// Two fields of the document that contradict each other: neither is trusted, so the
/// outcome is `unknown` / `investigate`, never the more positive of the two (a rejected
/// result is not turned into a wait, an error into an authorization).
fn contradiction(d: &mut Draft, rule: &str, what: String) {
    d.set_status(AuthenticationStatus::Unknown, NextStep::Investigate, rule);
    d.auth.retry = None;
    d.warn(format!("{what}: contradictory; reported as unknown"));
}

/// A non-payment authentication (`messageCategory` `NON_PAYMENT`: adding or maintaining a
/// card, verifying a token) has no payment to authorize, so a Y, A or U leaves nothing to
/// do (`none`) rather than `authorize` or `authorize_at_own_risk`.
fn non_payment_rule(d: &mut Draft) {
    let authorizes = matches!(
        d.auth.next_step,
        NextStep::Authorize | NextStep::AuthorizeAtOwnRisk
    );
    if d.facts.category == Some(Category::NonPayment) && authorizes {
        d.auth.next_step = NextStep::None;
    }
}

/// `PENDING`: a challenge (3DS2 `C`, or 3DS1 enrollment `Y`), else still waiting; a final
/// result or enrollment with it is a contradiction (the blueprint pairs PENDING only with
/// `C` or enrollment `Y`). An abandoned challenge also stays PENDING (the blueprint's
/// `status` enum has no expired state).
fn pending(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    if let Some(enrollment) = &a.three_d_enrollment {
        match enrollment {
            ThreeDEnrollment::Y => d.set_status(
                AuthenticationStatus::ChallengeRequired,
                NextStep::ChallengeCardholder,
                "rule:paysafe.3ds1_pending_enrolled_challenge",
            ),
            ThreeDEnrollment::Unknown(e) => d.set_unknown("three_d_enrollment", e),
            other => contradiction(
                d,
                "rule:paysafe.pending_with_final_enrollment",
                format!(
                    "paysafe status PENDING with threeDEnrollment {other} (a final 3DS1 answer)"
                ),
            ),
        }
        if d.auth.status == AuthenticationStatus::ChallengeRequired {
            d.auth.reason = Some("challenge_required".to_owned());
        }
        return;
    }
    match &a.three_d_result {
        Some(ThreeDResult::C) => {
            d.apply_catalog(ctx, "three_d_result", "C");
        }
        Some(ThreeDResult::Unknown(r)) => d.set_unknown("three_d_result", r),
        Some(other) => contradiction(
            d,
            "rule:paysafe.pending_with_final_result",
            format!("paysafe status PENDING with threeDResult {other} (a final result)"),
        ),
        None => {
            d.apply_catalog(ctx, "status", Status::Pending.as_str());
        }
    }
}

/// No `status`: the shape of the `authentication` object handed to the Card Payments API
/// (eci, cavv, threeDResult, version, DS id: developer.paysafe.com "Process a Card Purchase with
/// 3D Secure 2" and "External 3DS for 3DS 2.0"). The result alone decides.
fn no_status(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    d.warn("paysafe authentication without status; outcome read from threeDResult alone");
    match (&a.three_d_enrollment, &a.three_d_result) {
        (Some(ThreeDEnrollment::N), _) => {
            d.apply_catalog(ctx, "three_d_enrollment", "N");
        }
        (Some(ThreeDEnrollment::U), _) => {
            d.apply_catalog(ctx, "three_d_enrollment", "U");
        }
        (_, Some(ThreeDResult::C)) => {
            d.apply_catalog(ctx, "three_d_result", "C");
        }
        (_, Some(result)) => {
            d.apply_catalog(ctx, "three_d_result", result.as_str());
        }
        (_, None) => d.set_status(
            AuthenticationStatus::Unknown,
            NextStep::Investigate,
            "rule:paysafe.no_status_no_result",
        ),
    }
}

/// `acsUrl` inside a base64 `sdkChallengePayload` (the mobile SDKs' decoded shape,
/// paysafegroup/paysafe_sdk_android_payments_api ThreeDSChallengePayloadResponse.kt), if it
/// decodes to a JSON object carrying one.
fn sdk_payload_acs_url(payload: Option<&str>) -> Option<String> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine;
    let text = payload?.trim();
    let bytes = STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')))
        .ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value
        .get("acsUrl")
        .or_else(|| value.get("acsURL"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// 3DS 1.0.2: a failed PARes signature check means the result cannot be trusted. The
/// blueprint's 3DS 1.0.2 liability tables put every such row ("Y | any | any | any | N") at
/// merchant liability with "consider", so a positive result (Y or A) is reported as
/// `unavailable` / `authorize_at_own_risk`, never `authenticated`. Negative results (N, U,
/// R) stay as they are.
fn signature_rule(d: &mut Draft, a: &Authentication) {
    if a.signature_status != Some(SignatureStatus::N) {
        return;
    }
    if matches!(
        d.auth.status,
        AuthenticationStatus::Authenticated | AuthenticationStatus::Attempted
    ) {
        d.set_status(
            AuthenticationStatus::Unavailable,
            NextStep::AuthorizeAtOwnRisk,
            "rule:paysafe.3ds1_signature_check_failed",
        );
        d.auth.reason = Some("signature_verification_failed".to_owned());
        // Unavailable, as a U: a new authentication may verify, after a delay at any PSP
        // (the ACS signs the PARes, whichever PSP asks).
        d.auth.retry = Some(Retry::Later);
        d.warn(
            "paysafe signatureStatus N: at least one PARes transaction or signature check \
             failed; the result is not treated as authenticated",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::reason::emv_reason;
    use serde_json::json;

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
    fn completed_results_follow_the_matrix_recommended_action() {
        for (r, status, step) in [
            (
                "Y",
                AuthenticationStatus::Authenticated,
                NextStep::Authorize,
            ),
            ("A", AuthenticationStatus::Attempted, NextStep::Authorize),
            ("N", AuthenticationStatus::Failed, NextStep::DoNotAuthorize),
            (
                "U",
                AuthenticationStatus::Unavailable,
                NextStep::AuthorizeAtOwnRisk,
            ),
            (
                "R",
                AuthenticationStatus::Rejected,
                NextStep::DoNotAuthorize,
            ),
            (
                "E",
                AuthenticationStatus::Error,
                NextStep::RetryAuthentication,
            ),
        ] {
            let n = run(completed(r));
            let a = &n.authentication;
            assert_eq!((a.status, a.next_step), (status, step), "{r}");
            assert_eq!(a.raw.code.as_deref(), Some(r));
            assert_eq!(
                n.explain.status_rule,
                format!("catalog:paysafe/three_d_result/{r}")
            );
        }
        // E is not an EMV transStatus: kept in raw only.
        assert_eq!(run(completed("E")).authentication.trans_status, None);
        assert_eq!(
            run(completed("A")).authentication.trans_status,
            Some(TransStatus::A)
        );
    }

    #[test]
    fn each_result_carries_the_retry_of_its_emv_meaning() {
        // N: a new authentication with the cardholder may succeed; R: never; U: later (the
        // issuer's or DS's trouble is the same at any PSP); Y, A and C: nothing to retry.
        for (r, retry) in [
            ("Y", None),
            ("A", None),
            ("N", Some(Retry::SamePsp)),
            ("U", Some(Retry::Later)),
            ("R", Some(Retry::Never)),
            ("E", Some(Retry::OtherPsp)),
        ] {
            assert_eq!(run(completed(r)).authentication.retry, retry, "{r}");
        }
        let pending = run(json!({"status": "PENDING", "threeDResult": "C"}));
        assert_eq!(pending.authentication.retry, None);
    }

    fn with_date(mut v: Value, txn_time: &str) -> Value {
        v["txnTime"] = json!(txn_time);
        v
    }

    fn run_as_of(value: Value, as_of: (i32, u32, u32)) -> Normalized {
        let catalog = Catalog::builtin().unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).unwrap();
        normalize(&value, &Context::new(&catalog).as_of(date)).unwrap()
    }

    #[test]
    fn txn_time_is_the_authentication_date() {
        let a = run(with_date(completed("Y"), "2019-01-21T16:28:17.735Z")).authentication;
        assert_eq!(
            a.authenticated_at.as_deref(),
            Some("2019-01-21T16:28:17.735Z")
        );
        // The field tables' spelling, with a hyphen before the T, and an offset.
        let a = run(with_date(completed("Y"), "2014-01-26-T10:32:28+01:00")).authentication;
        assert_eq!(a.authenticated_at.as_deref(), Some("2014-01-26T09:32:28Z"));
        let n = run(with_date(completed("Y"), "yesterday"));
        assert_eq!(n.authentication.authenticated_at, None);
        assert!(n.explain.warnings.iter().any(|w| w.contains("txnTime")));
        assert_eq!(run(completed("Y")).authentication.authenticated_at, None);
    }

    fn visa_not_enrolled() -> Value {
        json!({"status": "COMPLETED", "threeDEnrollment": "N", "card": {"type": "VI"},
               "threeDSecureVersion": "1.0.2"})
    }

    #[test]
    fn visa_not_enrolled_proceeds_only_while_visa_shifted_liability() {
        // Dated 2019: the matrix's answer, issuer liability and proceed.
        let n = run(with_date(visa_not_enrolled(), "2019-01-21T16:28:17Z"));
        let a = &n.authentication;
        assert_eq!(
            (a.status, a.next_step, a.liability_shift),
            (
                AuthenticationStatus::NotEnrolled,
                NextStep::Authorize,
                Some(true)
            )
        );
        assert_eq!(
            n.explain.status_rule,
            "rule:paysafe.3ds1_visa_not_enrolled_proceed"
        );
        // Dated after Visa ended 3DS 1.0.2 attempts (16 Oct 2021): merchant liability.
        let a = run(with_date(visa_not_enrolled(), "2021-10-16T00:00:00Z")).authentication;
        assert_eq!(
            (a.next_step, a.liability_shift),
            (NextStep::AuthorizeAtOwnRisk, Some(false))
        );
        // Undated: judged at the context's date.
        let early = run_as_of(visa_not_enrolled(), (2020, 6, 1)).authentication;
        assert_eq!(early.next_step, NextStep::Authorize);
        let late = run_as_of(visa_not_enrolled(), (2026, 12, 1)).authentication;
        assert_eq!(late.next_step, NextStep::AuthorizeAtOwnRisk);
        // The document's own date wins over the context's.
        let dated = run_as_of(
            with_date(visa_not_enrolled(), "2019-01-21T16:28:17Z"),
            (2026, 12, 1),
        );
        assert_eq!(dated.authentication.liability_shift, Some(true));
    }

    #[test]
    fn threeds1_liability_is_judged_at_the_authentication_date() {
        let enrolled_y = json!({"status": "COMPLETED", "threeDEnrollment": "Y",
            "threeDResult": "Y", "signatureStatus": "Y", "eci": 5, "cavv": "AAAB",
            "card": {"type": "VI"}, "threeDSecureVersion": "1.0.2"});
        let shift = |date: &str| {
            run(with_date(enrolled_y.clone(), date))
                .authentication
                .liability_shift
        };
        assert_eq!(shift("2019-01-21T16:28:17Z"), Some(true));
        // Visa retired 3DS 1.0.2 in October 2022 (regional exceptions to October 2023).
        assert_eq!(shift("2024-01-01T10:00:00Z"), Some(false));
    }

    #[test]
    fn a_completed_y_or_a_without_cavv_does_not_shift_visa_liability() {
        for r in ["Y", "A"] {
            let mut v = completed(r);
            v["eci"] = json!(if r == "Y" { 5 } else { 6 });
            let n = run(v.clone());
            assert_eq!(
                n.explain.liability.facts.authentication_value_present,
                Some(false),
                "{r}"
            );
            assert_eq!(n.authentication.liability_shift, Some(false), "{r}");
            v["cavv"] = json!("BwAQATkhGAEAABVIFSEYEGkybeU=");
            assert_eq!(run(v).authentication.liability_shift, Some(true), "{r}");
        }
        // The hand-off shape without a status does not say whether a CAVV came back.
        let n = run(json!({"threeDResult": "Y", "eci": 5, "card": {"type": "VI"}}));
        assert_eq!(n.explain.liability.facts.authentication_value_present, None);
        assert_eq!(n.authentication.liability_shift, None);
    }

    fn with_reason(result: &str, reason: &str) -> Value {
        let mut v = completed(result);
        v["statusReason"] = json!(reason);
        v
    }

    #[test]
    fn named_status_reasons_take_the_retry_of_their_emv_code() {
        for (result, reason, code, retry) in [
            ("N", "CARD_AUTHENTICATION_FAILED", "01", Retry::SamePsp),
            ("N", "EXCEEDS_AUTH_FREQUENCY_LIMIT", "04", Retry::Later),
            ("N", "SECURITY_FAILURE", "09", Retry::Never),
            ("N", "STOLEN_CARD", "10", Retry::Never),
            ("N", "SUSPECTED_FRAUD", "11", Retry::Never),
            ("N", "TRANSACTION_NOT_PERMITTED", "12", Retry::Never),
            ("N", "CARDHOLDER_NOT_ENROLLED", "13", Retry::Never),
            ("N", "EXCEEDS_ACS_MAX_CHALLENGES", "19", Retry::Later),
            ("U", "ACS_TECHNICAL_ISSUE", "22", Retry::Later),
            // R is never retried, whatever the reason.
            ("R", "CARD_AUTHENTICATION_FAILED", "01", Retry::Never),
        ] {
            let a = run(with_reason(result, reason)).authentication;
            assert_eq!(a.trans_status_reason.as_deref(), Some(code), "{reason}");
            assert_eq!(a.retry, Some(retry), "{result} {reason}");
            assert_eq!(a.reason.as_deref(), emv_reason(code), "{reason}");
        }
        // A reason on a success names it and retries nothing.
        let a = run(with_reason("Y", "LOW_CONFIDENCE")).authentication;
        assert_eq!(
            (a.status, a.retry, a.reason.as_deref()),
            (
                AuthenticationStatus::Authenticated,
                None,
                Some("low_confidence")
            )
        );
    }

    #[test]
    fn paysafe_only_reasons_decide_retry_for_n_and_u_only() {
        let retry =
            |result: &str, reason: &str| run(with_reason(result, reason)).authentication.retry;
        // An issuer error is the issuer's at any PSP: later.
        assert_eq!(retry("U", "GENERAL_ISSUER_ERROR"), Some(Retry::Later));
        assert_eq!(retry("N", "GENERAL_ISSUER_ERROR"), Some(Retry::Later));
        // The merchant's Paysafe 3DS setup must be fixed first.
        assert_eq!(
            retry("U", "MERCHANT_CONFIGURATION_ERROR"),
            Some(Retry::Never)
        );
        // No information: the result decides.
        assert_eq!(retry("N", "NO_INFORMATION_AVAILABLE"), Some(Retry::SamePsp));
        assert_eq!(retry("U", "NO_INFORMATION_AVAILABLE"), Some(Retry::Later));
        // R stays never; a success has nothing to retry.
        assert_eq!(retry("R", "GENERAL_ISSUER_ERROR"), Some(Retry::Never));
        assert_eq!(retry("Y", "MERCHANT_CONFIGURATION_ERROR"), None);
        // The next step stays the result's.
        let a = run(with_reason("U", "MERCHANT_CONFIGURATION_ERROR")).authentication;
        assert_eq!(a.next_step, NextStep::AuthorizeAtOwnRisk);
    }

    #[test]
    fn fields_are_filled() {
        let mut v = completed("Y");
        v["eci"] = json!("02");
        v["cavv"] = json!("BwAQATkhGAEAABVIFSEYEGkybeU=");
        v["directoryServerTransactionId"] = json!("ds");
        v["threeDSecureServerTransactionId"] = json!("srv");
        v["messageCategory"] = json!("NON_PAYMENT");
        let n = run(v);
        let a = &n.authentication;
        assert_eq!(a.id.as_deref(), Some("a1"));
        assert_eq!(a.reference.as_deref(), Some("r"));
        assert_eq!(a.eci.as_ref().map(Eci::as_str), Some("02"));
        assert_eq!(a.network, Some(Network::Visa));
        assert_eq!(
            a.amount,
            Some(Money {
                value: 123,
                currency: "EUR".into()
            })
        );
        assert_eq!(a.ds_trans_id.as_deref(), Some("ds"));
        assert_eq!(a.three_ds_server_trans_id.as_deref(), Some("srv"));
        assert_eq!(a.protocol_version.as_deref(), Some("2.1.0"));
        assert!(a.authentication_value.is_some());
        assert_eq!(
            n.explain.liability.facts.category,
            Some(Category::NonPayment)
        );
        assert_eq!(
            n.explain.liability.facts.authentication_value_present,
            Some(true)
        );
        assert_eq!(
            run(completed("Y")).authentication.eci.unwrap().as_str(),
            "05"
        );
    }

    #[test]
    fn unknown_card_type_is_warned() {
        let mut v = completed("Y");
        v["card"]["type"] = json!("DI");
        let n = run(v);
        assert_eq!(n.authentication.network, None);
        assert!(n.explain.warnings.iter().any(|w| w.contains("'DI'")));
    }

    #[test]
    fn pending_challenge_points_at_the_acs_with_no_creq() {
        let n = run(json!({"status": "PENDING", "threeDResult": "C",
                           "acsURL": "https://acs", "sdkChallengePayload": "e30="}));
        let a = &n.authentication;
        assert_eq!(a.status, AuthenticationStatus::ChallengeRequired);
        assert_eq!(a.next_step, NextStep::ChallengeCardholder);
        assert_eq!(a.reason.as_deref(), Some("challenge_required"));
        assert_eq!(a.challenged, Some(true));
        assert_eq!(
            a.next_action,
            Some(NextAction::Challenge {
                url: Some("https://acs".into()),
                creq: None
            })
        );
        assert_eq!(a.liability_shift, None);
    }

    #[test]
    fn the_acs_url_falls_back_to_the_decoded_sdk_challenge_payload() {
        use base64::Engine;
        let payload = base64::engine::general_purpose::STANDARD
            .encode(r#"{"id":"a1","acsUrl":"https://acs/from-payload","payload":"e30"}"#);
        let n = run(json!({"status": "PENDING", "threeDResult": "C",
                           "sdkChallengePayload": payload}));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: Some("https://acs/from-payload".into()),
                creq: None
            })
        );
        // The top-level URL wins; an opaque payload changes nothing.
        let n = run(
            json!({"status": "PENDING", "threeDResult": "C", "acsUrl": "https://top",
                           "sdkChallengePayload": payload}),
        );
        assert!(matches!(n.authentication.next_action,
            Some(NextAction::Challenge { url: Some(ref u), .. }) if u == "https://top"));
        let n = run(json!({"status": "PENDING", "threeDResult": "C",
                           "sdkChallengePayload": "not base64!"}));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: None,
                creq: None
            })
        );
    }

    #[test]
    fn a_challenge_that_timed_out_at_the_acs_is_expired() {
        let n = run(json!({"status": "COMPLETED", "threeDResult": "N", "eci": 7,
                           "statusReason": "TRANSACTION_TIMED_OUT_ACS",
                           "card": {"type": "VI"}}));
        let a = &n.authentication;
        assert_eq!(
            (a.status, a.next_step),
            (AuthenticationStatus::Expired, NextStep::RetryAuthentication)
        );
        assert_eq!(a.trans_status, Some(TransStatus::N));
        assert_eq!(a.trans_status_reason.as_deref(), Some("14"));
        assert_eq!(a.liability_shift, Some(false));
        assert_eq!(a.retry, Some(Retry::SamePsp));
        assert_eq!(a.reason.as_deref(), Some("acs_timed_out"));
        assert_eq!(n.explain.status_rule, "emv:trans_status_reason/14");
        // U with reason 14, or N with another reason, keep their catalog meaning.
        let u = run(json!({"status": "COMPLETED", "threeDResult": "U",
                           "statusReason": "TRANSACTION_TIMED_OUT_ACS"}));
        assert_eq!(u.authentication.status, AuthenticationStatus::Unavailable);
        let f = run(json!({"status": "COMPLETED", "threeDResult": "N",
                           "statusReason": "CARD_AUTHENTICATION_FAILED"}));
        assert_eq!(f.authentication.status, AuthenticationStatus::Failed);
    }

    #[test]
    fn pending_without_challenge_waits() {
        let a = run(json!({"status": "PENDING", "merchantRefNum": "r"})).authentication;
        assert_eq!(
            (a.status, a.next_step),
            (AuthenticationStatus::Pending, NextStep::Wait)
        );
    }

    #[test]
    fn a_pending_state_with_a_final_result_is_a_contradiction() {
        for doc in [
            json!({"status": "PENDING", "threeDResult": "R"}),
            json!({"status": "PENDING", "threeDResult": "Y", "eci": 5, "cavv": "AAAB"}),
            json!({"status": "PENDING", "threeDResult": "A"}),
            json!({"status": "PENDING", "threeDEnrollment": "N"}),
        ] {
            let n = run(doc.clone());
            let a = &n.authentication;
            assert_eq!(
                (a.status, a.next_step, a.retry, a.liability_shift),
                (
                    AuthenticationStatus::Unknown,
                    NextStep::Investigate,
                    None,
                    None
                ),
                "{doc}"
            );
            assert!(n
                .explain
                .warnings
                .iter()
                .any(|w| w.contains("contradictory")));
        }
    }

    #[test]
    fn an_error_object_on_a_completed_authentication_is_a_contradiction() {
        let mut v = completed("Y");
        v["cavv"] = json!("BwAQATkhGAEAABVIFSEYEGkybeU=");
        v["error"] = json!({"code": "1000", "message": "Internal error"});
        let n = run(v);
        let a = &n.authentication;
        assert_eq!(
            (a.status, a.next_step, a.retry, a.liability_shift),
            (
                AuthenticationStatus::Unknown,
                NextStep::Investigate,
                None,
                None
            )
        );
        assert!(n.explain.warnings.iter().any(|w| w.contains("code 1000")));
        // R with an error object does not become anything better than unknown either.
        let mut v = with_reason("R", "SUSPECTED_FRAUD");
        v["error"] = json!({"code": "5021"});
        let a = run(v).authentication;
        assert_eq!((a.status, a.retry), (AuthenticationStatus::Unknown, None));
    }

    #[test]
    fn a_non_payment_authentication_has_nothing_to_authorize() {
        let non_payment = |r: &str| {
            let mut v = completed(r);
            v["messageCategory"] = json!("NON_PAYMENT");
            v["authenticationPurpose"] = json!("ADD_CARD");
            run(v).authentication
        };
        for r in ["Y", "A", "U"] {
            assert_eq!(non_payment(r).next_step, NextStep::None, "{r}");
        }
        assert_eq!(non_payment("N").next_step, NextStep::DoNotAuthorize);
        assert_eq!(non_payment("Y").status, AuthenticationStatus::Authenticated);
        assert_eq!(non_payment("U").retry, Some(Retry::Later));
    }

    #[test]
    fn threeds1_pending_enrolled_is_a_challenge() {
        let n = run(json!({"status": "PENDING", "threeDEnrollment": "Y",
                           "acsUrl": "https://acs", "threeDSecureVersion": "1.0.2"}));
        let a = &n.authentication;
        assert_eq!(a.status, AuthenticationStatus::ChallengeRequired);
        assert_eq!(a.raw.code.as_deref(), Some("Y"));
        assert_eq!(n.explain.liability.facts.enrollment, Some(Enrollment::Y));
        assert_eq!(
            n.explain.status_rule,
            "rule:paysafe.3ds1_pending_enrolled_challenge"
        );
    }

    #[test]
    fn threeds1_completed_enrollment_rows() {
        let mc = |e: &str| {
            json!({"status": "COMPLETED", "threeDEnrollment": e, "card": {"type": "MC"},
                   "threeDSecureVersion": "1.0.2"})
        };
        let a = run(mc("N")).authentication;
        assert_eq!(
            (a.status, a.reason.as_deref(), a.next_step),
            (
                AuthenticationStatus::NotEnrolled,
                Some("card_not_enrolled"),
                NextStep::AuthorizeAtOwnRisk
            )
        );
        let a = run(mc("U")).authentication;
        assert_eq!(
            (a.status, a.next_step),
            (
                AuthenticationStatus::Unavailable,
                NextStep::AuthorizeAtOwnRisk
            )
        );
        // Visa not enrolled: the matrix's "proceed" is dated, see
        // `visa_not_enrolled_proceeds_only_while_visa_shifted_liability`.
        let mut visa = mc("N");
        visa["card"]["type"] = json!("VI");
        let n = run(visa);
        assert_eq!(n.authentication.status, AuthenticationStatus::NotEnrolled);
        assert_eq!(n.authentication.retry, Some(Retry::Never));
    }

    #[test]
    fn threeds1_completed_enrolled_uses_the_pares_status_or_is_unknown() {
        let v = json!({"status": "COMPLETED", "threeDEnrollment": "Y", "threeDResult": "Y",
                       "signatureStatus": "Y", "eci": 5, "cavv": "AAAB", "xid": "x",
                       "threeDSecureVersion": "1.0.2"});
        let n = run(v);
        assert_eq!(n.authentication.status, AuthenticationStatus::Authenticated);
        assert_eq!(n.authentication.trans_status, Some(TransStatus::Y));
        assert_eq!(n.authentication.raw.code.as_deref(), Some("Y"));
        assert_eq!(n.explain.liability.facts.signature_verified, Some(true));
        let n = run(json!({"status": "COMPLETED", "threeDEnrollment": "Y"}));
        assert_eq!(n.authentication.status, AuthenticationStatus::Unknown);
        assert_eq!(n.authentication.next_step, NextStep::Investigate);
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn failed_signature_is_never_authenticated() {
        for pares in ["Y", "A"] {
            let n = run(json!({"status": "COMPLETED", "threeDEnrollment": "Y",
                               "threeDResult": pares, "signatureStatus": "N"}));
            let a = &n.authentication;
            assert_eq!(a.status, AuthenticationStatus::Unavailable, "{pares}");
            assert_eq!(a.next_step, NextStep::AuthorizeAtOwnRisk);
            assert_eq!(a.reason.as_deref(), Some("signature_verification_failed"));
            assert_eq!(a.retry, Some(Retry::Later));
            assert_eq!(n.explain.liability.facts.signature_verified, Some(false));
        }
        let a = run(json!({"status": "COMPLETED", "threeDEnrollment": "Y",
                           "threeDResult": "N", "signatureStatus": "N"}))
        .authentication;
        assert_eq!(a.status, AuthenticationStatus::Failed);
    }

    #[test]
    fn status_reason_sets_reason_and_the_emv_code() {
        let mut v = completed("N");
        v["statusReason"] = json!("CARD_AUTHENTICATION_FAILED");
        let a = run(v).authentication;
        assert_eq!(a.reason.as_deref(), Some("card_authentication_failed"));
        assert_eq!(a.trans_status_reason.as_deref(), Some("01"));
        assert_eq!(a.raw.message.as_deref(), Some("CARD_AUTHENTICATION_FAILED"));
        let mut v = completed("R");
        v["statusReason"] = json!("DECOUPLED_REQIRED_BUT_NOT_REQUESTED");
        assert_eq!(
            run(v).authentication.trans_status_reason.as_deref(),
            Some("23")
        );
        let mut v = completed("U");
        v["statusReason"] = json!("MERCHANT_CONFIGURATION_ERROR");
        let a = run(v).authentication;
        assert_eq!(a.reason.as_deref(), Some("merchant_configuration_error"));
        assert_eq!(a.trans_status_reason, None);
        let mut v = completed("N");
        v["statusReason"] = json!("SOMETHING_NEW");
        let n = run(v);
        assert_eq!(n.authentication.status, AuthenticationStatus::Failed);
        assert_eq!(n.authentication.reason, None);
        assert_eq!(
            n.authentication.raw.message.as_deref(),
            Some("SOMETHING_NEW")
        );
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn cardholder_display_text_is_surfaced_not_dropped() {
        let mut v = completed("R");
        v["cardholderDisplayText"] = json!("Call your bank");
        let n = run(v);
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("Call your bank")));
        assert_eq!(n.authentication.raw.message, None);
    }

    #[test]
    fn unknown_values_are_unknown_and_kept_raw() {
        let n = run(completed("X"));
        assert_eq!(n.authentication.status, AuthenticationStatus::Unknown);
        assert_eq!(n.authentication.next_step, NextStep::Investigate);
        assert_eq!(n.authentication.raw.code.as_deref(), Some("X"));
        assert_eq!(n.authentication.trans_status, None);
        let mut v = completed("Y");
        v["status"] = json!("EXPIRED");
        let a = run(v).authentication;
        assert_eq!(a.status, AuthenticationStatus::Unknown);
        assert_eq!(a.raw.status.as_deref(), Some("EXPIRED"));
        let a = run(json!({"status": "COMPLETED", "threeDEnrollment": "B"})).authentication;
        assert_eq!(a.status, AuthenticationStatus::Unknown);
        assert_eq!(a.raw.code.as_deref(), Some("B"));
    }

    #[test]
    fn contradictions_are_not_guessed() {
        let a = run(json!({"status": "COMPLETED", "threeDResult": "C"})).authentication;
        assert_eq!(a.status, AuthenticationStatus::Unknown);
        let a = run(json!({"status": "COMPLETED", "merchantRefNum": "r"})).authentication;
        assert_eq!(a.status, AuthenticationStatus::Unknown);
    }

    #[test]
    fn payments_api_hand_off_object_without_status() {
        // The hand-off object of developer.paysafe.com "External 3DS for 3DS 2.0".
        let n = run(json!({"eci": 6, "cavv": "Y2FyZGluYWxjb21tZXJjZWF1dGg=",
                           "threeDResult": "A", "threeDSecureVersion": "2.1.0",
                           "directoryServerTransactionId": "faf2069e"}));
        assert_eq!(n.authentication.status, AuthenticationStatus::Attempted);
        assert_eq!(n.authentication.eci.as_ref().map(Eci::as_str), Some("06"));
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn error_bodies_map_by_code() {
        let n = run(
            json!({"error": {"code": "5068", "message": "Field Error(s)",
            "fieldErrors": [{"field": "amount", "error": "An amount is required."}]}}),
        );
        let a = &n.authentication;
        assert_eq!(a.kind, DocumentKind::Error);
        assert_eq!(
            (a.status, a.next_step),
            (AuthenticationStatus::Error, NextStep::FixRequest)
        );
        assert_eq!(a.reason.as_deref(), Some("invalid_request"));
        assert_eq!(a.raw.status, None);
        assert_eq!(a.raw.code.as_deref(), Some("5068"));
        assert_eq!(a.raw.message.as_deref(), Some("Field Error(s)"));
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("amount: An amount is required.")));

        let a = run(
            json!({"error": {"code": "5016", "message": "Account not found"},
                           "status": "FAILED"}),
        )
        .authentication;
        assert_eq!(a.raw.status.as_deref(), Some("FAILED"));
        assert_eq!(a.reason.as_deref(), Some("not_found"));

        let a = run(json!({"liveMode": "true", "error": {"code": "1200"}})).authentication;
        assert_eq!(
            (a.reason.as_deref(), a.next_step),
            (Some("rate_limited"), NextStep::RetryAuthentication)
        );
    }

    #[test]
    fn an_unknown_error_code_is_an_error_to_investigate() {
        let n = run(json!({"error": {"code": "7777", "message": "new"}}));
        let a = &n.authentication;
        assert_eq!(
            (a.kind, a.status, a.next_step, a.retry),
            (
                DocumentKind::Error,
                AuthenticationStatus::Error,
                NextStep::Investigate,
                None
            )
        );
        assert_eq!(a.raw.code.as_deref(), Some("7777"));
        assert!(n.explain.warnings.iter().any(|w| w.contains("'7777'")));
        // Also inside a FAILED authentication object.
        let a =
            run(json!({"id": "a1", "status": "FAILED", "error": {"code": "7777"}})).authentication;
        assert_eq!(a.status, AuthenticationStatus::Error);
    }

    fn error_meaning(code: &str) -> (AuthenticationStatus, NextStep, Option<Retry>) {
        let a = run(json!({"error": {"code": code}})).authentication;
        (a.status, a.next_step, a.retry)
    }

    #[test]
    fn account_and_credential_errors_are_investigated_and_another_account_may_succeed() {
        for code in [
            "5000", "5016", "5017", "5040", "5270", "5275", "5276", "5277", "5278", "5279", "5280",
            "9013", "9501",
        ] {
            assert_eq!(
                error_meaning(code),
                (
                    AuthenticationStatus::Error,
                    NextStep::Investigate,
                    Some(Retry::OtherPsp)
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn invalid_requests_are_fixed_never_retried_as_they_are() {
        for code in [
            "5001", "5003", "5010", "5023", "5042", "5068", "5272", "5502",
        ] {
            assert_eq!(
                error_meaning(code),
                (
                    AuthenticationStatus::Error,
                    NextStep::FixRequest,
                    Some(Retry::Never)
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn paysafe_technical_errors_may_succeed_at_another_psp() {
        for code in [
            "1000", "1001", "1002", "1003", "1007", "1008", "5103", "9014",
        ] {
            assert_eq!(
                error_meaning(code),
                (
                    AuthenticationStatus::Error,
                    NextStep::RetryAuthentication,
                    Some(Retry::OtherPsp)
                ),
                "{code}"
            );
        }
    }

    #[test]
    fn an_sca_required_soft_decline_is_retried_with_a_challenge() {
        let (status, step, retry) = error_meaning("3060");
        assert_eq!(
            (status, step, retry),
            (
                AuthenticationStatus::Declined,
                NextStep::RetryWithChallenge,
                Some(Retry::WithChallenge)
            )
        );
    }

    #[test]
    fn every_error_code_row_follows_the_retry_rules_of_its_reason() {
        let catalog = Catalog::builtin().unwrap();
        for row in catalog
            .rows(Provider::PAYSAFE)
            .filter(|r| r.table == "error_code")
        {
            let meaning = (row.next_step, row.retry);
            let want = match row.reason.as_deref() {
                Some("invalid_request") => Some((Some(NextStep::FixRequest), Some(Retry::Never))),
                Some("invalid_credentials") => {
                    Some((Some(NextStep::Investigate), Some(Retry::OtherPsp)))
                }
                Some("psp_technical_error") => {
                    Some((Some(NextStep::RetryAuthentication), Some(Retry::OtherPsp)))
                }
                _ => None,
            };
            if let Some(want) = want {
                assert_eq!(meaning, want, "error_code {}", row.code);
            }
            assert!(row.retry.is_some(), "error_code {} has no retry", row.code);
            assert!(!row.source.contains("reference"), "error_code {}", row.code);
        }
    }

    #[test]
    fn failed_authentication_object_uses_its_error() {
        let n = run(
            json!({"id": "a1", "merchantRefNum": "r", "status": "FAILED",
                           "error": {"code": "1001", "message": "gateway"}}),
        );
        let a = &n.authentication;
        assert_eq!(a.kind, DocumentKind::Error);
        assert_eq!(a.id.as_deref(), Some("a1"));
        assert_eq!(a.reason.as_deref(), Some("psp_technical_error"));
        assert_eq!(a.raw.status.as_deref(), Some("FAILED"));
        let a = run(json!({"id": "a1", "merchantRefNum": "r", "status": "FAILED"})).authentication;
        assert_eq!(
            (a.status, a.next_step),
            (AuthenticationStatus::Error, NextStep::Investigate)
        );
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

    #[test]
    fn status_reason_rows_use_the_emv_words_of_their_codes() {
        let catalog = Catalog::builtin().unwrap();
        assert_eq!(STATUS_REASON_EMV_CODES.len(), 26);
        for (name, code) in STATUS_REASON_EMV_CODES {
            let row = catalog
                .lookup(Provider::PAYSAFE, "status_reason", name)
                .unwrap_or_else(|| panic!("no status_reason row for {name}"));
            assert_eq!(row.reason.as_deref(), emv_reason(code), "{name} ({code})");
            assert_eq!(
                row.status, None,
                "{name}: reason rows do not decide the status"
            );
        }
    }

    #[test]
    fn every_documented_value_has_exactly_its_catalog_row() {
        let catalog = Catalog::builtin().unwrap();
        let tables: [(&str, &[&str]); 4] = [
            ("status", Status::KNOWN),
            ("three_d_result", ThreeDResult::KNOWN),
            ("three_d_enrollment", ThreeDEnrollment::KNOWN),
            ("status_reason", threeds_paysafe::StatusReason::KNOWN),
        ];
        for (table, known) in tables {
            let rows: Vec<&str> = catalog
                .rows(Provider::PAYSAFE)
                .filter(|e| e.table == table)
                .map(|e| e.code.as_str())
                .collect();
            let mut expected = known.to_vec();
            let mut got = rows.clone();
            expected.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, expected, "{table}");
        }
        // Every status_reason name maps to an EMV code except the three Paysafe-only ones.
        let without: Vec<&str> = threeds_paysafe::StatusReason::KNOWN
            .iter()
            .copied()
            .filter(|n| emv_code_of(n).is_none())
            .collect();
        assert_eq!(
            without,
            [
                "NO_INFORMATION_AVAILABLE",
                "GENERAL_ISSUER_ERROR",
                "MERCHANT_CONFIGURATION_ERROR"
            ]
        );
    }

    #[test]
    fn error_code_rows_cover_the_documented_codes() {
        let catalog = Catalog::builtin().unwrap();
        let mut codes: Vec<String> = [
            "1000", "1001", "1002", "1003", "1007", "1008", "1200", "5000", "5001", "5003", "5004",
            "5005", "5010", "5016", "5017", "5021", "5023", "5031", "5040", "5042", "5050", "5068",
            "5269", "5270", "5271", "5272", "5273", "5275", "5276", "5277", "5278", "5279", "5280",
            "5281", "5502", "3060",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        codes.extend((5100..=5113).map(|c: u32| c.to_string()));
        codes.extend(
            ["9004", "9012", "9013", "9014", "9015", "9500", "9501"]
                .iter()
                .map(|s| s.to_string()),
        );
        for code in &codes {
            let row = catalog
                .lookup(Provider::PAYSAFE, "error_code", code)
                .unwrap_or_else(|| panic!("no error_code row for {code}"));
            assert!(row.status.is_some() && row.next_step.is_some(), "{code}");
        }
        let row = catalog
            .lookup(Provider::PAYSAFE, "error_code", "3060")
            .unwrap();
        assert_eq!(row.reason.as_deref(), Some("sca_required"));
        let row = catalog
            .lookup(Provider::PAYSAFE, "error_code", "5107")
            .unwrap();
        assert_eq!(row.status, Some(AuthenticationStatus::Rejected));
    }
}
