//! The PXP webhook envelope: an `Authentication` event carries an authentication object in
//! `eventData`, dated by `eventDate`; any other event is reported as what it is.

use crate::model::timestamp::from_rfc3339;
use crate::model::{AuthenticationStatus as S, DocumentKind, NextStep as N};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized, Source};
use threeds_pxp::response::Authentication;
use threeds_pxp::webhook::{EventCategory, WebhookEvent};
use threeds_wire::excerpt;

use super::authentication::fill;
use super::P;

pub(super) fn normalize_webhook(
    doc: Document<'_>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
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
