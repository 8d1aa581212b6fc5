//! The service's durable store: authentications, their attempts and PSP handles,
//! idempotency records and the outbox of merchant events, on SQLite (one instance, embedded)
//! or PostgreSQL (any number of instances on one database).
//!
//! Every state change of an authentication and the `authentication.updated` event that
//! tells the merchant about it are written in one transaction, so an event is never lost
//! and never sent for a change that did not happen. Updates are compare-and-swap on the
//! record's `version`: two instances that load the same authentication cannot both write
//! it; the second gets [`StoreError::VersionConflict`] and reloads.
//!
//! Secrets stay secret at rest: a PSP handle's client secret, the normalized
//! authentication with its authentication value, and stored idempotent responses are
//! sealed with the configured [`StoreKey`] ([`crypto`]); a store opened with another key
//! fails at [`Store::open`] with [`StoreError::WrongKey`]. The `normalized` column keeps the
//! same authentication with its secrets redacted, for reading the database by hand.
//!
//! Times are passed in by the caller (`now`), so the service's clock is the only clock
//! and tests need no sleeping. They are kept to the microsecond (PostgreSQL's precision),
//! so a value read back equals the value written on both databases.

pub mod crypto;
mod sql;

pub use crypto::{KeyError, StoreKey};

use crate::flow::Handle;
use crate::model::{Authentication, AuthenticationStatus, Provider};
use chrono::{DateTime, Utc};
use crypto::Sealer;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The one event type the outbox carries.
pub const AUTHENTICATION_UPDATED: &str = "authentication.updated";

/// How long an idempotency record answers for its key (Stripe keeps keys 24 hours).
pub const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// The durable store. Cheap to share behind an `Arc`; every method is one short
/// transaction.
pub struct Store {
    backend: sql::Backend,
    sealer: Sealer,
}

/// A new authentication, as the service has it after its first flow call.
#[derive(Debug, Clone)]
pub struct NewAuthentication {
    /// The service's id, from [`new_authentication_id`].
    pub id: String,
    /// The configured account that serves it.
    pub account: String,
    pub authentication: Authentication,
    pub handle: Option<Handle>,
    pub attempts: Vec<Attempt>,
}

/// A change to a stored authentication.
#[derive(Debug, Clone)]
pub struct Change {
    pub authentication: Authentication,
    /// The flow's new handle; `None` keeps the stored one.
    pub handle: Option<Handle>,
    /// Attempts to append after the stored ones.
    pub attempts: Vec<Attempt>,
}

/// One try at one account, in the order they were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub account: String,
    pub provider: Provider,
    /// The PSP's id of what the try created.
    pub psp_id: Option<String>,
    /// The try's outcome; null when the account was skipped.
    pub status: Option<AuthenticationStatus>,
    /// Whatever else the service records about the try (the router's attempt, as JSON).
    #[serde(default)]
    pub detail: serde_json::Value,
}

/// A stored authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    pub account: String,
    pub authentication: Authentication,
    pub handle: Option<Handle>,
    pub attempts: Vec<Attempt>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Starts at 1; every update adds 1. An update names the version it read.
    pub version: i64,
}

/// An outbox event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `evt_...`: the same on every delivery, for the merchant's de-duplication.
    pub id: String,
    pub authentication_id: String,
    /// [`AUTHENTICATION_UPDATED`].
    pub kind: String,
    /// What the service put in the event (the authentication object as it was then).
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// Claims so far, the current one included.
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    /// Why the last delivery failed.
    pub last_error: Option<String>,
}

impl Event {
    /// The body the merchant receives: `{"id", "type", "created_at", "data"}`.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "type": self.kind,
            "created_at": self.created_at,
            "data": self.payload,
        })
    }
}

/// What an idempotent request stored as its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: serde_json::Value,
}

/// What [`Store::idempotency_begin`] found for a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Begin {
    /// The key is new (or its record expired): this request runs, then calls
    /// [`Store::idempotency_finish`] (or [`Store::idempotency_release`] if it did nothing).
    Started,
    /// The same request finished before: answer this again.
    Replay(StoredResponse),
    /// The same request is still running elsewhere (HTTP 409).
    InProgress,
    /// The key was used with another request body (HTTP 422).
    Mismatch,
}

/// A store operation that failed. No message quotes a secret or more than a short excerpt
/// of any stored value.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store URL {url:?}: {reason}")]
    Url { url: String, reason: String },
    #[error("store ({operation}): {source}")]
    Database {
        operation: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("store migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the store key does not open this database's sealed values: it was created with another key")]
    WrongKey,
    #[error(
        "{what}: does not open with the store key (another key, or the stored bytes were altered)"
    )]
    Sealed { what: String },
    #[error("{what}: stored JSON does not read back: {source}")]
    Corrupt {
        what: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("authentication {0} not found")]
    NotFound(String),
    #[error("authentication {id}: version {expected} was read but the store has version {actual} (another instance changed it; reload)")]
    VersionConflict {
        id: String,
        expected: i64,
        actual: i64,
    },
    #[error("idempotency key {0}: no running request to finish")]
    NotRunning(String),
    #[error("idempotency key {0}: other requests with it kept starting and ending; try again")]
    KeyContended(String),
}

/// A new authentication id: `auth_` and 32 hexadecimal digits (128 random bits).
pub fn new_authentication_id() -> String {
    random_id("auth_", 16)
}

/// `prefix` and `bytes` random bytes from the operating system, in hex.
pub(crate) fn random_id(prefix: &str, bytes: usize) -> String {
    use chacha20poly1305::aead::rand_core::RngCore;
    let mut random = [0u8; 32];
    let random = &mut random[..bytes.min(32)];
    chacha20poly1305::aead::OsRng.fill_bytes(random);
    let mut id = String::with_capacity(prefix.len() + random.len() * 2);
    id.push_str(prefix);
    threeds_wire::hex::push(&mut id, random);
    id
}

/// The delay before the next delivery of an event that failed `attempts` times: 1 s,
/// doubling, at most an hour (a merchant's endpoint down for a day gets about 30 tries).
pub fn backoff(attempts: i64) -> Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 12) as u32;
    Duration::from_secs((1u64 << doublings).min(3600))
}

fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

fn later(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| t.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn json_text<T: Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Corrupt {
        what: what.to_string(),
        source,
    })
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(text).map_err(|source| StoreError::Corrupt {
        what: what.to_string(),
        source,
    })
}

/// The parts of a row of `authentications` the service writes.
struct AuthenticationRow {
    status: String,
    next_step: String,
    normalized: String,
    sealed: Vec<u8>,
}

/// The parts of a row of `psp_handles`.
struct HandleRow {
    provider: String,
    psp_id: String,
    handle: String,
    client_secret: Option<Vec<u8>>,
}

/// The parts of a row of `attempts`.
struct AttemptRow {
    account: String,
    provider: String,
    psp_id: Option<String>,
    status: Option<String>,
    detail: String,
}

impl Store {
    /// Opens `sqlite:PATH` (created if missing, in WAL mode) or `postgres://...`, runs the
    /// migrations, and checks that `key` is the database's key.
    pub async fn open(url: &str, key: &StoreKey) -> Result<Store, StoreError> {
        let backend = sql::Backend::connect(url).await?;
        let store = Store {
            backend,
            sealer: Sealer::new(key),
        };
        store.check_key().await?;
        Ok(store)
    }

    /// Closes the connections (the database keeps everything).
    pub async fn close(&self) {
        self.backend.close().await;
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    const KEY_CHECK_PLACE: &'static str = "store_meta.key_check";
    const KEY_CHECK_VALUE: &'static [u8] = b"threeds-bridge store key check";

    async fn check_key(&self) -> Result<(), StoreError> {
        let candidate = self
            .sealer
            .seal(Self::KEY_CHECK_PLACE, Self::KEY_CHECK_VALUE);
        // The first store to open the database writes the check; every one reads it back.
        let stored = self.backend.key_check(candidate).await?;
        match self.sealer.open(Self::KEY_CHECK_PLACE, &stored) {
            Ok(value) if value == Self::KEY_CHECK_VALUE => Ok(()),
            _ => Err(StoreError::WrongKey),
        }
    }

    fn seal_authentication(
        &self,
        id: &str,
        authentication: &Authentication,
    ) -> Result<AuthenticationRow, StoreError> {
        let what = format!("authentication {id}");
        let normalized = json_text(&what, authentication)?;
        let revealed = threeds_wire::with_secrets_revealed(|| json_text(&what, authentication))?;
        Ok(AuthenticationRow {
            status: authentication.status.to_string(),
            next_step: authentication.next_step.to_string(),
            normalized,
            sealed: self
                .sealer
                .seal(&format!("authentications.sealed:{id}"), revealed.as_bytes()),
        })
    }

    fn open_authentication(&self, id: &str, sealed: &[u8]) -> Result<Authentication, StoreError> {
        let what = format!("authentication {id}");
        let text = self
            .sealer
            .open(&format!("authentications.sealed:{id}"), sealed)
            .map_err(|_| StoreError::Sealed { what: what.clone() })?;
        from_json(&what, &text)
    }

    /// The handle without its client secret, and the secret sealed apart.
    fn seal_handle(&self, id: &str, handle: &Handle) -> Result<HandleRow, StoreError> {
        let what = format!("PSP handle of {id}");
        let mut stored =
            serde_json::to_value(handle.to_stored()).map_err(|source| StoreError::Corrupt {
                what: what.clone(),
                source,
            })?;
        let secret = stored
            .as_object_mut()
            .and_then(|o| o.remove("client_secret"))
            .and_then(|s| s.as_str().map(str::to_owned));
        Ok(HandleRow {
            provider: handle.provider.to_string(),
            psp_id: handle.id.clone(),
            handle: json_text(&what, &stored)?,
            client_secret: secret.map(|s| {
                self.sealer
                    .seal(&format!("psp_handles.client_secret:{id}"), s.as_bytes())
            }),
        })
    }

    fn open_handle(
        &self,
        id: &str,
        handle: &str,
        client_secret: Option<&[u8]>,
    ) -> Result<Handle, StoreError> {
        let what = format!("PSP handle of {id}");
        let mut stored: serde_json::Value = from_json(&what, handle.as_bytes())?;
        if let Some(sealed) = client_secret {
            let secret = self
                .sealer
                .open(&format!("psp_handles.client_secret:{id}"), sealed)
                .map_err(|_| StoreError::Sealed {
                    what: format!("client secret of {what}"),
                })?;
            let secret = String::from_utf8(secret).map_err(|_| StoreError::Sealed {
                what: format!("client secret of {what}"),
            })?;
            if let Some(object) = stored.as_object_mut() {
                object.insert("client_secret".into(), secret.into());
            }
        }
        let stored: crate::flow::StoredHandle =
            serde_json::from_value(stored).map_err(|source| StoreError::Corrupt {
                what: what.clone(),
                source,
            })?;
        Ok(Handle::from_stored(stored))
    }

    fn attempt_rows(id: &str, attempts: &[Attempt]) -> Result<Vec<AttemptRow>, StoreError> {
        attempts
            .iter()
            .map(|a| {
                Ok(AttemptRow {
                    account: a.account.clone(),
                    provider: a.provider.to_string(),
                    psp_id: a.psp_id.clone(),
                    status: a.status.map(|s| s.to_string()),
                    detail: json_text(&format!("attempt of {id}"), a)?,
                })
            })
            .collect()
    }

    fn event_row(
        authentication_id: &str,
        payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<sql::NewEvent, StoreError> {
        Ok(sql::NewEvent {
            id: random_id("evt_", 16),
            authentication_id: authentication_id.to_string(),
            payload: json_text(&format!("event of {authentication_id}"), payload)?,
            at: now,
        })
    }

    /// Writes a new authentication, its handle and attempts, and its first
    /// `authentication.updated` event (carrying `event_payload`), in one transaction.
    pub async fn create(
        &self,
        new: &NewAuthentication,
        event_payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<Record, StoreError> {
        let now = micros(now);
        let row = self.seal_authentication(&new.id, &new.authentication)?;
        let handle = new
            .handle
            .as_ref()
            .map(|h| self.seal_handle(&new.id, h))
            .transpose()?;
        let attempts = Self::attempt_rows(&new.id, &new.attempts)?;
        let event = Self::event_row(&new.id, event_payload, now)?;
        self.backend
            .create(sql::Create {
                id: &new.id,
                account: &new.account,
                provider: new.authentication.provider.to_string(),
                row,
                handle,
                attempts,
                event,
                now,
            })
            .await?;
        // What was written, without reading it back (a read per write was a third of a
        // create's queries on SQLite's one connection).
        Ok(Record {
            id: new.id.clone(),
            account: new.account.clone(),
            authentication: new.authentication.clone(),
            handle: new.handle.clone(),
            attempts: new.attempts.clone(),
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }

    /// Writes a change over `current` if the stored version is still `current.version`,
    /// appends its attempts and an `authentication.updated` event, in one transaction;
    /// returns the record as it now is (without reading it back).
    pub async fn update(
        &self,
        current: &Record,
        change: &Change,
        event_payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<Record, StoreError> {
        let (id, expected_version) = (current.id.as_str(), current.version);
        let now = micros(now);
        let row = self.seal_authentication(id, &change.authentication)?;
        let handle = change
            .handle
            .as_ref()
            .map(|h| self.seal_handle(id, h))
            .transpose()?;
        let attempts = Self::attempt_rows(id, &change.attempts)?;
        let event = Self::event_row(id, event_payload, now)?;
        self.backend
            .update(sql::Update {
                id,
                expected_version,
                row,
                handle,
                attempts,
                event,
                now,
            })
            .await?;
        let mut attempts = current.attempts.clone();
        attempts.extend(change.attempts.iter().cloned());
        Ok(Record {
            id: current.id.clone(),
            account: current.account.clone(),
            authentication: change.authentication.clone(),
            handle: change.handle.clone().or_else(|| current.handle.clone()),
            attempts,
            created_at: current.created_at,
            updated_at: now,
            version: current.version + 1,
        })
    }

    /// The stored authentication, or `None` when the id is unknown.
    pub async fn get(&self, id: &str) -> Result<Option<Record>, StoreError> {
        let Some(loaded) = self.backend.load(id).await? else {
            return Ok(None);
        };
        let authentication = self.open_authentication(id, &loaded.sealed)?;
        let handle = loaded
            .handle
            .map(|(handle, secret)| self.open_handle(id, &handle, secret.as_deref()))
            .transpose()?;
        let attempts = loaded
            .attempts
            .iter()
            .map(|detail| from_json(&format!("attempt of {id}"), detail.as_bytes()))
            .collect::<Result<Vec<Attempt>, _>>()?;
        Ok(Some(Record {
            id: id.to_string(),
            account: loaded.account,
            authentication,
            handle,
            attempts,
            created_at: loaded.created_at,
            updated_at: loaded.updated_at,
            version: loaded.version,
        }))
    }

    /// The id of the authentication that `provider`'s id `psp_id` belongs to: the one whose
    /// PSP handle has it, else the newest one with an attempt that had it (a failed-over
    /// attempt's PSP can still send a notification). This is how a webhook, which names
    /// the PSP's id, finds the service's authentication on any instance.
    pub async fn find_by_psp_id(
        &self,
        provider: Provider,
        psp_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.backend.find_by_psp_id(provider.as_str(), psp_id).await
    }

    /// Events newest first, at most `limit`, of one authentication or of all; with
    /// `starting_after` (an event id), only the events older than that one (the next page).
    pub async fn list_events(
        &self,
        authentication_id: Option<&str>,
        starting_after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = self
            .backend
            .list_events(authentication_id, starting_after, limit)
            .await?;
        rows.into_iter().map(sql::IntoEvent::into_event).collect()
    }

    /// Records that a request with `key` and `request_hash` (the service's hash of the
    /// method, path and body) starts, or says what an earlier one with that key left. A
    /// record older than [`IDEMPOTENCY_WINDOW`] is forgotten and the key starts anew.
    pub async fn idempotency_begin(
        &self,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Begin, StoreError> {
        let now = micros(now);
        let expired_before = now
            .checked_sub_signed(
                chrono::Duration::from_std(IDEMPOTENCY_WINDOW).unwrap_or(chrono::Duration::MAX),
            )
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let found = self
            .backend
            .idempotency_begin(key, request_hash, now, expired_before)
            .await?;
        let Some((hash, state, response)) = found else {
            return Ok(Begin::Started);
        };
        if hash != request_hash {
            return Ok(Begin::Mismatch);
        }
        match (state.as_str(), response) {
            ("done", Some(sealed)) => {
                let what = format!("idempotent response of key {}", threeds_wire::excerpt(key));
                let text = self
                    .sealer
                    .open(&format!("idempotency.response:{key}"), &sealed)
                    .map_err(|_| StoreError::Sealed { what: what.clone() })?;
                Ok(Begin::Replay(from_json(&what, &text)?))
            }
            _ => Ok(Begin::InProgress),
        }
    }

    /// Stores the answer of the request that [`Begin::Started`] for `key`.
    pub async fn idempotency_finish(
        &self,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let text = json_text("idempotent response", response)?;
        let sealed = self
            .sealer
            .seal(&format!("idempotency.response:{key}"), text.as_bytes());
        if self.backend.idempotency_finish(key, sealed).await? {
            Ok(())
        } else {
            Err(StoreError::NotRunning(
                threeds_wire::excerpt(key).into_owned(),
            ))
        }
    }

    /// Forgets a running key whose request did nothing (it failed before any PSP call), so
    /// a retry with the same key runs.
    pub async fn idempotency_release(&self, key: &str) -> Result<(), StoreError> {
        self.backend.idempotency_release(key).await
    }

    /// Claims up to `limit` events due at `now` for delivery: each is leased for `lease`
    /// (pushed that far into the future, its `attempts` counted), so no other claimer gets
    /// it meanwhile, and it comes back if the claimer dies before marking it. On PostgreSQL
    /// concurrent claimers skip each other's rows (`FOR UPDATE SKIP LOCKED`); SQLite has a
    /// single writer.
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<Event>, StoreError> {
        let now = micros(now);
        let rows = self
            .backend
            .claim_due(now, later(now, lease), limit)
            .await?;
        rows.into_iter().map(sql::IntoEvent::into_event).collect()
    }

    /// Marks a claimed event delivered: it is never claimed again.
    pub async fn mark_delivered(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.backend.mark_delivered(event_id, micros(now)).await
    }

    /// Puts a claimed event whose delivery failed back for [`backoff`] of its attempts;
    /// returns when it is due again.
    pub async fn reschedule(
        &self,
        event: &Event,
        now: DateTime<Utc>,
        error: &str,
    ) -> Result<DateTime<Utc>, StoreError> {
        let due = micros(later(now, backoff(event.attempts)));
        self.backend
            .reschedule(&event.id, due, &threeds_wire::excerpt(error))
            .await?;
        Ok(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_second_up_to_an_hour() {
        let secs: Vec<u64> = [0, 1, 2, 3, 12, 13, 1000, i64::MAX]
            .iter()
            .map(|&a| backoff(a).as_secs())
            .collect();
        assert_eq!(secs, [1, 1, 2, 4, 2048, 3600, 3600, 3600]);
    }

    #[test]
    fn ids_are_prefixed_and_random() {
        let a = new_authentication_id();
        assert!(a.starts_with("auth_") && a.len() == 37, "{a}");
        assert_ne!(a, new_authentication_id());
        assert!(random_id("evt_", 16).starts_with("evt_"));
    }
}
