//! The authentication service over HTTP: `threeds_bridge::service::start` in process (and
//! the binary, for the kill test), against the in-process sandbox, with SQLite files and
//! PostgreSQL databases (`scripts/postgres.sh`).
//!
//! * `api`: every PSP through one API, as through its own flow; idempotency; callers;
//!   refused steps; errors; events.
//! * `webhooks`: merchant webhooks signed and redelivered; PSP webhooks reaching the
//!   authentication.
//! * `durability`: a restart, two instances on one PostgreSQL, SIGKILL mid-delivery.

mod api;
#[path = "../common/db.rs"]
mod db;
mod durability;
mod support;
mod webhooks;
