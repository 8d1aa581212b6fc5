//! The service's HTTP API as Rust types: what each path takes and answers.
//!
//! * [`CreateAuthentication`]: the body of `POST /v1/authentications`, the normalized
//!   request exactly as `translate --to model` writes it, plus the PSP account or the list
//!   of accounts to use;
//! * [`DeviceData`] and [`ChallengeResult`]: the bodies of `device_data` and
//!   `challenge_result`, the flow's own types, so the service passes them on unchanged;
//! * [`AuthenticationObject`]: the answer for the merchant's back end, and
//!   [`ClientAuthentication`], the smaller answer the browser gets with the client secret;
//! * [`EventList`] and [`Event`]: `GET /v1/events` and the merchant webhooks;
//! * [`ApiError`]: the error envelope, with the HTTP status of each [`ErrorType`];
//! * [`sign_webhook`] and [`verify_webhook`]: the `Threeds-Signature` header.
//!
//! Bodies are read with [`read_body`]: a field the type does not have is refused with its
//! JSON path, never silently dropped (a misspelt `challenge_preference` would otherwise
//! authenticate without the preference the merchant asked for).

pub use crate::flow::{ChallengeResult, DeviceData, MethodOutcome};

use crate::model::{
    Authentication, AuthenticationStatus, DocumentKind, Eci, Money, Network, NextAction, NextStep,
    Provider, Raw, Retry, TransStatus,
};
use crate::request::AuthenticationRequest;
use crate::router::Attempt;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use threeds_wire::signature::{sign_hex, verify_hex, KeyError};
use threeds_wire::{excerpt, Secret};

/// The body of `POST /v1/authentications`.
///
/// The PSP account is chosen by `account` (one configured account), by `route` (the
/// accounts to try, in order, with the router's failover between them), or, with neither,
/// by the router's routing table. The cardholder's account with the merchant (EMV
/// `acctInfo`) is the request model's `cardholder_account`, so the two do not collide.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateAuthentication {
    /// The normalized request, its fields at the top level of the body.
    #[serde(flatten)]
    pub request: AuthenticationRequest,
    /// The name of the configured account to authenticate at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Configured account names to try in this order, instead of the routing table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Vec<String>>,
}

impl CreateAuthentication {
    /// Reads and checks a create body: unknown fields, a bad value (with its JSON path),
    /// both `account` and `route`, or an empty `route` are `invalid_request` errors.
    ///
    /// The request part is read as the model on its own, because serde loses the JSON
    /// path of an error inside a flattened struct; the two selectors are read beside it.
    pub fn from_json(value: Value) -> Result<Self, ApiError> {
        let Value::Object(fields) = value else {
            return Err(ApiError::invalid("the body is not a JSON object", None));
        };
        let (selectors, model): (
            serde_json::Map<String, Value>,
            serde_json::Map<String, Value>,
        ) = fields
            .into_iter()
            .partition(|(key, _)| key == "account" || key == "route");
        let selection: Selection = read_body(&Value::Object(selectors))?;
        let body = CreateAuthentication {
            request: read_body(&Value::Object(model))?,
            account: selection.account,
            route: selection.route,
        };
        if body.account.is_some() && body.route.is_some() {
            return Err(ApiError::invalid(
                "give account or route, not both",
                Some("route"),
            ));
        }
        if body.route.as_ref().is_some_and(Vec::is_empty) {
            return Err(ApiError::invalid(
                "route names no account; give at least one account name or leave it out",
                Some("route"),
            ));
        }
        Ok(body)
    }
}

/// The account selectors of a create body.
#[derive(Serialize, Deserialize)]
struct Selection {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    route: Option<Vec<String>>,
}

/// Reads a JSON body as `T`. A value of the wrong type names its JSON path; a field `T`
/// does not have is refused too. The unknown-field check compares the body with `T`
/// serialized again, so it follows the types without a field list to keep up to date
/// (every optional field of the API's types serializes, as null when absent).
pub fn read_body<T: DeserializeOwned + Serialize>(value: &Value) -> Result<T, ApiError> {
    // Read as it is first: tracking every field's path costs about as much as the reading,
    // and only a body that fails needs the path, so it is read again with it then.
    let tracked = match T::deserialize(value) {
        Ok(body) => Ok(body),
        Err(_) => serde_path_to_error::deserialize(value),
    };
    let body: T = tracked.map_err(|e| {
        let path = e.path().to_string();
        let message = crate::normalize::scrub(&e.into_inner().to_string());
        if path == "." {
            ApiError::invalid(format!("the body is not valid: {message}"), None)
        } else {
            ApiError::invalid(
                format!("the body's field {path} is not valid: {message}"),
                Some(&path),
            )
        }
    })?;
    let known = serde_json::to_value(&body)
        .map_err(|e| ApiError::internal(format!("body written back: {e}")))?;
    match unknown_field(value, &known, String::new()) {
        Some(path) => Err(ApiError::invalid(
            format!("the body has a field {path} that this API does not know"),
            Some(&path),
        )),
        None => Ok(body),
    }
}

/// The JSON path of the first key of `given` that `known` (the same document read and
/// written back) does not have.
fn unknown_field(given: &Value, known: &Value, path: String) -> Option<String> {
    match (given, known) {
        (Value::Object(given), Value::Object(known)) => given.iter().find_map(|(key, value)| {
            let here = if path.is_empty() {
                excerpt(key).into_owned()
            } else {
                format!("{path}.{}", excerpt(key))
            };
            match known.get(key) {
                None => Some(here),
                Some(back) => unknown_field(value, back, here),
            }
        }),
        (Value::Array(given), Value::Array(known)) => given
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(i, (g, k))| unknown_field(g, k, format!("{path}[{i}]"))),
        _ => None,
    }
}

/// The service's credential for the browser, scoped to one authentication (`cs_...`).
///
/// The back end receives it in clear (it hands it to the browser helper), so it
/// serializes as itself; `Debug` and `Display` still redact it, so a log line or an error
/// that formats it shows nothing usable.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// Wraps a secret the service generated.
    pub fn new(value: impl Into<String>) -> Self {
        ClientSecret(value.into())
    }

    /// The value, to compare with what the browser sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(threeds_wire::secret::REDACTED)
    }
}

impl fmt::Display for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(threeds_wire::secret::REDACTED)
    }
}

/// The authentication as the merchant's back end sees it (`Authorization: Bearer` with the
/// secret key): the service's `id`, the account, then every field of the normalized
/// authentication in contract order, then the router's attempts, the times and the
/// browser's client secret.
///
/// The normalized `id` (the PSP's id) is `psp_id` here, because `id` is the service's own
/// (`auth_...`), which stays the same whichever account answered.
///
/// `authentication_value` is a [`Secret`]: it serializes as `"[redacted]"` (present) or
/// null (absent), so no answer, event or log carries the CAVV unless the back end asks for
/// it (`GET /v1/authentications/{id}?reveal=authentication_value` with the secret key,
/// which serializes the object inside [`threeds_wire::with_secrets_revealed`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthenticationObject {
    /// The service's id (`auth_...`).
    pub id: String,
    /// The configured account whose outcome this is; null when no account was called.
    pub account: Option<String>,
    pub provider: Provider,
    pub kind: DocumentKind,
    /// The PSP's id of the authentication, session or pay-in (the normalized `id`).
    pub psp_id: Option<String>,
    pub reference: Option<String>,
    pub status: AuthenticationStatus,
    pub reason: Option<String>,
    pub liability_shift: Option<bool>,
    pub next_step: NextStep,
    pub trans_status: Option<TransStatus>,
    pub trans_status_reason: Option<String>,
    pub eci: Option<Eci>,
    pub network: Option<Network>,
    pub protocol_version: Option<String>,
    pub challenged: Option<bool>,
    pub amount: Option<Money>,
    pub ds_trans_id: Option<String>,
    pub three_ds_server_trans_id: Option<String>,
    pub acs_trans_id: Option<String>,
    pub next_action: Option<NextAction>,
    pub raw: Raw,
    pub retry: Option<Retry>,
    pub exemption: Option<String>,
    pub authenticated_at: Option<String>,
    pub authentication_value: Option<Secret>,
    /// Every try the router made, in order (one for a single account).
    pub attempts: Vec<Attempt>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The browser helper's credential for this authentication; null in events.
    pub client_secret: Option<ClientSecret>,
}

/// What the service knows of an authentication beside its normalized outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The service's id (`auth_...`).
    pub id: String,
    pub account: Option<String>,
    pub attempts: Vec<Attempt>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub client_secret: Option<ClientSecret>,
}

impl AuthenticationObject {
    /// The object of `authentication` within the service's `envelope`. The normalized
    /// authentication is taken apart field by field, without `..`, so a field added to the
    /// model does not compile until it is placed here (and in the OpenAPI schema).
    pub fn new(envelope: Envelope, authentication: Authentication) -> Self {
        let Authentication {
            provider,
            kind,
            id: psp_id,
            reference,
            status,
            reason,
            liability_shift,
            next_step,
            trans_status,
            trans_status_reason,
            eci,
            network,
            protocol_version,
            challenged,
            amount,
            ds_trans_id,
            three_ds_server_trans_id,
            acs_trans_id,
            next_action,
            raw,
            retry,
            exemption,
            authenticated_at,
            authentication_value,
        } = authentication;
        let Envelope {
            id,
            account,
            attempts,
            created_at,
            updated_at,
            client_secret,
        } = envelope;
        AuthenticationObject {
            id,
            account,
            provider,
            kind,
            psp_id,
            reference,
            status,
            reason,
            liability_shift,
            next_step,
            trans_status,
            trans_status_reason,
            eci,
            network,
            protocol_version,
            challenged,
            amount,
            ds_trans_id,
            three_ds_server_trans_id,
            acs_trans_id,
            next_action,
            raw,
            retry,
            exemption,
            authenticated_at,
            authentication_value,
            attempts,
            created_at,
            updated_at,
            client_secret,
        }
    }

    /// The object taken apart again: the service's envelope and the normalized
    /// authentication (`psp_id` back in its `id`), as a client of the service needs it.
    pub fn into_parts(self) -> (Envelope, Authentication) {
        let AuthenticationObject {
            id,
            account,
            provider,
            kind,
            psp_id,
            reference,
            status,
            reason,
            liability_shift,
            next_step,
            trans_status,
            trans_status_reason,
            eci,
            network,
            protocol_version,
            challenged,
            amount,
            ds_trans_id,
            three_ds_server_trans_id,
            acs_trans_id,
            next_action,
            raw,
            retry,
            exemption,
            authenticated_at,
            authentication_value,
            attempts,
            created_at,
            updated_at,
            client_secret,
        } = self;
        (
            Envelope {
                id,
                account,
                attempts,
                created_at,
                updated_at,
                client_secret,
            },
            Authentication {
                provider,
                kind,
                id: psp_id,
                reference,
                status,
                reason,
                liability_shift,
                next_step,
                trans_status,
                trans_status_reason,
                eci,
                network,
                protocol_version,
                challenged,
                amount,
                ds_trans_id,
                three_ds_server_trans_id,
                acs_trans_id,
                next_action,
                raw,
                retry,
                exemption,
                authenticated_at,
                authentication_value,
            },
        )
    }

    /// What the browser gets when it calls with the client secret. It is a different type
    /// without the authentication value, the PSP's ids or the attempts, so no reveal scope
    /// and no later field can put the CAVV in a browser's hands.
    pub fn client_view(&self) -> ClientAuthentication {
        ClientAuthentication {
            id: self.id.clone(),
            status: self.status,
            next_step: self.next_step,
            next_action: self.next_action.clone(),
            challenged: self.challenged,
            updated_at: self.updated_at,
        }
    }
}

/// The authentication as the browser helper sees it (`Authorization: Bearer` with the
/// client secret): enough to run `next_action` and to know when it is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientAuthentication {
    /// The service's id (`auth_...`).
    pub id: String,
    pub status: AuthenticationStatus,
    pub next_step: NextStep,
    pub next_action: Option<NextAction>,
    pub challenged: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// The kinds of merchant event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum EventType {
    /// An authentication changed state (any field of its object).
    #[serde(rename = "authentication.updated")]
    AuthenticationUpdated,
}

/// One merchant event: the body of a webhook, and an entry of `GET /v1/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event's id (`evt_...`): a redelivery carries the same id, so the merchant
    /// de-duplicates on it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub created_at: DateTime<Utc>,
    pub data: EventData,
}

/// What an event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The authentication after the change.
    pub object: AuthenticationObject,
}

impl Event {
    /// The `authentication.updated` event of `object`. The client secret is left out: the
    /// back end already has it, and an outbox row or a webhook log should hold no
    /// credential.
    pub fn authentication_updated(
        id: impl Into<String>,
        created_at: DateTime<Utc>,
        mut object: AuthenticationObject,
    ) -> Self {
        object.client_secret = None;
        Event {
            id: id.into(),
            kind: EventType::AuthenticationUpdated,
            created_at,
            data: EventData { object },
        }
    }
}

/// The answer of `GET /v1/events`: newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventList {
    pub data: Vec<Event>,
    /// True when older events exist beyond this page (`?starting_after=<last id>`).
    pub has_more: bool,
}

/// What kind of error an answer reports (`error.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorType {
    /// The request is malformed or names something that cannot be used: fix it first.
    InvalidRequest,
    /// No key, a wrong key, or a client secret used where the secret key is needed.
    Authentication,
    /// No such authentication, account or event.
    NotFound,
    /// The authentication is not in a state for this call, or the same idempotency key
    /// is still being answered.
    Conflict,
    /// The PSP could not be reached or refused the call before it created anything.
    PspError,
    /// The service failed (its store, a bug); retrying later with the same idempotency
    /// key is safe.
    Internal,
}

impl ErrorType {
    /// Every type, in declaration order.
    pub const ALL: &'static [ErrorType] = &[
        ErrorType::InvalidRequest,
        ErrorType::Authentication,
        ErrorType::NotFound,
        ErrorType::Conflict,
        ErrorType::PspError,
        ErrorType::Internal,
    ];

    /// The HTTP status an error of this type answers with. The one exception is a reused
    /// idempotency key with a different body: `invalid_request` with 422
    /// ([`ApiError::idempotency_mismatch`]), as Stripe answers it.
    pub fn status(self) -> u16 {
        match self {
            ErrorType::InvalidRequest => 400,
            ErrorType::Authentication => 401,
            ErrorType::NotFound => 404,
            ErrorType::Conflict => 409,
            ErrorType::PspError => 502,
            ErrorType::Internal => 500,
        }
    }

    /// The snake_case word (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequest => "invalid_request",
            ErrorType::Authentication => "authentication",
            ErrorType::NotFound => "not_found",
            ErrorType::Conflict => "conflict",
            ErrorType::PspError => "psp_error",
            ErrorType::Internal => "internal",
        }
    }
}

/// The error body: `{"error": {"type", "message", "param"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// What went wrong (`error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// What was wrong and where, quoting at most an excerpt of any value.
    pub message: String,
    /// The body field, header or parameter at fault (`card.expiry_month`,
    /// `Idempotency-Key`); null when no one field is.
    pub param: Option<String>,
}

/// An error answer: its HTTP status and its body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} ({status}): {}", .body.error.kind.as_str(), .body.error.message)]
pub struct ApiError {
    pub status: u16,
    pub body: ErrorEnvelope,
}

impl ApiError {
    /// An error of `kind` with its usual status.
    pub fn new(kind: ErrorType, message: impl Into<String>, param: Option<&str>) -> Self {
        ApiError {
            status: kind.status(),
            body: ErrorEnvelope {
                error: ErrorBody {
                    kind,
                    message: message.into(),
                    param: param.map(str::to_owned),
                },
            },
        }
    }

    /// `invalid_request` (400).
    pub fn invalid(message: impl Into<String>, param: Option<&str>) -> Self {
        ApiError::new(ErrorType::InvalidRequest, message, param)
    }

    /// `internal` (500).
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new(ErrorType::Internal, message, None)
    }

    /// `invalid_request` with 422: the idempotency key was used before with another body.
    pub fn idempotency_mismatch(key: &str) -> Self {
        ApiError {
            status: 422,
            ..ApiError::invalid(
                format!(
                    "Idempotency-Key '{}' was used with a different body; use a new key for a new request",
                    excerpt(key).into_owned()
                ),
                Some("Idempotency-Key"),
            )
        }
    }

    /// `conflict` (409): the first request with this idempotency key is still running.
    pub fn idempotency_in_progress(key: &str) -> Self {
        ApiError::new(
            ErrorType::Conflict,
            format!(
                "a request with Idempotency-Key '{}' is still being answered; retry shortly",
                excerpt(key).into_owned()
            ),
            Some("Idempotency-Key"),
        )
    }
}

/// The header merchant webhooks are signed in.
pub const SIGNATURE_HEADER: &str = "Threeds-Signature";

/// How far a webhook's timestamp may be from the receiver's clock by default: five
/// minutes, as Stripe's libraries use, which allows for delivery retries in flight and
/// clock skew while a captured request replayed later is refused.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

const WEBHOOK_KEY: &str = "merchant webhook secret";

/// The `Threeds-Signature` value for `body` sent at `timestamp` (Unix seconds):
/// `t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`. The timestamp is
/// signed with the body, so a captured request cannot be replayed with a fresh one.
pub fn sign_webhook(secret: &Secret, timestamp: i64, body: &[u8]) -> Result<String, KeyError> {
    let t = timestamp.to_string();
    let mac = sign_hex(
        WEBHOOK_KEY,
        secret.expose().as_bytes(),
        &[t.as_bytes(), b".", body],
    )?;
    Ok(format!("t={t},v1={mac}"))
}

/// Why a webhook's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The header is not `t=<unix>,v1=<hex>` (quotes an excerpt of it).
    #[error("{SIGNATURE_HEADER} '{0}' is not t=<unix seconds>,v1=<hex>")]
    Malformed(String),
    /// The timestamp is further from now than the tolerance: an old request replayed, or
    /// a clock far off.
    #[error("{SIGNATURE_HEADER} timestamp {timestamp} is {distance} s from now (tolerance {tolerance} s)")]
    OutsideTolerance {
        timestamp: i64,
        distance: u64,
        tolerance: u64,
    },
    /// No `v1` signature matches the body under the secret.
    #[error("no {SIGNATURE_HEADER} v1 signature matches the body")]
    Mismatch,
    /// The secret cannot be used.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Checks a `Threeds-Signature` header against the raw `body` at time `now` (Unix
/// seconds; injected so tests need no clock) and returns the signed timestamp.
///
/// Several `v1` entries may be present (a secret being rotated signs with both); one
/// match is enough. Entries of other schemes are ignored, so a later scheme can be added
/// beside `v1`. MACs are compared in constant time.
pub fn verify_webhook(
    secret: &Secret,
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: u64,
) -> Result<i64, SignatureError> {
    let malformed = || SignatureError::Malformed(excerpt(header).into_owned());
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or_else(malformed)?;
        match key {
            "t" if timestamp.is_none() => timestamp = Some(value),
            "t" => return Err(malformed()),
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    let text = timestamp.ok_or_else(malformed)?;
    let t: i64 = text.parse().map_err(|_| malformed())?;
    if signatures.is_empty() {
        return Err(malformed());
    }
    let distance = now.abs_diff(t);
    if distance > tolerance_secs {
        return Err(SignatureError::OutsideTolerance {
            timestamp: t,
            distance,
            tolerance: tolerance_secs,
        });
    }
    let key = secret.expose().as_bytes();
    for signature in signatures {
        if verify_hex(WEBHOOK_KEY, key, &[text.as_bytes(), b".", body], signature)? {
            return Ok(t);
        }
    }
    Err(SignatureError::Mismatch)
}
