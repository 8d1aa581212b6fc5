//! Mangopay API error bodies (`Message` + `Type`) and the OAuth token error: the type decides
//! through the catalog, an unknown one is an error to investigate.

use crate::model::{AuthenticationStatus as Status, DocumentKind, NextStep as Step};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized};
use threeds_mangopay::{ApiError, OAuthError};

use super::P;

pub(super) fn normalize_api_error(
    doc: Document<'_>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let e: ApiError = parse_as(doc, P, "mangopay.api_error")?;
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.api_error");
    d.auth.raw.status = e.error_type.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.message.clone_from(&e.message);
    apply_error_type(
        &mut d,
        ctx,
        e.error_type.as_ref().map(|t| t.as_str()),
        "Type",
    );
    // The per-field messages say what to fix; the model has no field for them.
    for (field, message) in e.errors.iter().flatten() {
        // A string message is shown as its text; anything else as the JSON it was sent as.
        let raw = message.get();
        let text = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned());
        d.warn(format!("mangopay error field '{field}': {text}"));
    }
    Ok(d.finish_in(ctx))
}

pub(super) fn normalize_oauth_error(
    doc: Document<'_>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let e: OAuthError = parse_as(doc, P, "mangopay.oauth_error")?;
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.oauth_error");
    d.auth.raw.status = e.error.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.message.clone_from(&e.error_description);
    apply_error_type(&mut d, ctx, e.error.as_ref().map(|t| t.as_str()), "error");
    Ok(d.finish_in(ctx))
}

/// An error body is an error whatever its type: a type the catalog knows decides reason, next
/// step and retry; an unknown or missing one stays `error` with `investigate` (never
/// `unknown`, which is for an outcome this version cannot read), reported in a warning. The
/// type itself is kept verbatim in `raw.status`.
fn apply_error_type(d: &mut Draft, ctx: &Context<'_>, error_type: Option<&str>, field: &str) {
    let error_type = error_type.filter(|t| !t.trim().is_empty());
    if let Some(t) = error_type {
        if ctx.catalog.lookup(P, "error_type", t).is_some() {
            d.apply_catalog(ctx, "error_type", t);
            return;
        }
    }
    let shown = error_type.map_or_else(|| "missing".into(), threeds_wire::excerpt);
    d.set_status(
        Status::Error,
        Step::Investigate,
        format!("unknown:mangopay/error_type/{shown}"),
    );
    d.auth.reason = Some("unknown_error_type".to_owned());
    d.auth.retry = None;
    d.warn(format!(
        "mangopay error body {field} '{shown}' is not in the catalog; reported as error, investigate"
    ));
}
