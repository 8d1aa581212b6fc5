//! Failed calls as normalized outcomes.
//!
//! A flow call that gets no usable answer still returns a normalized authentication, with
//! status `error` (never `pending`: the caller must not wait for something that may never
//! come) and a `next_step` chosen by what is known about the PSP's side:
//!
//! | what happened | starting | later call |
//! |---|---|---|
//! | request never sent (connect failure) | `retry_authentication`, retry `other_psp` | `wait` |
//! | timeout / broken exchange after sending | `retry_authentication`, retry `other_psp`; `investigate`, retry null, when the call can move money | `wait` |
//! | HTTP 401 / 403 without a PSP error body | `investigate`, retry `other_psp` | `investigate` |
//! | HTTP 404 without a PSP error body | `investigate` | `investigate` |
//! | HTTP 409 | `retry_authentication`, retry `later` | `wait` |
//! | HTTP 429 | `retry_authentication`, retry `later`; `investigate` when the call can move money | `wait` |
//! | HTTP 5xx | `retry_authentication`, retry `other_psp`; `investigate` when the call can move money | `wait` |
//! | other 4xx | `fix_request`, retry `never` | `fix_request`, retry `never` |
//! | 2xx whose body cannot be read | as a timeout after sending | `wait` |
//!
//! `wait` after a failed later call means: the authentication itself is still alive at the
//! PSP; fetch it again (or wait for its webhook), so a new attempt is not what helps: retry is
//! null. `retry` is where a NEW authentication can help: `other_psp` when this PSP (or this
//! account's credentials) failed and nothing can have moved money; never when the call may
//! have charged the card, because only resolving the first attempt is safe. 401/403 are this
//! account's credentials or configuration: another account or PSP may succeed. A PSP error body is normalized by the
//! PSP's adapter and its catalog row decides instead ([`http_error`]).
//!
//! A creation that may have moved money and whose outcome stays unknown (a Mangopay pay-in
//! whose answer was lost) is never `retry_authentication`: starting again could charge the
//! card twice. It is [`unresolved`]: `wait` while the handle holds what can still settle
//! it (an idempotency key Mangopay remembers), `investigate` once nothing can.
//!
//! A repeated call that changes nothing but whose answer is a failure (a Checkout
//! `complete` sent again after its first answer was lost) is reported as the PSP's current
//! state when that can be read, and otherwise as [`unconfirmed`] (`wait`): the request was
//! valid, so it is never `fix_request`.

use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider, Retry};
use crate::normalize::{normalize_value, scrub, Context, Draft, NormalizeError, Normalized};
use threeds_wire::http::{Response, TransportError};

/// Where in the flow the failed call was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// The call that creates the authentication. `moves_money` is true when it may also
    /// have charged the card (a Mangopay pay-in), so an unsure outcome must be looked into
    /// rather than retried.
    Start { moves_money: bool },
    /// Any call on an existing authentication.
    Later,
}

impl Stage {
    /// Next step and retry when the PSP's side is unknown or temporarily unreachable;
    /// `retry` is where a new attempt would go when this one is given up (`other_psp` for a
    /// PSP outage, `later` for rate limiting).
    fn unsure(self, retry: Retry) -> (NextStep, Option<Retry>) {
        match self {
            Stage::Start { moves_money: false } => (NextStep::RetryAuthentication, Some(retry)),
            Stage::Start { moves_money: true } => (NextStep::Investigate, None),
            Stage::Later => (NextStep::Wait, None),
        }
    }

    /// Next step and retry when the request provably changed nothing at the PSP.
    fn unchanged(self, retry: Retry) -> (NextStep, Option<Retry>) {
        match self {
            Stage::Start { .. } => (NextStep::RetryAuthentication, Some(retry)),
            Stage::Later => (NextStep::Wait, None),
        }
    }
}

fn draft(provider: Provider, document: &'static str) -> Draft {
    Draft::new(provider, DocumentKind::Error, document)
}

/// Whether anything can still settle an [`unresolved`] creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resolvable {
    /// The handle can find out (ask again later): `wait`.
    Yes,
    /// Nothing the flow can ask will tell any more: `investigate`.
    No,
}

/// A creation that may have moved money and whose outcome is unknown. `what` says what
/// was tried, for the message; `reason` is the machine-readable why.
pub fn unresolved(
    provider: Provider,
    resolvable: Resolvable,
    reason: &'static str,
    what: String,
) -> Normalized {
    let mut d = draft(provider, "flow.unresolved");
    let next = match resolvable {
        Resolvable::Yes => NextStep::Wait,
        Resolvable::No => NextStep::Investigate,
    };
    d.set_status(AuthenticationStatus::Error, next, format!("flow.{reason}"));
    d.auth.reason = Some(reason.to_owned());
    d.auth.raw.message = Some(what);
    d.finish()
}

/// A repeated call whose failure says nothing about the authentication (its first answer
/// was lost, and reading the state failed too): `wait`, then read it again.
pub fn unconfirmed(provider: Provider, operation: &'static str, what: String) -> Normalized {
    let mut d = draft(provider, "flow.unconfirmed");
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::Wait,
        "flow.state_unconfirmed",
    );
    d.auth.reason = Some("state_unconfirmed".to_owned());
    d.auth.raw.message = Some(format!("{operation}: {what}"));
    d.finish()
}

/// A notification naming an id that cannot be put in a URL path (`.`, `..`, or holding
/// `/`, `?`, `#`, `%` or a control character, [`threeds_wire::http::path_id_problem`]):
/// nothing is fetched, since such an id could send the call to another endpoint.
pub fn unusable_notification_id(
    provider: Provider,
    field: &str,
    id: &str,
    problem: &str,
) -> Normalized {
    let mut d = Draft::new(provider, DocumentKind::Webhook, "flow.notification");
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::Investigate,
        "flow.unusable_notification_id",
    );
    d.auth.reason = Some("unusable_notification_id".to_owned());
    d.auth.raw.message = Some(format!(
        "the notification's {field} '{}' cannot be used in a URL ({problem}); nothing was fetched",
        threeds_wire::excerpt(id)
    ));
    d.finish()
}

/// No HTTP answer at all.
pub fn transport(provider: Provider, stage: Stage, error: &TransportError) -> Normalized {
    let mut d = draft(provider, "http.transport");
    let (next, retry) = if error.not_sent() {
        stage.unchanged(Retry::OtherPsp)
    } else {
        stage.unsure(Retry::OtherPsp)
    };
    d.set_status(
        AuthenticationStatus::Error,
        next,
        format!("transport.{}", error.kind()),
    );
    d.auth.retry = retry;
    d.auth.reason = Some(format!("transport_{}", error.kind()));
    d.auth.raw.code = Some(error.kind().to_owned());
    d.auth.raw.message = Some(error.to_string());
    d.finish()
}

/// A non-2xx answer. A body the PSP's adapter recognises as one of its error documents is
/// normalized by it (the catalog decides status and next step); otherwise the HTTP status
/// decides, as the module table says.
pub fn http_error(
    provider: Provider,
    stage: Stage,
    operation: &'static str,
    response: &Response,
    ctx: &Context<'_>,
) -> Normalized {
    if let Ok(mut normalized) = read_body(provider, response, ctx) {
        if normalized.authentication.kind == DocumentKind::Error {
            normalized.explain.warnings.push(format!(
                "{operation}: HTTP {} with a {provider} error body",
                response.status
            ));
            return normalized;
        }
    }
    let mut d = draft(provider, "http.status");
    let status = response.status;
    let (next, retry) = match (status, stage) {
        (401 | 403, Stage::Start { .. }) => (NextStep::Investigate, Some(Retry::OtherPsp)),
        (401 | 403 | 404, _) => (NextStep::Investigate, None),
        (409, _) => stage.unchanged(Retry::Later),
        (429, _) => stage.unsure(Retry::Later),
        (500..=599, _) => stage.unsure(Retry::OtherPsp),
        _ => (NextStep::FixRequest, Some(Retry::Never)),
    };
    d.set_status(AuthenticationStatus::Error, next, format!("http.{status}"));
    d.auth.retry = retry;
    d.auth.reason = Some(match status {
        401 => "unauthorized".to_owned(),
        403 => "forbidden".to_owned(),
        404 => "not_found".to_owned(),
        409 => "conflict".to_owned(),
        429 => "rate_limited".to_owned(),
        500..=599 => "psp_unavailable".to_owned(),
        other => format!("http_{other}"),
    });
    d.auth.raw.status = Some(status.to_string());
    let mut message = format!("{operation}: HTTP {status}");
    if let Some(after) = response.retry_after() {
        message.push_str(&format!(", Retry-After {} s", after.as_secs()));
    }
    if !response.body.is_empty() {
        message.push_str(", with a body that is not a known error document");
    }
    d.auth.raw.message = Some(message);
    d.finish()
}

/// A 2xx answer whose body is not the document the call returns.
pub fn unreadable(
    provider: Provider,
    stage: Stage,
    operation: &'static str,
    response: &Response,
    problem: &str,
) -> Normalized {
    let mut d = draft(provider, "http.body");
    let (next, retry) = stage.unsure(Retry::OtherPsp);
    d.set_status(AuthenticationStatus::Error, next, "http.unreadable_body");
    d.auth.retry = retry;
    d.auth.reason = Some("unreadable_response".to_owned());
    d.auth.raw.status = Some(response.status.to_string());
    d.auth.raw.message = Some(format!(
        "{operation}: HTTP {} but the body could not be read: {}",
        response.status,
        scrub(problem)
    ));
    d.finish()
}

/// Normalizes a 2xx body with the PSP's adapter, or reports it as unreadable.
pub fn normalize_body(
    provider: Provider,
    stage: Stage,
    operation: &'static str,
    response: &Response,
    ctx: &Context<'_>,
) -> Normalized {
    read_body(provider, response, ctx).unwrap_or_else(|problem| {
        unreadable(provider, stage, operation, response, &problem.to_string())
    })
}

/// Why a 2xx body could not be normalized: [`unreadable`] quotes it after the operation
/// and HTTP status, which say where.
#[derive(Debug, thiserror::Error)]
enum BodyError {
    /// The body is not JSON (the parser's message, with its line and column).
    #[error(transparent)]
    NotJson(#[from] serde_json::Error),
    /// JSON, but not a document the PSP's adapter can read.
    #[error(transparent)]
    Normalize(#[from] NormalizeError),
}

/// The body normalized by the PSP's adapter, or why it could not be.
fn read_body(
    provider: Provider,
    response: &Response,
    ctx: &Context<'_>,
) -> Result<Normalized, BodyError> {
    let value: serde_json::Value = serde_json::from_slice(&response.body)?;
    Ok(normalize_value(&value, Some(provider), ctx)?)
}

/// The outcome of any answered call: [`normalize_body`] for 2xx, [`http_error`] otherwise.
pub fn answered(
    provider: Provider,
    stage: Stage,
    operation: &'static str,
    response: &Response,
    ctx: &Context<'_>,
) -> Normalized {
    if response.is_success() {
        normalize_body(provider, stage, operation, response, ctx)
    } else {
        http_error(provider, stage, operation, response, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalog;
    use bytes::Bytes;
    use reqwest::header::HeaderMap;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            attempts: 1,
        }
    }

    #[test]
    fn transport_failures_are_errors_never_pending() {
        let not_sent = TransportError::NotSent {
            operation: "checkout.create_session",
            host: "http://127.0.0.1:1".into(),
            detail: "connection refused".into(),
            attempts: 3,
        };
        let timed_out = TransportError::TimedOut {
            operation: "mangopay.create_payin",
            host: "http://127.0.0.1:1".into(),
            timeout_ms: 100,
            attempts: 1,
        };
        let a = transport(
            Provider::CHECKOUT,
            Stage::Start { moves_money: false },
            &not_sent,
        );
        assert_eq!(a.authentication.status, AuthenticationStatus::Error);
        assert_eq!(a.authentication.next_step, NextStep::RetryAuthentication);
        assert_eq!(a.authentication.retry, Some(Retry::OtherPsp));
        // A call that may have charged the card is resolved, never retried anywhere.
        let b = transport(
            Provider::MANGOPAY,
            Stage::Start { moves_money: true },
            &timed_out,
        );
        assert_eq!(b.authentication.next_step, NextStep::Investigate);
        assert_eq!(b.authentication.retry, None);
        let c = transport(Provider::MANGOPAY, Stage::Later, &timed_out);
        assert_eq!(c.authentication.next_step, NextStep::Wait);
        assert_eq!(c.authentication.retry, None);
        assert_eq!(c.authentication.liability_shift, None);
    }

    #[test]
    fn bodiless_statuses_decide_the_next_step() {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        let start = Stage::Start { moves_money: false };
        let cases = [
            (401, NextStep::Investigate, Some(Retry::OtherPsp)),
            (404, NextStep::Investigate, None),
            (409, NextStep::RetryAuthentication, Some(Retry::Later)),
            (429, NextStep::RetryAuthentication, Some(Retry::Later)),
            (502, NextStep::RetryAuthentication, Some(Retry::OtherPsp)),
            (422, NextStep::FixRequest, Some(Retry::Never)),
        ];
        for (status, next, retry) in cases {
            let n = http_error(
                Provider::CHECKOUT,
                start,
                "checkout.create_session",
                &response(status, ""),
                &ctx,
            );
            assert_eq!(
                n.authentication.status,
                AuthenticationStatus::Error,
                "{status}"
            );
            assert_eq!(n.authentication.next_step, next, "{status}");
            assert_eq!(n.authentication.retry, retry, "{status}");
        }
        // The same 5xx on a later call: the authentication lives on, nothing to retry.
        let n = http_error(
            Provider::CHECKOUT,
            Stage::Later,
            "checkout.get_session",
            &response(502, ""),
            &ctx,
        );
        assert_eq!(
            (n.authentication.next_step, n.authentication.retry),
            (NextStep::Wait, None)
        );
    }

    #[test]
    fn psp_error_bodies_go_through_the_catalog() {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        let body = r#"{"request_id":"r1","error_type":"unprocessable_entity","error_codes":["amount_invalid"]}"#;
        let n = http_error(
            Provider::CHECKOUT,
            Stage::Start { moves_money: false },
            "checkout.create_session",
            &response(422, body),
            &ctx,
        );
        assert_eq!(n.authentication.kind, DocumentKind::Error);
        assert_eq!(n.authentication.next_step, NextStep::FixRequest);
        assert!(n.explain.warnings.iter().any(|w| w.contains("HTTP 422")));
    }

    #[test]
    fn garbage_success_bodies_are_reported() {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        let n = answered(
            Provider::PAYSAFE,
            Stage::Later,
            "paysafe.get_authentication",
            &response(200, "{\"id\": \"tru"),
            &ctx,
        );
        assert_eq!(n.authentication.status, AuthenticationStatus::Error);
        assert_eq!(n.authentication.next_step, NextStep::Wait);
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("unreadable_response")
        );
    }
}
