//! The SQL of the store, the same text for SQLite and PostgreSQL wherever the two agree
//! (both take `$1` parameters, `ON CONFLICT` and `RETURNING`): each query is written once
//! and run on whichever pool the store has ([`on_pool!`] for writes, [`on_reader!`] for
//! reads). Only the outbox claim differs: PostgreSQL locks the claimed rows and skips rows
//! another claimer holds.

use super::{AttemptRow, AuthenticationRow, Event, HandleRow, StoreError};
use chrono::{DateTime, Utc};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

pub(super) enum Backend {
    /// SQLite has one writer at a time: `writer` is one connection, so every write
    /// transaction (the outbox claim included) runs alone without busy retries. In WAL mode
    /// readers run beside the writer and see what it committed, so reads go to `readers`
    /// and never queue behind a write.
    Sqlite {
        writer: SqlitePool,
        readers: SqlitePool,
    },
    Postgres(PgPool),
}

/// How often [`Backend::idempotency_begin`] tries a key that keeps appearing and vanishing
/// under it (each time another request held it and released it in between).
const IDEMPOTENCY_TRIES: usize = 4;

/// How many read connections a SQLite store opens beside its writer.
const SQLITE_READERS: u32 = 4;

/// Runs `$body` with `$pool` bound to the backend's pool for writes, whichever it is: the
/// body is compiled once per database, so one query text serves both.
macro_rules! on_pool {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            Backend::Sqlite { writer: $pool, .. } => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// [`on_pool!`] for reads: SQLite's read connections, PostgreSQL's one pool.
macro_rules! on_reader {
    ($backend:expr, $pool:ident => $body:expr) => {
        match $backend {
            Backend::Sqlite { readers: $pool, .. } => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// The writes `create` and `update` share, inside their transaction `$tx` (a macro because
/// the transaction's type differs per database, as in [`on_pool`]).
macro_rules! write_handle {
    ($tx:expr, $id:expr, $handle:expr, $now:expr) => {
        if let Some(h) = $handle {
            sqlx::query(UPSERT_HANDLE)
                .bind($id)
                .bind(&h.provider)
                .bind(&h.psp_id)
                .bind(&h.handle)
                .bind(&h.client_secret)
                .bind($now)
                .execute(&mut *$tx)
                .await
                .map_err(db("write PSP handle"))?;
        }
    };
}

/// Appends `$attempts` from ordinal `$first` on (see [`write_handle`]).
macro_rules! write_attempts {
    ($tx:expr, $id:expr, $first:expr, $attempts:expr, $now:expr) => {
        for (ordinal, a) in ($first..).zip($attempts) {
            sqlx::query(INSERT_ATTEMPT)
                .bind($id)
                .bind(ordinal)
                .bind(&a.account)
                .bind(&a.provider)
                .bind(&a.psp_id)
                .bind(&a.status)
                .bind(&a.detail)
                .bind($now)
                .execute(&mut *$tx)
                .await
                .map_err(db("insert attempt"))?;
        }
    };
}

/// Writes the change's `authentication.updated` event (see [`write_handle`]).
macro_rules! write_event {
    ($tx:expr, $event:expr) => {
        sqlx::query(INSERT_EVENT)
            .bind(&$event.id)
            .bind(&$event.authentication_id)
            .bind(super::AUTHENTICATION_UPDATED)
            .bind(&$event.payload)
            .bind($event.at)
            .execute(&mut *$tx)
            .await
            .map_err(db("insert event"))?;
    };
}

fn db(operation: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |source| StoreError::Database { operation, source }
}

fn migrator(migrations: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator {
        migrations: Cow::Owned(
            migrations
                .iter()
                .map(|&(version, name, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(name),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect(),
        ),
        ..Migrator::DEFAULT
    }
}

/// Each backend's migrations, in order: (version, name, SQL). A database records the ones
/// it ran, so an existing store gets only the new ones at its next start.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("migrations/sqlite/0001_initial.sql"),
    ),
    (
        2,
        "psp_id_lookup",
        include_str!("migrations/sqlite/0002_psp_id_lookup.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        include_str!("migrations/postgres/0001_initial.sql"),
    ),
    (
        2,
        "psp_id_lookup",
        include_str!("migrations/postgres/0002_psp_id_lookup.sql"),
    ),
];

pub(super) struct NewEvent {
    pub id: String,
    pub authentication_id: String,
    pub payload: String,
    pub at: DateTime<Utc>,
}

pub(super) struct Create<'a> {
    pub id: &'a str,
    pub account: &'a str,
    pub provider: String,
    pub row: AuthenticationRow,
    pub handle: Option<HandleRow>,
    pub attempts: Vec<AttemptRow>,
    pub event: NewEvent,
    pub now: DateTime<Utc>,
}

pub(super) struct Update<'a> {
    pub id: &'a str,
    pub expected_version: i64,
    pub row: AuthenticationRow,
    pub handle: Option<HandleRow>,
    pub attempts: Vec<AttemptRow>,
    pub event: NewEvent,
    pub now: DateTime<Utc>,
}

pub(super) struct Loaded {
    pub account: String,
    pub sealed: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// The handle's JSON and its sealed client secret.
    pub handle: Option<(String, Option<Vec<u8>>)>,
    /// Each attempt's JSON, in order.
    pub attempts: Vec<String>,
}

/// `account, sealed, created_at, updated_at, version` of `authentications`.
type AuthenticationColumns = (String, Vec<u8>, DateTime<Utc>, DateTime<Utc>, i64);

/// `seq` first: the order events were written in.
pub(super) type EventRow = (
    i64,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    i64,
    DateTime<Utc>,
    Option<String>,
);

const EVENT_COLUMNS: &str = "seq, id, authentication_id, type, payload, created_at, delivered_at, \
                             attempts, next_attempt_at, last_error";

pub(super) trait IntoEvent {
    fn into_event(self) -> Result<Event, StoreError>;
}

impl IntoEvent for EventRow {
    fn into_event(self) -> Result<Event, StoreError> {
        let (
            _,
            id,
            authentication_id,
            kind,
            payload,
            created_at,
            delivered_at,
            attempts,
            next,
            err,
        ) = self;
        let payload = super::from_json(&format!("event {id}"), payload.as_bytes())?;
        Ok(Event {
            id,
            authentication_id,
            kind,
            payload,
            created_at,
            delivered_at,
            attempts,
            next_attempt_at: next,
            last_error: err,
        })
    }
}

const INSERT_EVENT: &str = "INSERT INTO events (id, authentication_id, type, payload, created_at, \
     attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5)";

const UPSERT_HANDLE: &str = "INSERT INTO psp_handles (authentication_id, provider, psp_id, \
     handle, client_secret, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (authentication_id) DO UPDATE SET provider = excluded.provider, \
     psp_id = excluded.psp_id, handle = excluded.handle, \
     client_secret = excluded.client_secret, updated_at = excluded.updated_at";

const INSERT_ATTEMPT: &str = "INSERT INTO attempts (authentication_id, ordinal, account, \
     provider, psp_id, status, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const CLAIM_SQLITE: &str = "UPDATE events SET attempts = attempts + 1, next_attempt_at = $2 \
     WHERE seq IN (SELECT seq FROM events WHERE delivered_at IS NULL AND next_attempt_at <= $1 \
     ORDER BY next_attempt_at, seq LIMIT $3) \
     RETURNING seq, id, authentication_id, type, payload, created_at, delivered_at, attempts, \
     next_attempt_at, last_error";

const CLAIM_POSTGRES: &str = "UPDATE events SET attempts = attempts + 1, next_attempt_at = $2 \
     WHERE seq IN (SELECT seq FROM events WHERE delivered_at IS NULL AND next_attempt_at <= $1 \
     ORDER BY next_attempt_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED) \
     RETURNING seq, id, authentication_id, type, payload, created_at, delivered_at, attempts, \
     next_attempt_at, last_error";

impl Backend {
    pub(super) async fn connect(url: &str) -> Result<Backend, StoreError> {
        let bad = |reason: String| StoreError::Url {
            url: threeds_wire::excerpt(url).into_owned(),
            reason,
        };
        if url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(url)
                .map_err(|e| bad(e.to_string()))?
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let options = base
                .clone()
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a
                // commit survives the process dying (SIGKILL, a panic) as with FULL, and the
                // database is never corrupted, but an OS crash or power loss may roll back
                // the last commits before the checkpoint (docs/store.md, "Durability").
                // FULL syncs every commit, which on this project's disk is most of what a
                // commit costs.
                .synchronous(SqliteSynchronous::Normal);
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await
                .map_err(db("open SQLite"))?;
            migrator(SQLITE_MIGRATIONS).run(&writer).await?;
            // An in-memory database exists only in its own connection: it is read there.
            let readers = if base.get_filename() == std::path::Path::new(":memory:") {
                writer.clone()
            } else {
                SqlitePoolOptions::new()
                    .max_connections(SQLITE_READERS)
                    .connect_with(base.read_only(true))
                    .await
                    .map_err(db("open SQLite for reading"))?
            };
            Ok(Backend::Sqlite { writer, readers })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await
                .map_err(db("connect to PostgreSQL"))?;
            // sqlx's migrator holds an advisory lock: instances starting together migrate once.
            migrator(POSTGRES_MIGRATIONS).run(&pool).await?;
            Ok(Backend::Postgres(pool))
        } else {
            Err(bad(
                "expected sqlite:PATH or postgres://USER@HOST:PORT/DATABASE".into(),
            ))
        }
    }

    pub(super) fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    pub(super) async fn close(&self) {
        if let Backend::Sqlite { readers, .. } = self {
            readers.close().await;
        }
        on_pool!(self, pool => pool.close().await)
    }

    /// Inserts `candidate` as the key check unless one is there; returns the stored one.
    pub(super) async fn key_check(&self, candidate: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO store_meta (name, value) VALUES ('key_check', $1) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(candidate)
            .execute(pool)
            .await
            .map_err(db("write the key check"))?;
            let (value,): (Vec<u8>,) =
                sqlx::query_as("SELECT value FROM store_meta WHERE name = 'key_check'")
                    .fetch_one(pool)
                    .await
                    .map_err(db("read the key check"))?;
            Ok(value)
        })
    }

    pub(super) async fn create(&self, c: Create<'_>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(db("begin create"))?;
            sqlx::query(
                "INSERT INTO authentications (id, account, provider, status, next_step, \
                 normalized, sealed, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1)",
            )
            .bind(c.id)
            .bind(c.account)
            .bind(&c.provider)
            .bind(&c.row.status)
            .bind(&c.row.next_step)
            .bind(&c.row.normalized)
            .bind(&c.row.sealed)
            .bind(c.now)
            .execute(&mut *tx)
            .await
            .map_err(db("insert authentication"))?;
            write_handle!(tx, c.id, &c.handle, c.now);
            write_attempts!(tx, c.id, 0i64, &c.attempts, c.now);
            write_event!(tx, c.event);
            tx.commit().await.map_err(db("commit create"))
        })
    }

    pub(super) async fn update(&self, u: Update<'_>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(db("begin update"))?;
            let done = sqlx::query(
                "UPDATE authentications SET status = $1, next_step = $2, normalized = $3, \
                 sealed = $4, updated_at = $5, version = version + 1 \
                 WHERE id = $6 AND version = $7",
            )
            .bind(&u.row.status)
            .bind(&u.row.next_step)
            .bind(&u.row.normalized)
            .bind(&u.row.sealed)
            .bind(u.now)
            .bind(u.id)
            .bind(u.expected_version)
            .execute(&mut *tx)
            .await
            .map_err(db("update authentication"))?;
            if done.rows_affected() == 0 {
                let actual: Option<(i64,)> =
                    sqlx::query_as("SELECT version FROM authentications WHERE id = $1")
                        .bind(u.id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db("read version"))?;
                return Err(match actual {
                    None => StoreError::NotFound(u.id.to_string()),
                    Some((actual,)) => StoreError::VersionConflict {
                        id: u.id.to_string(),
                        expected: u.expected_version,
                        actual,
                    },
                });
            }
            write_handle!(tx, u.id, &u.handle, u.now);
            if !u.attempts.is_empty() {
                let (next,): (i64,) = sqlx::query_as(
                    "SELECT COALESCE(MAX(ordinal) + 1, 0) FROM attempts WHERE authentication_id = $1",
                )
                .bind(u.id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db("count attempts"))?;
                write_attempts!(tx, u.id, next, &u.attempts, u.now);
            }
            write_event!(tx, u.event);
            tx.commit().await.map_err(db("commit update"))
        })
    }

    /// The authentication whose PSP handle, or failing that one of whose attempts, has
    /// `provider`'s id `psp_id` (newest first when several attempts had it).
    pub(super) async fn find_by_psp_id(
        &self,
        provider: &str,
        psp_id: &str,
    ) -> Result<Option<String>, StoreError> {
        on_reader!(self, pool => {
            let handle: Option<(String,)> = sqlx::query_as(
                "SELECT authentication_id FROM psp_handles WHERE provider = $1 AND psp_id = $2",
            )
            .bind(provider)
            .bind(psp_id)
            .fetch_optional(pool)
            .await
            .map_err(db("find PSP handle"))?;
            if let Some((id,)) = handle {
                return Ok(Some(id));
            }
            let attempt: Option<(String,)> = sqlx::query_as(
                "SELECT authentication_id FROM attempts WHERE provider = $1 AND psp_id = $2 \
                 ORDER BY created_at DESC LIMIT 1",
            )
            .bind(provider)
            .bind(psp_id)
            .fetch_optional(pool)
            .await
            .map_err(db("find attempt"))?;
            Ok(attempt.map(|(id,)| id))
        })
    }

    pub(super) async fn load(&self, id: &str) -> Result<Option<Loaded>, StoreError> {
        on_reader!(self, pool => {
            let mut tx = pool.begin().await.map_err(db("begin read"))?;
            let row: Option<AuthenticationColumns> = sqlx::query_as(
                "SELECT account, sealed, created_at, updated_at, version \
                 FROM authentications WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("read authentication"))?;
            let Some((account, sealed, created_at, updated_at, version)) = row else {
                return Ok(None);
            };
            let handle: Option<(String, Option<Vec<u8>>)> = sqlx::query_as(
                "SELECT handle, client_secret FROM psp_handles WHERE authentication_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("read PSP handle"))?;
            let attempts: Vec<(String,)> = sqlx::query_as(
                "SELECT detail FROM attempts WHERE authentication_id = $1 ORDER BY ordinal",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await
            .map_err(db("read attempts"))?;
            tx.commit().await.map_err(db("end read"))?;
            Ok(Some(Loaded {
                account,
                sealed,
                created_at,
                updated_at,
                version,
                handle,
                attempts: attempts.into_iter().map(|(d,)| d).collect(),
            }))
        })
    }

    pub(super) async fn list_events(
        &self,
        authentication_id: Option<&str>,
        starting_after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events \
             WHERE ($1 IS NULL OR authentication_id = $1) \
             AND ($3 IS NULL OR seq < (SELECT seq FROM events WHERE id = $3)) \
             ORDER BY seq DESC LIMIT $2"
        );
        on_reader!(self, pool => {
            sqlx::query_as(&sql)
                .bind(authentication_id)
                .bind(i64::from(limit))
                .bind(starting_after)
                .fetch_all(pool)
                .await
                .map_err(db("list events"))
        })
    }

    /// Inserts a running record for the key, replacing one that expired (created before
    /// `expired_before`); `None` when it was written, else the existing record's hash,
    /// state and sealed response. One statement in the usual case (a new key), without a
    /// transaction: when the key exists, its record is read; if a concurrent release
    /// removed it in between, the insert is tried again.
    #[allow(clippy::type_complexity)]
    pub(super) async fn idempotency_begin(
        &self,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
    ) -> Result<Option<(String, String, Option<Vec<u8>>)>, StoreError> {
        for _ in 0..IDEMPOTENCY_TRIES {
            let found: Option<(String, String, Option<Vec<u8>>)> = on_pool!(self, pool => {
                let written = sqlx::query(
                    "INSERT INTO idempotency (idempotency_key, request_hash, state, created_at) \
                     VALUES ($1, $2, 'running', $3) ON CONFLICT (idempotency_key) DO UPDATE \
                     SET request_hash = excluded.request_hash, state = 'running', \
                     response = NULL, created_at = excluded.created_at \
                     WHERE idempotency.created_at < $4",
                )
                .bind(key)
                .bind(request_hash)
                .bind(now)
                .bind(expired_before)
                .execute(pool)
                .await
                .map_err(db("insert idempotency key"))?;
                if written.rows_affected() == 1 {
                    return Ok(None);
                }
                sqlx::query_as(
                    "SELECT request_hash, state, response FROM idempotency \
                     WHERE idempotency_key = $1",
                )
                .bind(key)
                .fetch_optional(pool)
                .await
                .map_err(db("read idempotency key"))?
            });
            if found.is_some() {
                return Ok(found);
            }
        }
        Err(StoreError::KeyContended(
            threeds_wire::excerpt(key).into_owned(),
        ))
    }

    pub(super) async fn idempotency_finish(
        &self,
        key: &str,
        sealed: Vec<u8>,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query(
                "UPDATE idempotency SET state = 'done', response = $2 \
                 WHERE idempotency_key = $1 AND state = 'running'",
            )
            .bind(key)
            .bind(sealed)
            .execute(pool)
            .await
            .map_err(db("finish idempotency key"))?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub(super) async fn idempotency_release(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM idempotency WHERE idempotency_key = $1 AND state = 'running'")
                .bind(key)
                .execute(pool)
                .await
                .map_err(db("release idempotency key"))?;
            Ok(())
        })
    }

    pub(super) async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<EventRow>, StoreError> {
        let sql = match self {
            Backend::Sqlite { .. } => CLAIM_SQLITE,
            Backend::Postgres(_) => CLAIM_POSTGRES,
        };
        let mut rows: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(now)
                .bind(lease_until)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .map_err(db("claim events"))?
        });
        // RETURNING gives no order: oldest first, as they were written.
        rows.sort_by_key(|row| row.0);
        Ok(rows)
    }

    pub(super) async fn mark_delivered(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE events SET delivered_at = $2 WHERE id = $1 AND delivered_at IS NULL")
                .bind(event_id)
                .bind(now)
                .execute(pool)
                .await
                .map_err(db("mark event delivered"))?;
            Ok(())
        })
    }

    pub(super) async fn reschedule(
        &self,
        event_id: &str,
        due: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE events SET next_attempt_at = $2, last_error = $3 \
                 WHERE id = $1 AND delivered_at IS NULL",
            )
            .bind(event_id)
            .bind(due)
            .bind(error)
            .execute(pool)
            .await
            .map_err(db("reschedule event"))?;
            Ok(())
        })
    }
}
