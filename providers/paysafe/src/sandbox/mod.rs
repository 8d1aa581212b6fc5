//! A local simulator of the Paysafe 3D Secure 2 API (feature `sandbox`).
//!
//! Mounted by `threeds-bridge sandbox` under `/paysafe`, so `http://ADDR/paysafe` is a base
//! URL and the API paths follow unchanged (Paysafe 3D Secure 2 API blueprint):
//!
//! | endpoint | what it does |
//! |---|---|
//! | `GET /threedsecure/monitor` | `{"status":"READY"}` |
//! | `POST /threedsecure/v2/jwt` | device-fingerprint step: a JWT and a `deviceFingerprintingId` |
//! | `POST /threedsecure/v2/accounts/{account}/authentications` | the authentication (the blueprint's POST response shapes) |
//! | `GET /threedsecure/v2/accounts/{account}/authentications/{id}` | the current state (the blueprint's "Get Authentication" shape) |
//! | `POST .../authentications/{id}/finalize` | mobile-SDK finalize with the server JWT; empty 200 |
//! | `GET`/`POST /acs/challenge/{token}` | the challenge page (not a Paysafe path, see below) |
//!
//! **Authentication**: HTTP Basic with the sandbox API key ([`API_KEY_USER`] /
//! [`API_KEY_PASSWORD`]); a missing header is `401` / `5280`, a wrong one `401` / `5279`. The
//! public single-use-token key ([`public_key`]) is accepted by `/jwt` and `/finalize` only,
//! the calls Paysafe's mobile SDKs make with it; on server calls it is `403` / `5270`.
//! Errors carry Paysafe's error body (Paysafe 3DS2 errors page) and the code in the
//! `X-Application-Status-Code` header (the blueprint's name; the errors page's
//! `X-Application-Error` is not sent).
//!
//! **Validation** (`400` / `5068` "Field Error(s)" with `fieldErrors`): every required field
//! and documented limit of the request (`threeds_paysafe::request` validation: missing
//! `deviceFingerprintingId`, `amount`, `card.holderName`, `merchantUrl`, ...), and a
//! `deviceFingerprintingId` this simulator did not issue for that account. Other codes:
//! `5016` unknown account, `5023` body not JSON, `5031` (`409`) a `merchantRefNum` already
//! used on the account, `5050` a card brand other than Visa / Mastercard / Amex, `5269`
//! (`404`) an authentication id not on that account, `5271` / `5272` (`406`) `Accept` /
//! `Content-Type` not JSON, `5502` a `paymentToken` (the simulator stores no cards). A path
//! or method the simulator does not cover answers `501` / `NOT_SIMULATED` naming it
//! (rather than Paysafe's `5273` / `5281`, which would claim the endpoint does not exist).
//! Authentications are forgotten `SimSettings::retention` after their creation (`5269`
//! afterwards), and their `merchantRefNum` may then be used again.
//!
//! **Outcomes** come from the card number ([`cards::TEST_CARDS`]): Cardinal's staging PANs,
//! since Cardinal is the 3DS server behind Paysafe.
//!
//! **The challenge.** In reality Paysafe's JS SDK `challenge()` (or the Cardinal mobile SDK)
//! takes the `sdkChallengePayload` and runs the challenge with the issuer's ACS; the merchant
//! only gets the authentication id back in the SDK callback. The simulator stands in for
//! that with a page at the `acsUrl` it returns (also inside the decoded
//! `sdkChallengePayload`): `GET` it, or `POST` the `creq` to it as an SDK would, and a form
//! asks for the one-time password [`OTP`] (Cardinal's staging OTP). Submitting it completes
//! the authentication; the answer page then posts `id` (and, for `deviceChannel` `SDK`, the
//! `serverJwt` the Cardinal SDK would hand back for `finalize`) to the `callback` URL given as
//! a query parameter when the page was opened, the way the SDK callback reports back; without
//! one, to the request's `merchantUrl` (the merchant's site, where the SDK would be running).
//! A wrong OTP or Cancel ends it with `N`.
//!
//! **Abandoned challenges.** Paysafe documents no expired status (Paysafe 3D Secure 2 API blueprint). What ends a
//! challenge nobody finishes is the ACS: EMV 3DS has it time out and send the 3DS Server an
//! RReq with transStatus `N` and transStatusReason `14`, which Paysafe names
//! `TRANSACTION_TIMED_OUT_ACS` in its own `statusReason` enum. So after `challenge_ttl` a 3DS2
//! authentication reads `COMPLETED` / `N` / `statusReason` `TRANSACTION_TIMED_OUT_ACS` /
//! ECI 7 (Mastercard 0). This is an inference, not a Paysafe sample: some ACSs send `U`
//! instead, and another reading of the blueprint is that the authentication stays `PENDING`. A
//! 3DS 1.0.2 challenge has no such message (the PARes only ever comes through the browser),
//! so an abandoned fallback challenge stays `PENDING` and its page says it timed out.
//!
//! **Webhooks**: none. Paysafe's 3DS2 API documents no webhooks or callbacks;
//! results come from the POST or the GET after the SDK callback. `SimSettings::webhook_url`
//! is not used.

mod acs;
mod api;
pub mod cards;
mod checks;

use acs::{acs_get, acs_post};
use api::{create_authentication, create_jwt, expire, finalize, monitor, read_authentication};

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cards::Result2;
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use threeds_wire::sandbox::{
    answer_the_rest, ids, not_simulated_message, Retention, SimSettings, Simulator,
};
use threeds_wire::signature;

/// How the simulator's JWT key is named in a key error.
const JWT_KEY: &str = "sandbox JWT key";

/// The sandbox API key's "Key Username".
pub const API_KEY_USER: &str = "paysafe-sandbox-merchant";
/// The sandbox API key's "Key Password" (Paysafe's test keys start `B-tst1-0-`).
pub const API_KEY_PASSWORD: &str = "B-tst1-0-51ed39e4-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
/// The public single-use-token key's username (its Base64 form is [`public_key`]).
pub const PUBLIC_KEY_USER: &str = "paysafe-sandbox-sut";
/// The public single-use-token key's password.
pub const PUBLIC_KEY_PASSWORD: &str = "B-tst1-0-sut-7f3e2d1c0b9a8f7e6d5c4b3a29180716";
/// The merchant account the key belongs to.
pub const ACCOUNT_ID: &str = "1001000010";
/// A second account of the same key (to see `5269` when ids and accounts are mixed up).
pub const OTHER_ACCOUNT_ID: &str = "1001000020";
/// The challenge page's one-time password (CardinalCommerce staging's).
pub const OTP: &str = "1234";

/// The public single-use-token key as Paysafe hands it out: Base64 of `user:password`.
pub fn public_key() -> String {
    STANDARD.encode(format!("{PUBLIC_KEY_USER}:{PUBLIC_KEY_PASSWORD}"))
}

const ACCOUNTS: [&str; 2] = [ACCOUNT_ID, OTHER_ACCOUNT_ID];

/// The Paysafe 3DS2 errors page's `details` text for `5068`.
const FIELD_ERRORS_DETAIL: &str = "Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected.";

/// The simulated Paysafe API.
#[derive(Clone)]
pub struct PaysafeSimulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PaysafeSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaysafeSimulator")
            .field("public_base", &self.inner.settings.public_base)
            .finish_non_exhaustive()
    }
}

struct Inner {
    settings: SimSettings,
    state: Mutex<SimState>,
    /// Signs the JWTs the simulator issues (`/jwt` and the challenge's server JWT).
    jwt_key: Vec<u8>,
    /// `error_code` messages from the catalog (the blueprint's Error Summary wording).
    messages: HashMap<String, String>,
}

struct SimState {
    /// `deviceFingerprintingId` → the account it was issued for.
    fingerprints: HashMap<String, String>,
    authentications: HashMap<String, Auth>,
    /// ACS page token (the ACS transaction id) → authentication id.
    acs: HashMap<String, String>,
    /// `(account, merchantRefNum)` pairs already used.
    references: HashSet<(String, String)>,
    /// What the API created, by creation, to forget after the retention period.
    retained: Retention<Created>,
    /// Authentications by the time their challenge opened, due when it would time out:
    /// the sweep looks at these only, not at every authentication.
    challenges: Retention<String>,
}

/// Something the API created, as the retention queue names it.
enum Created {
    Fingerprint(String),
    /// An authentication and the `(account, merchantRefNum)` it used.
    Authentication {
        id: String,
        reference: (String, String),
    },
}

impl SimState {
    fn new(settings: &SimSettings) -> Self {
        SimState {
            fingerprints: HashMap::new(),
            authentications: HashMap::new(),
            acs: HashMap::new(),
            references: HashSet::new(),
            retained: Retention::new(settings.retention),
            challenges: Retention::new(settings.challenge_ttl),
        }
    }

    /// Forgets what is past retention (at a cost proportional to what is due); an
    /// authentication whose challenge is still open is kept one more period.
    fn forget_old(&mut self, now: Instant) {
        while let Some(created) = self.retained.next_due(now) {
            match created {
                Created::Fingerprint(id) => {
                    self.fingerprints.remove(&id);
                }
                Created::Authentication { id, reference } => {
                    let open = self.authentications.get(&id).is_some_and(|a| {
                        a.challenge
                            .as_ref()
                            .is_some_and(|c| c.state == ChallengeState::Open)
                    });
                    if open {
                        self.retained
                            .record(now, Created::Authentication { id, reference });
                        continue;
                    }
                    if let Some(token) = self
                        .authentications
                        .remove(&id)
                        .and_then(|a| a.challenge.map(|c| c.token))
                    {
                        self.acs.remove(&token);
                    }
                    self.references.remove(&reference);
                }
            }
        }
    }
}

struct Auth {
    account_id: String,
    /// The authentication object as GET returns it.
    doc: Map<String, Value>,
    card_type: &'static str,
    /// `deviceChannel` `SDK` (or the portal's `APP`): the challenge ends with a server JWT.
    sdk: bool,
    challenge: Option<Challenge>,
    /// When the authentication was created (the simulator's clock).
    created: Instant,
}

impl Auth {
    /// The authentication as the sandbox's records list it: `status` and `threeDResult`
    /// of the document a `GET` returns.
    fn record(&self, id: &str) -> threeds_wire::sandbox::Record {
        use threeds_wire::sandbox::{Record, RecordKind, RecordOutcome};
        let text = |key: &str| self.doc.get(key).and_then(Value::as_str);
        let status = text("status").unwrap_or_default();
        let outcome = match (status, text("threeDResult")) {
            ("COMPLETED", Some("Y")) => RecordOutcome::Authenticated,
            ("COMPLETED", Some("A")) => RecordOutcome::Attempted,
            ("PENDING", _) => RecordOutcome::Open,
            _ => RecordOutcome::NotAuthenticated,
        };
        Record {
            simulator: "paysafe",
            kind: RecordKind::Authentication,
            id: id.to_owned(),
            reference: text("merchantRefNum").map(str::to_owned),
            state: status.to_owned(),
            outcome,
            moves_money: false,
            created: self.created,
        }
    }
}

struct Challenge {
    token: String,
    after: After,
    deadline: Instant,
    state: ChallengeState,
    /// The `jti` of the server JWT issued when an SDK challenge ended.
    server_jwt: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ChallengeState {
    Open,
    Finished,
    TimedOut,
}

#[derive(Debug, Clone, Copy)]
enum After {
    V2(Result2),
    /// 3DS 1.0.2: the PARes status.
    V1(&'static str),
}

/// How a challenge ended.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Otp { correct: bool },
    Cancelled,
    TimedOut,
}

impl PaysafeSimulator {
    pub fn new(settings: SimSettings) -> Self {
        let messages = threeds_wire::catalog::parse("paysafe catalog.csv", crate::CATALOG_CSV)
            .unwrap_or_default()
            .into_iter()
            .filter(|row| row.table == "error_code")
            .map(|row| (row.code, row.message))
            .collect();
        PaysafeSimulator {
            inner: Arc::new(Inner {
                state: Mutex::new(SimState::new(&settings)),
                settings,
                jwt_key: ids::base64_chars(43).into_bytes(),
                messages,
            }),
        }
    }
}

impl Simulator for PaysafeSimulator {
    fn name(&self) -> &'static str {
        "paysafe"
    }

    fn router(&self) -> Router {
        let routes = Router::new()
            .route("/threedsecure/monitor", get(monitor))
            .route("/threedsecure/v2/jwt", post(create_jwt))
            .route(
                "/threedsecure/v2/accounts/{account}/authentications",
                post(create_authentication),
            )
            .route(
                "/threedsecure/v2/accounts/{account}/authentications/{id}",
                get(read_authentication),
            )
            .route(
                "/threedsecure/v2/accounts/{account}/authentications/{id}/finalize",
                post(finalize),
            )
            .route("/acs/challenge/{token}", get(acs_get).post(acs_post))
            .with_state(self.inner.clone());
        answer_the_rest(routes, self.clone())
    }

    /// Paysafe's error shape with code `NOT_SIMULATED` (Paysafe's own codes are numbers,
    /// so the code cannot be mistaken for one of them) and the endpoint in `message`.
    fn not_simulated(&self, method: &str, path: &str) -> Response {
        self.inner.error_body(
            StatusCode::NOT_IMPLEMENTED,
            "NOT_SIMULATED",
            not_simulated_message(method, path),
            None,
            Vec::new(),
        )
    }

    fn banner(&self) -> Vec<(String, String)> {
        let s = &self.inner.settings;
        vec![
            ("base URL".into(), s.public_base.clone()),
            ("API key user".into(), API_KEY_USER.into()),
            ("API key password".into(), API_KEY_PASSWORD.into()),
            ("public key (SDK)".into(), public_key()),
            (
                "account ids".into(),
                format!("{ACCOUNT_ID} (also {OTHER_ACCOUNT_ID})"),
            ),
            (
                "device fingerprint".into(),
                format!("POST {} -> deviceFingerprintingId", s.url("/threedsecure/v2/jwt")),
            ),
            ("challenge OTP".into(), OTP.into()),
            (
                "test cards".into(),
                "4000000000002701 Y, 4000000000002719 A, 4000000000002925 N, 4000000000002313 U, \
                 4000000000002537 R, 4000000000002503 challenge->Y, 4000000000002370 challenge->N, \
                 4000000000000051 3DS1 not enrolled, 4000000000000002 3DS1 challenge (all: docs/live/paysafe.md)"
                    .into(),
            ),
            (
                "abandoned challenge".into(),
                format!(
                    "after {} s: COMPLETED / N / TRANSACTION_TIMED_OUT_ACS",
                    s.challenge_ttl.as_secs_f32()
                ),
            ),
            (
                "webhooks".into(),
                "none (Paysafe's 3DS2 API documents none)".into(),
            ),
        ]
    }

    fn records(&self) -> Vec<threeds_wire::sandbox::Record> {
        let state = self.inner.lock();
        let mut records: Vec<_> = state
            .authentications
            .iter()
            .map(|(id, auth)| auth.record(id))
            .collect();
        records.sort_by_key(|r| r.created);
        records
    }

    fn sweep(&self) {
        let now = self.inner.now();
        let mut state = self.inner.lock();
        while let Some(id) = state.challenges.next_due(now) {
            if let Some(auth) = state.authentications.get_mut(&id) {
                expire(auth, now);
            }
        }
    }
}

impl Inner {
    /// The state, with what is past retention forgotten.
    fn lock(&self) -> MutexGuard<'_, SimState> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // matters to a simulator; keep serving rather than poisoning every later request.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.forget_old(self.now());
        state
    }

    fn now(&self) -> Instant {
        self.settings.clock.now()
    }

    fn message(&self, code: &str) -> String {
        self.messages
            .get(code)
            .cloned()
            .unwrap_or_else(|| "An error occurred.".to_owned())
    }

    /// A Paysafe error answer: `{"error": {code, message[, details][, fieldErrors]}}` and
    /// the code in `X-Application-Status-Code`.
    fn error(&self, status: StatusCode, code: &str) -> Response {
        self.error_body(status, code, self.message(code), None, Vec::new())
    }

    fn error_body(
        &self,
        status: StatusCode,
        code: &str,
        message: String,
        details: Option<Vec<String>>,
        field_errors: Vec<(String, String)>,
    ) -> Response {
        let mut error = Map::new();
        error.insert("code".into(), json!(code));
        error.insert("message".into(), json!(message));
        if let Some(details) = details {
            error.insert("details".into(), json!(details));
        }
        if !field_errors.is_empty() {
            let list: Vec<Value> = field_errors
                .into_iter()
                .map(|(field, error)| json!({ "field": field, "error": error }))
                .collect();
            error.insert("fieldErrors".into(), Value::Array(list));
        }
        let mut response = (status, axum::Json(json!({ "error": error }))).into_response();
        if let Ok(v) = HeaderValue::from_str(code) {
            response
                .headers_mut()
                .insert("x-application-status-code", v);
        }
        response
    }

    /// `400` / `5068` "Field Error(s)" (Paysafe 3DS2 errors page).
    fn field_errors(&self, field_errors: Vec<(String, String)>) -> Response {
        self.error_body(
            StatusCode::BAD_REQUEST,
            "5068",
            "Field Error(s)".to_owned(),
            Some(vec![FIELD_ERRORS_DETAIL.to_owned()]),
            field_errors,
        )
    }

    fn sign_jwt(&self, claims: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        // The key is 43 random characters, so it is never empty and signing cannot fail;
        // were it to, the all-zero MAC would verify under no key ([`Self::verify_jwt`]
        // refuses a key error too), so the token would be refused, never accepted.
        let mac = signature::hmac_sha256(
            JWT_KEY,
            &self.jwt_key,
            &[header.as_bytes(), b".", payload.as_bytes()],
        )
        .unwrap_or_default();
        format!("{header}.{payload}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    /// The claims of a JWT this simulator signed (checked in constant time), else `None`.
    fn verify_jwt(&self, token: &str) -> Option<Value> {
        let mut parts = token.trim().split('.');
        let (header, payload, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let sig = STANDARD.encode(URL_SAFE_NO_PAD.decode(sig).ok()?);
        let verified = signature::verify_base64(
            JWT_KEY,
            &self.jwt_key,
            &[header.as_bytes(), b".", payload.as_bytes()],
            &sig,
        );
        if verified != Ok(true) {
            return None;
        }
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwts_verify_only_with_the_simulators_key() {
        let sim = PaysafeSimulator::new(SimSettings::new("http://127.0.0.1:1/paysafe"));
        let token = sim.inner.sign_jwt(&json!({"jti": "j1"}));
        assert_eq!(
            sim.inner
                .verify_jwt(&token)
                .and_then(|c| c.get("jti").cloned()),
            Some(json!("j1"))
        );
        let other = PaysafeSimulator::new(SimSettings::new("http://127.0.0.1:1/paysafe"));
        assert!(other.inner.verify_jwt(&token).is_none());
        assert!(sim.inner.verify_jwt("a.b").is_none());
        assert!(sim.inner.verify_jwt(&format!("{token}x")).is_none());
    }
}
