//! The HTTP client for Checkout.com Standalone Sessions (Checkout.com API reference,
//! `spec/paths/sessions*.yaml`).
//!
//! # Authentication
//!
//! * **OAuth client credentials** for the back end: the access key id and secret go to the
//!   token endpoint as HTTP Basic with `grant_type=client_credentials` and the configured
//!   scopes (`sessions:browser sessions:app` by default). The token is cached and reused
//!   until [`Config::token_margin`] before it expires; a `401` from the API drops it and the
//!   call is sent once more with a fresh one (a `401` means Checkout rejected the call at the
//!   door, so even `POST /sessions` created nothing).
//! * **`session_secret`** for client-side calls on one session (GET, collect-data,
//!   issuer-fingerprint, complete): sent **raw** in `Authorization`, without `Bearer `, as
//!   Checkout's SDKs do (`checkout-sdk-go configuration/sdk_credentials.go`,
//!   `checkout-sdk-python sessions/session_secret_credentials.py`). Responses to such calls
//!   carry no `eci`, `cryptogram` or `session_secret` (the API reference's visibility rule).
//!
//! # Retries
//!
//! Checkout declares no idempotency key on any `/sessions` path (Checkout.com API reference), so
//! `POST /sessions` is [`Replay::OnlyUnsent`]: sent again only when it provably never left
//! this machine. The `PUT`s and `POST .../complete` each trigger work at Checkout (a DS
//! round trip, a callback) and are treated the same way; only `GET` is replayed after a
//! timeout, a 5xx or a 429 ([`threeds_wire::http`] module documentation).
//!
//! Every method returns the raw [`Response`] whatever its status; the bridge normalizes it.

use crate::enums::Channel;
use crate::request::{ChannelData, IssuerFingerprintRequest, SessionRequest};
use reqwest::Method;
use serde::Serialize;
use std::fmt;
use std::time::Duration;
use threeds_wire::http::{
    join_url, path_segment, HttpSettings, Replay, Request, Response, Transport, TransportError,
};
use threeds_wire::oauth::{client_credentials, TokenCache, TokenError};
use threeds_wire::{with_secrets_revealed, Secret};

/// The scopes a sessions integration asks for when unsure of the channel (Checkout.com API reference).
pub const DEFAULT_SCOPES: &[&str] = &["sessions:browser", "sessions:app"];

/// Where the API and the token endpoint are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://{prefix}.api.sandbox.checkout.com`; without a prefix the legacy
    /// `https://api.sandbox.checkout.com`.
    Sandbox { prefix: Option<String> },
    /// `https://{prefix}.api.checkout.com`; without a prefix the legacy
    /// `https://api.checkout.com`.
    Live { prefix: Option<String> },
    /// Any API base and token URL (a proxy, the local sandbox).
    Custom { api_base: String, token_url: String },
}

impl Environment {
    /// The local simulator at `base` (`http://127.0.0.1:8480/checkout`): the API there, the
    /// token endpoint at `{base}/connect/token`.
    pub fn local(base: &str) -> Self {
        Environment::Custom {
            api_base: base.trim_end_matches('/').to_owned(),
            token_url: join_url(base, "connect/token"),
        }
    }

    /// The API base URL, without a trailing slash.
    pub fn api_base(&self) -> String {
        match self {
            Environment::Sandbox { prefix } => host_url(prefix.as_deref(), "api.sandbox"),
            Environment::Live { prefix } => host_url(prefix.as_deref(), "api"),
            Environment::Custom { api_base, .. } => api_base.trim_end_matches('/').to_owned(),
        }
    }

    /// The OAuth token endpoint.
    pub fn token_url(&self) -> String {
        match self {
            Environment::Sandbox { prefix } => join_url(
                &host_url(prefix.as_deref(), "access.sandbox"),
                "connect/token",
            ),
            Environment::Live { prefix } => {
                join_url(&host_url(prefix.as_deref(), "access"), "connect/token")
            }
            Environment::Custom { token_url, .. } => token_url.clone(),
        }
    }

    fn prefix(&self) -> Option<&str> {
        match self {
            Environment::Sandbox { prefix } | Environment::Live { prefix } => prefix.as_deref(),
            Environment::Custom { .. } => None,
        }
    }
}

fn host_url(prefix: Option<&str>, host: &str) -> String {
    match prefix {
        Some(p) => format!("https://{p}.{host}.checkout.com"),
        None => format!("https://{host}.checkout.com"),
    }
}

/// The account prefix as Checkout's SDKs accept it (`(?:pl-)?[a-z0-9]+`,
/// `checkout-sdk-python environment_subdomain.py`).
fn valid_prefix(prefix: &str) -> bool {
    let rest = prefix.strip_prefix("pl-").unwrap_or(prefix);
    !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Client settings. `Debug` shows the access key id but never the secret.
#[derive(Clone)]
pub struct Config {
    /// OAuth client id (`ack_...`).
    pub access_key_id: String,
    pub access_key_secret: Secret,
    /// Requested at the token endpoint, space-separated on the wire.
    pub scopes: Vec<String>,
    pub environment: Environment,
    pub http: HttpSettings,
    /// Renew the token this long before it expires.
    pub token_margin: Duration,
}

impl Config {
    /// Default scopes, HTTP settings and a 60-second renewal margin.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: Secret,
        environment: Environment,
    ) -> Self {
        Config {
            access_key_id: access_key_id.into(),
            access_key_secret,
            scopes: DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            environment,
            http: HttpSettings::default(),
            token_margin: Duration::from_secs(60),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("scopes", &self.scopes)
            .field("environment", &self.environment)
            .field("http", &self.http)
            .field("token_margin", &self.token_margin)
            .finish()
    }
}

/// How a call on an existing session authenticates.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Auth<'a> {
    /// The back end's OAuth token (sees `eci`, `cryptogram`, `session_secret`).
    OAuth,
    /// The session's own `session_secret`, sent raw.
    SessionSecret(&'a Secret),
}

impl fmt::Debug for Auth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::OAuth => f.write_str("OAuth"),
            Auth::SessionSecret(_) => f.write_str("SessionSecret([redacted])"),
        }
    }
}

/// Why a call produced no API response.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The API could not be reached, or answered too late or too much.
    #[error("{0}")]
    Transport(TransportError),
    /// No OAuth token: the token endpoint was unreachable or refused the credentials
    /// (boxed: it carries the token endpoint's whole answer).
    #[error("checkout.oauth_token: {0}")]
    Token(Box<TokenError>),
    /// The client was configured wrongly (an account prefix Checkout never issues).
    #[error("checkout client configuration: {0}")]
    Config(String),
}

impl From<TransportError> for ClientError {
    fn from(e: TransportError) -> Self {
        ClientError::Transport(e)
    }
}

/// The Checkout Sessions API.
pub struct Client {
    config: Config,
    api_base: String,
    token_url: String,
    transport: Transport,
    tokens: TokenCache,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.api_base)
            .field("token_url", &self.token_url)
            .field("access_key_id", &self.config.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Self, ClientError> {
        if let Some(prefix) = config.environment.prefix() {
            if !valid_prefix(prefix) {
                return Err(ClientError::Config(format!(
                    "account prefix '{prefix}' is not lower-case letters and digits (optionally after 'pl-')"
                )));
            }
        }
        if config.access_key_id.is_empty() || config.access_key_secret.is_empty() {
            return Err(ClientError::Config(
                "the access key id and secret must not be empty".into(),
            ));
        }
        let transport = Transport::new(config.http.clone())?;
        Ok(Client {
            api_base: config.environment.api_base(),
            token_url: config.environment.token_url(),
            tokens: TokenCache::new(config.token_margin),
            transport,
            config,
        })
    }

    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// `POST /sessions`. Never replayed once sent: a retry could create a second session.
    pub async fn create_session(&self, body: &SessionRequest) -> Result<Response, ClientError> {
        let bytes = json(body, "checkout.create_session")?;
        let url = join_url(&self.api_base, "sessions");
        self.send(Auth::OAuth, || {
            Ok(Request::new(Method::POST, &url, "checkout.create_session")
                .json_body(bytes.clone())
                .replay(Replay::OnlyUnsent))
        })
        .await
    }

    /// `GET /sessions/{id}`, with the optional `channel` header that filters `next_actions`.
    pub async fn get_session(
        &self,
        id: &str,
        auth: Auth<'_>,
        channel: Option<&Channel>,
    ) -> Result<Response, ClientError> {
        let url = self.session_url("checkout.get_session", id, None)?;
        self.send(auth, || {
            let request = Request::new(Method::GET, &url, "checkout.get_session");
            match channel {
                Some(c) => request.header("channel", c.as_str()),
                None => Ok(request),
            }
        })
        .await
    }

    /// `PUT /sessions/{id}/collect-data` with the channel data.
    pub async fn collect_data(
        &self,
        id: &str,
        body: &ChannelData,
        auth: Auth<'_>,
    ) -> Result<Response, ClientError> {
        let bytes = json(body, "checkout.collect_data")?;
        let url = self.session_url("checkout.collect_data", id, Some("collect-data"))?;
        self.send(auth, || {
            Ok(Request::new(Method::PUT, &url, "checkout.collect_data")
                .json_body(bytes.clone())
                .replay(Replay::OnlyUnsent))
        })
        .await
    }

    /// `PUT /sessions/{id}/issuer-fingerprint` with `three_ds_method_completion`.
    pub async fn issuer_fingerprint(
        &self,
        id: &str,
        body: &IssuerFingerprintRequest,
        auth: Auth<'_>,
    ) -> Result<Response, ClientError> {
        let bytes = json(body, "checkout.issuer_fingerprint")?;
        let url = self.session_url(
            "checkout.issuer_fingerprint",
            id,
            Some("issuer-fingerprint"),
        )?;
        self.send(auth, || {
            Ok(
                Request::new(Method::PUT, &url, "checkout.issuer_fingerprint")
                    .json_body(bytes.clone())
                    .replay(Replay::OnlyUnsent),
            )
        })
        .await
    }

    /// `POST /sessions/{id}/complete` (204): Checkout then posts the result to the
    /// session's `callback_url`.
    pub async fn complete(&self, id: &str, auth: Auth<'_>) -> Result<Response, ClientError> {
        let url = self.session_url("checkout.complete_session", id, Some("complete"))?;
        self.send(auth, || {
            Ok(
                Request::new(Method::POST, &url, "checkout.complete_session")
                    .replay(Replay::OnlyUnsent),
            )
        })
        .await
    }

    /// Drops the cached token (the next call fetches a new one).
    pub async fn forget_token(&self) {
        self.tokens.invalidate().await;
    }

    /// `{api}/sessions/{id}[/{action}]`; an id that cannot be one path segment (it may come
    /// from a notification) is refused before anything is sent.
    fn session_url(
        &self,
        operation: &'static str,
        id: &str,
        action: Option<&str>,
    ) -> Result<String, TransportError> {
        let segment = path_segment(operation, "session id", id)?;
        let base = join_url(&self.api_base, &format!("sessions/{segment}"));
        Ok(match action {
            Some(a) => join_url(&base, a),
            None => base,
        })
    }

    async fn token(&self) -> Result<Secret, ClientError> {
        let scope = self.config.scopes.join(" ");
        self.tokens
            .get(|| async {
                let mut extra = Vec::new();
                if !scope.is_empty() {
                    extra.push(("scope", scope.as_str()));
                }
                client_credentials(
                    &self.transport,
                    "checkout.oauth_token",
                    &self.token_url,
                    &self.config.access_key_id,
                    &self.config.access_key_secret,
                    &extra,
                )
                .await
            })
            .await
            .map_err(|e| ClientError::Token(Box::new(e)))
    }

    /// Sends the request `build` makes with `auth`'s `Authorization` header. With OAuth, a
    /// `401` drops the cached token and the request goes once more with a new one.
    async fn send<F>(&self, auth: Auth<'_>, build: F) -> Result<Response, ClientError>
    where
        F: Fn() -> Result<Request, TransportError>,
    {
        match auth {
            Auth::SessionSecret(secret) => {
                let request = with_accept(build()?)?.header("authorization", secret.expose())?;
                Ok(self.transport.send(&request).await?)
            }
            Auth::OAuth => {
                let token = self.token().await?;
                let response = self.send_bearer(&build, &token).await?;
                if response.status != 401 {
                    return Ok(response);
                }
                tracing::debug!("checkout answered 401; fetching a new OAuth token once");
                self.tokens.invalidate().await;
                let token = self.token().await?;
                self.send_bearer(&build, &token).await
            }
        }
    }

    async fn send_bearer<F>(&self, build: &F, token: &Secret) -> Result<Response, ClientError>
    where
        F: Fn() -> Result<Request, TransportError>,
    {
        let request = with_accept(build()?)?
            .header("authorization", &format!("Bearer {}", token.expose()))?;
        Ok(self.transport.send(&request).await?)
    }
}

fn with_accept(request: Request) -> Result<Request, TransportError> {
    request.header("accept", "application/json")
}

/// Serializes a request body with its secrets (card number, SDK encrypted data) in clear:
/// this is the one place they must be.
fn json<T: Serialize>(body: &T, operation: &'static str) -> Result<Vec<u8>, ClientError> {
    with_secrets_revealed(|| serde_json::to_vec(body)).map_err(|e| {
        ClientError::Transport(TransportError::Build {
            operation,
            detail: format!(
                "the body cannot be serialized: {}",
                threeds_wire::scrub(&e.to_string())
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_build_the_documented_hosts() {
        let sandbox = Environment::Sandbox {
            prefix: Some("123456789".into()),
        };
        assert_eq!(
            sandbox.api_base(),
            "https://123456789.api.sandbox.checkout.com"
        );
        assert_eq!(
            sandbox.token_url(),
            "https://123456789.access.sandbox.checkout.com/connect/token"
        );
        let legacy = Environment::Sandbox { prefix: None };
        assert_eq!(legacy.api_base(), "https://api.sandbox.checkout.com");
        assert_eq!(
            legacy.token_url(),
            "https://access.sandbox.checkout.com/connect/token"
        );
        let live = Environment::Live {
            prefix: Some("pl-abc1".into()),
        };
        assert_eq!(live.api_base(), "https://pl-abc1.api.checkout.com");
        assert_eq!(
            live.token_url(),
            "https://pl-abc1.access.checkout.com/connect/token"
        );
        assert_eq!(
            Environment::Live { prefix: None }.token_url(),
            "https://access.checkout.com/connect/token"
        );
        let local = Environment::local("http://127.0.0.1:8480/checkout/");
        assert_eq!(local.api_base(), "http://127.0.0.1:8480/checkout");
        assert_eq!(
            local.token_url(),
            "http://127.0.0.1:8480/checkout/connect/token"
        );
    }

    #[test]
    fn prefixes_are_checked_and_secrets_stay_out_of_debug() {
        assert!(valid_prefix("abc123"));
        assert!(valid_prefix("pl-abc123"));
        assert!(!valid_prefix("ABC"));
        assert!(!valid_prefix("a.b"));
        assert!(!valid_prefix("pl-"));
        let bad = Config::new(
            "ack_x",
            Secret::new("sk-SECRETVALUE"),
            Environment::Sandbox {
                prefix: Some("evil.example/".into()),
            },
        );
        assert!(matches!(Client::new(bad), Err(ClientError::Config(_))));
        let config = Config::new(
            "ack_x",
            Secret::new("sk-SECRETVALUE"),
            Environment::Sandbox { prefix: None },
        );
        assert!(!format!("{config:?}").contains("SECRETVALUE"));
        let client = Client::new(config).unwrap();
        assert!(!format!("{client:?}").contains("SECRETVALUE"));
        let secret = Secret::new("sek_SECRETVALUE");
        assert!(!format!("{:?}", Auth::SessionSecret(&secret)).contains("SECRETVALUE"));
    }
}
