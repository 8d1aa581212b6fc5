//! A Rust client of the service: [`ServiceFlow`] is an [`AuthenticationFlow`] whose calls
//! are the service's HTTP API, so anything written against the flow interface (the demo's
//! driver, a merchant's own loop) runs through `threeds-bridge serve` unchanged.
//!
//! The handle it returns carries the service's id (`auth_...`) and the browser's client
//! secret; `fetch` and `complete` read the result with `?reveal=authentication_value`, so
//! the outcome has the real authentication value, as the back end (never the browser)
//! may have it. A failed call becomes an outcome with status `error`, as every flow's does:
//! the service's error type and message in `raw`, `retry` `later` for a `409` or a `5xx`
//! (the same call can be made again), none otherwise.

use super::api::{AuthenticationObject, ErrorEnvelope};
use crate::flow::{AuthenticationFlow, ChallengeResult, DeviceData, Handle, Notification, Step};
use crate::model::{AuthenticationStatus, DocumentKind, NextStep, Provider, Retry};
use crate::normalize::{Draft, Normalized};
use crate::request::AuthenticationRequest;
use async_trait::async_trait;
use serde_json::Value;
use std::time::Duration;
use threeds_wire::{excerpt, Secret};

/// The provider of outcomes a [`ServiceFlow`] makes itself (the service did not answer).
pub const SERVICE: Provider = Provider::new("service");

/// The document name of outcomes received from the service.
const DOCUMENT: &str = "service.authentication";

/// The service's API as a flow.
pub struct ServiceFlow {
    base: String,
    key: Secret,
    /// The account (or accounts, in order) every authentication is created at; `None`:
    /// the routing table decides.
    route: Option<Vec<String>>,
    http: reqwest::Client,
}

impl ServiceFlow {
    /// A client of the service at `base_url` with the secret key `key`.
    pub fn new(base_url: &str, key: Secret) -> Result<ServiceFlow, reqwest::Error> {
        Ok(ServiceFlow {
            base: base_url.trim_end_matches('/').to_owned(),
            key,
            route: None,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()?,
        })
    }

    /// Creates every authentication at these accounts, in this order (the create body's
    /// `route`).
    pub fn through(mut self, accounts: Vec<String>) -> Self {
        self.route = Some(accounts);
        self
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Step {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.key.expose());
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                return failure(
                    "unreachable",
                    format!("{path}: {}", threeds_wire::bounded(&e.to_string())),
                    Some(Retry::Later),
                )
            }
        };
        let status = response.status();
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return failure("unreadable", format!("{path}: {e}"), Some(Retry::Later)),
        };
        if !status.is_success() {
            let retry =
                (status.as_u16() == 409 || status.is_server_error()).then_some(Retry::Later);
            let (code, message) = match serde_json::from_slice::<ErrorEnvelope>(&bytes) {
                Ok(e) => (e.error.kind.as_str(), e.error.message),
                Err(_) => ("unreadable", format!("HTTP {status}")),
            };
            return failure(
                code,
                format!("{path}: {status}: {}", excerpt(&message)),
                retry,
            );
        }
        let object: AuthenticationObject =
            match threeds_wire::with_secrets_revealed(|| serde_json::from_slice(&bytes)) {
                Ok(o) => o,
                Err(e) => return failure("unreadable", format!("{path}: {e}"), None),
            };
        let (envelope, mut authentication) = object.into_parts();
        // Without ?reveal the value is the redaction marker: not the value, so not kept.
        if authentication
            .authentication_value
            .as_ref()
            .is_some_and(|v| v.expose() == threeds_wire::secret::REDACTED)
        {
            authentication.authentication_value = None;
        }
        let handle = Handle {
            provider: authentication.provider,
            id: envelope.id,
            client_secret: envelope
                .client_secret
                .map(|s| Secret::new(s.expose().to_owned())),
            state: Value::Null,
        };
        Step {
            normalized: Normalized::received(authentication, DOCUMENT),
            handle: Some(handle),
        }
    }

    async fn post(&self, handle: &Handle, step: &str, body: Value) -> Step {
        let path = format!("/v1/authentications/{}/{step}", handle.id);
        self.call(reqwest::Method::POST, &path, Some(body)).await
    }

    async fn read(&self, handle: &Handle) -> Step {
        let path = format!(
            "/v1/authentications/{}?reveal=authentication_value",
            handle.id
        );
        self.call(reqwest::Method::GET, &path, None).await
    }
}

fn failure(code: &str, message: String, retry: Option<Retry>) -> Step {
    let mut d = Draft::new(SERVICE, DocumentKind::Error, "service");
    let next = if retry.is_some() {
        NextStep::RetryAuthentication
    } else {
        NextStep::Investigate
    };
    d.set_status(AuthenticationStatus::Error, next, "service.error");
    d.auth.retry = retry;
    d.auth.reason = Some(format!("service_{code}"));
    d.auth.raw.code = Some(code.to_owned());
    d.auth.raw.message = Some(message);
    Step {
        normalized: d.finish(),
        handle: None,
    }
}

#[async_trait]
impl AuthenticationFlow for ServiceFlow {
    fn provider(&self) -> Provider {
        SERVICE
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        let mut body = match threeds_wire::with_secrets_revealed(|| serde_json::to_value(request)) {
            Ok(b) => b,
            Err(e) => return failure("request", format!("the request: {e}"), None),
        };
        if let Some(route) = &self.route {
            body["route"] = serde_json::json!(route);
        }
        self.call(reqwest::Method::POST, "/v1/authentications", Some(body))
            .await
    }

    async fn submit_device_data(&self, handle: &Handle, data: &DeviceData) -> Step {
        let body = serde_json::to_value(data).unwrap_or_default();
        self.post(handle, "device_data", body).await
    }

    async fn report_challenge(&self, handle: &Handle, result: &ChallengeResult) -> Step {
        let body = serde_json::to_value(result).unwrap_or_default();
        self.post(handle, "challenge_result", body).await
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        self.read(handle).await
    }

    async fn complete(&self, handle: &Handle) -> Step {
        let done = self.post(handle, "complete", serde_json::json!({})).await;
        match &done.handle {
            Some(h) => self.read(h).await,
            None => done,
        }
    }

    /// Notifications go to the service itself (`POST /v1/notifications/{account}`), not
    /// through a client.
    async fn handle_notification(&self, _notification: &Notification) -> Step {
        failure(
            "not_a_client_call",
            "PSP notifications are posted to the service's /v1/notifications/{account}".into(),
            None,
        )
    }
}
