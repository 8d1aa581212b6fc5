//! Building blocks of the local PSP simulators (feature `sandbox`).
//!
//! Each provider crate's `sandbox` module simulates its PSP's API; what they share is here:
//! fault injection, the HTML of the ACS pages (and a parser for forms, so tests and the
//! demo can submit them the way a browser would), webhook delivery with a log, random
//! identifiers, and the settings every simulator takes.

pub mod clock;
pub mod faults;
pub mod outbox;
pub mod pages;

use std::time::Duration;

pub use crate::ids;
pub use faults::{Fault, Faults};
pub use outbox::{Delivery, Outbox};
pub use pages::{html_escape, Form};

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
    /// sends the notifications that go with it. Called about once a second; state is also
    /// checked on every access, so a late sweep changes nothing a client can see.
    fn sweep(&self);
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
}

impl SimSettings {
    pub fn new(public_base: impl Into<String>) -> Self {
        SimSettings {
            public_base: public_base.into().trim_end_matches('/').to_owned(),
            challenge_ttl: Duration::from_secs(600),
            webhook_url: None,
            outbox: Outbox::default(),
        }
    }

    /// `public_base` joined with `path`.
    pub fn url(&self, path: &str) -> String {
        crate::http::join_url(&self.public_base, path)
    }
}
