//! HTTP client for the Paysafe 3D Secure 2 API (`/threedsecure/v2`).
//!
//! One method per endpoint (Paysafe 3D Secure 2 API blueprint), each returning the raw [`Response`] whatever its
//! status: the bridge normalizes bodies, error bodies and HTTP statuses in one place.
//!
//! # Authentication
//!
//! HTTP Basic with the API key: "Key Username" and "Key Password" joined with `:` and
//! base64-encoded (`Authorization: Basic <b64>`), exactly as Paysafe's PHP SDK builds it
//! (`paysafegroup/paysafe_sdk_php source/Paysafe/PaysafeApiClient.php processRequest`).
//! Paysafe's mobile SDKs call `POST /threedsecure/v2/jwt` and `.../finalize` with the
//! *public single-use-token* key instead, which Paysafe hands out already base64-encoded;
//! [`Config::public_key`] holds it for those two calls (the server key is used when it is
//! not set).
//!
//! # Idempotency and retries
//!
//! Paysafe has no idempotency header. `merchantRefNum` "must be unique for each request"
//! (Paysafe 3D Secure 2 API blueprint) and a second request with the same one is answered `409` / `5031`
//! ("already processed"), which the caller must see rather than have retried. So:
//!
//! * `POST .../authentications`, `POST /jwt` and `POST .../finalize` are
//!   [`Replay::OnlyUnsent`]: sent again only when the connection was never made;
//! * `GET .../authentications/{id}` and `GET /threedsecure/monitor` are [`Replay::Safe`]:
//!   retried after timeouts, broken connections, 5xx and 429 (with `Retry-After`).

use crate::request::AuthenticationRequest;
use crate::sdk::{FinalizeRequest, JwtRequest};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde::Serialize;
use std::fmt;
use threeds_wire::http::{
    encode_component, join_url, path_segment, HttpSettings, Replay, Request, Response, Transport,
    TransportError,
};
use threeds_wire::{with_secrets_revealed, Secret};

/// Where the API lives (Paysafe 3D Secure 2 API blueprint).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// Paysafe's test environment (`TEST` in its SDKs): `https://api.test.paysafe.com`.
    Sandbox,
    /// Production: `https://api.paysafe.com`.
    Live,
    /// Any other base URL, e.g. the local simulator `http://127.0.0.1:8080/paysafe`. The
    /// API paths (`/threedsecure/...`) are appended to it unchanged.
    Custom(String),
}

impl Environment {
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => crate::TEST_BASE_URL,
            Environment::Live => crate::PRODUCTION_BASE_URL,
            Environment::Custom(url) => url,
        }
    }
}

/// Credentials and settings of one Paysafe merchant account.
///
/// No `Debug` derive: the manual implementation prints the key username and account but
/// never the password or the public key.
#[derive(Clone)]
pub struct Config {
    /// The API key's "Key Username" (e.g. `MerchantXYZ`).
    pub api_key_user: String,
    /// The API key's "Key Password" (e.g. `B-tst1-0-51ed39e4-...`).
    pub api_key_password: Secret,
    /// The Base64-encoded public single-use-token API key the mobile/JS SDKs use, for
    /// `POST /threedsecure/v2/jwt` and `.../finalize`. `None`: the server key is used.
    pub public_key: Option<Secret>,
    /// The merchant account id in the paths (`/accounts/{account_id}/...`).
    pub account_id: String,
    pub environment: Environment,
    pub http: HttpSettings,
}

impl Config {
    pub fn new(
        api_key_user: impl Into<String>,
        api_key_password: impl Into<String>,
        account_id: impl Into<String>,
        environment: Environment,
    ) -> Self {
        Config {
            api_key_user: api_key_user.into(),
            api_key_password: Secret::new(api_key_password),
            public_key: None,
            account_id: account_id.into(),
            environment,
            http: HttpSettings::default(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("api_key_user", &self.api_key_user)
            .field("api_key_password", &self.api_key_password)
            .field(
                "public_key",
                &self.public_key.as_ref().map(|_| "[redacted]"),
            )
            .field("account_id", &self.account_id)
            .field("environment", &self.environment)
            .field("http", &self.http)
            .finish()
    }
}

/// A Paysafe 3DS2 API client for one account.
#[derive(Clone)]
pub struct Client {
    transport: Transport,
    base_url: String,
    account_id: String,
    /// `Basic <b64(user:password)>`, built once.
    server_authorization: Secret,
    /// `Basic <public key>` for the SDK endpoints.
    sdk_authorization: Secret,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Self, TransportError> {
        let transport = Transport::new(config.http.clone())?;
        let credentials = format!(
            "{}:{}",
            config.api_key_user,
            config.api_key_password.expose()
        );
        let server_authorization = Secret::new(format!("Basic {}", STANDARD.encode(credentials)));
        let sdk_authorization = match &config.public_key {
            Some(key) => Secret::new(format!("Basic {}", key.expose().trim())),
            None => server_authorization.clone(),
        };
        Ok(Client {
            transport,
            base_url: config
                .environment
                .base_url()
                .trim_end_matches('/')
                .to_owned(),
            account_id: config.account_id,
            server_authorization,
            sdk_authorization,
        })
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `POST /threedsecure/v2/accounts/{account_id}/authentications` (Paysafe 3D Secure 2 API blueprint).
    ///
    /// Never replayed once sent: a second request with the same `merchantRefNum` is a
    /// duplicate (`409` / `5031`) the caller must see.
    pub async fn authenticate(
        &self,
        body: &AuthenticationRequest,
    ) -> Result<Response, TransportError> {
        const OP: &str = "paysafe.authenticate";
        let url = self.url(&crate::authentications_path(&encode_component(
            &self.account_id,
        )));
        let request = self
            .request(Method::POST, url, OP, &self.server_authorization)?
            .json_body(serialize(OP, body)?)
            .replay(Replay::OnlyUnsent);
        self.transport.send(&request).await
    }

    /// `GET /threedsecure/v2/accounts/{account_id}/authentications/{authentication_id}`.
    pub async fn get_authentication(
        &self,
        authentication_id: &str,
    ) -> Result<Response, TransportError> {
        const OP: &str = "paysafe.get_authentication";
        let url = self.url(&format!(
            "{}/{}",
            crate::authentications_path(&encode_component(&self.account_id)),
            path_segment(OP, "authentication id", authentication_id)?
        ));
        let request = self
            .request(Method::GET, url, OP, &self.server_authorization)?
            .replay(Replay::Safe);
        self.transport.send(&request).await
    }

    /// `POST /threedsecure/v2/jwt`: the JWT that initialises the Cardinal SDK and the
    /// `deviceFingerprintingId` the authentication request must carry (Paysafe mobile SDKs, `ThreeDSecureApi.kt`).
    /// Sent with the public key when one is configured, as Paysafe's mobile SDKs do.
    pub async fn jwt(&self, body: &JwtRequest) -> Result<Response, TransportError> {
        const OP: &str = "paysafe.jwt";
        let url = self.url("/threedsecure/v2/jwt");
        let request = self
            .request(Method::POST, url, OP, &self.sdk_authorization)?
            .json_body(serialize(OP, body)?)
            .replay(Replay::OnlyUnsent);
        self.transport.send(&request).await
    }

    /// `POST .../authentications/{authentication_id}/finalize` with the Cardinal
    /// `serverJwt` after an SDK challenge; Paysafe answers an empty 2xx (Paysafe mobile SDKs).
    pub async fn finalize(
        &self,
        authentication_id: &str,
        body: &FinalizeRequest,
    ) -> Result<Response, TransportError> {
        const OP: &str = "paysafe.finalize";
        let url = self.url(&format!(
            "{}/{}/finalize",
            crate::authentications_path(&encode_component(&self.account_id)),
            path_segment(OP, "authentication id", authentication_id)?
        ));
        let request = self
            .request(Method::POST, url, OP, &self.sdk_authorization)?
            .json_body(serialize(OP, body)?)
            .replay(Replay::OnlyUnsent);
        self.transport.send(&request).await
    }

    /// `GET /threedsecure/monitor` → `{"status":"READY"}` (PHP SDK `monitor()`).
    pub async fn monitor(&self) -> Result<Response, TransportError> {
        const OP: &str = "paysafe.monitor";
        let url = self.url("/threedsecure/monitor");
        let request = self
            .request(Method::GET, url, OP, &self.server_authorization)?
            .replay(Replay::Safe);
        self.transport.send(&request).await
    }

    fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    fn request(
        &self,
        method: Method,
        url: String,
        operation: &'static str,
        authorization: &Secret,
    ) -> Result<Request, TransportError> {
        Request::new(method, url, operation)
            .header("authorization", authorization.expose())?
            .header("accept", "application/json")
    }
}

/// Serializes a request body with its secrets (card number, payment token, server JWT)
/// revealed: this is the one place they must leave the process. The serde error, which
/// could quote a value, is not passed on.
fn serialize<T: Serialize>(operation: &'static str, body: &T) -> Result<Vec<u8>, TransportError> {
    with_secrets_revealed(|| serde_json::to_vec(body)).map_err(|_| TransportError::Build {
        operation,
        detail: "the request body cannot be serialized as JSON".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_have_the_documented_hosts() {
        assert_eq!(
            Environment::Sandbox.base_url(),
            "https://api.test.paysafe.com"
        );
        assert_eq!(Environment::Live.base_url(), "https://api.paysafe.com");
        assert_eq!(
            Environment::Custom("http://127.0.0.1:1/paysafe".into()).base_url(),
            "http://127.0.0.1:1/paysafe"
        );
    }

    #[test]
    fn debug_output_never_shows_the_password_or_public_key() {
        let mut config = Config::new(
            "MerchantXYZ",
            "B-tst1-0-51ed39e4-secret",
            "1001",
            Environment::Sandbox,
        );
        config.public_key = Some(Secret::new("cHVibGljOmtleQ=="));
        let text = format!("{config:?}");
        assert!(text.contains("MerchantXYZ"));
        assert!(!text.contains("51ed39e4"));
        assert!(!text.contains("cHVibGlj"));
        let client = Client::new(config).unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains("Basic"));
        assert!(!text.contains("51ed39e4"));
    }
}
