//! The Paysafe authentication object: its fields, the `statusReason` as an EMV
//! transStatusReason, `txnTime` as the authentication date and the dated Visa not-enrolled
//! rule; its `status` is read in `status`.

use crate::liability::{Category, Enrollment};
use crate::model::{
    timestamp, AuthenticationStatus, DocumentKind, Eci, Money, Network, NextAction, NextStep,
    Provider, TransStatus,
};
use crate::normalize::{Context, Draft, Normalized};
use serde_json::Value;
use threeds_paysafe::response::Authentication;
use threeds_paysafe::{MessageCategory, SignatureStatus, Status, ThreeDEnrollment, ThreeDResult};
use threeds_wire::excerpt;

use super::error::apply_error;
use super::status::{
    completed, contradiction, no_status, non_payment_rule, pending, signature_rule,
};
use super::{emv_code_of, AUTHENTICATION};

pub(super) fn normalize_authentication(a: &Authentication, ctx: &Context<'_>) -> Normalized {
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
