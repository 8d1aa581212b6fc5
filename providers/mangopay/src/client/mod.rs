//! The Mangopay HTTP client: OAuth, idempotency keys, and one method per endpoint of the
//! card Direct PayIn flow (reference A.1, A.2).
//!
//! # Authentication
//!
//! `POST /v2.01/oauth/token` with HTTP Basic `ClientId:ApiKey` and the form
//! `grant_type=client_credentials` gives a bearer token. Mangopay asks integrators to reuse it
//! for its whole lifetime and renew it about 30 s before `expires_in` (hammering the token
//! endpoint gets an account rate limited or locked), so the token lives in a
//! [`TokenCache`] with a 30 s margin. A call answered HTTP 401 with `Type:
//! invalid_credentials` (an expired or revoked token) drops the cached token, fetches a new
//! one and is sent once more; a second 401 is returned to the caller.
//!
//! # Idempotency and recovery
//!
//! Every POST carries an `Idempotency-Key` (16 to 36 letters, digits or `-`). Mangopay blocks
//! *every* later request with the same key for 24 h with HTTP 409
//! `idempotent_creation_conflict`, whatever the first answer was (reference A.1). So sending a
//! POST again with its key never gets the first answer back: the transport is told not to
//! replay POSTs ([`Replay::OnlyUnsent`]: only when the request provably never left), and
//! [`Client::create_card_payin_recovering`] recovers from an unsure outcome instead:
//!
//! 1. the POST times out, breaks, answers 5xx or 429, or answers 409 (the key was already
//!    used, by an earlier attempt of this same payment);
//! 2. `GET /responses/{IdempotencyKey}` ("View an API Response") returns the answer
//!    Mangopay recorded for the key: that answer is returned as if the POST had given it;
//! 3. when Mangopay has no answer for the key (HTTP 404), the POST never took effect and is
//!    sent once more with the same key; a 409 to that means the first POST is still being
//!    processed, so step 2 is repeated after a pause;
//! 4. when nothing conclusive comes back within [`HttpSettings::max_attempts`] rounds, the
//!    original failure is returned and the caller must treat the payment as unknown (a
//!    pay-in may have charged the card: look it up, never create a second one blindly).
//!
//! A 401 on a POST is retried with the same key: Mangopay checks the token before it
//! records the key (an assumption the simulator shares; the docs do not say).
//!
//! # Secrets
//!
//! The API key and tokens are [`Secret`]s; the card number and CVV go only into the form
//! sent to the `CardRegistrationURL`, never into a log or error. `Client` and `Config` have
//! no `Debug` that prints them.

mod types;

pub use types::{
    ApiResponseRecord, CardRegistration, CardRegistrationRequest, CardRegistrationUpdate, Hook,
    HookRequest, HookUpdate, NaturalUserRequest, WalletRequest,
};

use crate::{ApiError, DirectCardPayInRequest, ErrorType};
use reqwest::Method;
use serde::Serialize;
use std::time::Duration;
use threeds_wire::http::{
    encode_component, encode_form, join_url, HttpSettings, Replay, Request, Response, Transport,
    TransportError,
};
use threeds_wire::oauth::{client_credentials, TokenCache, TokenError};
use threeds_wire::{CardNumber, Secret};

/// Renew the token this long before it expires (Mangopay's recommendation).
pub const TOKEN_RENEWAL_MARGIN: Duration = Duration::from_secs(30);

/// Where the API is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.sandbox.mangopay.com`
    Sandbox,
    /// `https://api.mangopay.com`
    Live,
    /// Any base URL in front of `/v2.01/...`, e.g. the local simulator
    /// `http://127.0.0.1:8080/mangopay`. A trailing `/v2.01` is accepted and dropped.
    Custom(String),
}

impl Environment {
    /// The base URL, without `/v2.01` and without a trailing slash.
    pub fn base_url(&self) -> String {
        match self {
            Environment::Sandbox => "https://api.sandbox.mangopay.com".to_owned(),
            Environment::Live => "https://api.mangopay.com".to_owned(),
            Environment::Custom(url) => {
                let url = url.trim().trim_end_matches('/');
                let url = url
                    .strip_suffix("/v2.01")
                    .or_else(|| url.strip_suffix("/V2.01"))
                    .unwrap_or(url);
                url.to_owned()
            }
        }
    }

    /// Card details may only be sent over TLS to Mangopay's environments; a custom
    /// environment (a local simulator) may use plain HTTP.
    fn allows_plain_http(&self) -> bool {
        matches!(self, Environment::Custom(_))
    }
}

/// What the client needs. No `Debug`: it holds the API key.
#[derive(Clone)]
pub struct Config {
    /// The platform's `ClientId` (appears in every path; not a secret).
    pub client_id: String,
    pub api_key: Secret,
    pub environment: Environment,
    pub http: HttpSettings,
}

impl Config {
    pub fn new(client_id: impl Into<String>, api_key: Secret, environment: Environment) -> Self {
        Config {
            client_id: client_id.into(),
            api_key,
            environment,
            http: HttpSettings::default(),
        }
    }
}

/// Why a call got no HTTP answer to return.
#[derive(Debug, Clone)]
pub enum ClientError {
    /// The API itself could not be reached, or the request could not be built.
    Transport(TransportError),
    /// No token could be had: the token endpoint was unreachable, refused the credentials
    /// (its answer is kept in [`TokenError::Rejected`]), or answered garbage.
    Token(TokenError),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Transport(e) => write!(f, "{e}"),
            ClientError::Token(e) => write!(f, "mangopay.oauth_token: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<TransportError> for ClientError {
    fn from(e: TransportError) -> Self {
        ClientError::Transport(e)
    }
}

/// Card details for the tokenization server. No `Debug`.
pub struct CardDetails {
    pub number: CardNumber,
    /// `MMYY`.
    pub expiration: String,
    pub cvx: Secret,
}

/// A new idempotency key: a random UUID v4, as Mangopay recommends.
pub fn new_idempotency_key() -> String {
    threeds_wire::ids::uuid_v4()
}

/// 16 to 36 letters, digits or `-` (`api-reference/overview/idempotency.mdx`).
pub fn is_valid_idempotency_key(key: &str) -> bool {
    (16..=36).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The Mangopay API client.
pub struct Client {
    client_id: String,
    api_key: Secret,
    environment: Environment,
    base: String,
    transport: Transport,
    tokens: TokenCache,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("mangopay::Client")
            .field("client_id", &self.client_id)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: Config) -> Result<Self, TransportError> {
        let base = config.environment.base_url();
        Ok(Client {
            transport: Transport::new(config.http)?,
            client_id: config.client_id,
            api_key: config.api_key,
            environment: config.environment,
            base,
            tokens: TokenCache::new(TOKEN_RENEWAL_MARGIN),
        })
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// `{base}/v2.01/{ClientId}/{path}`.
    pub fn api_url(&self, path: &str) -> String {
        join_url(
            &format!("{}/v2.01/{}", self.base, encode_component(&self.client_id)),
            path,
        )
    }

    /// `{base}/v2.01/oauth/token`.
    pub fn token_url(&self) -> String {
        format!("{}/v2.01/oauth/token", self.base)
    }

    /// The cached bearer token, or a new one.
    pub async fn token(&self) -> Result<Secret, ClientError> {
        let url = self.token_url();
        self.tokens
            .get(|| {
                client_credentials(
                    &self.transport,
                    "mangopay.oauth_token",
                    &url,
                    &self.client_id,
                    &self.api_key,
                    &[],
                )
            })
            .await
            .map_err(ClientError::Token)
    }

    /// Sends an authorized request built by `make`, renewing the token once after a 401
    /// `invalid_credentials`.
    async fn send_authorized(
        &self,
        make: impl Fn() -> Result<Request, TransportError>,
    ) -> Result<Response, ClientError> {
        let mut renewed = false;
        loop {
            let token = self.token().await?;
            let request = make()?
                .header("authorization", &format!("Bearer {}", token.expose()))?
                .header("accept", "application/json")?;
            let response = self.transport.send(&request).await?;
            if response.status == 401 && !renewed && is_invalid_credentials(&response) {
                tracing::debug!(
                    operation = request.operation,
                    "token rejected; fetching a new one"
                );
                self.tokens.invalidate().await;
                renewed = true;
                continue;
            }
            return Ok(response);
        }
    }

    fn get(&self, path: &str, operation: &'static str) -> Result<Request, TransportError> {
        Ok(Request::new(Method::GET, self.api_url(path), operation))
    }

    /// A POST with a JSON body and an idempotency key, never replayed by the transport once
    /// sent (see the module documentation).
    fn post<T: Serialize>(
        &self,
        path: &str,
        operation: &'static str,
        body: &T,
        key: &str,
    ) -> Result<Request, TransportError> {
        if !is_valid_idempotency_key(key) {
            return Err(TransportError::Build {
                operation,
                detail: "the Idempotency-Key must be 16 to 36 letters, digits or '-'".into(),
            });
        }
        Request::new(Method::POST, self.api_url(path), operation)
            .json_body(to_json(operation, body)?)
            .replay(Replay::OnlyUnsent)
            .header("idempotency-key", key)
    }

    fn put<T: Serialize>(
        &self,
        path: &str,
        operation: &'static str,
        body: &T,
    ) -> Result<Request, TransportError> {
        Ok(Request::new(Method::PUT, self.api_url(path), operation)
            .json_body(to_json(operation, body)?)
            .replay(Replay::OnlyUnsent))
    }

    // ----- users and wallets -------------------------------------------------------------

    /// `POST /users/natural`.
    pub async fn create_natural_user(
        &self,
        body: &NaturalUserRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        self.send_authorized(|| self.post("users/natural", "mangopay.create_user", body, key))
            .await
    }

    /// `GET /users/{UserId}`.
    pub async fn get_user(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!("users/{}", encode_component(id));
        self.send_authorized(|| self.get(&path, "mangopay.get_user"))
            .await
    }

    /// `POST /wallets`.
    pub async fn create_wallet(
        &self,
        body: &WalletRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        self.send_authorized(|| self.post("wallets", "mangopay.create_wallet", body, key))
            .await
    }

    /// `GET /wallets/{WalletId}`.
    pub async fn get_wallet(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!("wallets/{}", encode_component(id));
        self.send_authorized(|| self.get(&path, "mangopay.get_wallet"))
            .await
    }

    // ----- card registration -------------------------------------------------------------

    /// `POST /cardregistrations`.
    pub async fn create_card_registration(
        &self,
        body: &CardRegistrationRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        self.send_authorized(|| {
            self.post(
                "cardregistrations",
                "mangopay.create_card_registration",
                body,
                key,
            )
        })
        .await
    }

    /// `POST {CardRegistrationURL}` with `data`, `accessKeyRef`, `cardNumber`,
    /// `cardExpirationDate` and `cardCvx` as a form. No bearer token: this is the PCI
    /// tokenization server, not the API. The answer is text: `data=...` on success,
    /// `errorCode=...` otherwise, both passed as they are to
    /// [`update_card_registration`](Self::update_card_registration).
    ///
    /// The URL comes from Mangopay's answer; the card goes there only over HTTPS (plain HTTP
    /// is allowed for a [`Environment::Custom`] base, i.e. a local simulator).
    pub async fn tokenize_card(
        &self,
        registration: &CardRegistration,
        card: &CardDetails,
    ) -> Result<Response, ClientError> {
        const OP: &str = "mangopay.tokenize_card";
        let missing = |what: &str| TransportError::Build {
            operation: OP,
            detail: format!("the card registration has no {what}"),
        };
        let url = registration
            .card_registration_url
            .as_deref()
            .filter(|u| !u.is_empty())
            .ok_or_else(|| missing("CardRegistrationURL"))?;
        let allowed = url.starts_with("https://")
            || (self.environment.allows_plain_http() && url.starts_with("http://"));
        if !allowed {
            return Err(TransportError::Build {
                operation: OP,
                detail: "the CardRegistrationURL is not an https URL; card details not sent".into(),
            }
            .into());
        }
        let data = registration
            .preregistration_data
            .as_deref()
            .ok_or_else(|| missing("PreregistrationData"))?;
        let access_key = registration
            .access_key
            .as_deref()
            .ok_or_else(|| missing("AccessKey"))?;
        let form = encode_form([
            ("data", data),
            ("accessKeyRef", access_key),
            ("cardNumber", card.number.expose()),
            ("cardExpirationDate", card.expiration.as_str()),
            ("cardCvx", card.cvx.expose()),
        ]);
        let request = Request::new(Method::POST, url, OP)
            .form_body(form)
            .replay(Replay::OnlyUnsent);
        Ok(self.transport.send(&request).await?)
    }

    /// `PUT /cardregistrations/{Id}` with the tokenization answer: gives the `CardId`.
    pub async fn update_card_registration(
        &self,
        id: &str,
        body: &CardRegistrationUpdate,
    ) -> Result<Response, ClientError> {
        let path = format!("cardregistrations/{}", encode_component(id));
        self.send_authorized(|| self.put(&path, "mangopay.update_card_registration", body))
            .await
    }

    /// `GET /cardregistrations/{Id}`.
    pub async fn get_card_registration(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!("cardregistrations/{}", encode_component(id));
        self.send_authorized(|| self.get(&path, "mangopay.get_card_registration"))
            .await
    }

    // ----- pay-ins -----------------------------------------------------------------------

    /// `POST /payins/card/direct`, once. See
    /// [`create_card_payin_recovering`](Self::create_card_payin_recovering) for the call
    /// to use when an unsure outcome must be resolved.
    pub async fn create_card_payin(
        &self,
        body: &DirectCardPayInRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        self.send_authorized(|| {
            self.post(
                "payins/card/direct",
                "mangopay.create_card_payin",
                body,
                key,
            )
        })
        .await
    }

    /// `POST /payins/card/direct`, resolving a lost or failed answer through
    /// `GET /responses/{key}` as the module documentation describes.
    pub async fn create_card_payin_recovering(
        &self,
        body: &DirectCardPayInRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        let first = self.create_card_payin(body, key).await;
        if !needs_recovery(&first) {
            return first;
        }
        let rounds = self.transport.settings().max_attempts.max(1);
        let mut pause = self.transport.settings().backoff;
        let mut reposted = false;
        for round in 0..rounds {
            if round > 0 {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
            let looked_up = match self.get_api_response(key).await {
                Ok(r) => r,
                Err(ClientError::Token(e)) => return Err(ClientError::Token(e)),
                Err(_) => continue,
            };
            match looked_up.status {
                200 => {
                    if let Some(original) = recorded_answer(&looked_up) {
                        tracing::debug!(
                            status = original.status,
                            "mangopay.create_card_payin: answer recovered from responses/{{key}}"
                        );
                        return Ok(original);
                    }
                }
                404 if !reposted => {
                    // Mangopay has no answer for the key: the POST never took effect.
                    reposted = true;
                    let again = self.create_card_payin(body, key).await;
                    if !needs_recovery(&again) {
                        return again;
                    }
                }
                _ => {}
            }
        }
        first
    }

    /// `GET /payins/{PayInId}`.
    pub async fn get_payin(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!("payins/{}", encode_component(id));
        self.send_authorized(|| self.get(&path, "mangopay.get_payin"))
            .await
    }

    // ----- hooks and stored responses ----------------------------------------------------

    /// `POST /hooks`.
    pub async fn create_hook(
        &self,
        body: &HookRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        self.send_authorized(|| self.post("hooks", "mangopay.create_hook", body, key))
            .await
    }

    /// `PUT /hooks/{HookId}`.
    pub async fn update_hook(&self, id: &str, body: &HookUpdate) -> Result<Response, ClientError> {
        let path = format!("hooks/{}", encode_component(id));
        self.send_authorized(|| self.put(&path, "mangopay.update_hook", body))
            .await
    }

    /// `GET /hooks/{HookId}`.
    pub async fn get_hook(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!("hooks/{}", encode_component(id));
        self.send_authorized(|| self.get(&path, "mangopay.get_hook"))
            .await
    }

    /// `GET /hooks`.
    pub async fn list_hooks(&self) -> Result<Response, ClientError> {
        self.send_authorized(|| self.get("hooks", "mangopay.list_hooks"))
            .await
    }

    /// `GET /responses/{IdempotencyKey}` ("View an API Response").
    pub async fn get_api_response(&self, key: &str) -> Result<Response, ClientError> {
        let path = format!("responses/{}", encode_component(key));
        self.send_authorized(|| self.get(&path, "mangopay.get_api_response"))
            .await
    }
}

fn to_json<T: Serialize>(operation: &'static str, body: &T) -> Result<Vec<u8>, TransportError> {
    serde_json::to_vec(body).map_err(|e| TransportError::Build {
        operation,
        detail: format!(
            "the body cannot be serialized: {}",
            threeds_wire::scrub(&e.to_string())
        ),
    })
}

/// A 401 whose body says the token is not (or no longer) valid.
fn is_invalid_credentials(response: &Response) -> bool {
    serde_json::from_slice::<ApiError>(&response.body)
        .ok()
        .and_then(|e| e.error_type)
        .is_some_and(|t| t == ErrorType::InvalidCredentials)
}

/// Whether the pay-in POST's outcome is unknown or hidden behind the used key.
fn needs_recovery(result: &Result<Response, ClientError>) -> bool {
    match result {
        Ok(r) => r.status == 409 || r.status == 429 || r.status >= 500,
        Err(ClientError::Transport(e)) => matches!(
            e,
            TransportError::TimedOut { .. } | TransportError::Interrupted { .. }
        ),
        Err(ClientError::Token(_)) => false,
    }
}

/// The original answer inside a "View an API Response" body.
fn recorded_answer(looked_up: &Response) -> Option<Response> {
    let record: ApiResponseRecord = serde_json::from_slice(&looked_up.body).ok()?;
    let status = record.status()?;
    let resource = record.resource.as_ref()?;
    let body = serde_json::to_vec(resource).ok()?;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    Some(Response {
        status,
        headers,
        body: body.into(),
        attempts: looked_up.attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_uuids_within_mangopay_limits() {
        let k = new_idempotency_key();
        assert_eq!(k.len(), 36);
        assert!(is_valid_idempotency_key(&k));
        assert_ne!(k, new_idempotency_key());
        assert!(!is_valid_idempotency_key("short"));
        assert!(!is_valid_idempotency_key("has spaces in it 12345"));
        assert!(!is_valid_idempotency_key(&"a".repeat(37)));
    }

    #[test]
    fn custom_bases_drop_the_version_prefix() {
        for base in [
            "http://127.0.0.1:1/mangopay",
            "http://127.0.0.1:1/mangopay/",
            "http://127.0.0.1:1/mangopay/v2.01/",
        ] {
            assert_eq!(
                Environment::Custom(base.into()).base_url(),
                "http://127.0.0.1:1/mangopay"
            );
        }
        assert_eq!(
            Environment::Sandbox.base_url(),
            "https://api.sandbox.mangopay.com"
        );
        assert_eq!(Environment::Live.base_url(), "https://api.mangopay.com");
    }
}
