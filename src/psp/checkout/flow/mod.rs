//! Checkout.com Standalone Sessions, non-hosted (Checkout.com API reference, `spec/paths/sessions*.yaml`;
//! Non-hosted sessions guide; webhook receiver guide: see `docs/sources.md`).
//!
//! | call | requests |
//! |---|---|
//! | [`start`](AuthenticationFlow::start) | `POST /sessions` (with browser `channel_data` when the request has browser data) |
//! | [`submit_device_data`](AuthenticationFlow::submit_device_data) | `GET /sessions/{id}`, then what `next_actions` still asks for: `PUT collect-data` (the 3DS Method outcome rides along as `three_ds_method_completion`) and/or `PUT issuer-fingerprint` |
//! | [`report_challenge`](AuthenticationFlow::report_challenge) | `GET /sessions/{id}` (polled briefly while Checkout has not yet received the RReq) |
//! | [`fetch`](AuthenticationFlow::fetch) | `GET /sessions/{id}` |
//! | [`complete`](AuthenticationFlow::complete) | `POST /sessions/{id}/complete`, then `GET` |
//! | [`handle_notification`](AuthenticationFlow::handle_notification) | `GET /sessions/{id}` (see below) |
//!
//! Every call uses the back end's OAuth token, so responses carry `eci` and `cryptogram`
//! (a `session_secret` caller never sees them, Checkout.com API reference). The `session_secret` is handed back in
//! [`Handle::client_secret`] for a front end that calls Checkout itself.
//!
//! # `next_action`
//!
//! * `three_ds_method`: `_links.three_ds_method_url` with `data` = the EMV
//!   `threeDSMethodData`, base64url without padding of
//!   `{"threeDSServerTransID": transaction_id, "threeDSMethodNotificationURL": ...}`. The
//!   notification URL is the request's `urls.method_notification_url`, else
//!   [`CheckoutSettings::method_notification_url`]; with neither, `data` stays null and a
//!   warning says why.
//! * `challenge`: `acs.url` with `3ds.challenge_request` when Checkout sends it, else a CReq
//!   built per EMV (`threeDSServerTransID`, `acsTransID`, `messageType`, `messageVersion`,
//!   `challengeWindowSize`). Either way it is base64url **without padding**: a standard
//!   base64 or padded value is re-encoded (losslessly) and a warning says so.
//!
//! # Notifications
//!
//! * A workflow webhook whose `Cko-Signature` verifies (hex HMAC-SHA256 of the raw body
//!   with [`CheckoutSettings::webhook_signature_key`], constant-time) is authentic, but
//!   deliveries are at-least-once and unordered, and the documented samples carry
//!   contradictory `response_code`s (the `authentication_attempted` event-type page). So by default
//!   ([`CheckoutSettings::refetch_verified_webhooks`]) the session is re-fetched and its
//!   current state returned: a late `authentication_started` or a duplicate cannot move an
//!   authentication backwards, and the answer carries the cryptogram the webhook lacks. If
//!   that GET fails, the verified webhook itself is normalized and returned, with a warning.
//! * A webhook without a valid signature, or any other body (the non-hosted `complete`
//!   callback has no documented signature in `sessions@{id}@complete.yaml`), is never trusted: only its `session_id` is
//!   read and the session is fetched with OAuth.
//!
//! # Parts
//!
//! `settings` ([`CheckoutSettings`]), `next_action` (the `threeDSMethodData` and the CReq in
//! EMV base64url), `device_data` (browser `channel_data` and the 3DS Method completion),
//! `notifications` (webhooks and callbacks, as above) and `errors` (outcomes decided without
//! a session answer).

mod device_data;
mod errors;
mod next_action;
mod notifications;
mod settings;
#[cfg(test)]
mod tests;

use crate::flow::failure::{self, Stage};
use crate::flow::{AuthenticationFlow, ChallengeResult, DeviceData, Handle, Notification, Step};
use crate::model::{AuthenticationStatus, NextStep, Provider};
use crate::normalize::{Context, Normalized};
use crate::psp::checkout::request::CheckoutCodec;
use crate::request::{AuthenticationRequest, RequestCodec};
use crate::Catalog;
use async_trait::async_trait;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use threeds_checkout::client::{Auth, Client, ClientError};
use threeds_checkout::{
    Completion, CompletionType, IssuerFingerprintRequest, NextActionType, SessionRequest,
    SessionResponse, SessionStatus,
};
use threeds_wire::http::Response;
use threeds_wire::Validate;

use device_data::{browser_channel, method_completion};
use errors::{boxed_failure, client_failure};
pub use settings::CheckoutSettings;

const P: Provider = Provider::CHECKOUT;

/// The Checkout Sessions flow.
pub struct CheckoutFlow {
    client: Client,
    settings: CheckoutSettings,
    catalog: Arc<Catalog>,
}

/// A call's normalized outcome and, for a 2xx session body, the session itself.
struct Answer {
    normalized: Normalized,
    session: Option<SessionResponse>,
    /// The HTTP status, when there was an answer.
    http_status: Option<u16>,
}

impl CheckoutFlow {
    pub fn new(client: Client, settings: CheckoutSettings, catalog: Arc<Catalog>) -> Self {
        CheckoutFlow {
            client,
            settings,
            catalog,
        }
    }

    /// A flow against `threeds-bridge sandbox` at `base` (`http://ADDR/checkout`) with the
    /// sandbox's printed test credentials; `settings` fields left `None` for the processing
    /// channel and the webhook key get the sandbox's values.
    #[cfg(feature = "sandbox")]
    pub fn local_sandbox(
        base: &str,
        http: threeds_wire::http::HttpSettings,
        mut settings: CheckoutSettings,
        catalog: Arc<Catalog>,
    ) -> Result<Self, ClientError> {
        use threeds_checkout::client::{Config, Environment};
        use threeds_checkout::sandbox as sbx;
        use threeds_wire::Secret;
        let mut config = Config::new(
            sbx::ACCESS_KEY_ID,
            Secret::new(sbx::ACCESS_KEY_SECRET),
            Environment::local(base),
        );
        config.http = http;
        if settings.processing_channel_id.is_none() {
            settings.processing_channel_id = Some(sbx::PROCESSING_CHANNEL_ID.to_owned());
        }
        if settings.webhook_signature_key.is_none() {
            settings.webhook_signature_key = Some(Secret::new(sbx::WEBHOOK_SIGNATURE_KEY));
        }
        Ok(CheckoutFlow::new(Client::new(config)?, settings, catalog))
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn ctx(&self) -> Context<'_> {
        Context::new(&self.catalog)
    }

    /// Normalizes the result of one client call.
    fn answer(
        &self,
        stage: Stage,
        operation: &'static str,
        result: Result<Response, ClientError>,
    ) -> Answer {
        match result {
            Ok(response) => {
                let normalized = failure::answered(P, stage, operation, &response, &self.ctx());
                let session = if response.is_success() {
                    serde_json::from_slice::<SessionResponse>(&response.body).ok()
                } else {
                    None
                };
                Answer {
                    normalized,
                    session,
                    http_status: Some(response.status),
                }
            }
            Err(e) => Answer {
                normalized: client_failure(stage, &e),
                session: None,
                http_status: None,
            },
        }
    }

    async fn get(&self, id: &str) -> Answer {
        let result = self.client.get_session(id, Auth::OAuth, None).await;
        self.answer(Stage::Later, "checkout.get_session", result)
    }

    /// The step for `answer`: next action completed, handle carried forward.
    fn step(&self, mut answer: Answer, handle: Option<&Handle>) -> Step {
        let state = handle.map_or(Value::Null, |h| h.state.clone());
        let mut handle = match (&answer.session, handle) {
            (Some(s), previous) => {
                let id =
                    s.id.clone()
                        .or_else(|| previous.map(|h| h.id.clone()))
                        .unwrap_or_default();
                let mut h = Handle::new(P, id);
                h.client_secret = s
                    .session_secret
                    .clone()
                    .or_else(|| previous.and_then(|p| p.client_secret.clone()));
                h.state = state;
                Some(h)
            }
            (None, previous) => previous.cloned(),
        };
        if let Some(h) = handle.as_mut() {
            if h.id.is_empty() {
                answer
                    .normalized
                    .explain
                    .warnings
                    .push("checkout session response without an id".to_owned());
                handle = None;
            }
        }
        if let Some(session) = &answer.session {
            self.complete_next_action(&mut answer.normalized, session, handle.as_ref());
        }
        Step {
            normalized: answer.normalized,
            handle,
        }
    }

    /// The `POST /sessions` body for a normalized request.
    fn session_request(
        &self,
        request: &AuthenticationRequest,
    ) -> Result<SessionRequest, Box<Normalized>> {
        let mut w = CheckoutCodec::from_model(request).map_err(|e| {
            boxed_failure(
                "invalid_request",
                NextStep::FixRequest,
                format!("the request cannot be written for Checkout: {e}"),
            )
        })?;
        if w.processing_channel_id.is_none() {
            w.processing_channel_id
                .clone_from(&self.settings.processing_channel_id);
        }
        let s = &self.settings;
        let completion = w.completion.get_or_insert_with(|| Completion {
            completion_type: Some(CompletionType::NonHosted),
            ..Completion::default()
        });
        if completion.completion_type == Some(CompletionType::NonHosted) {
            if completion.callback_url.is_none() {
                completion.callback_url.clone_from(&s.callback_url);
            }
            if completion.challenge_notification_url.is_none() {
                completion
                    .challenge_notification_url
                    .clone_from(&s.challenge_notification_url);
            }
        }
        let violations = w.validate();
        if !violations.is_empty() {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            return Err(boxed_failure(
                "invalid_request",
                NextStep::FixRequest,
                format!(
                    "not sent: Checkout would reject the session request: {}",
                    list.join("; ")
                ),
            ));
        }
        Ok(w)
    }

    /// `GET` until the session leaves `challenged` (at most the configured polls).
    async fn read_after_challenge(&self, handle: &Handle) -> Answer {
        let mut answer = self.get(&handle.id).await;
        for _ in 0..self.settings.challenge_result_polls {
            if !still_challenged(&answer) {
                break;
            }
            tokio::time::sleep(self.settings.challenge_result_interval).await;
            answer = self.get(&handle.id).await;
        }
        answer
    }

    async fn refetch(&self, session_id: &str, why: String) -> Step {
        let mut answer = self.get(session_id).await;
        answer.normalized.explain.warnings.push(why);
        let handle = Handle::new(P, session_id);
        self.step(answer, Some(&handle))
    }
}

fn still_challenged(answer: &Answer) -> bool {
    answer
        .session
        .as_ref()
        .is_some_and(|s| s.status == Some(SessionStatus::Challenged))
}

#[async_trait]
impl AuthenticationFlow for CheckoutFlow {
    fn provider(&self) -> Provider {
        P
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        let body = match self.session_request(request) {
            Ok(b) => b,
            Err(normalized) => {
                return Step {
                    normalized: *normalized,
                    handle: None,
                }
            }
        };
        let result = self.client.create_session(&body).await;
        let answer = self.answer(
            Stage::Start { moves_money: false },
            "checkout.create_session",
            result,
        );
        let mut handle = Handle::new(P, "");
        if let Some(url) = &request.urls.method_notification_url {
            handle.state = json!({ "method_notification_url": url });
        }
        if answer.session.is_none() {
            return Step {
                normalized: answer.normalized,
                handle: None,
            };
        }
        self.step(answer, Some(&handle))
    }

    async fn submit_device_data(&self, handle: &Handle, data: &DeviceData) -> Step {
        let current = self.get(&handle.id).await;
        let Some(session) = current.session.clone() else {
            return self.step(current, Some(handle));
        };
        if session.status != Some(SessionStatus::Pending) {
            let mut step = self.step(current, Some(handle));
            step.normalized.explain.warnings.push(format!(
                "checkout session is {}: no device data needed",
                session
                    .status
                    .as_ref()
                    .map_or("without status", |s| s.as_str())
            ));
            return step;
        }
        let actions = session.next_actions.clone().unwrap_or_default();
        let method_url = session
            .links
            .as_ref()
            .and_then(|l| l.three_ds_method_url.as_ref())
            .is_some();
        let completion = method_completion(&data.method, method_url);
        let mut latest = current;
        if actions.contains(&NextActionType::CollectChannelData) {
            let fingerprint_due = actions.contains(&NextActionType::IssuerFingerprint);
            let Some(channel) = browser_channel(data, fingerprint_due.then(|| completion.clone()))
            else {
                let mut step = self.step(latest, Some(handle));
                step.normalized.explain.warnings.push(
                    "checkout asks for channel data (collect_channel_data) and the device data \
                     has no browser data; nothing was sent"
                        .to_owned(),
                );
                return step;
            };
            let result = self
                .client
                .collect_data(&handle.id, &channel, Auth::OAuth)
                .await;
            latest = self.answer(Stage::Later, "checkout.collect_data", result);
            if latest.session.is_none() {
                return self.step(latest, Some(handle));
            }
        }
        let still_due = latest.session.as_ref().is_some_and(|s| {
            s.status == Some(SessionStatus::Pending)
                && s.next_actions
                    .as_ref()
                    .is_some_and(|a| a.contains(&NextActionType::IssuerFingerprint))
        });
        if still_due {
            let body = IssuerFingerprintRequest {
                three_ds_method_completion: Some(completion),
            };
            let result = self
                .client
                .issuer_fingerprint(&handle.id, &body, Auth::OAuth)
                .await;
            latest = self.answer(Stage::Later, "checkout.issuer_fingerprint", result);
        }
        self.step(latest, Some(handle))
    }

    async fn report_challenge(&self, handle: &Handle, result: &ChallengeResult) -> Step {
        let answer = self.read_after_challenge(handle).await;
        let waiting = still_challenged(&answer);
        let reported = result
            .cres
            .as_deref()
            .and_then(|c| URL_SAFE_NO_PAD.decode(c.trim().trim_end_matches('=')).ok())
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| {
                v.get("transStatus")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        let mut step = self.step(answer, Some(handle));
        let warnings = &mut step.normalized.explain.warnings;
        if let (Some(cres), Some(actual)) = (&reported, &step.normalized.authentication.raw.code) {
            if cres != actual && !waiting {
                warnings.push(format!(
                    "the CRes said transStatus {cres} but Checkout reports {actual}; Checkout's \
                     session wins (a CRes passes through the browser and is not trusted)"
                ));
            }
        }
        if waiting {
            let a = &mut step.normalized.authentication;
            a.next_action = None;
            a.next_step = NextStep::Wait;
            a.reason = Some("awaiting_psp".to_owned());
            warnings.push(
                "the cardholder left the challenge but Checkout has no result yet; wait for the \
                 webhook or fetch again"
                    .to_owned(),
            );
        }
        step
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        let answer = self.get(&handle.id).await;
        self.step(answer, Some(handle))
    }

    async fn complete(&self, handle: &Handle) -> Step {
        let result = self.client.complete(&handle.id, Auth::OAuth).await;
        // 204 No Content: nothing to normalize, the session is read next.
        if result.as_ref().is_ok_and(Response::is_success) {
            let answer = self.get(&handle.id).await;
            return self.step(answer, Some(handle));
        }
        let completed = self.answer(Stage::Later, "checkout.complete_session", result);
        let status = completed.normalized.authentication.status;
        let refused_by_state = status == AuthenticationStatus::Error
            && completed
                .normalized
                .authentication
                .raw
                .code
                .as_deref()
                .is_some_and(|c| c.contains("update_not_allowed_due_to_state"));
        if status == AuthenticationStatus::Error && !refused_by_state {
            return Step {
                normalized: completed.normalized,
                handle: Some(handle.clone()),
            };
        }
        let answer = self.get(&handle.id).await;
        if refused_by_state {
            // Checkout refuses a complete the session's state does not allow: a session
            // already completed (the answer to an earlier complete was lost) or not ready.
            // The request itself was right, so this is never `fix_request`.
            if answer.session.is_none() {
                let why = answer
                    .normalized
                    .authentication
                    .raw
                    .message
                    .clone()
                    .unwrap_or_default();
                return Step {
                    normalized: failure::unconfirmed(
                        P,
                        "checkout.complete_session",
                        format!(
                            "refused by the session's state (update_not_allowed_due_to_state: \
                             it may already be completed, by an earlier call whose answer was \
                             lost), and reading the session failed: {why}"
                        ),
                    ),
                    handle: Some(handle.clone()),
                };
            }
            let mut step = self.step(answer, Some(handle));
            step.normalized.explain.warnings.push(
                "checkout.complete_session: refused by the session's state (already completed, \
                 or not ready to be); the session's current state is returned"
                    .to_owned(),
            );
            return step;
        }
        self.step(answer, Some(handle))
    }

    async fn handle_notification(&self, notification: &Notification) -> Step {
        self.answer_notification(notification).await
    }
}
