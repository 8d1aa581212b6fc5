//! Checkout error bodies (`error_type` + `error_codes`): always status `error` unless a code
//! names an outcome; codes decide before the error type, documented code patterns next.

use super::P;
use crate::model::{AuthenticationStatus as St, DocumentKind, NextStep, Retry};
use crate::normalize::{Context, Draft, Normalized};
use threeds_checkout::ErrorResponse;
use threeds_wire::excerpt;

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
pub(super) fn normalize_error(e: &ErrorResponse, ctx: &Context<'_>) -> Normalized {
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
