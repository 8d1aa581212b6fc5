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
//!
//! Its parts: `authentication` (the authentication object's fields, and the state it
//! reports), `state` (what each state means, refined by transStatus, ECI and
//! `stateData.code`) and `webhook` (the webhook envelope).

mod authentication;
mod state;
#[cfg(test)]
mod tests;
mod webhook;

use crate::model::{DocumentKind, Provider};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized, Outline};
use threeds_pxp::response::Authentication;

use authentication::fill;
use webhook::normalize_webhook;

const P: Provider = Provider::PXP;

/// Whether `value` looks like a PXP document: an authentication (`authenticationId`, or a
/// `state` string with `stateData` / `threeDSecureVersion`) or a webhook envelope
/// (`eventCategory` with `eventData`).
pub fn matches(value: &Outline<'_>) -> bool {
    let Some(m) = value.as_object() else {
        return false;
    };
    m.contains_key("authenticationId")
        || (m.contains_key("eventCategory") && m.contains_key("eventData"))
        || (m.get("state").is_some_and(Outline::is_string)
            && (m.contains_key("stateData") || m.contains_key("threeDSecureVersion")))
}

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = &doc.peek;
    if value.get("eventCategory").is_some() || value.get("eventData").is_some() {
        return normalize_webhook(doc, ctx);
    }
    let probe: Authentication = parse_as(&doc, P, "pxp.authentication")?;
    let document = if probe.is_pre_initiate() {
        "pxp.pre_initiate_response"
    } else {
        "pxp.authentication"
    };
    let mut draft = Draft::new(P, DocumentKind::Authentication, document);
    fill(&mut draft, &probe, ctx, document)?;
    Ok(draft.finish_in(ctx))
}
