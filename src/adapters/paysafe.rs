//! Paysafe 3D Secure 2 (`/threedsecure/v2`) documents to the normalized model.
//!
//! Two document types:
//! * `paysafe.authentication`: the `authentication` object of `POST .../authentications` and
//!   `GET .../authentications/{id}` (3DS2, or the 3DS 1.0.2 fallback where
//!   `threeDEnrollment` replaces `threeDResult`);
//! * `paysafe.error`: an error body `{"error": {...}}`, with or without a top-level
//!   `"status": "FAILED"` (classic 3DS API) or `liveMode` (Alternate Payments API).
//!
//! Status comes from `status` + `threeDResult` / `threeDEnrollment` (reference B4 "Status
//! interpretation"), next step from the B5 matrix's "recommended action", both as catalog
//! rows. `raw` is `{status, threeDEnrollment or threeDResult, statusReason}` for an
//! authentication and `{status or null, error.code, error.message}` for an error.

use super::{parse_as, Context, Draft, NormalizeError, Normalized};
use crate::liability::{Category, Enrollment};
use crate::model::{
    AuthenticationStatus, DocumentKind, Eci, Money, Network, NextAction, NextStep, Provider,
    TransStatus,
};
use serde_json::Value;
use threeds_paysafe::response::{Authentication, ErrorBody, ErrorObject};
use threeds_paysafe::{
    MessageCategory, SignatureStatus, Status, StatusReason, ThreeDEnrollment, ThreeDResult,
};

const AUTHENTICATION: &str = "paysafe.authentication";
const ERROR: &str = "paysafe.error";

/// Paysafe `statusReason` names and their EMVCo transStatusReason codes.
///
/// Paysafe publishes the names as "named equivalents of EMVCo transStatusReason 01–26"
/// (reference B4), in EMV order. The code is a protocol fact fixed by EMVCo, not a
/// business decision a run-time catalog override should change, so it lives here; the
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

pub fn normalize(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    if is_bare_error_body(value) {
        let body: ErrorBody = parse_as(value, Provider::Paysafe, ERROR)?;
        let mut d = Draft::new(Provider::Paysafe, DocumentKind::Error, ERROR);
        let error = body.error.unwrap_or_default();
        apply_error(&mut d, ctx, &error, body.status.as_ref());
        return Ok(d.finish_in(ctx));
    }
    let a: Authentication = parse_as(value, Provider::Paysafe, AUTHENTICATION)?;
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
    match &error.code {
        Some(code) => {
            d.apply_catalog(ctx, "error_code", code.as_str().trim());
        }
        None => {
            // FAILED without a code: the request failed and nothing says why.
            d.apply_catalog(ctx, "status", Status::Failed.as_str());
            d.warn("paysafe error object without a code");
        }
    }
    // fieldErrors say which request fields to fix; the model has no field for them, so they
    // are reported rather than dropped.
    if let Some(fields) = error.field_errors.as_ref().filter(|f| !f.is_empty()) {
        let list: Vec<String> = fields
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    f.field.as_deref().unwrap_or("?"),
                    f.error.as_deref().unwrap_or("")
                )
            })
            .collect();
        d.warn(format!("paysafe fieldErrors: {}", list.join("; ")));
    }
}

fn normalize_authentication(a: &Authentication, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(
        Provider::Paysafe,
        DocumentKind::Authentication,
        AUTHENTICATION,
    );
    fill_fields(&mut d, a);

    let failed = matches!(a.status, None | Some(Status::Failed));
    match (&a.error, failed) {
        (Some(error), true) => {
            apply_error(&mut d, ctx, error, a.status.as_ref());
            return d.finish_in(ctx);
        }
        (Some(_), false) => d.warn("paysafe error object on a non-FAILED authentication; ignored"),
        (None, _) => {}
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

    if let Some(reason) = &a.status_reason {
        d.apply_reason(ctx, "status_reason", reason.as_str());
        d.auth.trans_status_reason = emv_code_of(reason.as_str()).map(str::to_owned);
    }
    timed_out_rule(&mut d, a);
    signature_rule(&mut d, a);

    if d.auth.status == AuthenticationStatus::ChallengeRequired {
        // Paysafe's JS SDK `challenge()` (or the Cardinal mobile SDK) builds the CReq from
        // `sdkChallengePayload`; Paysafe documents no raw CReq, so `creq` stays null and the
        // front end hands `sdkChallengePayload` to the SDK (reference B2, C2.17).
        // The ACS URL is top-level in every published sample; the mobile SDKs also read it
        // from the decoded sdkChallengePayload, which is used when the top level lacks it.
        let url = a
            .acs_url()
            .map(str::to_owned)
            .or_else(|| sdk_payload_acs_url(a.sdk_challenge_payload.as_deref()));
        d.auth.next_action = Some(NextAction::Challenge { url, creq: None });
        d.auth.challenged = Some(true);
    }
    if let Some(text) = &a.cardholder_display_text {
        // No model field holds issuer text; raw.message carries statusReason. Paysafe
        // requires merchants to display it, so it is surfaced rather than dropped.
        d.warn(format!(
            "paysafe cardholderDisplayText (the merchant must show it to the cardholder): {text}"
        ));
    }
    d.finish_in(ctx)
}

/// Ids, amount, EMV values and liability facts: whatever the status.
fn fill_fields(d: &mut Draft, a: &Authentication) {
    d.auth.id.clone_from(&a.id);
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
                "paysafe card.type '{card_type}' is not a known network; network left null"
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
        // A completed result says by presence whether a CAVV came back (B5: "CAVV present /
        // not present" decides the row).
        d.facts.authentication_value_present = Some(d.auth.authentication_value.is_some());
    }
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
                d.apply_catalog(ctx, "three_d_enrollment", "N");
                if d.auth.network == Some(Network::Visa) {
                    // B5 3DS1 Visa table: not enrolled (ECI 6) -> issuer liability, proceed.
                    // Mastercard and Amex: merchant liability, "consider" (the catalog row).
                    d.set_status(
                        AuthenticationStatus::NotEnrolled,
                        NextStep::Authorize,
                        "rule:paysafe.3ds1_visa_not_enrolled_proceed",
                    );
                }
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
    d.set_status(
        AuthenticationStatus::Unknown,
        NextStep::Investigate,
        "rule:paysafe.completed_with_challenge_result",
    );
    d.warn("paysafe status COMPLETED with threeDResult C (challenge required): contradictory");
}

/// `PENDING`: a challenge (3DS2 `C`, or 3DS1 enrollment `Y`), else still waiting. An
/// abandoned challenge also stays PENDING (there is no expired status, B4).
fn pending(d: &mut Draft, ctx: &Context<'_>, a: &Authentication) {
    if let Some(enrollment) = &a.three_d_enrollment {
        match enrollment {
            ThreeDEnrollment::Y => d.set_status(
                AuthenticationStatus::ChallengeRequired,
                NextStep::ChallengeCardholder,
                "rule:paysafe.3ds1_pending_enrolled_challenge",
            ),
            ThreeDEnrollment::Unknown(e) => d.set_unknown("three_d_enrollment", e),
            other => {
                d.apply_catalog(ctx, "status", Status::Pending.as_str());
                d.warn(format!(
                    "paysafe status PENDING with threeDEnrollment {other}: not a documented \
                     combination; waiting"
                ));
            }
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
        Some(other) => {
            d.apply_catalog(ctx, "status", Status::Pending.as_str());
            d.warn(format!(
                "paysafe status PENDING with threeDResult {other}: not final until COMPLETED"
            ));
        }
        None => {
            d.apply_catalog(ctx, "status", Status::Pending.as_str());
        }
    }
}

/// No `status`: the shape of the `authentication` object handed to the Card Payments API
/// (reference B5, P8: eci, cavv, threeDResult, version, DS id). The result alone decides.
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

/// A 3DS2 `COMPLETED` / `N` whose `statusReason` is `TRANSACTION_TIMED_OUT_ACS` (EMV
/// transStatusReason 14) is a challenge nobody finished: EMV 3DS has the ACS end an
/// abandoned or timed-out challenge with an RReq carrying `N` and reason 14, and Paysafe has
/// no expired status of its own (reference B4). The cardholder did not fail authentication,
/// so it is `expired` / `retry_authentication` (design.md: "the session or challenge timed
/// out or was abandoned") rather than `failed` / `do_not_authorize`; `trans_status` stays
/// `N` and liability does not shift. `U` with reason 14 stays `unavailable`: a frictionless
/// ACS timeout is reported that way too, and the document cannot tell the two apart.
fn timed_out_rule(d: &mut Draft, a: &Authentication) {
    let timed_out = a.status == Some(Status::Completed)
        && a.three_d_enrollment.is_none()
        && a.three_d_result == Some(ThreeDResult::N)
        && a.status_reason == Some(StatusReason::TransactionTimedOutAcs);
    if timed_out {
        d.set_status(
            AuthenticationStatus::Expired,
            NextStep::RetryAuthentication,
            "rule:paysafe.challenge_timed_out_at_acs",
        );
    }
}

/// `acsUrl` inside a base64 `sdkChallengePayload` (the mobile SDKs' decoded shape, reference
/// B4), if it decodes to a JSON object carrying one.
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

/// 3DS 1.0.2: a failed PARes signature check means the result cannot be trusted. B5 puts
/// every such row ("Y | any | any | any | N") at merchant liability with "consider", so a
/// positive result (Y or A) is reported as `unavailable` / `authorize_at_own_risk`, never
/// `authenticated`. Negative results (N, U, R) stay as they are.
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
    fn completed_results_follow_the_b5_recommended_action() {
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
        assert_eq!(
            n.explain.status_rule,
            "rule:paysafe.challenge_timed_out_at_acs"
        );
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
        let n = run(json!({"status": "PENDING", "threeDResult": "Y"}));
        assert_eq!(n.authentication.status, AuthenticationStatus::Pending);
        assert!(!n.explain.warnings.is_empty());
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
        // Visa not enrolled: B5 says issuer liability, proceed.
        let mut visa = mc("N");
        visa["card"]["type"] = json!("VI");
        let n = run(visa);
        assert_eq!(n.authentication.status, AuthenticationStatus::NotEnrolled);
        assert_eq!(n.authentication.next_step, NextStep::Authorize);
        assert_eq!(
            n.explain.status_rule,
            "rule:paysafe.3ds1_visa_not_enrolled_proceed"
        );
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
        // Reference P8.
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

        let a = run(json!({"error": {"code": "7777"}})).authentication;
        assert_eq!(a.status, AuthenticationStatus::Unknown);
        assert_eq!(a.raw.code.as_deref(), Some("7777"));
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
                .lookup(Provider::Paysafe, "status_reason", name)
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
                .rows(Provider::Paysafe)
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
                .lookup(Provider::Paysafe, "error_code", code)
                .unwrap_or_else(|| panic!("no error_code row for {code}"));
            assert!(row.status.is_some() && row.next_step.is_some(), "{code}");
        }
        let row = catalog
            .lookup(Provider::Paysafe, "error_code", "3060")
            .unwrap();
        assert_eq!(row.reason.as_deref(), Some("sca_required"));
        let row = catalog
            .lookup(Provider::Paysafe, "error_code", "5107")
            .unwrap();
        assert_eq!(row.status, Some(AuthenticationStatus::Rejected));
    }
}
