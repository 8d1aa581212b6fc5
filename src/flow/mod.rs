//! Live authentication flows: one async interface over every PSP's real sequence.
//!
//! A merchant's back end drives an authentication through [`AuthenticationFlow`]:
//!
//! 1. [`start`](AuthenticationFlow::start) with the normalized request;
//! 2. [`submit_device_data`](AuthenticationFlow::submit_device_data) with browser data and
//!    the 3DS Method outcome, when `next_action` asked for them;
//! 3. [`report_challenge`](AuthenticationFlow::report_challenge) when the cardholder
//!    comes back from the challenge (the CRes, or the return URL's query);
//! 4. [`fetch`](AuthenticationFlow::fetch) and [`complete`](AuthenticationFlow::complete)
//!    to read or finalize the result;
//! 5. [`handle_notification`](AuthenticationFlow::handle_notification) for a webhook or
//!    callback, which is verified or, when it cannot be, re-fetched and never trusted.
//!
//! Every call returns a [`Step`]: the normalized authentication (whose `next_action` tells
//! the front end what to do) and the [`Handle`] to pass to the next call. Nothing here
//! panics or returns `pending` for a failure: transport failures, HTTP errors and PSP error
//! bodies become normalized outcomes with status `error` (or the PSP's own outcome) and a
//! `next_step` that says what to do ([`failure`]).
//!
//! The handle is plain data, so a merchant can keep it in a session store between the
//! browser's round trips; it holds no card data. Its `Debug` and plain serialization redact
//! the `client_secret` like every secret (logs and error reports are safe by default), so a
//! session store keeps [`Handle::to_stored`] instead, which serializes with the secret, and
//! reads it back with [`Handle::from_stored`].

mod account;
pub mod failure;

pub use account::{Account, AccountError};

use crate::model::Provider;
use crate::normalize::Normalized;
use crate::request::{AuthenticationRequest, Browser};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use threeds_wire::Secret;

/// What a flow needs to find an authentication again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handle {
    pub provider: Provider,
    /// The PSP's id: Checkout session id, Paysafe authentication id, Mangopay pay-in id,
    /// PXP authenticationId.
    pub id: String,
    /// A client-side credential scoped to this authentication (Checkout `session_secret`).
    pub client_secret: Option<Secret>,
    /// PSP-specific data a later call needs and the PSP does not return again (PXP's
    /// initiate fields, a Paysafe request awaiting its device fingerprint). Never card data.
    #[serde(default)]
    pub state: serde_json::Value,
}

impl Handle {
    pub fn new(provider: Provider, id: impl Into<String>) -> Self {
        Handle {
            provider,
            id: id.into(),
            client_secret: None,
            state: serde_json::Value::Null,
        }
    }

    /// The handle as a session store keeps it: serializing the result writes the
    /// `client_secret` in clear, so that the handle read back still works. Store it where
    /// the session's other credentials are kept; never log it.
    pub fn to_stored(&self) -> StoredHandle {
        StoredHandle(self.clone())
    }

    /// The handle a session store kept through [`Handle::to_stored`].
    pub fn from_stored(stored: StoredHandle) -> Handle {
        stored.0
    }
}

/// A [`Handle`] for a session store. Unlike the handle's own, its serialization includes
/// the `client_secret` (the only reason it exists); its `Debug` still redacts it.
/// Reading one whose secret is the redaction marker (a handle serialized the plain way) is
/// an error, so a secret that was lost is found when the session is read, not when the
/// front end's call to the PSP fails.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredHandle(Handle);

impl Serialize for StoredHandle {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        threeds_wire::with_secrets_revealed(|| self.0.serialize(s))
    }
}

impl<'de> Deserialize<'de> for StoredHandle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let handle = Handle::deserialize(d)?;
        if handle
            .client_secret
            .as_ref()
            .is_some_and(|s| s.expose() == threeds_wire::secret::REDACTED)
        {
            return Err(serde::de::Error::custom(format!(
                "{} handle {}: client_secret is redacted; store the handle with Handle::to_stored",
                handle.provider,
                threeds_wire::excerpt(&handle.id)
            )));
        }
        Ok(StoredHandle(handle))
    }
}

/// The result of one flow call.
#[derive(Debug, Clone)]
pub struct Step {
    pub normalized: Normalized,
    /// `None` only when the call failed before the PSP assigned an id.
    pub handle: Option<Handle>,
}

impl Step {
    pub fn authentication(&self) -> &crate::model::Authentication {
        &self.normalized.authentication
    }
}

/// How the 3DS Method (issuer fingerprint) ended in the browser. Each flow maps it to its
/// PSP's wording: EMV's `threeDSCompInd` would say `N` for a timeout, but Checkout's API
/// asks for `U` when the method URL did not answer within 10 seconds, and the Checkout flow
/// follows Checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MethodOutcome {
    /// The ACS posted back to the notification URL; `data` is the `threeDSMethodData` it
    /// posted (PXP forwards it as `fingerprintNotification`).
    Completed { data: Option<String> },
    /// Nothing came back within 10 seconds (EMV and every PSP here say: go on).
    TimedOut,
    /// The issuer has no 3DS Method URL, or it was not run.
    NotRun,
}

/// Data the front end collected for the device-data step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceData {
    pub browser: Option<Browser>,
    pub method: MethodOutcome,
}

/// What came back when the cardholder left the challenge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChallengeResult {
    /// The base64url CRes the ACS posted to the notification URL, when there was one.
    pub cres: Option<String>,
    /// Form or query parameters of the return (Mangopay `transactionId`, Paysafe SDK
    /// callback id, `threeDSSessionData`).
    pub params: Vec<(String, String)>,
}

/// An incoming webhook, hook or callback exactly as received.
#[derive(Debug, Clone, Default)]
pub struct Notification {
    /// `GET` or `POST`.
    pub method: String,
    /// Header names in any case.
    pub headers: Vec<(String, String)>,
    /// The raw query string (Mangopay hooks carry everything there).
    pub query: String,
    /// The raw body bytes; signatures are computed over these, never a re-serialization.
    pub body: Vec<u8>,
}

impl Notification {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One PSP's authentication sequence behind the common calls.
#[async_trait]
pub trait AuthenticationFlow: Send + Sync {
    fn provider(&self) -> Provider;

    /// Starts an authentication from the normalized request.
    async fn start(&self, request: &AuthenticationRequest) -> Step;

    /// Sends browser data and the 3DS Method outcome.
    async fn submit_device_data(&self, handle: &Handle, data: &DeviceData) -> Step;

    /// Reports that the cardholder finished (or left) the challenge, and reads the result.
    async fn report_challenge(&self, handle: &Handle, result: &ChallengeResult) -> Step;

    /// Reads the current state from the PSP.
    async fn fetch(&self, handle: &Handle) -> Step;

    /// Finalizes the authentication where the PSP has such a call (Checkout
    /// `POST /sessions/{id}/complete`); elsewhere reads the final state.
    async fn complete(&self, handle: &Handle) -> Step;

    /// Handles a webhook, hook or callback. A notification whose signature verifies is
    /// normalized; one that cannot be verified (no signature scheme, wrong signature) only
    /// names the authentication, whose state is then re-fetched from the PSP.
    async fn handle_notification(&self, notification: &Notification) -> Step;
}
