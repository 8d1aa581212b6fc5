//! The normalized authentication model: the contract every adapter produces.
//!
//! Field names and value spellings here are the public contract of `normalize` (see the
//! contract in `docs/contract.md`); tests, golden files and downstream jobs rely on them.
//! Every public item says what its values mean, so a library user needs no other page.

// The model is the contract: an undocumented value is a value whose meaning is guessed.
#![deny(missing_docs)]

mod authentication;
mod emv;
mod money;
mod provider;
pub mod reason;
mod status;
pub mod timestamp;

pub use authentication::{Authentication, DocumentKind, NextAction, Raw};
pub use emv::{Eci, Network, TransStatus};
pub use money::{currency_exponent, major_to_minor, minor_to_major, Money, MoneyError};
pub use provider::{Provider, UnknownProvider};
pub use status::{AuthenticationStatus, NextStep, Retry, UnknownWord};
pub use timestamp::date_of;
