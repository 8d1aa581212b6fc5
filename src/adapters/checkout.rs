//! Checkout.com Standalone Sessions documents to the normalized model.
//!
//! Four document types (reference PART A of `checkout-paysafe.md`):
//! * a session (`POST /sessions` 201/202, `GET /sessions/{id}`, `PUT .../collect-data`,
//!   `PUT .../issuer-fingerprint`): the session `status` decides through the
//!   `session_status` catalog table, `response_code` refines (`A` within `approved`, `I`) and
//!   is cross-checked, `next_actions` decides what the front end does while pending;
//! * the non-hosted callback body (`session_id`, `response_reason`): read as a session;
//! * an `authentication_*` workflow webhook: the event type decides (`webhook_type`);
//! * an error body (`error_type` + `error_codes`).

use super::{parse_as, Context, Draft, NormalizeError, Normalized};
use crate::liability::{Category, Enrollment};
use crate::model::reason::{emv_reason, normalize_code};
use crate::model::{
    AuthenticationStatus as St, DocumentKind, Eci, Money, Network, NextAction, NextStep, Provider,
    TransStatus,
};
use serde_json::Value;
use threeds_checkout::{
    AuthenticationCategory, ErrorDetails, ErrorResponse, ExemptionApplied, NextActionType,
    ResponseCode, SessionCallback, SessionResponse, SessionStatus, StatusReason, WebhookEvent,
    WebhookType,
};
use threeds_wire::NumOrStr;

const P: Provider = Provider::Checkout;

/// The Checkout document a JSON value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    Session,
    Callback,
    Webhook,
    Error,
}

fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn classify(value: &Value) -> Option<Doc> {
    let obj = value.as_object()?;
    if str_field(value, "type").is_some_and(|t| t.starts_with("authentication_"))
        && obj.get("data").is_some_and(Value::is_object)
    {
        return Some(Doc::Webhook);
    }
    if obj.contains_key("error_type") && obj.contains_key("error_codes") {
        return Some(Doc::Error);
    }
    if str_field(value, "id").is_some_and(|id| id.starts_with("sid_")) {
        return Some(Doc::Session);
    }
    let session_id = str_field(value, "session_id");
    if session_id.is_some_and(|id| id.starts_with("sid_"))
        || (session_id.is_some() && obj.contains_key("response_code"))
    {
        return Some(Doc::Callback);
    }
    // A session whose id is not (yet) in the `sid_` form still carries HAL links next to
    // its own fields.
    if obj.get("_links").is_some_and(Value::is_object)
        && ["status", "next_actions", "session_secret"]
            .iter()
            .any(|k| obj.contains_key(*k))
    {
        return Some(Doc::Session);
    }
    None
}

/// Whether `value` looks like a Checkout document.
pub fn matches(value: &Value) -> bool {
    classify(value).is_some()
}

pub fn normalize(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    match classify(value) {
        Some(Doc::Session) | None => {
            let s: SessionResponse = parse_as(value, P, "checkout.session")?;
            Ok(normalize_session(&s, "checkout.session", ctx))
        }
        Some(Doc::Callback) => {
            let c: SessionCallback = parse_as(value, P, "checkout.callback")?;
            Ok(normalize_session(
                &callback_as_session(c),
                "checkout.callback",
                ctx,
            ))
        }
        Some(Doc::Webhook) => {
            let e: WebhookEvent = parse_as(value, P, "checkout.webhook")?;
            Ok(normalize_webhook(&e, ctx))
        }
        Some(Doc::Error) => {
            let e: ErrorResponse = parse_as(value, P, "checkout.error")?;
            Ok(normalize_error(&e, ctx))
        }
    }
}

/// The callback body has the GET-session fields under two other names (A6).
fn callback_as_session(c: SessionCallback) -> SessionResponse {
    SessionResponse {
        id: c.session_id,
        transaction_id: c.transaction_id,
        scheme: c.scheme,
        amount: c.amount,
        currency: c.currency,
        status: c.status,
        status_reason: c.status_reason,
        authentication_type: c.authentication_type,
        authentication_category: c.authentication_category,
        reference: c.reference,
        approved: c.approved,
        protocol_version: c.protocol_version,
        response_code: c.response_code,
        response_status_reason: c.response_reason,
        cryptogram: c.cryptogram,
        eci: c.eci,
        xid: c.xid,
        cardholder_info: c.cardholder_info,
        challenged: c.challenged,
        ds: c.ds,
        acs: c.acs,
        exemption: c.exemption,
        ..SessionResponse::default()
    }
}

// -------------------------------------------------------------------------------------------
// Shared field helpers
// -------------------------------------------------------------------------------------------

fn set_network(d: &mut Draft, scheme: Option<&threeds_checkout::Scheme>) {
    if let Some(scheme) = scheme {
        d.auth.network = Network::from_psp(scheme.as_str());
        if d.auth.network.is_none() {
            d.warn(format!(
                "checkout scheme '{}' is not a known network; network left null",
                scheme.as_str()
            ));
        }
    }
}

fn set_amount(d: &mut Draft, amount: Option<&NumOrStr>, currency: Option<&String>) {
    let Some(amount) = amount else { return };
    match (amount.as_u64(), currency) {
        (Some(value), Some(currency)) => {
            d.auth.amount = Some(Money {
                value,
                currency: currency.clone(),
            })
        }
        (None, _) => d.warn(format!(
            "checkout amount '{}' is not an integer in minor units; amount left null",
            amount.as_str()
        )),
        (Some(_), None) => d.warn("checkout amount without currency; amount left null"),
    }
}

fn set_trans_status(d: &mut Draft, ctx: &Context<'_>, code: Option<&ResponseCode>) {
    let Some(code) = code else { return };
    if ctx
        .catalog
        .lookup(P, "response_code", code.as_str())
        .is_none()
    {
        d.warn(format!(
            "checkout response_code '{}' is not in the catalog",
            code.as_str()
        ));
    }
    let ts = TransStatus::from(code.as_str());
    if ts.is_known() {
        d.auth.trans_status = Some(ts);
    } else {
        d.warn(format!(
            "checkout response_code '{}' is not an EMV transStatus; trans_status left null",
            code.as_str()
        ));
    }
}

/// Refinements and the cross-check of `response_code` against a final status, shared by
/// sessions and webhooks.
///
/// * `approved` + `A`: Checkout reports attempts inside `approved` at times; `A` is an
///   attempt, never a full authentication (design principle 3).
/// * any final outcome + `I`: informational only, no authentication took place: exempted.
/// * any other disagreement: the status (or event type) wins, a warning says so, and
///   liability is computed from the transStatus the winning status implies.
fn refine_with_response_code(
    d: &mut Draft,
    code: Option<&ResponseCode>,
    expected: &[ResponseCode],
    what: &str,
) {
    let status = d.auth.status;
    match code {
        Some(ResponseCode::I) if status.is_final() && status != St::Expired => {
            if status != St::Authenticated {
                d.warn(format!(
                    "checkout {what} with response_code I; reported as exempted"
                ));
            }
            d.set_status(
                St::Exempted,
                NextStep::Authorize,
                "rule:checkout.response_code_i_exempted",
            );
        }
        Some(ResponseCode::A) if status == St::Authenticated => {
            d.set_status(
                St::Attempted,
                NextStep::Authorize,
                "rule:checkout.approved_response_code_a_attempted",
            );
        }
        Some(code) if !expected.is_empty() && !expected.contains(code) => {
            d.warn(format!(
                "checkout {what} disagrees with response_code '{}'; the {what} wins",
                code.as_str()
            ));
            if let Some(ts) = super::implied_trans_status(status) {
                d.facts.trans_status = Some(ts);
                d.facts.trans_status_implied = true;
            }
        }
        _ => {}
    }
}

/// A reason from the EMV error component when nothing more precise is known.
fn reason_from_error_details(d: &mut Draft, details: Option<&ErrorDetails>) {
    if d.auth.reason.is_some() {
        return;
    }
    let component = details.and_then(|e| e.error_component.as_deref());
    d.auth.reason = match component {
        Some("D") => Some("ds_error".to_owned()),
        Some("A") => Some("acs_error".to_owned()),
        Some("S") => Some("psp_technical_error".to_owned()),
        _ => None,
    };
}

fn set_exemption(d: &mut Draft, applied: Option<&ExemptionApplied>) {
    if let Some(applied) = applied {
        if !applied.is_known() {
            d.warn(format!(
                "checkout exemption '{}' is not a documented value",
                applied.as_str()
            ));
        }
        if *applied != ExemptionApplied::None {
            d.facts.exemption = Some(applied.as_str().to_owned());
        }
    }
}

// -------------------------------------------------------------------------------------------
// Sessions and callbacks
// -------------------------------------------------------------------------------------------

fn normalize_session(s: &SessionResponse, document: &'static str, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Authentication, document);
    d.auth.id.clone_from(&s.id);
    d.auth.reference.clone_from(&s.reference);
    d.auth.protocol_version.clone_from(&s.protocol_version);
    d.auth.challenged = s.challenged;
    d.auth
        .three_ds_server_trans_id
        .clone_from(&s.transaction_id);
    d.auth.ds_trans_id = s.ds.as_ref().and_then(|x| x.transaction_id.clone());
    d.auth.acs_trans_id = s.acs.as_ref().and_then(|x| x.transaction_id.clone());
    d.auth.eci = s.eci.as_ref().and_then(|e| Eci::parse(e.as_str()));
    d.auth.authentication_value.clone_from(&s.cryptogram);
    d.auth.raw.status = s.status.as_ref().map(|x| x.as_str().to_owned());
    d.auth.raw.code = s.response_code.as_ref().map(|x| x.as_str().to_owned());
    d.auth.raw.message = s.status_reason.as_ref().map(|x| x.as_str().to_owned());
    set_network(&mut d, s.scheme.as_ref());
    set_amount(&mut d, s.amount.as_ref(), s.currency.as_ref());
    set_trans_status(&mut d, ctx, s.response_code.as_ref());
    if let Some(reason) = &s.response_status_reason {
        match normalize_code(reason.as_str()) {
            Some(code) => d.auth.trans_status_reason = Some(code),
            None => d.warn(format!(
                "checkout response_status_reason '{}' is not a two-digit EMV code; left null",
                reason.as_str()
            )),
        }
    }
    match &s.authentication_category {
        Some(AuthenticationCategory::NonPayment) => d.facts.category = Some(Category::NonPayment),
        Some(AuthenticationCategory::Payment) => d.facts.category = Some(Category::Payment),
        _ => {}
    }
    set_exemption(
        &mut d,
        s.exemption.as_ref().and_then(|e| e.applied.as_ref()),
    );
    if s.protocol_version
        .as_deref()
        .is_some_and(|v| v.starts_with('1'))
        && matches!(
            s.status_reason,
            Some(StatusReason::ParesStatus | StatusReason::ParesError)
        )
    {
        // A PARes exists only after a VERes `Y` (3DS 1.0.2).
        d.facts.enrollment = Some(Enrollment::Y);
    }

    let Some(status) = &s.status else {
        d.set_unknown("session_status", "<missing>");
        return d.finish_in(ctx);
    };
    if d.apply_catalog(ctx, "session_status", status.as_str())
        .is_none()
    {
        return d.finish_in(ctx);
    }
    let code = s.response_code.as_ref();
    match status {
        SessionStatus::Pending | SessionStatus::Processing => {
            if let Some(code) = code {
                d.warn(format!(
                    "checkout session {} carries response_code '{}'; the status wins",
                    status.as_str(),
                    code.as_str()
                ));
            }
            pending_next_action(&mut d, s);
            check_status_reason(&mut d, ctx, s.status_reason.as_ref(), false);
        }
        SessionStatus::Challenged => {
            challenge_next_action(&mut d, s);
            check_status_reason(&mut d, ctx, s.status_reason.as_ref(), false);
        }
        SessionStatus::Expired | SessionStatus::ChallengeAbandoned => {
            check_status_reason(&mut d, ctx, s.status_reason.as_ref(), false);
        }
        _ => {
            let expected: &[ResponseCode] = match status {
                SessionStatus::Approved => &[ResponseCode::Y],
                SessionStatus::Attempted => &[ResponseCode::A],
                SessionStatus::Declined => &[ResponseCode::N],
                SessionStatus::Rejected => &[ResponseCode::R],
                SessionStatus::Unavailable => &[ResponseCode::U],
                _ => &[],
            };
            refine_with_response_code(&mut d, code, expected, "session status");
            final_reason(&mut d, ctx, s);
            if matches!(d.auth.status, St::Authenticated | St::Attempted) && s.cryptogram.is_none()
            {
                d.warn(
                    "checkout session has no cryptogram: eci and cryptogram are only returned to \
                     OAuth callers (not with the session secret), within 24 hours",
                );
            }
        }
    }
    d.finish_in(ctx)
}

/// Looks up `status_reason`; its reason word applies only to final outcomes (`ares_error`
/// on an `unavailable` session), never over a pending or expired reason.
fn check_status_reason(
    d: &mut Draft,
    ctx: &Context<'_>,
    reason: Option<&StatusReason>,
    apply: bool,
) {
    let Some(reason) = reason else { return };
    if apply {
        d.apply_reason(ctx, "status_reason", reason.as_str());
    } else if ctx
        .catalog
        .lookup(P, "status_reason", reason.as_str())
        .is_none()
    {
        d.warn(format!(
            "checkout status_reason '{}' is not in the catalog",
            reason.as_str()
        ));
    }
}

/// The reason of a final session: Checkout's risk decline first, then the EMV
/// transStatusReason word, then the message that set the status (`ares_error`), then the
/// EMV error component.
fn final_reason(d: &mut Draft, ctx: &Context<'_>, s: &SessionResponse) {
    check_status_reason(d, ctx, s.status_reason.as_ref(), true);
    let risk = s.status_reason == Some(StatusReason::RiskDeclined);
    if let Some(code) = d.auth.trans_status_reason.clone() {
        if d.auth.status == St::Authenticated {
            d.warn(format!(
                "checkout sent transStatusReason {code} with an authenticated outcome; EMV sends \
                 it only when transStatus is not Y; reason not applied"
            ));
        } else if !risk {
            match emv_reason(&code) {
                Some(word) => d.auth.reason = Some(word.to_owned()),
                None => d.warn(format!(
                    "transStatusReason {code} is DS-specific or reserved; no normalized word"
                )),
            }
        }
    }
    if matches!(d.auth.status, St::Failed | St::Unavailable | St::Rejected) {
        let details = s.three_ds.as_ref().and_then(|t| t.error_details.as_ref());
        reason_from_error_details(d, details);
    }
}

fn href(link: Option<&threeds_checkout::Link>) -> Option<String> {
    link.and_then(|l| l.href.clone())
}

/// What a pending session asks for, from `next_actions` (A4). The 3DS Method runs before
/// the channel data is sent (its outcome travels as `three_ds_method_completion` inside the
/// channel data), so `issuer_fingerprint` comes first when both are listed.
fn pending_next_action(d: &mut Draft, s: &SessionResponse) {
    let actions = s.next_actions.clone().unwrap_or_default();
    for a in actions.iter().filter(|a| !a.is_known()) {
        d.warn(format!(
            "checkout next action '{}' is not documented; ignored",
            a.as_str()
        ));
    }
    let has = |a: NextActionType| actions.contains(&a);
    let links = s.links.clone().unwrap_or_default();
    let method_url = href(links.three_ds_method_url.as_ref());
    if has(NextActionType::RedirectCardholder) {
        let url = href(links.redirect_url.as_ref()).or_else(|| href(links.redirect.as_ref()));
        match url {
            Some(url) => d.auth.next_action = Some(NextAction::Redirect { url }),
            None => d.warn("checkout redirect_cardholder without _links.redirect_url"),
        }
        d.set_status(
            St::Pending,
            NextStep::ChallengeCardholder,
            "rule:checkout.pending_redirect_cardholder",
        );
        d.auth.reason = Some("awaiting_cardholder_redirect".to_owned());
    } else if has(NextActionType::IssuerFingerprint) && method_url.is_some() {
        d.auth.next_action = method_url.map(|url| NextAction::ThreeDsMethod { url, data: None });
        d.set_status(
            St::Pending,
            NextStep::CompleteDeviceData,
            "rule:checkout.pending_issuer_fingerprint",
        );
        d.auth.reason = Some("awaiting_three_ds_method".to_owned());
    } else if has(NextActionType::CollectChannelData) {
        if has(NextActionType::IssuerFingerprint) {
            d.warn("checkout issuer_fingerprint without _links.three_ds_method_url");
        }
        d.auth.next_action = Some(NextAction::CollectDeviceData);
        d.set_status(
            St::Pending,
            NextStep::CompleteDeviceData,
            "rule:checkout.pending_collect_channel_data",
        );
        d.auth.reason = Some("awaiting_device_data".to_owned());
    } else if has(NextActionType::Authenticate) {
        // 3DS1 downgrade (2021/2023 spec): POST `pareq` with `term_url` to the ACS.
        d.auth.next_action = Some(NextAction::Challenge {
            url: href(links.acs_url.as_ref()),
            creq: None,
        });
        d.set_status(
            St::ChallengeRequired,
            NextStep::ChallengeCardholder,
            "rule:checkout.threeds1_authenticate",
        );
        d.auth.reason = Some("challenge_required".to_owned());
        d.warn("checkout 3DS1 downgrade: post `pareq` (not a CReq) with _links.term_url to _links.acs_url");
    } else if d.auth.reason.is_none() {
        d.auth.reason = Some("awaiting_psp".to_owned());
    }
}

/// The challenge of a `challenged` session: the CReq is ready in `3ds.challenge_request`
/// (newer responses) for `acs.url`; app sessions have no URL (the 3DS SDK uses
/// `acs.signed_content`). `D` is decoupled: the cardholder authenticates outside the
/// merchant's page and the merchant waits.
fn challenge_next_action(d: &mut Draft, s: &SessionResponse) {
    let code = s.response_code.as_ref();
    match code {
        Some(ResponseCode::D) => {
            d.set_status(
                St::ChallengeRequired,
                NextStep::Wait,
                "rule:checkout.challenged_decoupled",
            );
            return;
        }
        Some(ResponseCode::C) | None => {}
        Some(other) => d.warn(format!(
            "checkout session status challenged disagrees with response_code '{}'; the session \
             status wins",
            other.as_str()
        )),
    }
    let url = s.acs.as_ref().and_then(|a| a.url.clone());
    let creq = s
        .three_ds
        .as_ref()
        .and_then(|t| t.challenge_request.clone());
    if url.is_none() && creq.is_none() {
        d.warn("checkout challenged session without acs.url: app channel, the 3DS SDK starts the challenge from acs.signed_content");
    }
    d.auth.next_action = Some(NextAction::Challenge { url, creq });
}

// -------------------------------------------------------------------------------------------
// Webhooks
// -------------------------------------------------------------------------------------------

fn normalize_webhook(e: &WebhookEvent, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Webhook, "checkout.webhook");
    let data = e.data.clone().unwrap_or_default();
    d.auth.id.clone_from(&data.session_id);
    d.auth.reference.clone_from(&data.reference);
    d.auth.protocol_version.clone_from(&data.protocol_version);
    d.auth.challenged = data.challenged;
    d.auth
        .three_ds_server_trans_id
        .clone_from(&data.three_ds_transaction_id);
    d.auth.ds_trans_id.clone_from(&data.ds_transaction_id);
    d.auth.acs_trans_id.clone_from(&data.acs_transaction_id);
    d.auth.eci = data.eci.as_ref().and_then(|x| Eci::parse(x.as_str()));
    d.auth.raw.status = e.event_type.as_ref().map(|x| x.as_str().to_owned());
    d.auth.raw.code = data.response_code.as_ref().map(|x| x.as_str().to_owned());
    d.auth.raw.message = data
        .transaction_status_reason
        .as_ref()
        .map(|x| x.as_str().to_owned());
    set_network(&mut d, data.scheme.as_ref());
    set_amount(&mut d, data.amount.as_ref(), data.currency.as_ref());
    set_trans_status(&mut d, ctx, data.response_code.as_ref());
    set_exemption(&mut d, data.exemption_applied.as_ref());

    let Some(event) = &e.event_type else {
        d.set_unknown("webhook_type", "<missing>");
        return d.finish_in(ctx);
    };
    if d.apply_catalog(ctx, "webhook_type", event.as_str())
        .is_none()
    {
        return d.finish_in(ctx);
    }
    let code = data.response_code.as_ref();
    match event {
        WebhookType::AuthenticationStarted => {
            if let Some(code) = code {
                d.warn(format!(
                    "checkout authentication_started carries response_code '{}' although no \
                     outcome exists yet; the event type wins",
                    code.as_str()
                ));
            }
        }
        WebhookType::AuthenticationFailed if code == Some(&ResponseCode::U) => {
            d.set_status(
                St::Unavailable,
                NextStep::AuthorizeAtOwnRisk,
                "rule:checkout.webhook_failed_response_code_u",
            );
        }
        WebhookType::AuthenticationExpired => {}
        _ => {
            let expected: &[ResponseCode] = match event {
                WebhookType::AuthenticationApproved => &[ResponseCode::Y],
                WebhookType::AuthenticationAttempted => &[ResponseCode::A],
                WebhookType::AuthenticationFailed => &[ResponseCode::N],
                _ => &[],
            };
            refine_with_response_code(&mut d, code, expected, "event type");
        }
    }
    if let Some(reason) = &data.transaction_status_reason {
        check_status_reason(&mut d, ctx, Some(reason), false);
    }
    if matches!(d.auth.status, St::Failed | St::Unavailable | St::Rejected) {
        reason_from_error_details(&mut d, data.error_details.as_ref());
    }
    d.finish_in(ctx)
}

// -------------------------------------------------------------------------------------------
// Errors
// -------------------------------------------------------------------------------------------

/// Checkout's documented code patterns (A5) that are not single codes.
fn pattern_rule(code: &str) -> Option<(St, &'static str, NextStep, &'static str)> {
    if code.ends_with("_required") || code.ends_with("_invalid") {
        Some((
            St::Error,
            "invalid_request",
            NextStep::FixRequest,
            "rule:checkout.error_code_field_pattern",
        ))
    } else if code.starts_with("unable_to_verify_") {
        Some((
            St::Error,
            "psp_technical_error",
            NextStep::RetryAuthentication,
            "rule:checkout.error_code_unable_to_verify",
        ))
    } else if code.ends_with("_not_found") {
        Some((
            St::Error,
            "not_found",
            NextStep::FixRequest,
            "rule:checkout.error_code_resource_not_found",
        ))
    } else if code.ends_with("_already_exists") {
        Some((
            St::Error,
            "duplicate_request",
            NextStep::FixRequest,
            "rule:checkout.error_code_resource_already_exists",
        ))
    } else {
        None
    }
}

fn normalize_error(e: &ErrorResponse, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Error, "checkout.error");
    let codes = e.error_codes.clone().unwrap_or_default();
    d.auth.raw.status = e.error_type.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.code = (!codes.is_empty()).then(|| codes.join(","));

    // The first code Checkout's catalog (or a documented pattern) knows decides; codes are
    // more specific than the error type.
    let mut decided = false;
    let mut unknown = Vec::new();
    for code in &codes {
        if decided {
            break;
        }
        if ctx.catalog.lookup(P, "error_code", code).is_some() {
            d.apply_catalog(ctx, "error_code", code);
            decided = true;
        } else if let Some((status, reason, step, rule)) = pattern_rule(code) {
            d.set_status(status, step, rule);
            d.auth.reason = Some(reason.to_owned());
            decided = true;
        } else {
            unknown.push(code.clone());
        }
    }
    for code in &unknown {
        d.warn(format!(
            "checkout error_code '{code}' is not in the catalog"
        ));
    }
    if !decided {
        match &e.error_type {
            Some(t) => {
                d.apply_catalog(ctx, "error_type", t.as_str());
            }
            None => d.set_unknown("error_type", "<missing>"),
        }
    }
    d.finish_in(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use serde_json::json;

    fn run(value: Value) -> Normalized {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        assert!(matches(&value), "not recognised: {value}");
        normalize(&value, &ctx).unwrap()
    }

    fn session(status: &str, extra: Value) -> Value {
        let mut v = json!({
            "id": "sid_aurdb2b3yv6eniu7mbrl7nfopm",
            "transaction_id": "e8302205-c53b-467c-a29f-6062bfb4ae7b",
            "amount": 100, "currency": "USD", "status": status, "scheme": "visa",
            "protocol_version": "2.2.0",
            "_links": {"self": {"href": "https://x/sessions/sid_aurdb2b3yv6eniu7mbrl7nfopm"}}
        });
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, val) in e {
                o.insert(k.clone(), val.clone());
            }
        }
        v
    }

    #[test]
    fn every_session_status_maps_through_the_catalog() {
        for (status, expected, step) in [
            ("pending", St::Pending, NextStep::Wait),
            ("processing", St::Pending, NextStep::Wait),
            (
                "challenged",
                St::ChallengeRequired,
                NextStep::ChallengeCardholder,
            ),
            (
                "challenge_abandoned",
                St::Expired,
                NextStep::RetryAuthentication,
            ),
            ("expired", St::Expired, NextStep::RetryAuthentication),
            ("approved", St::Authenticated, NextStep::Authorize),
            ("attempted", St::Attempted, NextStep::Authorize),
            ("unavailable", St::Unavailable, NextStep::AuthorizeAtOwnRisk),
            ("declined", St::Failed, NextStep::DoNotAuthorize),
            ("rejected", St::Rejected, NextStep::DoNotAuthorize),
        ] {
            let n = run(session(status, json!({})));
            assert_eq!(n.authentication.status, expected, "{status}");
            assert_eq!(n.authentication.next_step, step, "{status}");
            assert_eq!(n.authentication.raw.status.as_deref(), Some(status));
        }
        let n = run(session("challenge_abandoned", json!({})));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("challenge_abandoned")
        );
        let n = run(session("expired", json!({})));
        assert_eq!(n.authentication.reason.as_deref(), Some("session_expired"));
    }

    #[test]
    fn unknown_status_is_unknown_and_kept_raw() {
        let n = run(session("frozen", json!({"response_code": "Y"})));
        assert_eq!(n.authentication.status, St::Unknown);
        assert_eq!(n.authentication.next_step, NextStep::Investigate);
        assert_eq!(n.authentication.raw.status.as_deref(), Some("frozen"));
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn approved_with_a_is_attempted_and_with_i_is_exempted() {
        let n = run(session("approved", json!({"response_code": "A"})));
        assert_eq!(n.authentication.status, St::Attempted);
        assert_eq!(
            n.explain.status_rule,
            "rule:checkout.approved_response_code_a_attempted"
        );
        let n = run(session("approved", json!({"response_code": "I"})));
        assert_eq!(n.authentication.status, St::Exempted);
        assert_eq!(n.authentication.next_step, NextStep::Authorize);
        assert_eq!(n.authentication.trans_status, Some(TransStatus::I));
    }

    #[test]
    fn status_wins_over_a_contradicting_response_code() {
        let n = run(session("declined", json!({"response_code": "Y"})));
        assert_eq!(n.authentication.status, St::Failed);
        assert_eq!(n.explain.liability.facts.trans_status, Some(TransStatus::N));
        assert!(n.explain.liability.facts.trans_status_implied);
        assert!(n.explain.warnings.iter().any(|w| w.contains("disagrees")));
        let n = run(session("challenged", json!({"response_code": "Y"})));
        assert_eq!(n.authentication.status, St::ChallengeRequired);
        assert!(n.explain.warnings.iter().any(|w| w.contains("disagrees")));
    }

    #[test]
    fn declined_reasons_come_from_emv_words_or_risk() {
        let n = run(session(
            "declined",
            json!({"response_code": "N", "response_status_reason": "11", "status_reason": "ares_status"}),
        ));
        assert_eq!(n.authentication.reason.as_deref(), Some("suspected_fraud"));
        assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("11"));
        let n = run(session(
            "declined",
            json!({"response_code": "N", "status_reason": "risk_declined"}),
        ));
        assert_eq!(n.authentication.reason.as_deref(), Some("risk_declined"));
        let n = run(session(
            "unavailable",
            json!({"response_code": "U", "status_reason": "ares_error"}),
        ));
        assert_eq!(n.authentication.reason.as_deref(), Some("ds_error"));
        let n = run(session(
            "unavailable",
            json!({"response_code": "U", "status_reason": "rreq_error"}),
        ));
        assert_eq!(n.authentication.reason.as_deref(), Some("acs_error"));
    }

    #[test]
    fn every_status_reason_row_is_known() {
        for r in StatusReason::KNOWN {
            let n = run(session("declined", json!({"status_reason": r})));
            assert!(
                !n.explain
                    .warnings
                    .iter()
                    .any(|w| w.contains("not in the catalog")),
                "{r}"
            );
        }
    }

    #[test]
    fn every_response_code_row_agrees_with_its_status() {
        for (code, status) in [
            ("Y", "approved"),
            ("A", "attempted"),
            ("N", "declined"),
            ("R", "rejected"),
            ("U", "unavailable"),
            ("C", "challenged"),
        ] {
            let n = run(session(status, json!({"response_code": code})));
            assert!(
                n.explain.warnings.iter().all(|w| !w.contains("disagrees")),
                "{code}"
            );
            assert_eq!(
                n.authentication
                    .trans_status
                    .as_ref()
                    .map(TransStatus::as_str),
                Some(code)
            );
        }
        let catalog = Catalog::builtin().unwrap();
        for code in ResponseCode::KNOWN {
            assert!(catalog.lookup(P, "response_code", code).is_some(), "{code}");
        }
    }

    #[test]
    fn pending_next_actions_decide_the_front_end_step() {
        let links = json!({
            "three_ds_method_url": {"href": "https://acs/3ds-method"},
            "redirect_url": {"href": "https://hosted/redirect"}
        });
        let n = run(session(
            "pending",
            json!({"next_actions": ["collect_channel_data", "issuer_fingerprint"], "_links": links}),
        ));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::ThreeDsMethod {
                url: "https://acs/3ds-method".into(),
                data: None
            })
        );
        assert_eq!(n.authentication.next_step, NextStep::CompleteDeviceData);
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("awaiting_three_ds_method")
        );
        let n = run(session(
            "pending",
            json!({"next_actions": ["collect_channel_data"]}),
        ));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::CollectDeviceData)
        );
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("awaiting_device_data")
        );
        let n = run(session(
            "pending",
            json!({"next_actions": ["redirect_cardholder"], "_links": links}),
        ));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Redirect {
                url: "https://hosted/redirect".into()
            })
        );
        let n = run(session(
            "pending",
            json!({"next_actions": ["authenticate"], "protocol_version": "1.0.2",
                   "_links": {"acs_url": {"href": "https://acs1/pareq"}}}),
        ));
        assert_eq!(n.authentication.status, St::ChallengeRequired);
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: Some("https://acs1/pareq".into()),
                creq: None
            })
        );
        let n = run(session("processing", json!({})));
        assert_eq!(n.authentication.reason.as_deref(), Some("awaiting_psp"));
        assert_eq!(n.authentication.next_action, None);
    }

    #[test]
    fn challenged_carries_acs_url_and_creq_and_d_waits() {
        let n = run(session(
            "challenged",
            json!({"response_code": "C", "acs": {"url": "https://acs/c", "transaction_id": "a"},
                   "3ds": {"challenge_request": "eyJ"}}),
        ));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: Some("https://acs/c".into()),
                creq: Some("eyJ".into())
            })
        );
        assert_eq!(n.authentication.acs_trans_id.as_deref(), Some("a"));
        let n = run(session("challenged", json!({"response_code": "D"})));
        assert_eq!(n.authentication.next_step, NextStep::Wait);
        assert_eq!(n.authentication.next_action, None);
    }

    #[test]
    fn exemption_category_and_secret_session_fields() {
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "exemption": {"applied": "low_value"},
                   "authentication_category": "non_payment",
                   "session_secret": "sek_CANARYCANARY", "cryptogram": "CAVVCANARY", "eci": "5"}),
        ));
        assert_eq!(
            n.explain.liability.facts.exemption.as_deref(),
            Some("low_value")
        );
        assert_eq!(
            n.explain.liability.facts.category,
            Some(Category::NonPayment)
        );
        assert_eq!(n.authentication.eci.as_ref().map(Eci::as_str), Some("05"));
        let out = crate::output::render(
            &n,
            crate::output::Options {
                explain: true,
                ..Default::default()
            },
        );
        assert!(!out.contains("CANARY"));
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "exemption": {"applied": "none"}}),
        ));
        assert_eq!(n.explain.liability.facts.exemption, None);
    }

    #[test]
    fn callback_body_is_read_as_a_session() {
        let n = run(
            json!({"session_id": "sid_llraltf4jlwu5dxdtprcv7ba5i", "status": "declined",
            "response_code": "N", "response_reason": "05", "amount": 6540, "currency": "USD"}),
        );
        assert_eq!(n.explain.document, "checkout.callback");
        assert_eq!(
            n.authentication.id.as_deref(),
            Some("sid_llraltf4jlwu5dxdtprcv7ba5i")
        );
        assert_eq!(n.authentication.reason.as_deref(), Some("expired_card"));
        assert_eq!(
            n.authentication.amount,
            Some(Money {
                value: 6540,
                currency: "USD".into()
            })
        );
    }

    fn webhook(event: &str, data: Value) -> Value {
        json!({"id": "evt_x", "type": event, "data": data})
    }

    #[test]
    fn every_webhook_type_maps_through_the_catalog() {
        for (event, status) in [
            ("authentication_started", St::Pending),
            ("authentication_approved", St::Authenticated),
            ("authentication_attempted", St::Attempted),
            ("authentication_failed", St::Failed),
            ("authentication_expired", St::Expired),
        ] {
            let n = run(webhook(
                event,
                json!({"session_id": "sid_1", "amount": "1250", "currency": "GBP"}),
            ));
            assert_eq!(n.authentication.status, status, "{event}");
            assert_eq!(
                n.authentication.amount.as_ref().map(|m| m.value),
                Some(1250)
            );
            assert_eq!(n.authentication.id.as_deref(), Some("sid_1"));
        }
        let n = run(webhook("authentication_refunded", json!({})));
        assert_eq!(n.authentication.status, St::Unknown);
    }

    #[test]
    fn webhook_rules() {
        let n = run(webhook(
            "authentication_failed",
            json!({"response_code": "U"}),
        ));
        assert_eq!(n.authentication.status, St::Unavailable);
        assert_eq!(
            n.explain.status_rule,
            "rule:checkout.webhook_failed_response_code_u"
        );
        let n = run(webhook(
            "authentication_attempted",
            json!({"response_code": "Y"}),
        ));
        assert_eq!(n.authentication.status, St::Attempted);
        assert_eq!(n.explain.liability.facts.trans_status, Some(TransStatus::A));
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("event type wins")));
        let n = run(webhook(
            "authentication_failed",
            json!({"response_code": "N", "error_details": {"error_component": "D"}}),
        ));
        assert_eq!(n.authentication.reason.as_deref(), Some("ds_error"));
    }

    fn error(error_type: &str, codes: &[&str]) -> Value {
        json!({"request_id": "r", "error_type": error_type, "error_codes": codes})
    }

    #[test]
    fn error_codes_decide_before_error_type() {
        let n = run(error("unprocessable_entity", &["card_not_enrolled"]));
        assert_eq!(n.authentication.status, St::NotEnrolled);
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("card_not_enrolled")
        );
        assert_eq!(n.authentication.kind, DocumentKind::Error);
        let n = run(error(
            "unprocessable_entity",
            &["xyz", "issuer_not_enrolled"],
        ));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("issuer_not_enrolled")
        );
        assert_eq!(
            n.authentication.raw.code.as_deref(),
            Some("xyz,issuer_not_enrolled")
        );
        let n = run(error("request_invalid", &["payment_source_required"]));
        assert_eq!(n.authentication.next_step, NextStep::FixRequest);
        assert_eq!(
            n.explain.status_rule,
            "rule:checkout.error_code_field_pattern"
        );
        for (code, reason) in [
            ("amount_invalid", "invalid_request"),
            ("unable_to_verify_card", "psp_technical_error"),
            ("session_not_found", "not_found"),
            ("instrument_already_exists", "duplicate_request"),
        ] {
            let n = run(error("conflict", &[code]));
            assert_eq!(n.authentication.reason.as_deref(), Some(reason), "{code}");
        }
    }

    #[test]
    fn error_type_decides_when_no_code_is_known() {
        let n = run(error("request_invalid", &["invalid_field"]));
        assert_eq!(n.authentication.status, St::Error);
        assert_eq!(n.authentication.reason.as_deref(), Some("invalid_request"));
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("invalid_field")));
        let n = run(error("invalid_request", &["bad_request"]));
        assert_eq!(n.authentication.status, St::Unknown);
        assert_eq!(n.authentication.next_step, NextStep::Investigate);
        assert_eq!(
            n.authentication.raw.status.as_deref(),
            Some("invalid_request")
        );
        assert_eq!(n.authentication.raw.message, None);
    }

    #[test]
    fn every_error_row_is_reachable() {
        let catalog = Catalog::builtin().unwrap();
        for row in catalog
            .rows(P)
            .filter(|r| r.table == "error_code" || r.table == "error_type")
        {
            let v = if row.table == "error_code" {
                error("zzz", &[row.code.as_str()])
            } else {
                error(&row.code, &["zzz"])
            };
            let n = run(v);
            assert_eq!(Some(n.authentication.status), row.status, "{}", row.code);
            assert_eq!(n.authentication.reason, row.reason, "{}", row.code);
        }
        for t in threeds_checkout::ErrorType::KNOWN {
            assert!(catalog.lookup(P, "error_type", t).is_some(), "{t}");
        }
        for t in WebhookType::KNOWN {
            assert!(catalog.lookup(P, "webhook_type", t).is_some(), "{t}");
        }
        for t in SessionStatus::KNOWN {
            assert!(catalog.lookup(P, "session_status", t).is_some(), "{t}");
        }
    }

    #[test]
    fn matches_only_checkout_shapes() {
        assert!(matches(&json!({"id": "sid_x"})));
        assert!(matches(&json!({"session_id": "s", "response_code": "Y"})));
        assert!(matches(
            &json!({"type": "authentication_started", "data": {}})
        ));
        assert!(matches(&json!({"error_type": "x", "error_codes": []})));
        assert!(!matches(&json!({"type": "payment_approved", "data": {}})));
        assert!(!matches(
            &json!({"id": "pay_x", "status": "COMPLETED", "threeDResult": "Y"})
        ));
        assert!(!matches(&json!({"error": {"code": "5068"}})));
        assert!(!matches(
            &json!({"ResultCode": "000000", "Status": "SUCCEEDED"})
        ));
        assert!(!matches(&json!({"Message": "x", "Type": "param_error"})));
        assert!(!matches(&json!({"authenticationId": "a", "state": "x"})));
        assert!(!matches(&json!([1])));
    }

    #[test]
    fn bad_shapes_name_the_path() {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        let err = normalize(&json!({"id": "sid_x", "acs": {"url": 5}}), &ctx).unwrap_err();
        assert!(err.to_string().contains("acs.url"), "{err}");
        let err = normalize(
            &json!({"id": "sid_x", "cryptogram": {"x": "SECRETCAVV"}}),
            &ctx,
        )
        .unwrap_err();
        assert!(!err.to_string().contains("SECRETCAVV"));
    }
}
