//! 3-D Secure result portability: the external-3DS block of another PSP's authorization
//! request, built from a normalized authentication.
//!
//! A merchant that authenticated at one PSP can authorize at another by sending the
//! authentication's value, ECI, version and directory server transaction id in the second
//! PSP's "external" or "third-party" 3DS fields. [`export`] checks first that the result
//! may be carried at all (its status, value, ECI, version and age; see [`validate`]), then
//! writes the target's block ([`checkout`], [`paysafe`], [`adyen`], [`stripe`]). Every
//! failed check is listed, not only the first, so one run shows everything to fix.
//!
//! The authentication value stays a [`threeds_wire::Secret`] inside the built block; only
//! [`Export::to_json`] writes it out, because putting it into the request is the point.
//!
//! Mangopay takes no external 3DS result, and whether PXP does is not published: both are
//! errors that say so ([`ExportError::NotAccepted`], [`ExportError::Unknown`]).

pub mod adyen;
pub mod checkout;
pub mod paysafe;
pub mod stripe;
pub mod validate;

use crate::model::Authentication;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

pub use validate::{Check, Failure};

/// A PSP whose authorization request can be written, or one that is known not to take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// Checkout.com Payments API, `3ds` object (third-party authentication).
    Checkout,
    /// Paysafe Payments API, payment handle `authentication` object (external 3DS).
    Paysafe,
    /// Adyen Checkout API `/payments`, `mpiData` object (third-party authentication).
    Adyen,
    /// Stripe Payment Intents, `payment_method_options.card.three_d_secure` (3DS import).
    Stripe,
    /// Mangopay card pay-ins: no external 3DS result is taken.
    Mangopay,
    /// PXP Unity: not published whether an external 3DS result is taken.
    Pxp,
}

impl Target {
    /// Every target, writable or not, in `--to` order.
    pub const ALL: &'static [Target] = &[
        Target::Checkout,
        Target::Paysafe,
        Target::Adyen,
        Target::Stripe,
        Target::Mangopay,
        Target::Pxp,
    ];

    /// The lowercase id (`--to` value).
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Checkout => "checkout",
            Target::Paysafe => "paysafe",
            Target::Adyen => "adyen",
            Target::Stripe => "stripe",
            Target::Mangopay => "mangopay",
            Target::Pxp => "pxp",
        }
    }

    /// The PSP's name and the request part the block belongs to, for `--help` and messages.
    pub fn describe(self) -> &'static str {
        match self {
            Target::Checkout => "Checkout.com Payments API `3ds` object",
            Target::Paysafe => "Paysafe Payments API payment handle `authentication` object",
            Target::Adyen => "Adyen Checkout API `/payments` `mpiData` object",
            Target::Stripe => "Stripe `payment_method_options.card.three_d_secure`",
            Target::Mangopay => "Mangopay: takes no external 3-D Secure result",
            Target::Pxp => "PXP: not published whether it takes one",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--to` value that names no target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export target '{}' (expected checkout, paysafe, adyen, stripe, mangopay or pxp)", threeds_wire::excerpt(.0))]
pub struct UnknownTarget(pub String);

impl FromStr for Target {
    type Err = UnknownTarget;

    fn from_str(s: &str) -> Result<Self, UnknownTarget> {
        Target::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownTarget(s.to_owned()))
    }
}

/// What [`export`] needs besides the authentication.
#[derive(Debug, Clone)]
pub struct Options {
    /// The PSP whose block is written.
    pub target: Target,
    /// The time the age is measured at (injected so that a test or a replay is exact).
    pub now: DateTime<Utc>,
    /// The oldest authentication that may be carried; `None` uses the network's published
    /// validity ([`validate::default_max_age`]).
    pub max_age: Option<Duration>,
    /// Carry an authentication that has no `authenticated_at`, whose age cannot be checked.
    /// Off by default: an unknown age is refused, never assumed fresh.
    pub allow_undated: bool,
}

impl Options {
    /// Options for `target` at `now`, with the default validity window and dated results only.
    pub fn new(target: Target, now: DateTime<Utc>) -> Self {
        Self {
            target,
            now,
            max_age: None,
            allow_undated: false,
        }
    }
}

/// Why no block was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The target PSP has no field for an external 3DS result.
    #[error("{target} takes no external 3-D Secure result: {why} ({citation})")]
    NotAccepted {
        target: Target,
        why: &'static str,
        citation: &'static str,
    },
    /// No public source says whether or how the target takes an external 3DS result.
    #[error("unknown whether {target} takes an external 3-D Secure result: {why}")]
    Unknown { target: Target, why: &'static str },
    /// The authentication failed one or more checks; every failure is listed.
    #[error("refused for {target}: {}", list(.failures))]
    Refused {
        target: Target,
        failures: Vec<Failure>,
    },
}

impl ExportError {
    /// The failed checks (empty for a target that takes no external result).
    pub fn failures(&self) -> &[Failure] {
        match self {
            ExportError::Refused { failures, .. } => failures,
            _ => &[],
        }
    }
}

fn list(failures: &[Failure]) -> String {
    failures
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A built block, ready to be merged into the target's authorization request.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    target: Target,
    block: Block,
}

/// The target's block, with the authentication value still a [`threeds_wire::Secret`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
enum Block {
    Checkout(checkout::Request),
    Paysafe(paysafe::Request),
    Adyen(adyen::Request),
    Stripe(stripe::Request),
}

impl Export {
    /// The PSP the block is for.
    pub fn target(&self) -> Target {
        self.target
    }

    /// The block as one line of JSON, fields in the target's documented order, nested as in the target's request (`{"3ds": {...}}`,
    /// `{"mpiData": {...}}`, ...), with the authentication value written in: the request
    /// must carry it, so this is the one place it leaves its `Secret`.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        threeds_wire::with_secrets_revealed(|| serde_json::to_string(&self.block))
    }
}

/// A target whose block can be written.
#[derive(Clone, Copy)]
enum Writable {
    Checkout,
    Paysafe,
    Adyen,
    Stripe,
}

/// The writable target `target` is, or why it takes no block.
fn writable(target: Target) -> Result<Writable, ExportError> {
    match target {
        Target::Checkout => Ok(Writable::Checkout),
        Target::Paysafe => Ok(Writable::Paysafe),
        Target::Adyen => Ok(Writable::Adyen),
        Target::Stripe => Ok(Writable::Stripe),
        Target::Mangopay => Err(ExportError::NotAccepted {
            target,
            why: "a Mangopay card pay-in runs its own 3-D Secure (SecureMode) and its request \
                  has no field for an authentication done elsewhere",
            citation: "Mangopay API reference, Create a Direct Card PayIn",
        }),
        Target::Pxp => Err(ExportError::Unknown {
            target,
            why: "PXP's published 3DS guides describe only authentications PXP runs itself; \
                  no field for an external result is documented",
        }),
    }
}

/// `Ok` when `target` takes an external 3DS result at all; otherwise why not, the same
/// error [`export`] gives for every authentication. A caller with many authentications
/// asks once.
pub fn accepts(target: Target) -> Result<(), ExportError> {
    writable(target).map(|_| ())
}

/// Builds the external-3DS block of `options.target`'s authorization request from `auth`,
/// after checking everything [`validate`] checks and the target's own formats.
pub fn export(auth: &Authentication, options: &Options) -> Result<Export, ExportError> {
    let target = options.target;
    let writable = writable(target)?;
    let mut failures = validate::common(auth, options);
    match writable {
        Writable::Checkout => checkout::check(auth, &mut failures),
        Writable::Paysafe => paysafe::check(auth, &mut failures),
        Writable::Adyen => adyen::check(auth, &mut failures),
        Writable::Stripe => stripe::check(auth, &mut failures),
    }
    // The builders read only what the checks proved present; `Facts` holds exactly that.
    let facts = match validate::Facts::of(auth) {
        Some(facts) if failures.is_empty() => facts,
        _ => return Err(ExportError::Refused { target, failures }),
    };
    let block = match writable {
        Writable::Checkout => Block::Checkout(checkout::build(auth, &facts)),
        Writable::Paysafe => Block::Paysafe(paysafe::build(auth, &facts)),
        Writable::Adyen => Block::Adyen(adyen::build(auth, &facts)),
        Writable::Stripe => Block::Stripe(stripe::build(auth, &facts)),
    };
    Ok(Export { target, block })
}
