//! A local simulator of the Mangopay API for the card Direct PayIn flow (feature `sandbox`).
//!
//! Paths are Mangopay's own under the simulator's prefix: a client configured with the base
//! URL `http://ADDR/mangopay` calls `http://ADDR/mangopay/v2.01/oauth/token`,
//! `.../v2.01/{ClientId}/payins/card/direct`, and so on. What it simulates:
//!
//! * OAuth client credentials (`POST /v2.01/oauth/token`): HTTP Basic `ClientId:ApiKey`,
//!   tokens of [`SANDBOX_TOKEN_LIFETIME`] (Mangopay's sandbox default); wrong credentials
//!   answer 401 `invalid_credentials`, and after [`LOCK_AFTER_FAILURES`] failures in a row
//!   from one ClientId and source address, that pair's further wrong attempts answer
//!   Mangopay's 400 `unauthorized_client` lock body for [`LOCK_DURATION`]. Mangopay locks
//!   the account itself; the sandbox's account is shared by everyone testing against it,
//!   so one client's bad key must not lock the others out: the right credentials always
//!   get a token. Every other call needs `Authorization: Bearer <token>` for the path's
//!   ClientId.
//! * Error bodies in Mangopay's shape `{"Message","Type","Id","Date","errors"}`: 400
//!   `param_error` naming each bad field, 400 `currency_incompatibility`, 401, 404
//!   `ressource_not_found`, 409 `idempotent_creation_conflict`.
//! * `Idempotency-Key` on any POST: a second request with a used key gets 409 whatever the
//!   first answer was; `GET /responses/{key}` returns the first answer for 24 h.
//! * A seeded payer and EUR wallet ([`SEEDED_USER_ID`], [`SEEDED_WALLET_ID`]), plus users
//!   and wallets created through the API.
//! * Card registration: `POST /cardregistrations` returns a `CardRegistrationURL` on this
//!   simulator (`/api/mangopay/vault/tokenize/{token}`, the real path shape), which takes
//!   the form Mangopay's tokenizer takes and answers `data=...`; `PUT
//!   /cardregistrations/{Id}` with it creates the card.
//! * Pay-ins (`POST /payins/card/direct`, `GET /payins/{Id}`) whose outcome the test cards
//!   and mocks in [`cards`] decide; a challenge is a real HTML page at
//!   `SecureModeRedirectURL` offering the outcomes Mangopay's sandbox simulator offers,
//!   which sends the browser to `SecureModeReturnURL?transactionId=<Id>`. A challenge left
//!   unanswered for `challenge_ttl` fails with 101304.
//! * Hooks (`POST/GET/PUT /hooks`) delivered as Mangopay does: an HTTP GET to the hook's URL
//!   with `?EventType=...&RessourceId=...&Date=...`, no signature, through the outbox.
//! * What the API created is forgotten `SimSettings::retention` after its creation (404
//!   `ressource_not_found` afterwards; stored answers after the shorter of that and the
//!   24 h idempotency window); a path the simulator does not cover answers 501
//!   `not_simulated` in Mangopay's error shape.

pub mod cards;
mod model;
mod pages;
mod routes;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use model::{PayInStatus, State};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use threeds_wire::sandbox::{answer_the_rest, ids, not_simulated_message, SimSettings, Simulator};

/// The ClientId the simulator accepts.
pub const SANDBOX_CLIENT_ID: &str = "threeds-sandbox";
/// The API key that goes with it.
pub const SANDBOX_API_KEY: &str = "sandbox-api-key-0123456789abcdef";
/// A payer that exists from the start (`UserCategory: PAYER`).
pub const SEEDED_USER_ID: &str = "user_m_01SANDBOXPAYER000000000000";
/// Its EUR wallet.
pub const SEEDED_WALLET_ID: &str = "wlt_m_01SANDBOXWALLET00000000000";
/// Mangopay's default token lifetime in Sandbox (docs.mangopay.com/api-reference/overview/authentication).
pub const SANDBOX_TOKEN_LIFETIME: Duration = Duration::from_secs(1200);
/// Failed token requests in a row before the account is locked (our choice: Mangopay says
/// only "repeated bad credentials").
pub const LOCK_AFTER_FAILURES: u32 = 5;
/// How long the lock lasts (our choice).
pub const LOCK_DURATION: Duration = Duration::from_secs(60);
/// How long an idempotency key blocks reuse and its answer can be fetched (docs.mangopay.com/api-reference/overview/idempotency).
pub const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 3600);
/// A `Tag` containing this makes the simulator drop the pay-in's answer (see [`cards`]).
pub const LOST_ANSWER_TAG: &str = "[sandbox:lost-answer]";

/// What the simulator's parts share.
pub(crate) struct Shared {
    settings: SimSettings,
    token_lifetime: Duration,
    state: Mutex<State>,
}

/// One hook to deliver: event type and resource id.
pub(crate) type Event = (&'static str, String);

impl Shared {
    /// The state, with what is past retention forgotten (this costs only what is due).
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.forget_old(self.now());
        state
    }

    fn now(&self) -> Instant {
        self.settings.clock.now()
    }

    /// Expires abandoned challenges (lazily, on every access, and from `sweep`). Looks at
    /// the pay-ins whose challenge window has closed only.
    fn expire(&self, state: &mut State) -> Vec<Event> {
        let now = self.now();
        let mut events = Vec::new();
        while let Some(id) = state.challenges.next_due(now) {
            let Some(p) = state.payins.get_mut(&id) else {
                continue;
            };
            if p.status == PayInStatus::Created && p.deadline.is_some_and(|d| now >= d) {
                p.status = PayInStatus::Failed;
                p.result_code = Some("101304".into());
                p.result_message = Some(cards::result_message("101304").into());
                // After the challenge window SecureModeRedirectURL is null and
                // SecureModeNeeded stays true (docs.mangopay.com/errors/codes/101304 example).
                p.redirect_url = None;
                p.deadline = None;
                events.push(("PAYIN_NORMAL_FAILED", p.id.clone()));
            }
        }
        events
    }

    /// Sends hooks for `events` to the URLs registered for them.
    fn deliver(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let targets: Vec<(String, &'static str, String)> = {
            let state = self.lock();
            events
                .into_iter()
                .filter_map(|(event, id)| {
                    let hook = state.hooks.iter().find(|h| {
                        h.event_type == event && h.status == "ENABLED" && h.validity == "VALID"
                    })?;
                    Some((hook.url.clone(), event, id))
                })
                .collect()
        };
        for (url, event, id) in targets {
            let query = threeds_wire::http::encode_form([
                ("EventType", event),
                ("RessourceId", id.as_str()),
                ("Date", now_unix().to_string().as_str()),
            ]);
            let sep = if url.contains('?') { '&' } else { '?' };
            self.settings.outbox.send(
                "mangopay",
                event,
                "GET",
                format!("{url}{sep}{query}"),
                Vec::new(),
                Vec::new(),
            );
        }
    }
}

/// The simulated Mangopay API.
#[derive(Clone)]
pub struct MangopaySimulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for MangopaySimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MangopaySimulator")
            .field("public_base", &self.shared.settings.public_base)
            .finish_non_exhaustive()
    }
}

impl MangopaySimulator {
    pub fn new(settings: SimSettings) -> Self {
        Self::with_token_lifetime(settings, SANDBOX_TOKEN_LIFETIME)
    }

    /// A simulator whose tokens last `lifetime` (tests of token renewal).
    pub fn with_token_lifetime(settings: SimSettings, lifetime: Duration) -> Self {
        let mut state = State::new(settings.retention, settings.challenge_ttl, lifetime);
        routes::seed(&mut state);
        MangopaySimulator {
            shared: Arc::new(Shared {
                settings,
                token_lifetime: lifetime,
                state: Mutex::new(state),
            }),
        }
    }

    /// Revokes every token, as an expiry would: the next call answers 401
    /// `invalid_credentials` (tests of the client's renewal).
    pub fn revoke_tokens(&self) {
        self.shared.lock().tokens.clear();
    }

    /// The base URL a client is configured with.
    pub fn base_url(&self) -> String {
        self.shared.settings.public_base.clone()
    }
}

impl Simulator for MangopaySimulator {
    fn name(&self) -> &'static str {
        "mangopay"
    }

    fn router(&self) -> Router {
        let shared = self.shared.clone();
        let routes = Router::new()
            .route("/v2.01/oauth/token", post(routes::token))
            .route("/V2.01/oauth/token", post(routes::token))
            .route("/v2.01/{client_id}/{*rest}", any(routes::api))
            .route("/V2.01/{client_id}/{*rest}", any(routes::api))
            .route(
                "/api/mangopay/vault/tokenize/{token}",
                post(pages::tokenize),
            )
            .route(
                "/secure-mode/{payin_id}",
                get(pages::challenge_page).post(pages::challenge_submit),
            )
            .with_state(shared);
        answer_the_rest(routes, self.clone())
    }

    fn not_simulated(&self, method: &str, path: &str) -> Response {
        let (status, body) = not_simulated(method, path);
        json_reply(status, &body)
    }

    fn banner(&self) -> Vec<(String, String)> {
        let s = &self.shared.settings;
        let mut lines = vec![
            ("base URL".to_owned(), s.public_base.clone()),
            ("API".to_owned(), s.url("/v2.01/")),
            ("ClientId".to_owned(), SANDBOX_CLIENT_ID.to_owned()),
            ("API key".to_owned(), SANDBOX_API_KEY.to_owned()),
            ("user (PAYER)".to_owned(), SEEDED_USER_ID.to_owned()),
            ("wallet (EUR)".to_owned(), SEEDED_WALLET_ID.to_owned()),
        ];
        for card in cards::TEST_CARDS {
            lines.push((format!("card {}", card.number), card.what.to_owned()));
        }
        lines.push((
            "challenge outcomes".to_owned(),
            "Authenticate -> SUCCEEDED; No/Rejected/Unavailable/Cancel -> FAILED 101301; none -> 101304".to_owned(),
        ));
        lines.push((
            "mocks".to_owned(),
            "Amount 33501 + Billing.Address.AddressLine2 01399 (101399), 01302 (101302), 01305 (101305), 01100 (101101)".to_owned(),
        ));
        lines
    }

    fn records(&self) -> Vec<threeds_wire::sandbox::Record> {
        let state = self.shared.lock();
        let mut records: Vec<_> = state.payins.values().map(model::PayIn::record).collect();
        records.sort_by_key(|r| r.created);
        records
    }

    fn sweep(&self) {
        let events = {
            let mut state = self.shared.lock();
            self.shared.expire(&mut state)
        };
        self.shared.deliver(events);
    }
}

// ----- helpers shared by the routes ------------------------------------------------------

pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A JSON answer.
pub(crate) fn json_reply(status: u16, body: &Value) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        code,
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// The documented param_error message.
pub(crate) const PARAM_ERROR_MESSAGE: &str = "One or several required parameters are missing or incorrect. An incorrect resource ID also raises this kind of error.";

/// `{"Message","Type","Id","Date","errors"}`, with a float `Date` as recent Mangopay error
/// bodies have it (fixture `fixtures/mangopay/api_error_param_error_recurring_cit.json`).
pub(crate) fn error_body(message: &str, error_type: &str, errors: Option<Value>) -> Value {
    json!({
        "Message": message,
        "Type": error_type,
        "Id": ids::uuid_v4(),
        "Date": now_unix() as f64,
        "errors": errors,
    })
}

/// 400 `param_error` naming the fields.
pub(crate) fn param_error(errors: Vec<(String, String)>) -> (u16, Value) {
    let map: serde_json::Map<String, Value> = errors
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    (
        400,
        error_body(PARAM_ERROR_MESSAGE, "param_error", Some(Value::Object(map))),
    )
}

/// 404 `ressource_not_found` (Mangopay's spelling; wording from public SDK tests run against
/// the sandbox: "Cannot found the ressource PayIn with the id=10").
pub(crate) fn not_found(kind: &str, id: &str) -> (u16, Value) {
    (
        404,
        error_body(
            "The ressource does not exist",
            "ressource_not_found",
            Some(json!({
                "RessourceNotFound": format!("Cannot found the ressource {kind} with the id={id}")
            })),
        ),
    )
}

/// 501 for an endpoint the simulator does not cover, in Mangopay's error shape.
pub(crate) fn not_simulated(method: &str, path: &str) -> (u16, Value) {
    (
        501,
        error_body(
            "This endpoint is not simulated",
            "not_simulated",
            Some(json!({ "Endpoint": not_simulated_message(method, path) })),
        ),
    )
}

/// 401 as documented (`authentication.mdx`: Message, Type, Date).
pub(crate) fn unauthorized() -> (u16, Value) {
    (
        401,
        json!({
            "Message": "The authorization credentials are not valid",
            "Type": "invalid_credentials",
            "Date": now_unix(),
        }),
    )
}
