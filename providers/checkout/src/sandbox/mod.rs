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
//! Outcomes follow the Checkout.com test cards ([`cards`]); the challenge password is
//! [`CHALLENGE_PASSWORD`]. Workflow webhooks go to `SimSettings::webhook_url`, signed with
//! [`WEBHOOK_SIGNATURE_KEY`] in `Cko-Signature` (hex HMAC-SHA256 of the raw body).
//! Challenges nobody finishes within `challenge_ttl` expire (`expired`,
//! `authentication_expired`), checked on every access and by [`Simulator::sweep`].
//! Sessions are forgotten `SimSettings::retention` after their creation (404
//! `session_not_found` afterwards), tokens once they have expired. Paths not listed
//! answer 501 `not_simulated`.

mod acs;
mod api;
pub mod cards;
mod state;
mod util;

use axum::http::StatusCode;
use axum::routing::{get, post, put};
use state::{Session, Status, Token, TOKEN_TTL};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use threeds_wire::sandbox::{
    answer_the_rest, not_simulated_message, Retention, SimSettings, Simulator,
};
use threeds_wire::signature::sign_hex;

/// The sandbox's OAuth client id (Checkout access key ids are `ack_` + 26 characters).
pub const ACCESS_KEY_ID: &str = "ack_threedsbridgesandbox000000";
/// The sandbox's OAuth client secret. A test value: the sandbox listens on loopback only.
pub const ACCESS_KEY_SECRET: &str = "threeds-bridge-sandbox-access-key-secret";
/// The processing channel every session must name (`^(pc)_(\w{26})$`).
pub const PROCESSING_CHANNEL_ID: &str = "pc_threedsbridgesandbox000000";
/// The key of the workflow webhooks' `Cko-Signature`.
pub const WEBHOOK_SIGNATURE_KEY: &str = "threeds-bridge-sandbox-webhook-signature-key";
/// The challenge page's password (Checkout.com test cards).
pub const CHALLENGE_PASSWORD: &str = "Checkout1!";
/// Scopes the sandbox client may request. Only the two sessions scopes open `/sessions`;
/// the others exist so a token without them (403 `operation_not_allowed_for_scope`) can be
/// tried.
pub const ALLOWED_SCOPES: &[&str] = &["sessions:browser", "sessions:app", "gateway", "vault"];

struct Inner {
    sessions: HashMap<String, Session>,
    /// `acs.transaction_id` -> session id (the challenge page finds its session by it).
    by_acs: HashMap<String, String>,
    /// `transaction_id` (threeDSServerTransID) -> session id (the 3DS Method page).
    by_transaction: HashMap<String, String>,
    tokens: HashMap<String, Token>,
    /// Session ids by creation, to forget them after the retention period.
    retained: Retention<String>,
    /// Tokens by issue, to forget them once expired.
    issued: Retention<String>,
    /// Sessions by the time their DS round trip ran, due when a challenge opened then
    /// would expire: the sweep looks at these only, not at every session.
    challenges: Retention<String>,
}

impl Inner {
    fn new(settings: &SimSettings) -> Self {
        Inner {
            sessions: HashMap::new(),
            by_acs: HashMap::new(),
            by_transaction: HashMap::new(),
            tokens: HashMap::new(),
            retained: Retention::new(settings.retention),
            issued: Retention::new(TOKEN_TTL),
            challenges: Retention::new(settings.challenge_ttl),
        }
    }

    /// Lets the ACS pages find session `id` by its ACS transaction id, and the sweep
    /// expire its challenge, if it has one, `challenge_ttl` after `now`.
    fn index_acs(&mut self, acs_transaction_id: String, id: String, now: Instant) {
        self.by_acs.insert(acs_transaction_id, id.clone());
        self.challenges.record(now, id);
    }

    fn issue_token(&mut self, token: String, scopes: Vec<String>, now: Instant) {
        self.issued.record(now, token.clone());
        self.tokens.insert(
            token,
            Token {
                scopes,
                expires: now + TOKEN_TTL,
            },
        );
    }

    /// Forgets expired tokens and sessions past retention; a session still waiting for
    /// the cardholder is kept for one more period (its challenge expires before that).
    fn forget_old(&mut self, now: Instant) {
        while let Some(token) = self.issued.next_due(now) {
            self.tokens.remove(&token);
        }
        while let Some(id) = self.retained.next_due(now) {
            let Some(session) = self.sessions.get(&id) else {
                continue;
            };
            if session.status == Status::Challenged || session.busy {
                self.retained.record(now, id);
                continue;
            }
            if let Some(acs) = &session.acs {
                self.by_acs.remove(&acs.transaction_id);
            }
            self.by_transaction.remove(&session.transaction_id);
            self.sessions.remove(&id);
        }
    }
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
            inner: Arc::new(Mutex::new(Inner::new(&settings))),
            settings,
        }
    }

    /// Forgets every issued OAuth token, as an expiry or revocation would (clients must
    /// fetch a new one after the 401).
    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// The state, with what is past retention forgotten (this costs only what is due).
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked cannot leave a session half-written (every change is a
        // plain assignment), so the state stays usable.
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.forget_old(self.settings.clock.now());
        inner
    }

    /// Expires the session's challenge if it is due, sending the webhook.
    fn refresh(&self, session: &mut Session) {
        if let Some(event) = session.expire_if_due(self.settings.clock.now()) {
            self.notify(session, event);
        }
    }

    /// Sends a workflow webhook for `session`, signed like Checkout's (webhook receiver guide).
    fn notify(&self, session: &Session, event: &str) {
        let Some(url) = &self.settings.webhook_url else {
            return;
        };
        let body = session
            .webhook(event, &self.settings)
            .to_string()
            .into_bytes();
        // The key is a non-empty constant, so signing cannot fail; were it to, the empty
        // signature sent would be refused by the receiver, never accepted.
        let signature = sign_hex(
            "sandbox webhook signature key",
            WEBHOOK_SIGNATURE_KEY.as_bytes(),
            &[&body],
        )
        .unwrap_or_default();
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
        let routes = axum::Router::new()
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
            .with_state(self.clone());
        answer_the_rest(routes, self.clone())
    }

    /// Checkout's error shape (`request_id`, `error_type`, `error_codes`) plus a
    /// `message` naming the endpoint, which Checkout's own bodies do not carry.
    fn not_simulated(&self, method: &str, path: &str) -> axum::response::Response {
        util::json_response(
            StatusCode::NOT_IMPLEMENTED,
            &serde_json::json!({
                "request_id": threeds_wire::sandbox::ids::uuid_v4(),
                "error_type": "not_simulated",
                "error_codes": ["endpoint_not_simulated"],
                "message": not_simulated_message(method, path),
            }),
        )
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
                "Checkout.com test cards: 4485040371536584 frictionless Y, 4242424242424242 challenge".into(),
            ),
        ]
    }

    fn records(&self) -> Vec<threeds_wire::sandbox::Record> {
        let mut records: Vec<_> = self.lock().sessions.values().map(Session::record).collect();
        records.sort_by_key(|r| r.created);
        records
    }

    fn sweep(&self) {
        let mut inner = self.lock();
        let now = self.settings.clock.now();
        let mut due = Vec::new();
        while let Some(id) = inner.challenges.next_due(now) {
            let Some(session) = inner.sessions.get_mut(&id) else {
                continue;
            };
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
