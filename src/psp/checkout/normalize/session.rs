//! Checkout sessions (`POST /sessions`, `GET /sessions/{id}`, the data-collection `PUT`s) and
//! the non-hosted callback body, read as a session: the `status` decides through the
//! catalog, `next_actions` and the challenge fields say what the front end does next.

use super::fields::{
    challenged, check_success_eci, no_authorization_without_payment, reason_from_error_details,
    set_amount, set_authenticated_at, set_challenge_indicator, set_exemption, set_network,
    set_trans_status,
};
use super::verdict::{check_response_code, Reporter};
use super::P;
use crate::liability::{Category, Enrollment};
use crate::model::reason::{emv_reason, normalize_code};
use crate::model::{AuthenticationStatus as St, DocumentKind, Eci, NextAction, NextStep};
use crate::normalize::{Context, Draft, Normalized};
use threeds_checkout::{
    AuthenticationCategory, NextActionType, ResponseCode, SessionCallback, SessionResponse,
    SessionStatus, StatusReason,
};
use threeds_wire::excerpt;

/// The callback body has the GET-session fields under two other names (`session_id`,
/// `response_reason`; Checkout.com API reference `sessions@{id}@complete.yaml`).
pub(super) fn callback_as_session(c: SessionCallback) -> SessionResponse {
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

/// The two documents read as a session. They differ in whether the absence of a
/// cryptogram means there is none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SessionDoc {
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

pub(super) fn normalize_session(
    s: &SessionResponse,
    doc: SessionDoc,
    ctx: &Context<'_>,
) -> Normalized {
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
pub(super) fn check_status_reason(
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
