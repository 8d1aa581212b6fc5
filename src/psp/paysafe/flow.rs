//! Paysafe 3D Secure 2 behind [`AuthenticationFlow`].
//!
//! Paysafe's sequence (Paysafe 3D Secure 2 API blueprint, "Using the API") differs from the others in where the browser work
//! happens: Paysafe's client SDK does both browser steps itself.
//!
//! 1. **Device data comes first.** The JS SDK `start()` (or, in apps, `POST /jwt` plus the
//!    Cardinal SDK) fingerprints the device *before* the authentication exists and returns a
//!    `deviceFingerprintingId`, which the request must carry
//!    ([`AuthenticationRequest::device_session_id`]). [`start`](PaysafeFlow::start) sends the
//!    request as it is: without the id Paysafe's own `5068` field error comes back
//!    (`fix_request`); the flow does not second-guess the PSP.
//!    [`submit_device_data`](PaysafeFlow::submit_device_data) has nothing to send and reads
//!    the current state instead.
//! 2. **The challenge runs in the SDK.** A `PENDING` / `C` answer (or the 3DS 1.0.2 fallback's
//!    `PENDING` / enrollment `Y`) normalizes to `challenge_required` with
//!    `next_action: {"type": "challenge", "url": <acsUrl>, "creq": null}`: `creq` is null
//!    because Paysafe's SDK builds and posts the challenge request itself (the normalized contract:
//!    null when the PSP's client SDK builds it; Paysafe documents no raw CReq endpoint). What
//!    the front end hands to `paysafe.threedsecure.challenge()` is the `sdkChallengePayload`,
//!    which the model has no field for, so it travels in the [`Handle`]'s `state`
//!    (`{"accountId", "sdkChallengePayload"}`).
//! 3. **Back from the challenge.** The SDK callback yields the authentication id (and, in
//!    apps, the Cardinal `serverJwt`). [`report_challenge`](PaysafeFlow::report_challenge)
//!    sends `POST .../finalize` when a `serverJwt` is among the params, then reads the
//!    result with `GET` (the authoritative one; the blueprint says so for browsers too).
//! 4. [`fetch`](PaysafeFlow::fetch) and [`complete`](PaysafeFlow::complete) are the `GET`:
//!    Paysafe has no complete call.
//! 5. **Notifications.** Paysafe's 3DS2 API sends none (the Paysafe 3D Secure 2 API blueprint documents none).
//!    [`handle_notification`](PaysafeFlow::handle_notification) still takes what a merchant
//!    may route to it: a Paysafe-style webhook (`Signature` header, base64 HMAC-SHA256 of the
//!    raw body, checked in constant time when a key is configured; the authentication named
//!    in `_links` or the payload) or the challenge page's callback post (`id=...`). Either
//!    way the body is never trusted: the authentication it names is read again with `GET`,
//!    and an unverified one gets a warning saying so.
//!
//! An abandoned 3DS2 challenge ends, at the ACS's timeout, as `COMPLETED` / `N` /
//! `TRANSACTION_TIMED_OUT_ACS`, which the adapter normalizes to `expired` (see
//! [`crate::psp::paysafe::normalize`] and the simulator's notes).

use crate::catalog::Catalog;
use crate::flow::failure::{self, Stage};
use crate::flow::{AuthenticationFlow, ChallengeResult, DeviceData, Handle, Notification, Step};
use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider};
use crate::normalize::{normalize_value, Context, Draft, Normalized};
use crate::psp::paysafe::request::PaysafeCodec;
use crate::request::{AuthenticationRequest, RequestCodec, RequestError};
use async_trait::async_trait;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use threeds_paysafe::client::Client;
use threeds_paysafe::sdk::FinalizeRequest;
use threeds_wire::http::{decode_form, Response, TransportError};
use threeds_wire::{signature, Secret};

const PROVIDER: Provider = Provider::PAYSAFE;
const START: Stage = Stage::Start { moves_money: false };

/// How the webhook HMAC key is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyEncoding {
    /// The key's bytes are the text as given (Payment Scheduler, Paysafe Checkout).
    Raw,
    /// The key is Base64 and must be decoded first (the Alternate Payments API quirk,
    /// the Paysafe 3D Secure 2 API blueprint).
    Base64,
}

/// The Paysafe flow: a client for one account, the code catalog, and optionally the HMAC
/// key of Paysafe-style webhooks.
pub struct PaysafeFlow {
    client: Client,
    catalog: Arc<Catalog>,
    webhook_key: Option<(Secret, KeyEncoding)>,
}

impl PaysafeFlow {
    pub fn new(client: Client, catalog: Arc<Catalog>) -> Self {
        PaysafeFlow {
            client,
            catalog,
            webhook_key: None,
        }
    }

    /// Sets the key `Signature` headers are checked with.
    pub fn with_webhook_key(mut self, key: Secret, encoding: KeyEncoding) -> Self {
        self.webhook_key = Some((key, encoding));
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    fn ctx(&self) -> Context<'_> {
        Context::new(&self.catalog)
    }

    /// The outcome of an answered call, with the `X-Application-Status-Code` /
    /// `X-Application-Error` header standing in for an error body Paysafe left out.
    fn answered(&self, stage: Stage, operation: &'static str, response: &Response) -> Normalized {
        let mut normalized = failure::answered(PROVIDER, stage, operation, response, &self.ctx());
        if normalized.explain.document == "http.status" {
            let header = response
                .header("x-application-status-code")
                .or_else(|| response.header("x-application-error"))
                .map(str::trim)
                .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()));
            if let Some(code) = header {
                let body = json!({ "error": { "code": code } });
                if let Ok(mut from_header) = normalize_value(&body, Some(PROVIDER), &self.ctx()) {
                    from_header.authentication.raw.status = Some(response.status.to_string());
                    from_header.explain.warnings.push(format!(
                        "{operation}: HTTP {} without a Paysafe error body; the code {code} comes from the response header",
                        response.status
                    ));
                    normalized = from_header;
                }
            }
        }
        if normalized.authentication.raw.code.as_deref() == Some("5031") {
            normalized.explain.warnings.push(
                "paysafe 5031: a request with this merchantRefNum was already processed. Paysafe \
                 documents no lookup by merchantRefNum for /threedsecure/v2, so the earlier \
                 authentication can only be read by its id; start again with a new merchantRefNum"
                    .to_owned(),
            );
        }
        normalized
    }

    /// A step for authentication `id` (known before the call, or from the answer), with
    /// the `sdkChallengePayload` of a pending challenge kept in the handle.
    fn step(
        &self,
        normalized: Normalized,
        known_id: Option<&str>,
        response: Option<&Response>,
    ) -> Step {
        let id = normalized
            .authentication
            .id
            .clone()
            .or_else(|| known_id.map(str::to_owned));
        let handle = id.map(|id| {
            let mut handle = Handle::new(PROVIDER, id);
            let mut state = serde_json::Map::new();
            state.insert("accountId".into(), json!(self.client.account_id()));
            let payload = response
                .filter(|r| r.is_success())
                .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
                .and_then(|v| v.get("sdkChallengePayload").cloned());
            if let Some(payload) = payload {
                state.insert("sdkChallengePayload".into(), payload);
            }
            handle.state = Value::Object(state);
            handle
        });
        Step { normalized, handle }
    }

    fn transport_failure(&self, stage: Stage, error: &TransportError, id: Option<&str>) -> Step {
        let mut normalized = failure::transport(PROVIDER, stage, error);
        if stage == START && !error.not_sent() {
            normalized.explain.warnings.push(
                "paysafe: the authentication request may have reached Paysafe; retry with a new \
                 merchantRefNum (the same one is refused as 5031 if the first was processed)"
                    .to_owned(),
            );
        }
        self.step(normalized, id, None)
    }

    /// `GET .../authentications/{id}`.
    async fn read(&self, id: &str) -> Step {
        const OP: &str = "paysafe.get_authentication";
        match self.client.get_authentication(id).await {
            Ok(response) => {
                let normalized = self.answered(Stage::Later, OP, &response);
                self.step(normalized, Some(id), Some(&response))
            }
            Err(error) => self.transport_failure(Stage::Later, &error, Some(id)),
        }
    }
}

/// A request the model cannot express in Paysafe's terms: nothing was sent.
fn request_error(error: &RequestError) -> Normalized {
    let mut d = Draft::new(PROVIDER, DocumentKind::Error, "paysafe.request");
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::FixRequest,
        "rule:paysafe.request_not_representable",
    );
    d.auth.reason = Some("invalid_request".to_owned());
    d.auth.raw.message = Some(format!("not sent: {error}"));
    d.finish()
}

/// The first value of `names` in the challenge's params.
fn param<'a>(result: &'a ChallengeResult, names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|name| {
        result
            .params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    })
}

/// The authentication a notification names: `{id, account}` from a `_links` href
/// (`.../accounts/{account}/authentications/{id}`), else an id field of the JSON payload,
/// else `id` of a form body or the query (the challenge page's callback post).
fn named_authentication(n: &Notification) -> Option<(String, Option<String>)> {
    if let Ok(value) = serde_json::from_slice::<Value>(&n.body) {
        if let Some(found) = links(&value).into_iter().find_map(|href| from_href(&href)) {
            return Some(found);
        }
        let candidates = [
            value.pointer("/payload/id"),
            value.get("resourceId"),
            value.get("authenticationId"),
            // A top-level `id` is the event's id in Paysafe's webhooks (they carry a `type`
            // or `eventType`); it names the authentication only in bodies without one.
            value
                .get("id")
                .filter(|_| value.get("type").is_none() && value.get("eventType").is_none()),
        ];
        return candidates
            .into_iter()
            .flatten()
            .find_map(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|id| (id.to_owned(), None));
    }
    let form = decode_form(&String::from_utf8_lossy(&n.body));
    let query = decode_form(&n.query);
    form.iter()
        .chain(query.iter())
        .find(|(k, v)| (k == "id" || k == "authenticationId") && !v.is_empty())
        .map(|(_, v)| (v.clone(), None))
}

/// Every `href` in `_links` (a list of `{rel, href}` or a map of rel to `{href}`), at the top
/// level or under `payload`.
fn links(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for links in [
        value.get("_links"),
        value.pointer("/payload/_links"),
        value.get("links"),
    ]
    .into_iter()
    .flatten()
    {
        let items: Vec<&Value> = match links {
            Value::Array(list) => list.iter().collect(),
            Value::Object(map) => map.values().collect(),
            _ => Vec::new(),
        };
        out.extend(
            items
                .into_iter()
                .filter_map(|l| l.get("href").and_then(Value::as_str))
                .map(str::to_owned),
        );
    }
    out
}

fn from_href(href: &str) -> Option<(String, Option<String>)> {
    let path = href.split(['?', '#']).next()?;
    let segments: Vec<&str> = path.split('/').collect();
    let at = segments.iter().position(|s| *s == "authentications")?;
    let id = segments.get(at + 1).filter(|s| !s.is_empty())?;
    let account = segments
        .iter()
        .position(|s| *s == "accounts")
        .and_then(|i| segments.get(i + 1))
        .map(|s| (*s).to_owned());
    Some(((*id).to_owned(), account))
}

/// Whether the notification's `Signature` verifies, and if not, why.
enum Verification {
    Verified,
    Unverified(&'static str),
}

impl PaysafeFlow {
    fn verify(&self, n: &Notification) -> Verification {
        let Some(signature_header) = n.header("signature") else {
            return Verification::Unverified("it carries no Signature header");
        };
        let Some((key, encoding)) = &self.webhook_key else {
            return Verification::Unverified("no webhook key is configured to check its Signature");
        };
        let key_bytes = match encoding {
            KeyEncoding::Raw => key.expose().as_bytes().to_vec(),
            KeyEncoding::Base64 => {
                match base64::engine::general_purpose::STANDARD.decode(key.expose().trim()) {
                    Ok(bytes) => bytes,
                    Err(_) => {
                        return Verification::Unverified(
                            "the configured webhook key is not valid Base64",
                        )
                    }
                }
            }
        };
        match signature::verify_base64(
            "Paysafe webhook key",
            &key_bytes,
            &[&n.body],
            signature_header,
        ) {
            Ok(true) => Verification::Verified,
            Ok(false) => Verification::Unverified("its Signature does not match the body"),
            Err(_) => Verification::Unverified("the configured webhook key is empty"),
        }
    }
}

#[async_trait]
impl AuthenticationFlow for PaysafeFlow {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        const OP: &str = "paysafe.authenticate";
        let wire = match PaysafeCodec::from_model(request) {
            Ok(wire) => wire,
            Err(error) => {
                return Step {
                    normalized: request_error(&error),
                    handle: None,
                }
            }
        };
        match self.client.authenticate(&wire).await {
            Ok(response) => {
                let normalized = self.answered(START, OP, &response);
                self.step(normalized, None, Some(&response))
            }
            Err(error) => self.transport_failure(START, &error, None),
        }
    }

    /// Paysafe's device data is collected before the authentication (the JS SDK `start()`
    /// or `POST /jwt` + Cardinal) and sent as `deviceFingerprintingId` in the request: there
    /// is nothing to send now, so this reads the current state.
    async fn submit_device_data(&self, handle: &Handle, data: &DeviceData) -> Step {
        let mut step = self.read(&handle.id).await;
        step.normalized.explain.warnings.push(
            "paysafe collects device data before the authentication (deviceFingerprintingId in \
             the request, from the JS SDK start() or POST /threedsecure/v2/jwt); nothing was \
             sent, the authentication was read again"
                .to_owned(),
        );
        if data.browser.is_some() {
            step.normalized.explain.warnings.push(
                "paysafe: the device data given here was not used; pass the \
                 deviceFingerprintingId as device_session_id when starting"
                    .to_owned(),
            );
        }
        step
    }

    async fn report_challenge(&self, handle: &Handle, result: &ChallengeResult) -> Step {
        const OP: &str = "paysafe.finalize";
        let mut warnings = Vec::new();
        if let Some(id) = param(result, &["id", "authenticationId"]) {
            if id != handle.id {
                warnings.push(format!(
                    "paysafe: the challenge callback named authentication {id}, the handle {}; \
                     the handle's was read (a browser-supplied id is not trusted)",
                    handle.id
                ));
            }
        }
        if result.cres.is_some() {
            warnings.push(
                "paysafe has no CRes endpoint (its SDK talks to the ACS); the CRes was ignored \
                 and the result read with GET"
                    .to_owned(),
            );
        }
        if let Some(server_jwt) = param(result, &["serverJwt", "server_jwt"]) {
            let body = FinalizeRequest {
                payload: Some(Secret::new(server_jwt)),
            };
            match self.client.finalize(&handle.id, &body).await {
                Ok(response) if response.is_success() => {}
                Ok(response) => {
                    let mut normalized = self.answered(Stage::Later, OP, &response);
                    normalized.explain.warnings.extend(warnings);
                    return self.step(normalized, Some(&handle.id), None);
                }
                Err(error) => {
                    let mut step = self.transport_failure(Stage::Later, &error, Some(&handle.id));
                    step.normalized.explain.warnings.extend(warnings);
                    return step;
                }
            }
        }
        let mut step = self.read(&handle.id).await;
        step.normalized.explain.warnings.extend(warnings);
        step
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        self.read(&handle.id).await
    }

    /// Paysafe has no complete call: the final state is read.
    async fn complete(&self, handle: &Handle) -> Step {
        self.read(&handle.id).await
    }

    async fn handle_notification(&self, notification: &Notification) -> Step {
        let verification = self.verify(notification);
        let Some((id, account)) = named_authentication(notification) else {
            let mut d = Draft::new(PROVIDER, DocumentKind::Webhook, "paysafe.notification");
            d.set_status(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                "rule:paysafe.notification_names_no_authentication",
            );
            d.auth.reason = Some("unidentified_notification".to_owned());
            d.auth.raw.message = Some(
                "the notification names no authentication (no _links href to \
                 .../authentications/{id}, no payload id, no id parameter); nothing was read"
                    .to_owned(),
            );
            if let Verification::Unverified(why) = verification {
                d.warn(format!("paysafe notification not verified: {why}"));
            }
            return Step {
                normalized: d.finish(),
                handle: None,
            };
        };
        if let Some(problem) = threeds_wire::http::path_id_problem(&id) {
            return Step {
                normalized: failure::unusable_notification_id(
                    PROVIDER,
                    "authentication id",
                    &id,
                    problem,
                ),
                handle: None,
            };
        }
        let mut step = self.read(&id).await;
        let warnings = &mut step.normalized.explain.warnings;
        match verification {
            Verification::Verified => warnings.push(
                "paysafe notification signature verified; its body was not used, the \
                 authentication was read from Paysafe"
                    .to_owned(),
            ),
            Verification::Unverified(why) => warnings.push(format!(
                "paysafe notification not verified ({why}); only the authentication id was \
                 taken from it and the state read from Paysafe"
            )),
        }
        if let Some(account) = account.filter(|a| a != self.client.account_id()) {
            warnings.push(format!(
                "paysafe notification names account {account}, this flow's client is for \
                 account {}",
                self.client.account_id()
            ));
        }
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(body: &str) -> Notification {
        Notification {
            method: "POST".into(),
            body: body.as_bytes().to_vec(),
            ..Notification::default()
        }
    }

    #[test]
    fn notifications_name_their_authentication() {
        let href = r#"{"id":"evt-1","type":"X","_links":[{"rel":"authentication","href":"https://api.paysafe.com/threedsecure/v2/accounts/1001/authentications/a-1?x=1"}]}"#;
        assert_eq!(
            named_authentication(&notification(href)),
            Some(("a-1".into(), Some("1001".into())))
        );
        let map_links =
            r#"{"_links":{"self":{"href":"/threedsecure/v2/accounts/9/authentications/a-2"}}}"#;
        assert_eq!(
            named_authentication(&notification(map_links)).map(|(id, _)| id),
            Some("a-2".into())
        );
        let payload = r#"{"id":"evt-2","type":"AUTH","payload":{"id":"a-3"}}"#;
        assert_eq!(
            named_authentication(&notification(payload)).map(|(id, _)| id),
            Some("a-3".into())
        );
        // An event id is not taken for the authentication's.
        assert_eq!(
            named_authentication(&notification(r#"{"id":"evt-3","type":"AUTH"}"#)),
            None
        );
        assert_eq!(
            named_authentication(&notification("id=a-4&serverJwt=x")).map(|(id, _)| id),
            Some("a-4".into())
        );
        let mut q = notification("");
        q.query = "id=a-5".into();
        assert_eq!(
            named_authentication(&q).map(|(id, _)| id),
            Some("a-5".into())
        );
        assert_eq!(named_authentication(&notification("{}")), None);
        assert_eq!(named_authentication(&notification("\u{0}\u{1}")), None);
    }

    #[test]
    fn params_are_read_by_any_of_their_names() {
        let result = ChallengeResult {
            cres: None,
            params: vec![("server_jwt".into(), "j".into()), ("id".into(), "".into())],
        };
        assert_eq!(param(&result, &["serverJwt", "server_jwt"]), Some("j"));
        assert_eq!(param(&result, &["id"]), None);
    }
}
