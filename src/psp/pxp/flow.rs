//! PXP Unity 3DS, standalone mode, behind [`AuthenticationFlow`].
//!
//! | flow call | PXP call | notes |
//! |---|---|---|
//! | [`start`](AuthenticationFlow::start) | `POST .../authentications` (pre-initiate) | the initiate fields (merchant data, challenge callback, window size, addresses, ...) are kept in [`Handle::state`]; no card data is |
//! | [`submit_device_data`](AuthenticationFlow::submit_device_data) | `PUT .../{id}/browser-authentication` (initiate) | `browserData` from [`DeviceData::browser`], `fingerprintNotification` from [`MethodOutcome::Completed`] |
//! | [`report_challenge`](AuthenticationFlow::report_challenge) | `GET .../{id}` | PXP's state, not the CRes, is the result |
//! | [`fetch`](AuthenticationFlow::fetch), [`complete`](AuthenticationFlow::complete) | `GET .../{id}` | PXP has no completion call |
//! | [`handle_notification`](AuthenticationFlow::handle_notification) | none, or `GET .../{id}` | see below |
//!
//! `next_action` after `start` is `three_ds_method` (the fingerprint URL and data to post in
//! a hidden iframe) or `collect_device_data` when PXP returned empty fingerprint fields.
//!
//! # Webhooks
//!
//! `X-Signature` is checked in constant time with the merchant group's webhook key
//! ([`threeds_pxp::client::signing_unverified::verify_webhook`]; the hash is assumed),
//! after `X-Request-Id` (a UUID) and `X-Signature-Timestamp` (Unix seconds) are checked for
//! their exact form, so no character can move between them under one signature, and the
//! timestamp for its age ([`WEBHOOK_MAX_AGE`] by default, [`PxpFlow::with_webhook_max_age`]),
//! so a captured webhook cannot be replayed later. Then:
//!
//! * verified, carrying an authentication in a final state: normalized from the envelope,
//!   no call to PXP. PXP's final states do not change (its states page: rejected means do
//!   not retry, successful means authorise), so a duplicate repeats the same result and a
//!   late delivery cannot overwrite a newer one with something different;
//! * verified, naming an authentication that is not final or that this version cannot
//!   read: the authentication is re-fetched, since only PXP's current state is safe to act
//!   on when events may arrive out of order (PXP: keep the latest by timestamp);
//! * verified, about something else (a `Token`, `Transaction` or `Reporting` event):
//!   normalized as what it is (`unknown` / `investigate` by the catalog);
//! * not verified (no key configured, a header missing or malformed, a stale timestamp, a
//!   wrong signature): never trusted;
//!   the `authenticationId` in the body only names what to re-fetch.

use crate::catalog::Catalog;
use crate::flow::failure::{self, Stage};
use crate::flow::{
    AuthenticationFlow, ChallengeResult, DeviceData, Handle, MethodOutcome, Notification, Step,
};
use crate::model::{AuthenticationStatus as S, DocumentKind, NextStep as N, Provider};
use crate::normalize::{normalize_value, scrub, Context, Draft, Normalized};
use crate::psp::pxp::request::{browser_data, PxpCodec};
use crate::request::{AuthenticationRequest, RequestCodec};
use async_trait::async_trait;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use threeds_pxp::client::{signing_unverified, Client, Config};
use threeds_pxp::fingerprint;
use threeds_pxp::request::BrowserAuthenticationRequest;
use threeds_wire::http::{Response, TransportError};
use threeds_wire::{Secret, Validate};

const P: Provider = Provider::PXP;
const START: Stage = Stage::Start { moves_money: false };
/// The key of the initiate body in [`Handle::state`].
const STATE_KEY: &str = "browserAuthentication";

/// What the flow needs besides the client: the merchant-group configuration PXP's
/// requests carry and the normalized request has no field for.
#[derive(Clone)]
pub struct PxpFlowConfig {
    pub client: Config,
    /// `merchantGroup` (at most 10 characters).
    pub merchant_group: String,
    /// `acquirerProfileId` (at most 20 characters).
    pub acquirer_profile_id: String,
    /// `acquirerMerchantId` of the initiate call, when the acquirer needs one.
    pub acquirer_merchant_id: Option<String>,
    /// `challengeWindowSize` (EMV 1..5) when the request does not say; PXP's example
    /// sends 3 (500x600).
    pub challenge_window_size: Option<i64>,
    /// The merchant group's webhook HMAC key; without it every webhook is re-fetched.
    pub webhook_key: Option<Secret>,
}

impl std::fmt::Debug for PxpFlowConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PxpFlowConfig")
            .field("client", &self.client)
            .field("merchant_group", &self.merchant_group)
            .field("acquirer_profile_id", &self.acquirer_profile_id)
            .field("acquirer_merchant_id", &self.acquirer_merchant_id)
            .field("challenge_window_size", &self.challenge_window_size)
            .field("webhook_key", &self.webhook_key)
            .finish()
    }
}

/// Why a [`PxpFlow`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PxpFlowError {
    #[error("pxp flow: {0}")]
    Transport(#[from] TransportError),
}

/// The PXP authentication flow.
pub struct PxpFlow {
    client: Client,
    catalog: Arc<Catalog>,
    merchant_group: String,
    acquirer_profile_id: String,
    acquirer_merchant_id: Option<String>,
    challenge_window_size: Option<i64>,
    webhook_key: Option<Secret>,
    webhook_max_age: Duration,
    clock: Clock,
}

/// Where the flow reads the time (webhook freshness); replaceable so tests need not wait.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// How old (or how far ahead of this clock) a webhook's `X-Signature-Timestamp` may be by
/// default: PXP retries a failed delivery within 10 seconds (reference: PXP "About
/// webhooks"), so a few minutes leave room for clock drift and nothing for late replays.
pub const WEBHOOK_MAX_AGE: Duration = Duration::from_secs(300);

impl PxpFlow {
    /// A flow over `config`'s account sharing `catalog` (so `--codes` overrides reach it).
    pub fn new(config: PxpFlowConfig, catalog: Arc<Catalog>) -> Result<Self, PxpFlowError> {
        Ok(PxpFlow {
            client: Client::new(config.client)?,
            catalog,
            merchant_group: config.merchant_group,
            acquirer_profile_id: config.acquirer_profile_id,
            acquirer_merchant_id: config.acquirer_merchant_id,
            challenge_window_size: config.challenge_window_size,
            webhook_key: config.webhook_key,
            webhook_max_age: WEBHOOK_MAX_AGE,
            clock: Arc::new(SystemTime::now),
        })
    }

    /// Accepts webhooks whose `X-Signature-Timestamp` is at most `max_age` from now
    /// (default [`WEBHOOK_MAX_AGE`]).
    pub fn with_webhook_max_age(mut self, max_age: Duration) -> Self {
        self.webhook_max_age = max_age;
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    fn ctx(&self) -> Context<'_> {
        Context::new(&self.catalog)
    }

    /// The normalized outcome of one call.
    fn outcome(
        &self,
        stage: Stage,
        operation: &'static str,
        result: &Result<Response, TransportError>,
    ) -> Normalized {
        match result {
            Err(e) => failure::transport(P, stage, e),
            Ok(response) => {
                let mut n = failure::answered(P, stage, operation, response, &self.ctx());
                if !response.is_success() {
                    if let Some(w) = problem_warning(operation, response) {
                        n.explain.warnings.push(w);
                    }
                }
                n
            }
        }
    }

    /// A call on an existing authentication: the handle stays as it was.
    fn later(
        &self,
        handle: &Handle,
        operation: &'static str,
        result: &Result<Response, TransportError>,
    ) -> Step {
        let mut normalized = self.outcome(Stage::Later, operation, result);
        if let Some(id) = &normalized.authentication.id {
            if *id != handle.id && normalized.authentication.kind != DocumentKind::Error {
                normalized.explain.warnings.push(format!(
                    "{operation}: PXP answered for authenticationId {id}, not {}",
                    handle.id
                ));
            }
        }
        Step {
            normalized,
            handle: Some(handle.clone()),
        }
    }

    async fn get(&self, handle: &Handle) -> Step {
        if let Some(step) = wrong_provider(handle) {
            return step;
        }
        let result = self.client.get_authentication(&handle.id).await;
        self.later(handle, "pxp.get_authentication", &result)
    }

    /// Re-reads an authentication named by a notification that is not trusted as is.
    async fn refetch(&self, id: &str, why: String) -> Step {
        let handle = Handle::new(P, id);
        let mut step = self.get(&handle).await;
        step.normalized.explain.warnings.push(why);
        step
    }

    /// The initiate body of `start`: the codec's, plus the merchant-group configuration.
    fn complete_initiate(
        &self,
        body: Option<BrowserAuthenticationRequest>,
    ) -> BrowserAuthenticationRequest {
        let mut body = body.unwrap_or_default();
        if body.acquirer_merchant_id.is_none() {
            body.acquirer_merchant_id
                .clone_from(&self.acquirer_merchant_id);
        }
        if body.challenge_window_size.is_none() {
            body.challenge_window_size = self.challenge_window_size;
        }
        body
    }
}

#[async_trait]
impl AuthenticationFlow for PxpFlow {
    fn provider(&self) -> Provider {
        P
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        let wire = match PxpCodec::from_model(request) {
            Ok(wire) => wire,
            Err(e) => return local_step(None, "invalid_request", e.to_string(), Vec::new()),
        };
        let mut pre = wire.pre_initiate.unwrap_or_default();
        pre.merchant_group = Some(self.merchant_group.clone());
        pre.acquirer_profile_id = Some(self.acquirer_profile_id.clone());
        let initiate = self.complete_initiate(wire.browser_authentication);
        // Everything PXP will reject is reported before anything is sent. Browser data
        // comes with submit_device_data, so its absence is not a problem yet.
        let mut violations: Vec<String> = pre.validate().iter().map(|v| v.to_string()).collect();
        violations.extend(
            initiate
                .validate()
                .iter()
                .filter(|v| v.path != "browserData")
                .map(|v| format!("browser-authentication {v}")),
        );
        if !violations.is_empty() {
            return local_step(
                None,
                "invalid_request",
                format!("pxp.pre_initiate: not sent: {}", violations.join("; ")),
                violations,
            );
        }
        let state = match serde_json::to_value(&initiate) {
            Ok(body) => serde_json::json!({ STATE_KEY: body }),
            Err(e) => {
                return local_step(
                    None,
                    "invalid_request",
                    format!(
                        "pxp: cannot keep the initiate fields: {}",
                        scrub(&e.to_string())
                    ),
                    Vec::new(),
                )
            }
        };

        let result = self.client.pre_initiate(&pre).await;
        let normalized = self.outcome(START, "pxp.pre_initiate", &result);
        let Ok(response) = &result else {
            return Step {
                normalized,
                handle: None,
            };
        };
        if !response.is_success() {
            return Step {
                normalized,
                handle: None,
            };
        }
        match normalized.authentication.id.clone() {
            Some(id) if normalized.authentication.kind != DocumentKind::Error => Step {
                normalized,
                handle: Some(Handle {
                    provider: P,
                    id,
                    client_secret: None,
                    state,
                }),
            },
            _ => Step {
                normalized: failure::unreadable(
                    P,
                    START,
                    "pxp.pre_initiate",
                    response,
                    "the pre-initiate answer has no authenticationId",
                ),
                handle: None,
            },
        }
    }

    async fn submit_device_data(&self, handle: &Handle, data: &DeviceData) -> Step {
        const OP: &str = "pxp.initiate_browser_authentication";
        if let Some(step) = wrong_provider(handle) {
            return step;
        }
        let mut body: BrowserAuthenticationRequest = match handle.state.get(STATE_KEY) {
            Some(v) => match serde_json::from_value(v.clone()) {
                Ok(body) => body,
                Err(e) => {
                    return local_step(
                        Some(handle),
                        "invalid_handle",
                        format!(
                            "{OP}: not sent: handle.state.{STATE_KEY} is not an initiate body: {}",
                            scrub(&e.to_string())
                        ),
                        Vec::new(),
                    )
                }
            },
            None => {
                return local_step(
                    Some(handle),
                    "invalid_handle",
                    format!(
                        "{OP}: not sent: handle.state has no {STATE_KEY} (use the handle start returned)"
                    ),
                    Vec::new(),
                )
            }
        };
        if let Some(browser) = &data.browser {
            body.browser_data = Some(browser_data(browser));
        }
        body.fingerprint_notification = fingerprint_notification(&data.method);
        let violations: Vec<String> = body.validate().iter().map(|v| v.to_string()).collect();
        if !violations.is_empty() {
            return local_step(
                Some(handle),
                "invalid_request",
                format!("{OP}: not sent: {}", violations.join("; ")),
                violations,
            );
        }
        let result = self
            .client
            .initiate_browser_authentication(&handle.id, &body)
            .await;
        self.later(handle, OP, &result)
    }

    async fn report_challenge(&self, handle: &Handle, _result: &ChallengeResult) -> Step {
        // The CRes only says how the challenge page ended; PXP's authentication (which has
        // the final RReq result, CAVV and ECI) is what counts, so it is read.
        self.get(handle).await
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        self.get(handle).await
    }

    async fn complete(&self, handle: &Handle) -> Step {
        self.get(handle).await
    }

    async fn handle_notification(&self, notification: &Notification) -> Step {
        let body: Option<Value> = serde_json::from_slice(&notification.body).ok();
        let id = body
            .as_ref()
            .and_then(|v| v.pointer("/eventData/authenticationId"))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some((id, problem)) = id
            .as_deref()
            .and_then(|id| threeds_wire::http::path_id_problem(id).map(|p| (id, p)))
        {
            return Step {
                normalized: failure::unusable_notification_id(
                    P,
                    "eventData.authenticationId",
                    id,
                    problem,
                ),
                handle: None,
            };
        }
        let verdict = verify(
            self.webhook_key.as_ref(),
            notification,
            (self.clock)(),
            self.webhook_max_age,
        );
        if let (Ok(()), Some(value)) = (&verdict, &body) {
            let normalized = normalize_value(value, Some(P), &self.ctx());
            match (normalized, &id) {
                (Ok(n), Some(id))
                    if n.authentication.status.is_final()
                        && n.authentication.status != S::Unknown =>
                {
                    return Step {
                        normalized: n,
                        handle: Some(Handle::new(P, id.clone())),
                    };
                }
                (_, Some(id)) => {
                    return self
                        .refetch(
                            id,
                            "pxp webhook verified but not a final authentication this version can read; state re-fetched from PXP"
                                .into(),
                        )
                        .await;
                }
                (Ok(n), None) => {
                    // A verified event about something else (Token, Transaction,
                    // Reporting): normalized as what it is.
                    return Step {
                        normalized: n,
                        handle: None,
                    };
                }
                (Err(e), None) => {
                    return Step {
                        normalized: unverifiable(format!(
                            "pxp webhook verified but unreadable: {e}"
                        )),
                        handle: None,
                    };
                }
            }
        }
        let why = match verdict {
            Ok(()) => "the body is not JSON".to_owned(),
            Err(why) => why.to_owned(),
        };
        match id {
            Some(id) => {
                self.refetch(
                    &id,
                    format!("pxp webhook not trusted ({why}); state re-fetched from PXP"),
                )
                .await
            }
            None => Step {
                normalized: unverifiable(format!(
                    "pxp webhook not trusted ({why}) and names no eventData.authenticationId to re-fetch"
                )),
                handle: None,
            },
        }
    }
}

/// Checks `X-Signature` over `X-Request-Id + X-Signature-Timestamp + raw body`, after the
/// two headers' exact form (so no character can move between them under one signature,
/// see [`signing_unverified`]) and the timestamp's age (`max_age` either side of `now`, so
/// a captured webhook cannot be replayed later).
fn verify(
    key: Option<&Secret>,
    n: &Notification,
    now: SystemTime,
    max_age: Duration,
) -> Result<(), &'static str> {
    let key = key.ok_or("no webhook key configured")?;
    let request_id = n.header("x-request-id").ok_or("X-Request-Id missing")?;
    let timestamp = n
        .header("x-signature-timestamp")
        .ok_or("X-Signature-Timestamp missing")?;
    let signature = n.header("x-signature").ok_or("X-Signature missing")?;
    signing_unverified::webhook_headers_well_formed(request_id, timestamp)
        .map_err(signing_unverified::HeaderFormError::reason)?;
    if !signing_unverified::timestamp_within(timestamp, now, max_age) {
        return Err("X-Signature-Timestamp is outside the accepted window (stale or replayed)");
    }
    match signing_unverified::verify_webhook(
        key.expose(),
        request_id,
        timestamp,
        &n.body,
        signature,
    ) {
        Ok(true) => Ok(()),
        Ok(false) => Err("X-Signature does not match"),
        Err(_) => Err("the configured webhook key is empty"),
    }
}

/// `fingerprintNotification`: base64 of the `threeDSMethodData` JSON the ACS posted back
/// (developer.pxp.io/guides/3ds/standalone/pre-initiate; PXP's example is standard base64 with padding). EMV's
/// `threeDSMethodData` is base64url, so a value that decodes to JSON is re-encoded in the
/// standard alphabet; anything else is passed on as received for PXP to judge.
fn fingerprint_notification(method: &MethodOutcome) -> Option<String> {
    let MethodOutcome::Completed { data: Some(data) } = method else {
        return None;
    };
    let data = data.trim();
    if data.is_empty() {
        return None;
    }
    Some(match fingerprint::decode_base64(data) {
        Some(bytes) if serde_json::from_slice::<Value>(&bytes).is_ok() => STANDARD.encode(bytes),
        _ => data.to_owned(),
    })
}

/// The title, detail and field errors of an RFC 9457 body, quoted in a warning. PXP's
/// error body is unpublished; this reads the simulator's shape and any PXP body that
/// happens to share it, and says nothing otherwise.
fn problem_warning(operation: &str, response: &Response) -> Option<String> {
    let v: Value = serde_json::from_slice(&response.body).ok()?;
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut parts: Vec<String> = [text("title"), text("detail")]
        .into_iter()
        .flatten()
        .collect();
    if let Some(errors) = v.get("errors").and_then(Value::as_array) {
        for e in errors {
            let field = e.get("field").and_then(Value::as_str).unwrap_or("?");
            let message = e.get("message").and_then(Value::as_str).unwrap_or("");
            parts.push(format!("{field}: {message}"));
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(scrub(&format!(
        "{operation}: HTTP {}: {}",
        response.status,
        parts.join("; ")
    )))
}

/// A call refused before sending: status `error`, next step `fix_request`.
fn local_step(
    handle: Option<&Handle>,
    reason: &str,
    message: String,
    details: Vec<String>,
) -> Step {
    let mut d = Draft::new(P, DocumentKind::Error, "pxp.request");
    d.set_status(S::Error, N::FixRequest, format!("rule:pxp.{reason}"));
    d.auth.reason = Some(reason.to_owned());
    d.auth.id = handle.map(|h| h.id.clone());
    d.auth.raw.message = Some(message);
    for w in details {
        d.warn(w);
    }
    Step {
        normalized: d.finish(),
        handle: handle.cloned(),
    }
}

fn wrong_provider(handle: &Handle) -> Option<Step> {
    (handle.provider != P).then(|| {
        local_step(
            None,
            "invalid_handle",
            format!(
                "pxp flow: the handle belongs to {}, not pxp",
                handle.provider
            ),
            Vec::new(),
        )
    })
}

/// A notification that can be neither trusted nor re-fetched.
fn unverifiable(message: String) -> Normalized {
    let mut d = Draft::new(P, DocumentKind::Webhook, "pxp.webhook");
    d.set_status(
        S::Error,
        N::Investigate,
        "rule:pxp.unverifiable_notification",
    );
    d.auth.reason = Some("unverified_notification".into());
    d.auth.raw.message = Some(message);
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_data_is_forwarded_in_standard_base64() {
        // PXP's initiate example value (PXP 3DS guides, standalone initiate), and the same JSON in base64url
        // without padding as an ACS posts it.
        let documented = "eyJ0aHJlZURTTWV0aG9kTm90aWZpY2F0aW9uVVJMIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS8zZHMtbm90aWZpY2F0aW9uIiwidGhyZWVEU1NlcnZlclRyYW5zSUQiOiIxMjM0NTY3OC05YWJjIn0=";
        let completed = |d: &str| MethodOutcome::Completed {
            data: Some(d.to_owned()),
        };
        assert_eq!(
            fingerprint_notification(&completed(documented)).as_deref(),
            Some(documented)
        );
        let url_safe = documented.trim_end_matches('=');
        assert_eq!(
            fingerprint_notification(&completed(url_safe)).as_deref(),
            Some(documented)
        );
        assert_eq!(
            fingerprint_notification(&completed("not base64!")).as_deref(),
            Some("not base64!")
        );
        assert_eq!(fingerprint_notification(&completed("  ")), None);
        assert_eq!(fingerprint_notification(&MethodOutcome::TimedOut), None);
        assert_eq!(fingerprint_notification(&MethodOutcome::NotRun), None);
        assert_eq!(
            fingerprint_notification(&MethodOutcome::Completed { data: None }),
            None
        );
    }

    #[test]
    fn verification_needs_the_key_and_all_three_headers() {
        const RID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let body = br#"{"eventCategory":"Authentication"}"#.to_vec();
        let sig = signing_unverified::webhook_signature("k", RID, "1700000000", &body).unwrap();
        let n = |headers: Vec<(&str, &str)>| Notification {
            method: "POST".into(),
            headers: headers
                .into_iter()
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .collect(),
            query: String::new(),
            body: body.clone(),
        };
        let key = Secret::new("k");
        let check = |k: Option<&Secret>, n: &Notification| verify(k, n, at, WEBHOOK_MAX_AGE);
        let full = n(vec![
            ("X-Request-Id", RID),
            ("x-signature-timestamp", "1700000000"),
            ("X-SIGNATURE", &sig),
        ]);
        assert_eq!(check(Some(&key), &full), Ok(()));
        assert_eq!(check(None, &full), Err("no webhook key configured"));
        assert_eq!(
            check(Some(&Secret::new("other")), &full),
            Err("X-Signature does not match")
        );
        assert_eq!(
            check(Some(&Secret::new("")), &full),
            Err("the configured webhook key is empty")
        );
        let missing = n(vec![("X-Request-Id", RID), ("X-Signature", &sig)]);
        assert_eq!(
            check(Some(&key), &missing),
            Err("X-Signature-Timestamp missing")
        );
    }

    #[test]
    fn problem_bodies_are_quoted_without_values() {
        let response = Response {
            status: 400,
            headers: Default::default(),
            body: bytes::Bytes::from_static(
                br#"{"title":"Bad Request","detail":"bad","errors":[{"field":"card.primaryAccountNumber","message":"value \"4111111111111111\" invalid"}]}"#,
            ),
            attempts: 1,
        };
        let w = problem_warning("pxp.pre_initiate", &response).unwrap();
        assert!(
            w.contains("HTTP 400: Bad Request; bad; card.primaryAccountNumber"),
            "{w}"
        );
        assert!(!w.contains("4111111111111111"), "{w}");
        let garbage = Response {
            body: bytes::Bytes::from_static(b"<html>"),
            ..response
        };
        assert_eq!(problem_warning("x", &garbage), None);
    }
}
