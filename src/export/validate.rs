//! The checks every target shares: is this a result another PSP may carry?
//!
//! * status `authenticated` or `attempted`: only those carry a value that proves something;
//! * an authentication value, and not the redaction marker `normalize` prints without
//!   `--reveal-secrets`;
//! * an ECI that says the same as the status at the card's network: Visa, American
//!   Express, Discover and Diners 05 authenticated / 06 attempted, Mastercard and Maestro
//!   02 / 01 (ECI tables: https://www.checkout.com/docs/developer-resources/codes/eci-values);
//! * a 2.x protocol version (3DS 1.0.2 was retired by Visa and Mastercard in October 2022,
//!   so a 1.0.2 result is refused, not carried);
//! * an age within the validity window ([`default_max_age`], or the caller's `max_age`);
//! * the directory server transaction id, which every target's block carries.

use super::Options;
use crate::model::{Authentication, AuthenticationStatus, Eci, Network};
use chrono::{DateTime, Duration, Utc};
use std::fmt;
use threeds_wire::secret::REDACTED;
use threeds_wire::{excerpt, Secret};

/// Which check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Check {
    /// The status is not `authenticated` or `attempted`.
    Status,
    /// The authentication value is missing or empty.
    Value,
    /// The authentication value is the redaction marker: normalize with `--reveal-secrets`.
    Redacted,
    /// The ECI is missing or disagrees with the network or the status.
    Eci,
    /// The protocol version is missing, retired (1.x) or not one this version knows.
    Version,
    /// The authentication is older than the validity window, dated in the future, or
    /// undated.
    Age,
    /// A transaction id the target's block carries is missing.
    TransactionId,
    /// A value does not have the format the target documents.
    Format,
}

impl Check {
    /// The check's name in messages (`status`, `eci`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Status => "status",
            Check::Value => "authentication_value",
            Check::Redacted => "redacted",
            Check::Eci => "eci",
            Check::Version => "protocol_version",
            Check::Age => "age",
            Check::TransactionId => "transaction_id",
            Check::Format => "format",
        }
    }
}

/// One failed check and what was wrong, in words. Never quotes the authentication value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Which check.
    pub check: Check,
    /// What was wrong.
    pub message: String,
}

impl Failure {
    pub fn new(check: Check, message: impl Into<String>) -> Self {
        Self {
            check,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check.as_str(), self.message)
    }
}

/// What every builder writes, proved present by [`common`].
pub struct Facts<'a> {
    /// The CAVV / AAV / cryptogram.
    pub value: &'a Secret,
    /// The ECI, two characters.
    pub eci: &'a Eci,
    /// The 3DS protocol version (`2.2.0`).
    pub version: &'a str,
    /// The directory server's transaction id (`dsTransID`).
    pub ds_trans_id: &'a str,
}

impl<'a> Facts<'a> {
    /// The facts of `auth`, when all are present.
    pub fn of(auth: &'a Authentication) -> Option<Self> {
        Some(Self {
            value: auth
                .authentication_value
                .as_ref()
                .filter(|v| !v.is_empty())?,
            eci: auth.eci.as_ref()?,
            version: auth.protocol_version.as_deref()?,
            ds_trans_id: auth.ds_trans_id.as_deref().filter(|id| !id.is_empty())?,
        })
    }
}

/// The checks every target shares, in order; an empty list means the result may be carried.
pub fn common(auth: &Authentication, options: &Options) -> Vec<Failure> {
    let mut failures = Vec::new();
    status(auth, &mut failures);
    value(auth, &mut failures);
    eci(auth, &mut failures);
    version(auth, &mut failures);
    age(auth, options, &mut failures);
    if auth.ds_trans_id.as_deref().is_none_or(str::is_empty) {
        failures.push(Failure::new(
            Check::TransactionId,
            "ds_trans_id is missing: the authorization must carry the directory server's \
             transaction id",
        ));
    }
    failures
}

fn status(auth: &Authentication, failures: &mut Vec<Failure>) {
    if matches!(
        auth.status,
        AuthenticationStatus::Authenticated | AuthenticationStatus::Attempted
    ) {
        return;
    }
    let why = auth
        .reason
        .as_deref()
        .map(|r| format!(" (reason {})", excerpt(r)))
        .unwrap_or_default();
    failures.push(Failure::new(
        Check::Status,
        format!(
            "status is {}{why}: only an authenticated or attempted result can be carried to \
             another PSP",
            auth.status
        ),
    ));
}

fn value(auth: &Authentication, failures: &mut Vec<Failure>) {
    match auth.authentication_value.as_ref() {
        Some(v) if v.expose() == REDACTED => failures.push(Failure::new(
            Check::Redacted,
            "the authentication value is redacted: normalize with --reveal-secrets and \
             export that output",
        )),
        Some(v) if !v.is_empty() => {}
        _ => failures.push(Failure::new(
            Check::Value,
            "the authentication value (CAVV / cryptogram) is missing",
        )),
    }
}

/// The ECIs `network` uses for an authenticated and an attempted result; `None` where
/// this project has no table (JCB, UnionPay, Cartes Bancaires) or the network is unknown.
fn network_ecis(network: Option<Network>) -> Option<(&'static str, &'static str)> {
    match network? {
        Network::Visa | Network::Amex | Network::Discover | Network::Diners => Some(("05", "06")),
        Network::Mastercard | Network::Maestro => Some(("02", "01")),
        _ => None,
    }
}

fn eci(auth: &Authentication, failures: &mut Vec<Failure>) {
    let Some(eci) = auth.eci.as_ref() else {
        failures.push(Failure::new(Check::Eci, "the ECI is missing"));
        return;
    };
    let attempted = auth.status == AuthenticationStatus::Attempted;
    let what = if attempted {
        "attempted"
    } else {
        "authenticated"
    };
    let shown = excerpt(eci.as_str());
    match network_ecis(auth.network) {
        Some((authenticated, attempt)) => {
            let expected = if attempted { attempt } else { authenticated };
            if eci.as_str() != expected {
                let network = auth.network.map_or("unknown", Network::as_str);
                failures.push(Failure::new(
                    Check::Eci,
                    format!("ECI {shown} does not say {what} at {network} (expected {expected})"),
                ));
            }
        }
        // Unknown network: the ECI must mean the status at one of the tables at least.
        None => {
            let allowed: &[&str] = if attempted {
                &["06", "01"]
            } else {
                &["05", "02"]
            };
            if !allowed.contains(&eci.as_str()) {
                failures.push(Failure::new(
                    Check::Eci,
                    format!(
                        "ECI {shown} does not say {what} at any network this version knows \
                         (expected {})",
                        allowed.join(" or ")
                    ),
                ));
            }
        }
    }
}

fn version(auth: &Authentication, failures: &mut Vec<Failure>) {
    let message = match auth.protocol_version.as_deref().map(str::trim) {
        None | Some("") => "the protocol version is missing".to_owned(),
        Some(v) if v.starts_with("2.") => return,
        Some(v) if v.starts_with("1.") => format!(
            "protocol version {} is 3-D Secure 1, retired by Visa and Mastercard in October \
             2022: its result is not carried",
            excerpt(v)
        ),
        Some(v) => format!(
            "protocol version {} is not a 3-D Secure 2 version",
            excerpt(v)
        ),
    };
    failures.push(Failure::new(Check::Version, message));
}

/// The validity window when the caller gives none: 90 days for Visa, whose rules make a
/// CAVV valid for 90 days from the date of authentication (Checkout.com merchant
/// communication "Reminder – CAVV usage and storage for 3D Secure"); 30 days for every other
/// network, which publishes no number (this project's choice; `max_age` overrides it).
/// Adyen's standalone authentication guide says only that the validity differs per scheme
/// and that expired data cannot be used.
pub fn default_max_age(network: Option<Network>) -> Duration {
    match network {
        Some(Network::Visa) => Duration::days(90),
        _ => Duration::days(30),
    }
}

fn age(auth: &Authentication, options: &Options, failures: &mut Vec<Failure>) {
    let Some(text) = auth.authenticated_at.as_deref() else {
        if !options.allow_undated {
            failures.push(Failure::new(
                Check::Age,
                "authenticated_at is missing, so the age cannot be checked (--allow-undated \
                 carries it anyway)",
            ));
        }
        return;
    };
    let Ok(at) = DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)) else {
        failures.push(Failure::new(
            Check::Age,
            format!("authenticated_at {} is not an RFC 3339 time", excerpt(text)),
        ));
        return;
    };
    let max = options
        .max_age
        .unwrap_or_else(|| default_max_age(auth.network));
    let age = options.now.signed_duration_since(at);
    if age < Duration::zero() {
        failures.push(Failure::new(
            Check::Age,
            format!("authenticated_at {} is later than now", excerpt(text)),
        ));
    } else if age > max {
        failures.push(Failure::new(
            Check::Age,
            format!(
                "authenticated {} ago, longer than the validity window of {}",
                human(age),
                human(max)
            ),
        ));
    }
}

/// A duration in the largest whole unit that fits: `91 days`, `5 hours`, `42 seconds`.
fn human(d: Duration) -> String {
    let (n, unit) = if d.num_days() > 0 {
        (d.num_days(), "day")
    } else if d.num_hours() > 0 {
        (d.num_hours(), "hour")
    } else if d.num_minutes() > 0 {
        (d.num_minutes(), "minute")
    } else {
        (d.num_seconds(), "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// The transStatus the ARes carried: `C` when the cardholder was challenged (the final
/// status then came in the RReq), the final status when the flow was frictionless; `None`
/// when either is unknown, which is never guessed.
pub fn ares_status(auth: &Authentication) -> Option<String> {
    let final_status = auth.trans_status.as_ref().map(|s| s.as_str().to_owned())?;
    match auth.challenged? {
        true => Some("C".to_owned()),
        false => Some(final_status),
    }
}
