//! The Mangopay hook query string (`?EventType=...&RessourceId=...&Date=...`): a notification
//! that names a pay-in, never its outcome.

use crate::model::DocumentKind;
use crate::normalize::{Context, Draft, NormalizeError, Normalized};
use threeds_mangopay::HookQuery;

use super::status::mark_unknown;
use super::P;

/// A one-line query string with an `EventType` parameter (JSON documents never qualify).
pub fn looks_like_hook_query(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && !t.starts_with('{')
        && !t.starts_with('[')
        && !t.contains('\n')
        && HookQuery::parse(t).is_ok()
}

/// A hook is a poke without outcome (https://docs.mangopay.com/webhooks: on receipt, GET the
/// resource): the status stays pending and the merchant must GET the pay-in; the event type
/// only says which outcome to expect.
pub fn normalize_hook_query(text: &str, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let h = HookQuery::parse(text).map_err(|e| NormalizeError::Shape {
        provider: P,
        document: "mangopay.hook",
        path: "EventType".into(),
        message: e.to_string(),
    })?;
    let mut d = Draft::new(P, DocumentKind::Webhook, "mangopay.hook");
    let event = h.event_type.unwrap_or_default();
    d.auth.raw.status = Some(event.clone());
    if event.is_empty() {
        mark_unknown(&mut d, "event_type:empty", "a hook with an empty EventType");
    } else {
        d.apply_catalog(ctx, "event_type", &event);
    }
    match h.ressource_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => d.auth.id = Some(id),
        None => d.warn("mangopay hook without RessourceId (a dashboard test ping?)"),
    }
    Ok(d.finish_in(ctx))
}
