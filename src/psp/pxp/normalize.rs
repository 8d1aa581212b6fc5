//! PXP Unity 3DS documents to the normalized model.
//!
//! Documents: the authentication object PXP returns from pre-initiate, initiate
//! (browser-authentication) and get (`pxp.pre_initiate_response`, `pxp.authentication`), and
//! the webhook envelope (`pxp.webhook`), whose `Authentication` events carry the same
//! authentication object in `eventData`.
//!
//! PXP reports a *state* (`https://developer.pxp.io/guides/3ds/states`), not an EMV
//! transStatus: the state decides the status through the catalog's `state` table, and named
//! rules refine it where the state folds EMV outcomes together:
//! * `AuthenticationSuccessful` covers Y, A and exemptions alike; the ECI tells them apart
//!   (<https://www.checkout.com/docs/developer-resources/codes/eci-values>) unless a
//!   transStatus is present. Without an ECI nothing does, and liability is null.
//! * `AuthenticationFailed` covers N and U ("Transaction status = N / U", states page). It is
//!   N (`do_not_authorize`; PXP's "you can retry authentication" is `retry: same_psp`)
//!   unless a transStatus U, or code 22 (ACS technical issue), shows a U.
//! * `stateData.code` is an EMV transStatusReason and applies as at every PSP
//!   ([`Draft::apply_trans_status_reason`]: fraud never retried, limits later, 14 expired).
//!
//! A transStatus that contradicts the state never gives the more positive outcome: R is
//! always `rejected`, anything else is `unknown` / `investigate`.
//!
//! `authenticated_at` is the webhook's `eventDate` for a final authentication; PXP's
//! authentication object itself carries no date.
//!
//! `raw` is `{status: state, code: stateData.code, message: stateData.reason}`; for a webhook
//! without an authentication, `{status: eventCategory, code: event name}`.

use crate::model::reason::{emv_reason_retry, normalize_code};
use crate::model::timestamp::from_rfc3339;
use crate::model::{
    major_to_minor, AuthenticationStatus as S, DocumentKind, Eci, Money, Network, NextAction,
    NextStep as N, Provider, Retry, TransStatus,
};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized, Source};
use serde_json::Value;
use threeds_pxp::fingerprint;
use threeds_pxp::response::{Authentication, AuthenticationState};
use threeds_pxp::webhook::{EventCategory, WebhookEvent};
use threeds_wire::{excerpt, Secret};

const P: Provider = Provider::PXP;

/// Whether `value` looks like a PXP document: an authentication (`authenticationId`, or a
/// `state` string with `stateData` / `threeDSecureVersion`) or a webhook envelope
/// (`eventCategory` with `eventData`).
pub fn matches(value: &Value) -> bool {
    let Some(m) = value.as_object() else {
        return false;
    };
    m.contains_key("authenticationId")
        || (m.contains_key("eventCategory") && m.contains_key("eventData"))
        || (m.get("state").is_some_and(Value::is_string)
            && (m.contains_key("stateData") || m.contains_key("threeDSecureVersion")))
}

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = doc.peek;
    if value.get("eventCategory").is_some() || value.get("eventData").is_some() {
        return normalize_webhook(doc, ctx);
    }
    let probe: Authentication = parse_as(doc, P, "pxp.authentication")?;
    let document = if probe.is_pre_initiate() {
        "pxp.pre_initiate_response"
    } else {
        "pxp.authentication"
    };
    let mut draft = Draft::new(P, DocumentKind::Authentication, document);
    fill(&mut draft, &probe, ctx, document)?;
    Ok(draft.finish_in(ctx))
}

fn normalize_webhook(doc: Document<'_>, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    const DOC: &str = "pxp.webhook";
    let event: WebhookEvent = parse_as(doc, P, DOC)?;
    let mut draft = Draft::new(P, DocumentKind::Webhook, DOC);
    if event.carries_authentication() {
        let data = event.event_data.as_ref().map_or("null", |raw| raw.get());
        let auth: Authentication = parse_as(Source::Text(data), P, DOC).map_err(|e| match e {
            NormalizeError::Shape {
                provider,
                document,
                path,
                message,
            } => NormalizeError::Shape {
                provider,
                document,
                path: format!("eventData.{path}"),
                message,
            },
            other => other,
        })?;
        if let Some(cat) = &event.event_category {
            if *cat != EventCategory::Authentication {
                draft.warn(format!(
                    "pxp webhook eventCategory '{}' carries an authentication; read as one",
                    excerpt(cat.as_str())
                ));
            }
        }
        fill(&mut draft, &auth, ctx, DOC)?;
        event_date(&mut draft, &event);
        return Ok(draft.finish_in(ctx));
    }

    // An event without an authentication: the category, then the event name, decide.
    draft.auth.raw.status = event.event_category.as_ref().map(|c| c.to_string());
    draft.auth.raw.code = event.name().map(str::to_owned);
    match &event.event_category {
        None => draft.set_unknown("event_category", "(absent)"),
        Some(cat) => {
            let row = draft.apply_catalog(ctx, "event_category", cat.as_str());
            if row.is_some_and(|r| r.status.is_none()) {
                match event.name() {
                    Some(name) => {
                        draft.apply_catalog(ctx, "event", name);
                    }
                    None => {
                        draft.set_status(
                            S::Unknown,
                            N::Investigate,
                            "rule:pxp.authentication_webhook_without_authentication",
                        );
                        draft.warn(
                            "pxp Authentication webhook without an authentication in eventData \
                             and without an event name",
                        );
                    }
                }
            }
        }
    }
    Ok(draft.finish_in(ctx))
}

/// `authenticated_at` from the envelope's `eventDate` (ISO 8601, about-webhooks guide), for a
/// final authentication only: a pending state's event, or one whose state this version does
/// not know, is not the date of an authentication.
fn event_date(d: &mut Draft, event: &WebhookEvent) {
    let Some(text) = event.event_date.as_deref() else {
        return;
    };
    let dated = d.auth.status.is_final() && d.auth.status != S::Unknown;
    match from_rfc3339(text) {
        Some(at) if dated => d.auth.authenticated_at = Some(at),
        Some(_) => {}
        None => d.warn(format!(
            "pxp eventDate '{}' is not an ISO 8601 date-time; authenticated_at left null",
            excerpt(text)
        )),
    }
}

/// Fills the draft from a PXP authentication object.
fn fill(
    d: &mut Draft,
    a: &Authentication,
    ctx: &Context<'_>,
    document: &'static str,
) -> Result<(), NormalizeError> {
    let state_code = a
        .state_data
        .as_ref()
        .and_then(|s| s.code.as_ref())
        .map(|c| c.as_str().trim().to_owned())
        .filter(|c| !c.is_empty());
    d.auth.raw.status = a.state.as_ref().map(|s| s.to_string());
    d.auth.raw.code.clone_from(&state_code);
    d.auth.raw.message = a.state_data.as_ref().and_then(|s| s.reason.clone());

    d.auth.id.clone_from(&a.authentication_id);
    d.auth.protocol_version = non_empty(&a.three_d_secure_version);
    d.auth.ds_trans_id = non_empty(&a.directory_server_transaction_id);
    d.auth.acs_trans_id = non_empty(&a.acs_transaction_id);
    d.auth.eci = a
        .electronic_commerce_indicator
        .as_ref()
        .and_then(|e| Eci::parse(e.as_str()));
    d.auth.authentication_value = a
        .cardholder_authentication_verification_value
        .as_ref()
        .filter(|v| !v.is_empty())
        .map(|v| Secret::new(v.expose()));
    d.auth.trans_status_reason = state_code.as_deref().and_then(normalize_code);
    // The 3DS Server transaction id: an explicit field if PXP sends one, else the id inside
    // the 3DS Method data. `authenticationId` equalled it in PXP's one sample (exemptions
    // guide, https://developer.pxp.io/guides/3ds/exemptions), an observation only, so it is
    // not copied.
    d.auth.three_ds_server_trans_id =
        non_empty(&a.three_d_secure_server_transaction_id).or_else(|| {
            a.three_d_secure_fingerprint_data
                .as_deref()
                .and_then(fingerprint::decode_method_data)
                .and_then(|m| m.three_ds_server_trans_id)
                .filter(|s| !s.trim().is_empty())
        });
    if let Some(scheme) = non_empty(&a.card_scheme) {
        d.auth.network = Network::from_psp(&scheme);
        if d.auth.network.is_none() {
            d.warn(format!(
                "pxp cardScheme '{}' is not a known network",
                excerpt(&scheme)
            ));
        }
    }
    if let Some(amount) = &a.amount {
        if let (Some(value), Some(currency)) = (&amount.transaction_value, &amount.currency_code) {
            let minor =
                major_to_minor(value.as_str(), currency).map_err(|e| NormalizeError::Shape {
                    provider: P,
                    document,
                    path: "amount.transactionValue".into(),
                    message: e.to_string(),
                })?;
            d.auth.amount = Some(Money {
                value: minor,
                currency: currency.to_ascii_uppercase(),
            });
        }
    }
    let trans_status = a.trans_status().map(TransStatus::from);
    if let Some(ts) = &trans_status {
        if !ts.is_known() {
            d.warn(format!(
                "pxp transStatus '{}' is not an EMV value",
                excerpt(ts.as_str())
            ));
        }
    }
    d.auth.trans_status.clone_from(&trans_status);
    d.auth.challenged = match a
        .authentication_flow
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        Some(f) if f.starts_with("challenge") => Some(true),
        Some(f) if f.starts_with("frictionless") => Some(false),
        _ => None,
    };

    // Status from the state, then the state code's reason word.
    match &a.state {
        None => d.set_unknown("state", "(absent)"),
        Some(state) => {
            d.apply_catalog(ctx, "state", state.as_str());
        }
    }
    if let Some(code) = &state_code {
        let key = normalize_code(code).unwrap_or_else(|| code.clone());
        d.apply_reason(ctx, "state_code", &key);
    }

    match &a.state {
        Some(AuthenticationState::PendingClientData) => pending_client_data(d, a),
        Some(AuthenticationState::PendingCustomerChallenge) => {
            d.auth.challenged = Some(true);
            d.auth.next_action = Some(NextAction::Challenge {
                url: a.challenge_url().map(str::to_owned),
                creq: a.creq().map(str::to_owned),
            });
        }
        Some(AuthenticationState::AuthenticationSuccessful) => {
            successful(d, trans_status.as_ref());
            if let Some(code) = &state_code {
                reported_exemption(d, code);
            }
        }
        Some(AuthenticationState::AuthenticationFailed) => {
            failed(d, trans_status.as_ref(), state_code.as_deref());
            challenge_cancel(d, a, ctx);
        }
        Some(AuthenticationState::AuthenticationRejected) => {
            if trans_status.as_ref().is_some_and(|t| *t != TransStatus::R) {
                d.warn(
                    "pxp AuthenticationRejected with a transStatus other than R; the state decides",
                );
            }
            if let Some(code) = &state_code {
                d.apply_trans_status_reason(code);
            }
        }
        Some(AuthenticationState::AuthenticationError) => {
            errored(d, state_code.as_deref());
            challenge_cancel(d, a, ctx);
        }
        Some(AuthenticationState::Unknown(_)) | None => {}
    }
    if let Some(code) = &state_code {
        fraud_is_never_retried(d, code);
    }

    // threeDSecureSupported=false: PXP's check found the card outside 3DS. The states page
    // says PendingClientData means "3DS is supported", so the flag wins over a pending state.
    if a.three_d_secure_supported == Some(false) {
        if matches!(a.state, None | Some(AuthenticationState::PendingClientData)) {
            d.set_status(
                S::NotEnrolled,
                N::AuthorizeAtOwnRisk,
                "rule:pxp.three_d_secure_not_supported",
            );
            d.auth.reason = Some("card_not_enrolled".into());
            d.auth.retry = Some(Retry::Never);
            d.auth.next_action = None;
        } else {
            d.warn("pxp threeDSecureSupported=false with a later state; the state decides");
        }
    }

    // PXP's authentication object has a CAVV field (nullable, get-authentication guide), so
    // a final authentication without one says the value is absent: Visa Y / A do not shift.
    if d.auth.status.is_final() {
        d.facts.authentication_value_present = Some(d.auth.authentication_value.is_some());
    }
    Ok(())
}

fn pending_client_data(d: &mut Draft, a: &Authentication) {
    let url = non_empty(&a.three_d_secure_fingerprint_url);
    let data = non_empty(&a.three_d_secure_fingerprint_data);
    d.auth.next_action = Some(match (url, data) {
        // Both non-empty: run the 3DS Method (standalone guide step 4). Empty fields mean
        // the issuer has no 3DS Method: go straight to initiate with browser data.
        (Some(url), Some(data)) => {
            d.auth.reason = Some("awaiting_three_ds_method".into());
            NextAction::ThreeDsMethod {
                url,
                data: Some(data),
            }
        }
        _ => NextAction::CollectDeviceData,
    });
    if d.auth.eci.is_some() || d.auth.authentication_value.is_some() {
        d.warn(
            "pxp PendingClientData carries an ECI or authentication value (as PXP's own get \
             example does); the state decides: pending",
        );
    }
}

/// Where the ECI values of a success state come from: the schemes' ECI tables.
const ECI_SOURCE: &str = "https://www.checkout.com/docs/developer-resources/codes/eci-values";

/// `AuthenticationSuccessful`: Y, A or an exemption. A transStatus decides when present;
/// otherwise the ECI, read per network when PXP names the scheme (ECI tables:
/// <https://www.checkout.com/docs/developer-resources/codes/eci-values>).
fn successful(d: &mut Draft, trans_status: Option<&TransStatus>) {
    if let Some(ts) = trans_status {
        match ts {
            TransStatus::Y => d.set_status(
                S::Authenticated,
                N::Authorize,
                "rule:pxp.successful_trans_status_y",
            ),
            TransStatus::A => d.set_status(
                S::Attempted,
                N::Authorize,
                "rule:pxp.successful_trans_status_a",
            ),
            TransStatus::I => d.set_status(
                S::Exempted,
                N::Authorize,
                "rule:pxp.successful_trans_status_i",
            ),
            TransStatus::R => rejected_by_trans_status(d, "AuthenticationSuccessful"),
            other => contradiction(
                d,
                "rule:pxp.successful_with_contradicting_trans_status",
                format!(
                    "pxp AuthenticationSuccessful with transStatus '{}'; not guessed",
                    excerpt(other.as_str())
                ),
            ),
        }
        return;
    }
    let Some(eci) = d.auth.eci.as_ref().map(|e| e.as_str().to_owned()) else {
        successful_without_eci(d);
        return;
    };
    let mastercard = matches!(d.auth.network, Some(Network::Mastercard | Network::Maestro));
    let known_other = d.auth.network.is_some() && !mastercard;
    let (status, rule) = match (eci.as_str(), mastercard) {
        ("05", false) | ("02", _) => (S::Authenticated, "rule:pxp.successful_eci_authenticated"),
        // Mastercard ECI 07 is an authenticated recurring / 3RI series.
        ("07", true) => (
            S::Authenticated,
            "rule:pxp.successful_mastercard_eci_07_authenticated",
        ),
        ("06", false) => {
            if !known_other {
                d.warn(
                    "pxp ECI 06 without a card network is ambiguous: attempted (A) for \
                     Visa, Amex, Discover, JCB, but an exemption (I) for Mastercard",
                );
            }
            (S::Attempted, "rule:pxp.successful_eci_06_attempted")
        }
        ("06", true) => (
            S::Exempted,
            "rule:pxp.successful_mastercard_eci_06_exempted",
        ),
        // 01 is Mastercard's attempts value; no other scheme uses it.
        ("01", _) => (S::Attempted, "rule:pxp.successful_eci_01_attempted"),
        // A success without liability shift: Visa-family 07 is an exemption the merchant
        // flagged or an informational (I) outcome.
        ("07", false) => (S::Exempted, "rule:pxp.successful_eci_07_exempted"),
        // Mastercard 00 is "not authenticated / failed": it contradicts the success state
        // and is not an exemption (a Mastercard exemption is I with ECI 06).
        ("00", _) => {
            contradiction(
                d,
                "rule:pxp.successful_with_eci_00",
                "pxp AuthenticationSuccessful with ECI 00 (not authenticated); not guessed",
            );
            return;
        }
        (other, _) => {
            contradiction(
                d,
                "rule:pxp.successful_unexpected_eci",
                format!(
                    "pxp AuthenticationSuccessful with ECI '{}', which no success maps to",
                    excerpt(other)
                ),
            );
            return;
        }
    };
    d.set_status(status, N::Authorize, rule);
}

/// `AuthenticationSuccessful` without an ECI (and without a transStatus): PXP's state folds
/// Y, A and exemptions together, and only the ECI tells them apart.
///
/// The status stays `authenticated`, PXP's own word for the state ("The 3DS authentication
/// request was successful", with the advice to proceed to authorisation): `attempted` or
/// `exempted` would be guesses of their own, and `unknown` would say PXP sent a value this
/// version does not know, which it did not. What the document does not show is not
/// claimed: `trans_status` stays null, the reason says the ECI is missing, and liability is
/// null, since Y, A and an exemption shift it differently.
fn successful_without_eci(d: &mut Draft) {
    d.set_status(
        S::Authenticated,
        N::Authorize,
        "rule:pxp.successful_without_eci",
    );
    d.auth.reason = Some("eci_not_reported".to_owned());
    d.warn(
        "pxp AuthenticationSuccessful without an ECI: Y, A and an exemption cannot be told \
         apart; liability unknown",
    );
    d.set_liability(None, "pxp.successful_without_eci", ECI_SOURCE);
}

/// `AuthenticationFailed`: EMV N or U (states page, "Transaction status = N / U"). A
/// transStatus decides; without one, code 22 (ACS technical issue), which only a technical
/// inability produces, makes it U, and anything else stays N, the less positive reading.
/// Then the transStatusReason applies as at every PSP (retry by reason family, 14 expired).
fn failed(d: &mut Draft, trans_status: Option<&TransStatus>, code: Option<&str>) {
    match trans_status {
        Some(TransStatus::U) => unavailable(d, "rule:pxp.failed_trans_status_u"),
        Some(TransStatus::N) => {}
        None => {
            if code.and_then(normalize_code).as_deref() == Some("22") {
                unavailable(d, "rule:pxp.failed_code_22_unavailable");
            }
        }
        Some(TransStatus::R) => rejected_by_trans_status(d, "AuthenticationFailed"),
        // A (and Y) must not be folded into failed: the document contradicts itself.
        Some(ts @ (TransStatus::Y | TransStatus::A)) => {
            contradiction(
                d,
                "rule:pxp.failed_with_contradicting_trans_status",
                format!("pxp AuthenticationFailed with transStatus '{ts}'; not guessed"),
            );
            return;
        }
        // I does not turn a failure into an exemption; a non-final or unknown value does
        // not undo it either.
        Some(other) => d.warn(format!(
            "pxp AuthenticationFailed with transStatus '{}'; the state decides",
            excerpt(other.as_str())
        )),
    }
    if let Some(code) = code {
        d.apply_trans_status_reason(code);
    }
}

/// EMV U: authentication could not be performed. Authorization is still the merchant's
/// call (at own risk); a new attempt helps only later, as the directory server and ACS that
/// failed are the same through every PSP.
fn unavailable(d: &mut Draft, rule: &'static str) {
    d.set_status(S::Unavailable, N::AuthorizeAtOwnRisk, rule);
    d.auth.retry = Some(Retry::Later);
}

/// A transStatus R in a state that is not `AuthenticationRejected`: R never loses
/// `rejected`, whatever the state says.
fn rejected_by_trans_status(d: &mut Draft, state: &str) {
    d.set_status(
        S::Rejected,
        N::DoNotAuthorize,
        "rule:pxp.trans_status_r_rejects",
    );
    d.auth.retry = Some(Retry::Never);
    d.warn(format!(
        "pxp {state} with transStatus R; rejected, as the issuer asks"
    ));
}

/// A document that contradicts itself: `unknown` / `investigate`, never the more positive
/// reading, and no retry advice.
fn contradiction(d: &mut Draft, rule: &'static str, message: impl Into<String>) {
    d.set_status(S::Unknown, N::Investigate, rule);
    d.auth.retry = None;
    d.warn(message);
}

/// `AuthenticationError`: PXP's own failure (the state row's `other_psp`), unless the state
/// code names the cause and its EMV reason family says otherwise (22, an ACS technical
/// issue, is the same through every PSP: `later`).
fn errored(d: &mut Draft, code: Option<&str>) {
    if let Some(retry) = code.and_then(emv_reason_retry) {
        d.auth.retry = Some(retry);
    }
}

/// A fraud or "never retry" reason (EMV 09-12 and the like) is never retried, whatever else
/// the document says (a challenge cancel indicator, an error state).
fn fraud_is_never_retried(d: &mut Draft, code: &str) {
    if emv_reason_retry(code) == Some(Retry::Never) && d.auth.retry.is_some() {
        d.auth.retry = Some(Retry::Never);
    }
}

/// The exemption a directory server names in the transStatusReason of a success, where the
/// scheme is known (DS-specific codes 80-99: Visa 89 "CAVV included in response, Secure
/// Corporate Payment exemption", Mastercard 81 "acquirer SCA exemption accepted"; IXOPAY
/// brand-specific 3DS guidelines,
/// <https://documentation.ixopay.com/modules/docs/tokenex/3ds-brand-specific-guidelines>).
/// PXP has no field naming the applied exemption, so this is the only place it shows.
fn reported_exemption(d: &mut Draft, code: &str) {
    if !matches!(d.auth.status, S::Authenticated | S::Exempted) {
        return;
    }
    let word = match (d.auth.network, normalize_code(code).as_deref()) {
        (Some(Network::Visa), Some("89")) => "secure_corporate",
        (Some(Network::Mastercard | Network::Maestro), Some("81")) => "acquirer",
        _ => return,
    };
    d.auth.exemption = Some(word.to_owned());
    d.facts.exemption = Some(word.to_owned());
}

/// The EMV challengeCancel indicator, where PXP sends it, turns a failed or errored
/// challenge into an abandoned / timed-out one (its catalog row decides status, next step
/// and retry). It never undoes a rejection (R stays `rejected`) or a contradiction
/// (`unknown`). An indicator the catalog does not know is reported and leaves the state's
/// outcome.
fn challenge_cancel(d: &mut Draft, a: &Authentication, ctx: &Context<'_>) {
    let Some(code) = a.challenge_cancel() else {
        return;
    };
    if matches!(d.auth.status, S::Rejected | S::Unknown) {
        d.warn(format!(
            "pxp challengeCancel '{}' with a {} outcome; the outcome stands",
            excerpt(code),
            d.auth.status
        ));
        return;
    }
    let key = normalize_code(code).unwrap_or_else(|| code.to_owned());
    if ctx.catalog.lookup(P, "challenge_cancel", &key).is_some() {
        d.apply_catalog(ctx, "challenge_cancel", &key);
    } else {
        d.warn(format!(
            "pxp challengeCancel '{}' is not in the catalog",
            excerpt(code)
        ));
    }
}

fn non_empty(f: &Option<String>) -> Option<String> {
    f.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::reason::EMV_REASONS;
    use crate::model::AuthenticationStatus;
    use serde_json::json;

    fn run(v: Value) -> Normalized {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        normalize(&v, &ctx).unwrap()
    }

    fn get(state: &str, extra: Value) -> Value {
        let mut v = json!({
            "authenticationId": "550e8400-e29b-41d4-a716-446655440000",
            "state": state,
            "threeDSecureVersion": "2.1.0",
            "directoryServerTransactionId": "8ac7a4a3-7c50-4c48-9b3f-5d8e6f9a1b2c",
        });
        if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                m.insert(k.clone(), x.clone());
            }
        }
        v
    }

    fn status(n: &Normalized) -> (AuthenticationStatus, N) {
        (n.authentication.status, n.authentication.next_step)
    }

    #[test]
    fn matches_pxp_shapes_only() {
        assert!(matches(&json!({"authenticationId": "x"})));
        assert!(matches(
            &json!({"eventCategory": "Authentication", "eventData": {}})
        ));
        assert!(matches(
            &json!({"state": "AuthenticationFailed", "stateData": {}})
        ));
        assert!(!matches(&json!({"state": "x"})));
        assert!(!matches(&json!({"status": "approved", "id": "sid_1"})));
        assert!(!matches(&json!({"ResultCode": "000000"})));
        assert!(!matches(&json!({"threeDResult": "Y"})));
        assert!(!matches(&json!([1])));
    }

    #[test]
    fn catalog_state_table_covers_every_documented_state() {
        let catalog = Catalog::builtin().unwrap();
        for s in AuthenticationState::KNOWN {
            let e = catalog.lookup(P, "state", s).unwrap();
            assert!(e.status.is_some() && e.next_step.is_some(), "{s}");
        }
    }

    #[test]
    fn state_code_words_are_the_emv_words() {
        let catalog = Catalog::builtin().unwrap();
        let rows: Vec<_> = catalog
            .rows(P)
            .filter(|e| e.table == "state_code")
            .collect();
        assert_eq!(rows.len(), 30);
        for (code, word, _) in EMV_REASONS {
            let e = catalog.lookup(P, "state_code", code).unwrap();
            assert_eq!(e.reason.as_deref(), Some(*word), "{code}");
            assert_eq!(e.status, None, "{code}: reason-only row");
        }
    }

    #[test]
    fn event_category_and_challenge_cancel_tables_load() {
        let catalog = Catalog::builtin().unwrap();
        for c in EventCategory::KNOWN {
            assert!(catalog.lookup(P, "event_category", c).is_some(), "{c}");
        }
        let e = catalog.lookup(P, "challenge_cancel", "01").unwrap();
        assert_eq!(e.status, Some(S::Expired));
        assert_eq!(e.reason.as_deref(), Some("challenge_abandoned"));
    }

    #[test]
    fn pending_client_data_with_method_runs_the_3ds_method() {
        let n = run(json!({
            "authenticationId": "9180c811-ae68-4b40-8910-bfe74a26d65a",
            "state": "PendingClientData",
            "threeDSecureSupported": true,
            "threeDSecureFingerprintUrl": "https://acs/fp",
            "threeDSecureFingerprintData": "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjkxODBjODExLWFlNjgtNGI0MC04OTEwLWJmZTc0YTI2ZDY1YSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJodHRwczovL3d3dy50ZXN0LTAzIn0="
        }));
        let a = &n.authentication;
        assert_eq!(status(&n), (S::Pending, N::CompleteDeviceData));
        assert_eq!(a.reason.as_deref(), Some("awaiting_three_ds_method"));
        assert!(matches!(
            a.next_action,
            Some(NextAction::ThreeDsMethod { .. })
        ));
        assert_eq!(
            a.three_ds_server_trans_id.as_deref(),
            Some("9180c811-ae68-4b40-8910-bfe74a26d65a")
        );
        assert_eq!(n.explain.document, "pxp.pre_initiate_response");
    }

    #[test]
    fn pending_client_data_without_method_collects_device_data() {
        let n = run(json!({
            "authenticationId": "a", "state": "PendingClientData",
            "threeDSecureSupported": true,
            "threeDSecureFingerprintUrl": "", "threeDSecureFingerprintData": "not base64!"
        }));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::CollectDeviceData)
        );
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("awaiting_device_data")
        );
        assert_eq!(n.authentication.three_ds_server_trans_id, None);
    }

    #[test]
    fn not_supported_is_not_enrolled() {
        let n = run(
            json!({"authenticationId": "a", "state": "PendingClientData",
                           "threeDSecureSupported": false}),
        );
        assert_eq!(
            outcome(&n),
            (S::NotEnrolled, N::AuthorizeAtOwnRisk, Some(Retry::Never))
        );
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("card_not_enrolled")
        );
        assert_eq!(
            n.explain.status_rule,
            "rule:pxp.three_d_secure_not_supported"
        );
        assert_eq!(n.authentication.next_action, None);
    }

    #[test]
    fn challenge_next_action_with_or_without_fields() {
        let n = run(get("PendingCustomerChallenge", json!({})));
        assert_eq!(status(&n), (S::ChallengeRequired, N::ChallengeCardholder));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: None,
                creq: None
            })
        );
        assert_eq!(n.authentication.challenged, Some(true));
        let n = run(get(
            "PendingCustomerChallenge",
            json!({"acsUrl": "https://acs/c", "creq": "eyJ"}),
        ));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: Some("https://acs/c".into()),
                creq: Some("eyJ".into())
            })
        );
    }

    #[test]
    fn successful_is_refined_by_eci() {
        for (eci, want, rule) in [
            (
                "05",
                S::Authenticated,
                "rule:pxp.successful_eci_authenticated",
            ),
            (
                "5",
                S::Authenticated,
                "rule:pxp.successful_eci_authenticated",
            ),
            (
                "02",
                S::Authenticated,
                "rule:pxp.successful_eci_authenticated",
            ),
            ("06", S::Attempted, "rule:pxp.successful_eci_06_attempted"),
            ("01", S::Attempted, "rule:pxp.successful_eci_01_attempted"),
            ("07", S::Exempted, "rule:pxp.successful_eci_07_exempted"),
            ("00", S::Unknown, "rule:pxp.successful_with_eci_00"),
            ("04", S::Unknown, "rule:pxp.successful_unexpected_eci"),
        ] {
            let n = run(get(
                "AuthenticationSuccessful",
                json!({"electronicCommerceIndicator": eci,
                       "cardholderAuthenticationVerificationValue": "AAABBB"}),
            ));
            assert_eq!(n.authentication.status, want, "{eci}");
            assert_eq!(n.explain.status_rule, rule, "{eci}");
        }
    }

    #[test]
    fn eci_06_warns_without_network_and_is_exempted_for_mastercard() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06"}),
        ));
        assert!(n.explain.warnings.iter().any(|w| w.contains("ambiguous")));
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "cardScheme": "Mastercard"}),
        ));
        assert_eq!(n.authentication.status, S::Exempted);
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "cardScheme": "Visa"}),
        ));
        assert_eq!(n.authentication.status, S::Attempted);
        assert!(n.explain.warnings.is_empty());
    }

    #[test]
    fn trans_status_decides_over_eci() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "threeDSecureTransactionStatus": "I"}),
        ));
        assert_eq!(n.authentication.status, S::Exempted);
        assert_eq!(n.authentication.trans_status, Some(TransStatus::I));
        let n = run(get(
            "AuthenticationFailed",
            json!({"transactionStatus": "U"}),
        ));
        assert_eq!(n.authentication.status, S::Unavailable);
    }

    fn outcome(n: &Normalized) -> (AuthenticationStatus, N, Option<Retry>) {
        (
            n.authentication.status,
            n.authentication.next_step,
            n.authentication.retry,
        )
    }

    fn failed_with(code: &str) -> Normalized {
        run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": code}}),
        ))
    }

    #[test]
    fn failed_is_do_not_authorize_and_pxps_retry_advice_is_same_psp() {
        let n = run(get("AuthenticationFailed", json!({})));
        assert_eq!(
            outcome(&n),
            (S::Failed, N::DoNotAuthorize, Some(Retry::SamePsp))
        );
        assert_eq!(n.authentication.liability_shift, Some(false));
        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": "11", "reason": "Suspected fraud."}}),
        ));
        let a = &n.authentication;
        assert_eq!(a.reason.as_deref(), Some("suspected_fraud"));
        assert_eq!(a.trans_status_reason.as_deref(), Some("11"));
        assert_eq!(a.raw.status.as_deref(), Some("AuthenticationFailed"));
        assert_eq!(a.raw.code.as_deref(), Some("11"));
        assert_eq!(a.raw.message.as_deref(), Some("Suspected fraud."));
    }

    #[test]
    fn state_codes_retry_by_their_emv_reason_family() {
        for (code, retry) in [
            ("01", Retry::SamePsp),
            ("04", Retry::Later),
            ("19", Retry::Later),
            ("09", Retry::Never),
            ("10", Retry::Never),
            ("11", Retry::Never),
            ("12", Retry::Never),
        ] {
            let n = failed_with(code);
            assert_eq!(
                outcome(&n),
                (S::Failed, N::DoNotAuthorize, Some(retry)),
                "{code}"
            );
        }
    }

    #[test]
    fn state_code_14_on_a_failure_is_expired() {
        let n = failed_with("14");
        assert_eq!(
            outcome(&n),
            (S::Expired, N::RetryAuthentication, Some(Retry::SamePsp))
        );
        assert_eq!(n.authentication.reason.as_deref(), Some("acs_timed_out"));
    }

    #[test]
    fn code_13_on_a_failure_is_a_failure_never_retried() {
        // Without a transStatus, N and U cannot be told apart: the less positive N.
        let n = failed_with("13");
        assert_eq!(
            outcome(&n),
            (S::Failed, N::DoNotAuthorize, Some(Retry::Never))
        );
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("cardholder_not_enrolled")
        );
    }

    #[test]
    fn u_is_authorize_at_own_risk_and_retried_later() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"transactionStatus": "U"}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Unavailable, N::AuthorizeAtOwnRisk, Some(Retry::Later))
        );
        let n = failed_with("22");
        assert_eq!(
            outcome(&n),
            (S::Unavailable, N::AuthorizeAtOwnRisk, Some(Retry::Later))
        );
        assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("22"));
        // A U with a fraud reason is still never retried.
        let n = run(get(
            "AuthenticationFailed",
            json!({"transactionStatus": "U", "stateData": {"code": "11"}}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Unavailable, N::AuthorizeAtOwnRisk, Some(Retry::Never))
        );
    }

    #[test]
    fn rejected_is_never_retried_whatever_the_code() {
        for code in ["01", "14", "22"] {
            let n = run(get(
                "AuthenticationRejected",
                json!({"stateData": {"code": code}}),
            ));
            assert_eq!(
                outcome(&n),
                (S::Rejected, N::DoNotAuthorize, Some(Retry::Never)),
                "{code}"
            );
        }
    }

    #[test]
    fn trans_status_r_is_rejected_in_any_state() {
        for state in ["AuthenticationSuccessful", "AuthenticationFailed"] {
            let n = run(get(
                state,
                json!({"transactionStatus": "R", "electronicCommerceIndicator": "05"}),
            ));
            assert_eq!(
                outcome(&n),
                (S::Rejected, N::DoNotAuthorize, Some(Retry::Never)),
                "{state}"
            );
            assert_eq!(n.explain.status_rule, "rule:pxp.trans_status_r_rejects");
        }
    }

    #[test]
    fn an_attempt_is_never_folded_into_a_failure() {
        for ts in ["A", "Y"] {
            let n = run(get(
                "AuthenticationFailed",
                json!({"transactionStatus": ts}),
            ));
            assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None), "{ts}");
        }
        // I does not turn a failure into an exemption.
        let n = run(get(
            "AuthenticationFailed",
            json!({"transactionStatus": "I"}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Failed, N::DoNotAuthorize, Some(Retry::SamePsp))
        );
    }

    #[test]
    fn a_success_with_n_or_u_is_not_authorized() {
        for ts in ["N", "U"] {
            let n = run(get(
                "AuthenticationSuccessful",
                json!({"transactionStatus": ts, "electronicCommerceIndicator": "05"}),
            ));
            assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None), "{ts}");
        }
    }

    #[test]
    fn mastercard_eci_00_on_a_success_is_not_an_exemption() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "00", "cardScheme": "Mastercard",
                   "cardholderAuthenticationVerificationValue": "AAAB"}),
        ));
        assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None));
        assert_eq!(n.authentication.exemption, None);
        assert_eq!(n.authentication.liability_shift, None);
    }

    #[test]
    fn a_success_without_eci_claims_no_liability_and_no_trans_status() {
        // Mastercard Y without an authentication value would shift (Stand-In): only the ECI
        // could show it was Y.
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"cardScheme": "Mastercard"}),
        ));
        let a = &n.authentication;
        assert_eq!(outcome(&n), (S::Authenticated, N::Authorize, None));
        assert_eq!(a.trans_status, None);
        assert_eq!(a.liability_shift, None);
        assert_eq!(a.reason.as_deref(), Some("eci_not_reported"));
        assert_eq!(n.explain.liability.rule, "pxp.successful_without_eci");
    }

    #[test]
    fn visa_success_shifts_only_with_a_cavv() {
        let with = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05", "cardScheme": "Visa",
                   "cardholderAuthenticationVerificationValue": "AAAB"}),
        ));
        assert_eq!(with.authentication.liability_shift, Some(true));
        let without = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05", "cardScheme": "Visa",
                   "cardholderAuthenticationVerificationValue": null}),
        ));
        assert_eq!(without.authentication.status, S::Authenticated);
        assert_ne!(without.authentication.liability_shift, Some(true));
        assert_eq!(
            without.explain.liability.facts.authentication_value_present,
            Some(false)
        );
    }

    #[test]
    fn an_exemption_the_directory_server_names_is_exported() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "07", "cardScheme": "Visa",
                   "cardholderAuthenticationVerificationValue": "AAAB",
                   "stateData": {"code": "89"}}),
        ));
        assert_eq!(n.authentication.status, S::Exempted);
        assert_eq!(
            n.authentication.exemption.as_deref(),
            Some("secure_corporate")
        );
        assert_eq!(n.authentication.liability_shift, Some(false));
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "cardScheme": "Mastercard",
                   "stateData": {"code": "81"}}),
        ));
        assert_eq!(n.authentication.exemption.as_deref(), Some("acquirer"));
        // Without the scheme a DS-specific code names nothing (81 is an ACS timeout at Visa).
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "07", "stateData": {"code": "81"}}),
        ));
        assert_eq!(n.authentication.status, S::Exempted);
        assert_eq!(n.authentication.exemption, None);
    }

    #[test]
    fn an_error_state_retries_by_its_cause() {
        let n = run(get("AuthenticationError", json!({})));
        assert_eq!(
            outcome(&n),
            (S::Error, N::AuthorizeAtOwnRisk, Some(Retry::OtherPsp))
        );
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("psp_technical_error")
        );
        assert_eq!(n.authentication.liability_shift, None);
        for (code, retry) in [("22", Retry::Later), ("11", Retry::Never)] {
            let n = run(get(
                "AuthenticationError",
                json!({"stateData": {"code": code}}),
            ));
            assert_eq!(n.authentication.status, S::Error, "{code}");
            assert_eq!(n.authentication.retry, Some(retry), "{code}");
        }
    }

    #[test]
    fn challenge_cancel_rows_decide_retry_but_fraud_stays_never() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"challengeCancel": "06"}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Error, N::RetryAuthentication, Some(Retry::SamePsp))
        );
        assert_eq!(n.authentication.reason.as_deref(), Some("acs_error"));
        let n = run(get(
            "AuthenticationFailed",
            json!({"challengeCancel": "01", "stateData": {"code": "11"}}),
        ));
        assert_eq!(
            outcome(&n),
            (S::Expired, N::RetryAuthentication, Some(Retry::Never))
        );
        // A cancel indicator never undoes an R or a contradiction.
        for (ts, want) in [("R", S::Rejected), ("A", S::Unknown)] {
            let n = run(get(
                "AuthenticationFailed",
                json!({"challengeCancel": "01", "transactionStatus": ts}),
            ));
            assert_eq!(n.authentication.status, want, "{ts}");
        }
        let n = run(get(
            "AuthenticationFailed",
            json!({"challengeCancel": "42"}),
        ));
        assert_eq!(n.authentication.status, S::Failed);
        assert!(n.explain.warnings.iter().any(|w| w.contains("'42'")));
    }

    #[test]
    fn webhook_event_date_dates_a_final_authentication() {
        let hook = |state: &str, date: &str| {
            json!({
                "eventCategory": "Authentication", "eventDate": date,
                "eventData": {"authenticationId": "a", "state": state,
                              "electronicCommerceIndicator": "05"},
            })
        };
        let n = run(hook(
            "AuthenticationSuccessful",
            "2025-01-27T09:51:04.826+01:00",
        ));
        assert_eq!(
            n.authentication.authenticated_at.as_deref(),
            Some("2025-01-27T08:51:04.826Z")
        );
        assert_eq!(
            n.explain.liability.facts.authenticated_on,
            chrono::NaiveDate::from_ymd_opt(2025, 1, 27)
        );
        for state in ["PendingCustomerChallenge", "AuthenticationExpired"] {
            let n = run(hook(state, "2025-01-27T08:51:04Z"));
            assert_eq!(n.authentication.authenticated_at, None, "{state}");
        }
        let n = run(hook("AuthenticationSuccessful", "yesterday"));
        assert_eq!(n.authentication.authenticated_at, None);
        assert!(n.explain.warnings.iter().any(|w| w.contains("eventDate")));
        // PXP's authentication object carries no date of its own.
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05"}),
        ));
        assert_eq!(n.authentication.authenticated_at, None);
    }

    #[test]
    fn ds_specific_state_code_keeps_code_and_warns() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": "85"}}),
        ));
        assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("85"));
        assert_eq!(n.authentication.reason, None);
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn challenge_cancel_makes_expired() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"challengeCancel": "01"}),
        ));
        assert_eq!(status(&n), (S::Expired, N::RetryAuthentication));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("challenge_abandoned")
        );
    }

    #[test]
    fn unknown_or_absent_state_is_unknown() {
        let n = run(get("AuthenticationPending", json!({})));
        assert_eq!(outcome(&n), (S::Unknown, N::Investigate, None));
        assert_eq!(
            n.authentication.raw.status.as_deref(),
            Some("AuthenticationPending")
        );
        let n = run(json!({"authenticationId": "a"}));
        assert_eq!(status(&n), (S::Unknown, N::Investigate));
    }

    #[test]
    fn amounts_convert_with_the_currency_exponent() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05",
                   "amount": {"transactionValue": 1.234, "currencyCode": "KWD"}}),
        ));
        assert_eq!(
            n.authentication.amount,
            Some(Money {
                value: 1234,
                currency: "KWD".into()
            })
        );
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        let err = normalize(
            &get(
                "AuthenticationSuccessful",
                json!({"amount": {"transactionValue": 1.5, "currencyCode": "JPY"}}),
            ),
            &ctx,
        )
        .unwrap_err();
        assert!(err.to_string().contains("amount.transactionValue"), "{err}");
    }

    #[test]
    fn webhooks() {
        let n = run(json!({
            "eventCategory": "Authentication", "eventDate": "2025-01-27T08:51:04.826Z",
            "eventData": {"authenticationId": "a", "state": "AuthenticationSuccessful",
                          "electronicCommerceIndicator": "05"},
            "eventOwner": {"merchantGroup": "MG", "merchant": "M", "site": "S"}
        }));
        assert_eq!(n.authentication.kind, DocumentKind::Webhook);
        assert_eq!(n.authentication.status, S::Authenticated);
        assert_eq!(n.authentication.id.as_deref(), Some("a"));

        let n =
            run(json!({"eventCategory": "Transaction", "eventData": {"systemTransactionId": "t"}}));
        assert_eq!(status(&n), (S::Unknown, N::Investigate));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("not_an_authentication_event")
        );

        let n = run(
            json!({"eventCategory": "Authentication", "eventName": "challenge-completed",
                           "eventData": {}}),
        );
        assert_eq!(status(&n), (S::Pending, N::Wait));

        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        let err = normalize(
            &json!({"eventCategory": "Authentication", "eventData": {"authenticationId": 5, "state": []}}),
            &ctx,
        )
        .unwrap_err();
        assert!(err.to_string().contains("eventData."), "{err}");
    }

    #[test]
    fn cavv_is_secret_and_hostile_input_never_panics() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05",
                   "cardholderAuthenticationVerificationValue": "CAVV-CANARY-123"}),
        ));
        let out = serde_json::to_string(&n.authentication).unwrap();
        assert!(!out.contains("CAVV-CANARY-123"));
        assert!(!format!("{:?}", n.authentication).contains("CAVV-CANARY-123"));
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        for v in [
            json!({"authenticationId": null, "state": null}),
            json!({"authenticationId": "a", "electronicCommerceIndicator": {}}),
            json!({"authenticationId": "a", "threeDSecureFingerprintData": "////"}),
            json!({"eventCategory": 7, "eventData": "x"}),
            json!({"authenticationId": "a", "amount": {"transactionValue": "abc", "currencyCode": "EUR"}}),
        ] {
            let _ = normalize(&v, &ctx);
        }
    }
}
