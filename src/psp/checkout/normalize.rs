//! Checkout.com Standalone Sessions documents to the normalized model.
//!
//! Four document types (Checkout.com API reference, Standalone sessions:
//! github.com/cko-authentication/checkout-api-reference `spec/paths/sessions*.yaml`, and the
//! workflow event pages under <https://www.checkout.com/docs/workflows/webhook-event-types/>):
//! * a session (`POST /sessions` 201/202, `GET /sessions/{id}`, `PUT .../collect-data`,
//!   `PUT .../issuer-fingerprint`): the session `status` decides through the
//!   `session_status` catalog table, `response_code` refines (`A` within `approved`, `I`) and
//!   is cross-checked, `next_actions` decides what the front end does while pending;
//! * the non-hosted callback body (`session_id`, `response_reason`): read as a session;
//! * an `authentication_*` workflow webhook: the event type decides (`webhook_type`);
//! * an error body (`error_type` + `error_codes`): always status `error` unless its code
//!   names an outcome (`card_not_enrolled`).
//!
//! A status and a `response_code` that contradict each other never give a more positive
//! outcome than either ([`verdict`]).

use crate::liability::{Category, Enrollment};
use crate::model::reason::{emv_reason, normalize_code};
use crate::model::{
    timestamp, AuthenticationStatus as St, DocumentKind, Eci, Money, Network, NextAction, NextStep,
    Provider, Retry, TransStatus,
};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized};
use serde_json::Value;
use threeds_checkout::{
    AuthenticationCategory, ChallengeIndicator, ErrorDetails, ErrorResponse, ExemptionApplied,
    FlowType, NextActionType, ResponseCode, SessionCallback, SessionResponse, SessionStatus,
    StatusReason, WebhookEvent, WebhookType,
};
use threeds_wire::{excerpt, NumOrStr};

const P: Provider = Provider::CHECKOUT;

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

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = doc.peek;
    match classify(value) {
        Some(Doc::Session) | None => {
            let s: SessionResponse = parse_as(doc, P, "checkout.session")?;
            Ok(normalize_session(&s, SessionDoc::Session, ctx))
        }
        Some(Doc::Callback) => {
            let c: SessionCallback = parse_as(doc, P, "checkout.callback")?;
            Ok(normalize_session(
                &callback_as_session(c),
                SessionDoc::Callback,
                ctx,
            ))
        }
        Some(Doc::Webhook) => {
            let e: WebhookEvent = parse_as(doc, P, "checkout.webhook")?;
            Ok(normalize_webhook(&e, ctx))
        }
        Some(Doc::Error) => {
            let e: ErrorResponse = parse_as(doc, P, "checkout.error")?;
            Ok(normalize_error(&e, ctx))
        }
    }
}

/// The callback body has the GET-session fields under two other names (`session_id`,
/// `response_reason`; Checkout.com API reference `sessions@{id}@complete.yaml`).
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
        authentication_date: c.authentication_date,
        challenge_indicator: c.challenge_indicator,
        flow_type: c.flow_type,
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

/// Which document reported a final status that `response_code` is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reporter {
    /// A session (or callback): Checkout's own record of the authentication.
    Session,
    /// A workflow webhook: a notification whose `response_code` Checkout's own samples get
    /// wrong (an `authentication_attempted` event with `Y`), so the session is the authority.
    Webhook,
}

/// How a final status (or event type) and the `response_code` beside it go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// They agree, or `response_code` is absent.
    Agree,
    /// The code makes the status more precise without making it more positive.
    Refine(St, NextStep, &'static str),
    /// The status is the more negative of the two and stands; the code is reported.
    StatusWins,
    /// Neither can be trusted: taking the status would claim more than the code, or would
    /// fold an attempt into a failure or lose a rejection.
    Contradiction,
}

/// The rule for a final status, as the EMV transStatus it stands for, and the
/// `response_code` beside it. Never more positive than either of the two:
/// * `I` (informational, no authentication) refines `approved`/`attempted` into
///   `exempted`, never a failure, rejection or unavailability;
/// * `A` within `approved` is an attempt (Checkout reports attempts inside `approved` at
///   times); `A` beside a failure, rejection or unavailability is a contradiction, as an
///   attempt is never folded into a failure;
/// * `R` beside any other status is a contradiction (a rejection is never lost); a
///   `rejected` status stands against any other code;
/// * a success beside `N` or `U`, and `unavailable` beside `N`, are contradictions;
/// * otherwise the more negative status stands (`declined` with `Y`, `attempted` with `Y`).
fn verdict(status: &TransStatus, code: &ResponseCode) -> Verdict {
    use ResponseCode as C;
    use TransStatus as T;
    match (status, code) {
        (T::Y, C::Y) | (T::A, C::A) | (T::N, C::N) | (T::R, C::R) | (T::U, C::U) => Verdict::Agree,
        (T::Y | T::A, C::I) => Verdict::Refine(
            St::Exempted,
            NextStep::Authorize,
            "rule:checkout.response_code_i_exempted",
        ),
        (T::Y, C::A) => Verdict::Refine(
            St::Attempted,
            NextStep::Authorize,
            "rule:checkout.approved_response_code_a_attempted",
        ),
        (T::R, _) => Verdict::StatusWins,
        (_, C::R) | (T::N | T::U, C::A) | (T::Y | T::A, C::N | C::U) | (T::U, C::N) => {
            Verdict::Contradiction
        }
        _ => Verdict::StatusWins,
    }
}

/// Cross-checks `response_code` against the final status the catalog gave (see [`verdict`]).
/// A contradiction is `unknown`: a session says `investigate`; a webhook says `wait`, as the
/// session it notifies about is the authority and is fetched again.
fn check_response_code(d: &mut Draft, code: Option<&ResponseCode>, by: Reporter) {
    let (Some(code), Some(status)) = (code, crate::normalize::implied_trans_status(d.auth.status))
    else {
        return;
    };
    let what = match by {
        Reporter::Session => "session status",
        Reporter::Webhook => "event type",
    };
    match verdict(&status, code) {
        Verdict::Agree => {}
        Verdict::Refine(status, step, rule) => d.set_status(status, step, rule),
        Verdict::StatusWins => {
            d.warn(format!(
                "checkout {what} disagrees with response_code '{}'; the {what} wins, being \
                 the more negative",
                excerpt(code.as_str())
            ));
            d.facts.trans_status = Some(status);
            d.facts.trans_status_implied = true;
        }
        Verdict::Contradiction => {
            let (step, advice) = match by {
                Reporter::Session => (NextStep::Investigate, "investigate"),
                Reporter::Webhook => (NextStep::Wait, "fetch the session again"),
            };
            d.warn(format!(
                "checkout {what} '{}' contradicts response_code '{}'; reported as unknown, \
                 {advice}",
                d.auth
                    .raw
                    .status
                    .as_deref()
                    .map(excerpt)
                    .unwrap_or_default(),
                excerpt(code.as_str())
            ));
            d.set_status(
                St::Unknown,
                step,
                "rule:checkout.status_contradicts_response_code",
            );
            d.auth.reason = Some("contradictory_outcome".to_owned());
            d.auth.retry = None;
        }
    }
}

/// A reason, and where a new attempt can help, from the EMV error component (EMVCo Error
/// message `errorComponent`: `D` directory server, `A` ACS, `S` 3DS Server) when nothing more
/// precise is known. A DS or ACS failure reaches every PSP alike (`later`); a 3DS Server
/// failure is Checkout's own (`other_psp`). A rejection stays `never`.
fn reason_from_error_details(d: &mut Draft, details: Option<&ErrorDetails>) {
    if d.auth.reason.is_some() {
        return;
    }
    let component = details.and_then(|e| e.error_component.as_deref());
    let (reason, retry) = match component {
        Some("D") => ("ds_error", Retry::Later),
        Some("A") => ("acs_error", Retry::Later),
        Some("S") => ("psp_technical_error", Retry::OtherPsp),
        _ => return,
    };
    d.auth.reason = Some(reason.to_owned());
    if d.auth.status != St::Rejected {
        d.auth.retry = Some(retry);
    }
}

/// The applied exemption (session `exemption.applied`, webhook `exemption_applied`) in the
/// model's words, for the output and the liability facts. Checkout's `none` is no exemption;
/// a value Checkout does not document is kept as sent and reported.
fn set_exemption(d: &mut Draft, applied: Option<&ExemptionApplied>) {
    let Some(applied) = applied else { return };
    let word = match applied {
        ExemptionApplied::None => return,
        ExemptionApplied::LowValue => "low_value",
        ExemptionApplied::TransactionRiskAssessment => "transaction_risk_analysis",
        ExemptionApplied::SecureCorporatePayment => "secure_corporate",
        ExemptionApplied::TrustedListing => "trusted_listing",
        ExemptionApplied::ThreeDsOutage => "three_ds_outage",
        ExemptionApplied::ScaDelegation => "sca_delegation",
        ExemptionApplied::OutOfScaScope => "out_of_sca_scope",
        ExemptionApplied::LowRiskProgram => "low_risk_program",
        ExemptionApplied::Other => "other",
        ExemptionApplied::Unknown(raw) => {
            d.warn(format!(
                "checkout exemption '{}' is not a documented value; exported as sent",
                excerpt(raw)
            ));
            raw.as_str()
        }
    };
    d.auth.exemption = Some(word.to_owned());
    d.facts.exemption = Some(word.to_owned());
}

/// `authenticated_at` from a Checkout date-time (`created_on` of a webhook,
/// `authentication_date` of a session). A value that is not RFC 3339 is reported and left
/// null, so the liability rules fall back to the `--as-of` date.
fn set_authenticated_at(d: &mut Draft, value: Option<&str>, field: &str) {
    let Some(value) = value else { return };
    match timestamp::from_rfc3339(value) {
        Some(at) => d.auth.authenticated_at = Some(at),
        None => d.warn(format!(
            "checkout {field} '{}' is not an RFC 3339 date-time; authenticated_at left null",
            excerpt(value)
        )),
    }
}

/// The EMV `threeDSRequestorChallengeInd` (two digits) of Checkout's `challenge_indicator`
/// word, for the Cartes Bancaires liability rule. Checkout echoes the indicator in the
/// session and the webhook; the words are the request's (API reference `SessionRequest`
/// `challenge_indicator`), mapped as the request translation maps them.
fn set_challenge_indicator(d: &mut Draft, indicator: Option<&ChallengeIndicator>) {
    let Some(indicator) = indicator else { return };
    match crate::psp::checkout::request::challenge_to_model(indicator) {
        Ok(preference) => d.facts.challenge_indicator = Some(preference.emv_code().to_owned()),
        Err(_) => d.warn(format!(
            "checkout challenge_indicator '{}' is not a documented value; left out of the \
             liability facts",
            excerpt(indicator.as_str())
        )),
    }
}

/// Whether the cardholder was challenged: `challenged`, or else the session's `flow_type`.
fn challenged(challenged: Option<bool>, flow_type: Option<&FlowType>) -> Option<bool> {
    challenged.or(match flow_type {
        Some(FlowType::Challenged) => Some(true),
        Some(FlowType::Frictionless | FlowType::FrictionlessDelegated) => Some(false),
        _ => None,
    })
}

/// A success whose Mastercard ECI is `00` (not authenticated) is reported: the ECI is not an
/// exemption, and the liability rules give no shift for it.
fn check_success_eci(d: &mut Draft) {
    let success = matches!(
        d.auth.status,
        St::Authenticated | St::Attempted | St::Exempted
    );
    let mastercard = matches!(d.auth.network, Some(Network::Mastercard | Network::Maestro));
    if success && mastercard && d.auth.eci.as_ref().is_some_and(|e| e.as_str() == "00") {
        d.warn(
            "checkout reports a successful outcome with Mastercard ECI 00 (not authenticated); \
             no exemption is inferred from it and liability does not shift",
        );
    }
}

/// A non-payment authentication (add card, verification) has no authorization to follow,
/// so a success is `none`, not `authorize`.
fn no_authorization_without_payment(d: &mut Draft) {
    if d.facts.category == Some(Category::NonPayment)
        && matches!(
            d.auth.next_step,
            NextStep::Authorize | NextStep::AuthorizeAtOwnRisk
        )
    {
        d.auth.next_step = NextStep::None;
    }
}

// -------------------------------------------------------------------------------------------
// Sessions and callbacks
// -------------------------------------------------------------------------------------------

/// The two documents read as a session. They differ in whether the absence of a
/// cryptogram means there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionDoc {
    /// An API response: `eci`, `cryptogram` and `session_secret` are returned only to OAuth
    /// callers, the cryptogram for 24 hours (Checkout.com API reference
    /// `GetSessionResponse.yaml`).
    Session,
    /// The non-hosted callback, POSTed right after `complete` with the result's cryptogram
    /// (`sessions@{id}@complete.yaml` example).
    Callback,
}

impl SessionDoc {
    fn name(self) -> &'static str {
        match self {
            SessionDoc::Session => "checkout.session",
            SessionDoc::Callback => "checkout.callback",
        }
    }

    /// Whether the authentication value is known present or absent, for the liability
    /// rules (Visa Y and A shift only with a CAVV). A session answered to the session
    /// secret carries neither `eci` nor `cryptogram` nor `session_secret`, so their absence
    /// tells nothing: `None`. An OAuth answer (one of them present) without a cryptogram
    /// has none, or no longer has it after 24 hours; either way none can be passed on.
    fn authentication_value_present(self, s: &SessionResponse) -> Option<bool> {
        let reported = match self {
            SessionDoc::Callback => true,
            SessionDoc::Session => {
                s.cryptogram.is_some() || s.eci.is_some() || s.session_secret.is_some()
            }
        };
        reported.then_some(s.cryptogram.is_some())
    }
}

fn normalize_session(s: &SessionResponse, doc: SessionDoc, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Authentication, doc.name());
    d.auth.id.clone_from(&s.id);
    d.auth.reference.clone_from(&s.reference);
    d.auth.protocol_version.clone_from(&s.protocol_version);
    d.auth.challenged = challenged(s.challenged, s.flow_type.as_ref());
    d.auth
        .three_ds_server_trans_id
        .clone_from(&s.transaction_id);
    d.auth.ds_trans_id = s.ds.as_ref().and_then(|x| x.transaction_id.clone());
    d.auth.acs_trans_id = s.acs.as_ref().and_then(|x| x.transaction_id.clone());
    d.auth.eci = s.eci.as_ref().and_then(|e| Eci::parse(e.as_str()));
    d.auth.authentication_value.clone_from(&s.cryptogram);
    d.facts.authentication_value_present = doc.authentication_value_present(s);
    d.auth.raw.status = s.status.as_ref().map(|x| x.as_str().to_owned());
    d.auth.raw.code = s.response_code.as_ref().map(|x| x.as_str().to_owned());
    d.auth.raw.message = s.status_reason.as_ref().map(|x| x.as_str().to_owned());
    set_authenticated_at(
        &mut d,
        s.authentication_date.as_deref(),
        "authentication_date",
    );
    set_network(&mut d, s.scheme.as_ref());
    set_amount(&mut d, s.amount.as_ref(), s.currency.as_ref());
    set_trans_status(&mut d, ctx, s.response_code.as_ref());
    set_challenge_indicator(&mut d, s.challenge_indicator.as_ref());
    if let Some(reason) = &s.response_status_reason {
        match normalize_code(reason.as_str()) {
            Some(code) => d.auth.trans_status_reason = Some(code),
            None => d.warn(format!(
                "checkout response_status_reason '{}' is not a two-digit EMV code; left null",
                excerpt(reason.as_str())
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
                    excerpt(code.as_str())
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
            check_response_code(&mut d, code, Reporter::Session);
            if d.auth.status != St::Unknown {
                final_reason(&mut d, ctx, s);
            }
            check_success_eci(&mut d);
            if matches!(d.auth.status, St::Authenticated | St::Attempted) && s.cryptogram.is_none()
            {
                d.warn(
                    "checkout session has no cryptogram: eci and cryptogram are only returned to \
                     OAuth callers (not with the session secret), within 24 hours",
                );
            }
        }
    }
    no_authorization_without_payment(&mut d);
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

/// The reason and retry of a final session: the row of the message that set the status
/// (`ares_error`: a DS failure, retried later), then the EMV transStatusReason, which
/// decides the reason word (unless Checkout's risk engine declined) and the retry the same
/// way at every PSP ([`Draft::apply_trans_status_reason`]: 14 with N is `expired`), then the
/// EMV error component.
fn final_reason(d: &mut Draft, ctx: &Context<'_>, s: &SessionResponse) {
    check_status_reason(d, ctx, s.status_reason.as_ref(), true);
    let risk = s.status_reason == Some(StatusReason::RiskDeclined);
    if let Some(code) = d.auth.trans_status_reason.clone() {
        if matches!(d.auth.status, St::Authenticated | St::Exempted) {
            d.warn(format!(
                "checkout sent transStatusReason {code} with a successful outcome; EMV sends \
                 it only when transStatus is not Y; reason not applied"
            ));
        } else {
            if !risk && matches!(d.auth.status, St::Failed | St::Rejected | St::Unavailable) {
                match emv_reason(&code) {
                    Some(word) => d.auth.reason = Some(word.to_owned()),
                    None => d.warn(format!(
                        "transStatusReason {code} is DS-specific or reserved; no normalized word"
                    )),
                }
            }
            d.apply_trans_status_reason(&code);
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

/// What a pending session asks for, from `next_actions` (Checkout.com docs, non-hosted
/// sessions:
/// <https://www.checkout.com/docs/payments/authenticate-payments/3d-secure/standalone-sessions/non-hosted-sessions.md>).
/// The 3DS Method runs before the channel data is sent (its outcome travels as `three_ds_method_completion` inside the
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

/// A workflow webhook. The event type decides through the catalog; `response_code` is
/// cross-checked ([`verdict`]). `authentication_failed` is Checkout's one event for every
/// unsuccessful result, so `U` and `R` beside it refine it (`unavailable`, `rejected`). A
/// webhook never carries the cryptogram, so its presence is not known (`None`): Visa
/// liability stays null until the session is fetched.
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
    set_authenticated_at(&mut d, e.created_on.as_deref(), "created_on");
    set_network(&mut d, data.scheme.as_ref());
    set_amount(&mut d, data.amount.as_ref(), data.currency.as_ref());
    set_trans_status(&mut d, ctx, data.response_code.as_ref());
    set_challenge_indicator(&mut d, data.challenge_indicator.as_ref());
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
    match (event, code) {
        (WebhookType::AuthenticationStarted, Some(code)) => {
            d.warn(format!(
                "checkout authentication_started carries response_code '{}' although no \
                 outcome exists yet; the event type wins",
                excerpt(code.as_str())
            ));
        }
        (WebhookType::AuthenticationStarted | WebhookType::AuthenticationExpired, _) => {}
        (WebhookType::AuthenticationFailed, Some(code @ (ResponseCode::U | ResponseCode::R))) => {
            d.apply_catalog(ctx, "response_code", code.as_str());
        }
        _ => check_response_code(&mut d, code, Reporter::Webhook),
    }
    if let Some(reason) = &data.transaction_status_reason {
        check_status_reason(&mut d, ctx, Some(reason), false);
    }
    if matches!(d.auth.status, St::Failed | St::Unavailable | St::Rejected) {
        reason_from_error_details(&mut d, data.error_details.as_ref());
    }
    check_success_eci(&mut d);
    d.finish_in(ctx)
}

// -------------------------------------------------------------------------------------------
// Errors
// -------------------------------------------------------------------------------------------

/// What a documented code pattern decides: status, reason, next step, retry and rule.
type PatternRule = (St, &'static str, NextStep, Retry, &'static str);

/// Checkout's documented code patterns that are not single codes (Checkout.com API
/// reference `ErrorResponse.yaml`: `{field}_required`, `{field}_invalid`,
/// `unable_to_verify_{field}`, `{resource}_not_found`, `{resource}_already_exists`).
fn pattern_rule(code: &str) -> Option<PatternRule> {
    if code.ends_with("_required") || code.ends_with("_invalid") {
        Some((
            St::Error,
            "invalid_request",
            NextStep::FixRequest,
            Retry::Never,
            "rule:checkout.error_code_field_pattern",
        ))
    } else if code.starts_with("unable_to_verify_") {
        // Upstream failure, sent with `service_not_available`.
        Some((
            St::Error,
            "psp_technical_error",
            NextStep::RetryAuthentication,
            Retry::OtherPsp,
            "rule:checkout.error_code_unable_to_verify",
        ))
    } else if code.ends_with("_not_found") {
        Some((
            St::Error,
            "not_found",
            NextStep::FixRequest,
            Retry::Never,
            "rule:checkout.error_code_resource_not_found",
        ))
    } else if code.ends_with("_already_exists") {
        Some((
            St::Error,
            "duplicate_request",
            NextStep::FixRequest,
            Retry::Never,
            "rule:checkout.error_code_resource_already_exists",
        ))
    } else {
        None
    }
}

/// An error body. The first code the catalog (or a documented pattern) knows decides, as
/// codes are more specific than the error type; else the error type's row. An error body is
/// always an error: with neither known, the status is `error` and the next step
/// `investigate`, the codes kept in `raw.code` and reported.
fn normalize_error(e: &ErrorResponse, ctx: &Context<'_>) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Error, "checkout.error");
    let codes = e.error_codes.clone().unwrap_or_default();
    d.auth.raw.status = e.error_type.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.code = (!codes.is_empty()).then(|| codes.join(","));

    let mut decided = false;
    for code in &codes {
        if ctx.catalog.lookup(P, "error_code", code).is_some() {
            d.apply_catalog(ctx, "error_code", code);
            decided = true;
            break;
        }
        if let Some((status, reason, step, retry, rule)) = pattern_rule(code) {
            d.set_status(status, step, rule);
            d.auth.reason = Some(reason.to_owned());
            d.auth.retry = Some(retry);
            decided = true;
            break;
        }
        d.warn(format!(
            "checkout error_code '{}' is not in the catalog",
            excerpt(code)
        ));
    }
    if !decided {
        let known_type = e
            .error_type
            .as_ref()
            .filter(|t| ctx.catalog.lookup(P, "error_type", t.as_str()).is_some());
        match known_type {
            Some(t) => {
                d.apply_catalog(ctx, "error_type", t.as_str());
            }
            None => {
                let shown = e.error_type.as_ref().map_or("<missing>", |t| t.as_str());
                d.warn(format!(
                    "checkout error_type '{}' is not in the catalog; reported as an error to \
                     investigate",
                    excerpt(shown)
                ));
                d.set_status(
                    St::Error,
                    NextStep::Investigate,
                    "rule:checkout.error_unknown",
                );
                d.auth.reason = Some("unknown_psp_value".to_owned());
                d.auth.retry = None;
            }
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
        assert_eq!(n.authentication.next_step, NextStep::AuthorizeAtOwnRisk);
        assert_eq!(n.authentication.retry, Some(Retry::Later));
        assert_eq!(n.explain.status_rule, "catalog:checkout/response_code/U");
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

    #[test]
    fn an_emv_error_component_says_where_a_retry_can_help() {
        for (component, reason, retry) in [
            ("D", "ds_error", Retry::Later),
            ("A", "acs_error", Retry::Later),
            ("S", "psp_technical_error", Retry::OtherPsp),
        ] {
            let n = run(webhook(
                "authentication_failed",
                json!({"response_code": "N", "error_details": {"error_component": component}}),
            ));
            assert_eq!(n.authentication.reason.as_deref(), Some(reason));
            assert_eq!(n.authentication.retry, Some(retry), "{component}");
        }
        let n = run(session(
            "rejected",
            json!({"response_code": "R", "3ds": {"error_details": {"error_component": "D"}}}),
        ));
        assert_eq!(n.authentication.retry, Some(Retry::Never));
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
        assert_eq!(n.authentication.status, St::Error);
        assert_eq!(n.authentication.next_step, NextStep::Investigate);
        assert_eq!(n.authentication.retry, None);
        assert_eq!(n.authentication.raw.code.as_deref(), Some("bad_request"));
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("invalid_request")));
        assert_eq!(
            n.authentication.raw.status.as_deref(),
            Some("invalid_request")
        );
        assert_eq!(n.authentication.raw.message, None);
        let n = run(json!({"error_type": null, "error_codes": []}));
        assert_eq!(n.authentication.status, St::Error);
        assert_eq!(n.authentication.next_step, NextStep::Investigate);
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

    fn meaning(n: &Normalized) -> (St, NextStep, Option<Retry>) {
        let a = &n.authentication;
        (a.status, a.next_step, a.retry)
    }

    #[test]
    fn n_with_trans_status_reason_14_is_expired() {
        let n = run(session(
            "declined",
            json!({"response_code": "N", "response_status_reason": "14"}),
        ));
        assert_eq!(
            meaning(&n),
            (
                St::Expired,
                NextStep::RetryAuthentication,
                Some(Retry::SamePsp)
            )
        );
        assert_eq!(n.authentication.reason.as_deref(), Some("acs_timed_out"));
        let n = run(
            json!({"session_id": "sid_x", "status": "declined", "response_code": "N",
                            "response_reason": "14"}),
        );
        assert_eq!(n.authentication.status, St::Expired);
    }

    #[test]
    fn trans_status_reason_families_decide_retry() {
        for (status, code, reason, retry) in [
            ("declined", "N", None, Retry::SamePsp),
            ("declined", "N", Some("01"), Retry::SamePsp),
            ("declined", "N", Some("04"), Retry::Later),
            ("declined", "N", Some("10"), Retry::Never),
            ("declined", "N", Some("11"), Retry::Never),
            ("declined", "N", Some("13"), Retry::Never),
            ("declined", "N", Some("19"), Retry::Later),
            ("rejected", "R", None, Retry::Never),
            ("rejected", "R", Some("01"), Retry::Never),
            ("unavailable", "U", None, Retry::Later),
            ("unavailable", "U", Some("22"), Retry::Later),
        ] {
            let mut extra = json!({"response_code": code});
            if let Some(r) = reason {
                extra["response_status_reason"] = json!(r);
            }
            let n = run(session(status, extra));
            assert_eq!(n.authentication.retry, Some(retry), "{status} {reason:?}");
        }
    }

    #[test]
    fn a_directory_server_failure_is_retried_later() {
        let n = run(session(
            "unavailable",
            json!({"response_code": "U", "status_reason": "ares_error"}),
        ));
        assert_eq!(n.authentication.retry, Some(Retry::Later));
        for code in ["ds_error", "scheme_outage", "card_eligibility_unavailable"] {
            let n = run(error("operation_not_allowed", &[code]));
            assert_eq!(n.authentication.retry, Some(Retry::Later), "{code}");
        }
    }

    #[test]
    fn error_retry_says_where_a_new_attempt_can_help() {
        for (error_type, code, step, retry) in [
            (
                "internal_server_error",
                "unknown_error",
                NextStep::RetryAuthentication,
                Retry::OtherPsp,
            ),
            (
                "service_not_available",
                "unable_to_verify_card",
                NextStep::RetryAuthentication,
                Retry::OtherPsp,
            ),
            (
                "unprocessable_entity",
                "amount_invalid",
                NextStep::FixRequest,
                Retry::Never,
            ),
            ("forbidden", "zzz", NextStep::Investigate, Retry::OtherPsp),
            (
                "operation_not_allowed",
                "processing_channel_disabled",
                NextStep::Investigate,
                Retry::OtherPsp,
            ),
            (
                "duplicate_requests_detected",
                "session_already_in_use",
                NextStep::Wait,
                Retry::Later,
            ),
        ] {
            let n = run(error(error_type, &[code]));
            assert_eq!(meaning(&n), (St::Error, step, Some(retry)), "{code}");
        }
    }

    #[test]
    fn i_never_turns_a_negative_outcome_into_an_exemption() {
        for (status, expected) in [
            ("declined", St::Failed),
            ("rejected", St::Rejected),
            ("unavailable", St::Unavailable),
        ] {
            let n = run(session(status, json!({"response_code": "I"})));
            assert_eq!(n.authentication.status, expected, "{status}");
            assert_ne!(n.authentication.next_step, NextStep::Authorize, "{status}");
            assert_eq!(n.authentication.exemption, None);
        }
        let n = run(webhook(
            "authentication_failed",
            json!({"response_code": "I"}),
        ));
        assert_eq!(n.authentication.status, St::Failed);
        assert_eq!(n.authentication.next_step, NextStep::DoNotAuthorize);
    }

    #[test]
    fn a_successful_webhook_with_n_or_r_is_not_authorize() {
        for event in ["authentication_approved", "authentication_attempted"] {
            for code in ["N", "R", "U"] {
                let n = run(webhook(event, json!({"response_code": code})));
                assert_eq!(
                    meaning(&n),
                    (St::Unknown, NextStep::Wait, None),
                    "{event} {code}"
                );
                assert_eq!(n.authentication.liability_shift, None);
                assert!(n.explain.warnings.iter().any(|w| w.contains("contradicts")));
            }
        }
    }

    #[test]
    fn a_is_never_folded_into_failed_and_r_never_loses_rejected() {
        for (status, code) in [
            ("declined", "A"),
            ("unavailable", "A"),
            ("declined", "R"),
            ("unavailable", "R"),
            ("approved", "R"),
            ("approved", "N"),
            ("attempted", "U"),
            ("unavailable", "N"),
        ] {
            let n = run(session(status, json!({"response_code": code})));
            assert_eq!(
                meaning(&n),
                (St::Unknown, NextStep::Investigate, None),
                "{status} {code}"
            );
            assert_eq!(
                n.explain.status_rule,
                "rule:checkout.status_contradicts_response_code"
            );
        }
        let n = run(webhook(
            "authentication_failed",
            json!({"response_code": "A"}),
        ));
        assert_eq!(meaning(&n), (St::Unknown, NextStep::Wait, None));
        let n = run(webhook(
            "authentication_failed",
            json!({"response_code": "R"}),
        ));
        assert_eq!(
            meaning(&n),
            (St::Rejected, NextStep::DoNotAuthorize, Some(Retry::Never))
        );
        let n = run(session("rejected", json!({"response_code": "N"})));
        assert_eq!(n.authentication.status, St::Rejected);
    }

    #[test]
    fn mastercard_eci_00_on_a_success_is_not_an_exemption() {
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "scheme": "mastercard", "eci": "00",
                   "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA="}),
        ));
        assert_eq!(n.authentication.status, St::Authenticated);
        assert_eq!(n.authentication.exemption, None);
        assert_ne!(n.authentication.liability_shift, Some(true));
        assert!(n.explain.warnings.iter().any(|w| w.contains("ECI 00")));
    }

    #[test]
    fn cartes_bancaires_challenge_indicator_rule_fires_for_every_indicator() {
        for indicator in threeds_checkout::ChallengeIndicator::KNOWN {
            let code = crate::psp::checkout::request::challenge_to_model(
                &ChallengeIndicator::from(*indicator),
            )
            .unwrap()
            .emv_code();
            let asked_no_challenge = crate::liability::NO_CHALLENGE_REQUESTED.contains(&code);
            let frictionless = run(session(
                "approved",
                json!({"response_code": "Y", "scheme": "cartes_bancaires", "eci": "05",
                       "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA=", "challenged": false,
                       "challenge_indicator": indicator}),
            ));
            let facts = &frictionless.explain.liability.facts;
            assert_eq!(
                facts.challenge_indicator.as_deref(),
                Some(code),
                "{indicator}"
            );
            let (rule, shift) = if asked_no_challenge {
                ("cartes_bancaires.v2.y_frictionless_requested", false)
            } else {
                ("cartes_bancaires.v2.y", true)
            };
            assert_eq!(frictionless.explain.liability.rule, rule, "{indicator}");
            assert_eq!(
                frictionless.authentication.liability_shift,
                Some(shift),
                "{indicator}"
            );
            // Challenged (here from `flow_type`): the issuer took the decision, it is liable.
            let challenged = run(session(
                "approved",
                json!({"response_code": "Y", "scheme": "cartes_bancaires", "eci": "05",
                       "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA=", "flow_type": "challenged",
                       "challenge_indicator": indicator}),
            ));
            assert_eq!(challenged.authentication.challenged, Some(true));
            assert_eq!(
                challenged.explain.liability.rule, "cartes_bancaires.v2.y",
                "{indicator}"
            );
            // The webhook carries the indicator too.
            let hook = run(webhook(
                "authentication_approved",
                json!({"response_code": "Y", "scheme": "cartes_bancaires", "eci": "05",
                       "challenged": false, "challenge_indicator": indicator}),
            ));
            assert_eq!(
                hook.explain.liability.facts.challenge_indicator.as_deref(),
                Some(code)
            );
            if asked_no_challenge {
                assert_eq!(hook.explain.liability.rule, rule, "{indicator}");
            }
        }
    }

    #[test]
    fn authenticated_at_is_the_documents_own_date() {
        let n = run(json!({"id": "evt_x", "type": "authentication_approved",
                           "created_on": "2023-04-26T12:09:41.897Z",
                           "data": {"response_code": "Y"}}));
        assert_eq!(
            n.authentication.authenticated_at.as_deref(),
            Some("2023-04-26T12:09:41.897Z")
        );
        assert_eq!(
            n.explain.liability.facts.authenticated_on,
            chrono::NaiveDate::from_ymd_opt(2023, 4, 26)
        );
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "authentication_date": "2019-04-24T20:11:06+02:00"}),
        ));
        assert_eq!(
            n.authentication.authenticated_at.as_deref(),
            Some("2019-04-24T18:11:06Z")
        );
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "authentication_date": "yesterday"}),
        ));
        assert_eq!(n.authentication.authenticated_at, None);
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("authentication_date")));
    }

    #[test]
    fn a_3ds1_session_is_judged_at_its_own_date() {
        let v1 = |date: &str| {
            run(session(
                "approved",
                json!({"protocol_version": "1.0.2", "status_reason": "pares_status",
                       "eci": "05", "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA=",
                       "authentication_date": date}),
            ))
        };
        assert_eq!(
            v1("2020-06-01T10:00:00Z").authentication.liability_shift,
            Some(true)
        );
        assert_eq!(
            v1("2025-06-01T10:00:00Z").authentication.liability_shift,
            Some(false)
        );
    }

    #[test]
    fn the_applied_exemption_is_exported_in_model_words() {
        for (applied, word) in [
            ("low_value", Some("low_value")),
            (
                "transaction_risk_assessment",
                Some("transaction_risk_analysis"),
            ),
            ("secure_corporate_payment", Some("secure_corporate")),
            ("trusted_listing", Some("trusted_listing")),
            ("none", None),
        ] {
            let n = run(session(
                "approved",
                json!({"response_code": "I", "exemption": {"applied": applied}}),
            ));
            assert_eq!(n.authentication.exemption.as_deref(), word, "{applied}");
            let n = run(webhook(
                "authentication_approved",
                json!({"response_code": "Y", "exemption_applied": applied}),
            ));
            assert_eq!(n.authentication.exemption.as_deref(), word, "{applied}");
        }
        let n = run(session(
            "approved",
            json!({"response_code": "I", "exemption": {"applied": "brand_new"}}),
        ));
        assert_eq!(n.authentication.exemption.as_deref(), Some("brand_new"));
        assert!(n.explain.warnings.iter().any(|w| w.contains("brand_new")));
    }

    #[test]
    fn authentication_value_presence_depends_on_the_document_kind() {
        // An OAuth answer (eci returned) without a cryptogram has none to pass on.
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "eci": "05"}),
        ));
        assert_eq!(
            n.explain.liability.facts.authentication_value_present,
            Some(false)
        );
        assert_eq!(n.authentication.liability_shift, Some(false));
        // Answered to the session secret: eci and cryptogram withheld, nothing known.
        let n = run(session("approved", json!({"response_code": "Y"})));
        assert_eq!(n.explain.liability.facts.authentication_value_present, None);
        assert_eq!(n.authentication.liability_shift, None);
        let n = run(session(
            "approved",
            json!({"response_code": "Y", "eci": "05", "cryptogram": "AAABAVIREQAAAAAAAAAAAAAAAAA="}),
        ));
        assert_eq!(n.authentication.liability_shift, Some(true));
        // The callback carries the cryptogram whenever there is one.
        let n = run(
            json!({"session_id": "sid_x", "status": "approved", "response_code": "Y",
                            "scheme": "visa"}),
        );
        assert_eq!(
            n.explain.liability.facts.authentication_value_present,
            Some(false)
        );
        // A webhook never carries it.
        let n = run(webhook(
            "authentication_approved",
            json!({"response_code": "Y", "eci": "05", "scheme": "visa"}),
        ));
        assert_eq!(n.explain.liability.facts.authentication_value_present, None);
        assert_eq!(n.authentication.liability_shift, None);
    }

    #[test]
    fn a_non_payment_success_has_nothing_to_authorize() {
        for (status, code) in [("approved", "Y"), ("attempted", "A"), ("unavailable", "U")] {
            let n = run(session(
                status,
                json!({"response_code": code, "authentication_category": "non_payment"}),
            ));
            assert_eq!(n.authentication.next_step, NextStep::None, "{status}");
        }
        let n = run(session(
            "declined",
            json!({"response_code": "N", "authentication_category": "non_payment"}),
        ));
        assert_eq!(n.authentication.next_step, NextStep::DoNotAuthorize);
    }
}
