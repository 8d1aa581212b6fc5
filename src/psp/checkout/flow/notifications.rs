//! Webhooks and callbacks: a verified webhook re-fetches its session (or stands in for it
//! when final), anything else is read only for its session id (see the flow's module
//! documentation, Notifications).

use crate::flow::{Handle, Notification, Step};
use crate::model::NextStep;
use crate::normalize::normalize_value;
use serde_json::Value;
use threeds_wire::signature::verify_hex;

use super::errors::local_failure;
use super::{CheckoutFlow, P};

impl CheckoutFlow {
    /// What a notification says, trusted only as far as its signature allows: the body of
    /// [`handle_notification`](crate::flow::AuthenticationFlow::handle_notification).
    pub(super) async fn answer_notification(&self, notification: &Notification) -> Step {
        let body: Option<Value> = serde_json::from_slice(&notification.body).ok();
        let session_id = body.as_ref().and_then(notification_session_id);
        let signature = notification.header("cko-signature");
        let verified = match (signature, &self.settings.webhook_signature_key) {
            (Some(sig), Some(key)) => {
                // An unusable (empty) key verifies nothing: the notification is not trusted.
                verify_hex(
                    "Checkout webhook signature key",
                    key.expose().as_bytes(),
                    &[&notification.body],
                    sig,
                ) == Ok(true)
            }
            _ => false,
        };
        if verified {
            let webhook = body
                .as_ref()
                .map(|b| normalize_value(b, Some(P), &self.ctx()));
            let event = body
                .as_ref()
                .and_then(|b| b.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            match (session_id, self.settings.refetch_verified_webhooks) {
                (Some(id), true) => {
                    let answer = self.get(&id).await;
                    let fetched = answer.session.is_some();
                    let not_found = answer.http_status == Some(404);
                    let mut step = self.step(answer, Some(&Handle::new(P, &id)));
                    step.normalized.explain.warnings.push(format!(
                        "verified Cko-Signature on webhook {event}; the session was re-fetched \
                         (deliveries may be late or repeated)"
                    ));
                    if fetched {
                        return step;
                    }
                    // The re-fetch failed. The webhook may stand in only when it is final
                    // (a final state does not change, while an earlier event delivered late
                    // would contradict it) and the session was not reported missing.
                    match webhook {
                        Some(Ok(mut normalized))
                            if !not_found && normalized.authentication.status.is_final() =>
                        {
                            normalized.explain.warnings.push(format!(
                                "re-fetching the session failed ({}); the verified final \
                                 webhook is returned instead",
                                step.normalized
                                    .authentication
                                    .raw
                                    .message
                                    .clone()
                                    .unwrap_or_default()
                            ));
                            step.normalized = normalized;
                        }
                        _ => step.normalized.explain.warnings.push(format!(
                            "re-fetching the session failed; the verified webhook {event} is \
                             not used in its place ({})",
                            if not_found {
                                "Checkout answered 404 for its session"
                            } else {
                                "it is not a final event, and may be older than the session's state"
                            }
                        )),
                    }
                    return step;
                }
                (id, _) => {
                    return match webhook {
                        Some(Ok(normalized)) => Step {
                            normalized,
                            handle: id.map(|id| Handle::new(P, id)),
                        },
                        Some(Err(e)) => Step {
                            normalized: local_failure(
                                "unreadable_notification",
                                NextStep::Investigate,
                                format!("a verified Checkout webhook that cannot be read: {e}"),
                            ),
                            handle: None,
                        },
                        None => Step {
                            normalized: local_failure(
                                "unreadable_notification",
                                NextStep::Investigate,
                                "a verified Checkout webhook whose body is not JSON".to_owned(),
                            ),
                            handle: None,
                        },
                    };
                }
            }
        }
        let why = match (signature, &self.settings.webhook_signature_key) {
            (Some(_), Some(key)) if key.is_empty() => {
                "the configured webhook signature key is empty"
            }
            (Some(_), Some(_)) => "Cko-Signature did not verify",
            (Some(_), None) => "no webhook signature key is configured",
            (None, _) => "no Cko-Signature (a complete callback carries none)",
        };
        match session_id {
            Some(id) => {
                self.refetch(
                    &id,
                    format!("notification not trusted ({why}); the session was re-fetched"),
                )
                .await
            }
            None => Step {
                normalized: local_failure(
                    "unverifiable_notification",
                    NextStep::Investigate,
                    format!("a notification that is not trusted ({why}) and names no Checkout session id"),
                ),
                handle: None,
            },
        }
    }
}
/// The session id a notification names: webhook `data.session_id`, callback `session_id`.
/// Only a Checkout-shaped id (`sid_` and letters/digits) is used to re-fetch.
pub(super) fn notification_session_id(body: &Value) -> Option<String> {
    let id = body
        .get("data")
        .and_then(|d| d.get("session_id"))
        .or_else(|| body.get("session_id"))
        .and_then(Value::as_str)?;
    let rest = id.strip_prefix("sid_")?;
    (!rest.is_empty() && rest.len() <= 64 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| id.to_owned())
}
