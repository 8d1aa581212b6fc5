//! The service's operations on authentications, apart from HTTP: create through the
//! router, the browser's and back end's later steps, PSP notifications, and the objects
//! the API answers with. Every change is written to the store with its
//! `authentication.updated` event in one transaction ([`crate::store`]).
//!
//! # Which calls reach a PSP
//!
//! A later step is only passed to the PSP when the stored authentication asks for it:
//! `device_data` while `next_action` is a 3DS Method or device-data collection,
//! `challenge_result` while it is a challenge or a redirect. A report that comes after the
//! authentication is over (a PSP webhook finished it first, or the browser repeats
//! itself) is answered with the stored result; one that does not fit the state it is in
//! (a challenge result while a 3DS Method is awaited) with `409 conflict`. Neither calls
//! the PSP, so no browser can make the service call a PSP twice for one step.
//!
//! # Concurrent writers
//!
//! Two instances (or two requests) may step one authentication at once. Writes are
//! compare-and-swap on the record's version: the loser re-reads the PSP's current state
//! (a read, which moves no money) and writes that on top, so the stored state is always
//! one the PSP gave, and never an older one over a newer one.
//!
//! # Notifications
//!
//! A webhook names the PSP's id; the store finds the authentication it belongs to
//! ([`Store::find_by_psp_id`]), on whichever instance started it. Webhooks come late and
//! out of order, so a notification only ever brings a result: one of an intermediate
//! state (started, challenge shown) is acknowledged and not applied, and an
//! authentication that already has a final status is not changed by a notification that
//! disagrees with it (logged, with both statuses, and acknowledged).

use super::api::{
    ApiError, AuthenticationObject, ChallengeResult, CreateAuthentication, DeviceData, Envelope,
    ErrorType, EventData,
};
use super::keys::ClientSecrets;
use crate::flow::{AuthenticationFlow, Notification, Step};
use crate::model::{Authentication, NextAction};
use crate::router::{Attempt as RoutedAttempt, Router};
use crate::store::{self, Change, NewAuthentication, Record, Store, StoreError};
use chrono::Utc;
use std::sync::Arc;
use threeds_wire::excerpt;
use tokio::sync::Notify;

/// How many times a write that lost a compare-and-swap re-reads the PSP and tries again.
const WRITE_TRIES: usize = 4;

/// A later step of an authentication.
#[derive(Debug, Clone)]
pub enum Call {
    DeviceData(DeviceData),
    ChallengeResult(ChallengeResult),
    Complete,
}

impl Call {
    fn name(&self) -> &'static str {
        match self {
            Call::DeviceData(_) => "device_data",
            Call::ChallengeResult(_) => "challenge_result",
            Call::Complete => "complete",
        }
    }

    /// Whether the stored `next_action` asks for this call.
    fn expected(&self, next: Option<&NextAction>) -> bool {
        match self {
            Call::DeviceData(_) => matches!(
                next,
                Some(NextAction::ThreeDsMethod { .. } | NextAction::CollectDeviceData)
            ),
            Call::ChallengeResult(_) => matches!(
                next,
                Some(NextAction::Challenge { .. } | NextAction::Redirect { .. })
            ),
            Call::Complete => true,
        }
    }
}

/// A create that reached no PSP, as the HTTP layer must answer it: no authentication
/// exists anywhere, so an idempotency key is released for a retry.
#[derive(Debug)]
pub struct NotCreated(pub ApiError);

/// What a notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Noticed {
    /// The authentication was updated (its id).
    Updated(String),
    /// It said what the stored authentication already says.
    Unchanged(String),
    /// It disagrees with a final stored status and was not applied (logged).
    Ignored(String),
}

/// The service's operations (module docs).
pub struct Engine {
    pub(super) router: Router,
    pub(super) store: Arc<Store>,
    pub(super) secrets: ClientSecrets,
    /// The service's URL as browsers and PSPs reach it, without a trailing slash.
    pub(super) public_url: String,
    /// Woken after every committed change, so the outbox worker delivers at once.
    pub(super) outbox: Arc<Notify>,
}

impl Engine {
    pub fn new(
        router: Router,
        store: Arc<Store>,
        secrets: ClientSecrets,
        public_url: String,
    ) -> Engine {
        Engine {
            router,
            store,
            secrets,
            public_url,
            outbox: Arc::new(Notify::new()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn secrets(&self) -> &ClientSecrets {
        &self.secrets
    }

    /// The object the back end gets for `record` (with the browser's client secret).
    pub fn object(&self, record: &Record) -> Result<AuthenticationObject, ApiError> {
        let attempts = record
            .attempts
            .iter()
            .map(|a| serde_json::from_value::<RoutedAttempt>(a.detail.clone()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                ApiError::internal(format!("authentication {}: stored attempt: {e}", record.id))
            })?;
        Ok(AuthenticationObject::new(
            Envelope {
                id: record.id.clone(),
                account: Some(record.account.clone()),
                attempts,
                created_at: record.created_at,
                updated_at: record.updated_at,
                client_secret: Some(self.secrets.of(&record.id)),
            },
            record.authentication.clone(),
        ))
    }

    /// The event payload for the state `record` is about to have.
    fn event_payload(
        &self,
        id: &str,
        account: &str,
        authentication: &Authentication,
        attempts: &[store::Attempt],
        created_at: chrono::DateTime<Utc>,
        now: chrono::DateTime<Utc>,
    ) -> Result<serde_json::Value, ApiError> {
        let draft = Record {
            id: id.to_owned(),
            account: account.to_owned(),
            authentication: authentication.clone(),
            handle: None,
            attempts: attempts.to_vec(),
            created_at,
            updated_at: now,
            version: 0,
        };
        let mut object = self.object(&draft)?;
        object.client_secret = None;
        serde_json::to_value(EventData { object })
            .map_err(|e| ApiError::internal(format!("event of {id}: {e}")))
    }

    /// Creates an authentication: routes it and stores what the PSP answered.
    pub async fn create(&self, body: CreateAuthentication) -> Result<Record, CreateError> {
        let accounts: Option<Vec<String>> = match (&body.account, &body.route) {
            (Some(account), _) => Some(vec![account.clone()]),
            (None, Some(route)) => Some(route.clone()),
            (None, None) => None,
        };
        if let Some(accounts) = &accounts {
            let param = if body.account.is_some() {
                "account"
            } else {
                "route"
            };
            if let Some(unknown) = accounts
                .iter()
                .find(|a| !self.router.account_names().any(|n| n == a.as_str()))
            {
                let known: Vec<&str> = self.router.account_names().collect();
                return Err(CreateError::NotCreated(NotCreated(ApiError::invalid(
                    format!(
                        "no account named '{}' is configured (accounts: {})",
                        excerpt(unknown),
                        known.join(", ")
                    ),
                    Some(param),
                ))));
            }
        }
        let id = store::new_authentication_id();
        let mut request = body.request;
        self.default_urls(&id, &mut request.urls);
        let routed = match &accounts {
            Some(accounts) => self.router.route_through(&request, accounts).await,
            None => self.router.route(&request).await,
        };
        let Some(account) = routed.account else {
            let auth = routed.step.authentication();
            let message = auth.raw.message.clone().unwrap_or_default();
            let error = if auth.reason.as_deref() == Some("no_route") {
                ApiError::invalid(message, None)
            } else {
                ApiError::new(ErrorType::PspError, message, None)
            };
            return Err(CreateError::NotCreated(NotCreated(error)));
        };
        let attempts = routed
            .attempts
            .iter()
            .map(stored_attempt)
            .collect::<Vec<_>>();
        let authentication = routed.step.normalized.authentication;
        let now = Utc::now();
        let new = NewAuthentication {
            id: id.clone(),
            account: account.clone(),
            authentication,
            handle: routed.step.handle,
            attempts,
        };
        let payload = self
            .event_payload(&id, &account, &new.authentication, &new.attempts, now, now)
            .map_err(CreateError::Lost)?;
        match self.store.create(&new, &payload, now).await {
            Ok(record) => {
                self.outbox.notify_one();
                Ok(record)
            }
            Err(e) => {
                // The PSP has an authentication the store could not record: say which, so
                // it can be found, and keep the idempotency key running (no second try).
                tracing::error!(
                    authentication = %id,
                    account = %account,
                    psp_id = new.handle.as_ref().map(|h| h.id.as_str()).unwrap_or("none"),
                    "the PSP answered but the store did not record it: {e}"
                );
                Err(CreateError::Lost(store_error(&e)))
            }
        }
    }

    /// The URLs the browser and the PSP come back to, where the request leaves them out:
    /// the service's own notification pages and notification endpoint.
    fn default_urls(&self, id: &str, urls: &mut crate::request::Urls) {
        let base = &self.public_url;
        let fill = |slot: &mut Option<String>, value: String| {
            if slot.is_none() {
                *slot = Some(value);
            }
        };
        fill(
            &mut urls.method_notification_url,
            format!("{base}/v1/pages/method"),
        );
        fill(
            &mut urls.challenge_notification_url,
            format!("{base}/v1/pages/challenge"),
        );
        fill(&mut urls.return_url, format!("{base}/v1/pages/return/{id}"));
        fill(
            &mut urls.failure_url,
            format!("{base}/v1/pages/return/{id}"),
        );
        fill(&mut urls.callback_url, format!("{base}/v1/notifications"));
    }

    /// The stored authentication `id`.
    pub async fn get(&self, id: &str) -> Result<Record, ApiError> {
        match self.store.get(id).await {
            Ok(Some(record)) => Ok(record),
            Ok(None) => Err(not_found(id)),
            Err(e) => Err(store_error(&e)),
        }
    }

    /// A later step ([`Call`]); refused with `409` when the authentication does not wait
    /// for it (module docs).
    pub async fn call(&self, id: &str, call: Call) -> Result<Record, ApiError> {
        let record = self.get(id).await?;
        let auth = &record.authentication;
        if !call.expected(auth.next_action.as_ref())
            && auth.status.is_final()
            && auth.next_action.is_none()
        {
            // Already over (a webhook can finish it while the browser is still on its
            // way back): the report is moot, and the answer is the result.
            return Ok(record);
        }
        if !call.expected(record.authentication.next_action.as_ref()) {
            return Err(ApiError::new(
                ErrorType::Conflict,
                format!(
                    "authentication {id} does not wait for {} (status {}, next_action {}); GET it for its state",
                    call.name(),
                    record.authentication.status,
                    record
                        .authentication
                        .next_action
                        .as_ref()
                        .map(next_action_type)
                        .unwrap_or("none"),
                ),
                None,
            ));
        }
        let Some(handle) = record.handle.clone() else {
            return Err(ApiError::new(
                ErrorType::Conflict,
                format!(
                    "authentication {id} has no PSP handle: it failed before the PSP created it"
                ),
                None,
            ));
        };
        let step = match &call {
            Call::DeviceData(data) => self.router.submit_device_data(&handle, data).await,
            Call::ChallengeResult(result) => self.router.report_challenge(&handle, result).await,
            Call::Complete => self.router.complete(&handle).await,
        };
        self.write(record, step).await
    }

    /// Writes a flow's step over `record` (compare-and-swap, module docs).
    async fn write(&self, mut record: Record, mut step: Step) -> Result<Record, ApiError> {
        for _ in 0..WRITE_TRIES {
            let handle = step.handle.take();
            let mut authentication = step.normalized.authentication;
            // Some PSPs' final state does not say whether there was a challenge (Paysafe's
            // reads the same either way); the service saw it, so it does not forget it.
            if authentication.challenged.is_none() && record.authentication.challenged == Some(true)
            {
                authentication.challenged = Some(true);
            }
            if authentication == record.authentication
                && handle
                    .as_ref()
                    .is_none_or(|h| Some(h) == record.handle.as_ref())
            {
                return Ok(record);
            }
            let now = Utc::now();
            let payload = self.event_payload(
                &record.id,
                &record.account,
                &authentication,
                &record.attempts,
                record.created_at,
                now,
            )?;
            let change = Change {
                authentication,
                handle,
                attempts: Vec::new(),
            };
            match self.store.update(&record, &change, &payload, now).await {
                Ok(written) => {
                    self.outbox.notify_one();
                    return Ok(written);
                }
                Err(StoreError::VersionConflict { .. }) => {
                    record = self.get(&record.id).await?;
                    let Some(handle) = record.handle.clone() else {
                        return Ok(record);
                    };
                    step = self.router.fetch(&handle).await;
                }
                Err(e) => return Err(store_error(&e)),
            }
        }
        Err(ApiError::new(
            ErrorType::Conflict,
            format!(
                "authentication {} kept changing under this request ({WRITE_TRIES} tries); GET it for its state",
                record.id
            ),
            None,
        ))
    }

    /// A PSP's webhook, hook or callback, for the account its URL names (or, without one,
    /// the account the router finds).
    pub async fn notification(
        &self,
        account: Option<&str>,
        notification: &Notification,
    ) -> Result<Noticed, ApiError> {
        if let Some(name) = account {
            if !self.router.account_names().any(|n| n == name) {
                return Err(ApiError::new(
                    ErrorType::NotFound,
                    format!("no account named '{}' is configured", excerpt(name)),
                    Some("account"),
                ));
            }
        }
        let stored_account = match account {
            Some(_) => None,
            None => self.account_of(notification).await?,
        };
        let step = match account.or(stored_account.as_deref()) {
            Some(name) => {
                self.router
                    .handle_notification_for(name, notification)
                    .await
            }
            None => self.router.handle_notification(notification).await,
        };
        let auth = step.authentication();
        let psp_id = step
            .handle
            .as_ref()
            .map(|h| h.id.clone())
            .or_else(|| auth.id.clone());
        let Some(psp_id) = psp_id else {
            return Err(ApiError::invalid(
                format!(
                    "the notification names no authentication the flow could read ({}: {})",
                    auth.status,
                    excerpt(auth.raw.message.as_deref().unwrap_or("no message"))
                ),
                None,
            ));
        };
        let id = match self.store.find_by_psp_id(auth.provider, &psp_id).await {
            Ok(Some(id)) => id,
            Ok(None) => return Err(unknown_psp_id(auth.provider, &psp_id)),
            Err(e) => return Err(store_error(&e)),
        };
        let record = self.get(&id).await?;
        let stored = &record.authentication;
        if stored.status.is_final()
            && (auth.status != stored.status || !auth.status.is_final())
            && stored.id.as_deref() == Some(psp_id.as_str())
        {
            tracing::warn!(
                authentication = %id,
                stored = %stored.status,
                notified = %auth.status,
                "a notification disagrees with the final stored status and is not applied"
            );
            return Ok(Noticed::Ignored(id));
        }
        if !auth.status.is_final() {
            // Webhooks arrive late and out of order: one saying "started" after the
            // challenge was shown would move the authentication back. The browser's steps
            // move it through its intermediate states; a notification only brings results.
            tracing::debug!(authentication = %id, notified = %auth.status, "a notification of an intermediate state is not applied");
            return Ok(Noticed::Unchanged(id));
        }
        if stored.id.as_deref() != Some(psp_id.as_str()) {
            // About an earlier attempt (one the router failed over from): the attempt
            // list keeps it; the authentication is the answering attempt's.
            tracing::info!(authentication = %id, "a notification about an earlier attempt; the authentication is not changed");
            return Ok(Noticed::Unchanged(id));
        }
        let mut step = step;
        // The stored handle keeps the routing and the client secret; a notification's
        // handle has neither.
        step.handle = None;
        let version = record.version;
        let written = self.write(record, step).await?;
        Ok(if written.version == version {
            Noticed::Unchanged(id)
        } else {
            Noticed::Updated(id)
        })
    }

    /// The account whose PSP id a notification names, from the store: the router only
    /// remembers the authentications this instance started, the store those of every
    /// instance. `None` when the notification names no stored authentication.
    async fn account_of(&self, notification: &Notification) -> Result<Option<String>, ApiError> {
        let Some((provider, Some(psp_id))) = self.router.notification_subject(notification) else {
            return Ok(None);
        };
        let id = match self.store.find_by_psp_id(provider, &psp_id).await {
            Ok(Some(id)) => id,
            Ok(None) => return Err(unknown_psp_id(provider, &psp_id)),
            Err(e) => return Err(store_error(&e)),
        };
        let record = self.get(&id).await?;
        // An earlier attempt's PSP id belongs to that attempt's account.
        Ok(Some(
            record
                .attempts
                .iter()
                .rev()
                .find(|a| a.provider == provider && a.psp_id.as_deref() == Some(psp_id.as_str()))
                .map_or(record.account.clone(), |a| a.account.clone()),
        ))
    }

    /// The return from a full-page redirect (Mangopay's SecureMode page) to the service's
    /// own return page: reports it, when the authentication waits for it.
    pub async fn returned(
        &self,
        id: &str,
        params: Vec<(String, String)>,
    ) -> Result<Record, ApiError> {
        let record = self.get(id).await?;
        if !matches!(
            record.authentication.next_action,
            Some(NextAction::Redirect { .. })
        ) {
            return Ok(record);
        }
        let cres = params
            .iter()
            .find(|(k, _)| k == "cres")
            .map(|(_, v)| v.clone());
        self.call(id, Call::ChallengeResult(ChallengeResult { cres, params }))
            .await
    }
}

/// What [`Engine::create`] can fail with.
#[derive(Debug)]
pub enum CreateError {
    /// Nothing was created at any PSP.
    NotCreated(NotCreated),
    /// A PSP may have created an authentication the service could not record.
    Lost(ApiError),
}

fn stored_attempt(a: &RoutedAttempt) -> store::Attempt {
    store::Attempt {
        account: a.account.clone(),
        provider: a.provider,
        psp_id: a.psp_id.clone(),
        status: a.status,
        detail: serde_json::to_value(a).unwrap_or_default(),
    }
}

fn next_action_type(action: &NextAction) -> &'static str {
    match action {
        NextAction::ThreeDsMethod { .. } => "three_ds_method",
        NextAction::CollectDeviceData => "collect_device_data",
        NextAction::Challenge { .. } => "challenge",
        NextAction::Redirect { .. } => "redirect",
    }
}

/// A notification about a PSP id no stored authentication has: `404`, which PSPs retry.
/// It is usually one sent while the creation it is about is still being stored.
fn unknown_psp_id(provider: crate::model::Provider, psp_id: &str) -> ApiError {
    ApiError::new(
        ErrorType::NotFound,
        format!(
            "no authentication of this service has {provider} id {} (yet: a PSP that retries finds it once its creation is stored)",
            excerpt(psp_id)
        ),
        None,
    )
}

pub(super) fn not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorType::NotFound,
        format!("no authentication {}", excerpt(id)),
        Some("id"),
    )
}

pub(super) fn store_error(e: &StoreError) -> ApiError {
    tracing::error!("store: {e}");
    ApiError::internal(format!(
        "the store failed: {}",
        threeds_wire::bounded(&e.to_string())
    ))
}
