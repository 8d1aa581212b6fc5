//! Paysafe error bodies and the `error` object of a failed authentication: the code decides
//! through the catalog, an unknown code is an error to investigate, `fieldErrors` are
//! reported.

use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider};
use crate::normalize::{Context, Draft};
use std::fmt::Write as _;
use threeds_paysafe::response::ErrorObject;
use threeds_paysafe::Status;
use threeds_wire::excerpt;

pub(super) fn apply_error(
    d: &mut Draft,
    ctx: &Context<'_>,
    error: &ErrorObject,
    status: Option<&Status>,
) {
    d.auth.kind = DocumentKind::Error;
    d.auth.raw.status = status.map(|s| s.as_str().to_owned());
    d.auth.raw.code = error.code.as_ref().map(|c| c.as_str().to_owned());
    d.auth.raw.message = error.message.clone();
    match error.code.as_ref().map(|c| c.as_str().trim()) {
        Some(code)
            if ctx
                .catalog
                .lookup(Provider::PAYSAFE, "error_code", code)
                .is_some() =>
        {
            d.apply_catalog(ctx, "error_code", code);
        }
        Some(code) => unknown_error_code(d, code),
        None => {
            // FAILED without a code: the request failed and nothing says why.
            d.apply_catalog(ctx, "status", Status::Failed.as_str());
            d.warn("paysafe error object without a code");
        }
    }
    // fieldErrors say which request fields to fix; the model has no field for them, so they
    // are reported rather than dropped.
    if let Some(fields) = error.field_errors.as_ref().filter(|f| !f.is_empty()) {
        // Joined in one string, not a list of strings first: a body of ten thousand field
        // errors costs its text, not a string per entry besides.
        let mut list = String::new();
        for (i, f) in fields.iter().enumerate() {
            let sep = if i == 0 { "" } else { "; " };
            let field = excerpt(f.field.as_deref().unwrap_or("?"));
            let error = excerpt(f.error.as_deref().unwrap_or(""));
            let _ = write!(list, "{sep}{field}: {error}");
        }
        d.warn(format!("paysafe fieldErrors: {}", excerpt(&list)));
    }
}

/// An error code this version does not know is still an error (the body says the request
/// failed); what to do about it is unknown, so `investigate`, with the code kept in
/// `raw.code` and reported. Never `unknown`: that would hide that the request failed.
fn unknown_error_code(d: &mut Draft, code: &str) {
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::Investigate,
        format!("rule:paysafe.unknown_error_code/{}", excerpt(code)),
    );
    d.auth.retry = None;
    d.auth.reason = Some("unknown_psp_value".to_owned());
    d.warn(format!(
        "paysafe error code '{}' is not in the catalog; reported as error / investigate",
        excerpt(code)
    ));
}
