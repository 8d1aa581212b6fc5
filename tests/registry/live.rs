//! Acme's live side: accounts and the [`AuthenticationFlow`] over its HTTP API.
//!
//! The flow sends through the crate's transport (`threeds_wire::http`, reqwest underneath:
//! timeouts, capped bodies, and a `POST` that is never replayed once it may have reached the
//! PSP) and turns every answer into an outcome with `threeds_bridge::flow::failure`, so an
//! outside PSP's 500 or timeout gets the same next step and retry as a built-in one's.
//!
//! Acme's sequence: `start` posts the request (Acme collects no device data of its own and
//! sends no notifications); a challenge is a redirect to `challenge_url`, after which the
//! authentication is read again with `GET` (`report_challenge`, `fetch` and `complete` are
//! all that read).

use crate::acme::{Acme, AcmeCodec, ACME};
use async_trait::async_trait;
use std::sync::Arc;
use threeds_bridge::flow::failure::{self, Stage};
use threeds_bridge::flow::{
    Account, AccountError, AuthenticationFlow, ChallengeResult, DeviceData, Handle, Notification,
    Step,
};
use threeds_bridge::model::{AuthenticationStatus, DocumentKind, NextStep, Provider};
use threeds_bridge::normalize::{Context, Draft, Normalized};
use threeds_bridge::psp::LivePsp;
use threeds_bridge::request::{AuthenticationRequest, RequestCodec, RequestError};
use threeds_bridge::Catalog;
use threeds_wire::http::Method;
use threeds_wire::http::{join_url, path_segment, Request, Response, Transport};
use threeds_wire::{with_secrets_revealed, Secret};

/// The account credential: Acme's secret API key, sent as a bearer token.
pub const API_KEY: &str = "api_key";
/// The account setting: the merchant the key acts for, sent as `Acme-Merchant`.
pub const MERCHANT_ID: &str = "merchant_id";

/// Creating an authentication charges nothing at Acme, so a lost answer may be retried
/// elsewhere.
const START: Stage = Stage::Start { moves_money: false };

impl LivePsp for Acme {
    fn credentials(&self) -> &'static [&'static str] {
        &[API_KEY]
    }

    fn settings(&self) -> &'static [&'static str] {
        &[MERCHANT_ID]
    }

    fn flow(
        &self,
        account: &Account,
        catalog: Arc<Catalog>,
    ) -> Result<Box<dyn AuthenticationFlow>, AccountError> {
        account.check_names(self.credentials(), self.settings())?;
        let flow = AcmeFlow {
            transport: Transport::new(account.http.clone()).map_err(|e| account.client_error(e))?,
            base_url: account.base_url.trim_end_matches('/').to_owned(),
            api_key: account.required_credential(API_KEY)?,
            merchant_id: account.required_setting(MERCHANT_ID)?.to_owned(),
            catalog,
        };
        Ok(Box::new(flow))
    }
}

/// One Acme account's flow.
struct AcmeFlow {
    transport: Transport,
    base_url: String,
    api_key: Secret,
    merchant_id: String,
    catalog: Arc<Catalog>,
}

impl AcmeFlow {
    fn ctx(&self) -> Context<'_> {
        Context::new(&self.catalog)
    }

    /// A request to `path` with the account's headers.
    fn request(
        &self,
        method: Method,
        path: &str,
        operation: &'static str,
    ) -> Result<Request, threeds_wire::http::TransportError> {
        let bearer = format!("Bearer {}", self.api_key.expose());
        Request::new(method, join_url(&self.base_url, path), operation)
            .header("authorization", &bearer)?
            .header("acme-merchant", &self.merchant_id)
    }

    /// Sends `request` and normalizes whatever comes back; `known_id` names the
    /// authentication when the answer does not.
    async fn send(&self, stage: Stage, request: Request, known_id: Option<&str>) -> Step {
        let normalized = match self.transport.send(&request).await {
            Ok(response) => self.answered(stage, request.operation, &response),
            Err(error) => failure::transport(ACME, stage, &error),
        };
        step(normalized, known_id)
    }

    fn answered(&self, stage: Stage, operation: &'static str, response: &Response) -> Normalized {
        failure::answered(ACME, stage, operation, response, &self.ctx())
    }

    /// `GET /v1/authentications/{id}`.
    async fn read(&self, id: &str) -> Step {
        const OP: &str = "acme.get_authentication";
        let request = path_segment(OP, "authentication id", id).and_then(|segment| {
            self.request(Method::GET, &format!("v1/authentications/{segment}"), OP)
        });
        match request {
            Ok(request) => self.send(Stage::Later, request, Some(id)).await,
            Err(error) => step(failure::transport(ACME, Stage::Later, &error), Some(id)),
        }
    }
}

/// The step for `normalized`, with a handle on the authentication it names.
fn step(normalized: Normalized, known_id: Option<&str>) -> Step {
    let id = normalized
        .authentication
        .id
        .clone()
        .or_else(|| known_id.map(str::to_owned));
    Step {
        normalized,
        handle: id.map(|id| Handle::new(ACME, id)),
    }
}

/// A request Acme's body cannot carry: nothing was sent.
fn request_error(error: &RequestError) -> Normalized {
    let mut d = Draft::new(ACME, DocumentKind::Error, "acme.request");
    d.set_status(
        AuthenticationStatus::Error,
        NextStep::FixRequest,
        "rule:acme.request_not_representable",
    );
    d.auth.reason = Some("invalid_request".to_owned());
    d.auth.raw.message = Some(format!("not sent: {error}"));
    d.finish()
}

#[async_trait]
impl AuthenticationFlow for AcmeFlow {
    fn provider(&self) -> Provider {
        ACME
    }

    async fn start(&self, request: &AuthenticationRequest) -> Step {
        const OP: &str = "acme.create_authentication";
        let body = AcmeCodec::from_model(request).and_then(|wire| {
            with_secrets_revealed(|| serde_json::to_vec(&wire)).map_err(|e| RequestError::Value {
                provider: ACME,
                path: String::new(),
                message: threeds_wire::scrub(&e.to_string()),
            })
        });
        let body = match body {
            Ok(body) => body,
            Err(error) => return step(request_error(&error), None),
        };
        match self.request(Method::POST, "v1/authentications", OP) {
            Ok(http) => self.send(START, http.json_body(body), None).await,
            Err(error) => step(failure::transport(ACME, START, &error), None),
        }
    }

    /// Acme takes the browser data with the request: there is nothing to send, so this
    /// reads the current state.
    async fn submit_device_data(&self, handle: &Handle, _data: &DeviceData) -> Step {
        let mut step = self.read(&handle.id).await;
        step.normalized.explain.warnings.push(
            "acme takes browser data in the authentication request; nothing was sent, the \
             authentication was read again"
                .to_owned(),
        );
        step
    }

    /// The return from `challenge_url` carries nothing Acme needs: the result is read.
    async fn report_challenge(&self, handle: &Handle, _result: &ChallengeResult) -> Step {
        self.read(&handle.id).await
    }

    async fn fetch(&self, handle: &Handle) -> Step {
        self.read(&handle.id).await
    }

    /// Acme has no completion call: the final state is read.
    async fn complete(&self, handle: &Handle) -> Step {
        self.read(&handle.id).await
    }

    /// Acme sends no notifications, so nothing can verify one: what a merchant routes here
    /// only names the authentication (`id` in a JSON body or the query), which is read again.
    async fn handle_notification(&self, notification: &Notification) -> Step {
        let from_body = serde_json::from_slice::<serde_json::Value>(&notification.body)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned));
        let from_query = || {
            threeds_wire::http::decode_form(&notification.query)
                .into_iter()
                .find(|(k, v)| k == "id" && !v.is_empty())
                .map(|(_, v)| v)
        };
        let Some(id) = from_body.or_else(from_query) else {
            let mut d = Draft::new(ACME, DocumentKind::Webhook, "acme.notification");
            d.set_status(
                AuthenticationStatus::Error,
                NextStep::Investigate,
                "rule:acme.notification_names_no_authentication",
            );
            d.auth.reason = Some("unidentified_notification".to_owned());
            return step(d.finish(), None);
        };
        if let Some(problem) = threeds_wire::http::path_id_problem(&id) {
            let normalized =
                failure::unusable_notification_id(ACME, "authentication id", &id, problem);
            return step(normalized, None);
        }
        let mut step = self.read(&id).await;
        step.normalized.explain.warnings.push(
            "acme sends no signed notifications: the body was not used, the authentication was \
             read from Acme"
                .to_owned(),
        );
        step
    }
}
