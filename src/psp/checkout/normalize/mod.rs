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
//!
//! Its parts: `session` (sessions and the callback body), `webhook` (workflow webhooks),
//! `error` (error bodies), `verdict` (a final status against the `response_code` beside it)
//! and `fields` (the field readers every document shares).

mod error;
mod fields;
mod session;
#[cfg(test)]
mod tests;
mod verdict;
mod webhook;

use crate::model::Provider;
use crate::normalize::{parse_as, Context, Document, NormalizeError, Normalized, Outline};
use error::normalize_error;
use session::{callback_as_session, normalize_session, SessionDoc};
use threeds_checkout::{ErrorResponse, SessionCallback, SessionResponse, WebhookEvent};
use webhook::normalize_webhook;

const P: Provider = Provider::CHECKOUT;

/// The Checkout document a JSON value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    Session,
    Callback,
    Webhook,
    Error,
}

fn str_field<'a>(value: &'a Outline<'_>, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Outline::as_str)
}

fn classify(value: &Outline<'_>) -> Option<Doc> {
    let obj = value.as_object()?;
    if str_field(value, "type").is_some_and(|t| t.starts_with("authentication_"))
        && obj.get("data").is_some_and(Outline::is_object)
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
    if obj.get("_links").is_some_and(Outline::is_object)
        && ["status", "next_actions", "session_secret"]
            .iter()
            .any(|k| obj.contains_key(k))
    {
        return Some(Doc::Session);
    }
    None
}

/// Whether `value` looks like a Checkout document.
pub fn matches(value: &Outline<'_>) -> bool {
    classify(value).is_some()
}

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = &doc.peek;
    match classify(value) {
        Some(Doc::Session) | None => {
            let s: SessionResponse = parse_as(&doc, P, "checkout.session")?;
            Ok(normalize_session(&s, SessionDoc::Session, ctx))
        }
        Some(Doc::Callback) => {
            let c: SessionCallback = parse_as(&doc, P, "checkout.callback")?;
            Ok(normalize_session(
                &callback_as_session(c),
                SessionDoc::Callback,
                ctx,
            ))
        }
        Some(Doc::Webhook) => {
            let e: WebhookEvent = parse_as(&doc, P, "checkout.webhook")?;
            Ok(normalize_webhook(&e, ctx))
        }
        Some(Doc::Error) => {
            let e: ErrorResponse = parse_as(&doc, P, "checkout.error")?;
            Ok(normalize_error(&e, ctx))
        }
    }
}
