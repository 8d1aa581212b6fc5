//! HTTP client for PXP Unity's 3D Secure authentication service, standalone mode
//! (`https://developer.pxp.io/apis/three-d-secure-authentication`, `/guides/3ds/how-it-works`).
//!
//! | call | method and path (relative to the base URL) |
//! |---|---|
//! | [`Client::pre_initiate`] | `POST threedsecure/standalone/authentications` |
//! | [`Client::initiate_browser_authentication`] | `PUT threedsecure/standalone/authentications/{authenticationId}/browser-authentication` |
//! | [`Client::get_authentication`] | `GET threedsecure/standalone/authentications/{authenticationId}` |
//!
//! Every request carries `Authorization: PXP-UST1 {tokenId}:{timestamp}:{hmac}`,
//! `X-Request-Id` (a fresh UUID per call, the same on the transport's retries of that call)
//! and `X-Client-Id`. How the HMAC is computed is not published in readable form: the
//! assumptions live in [`signing_unverified`] and nowhere else.
//!
//! Retries: PXP documents no idempotency key, so the two writes are
//! [`Replay::OnlyUnsent`] (re-sent only when the connection never opened: a timed-out
//! pre-initiate may have created an authentication, a timed-out initiate may have reached
//! the directory server). The GET is [`Replay::Safe`].
//!
//! Each method returns the raw [`Response`] whatever its status; the bridge normalizes it.

pub mod signing_unverified;

use crate::request::{BrowserAuthenticationRequest, PreInitiateRequest};
use reqwest::Method;
use serde::Serialize;
use threeds_wire::http::{
    join_url, path_segment, HttpSettings, Replay, Request, Response, Transport, TransportError,
};
use threeds_wire::{with_secrets_revealed, Secret};

/// Where the API lives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api-services.test.pxp.io/api/v1/`
    Sandbox,
    /// `https://api-services.pxp.io/api/v1/`
    Live,
    /// Any base URL up to and including `/api/v1` (the local simulator:
    /// `http://127.0.0.1:PORT/pxp/api/v1`).
    Custom(String),
}

impl Environment {
    /// The base URL every path is joined to.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => "https://api-services.test.pxp.io/api/v1/",
            Environment::Live => "https://api-services.pxp.io/api/v1/",
            Environment::Custom(url) => url,
        }
    }
}

/// Credentials and settings. The credentials come from the Unity Portal: merchant group,
/// *Inbound calls* tab (client id; token id and token value of a token created there).
#[derive(Clone)]
pub struct Config {
    pub environment: Environment,
    pub client_id: String,
    pub token_id: String,
    /// The HMAC key of [`signing_unverified`].
    pub token_value: Secret,
    pub http: HttpSettings,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("client_id", &self.client_id)
            .field("token_id", &self.token_id)
            .field("token_value", &self.token_value)
            .field("http", &self.http)
            .finish()
    }
}

/// The PXP 3DS client.
pub struct Client {
    transport: Transport,
    base: String,
    client_id: String,
    token_id: String,
    token_value: Secret,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("client_id", &self.client_id)
            .field("token_id", &self.token_id)
            .finish_non_exhaustive()
    }
}

const AUTHENTICATIONS: &str = "threedsecure/standalone/authentications";

impl Client {
    pub fn new(config: Config) -> Result<Self, TransportError> {
        let base = config.environment.base_url().to_owned();
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(TransportError::Build {
                operation: "pxp.client",
                detail: format!("base URL '{base}' is not an http(s) URL"),
            });
        }
        Ok(Client {
            transport: Transport::new(config.http)?,
            base,
            client_id: config.client_id,
            token_id: config.token_id,
            token_value: config.token_value,
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `POST threedsecure/standalone/authentications`: card and amount in, the
    /// authentication (`PendingClientData` with the 3DS Method URL and data) out.
    pub async fn pre_initiate(
        &self,
        body: &PreInitiateRequest,
    ) -> Result<Response, TransportError> {
        let url = join_url(&self.base, AUTHENTICATIONS);
        let body = serialize("pxp.pre_initiate", body)?;
        self.send(
            Method::POST,
            url,
            "pxp.pre_initiate",
            Some(body),
            Replay::OnlyUnsent,
        )
        .await
    }

    /// `PUT threedsecure/standalone/authentications/{id}/browser-authentication`: browser
    /// and merchant data in, the frictionless result or `PendingCustomerChallenge` out.
    pub async fn initiate_browser_authentication(
        &self,
        authentication_id: &str,
        body: &BrowserAuthenticationRequest,
    ) -> Result<Response, TransportError> {
        const OP: &str = "pxp.initiate_browser_authentication";
        let url = join_url(
            &self.base,
            &format!(
                "{AUTHENTICATIONS}/{}/browser-authentication",
                path_id(OP, authentication_id)?
            ),
        );
        let body = serialize(OP, body)?;
        self.send(Method::PUT, url, OP, Some(body), Replay::OnlyUnsent)
            .await
    }

    /// `GET threedsecure/standalone/authentications/{id}`.
    pub async fn get_authentication(
        &self,
        authentication_id: &str,
    ) -> Result<Response, TransportError> {
        const OP: &str = "pxp.get_authentication";
        let url = join_url(
            &self.base,
            &format!("{AUTHENTICATIONS}/{}", path_id(OP, authentication_id)?),
        );
        self.send(Method::GET, url, OP, None, Replay::Safe).await
    }

    async fn send(
        &self,
        method: Method,
        url: String,
        operation: &'static str,
        body: Option<Vec<u8>>,
        replay: Replay,
    ) -> Result<Response, TransportError> {
        let request_id = request_id();
        let timestamp = signing_unverified::timestamp_now();
        let authorization = signing_unverified::authorization(
            &self.token_id,
            self.token_value.expose(),
            &request_id,
            &timestamp,
            body.as_deref().unwrap_or_default(),
        )
        .map_err(|e| TransportError::Build {
            operation,
            detail: e.to_string(),
        })?;
        let mut request = Request::new(method, url, operation)
            .header("authorization", &authorization)?
            .header("x-request-id", &request_id)?
            .header("x-client-id", &self.client_id)?
            .header("accept", "application/json")?
            .replay(replay);
        if let Some(body) = body {
            request = request.json_body(body);
        }
        self.transport.send(&request).await
    }
}

/// Serializes a request body with its secrets (card number, CVC) revealed: this is the
/// only place a body is rendered for sending.
fn serialize(operation: &'static str, body: &impl Serialize) -> Result<Vec<u8>, TransportError> {
    with_secrets_revealed(|| serde_json::to_vec(body)).map_err(|e| TransportError::Build {
        operation,
        detail: format!(
            "cannot serialize the request body: {}",
            threeds_wire::scrub(&e.to_string())
        ),
    })
}

/// The authenticationId as one percent-encoded path segment ([`path_segment`]).
fn path_id(operation: &'static str, id: &str) -> Result<String, TransportError> {
    path_segment(operation, "authenticationId", id.trim())
}

/// A random version-4 UUID for `X-Request-Id`.
pub fn request_id() -> String {
    threeds_wire::ids::uuid_v4()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_have_the_documented_base_urls() {
        assert_eq!(
            Environment::Sandbox.base_url(),
            "https://api-services.test.pxp.io/api/v1/"
        );
        assert_eq!(
            Environment::Live.base_url(),
            "https://api-services.pxp.io/api/v1/"
        );
        assert_eq!(
            Environment::Custom("http://127.0.0.1:1/pxp/api/v1".into()).base_url(),
            "http://127.0.0.1:1/pxp/api/v1"
        );
    }

    #[test]
    fn request_ids_are_distinct_v4_uuids() {
        let a = request_id();
        let b = request_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn debug_output_never_shows_the_token_value() {
        let config = Config {
            environment: Environment::Sandbox,
            client_id: "cid".into(),
            token_id: "tid".into(),
            token_value: Secret::new("TOKEN-VALUE-CANARY"),
            http: HttpSettings::default(),
        };
        assert!(!format!("{config:?}").contains("TOKEN-VALUE-CANARY"));
        let client = Client::new(config).unwrap();
        assert!(!format!("{client:?}").contains("TOKEN-VALUE-CANARY"));
    }

    #[test]
    fn a_base_url_that_is_not_http_is_refused() {
        let config = Config {
            environment: Environment::Custom("ftp://x".into()),
            client_id: "c".into(),
            token_id: "t".into(),
            token_value: Secret::new("v"),
            http: HttpSettings::default(),
        };
        assert!(matches!(
            Client::new(config),
            Err(TransportError::Build { .. })
        ));
    }
}
