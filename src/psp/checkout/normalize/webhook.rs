//! Checkout `authentication_*` workflow webhooks: the event type decides, `response_code` is
//! cross-checked, and the cryptogram's presence stays unknown.

use super::fields::{
    check_success_eci, reason_from_error_details, set_amount, set_authenticated_at,
    set_challenge_indicator, set_exemption, set_network, set_trans_status,
};
use super::session::check_status_reason;
use super::verdict::{check_response_code, Reporter};
use super::P;
use crate::model::{AuthenticationStatus as St, DocumentKind, Eci};
use crate::normalize::{Context, Draft, Normalized};
use threeds_checkout::{ResponseCode, WebhookEvent, WebhookType};
use threeds_wire::excerpt;

/// A workflow webhook. The event type decides through the catalog; `response_code` is
/// cross-checked ([`verdict`](super::verdict)). `authentication_failed` is Checkout's one
/// event for every unsuccessful result, so `U` and `R` beside it refine it (`unavailable`,
/// `rejected`). A webhook never carries the cryptogram, so its presence is not known
/// (`None`): Visa liability stays null until the session is fetched.
pub(super) fn normalize_webhook(e: &WebhookEvent, ctx: &Context<'_>) -> Normalized {
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
