//! Outcomes decided without a session answer: a request that cannot be sent, and client
//! errors (transport, configuration, the OAuth token endpoint).

use crate::flow::failure::{self, Resolvable, Stage};
use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Retry};
use crate::normalize::{Draft, Normalized};
use serde_json::Value;
use threeds_checkout::client::ClientError;
use threeds_wire::oauth::TokenError;

use super::P;

/// A failure decided before or without a PSP answer.
pub(super) fn local_failure(reason: &str, next: NextStep, message: String) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Error, "checkout.flow");
    d.set_status(AuthenticationStatus::Error, next, format!("flow.{reason}"));
    d.auth.reason = Some(reason.to_owned());
    d.auth.raw.message = Some(crate::normalize::scrub(&message));
    d.finish()
}

pub(super) fn boxed_failure(reason: &str, next: NextStep, message: String) -> Box<Normalized> {
    Box::new(local_failure(reason, next, message))
}

/// A client error as a normalized outcome.
pub(super) fn client_failure(stage: Stage, e: &ClientError) -> Normalized {
    let token = match e {
        ClientError::Transport(t) => return failure::transport(P, stage, t),
        ClientError::Config(m) => {
            return local_failure(
                "invalid_configuration",
                NextStep::Investigate,
                format!("checkout client configuration: {m}"),
            )
        }
        ClientError::Token(t) => t.as_ref(),
        // A kind of client error this flow does not know yet: what happened is not known.
        other => return failure::unresolved(P, Resolvable::No, "client_error", other.to_string()),
    };
    match token {
        TokenError::Transport(t) => failure::transport(P, stage, t),
        TokenError::Rejected(response) => {
            // The token endpoint's OAuth error code (RFC 6749 §5.2) names no secret.
            let code = serde_json::from_slice::<Value>(&response.body)
                .ok()
                .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned));
            let mut d = Draft::new(P, DocumentKind::Error, "checkout.oauth_token");
            d.set_status(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                format!("http.{}", response.status),
            );
            d.auth.reason = Some(if matches!(response.status, 400 | 401 | 403) {
                "invalid_credentials".to_owned()
            } else if response.status >= 500 || response.status == 429 {
                "psp_unavailable".to_owned()
            } else {
                format!("http_{}", response.status)
            });
            d.auth.raw.status = Some(response.status.to_string());
            d.auth.raw.code.clone_from(&code);
            d.auth.raw.message = Some(format!(
                "checkout.oauth_token: the token endpoint answered HTTP {}{}",
                response.status,
                code.map(|c| format!(" ({c})")).unwrap_or_default()
            ));
            if response.status >= 500 || response.status == 429 {
                d.set_status(
                    AuthenticationStatus::Error,
                    match stage {
                        Stage::Start { .. } => NextStep::RetryAuthentication,
                        Stage::Later => NextStep::Wait,
                    },
                    format!("http.{}", response.status),
                );
                // As for any 5xx or 429 (crate::flow::failure's table): no session exists
                // yet, so a new authentication may go to another PSP, or later.
                d.auth.retry = match stage {
                    Stage::Start { .. } if response.status == 429 => Some(Retry::Later),
                    Stage::Start { .. } => Some(Retry::OtherPsp),
                    Stage::Later => None,
                };
            }
            d.finish()
        }
        TokenError::Unreadable(response, why) => {
            failure::unreadable(P, stage, "checkout.oauth_token", response, why)
        }
        other => failure::unresolved(P, Resolvable::No, "token_error", other.to_string()),
    }
}
