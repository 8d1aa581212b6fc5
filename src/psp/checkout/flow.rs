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

use crate::flow::failure::{self, Resolvable, Stage};
use crate::flow::{
    AuthenticationFlow, ChallengeResult, DeviceData, Handle, MethodOutcome, Notification, Step,
};
use crate::model::{AuthenticationStatus, DocumentKind, NextAction, NextStep, Provider};
use crate::normalize::{normalize_value, Context, Draft, Normalized};
use crate::psp::checkout::request::CheckoutCodec;
use crate::request::{AuthenticationRequest, RequestCodec};
use crate::Catalog;
use async_trait::async_trait;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use threeds_checkout::client::{Auth, Client, ClientError, Config, Environment};
use threeds_checkout::{
    Channel, ChannelData, Completion, CompletionType, IssuerFingerprintRequest, NextActionType,
    SessionRequest, SessionResponse, SessionStatus, ThreeDsMethodCompletion,
};
use threeds_wire::http::Response;
use threeds_wire::oauth::TokenError;
use threeds_wire::signature::verify_hex;
use threeds_wire::{Secret, Validate};

const P: Provider = Provider::CHECKOUT;

/// Merchant settings the session requests need and the normalized request does not carry.
#[derive(Clone)]
pub struct CheckoutSettings {
    /// Sent as `processing_channel_id` unless the request has one (required unless bound
    /// to the OAuth token, Checkout.com API reference).
    pub processing_channel_id: Option<String>,
    /// `completion.callback_url` when the request has none.
    pub callback_url: Option<String>,
    /// `completion.challenge_notification_url` when the request has none (where the ACS
    /// posts the CRes; Checkout's own endpoint when absent).
    pub challenge_notification_url: Option<String>,
    /// `threeDSMethodNotificationURL` when the request has none.
    pub method_notification_url: Option<String>,
    /// The workflow webhook signature key (`Cko-Signature`). Without it every webhook is
    /// treated as unverified and re-fetched.
    pub webhook_signature_key: Option<Secret>,
    /// Re-fetch the session after a verified webhook (see the module documentation).
    pub refetch_verified_webhooks: bool,
    /// EMV `challengeWindowSize` of a CReq the flow builds (`01`..`05`).
    pub challenge_window_size: String,
    /// How often `report_challenge` reads the session again while it is still
    /// `challenged` (the CRes can reach the browser before Checkout has the RReq).
    pub challenge_result_polls: u32,
    pub challenge_result_interval: Duration,
}

impl Default for CheckoutSettings {
    fn default() -> Self {
        CheckoutSettings {
            processing_channel_id: None,
            callback_url: None,
            challenge_notification_url: None,
            method_notification_url: None,
            webhook_signature_key: None,
            refetch_verified_webhooks: true,
            challenge_window_size: "05".to_owned(),
            challenge_result_polls: 3,
            challenge_result_interval: Duration::from_millis(500),
        }
    }
}

impl std::fmt::Debug for CheckoutSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckoutSettings")
            .field("processing_channel_id", &self.processing_channel_id)
            .field("callback_url", &self.callback_url)
            .field(
                "challenge_notification_url",
                &self.challenge_notification_url,
            )
            .field("method_notification_url", &self.method_notification_url)
            .field("webhook_signature_key", &self.webhook_signature_key)
            .field("refetch_verified_webhooks", &self.refetch_verified_webhooks)
            .finish_non_exhaustive()
    }
}

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
    pub fn local_sandbox(
        base: &str,
        http: threeds_wire::http::HttpSettings,
        mut settings: CheckoutSettings,
        catalog: Arc<Catalog>,
    ) -> Result<Self, ClientError> {
        use threeds_checkout::sandbox as sbx;
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

    /// Fills in what the adapter cannot know: the `threeDSMethodData` to post and a CReq
    /// in EMV base64url.
    fn complete_next_action(
        &self,
        normalized: &mut Normalized,
        session: &SessionResponse,
        handle: Option<&Handle>,
    ) {
        let warnings = &mut normalized.explain.warnings;
        match normalized.authentication.next_action.as_mut() {
            Some(NextAction::ThreeDsMethod { data, .. }) if data.is_none() => {
                let notify = handle
                    .and_then(|h| h.state.get("method_notification_url"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| self.settings.method_notification_url.clone());
                match (&session.transaction_id, notify) {
                    (Some(trans_id), Some(url)) => {
                        *data = Some(emv_base64url(&json!({
                            "threeDSServerTransID": trans_id,
                            "threeDSMethodNotificationURL": url,
                        })));
                    }
                    (None, _) => warnings.push(
                        "checkout session without transaction_id: threeDSMethodData cannot be built"
                            .to_owned(),
                    ),
                    (_, None) => warnings.push(
                        "no 3DS Method notification URL (request urls.method_notification_url or \
                         CheckoutSettings::method_notification_url): threeDSMethodData left null"
                            .to_owned(),
                    ),
                }
            }
            Some(NextAction::Challenge { url: Some(_), creq }) => match creq.take() {
                Some(given) => {
                    let fixed = to_emv_base64url(&given);
                    if fixed.as_deref() != Some(given.as_str()) {
                        warnings.push(
                            "checkout 3ds.challenge_request was not base64url without padding; \
                             re-encoded for the ACS"
                                .to_owned(),
                        );
                    }
                    *creq = Some(fixed.unwrap_or(given));
                }
                None => {
                    let acs_id = session.acs.as_ref().and_then(|a| a.transaction_id.clone());
                    match (&session.transaction_id, acs_id) {
                        (Some(trans_id), Some(acs_id)) => {
                            *creq = Some(emv_base64url(&json!({
                                "threeDSServerTransID": trans_id,
                                "acsTransID": acs_id,
                                "messageType": "CReq",
                                "messageVersion": session
                                    .protocol_version
                                    .clone()
                                    .unwrap_or_else(|| "2.2.0".to_owned()),
                                "challengeWindowSize": self.settings.challenge_window_size,
                            })));
                        }
                        _ => warnings.push(
                            "checkout challenged session without transaction_id or \
                             acs.transaction_id: no CReq can be built"
                                .to_owned(),
                        ),
                    }
                }
            },
            _ => {}
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

/// EMV base64url without padding of a JSON message.
fn emv_base64url(message: &Value) -> String {
    URL_SAFE_NO_PAD.encode(message.to_string())
}

/// `text` as base64url without padding: unchanged when it already is, re-encoded from
/// standard or padded base64 when it decodes as such, `None` when it is no base64 at all.
fn to_emv_base64url(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if URL_SAFE_NO_PAD.decode(trimmed).is_ok() {
        return Some(trimmed.to_owned());
    }
    let bytes = URL_SAFE
        .decode(trimmed)
        .or_else(|_| STANDARD.decode(trimmed))
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed.trim_end_matches('='))
        })
        .ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// A failure decided before or without a PSP answer.
fn local_failure(reason: &str, next: NextStep, message: String) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Error, "checkout.flow");
    d.set_status(AuthenticationStatus::Error, next, format!("flow.{reason}"));
    d.auth.reason = Some(reason.to_owned());
    d.auth.raw.message = Some(crate::normalize::scrub(&message));
    d.finish()
}

fn boxed_failure(reason: &str, next: NextStep, message: String) -> Box<Normalized> {
    Box::new(local_failure(reason, next, message))
}

/// A client error as a normalized outcome.
fn client_failure(stage: Stage, e: &ClientError) -> Normalized {
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
            }
            d.finish()
        }
        TokenError::Unreadable(response, why) => {
            failure::unreadable(P, stage, "checkout.oauth_token", response, why)
        }
        other => failure::unresolved(P, Resolvable::No, "token_error", other.to_string()),
    }
}

/// `three_ds_method_completion` for a 3DS Method outcome. Checkout's own rule differs from
/// EMV's for a timeout: "default to `U` if the 3DS Method URL does not respond within 10
/// seconds" (Checkout.com API reference, `ThreeDsMethodCompletion.yaml`). `N` is kept for a method that
/// exists but was not run.
fn method_completion(outcome: &MethodOutcome, method_url: bool) -> ThreeDsMethodCompletion {
    match outcome {
        MethodOutcome::Completed { .. } => ThreeDsMethodCompletion::Y,
        MethodOutcome::TimedOut => ThreeDsMethodCompletion::U,
        MethodOutcome::NotRun if method_url => ThreeDsMethodCompletion::N,
        MethodOutcome::NotRun => ThreeDsMethodCompletion::U,
    }
}

/// Browser data as Checkout's `channel_data` (numbers as strings, `ChannelData.yaml`).
fn browser_channel(
    data: &DeviceData,
    completion: Option<ThreeDsMethodCompletion>,
) -> Option<ChannelData> {
    let browser = data.browser.clone()?;
    let request = AuthenticationRequest {
        browser: Some(browser),
        ..AuthenticationRequest::default()
    };
    let mut channel = CheckoutCodec::from_model(&request).ok()?.channel_data?;
    channel.channel = Some(Channel::Browser);
    channel.three_ds_method_completion = completion;
    Some(channel)
}

/// The session id a notification names: webhook `data.session_id`, callback `session_id`.
/// Only a Checkout-shaped id (`sid_` and letters/digits) is used to re-fetch.
fn notification_session_id(body: &Value) -> Option<String> {
    let id = body
        .get("data")
        .and_then(|d| d.get("session_id"))
        .or_else(|| body.get("session_id"))
        .and_then(Value::as_str)?;
    let rest = id.strip_prefix("sid_")?;
    (!rest.is_empty() && rest.len() <= 64 && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| id.to_owned())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creq_values_become_emv_base64url() {
        let json = br#"{"a":"??>"}"#;
        let unpadded = URL_SAFE_NO_PAD.encode(json);
        assert_eq!(
            to_emv_base64url(&unpadded).as_deref(),
            Some(unpadded.as_str())
        );
        let standard = STANDARD.encode(json);
        assert!(standard.contains('/') || standard.contains('+') || standard.ends_with('='));
        assert_eq!(
            to_emv_base64url(&standard).as_deref(),
            Some(unpadded.as_str())
        );
        assert_eq!(to_emv_base64url("not base64!"), None);
    }

    #[test]
    fn method_completion_follows_checkout_for_timeouts() {
        assert_eq!(
            method_completion(&MethodOutcome::Completed { data: None }, true),
            ThreeDsMethodCompletion::Y
        );
        assert_eq!(
            method_completion(&MethodOutcome::TimedOut, true),
            ThreeDsMethodCompletion::U
        );
        assert_eq!(
            method_completion(&MethodOutcome::NotRun, true),
            ThreeDsMethodCompletion::N
        );
        assert_eq!(
            method_completion(&MethodOutcome::NotRun, false),
            ThreeDsMethodCompletion::U
        );
    }

    #[test]
    fn only_checkout_session_ids_are_refetched() {
        let id = |v: Value| notification_session_id(&v);
        assert_eq!(
            id(json!({"data": {"session_id": "sid_abc123"}})).as_deref(),
            Some("sid_abc123")
        );
        assert_eq!(
            id(json!({"session_id": "sid_abc123"})).as_deref(),
            Some("sid_abc123")
        );
        assert_eq!(id(json!({"session_id": "sid_../../x"})), None);
        assert_eq!(id(json!({"session_id": "pay_abc"})), None);
        assert_eq!(id(json!({"data": {}})), None);
    }
}
