//! A local simulator of Checkout.com Standalone Sessions (feature `sandbox`).
//!
//! Mounted by `threeds-bridge sandbox` under `/checkout`, with Checkout's own paths:
//!
//! | path | what |
//! |---|---|
//! | `POST /connect/token` | OAuth client credentials (HTTP Basic or form `client_id`/`client_secret`; scopes) |
//! | `POST /sessions` | request a session (OAuth `sessions:browser`/`sessions:app`) |
//! | `GET /sessions/{id}` | session details (OAuth or raw `session_secret`; optional `channel` header) |
//! | `PUT /sessions/{id}/collect-data` | channel data |
//! | `PUT /sessions/{id}/issuer-fingerprint` | `three_ds_method_completion` |
//! | `POST /sessions/{id}/complete` | 204; posts the result to `completion.callback_url` |
//! | `POST /simulator/acs/3ds-method` | the issuer's 3DS Method page (hidden iframe) |
//! | `POST /simulator/acs/challenge` | the ACS challenge page: form field `creq` |
//! | `GET /simulator/hosted/{id}` | the hosted-session redirect page |
//!
//! Outcomes follow the reference's A7 test cards ([`cards`]); the challenge password is
//! [`CHALLENGE_PASSWORD`]. Workflow webhooks go to `SimSettings::webhook_url`, signed with
//! [`WEBHOOK_SIGNATURE_KEY`] in `Cko-Signature` (hex HMAC-SHA256 of the raw body).
//! Challenges nobody finishes within `challenge_ttl` expire (`expired`,
//! `authentication_expired`), checked on every access and by [`Simulator::sweep`].

mod acs;
mod api;
pub mod cards;
mod state;
mod util;

use axum::routing::{get, post, put};
use state::{Session, Token};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use threeds_wire::sandbox::{SimSettings, Simulator};
use threeds_wire::signature::sign_hex;

/// The sandbox's OAuth client id (Checkout access key ids are `ack_` + 26 characters).
pub const ACCESS_KEY_ID: &str = "ack_threedsbridgesandbox000000";
/// The sandbox's OAuth client secret. A test value: the sandbox listens on loopback only.
pub const ACCESS_KEY_SECRET: &str = "threeds-bridge-sandbox-access-key-secret";
/// The processing channel every session must name (`^(pc)_(\w{26})$`).
pub const PROCESSING_CHANNEL_ID: &str = "pc_threedsbridgesandbox000000";
/// The key of the workflow webhooks' `Cko-Signature`.
pub const WEBHOOK_SIGNATURE_KEY: &str = "threeds-bridge-sandbox-webhook-signature-key";
/// The challenge page's password (reference A7).
pub const CHALLENGE_PASSWORD: &str = "Checkout1!";
/// Scopes the sandbox client may request. Only the two sessions scopes open `/sessions`;
/// the others exist so a token without them (403 `operation_not_allowed_for_scope`) can be
/// tried.
pub const ALLOWED_SCOPES: &[&str] = &["sessions:browser", "sessions:app", "gateway", "vault"];

#[derive(Default)]
struct Inner {
    sessions: HashMap<String, Session>,
    /// `acs.transaction_id` -> session id (the challenge page finds its session by it).
    by_acs: HashMap<String, String>,
    /// `transaction_id` (threeDSServerTransID) -> session id (the 3DS Method page).
    by_transaction: HashMap<String, String>,
    tokens: HashMap<String, Token>,
}

/// The simulated Checkout API.
#[derive(Clone)]
pub struct CheckoutSimulator {
    settings: SimSettings,
    inner: Arc<Mutex<Inner>>,
}

impl fmt::Debug for CheckoutSimulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckoutSimulator")
            .field("public_base", &self.settings.public_base)
            .finish_non_exhaustive()
    }
}

impl CheckoutSimulator {
    pub fn new(settings: SimSettings) -> Self {
        Self {
            settings,
            inner: Arc::default(),
        }
    }

    /// Forgets every issued OAuth token, as an expiry or revocation would (clients must
    /// fetch a new one after the 401).
    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked cannot leave a session half-written (every change is a
        // plain assignment), so the state stays usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Expires the session's challenge if it is due, sending the webhook.
    fn refresh(&self, session: &mut Session) {
        if let Some(event) = session.expire_if_due(Instant::now()) {
            self.notify(session, event);
        }
    }

    /// Sends a workflow webhook for `session`, signed like Checkout's (A6).
    fn notify(&self, session: &Session, event: &str) {
        let Some(url) = &self.settings.webhook_url else {
            return;
        };
        let body = session
            .webhook(event, &self.settings)
            .to_string()
            .into_bytes();
        let signature = sign_hex(WEBHOOK_SIGNATURE_KEY.as_bytes(), &[&body]);
        self.settings.outbox.send(
            "checkout",
            event,
            "POST",
            url.clone(),
            vec![
                ("content-type".into(), "application/json".into()),
                ("cko-signature".into(), signature),
            ],
            body,
        );
    }
}

impl Simulator for CheckoutSimulator {
    fn name(&self) -> &'static str {
        "checkout"
    }

    fn router(&self) -> axum::Router {
        axum::Router::new()
            .route("/connect/token", post(api::token))
            .route("/sessions", post(api::create_session))
            .route("/sessions/{id}", get(api::get_session))
            .route("/sessions/{id}/collect-data", put(api::collect_data))
            .route(
                "/sessions/{id}/issuer-fingerprint",
                put(api::issuer_fingerprint),
            )
            .route("/sessions/{id}/complete", post(api::complete))
            .route("/simulator/acs/3ds-method", post(acs::method))
            .route("/simulator/acs/challenge", post(acs::challenge))
            .route(
                "/simulator/acs/challenge/{acs_id}",
                post(acs::challenge_submit),
            )
            .route("/simulator/hosted/{id}", get(acs::hosted))
            .with_state(self.clone())
    }

    fn banner(&self) -> Vec<(String, String)> {
        let s = &self.settings;
        vec![
            ("API base".into(), s.public_base.clone()),
            ("OAuth token URL".into(), s.url("/connect/token")),
            ("access key id".into(), ACCESS_KEY_ID.into()),
            ("access key secret".into(), ACCESS_KEY_SECRET.into()),
            ("scopes".into(), "sessions:browser sessions:app".into()),
            ("processing channel id".into(), PROCESSING_CHANNEL_ID.into()),
            (
                "webhooks".into(),
                s.webhook_url
                    .clone()
                    .unwrap_or_else(|| "not sent (pass --webhook-url)".into()),
            ),
            (
                "webhook signature key".into(),
                format!("{WEBHOOK_SIGNATURE_KEY} (Cko-Signature: hex HMAC-SHA256 of the raw body)"),
            ),
            ("challenge password".into(), CHALLENGE_PASSWORD.into()),
            (
                "test cards".into(),
                "reference A7: 4485040371536584 frictionless Y, 4242424242424242 challenge".into(),
            ),
        ]
    }

    fn sweep(&self) {
        let mut inner = self.lock();
        let now = Instant::now();
        let mut due = Vec::new();
        for session in inner.sessions.values_mut() {
            if let Some(event) = session.expire_if_due(now) {
                due.push((session.clone(), event));
            }
        }
        drop(inner);
        for (session, event) in due {
            self.notify(&session, event);
        }
    }
}
