//! Building blocks of the local PSP simulators (feature `sandbox`).
//!
//! Each provider crate's `sandbox` module simulates its PSP's API; what they share is here:
//! fault injection, the HTML of the ACS pages (and a parser for forms, so tests and the
//! demo can submit them the way a browser would), webhook delivery with a log, random
//! identifiers, and the settings every simulator takes.

pub mod clock;
pub mod faults;
pub mod listener;
pub mod outbox;
pub mod pages;
pub mod records;
pub mod retention;

use std::time::Duration;

pub use crate::ids;
pub use clock::Clock;
pub use faults::{Fault, FaultError, Faults};
pub use listener::{ConnectionLimits, TimedListener};
pub use outbox::{Delivery, Outbox};
pub use pages::{html_escape, Form};
pub use records::{Record, RecordKind, RecordOutcome};
pub use retention::{Retention, DEFAULT_RETENTION};

/// One PSP's simulated API, as the sandbox server mounts it.
pub trait Simulator: Send + Sync + 'static {
    /// The path prefix and the name in reports (`checkout`, `paysafe`, `mangopay`, `pxp`).
    fn name(&self) -> &'static str;

    /// The PSP's own paths, unchanged (`/sessions`, `/v2.01/{ClientId}/payins/card/direct`,
    /// ...), plus the simulated ACS pages. The server nests it under `/<name>`.
    fn router(&self) -> axum::Router;

    /// Lines printed at start: the base URL(s) a client is configured with (relative to
    /// the simulator's public base) and the test credentials it accepts.
    fn banner(&self) -> Vec<(String, String)>;

    /// Moves abandoned challenges past their deadline to the PSP's expired outcome and
    /// sends the notifications that go with it, and forgets what is past
    /// [`SimSettings::retention`]. Called about five times a second; state is also checked
    /// on every access, so a late sweep changes nothing a client can see.
    fn sweep(&self);

    /// The answer to a request no route of the simulator covers: 501 in the PSP's error
    /// shape, naming the method and path, so a client is not misled by a 404 (which says
    /// "no such resource") or a 405 for an endpoint the real PSP has.
    fn not_simulated(&self, method: &str, path: &str) -> axum::response::Response;

    /// What the simulator created and still keeps (see [`SimSettings::retention`]), with
    /// each object's current state, in creation order. A simulator that lists nothing
    /// keeps the default.
    fn records(&self) -> Vec<Record> {
        Vec::new()
    }
}

/// The sentence every "not simulated" answer carries.
pub fn not_simulated_message(method: &str, path: &str) -> String {
    format!(
        "{method} {} is not simulated by the threeds-bridge sandbox (it covers the 3-D Secure endpoints only)",
        crate::excerpt(path)
    )
}

/// Settings every simulator takes.
#[derive(Debug, Clone)]
pub struct SimSettings {
    /// The URL the simulator is reachable at, with its path prefix
    /// (`http://127.0.0.1:8080/checkout`). Links in responses (3DS Method and challenge
    /// pages) are built from it.
    pub public_base: String,
    /// How long a challenge waits for the cardholder before the authentication expires.
    pub challenge_ttl: Duration,
    /// Where PSP-configured webhooks go (Checkout workflows, PXP merchant groups); those
    /// PSPs configure the URL in their dashboards, not through the API.
    pub webhook_url: Option<String>,
    /// Sends webhooks and callbacks and keeps a log of them.
    pub outbox: Outbox,
    /// The time the simulator reads (tests advance it instead of sleeping).
    pub clock: Clock,
    /// How long what a client created (sessions, pay-ins, authentications, stored
    /// answers) is kept after its creation; what is still waiting for the cardholder then
    /// is kept until one more period has passed.
    pub retention: std::time::Duration,
}

impl SimSettings {
    /// Settings with defaults; the outbox shares the clock.
    pub fn new(public_base: impl Into<String>) -> Self {
        let clock = Clock::default();
        SimSettings {
            public_base: public_base.into().trim_end_matches('/').to_owned(),
            challenge_ttl: Duration::from_secs(600),
            webhook_url: None,
            outbox: Outbox::new(clock.clone(), DEFAULT_RETENTION),
            clock,
            retention: DEFAULT_RETENTION,
        }
    }

    /// `public_base` joined with `path`.
    pub fn url(&self, path: &str) -> String {
        crate::http::join_url(&self.public_base, path)
    }
}

/// `router` with every path and method it has no route for answered by the simulator's
/// [`Simulator::not_simulated`] (so the 501 is the same on every simulator, and a 404
/// stays what it means at the PSP: an unknown id on a covered endpoint).
pub fn answer_the_rest<S: Simulator + Clone>(router: axum::Router, sim: S) -> axum::Router {
    let other = sim.clone();
    router
        .fallback(move |request: axum::extract::Request| {
            let sim = sim.clone();
            async move { sim.not_simulated(request.method().as_str(), request.uri().path()) }
        })
        .method_not_allowed_fallback(move |request: axum::extract::Request| {
            let sim = other.clone();
            async move { sim.not_simulated(request.method().as_str(), request.uri().path()) }
        })
}

/// A fresh authentication value (CAVV, AAV, Checkout's `cryptogram`): 20 random bytes in
/// canonical standard base64, 28 characters ending in one `=`, as the schemes' values are.
/// Encoding real bytes (rather than drawing 28 alphabet characters) keeps the unused low
/// bits of the last character zero, which strict decoders require.
pub fn cavv() -> String {
    use base64::Engine;
    let bytes: [u8; 20] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn cavvs_are_canonical_base64_of_20_bytes() {
        for _ in 0..2000 {
            let value = cavv();
            assert_eq!(value.len(), 28);
            assert!(value.ends_with('=') && !value.ends_with("=="));
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&value)
                .unwrap_or_else(|e| panic!("{value}: {e}"));
            assert_eq!(bytes.len(), 20);
        }
    }
}
