//! Wire-level building blocks shared by the provider crates.
//!
//! Every provider crate mirrors one PSP's JSON exactly and knows nothing about the
//! normalized model. What they have in common lives here, so that each PSP binding stays a
//! plain description of that PSP's API:
//!
//! * [`secret`]: secret types whose `Debug`, `Display` and (by default) `Serialize` redact;
//! * [`open_enum!`]: string enums that keep values the PSP adds later instead of failing;
//! * [`lenient`]: fields PSPs send sometimes as numbers, sometimes as strings;
//! * [`validate`]: field-limit checks that name the JSON path of each violation;
//! * [`catalog`]: the CSV format of the per-PSP code catalogs;
//! * [`http`]: the transport every client sends through (timeouts, retries, limits);
//! * [`ids`]: random identifiers (UUIDs for request ids and idempotency keys);
//! * [`signature`]: HMAC-SHA256 webhook signatures, checked in constant time;
//! * `sandbox` (feature): building blocks of the local PSP simulators.
//!
//! [`http`], [`ids`], [`oauth`] and [`signature`] need the `client` feature (on by default);
//! without it the crate is the offline part only and pulls no async runtime, HTTP stack,
//! random-number generator or MAC implementation.

pub mod catalog;
pub mod hex;
#[cfg(feature = "client")]
pub mod http;
#[cfg(feature = "client")]
pub mod ids;
pub mod lenient;
#[cfg(feature = "client")]
pub mod oauth;
pub mod open_enum;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod scrub;
pub mod secret;
#[cfg(feature = "client")]
pub mod signature;
pub mod validate;

pub use catalog::{CatalogError, CatalogRow};
pub use lenient::NumOrStr;
pub use scrub::{bounded, excerpt, mask_pans, scrub, EXCERPT_CHARS, MESSAGE_BYTES};
pub use secret::{luhn_valid, with_secrets_redacted, with_secrets_revealed, CardNumber, Secret};
pub use validate::{FieldViolation, Problem, Validate, Violations};
