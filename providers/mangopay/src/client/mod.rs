//! The Mangopay HTTP client: OAuth, idempotency keys, and one method per endpoint of the
//! card Direct PayIn flow (Mangopay API reference: docs.mangopay.com/api-reference/overview/authentication,
//! `/idempotency`, `/direct-card-payins/*`).
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
//! `idempotent_creation_conflict`, whatever the first answer was, and keeps the first answer
//! for "View an API Response" (`GET /responses/{IdempotencyKey}`) for 24 h
//! (<https://docs.mangopay.com/api-reference/overview/idempotency>,
//! <https://docs.mangopay.com/api-reference/api-responses/view-api-response>). So sending a
//! POST again with its key never gets the first answer back, and never creates a second
//! resource: the transport is told not to replay POSTs ([`Replay::OnlyUnsent`]: only when
//! the request provably never left), and [`Client::create_card_payin_recovering`] recovers
//! from an unsure outcome instead:
//!
//! 1. the POST times out, breaks, answers 5xx or 429, or answers 409 (the key was already
//!    used, by an earlier attempt of this same payment);
//! 2. `GET /responses/{IdempotencyKey}` returns the answer Mangopay recorded for the key:
//!    that answer is returned as if the POST had given it;
//! 3. a 404 there does **not** prove that no pay-in exists: the original may still be on its
//!    way or being processed (Mangopay records the answer once it has one), and a 404 from
//!    a proxy carries no Mangopay error body at all. So the POST is sent again with the
//!    *same* key: if the original never arrived, this one is the first and its answer is the
//!    pay-in's (a late original then gets 409); a 409 means the key was used, i.e. the
//!    original exists or is in flight, and step 2 is repeated after a pause;
//! 4. when nothing conclusive comes back within [`HttpSettings::max_attempts`] rounds, the
//!    unsure outcome is returned ([`is_unsure`] says so) and the caller keeps the key to ask
//!    again later; it must never create the pay-in with a new key.
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
    encode_component, encode_form, join_url, path_segment, HttpSettings, Replay, Request, Response,
    Transport, TransportError,
};
use threeds_wire::oauth::{client_credentials, TokenCache, TokenError};
use threeds_wire::{CardNumber, Secret};

/// Renew the token this long before it expires (Mangopay's recommendation).
pub const TOKEN_RENEWAL_MARGIN: Duration = Duration::from_secs(30);

/// Where the API is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The API itself could not be reached, or the request could not be built.
    #[error("{0}")]
    Transport(TransportError),
    /// No token could be had: the token endpoint was unreachable, refused the credentials
    /// (its answer is kept in [`TokenError::Rejected`]), or answered garbage.
    #[error("mangopay.oauth_token: {0}")]
    Token(TokenError),
}

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
        let path = format!(
            "users/{}",
            path_segment("mangopay.get_user", "user id", id)?
        );
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
        let path = format!(
            "wallets/{}",
            path_segment("mangopay.get_wallet", "wallet id", id)?
        );
        self.send_authorized(|| self.get(&path, "mangopay.get_wallet"))
            .await
    }

    /// `GET /wallets/{WalletId}/transactions?page=P&per_page=N` ("List Transactions for a
    /// Wallet"; `per_page` at most 100): what moved money into or out of the wallet, e.g. to
    /// check that an unsure pay-in was created once.
    pub async fn list_wallet_transactions(
        &self,
        id: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Response, ClientError> {
        let path = format!(
            "wallets/{}/transactions?page={page}&per_page={per_page}",
            path_segment("mangopay.list_wallet_transactions", "wallet id", id)?
        );
        self.send_authorized(|| self.get(&path, "mangopay.list_wallet_transactions"))
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
        let path = format!(
            "cardregistrations/{}",
            path_segment(
                "mangopay.update_card_registration",
                "card registration id",
                id
            )?
        );
        self.send_authorized(|| self.put(&path, "mangopay.update_card_registration", body))
            .await
    }

    /// `GET /cardregistrations/{Id}`.
    pub async fn get_card_registration(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!(
            "cardregistrations/{}",
            path_segment("mangopay.get_card_registration", "card registration id", id)?
        );
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
    /// `GET /responses/{key}` and re-posts with the same key, as the module documentation
    /// describes. An answer for which [`is_unsure`] holds is still unresolved.
    pub async fn create_card_payin_recovering(
        &self,
        body: &DirectCardPayInRequest,
        key: &str,
    ) -> Result<Response, ClientError> {
        let first = self.create_card_payin(body, key).await;
        if !is_unsure(&first) {
            return first;
        }
        let mut key_used = is_key_used(&first);
        let rounds = self.transport.settings().max_attempts.max(1);
        let mut pause = self.transport.settings().backoff;
        let mut conflict = None;
        for round in 0..rounds {
            if round > 0 {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
            }
            match self.recover_payin(body, key, key_used).await {
                Recovery::Answered(answer) => return Ok(answer),
                Recovery::KeyUsed(answer) => {
                    key_used = true;
                    conflict = Some(answer);
                }
                Recovery::Unknown => {}
            }
        }
        // Still unsure; a 409 met on the way says more (the original exists or is being
        // processed) than the first failure does.
        conflict.map_or(first, Ok)
    }

    /// One round of recovery: the recorded answer for `key`, else (unless the key is known
    /// to be used) the POST again with the same key.
    pub async fn recover_payin(
        &self,
        body: &DirectCardPayInRequest,
        key: &str,
        key_used: bool,
    ) -> Recovery {
        if let Ok(looked_up) = self.get_api_response(key).await {
            if looked_up.status == 200 {
                if let Some(original) = recorded_answer(&looked_up) {
                    tracing::debug!(
                        status = original.status,
                        "mangopay.create_card_payin: answer recovered from responses/{{key}}"
                    );
                    return Recovery::Answered(original);
                }
            }
        }
        // No recorded answer (a 404, Mangopay's or a proxy's, proves nothing) or no answer
        // at all: a POST with the same key either is the first to arrive, or is told 409.
        if key_used {
            return Recovery::Unknown;
        }
        match self.create_card_payin(body, key).await {
            Ok(r) if r.status == 409 => Recovery::KeyUsed(r),
            Ok(r) if !is_unsure_status(r.status) => Recovery::Answered(r),
            // Unsure, or not sent (no token, no connection): the original's fate is still
            // open, which a failure to send the copy does not change.
            _ => Recovery::Unknown,
        }
    }

    /// `GET /payins/{PayInId}`.
    pub async fn get_payin(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!(
            "payins/{}",
            path_segment("mangopay.get_payin", "pay-in id", id)?
        );
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
        let path = format!(
            "hooks/{}",
            path_segment("mangopay.update_hook", "hook id", id)?
        );
        self.send_authorized(|| self.put(&path, "mangopay.update_hook", body))
            .await
    }

    /// `GET /hooks/{HookId}`.
    pub async fn get_hook(&self, id: &str) -> Result<Response, ClientError> {
        let path = format!(
            "hooks/{}",
            path_segment("mangopay.get_hook", "hook id", id)?
        );
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
        let path = format!(
            "responses/{}",
            path_segment("mangopay.get_api_response", "idempotency key", key)?
        );
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

/// What one round of pay-in recovery learnt.
#[derive(Debug)]
pub enum Recovery {
    /// Mangopay's answer to the pay-in POST: the recorded one, or that of a re-post that
    /// was the first request with the key.
    Answered(Response),
    /// The key was used (this 409): the original exists or is still being processed.
    KeyUsed(Response),
    /// Nothing conclusive.
    Unknown,
}

/// Whether a pay-in POST's outcome is unknown or hidden behind the used key: no answer
/// after the request left (timeout, broken exchange, oversized answer), 5xx, 429 or 409.
/// A token failure means the POST was never sent.
pub fn is_unsure(result: &Result<Response, ClientError>) -> bool {
    match result {
        Ok(r) => is_unsure_status(r.status),
        Err(ClientError::Transport(e)) => !e.not_sent(),
        Err(ClientError::Token(_)) => false,
    }
}

/// 409 (the key was used), 429 and 5xx: the answer does not say what became of the pay-in.
fn is_unsure_status(status: u16) -> bool {
    status == 409 || status == 429 || status >= 500
}

/// A 409: Mangopay has seen a request with this key.
fn is_key_used(result: &Result<Response, ClientError>) -> bool {
    matches!(result, Ok(r) if r.status == 409)
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
