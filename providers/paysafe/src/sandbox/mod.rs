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

pub mod cards;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cards::{Result2, Scenario};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::clock::rfc3339_millis;
use threeds_wire::sandbox::{
    answer_the_rest, ids, not_simulated_message, pages, Retention, SimSettings, Simulator,
};
use threeds_wire::signature;
use threeds_wire::Validate;

use crate::request::AuthenticationRequest;
use crate::DeviceChannel;

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

// ---------------------------------------------------------------------------------------
// Request checks shared by the API handlers.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Server,
    Public,
}

/// A refused request: the HTTP status and the Paysafe code to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Refusal(StatusCode, &'static str);

impl Inner {
    fn refuse(&self, refusal: Refusal) -> Response {
        self.error(refusal.0, refusal.1)
    }
}

/// Reads HTTP Basic credentials: `5280` when absent, `5279` when not the sandbox's.
fn caller(headers: &HeaderMap) -> Result<Caller, Refusal> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Err(Refusal(StatusCode::UNAUTHORIZED, "5280"));
    };
    let invalid = Refusal(StatusCode::UNAUTHORIZED, "5279");
    let text = value.to_str().map_err(|_| invalid)?;
    let (scheme, token) = text.trim().split_once(' ').ok_or(invalid)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid);
    }
    let decoded = STANDARD.decode(token.trim()).map_err(|_| invalid)?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid)?;
    // Compared in constant time: a sandbox, but the habit is the point.
    const WHICH: &str = "sandbox credential comparison key";
    const KEY: &[u8] = b"paysafe-sandbox-credentials";
    let same = |expected: String| {
        signature::sign_base64(WHICH, KEY, &[expected.as_bytes()])
            .and_then(|mac| signature::verify_base64(WHICH, KEY, &[decoded.as_bytes()], &mac))
            == Ok(true)
    };
    if same(format!("{API_KEY_USER}:{API_KEY_PASSWORD}")) {
        Ok(Caller::Server)
    } else if same(format!("{PUBLIC_KEY_USER}:{PUBLIC_KEY_PASSWORD}")) {
        Ok(Caller::Public)
    } else {
        Err(invalid)
    }
}

/// Server calls refuse the public key: `403` / `5270`.
fn server_caller(headers: &HeaderMap) -> Result<(), Refusal> {
    match caller(headers)? {
        Caller::Server => Ok(()),
        Caller::Public => Err(Refusal(StatusCode::FORBIDDEN, "5270")),
    }
}

fn known_account(account: &str) -> Result<(), Refusal> {
    if ACCOUNTS.contains(&account) {
        Ok(())
    } else {
        Err(Refusal(StatusCode::BAD_REQUEST, "5016"))
    }
}

/// `Accept` must allow JSON (`406` / `5271`).
fn accepts_json(headers: &HeaderMap) -> Result<(), Refusal> {
    let Some(accept) = headers.get(ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let ok = accept.split(',').any(|range| {
        let media = range.split(';').next().unwrap_or("").trim();
        media.eq_ignore_ascii_case("application/json")
            || media == "*/*"
            || media.eq_ignore_ascii_case("application/*")
    });
    if ok {
        Ok(())
    } else {
        Err(Refusal(StatusCode::NOT_ACCEPTABLE, "5271"))
    }
}

/// A JSON body: `Content-Type` JSON (`406` / `5272`) that parses (`400` / `5023`).
fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Refusal> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(Refusal(StatusCode::NOT_ACCEPTABLE, "5272"));
    }
    serde_json::from_slice(body).map_err(|_| Refusal(StatusCode::BAD_REQUEST, "5023"))
}

/// The checks every API call makes, in Paysafe's order: credentials, account, `Accept`.
fn admit(headers: &HeaderMap, account: &str, server_only: bool) -> Result<(), Refusal> {
    if server_only {
        server_caller(headers)?;
    } else {
        caller(headers)?;
    }
    known_account(account)?;
    accepts_json(headers)
}

fn json(status: StatusCode, value: Value) -> Response {
    (status, axum::Json(value)).into_response()
}

// ---------------------------------------------------------------------------------------
// Handlers.

async fn monitor() -> Response {
    json(StatusCode::OK, json!({ "status": "READY" }))
}

/// `POST /threedsecure/v2/jwt` (Paysafe mobile SDKs): issues a `deviceFingerprintingId` the
/// authentication request of the same account must then carry.
async fn create_jwt(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = caller(&headers).and_then(|_| accepts_json(&headers)) {
        return inner.refuse(r);
    }
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(r) => return inner.refuse(r),
    };
    let mut errors = Vec::new();
    let account = value.get("accountId").and_then(Value::as_str);
    match account {
        None => errors.push(("accountId".to_owned(), "accountId is required.".to_owned())),
        Some(a) if a.is_empty() || a.len() > 20 => errors.push((
            "accountId".to_owned(),
            "size must be between 1 and 20 characters".to_owned(),
        )),
        Some(_) => {}
    }
    let bin = value.pointer("/card/cardBin").and_then(Value::as_str);
    match bin {
        None => errors.push((
            "card.cardBin".to_owned(),
            "card.cardBin is required.".to_owned(),
        )),
        Some(b) if !(6..=8).contains(&b.len()) || !b.bytes().all(|c| c.is_ascii_digit()) => errors
            .push((
                "card.cardBin".to_owned(),
                "must be the first 6 to 8 digits of the card number".to_owned(),
            )),
        Some(_) => {}
    }
    if let Some(t) = value.pointer("/sdk/type").and_then(Value::as_str) {
        if !matches!(t, "ANDROID" | "IOS" | "BROWSER") {
            errors.push((
                "sdk.type".to_owned(),
                "must be one of ANDROID, IOS, BROWSER".to_owned(),
            ));
        }
    }
    if !errors.is_empty() {
        return inner.field_errors(errors);
    }
    let account = account.unwrap_or_default().to_owned();
    if let Err(r) = known_account(&account) {
        return inner.refuse(r);
    }
    let id = ids::uuid_v4();
    let fingerprint = ids::uuid_v4();
    let jwt = inner.sign_jwt(&json!({
        "jti": ids::uuid_v4(),
        "iat": unix_seconds(),
        "iss": "paysafe-sandbox",
        "OrgUnitId": account,
        "ReferenceId": fingerprint,
    }));
    {
        let mut state = inner.lock();
        state
            .retained
            .record(inner.now(), Created::Fingerprint(fingerprint.clone()));
        state
            .fingerprints
            .insert(fingerprint.clone(), account.clone());
    }
    let mut answer = json!({
        "id": id,
        "jwt": jwt,
        "deviceFingerprintingId": fingerprint,
        "accountId": account,
        "card": { "cardBin": bin.unwrap_or_default() },
    });
    if let (Some(sdk), Some(map)) = (value.get("sdk"), answer.as_object_mut()) {
        map.insert("sdk".into(), sdk.clone());
    }
    json(StatusCode::OK, answer)
}

/// `POST .../authentications` (Paysafe 3D Secure 2 API blueprint: request, `authentication` object, examples).
async fn create_authentication(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = admit(&headers, &account, true) {
        return inner.refuse(r);
    }
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(r) => return inner.refuse(r),
    };
    let request: AuthenticationRequest = match serde_json::from_value(value.clone()) {
        Ok(r) => r,
        Err(_) => return inner.field_errors(mistyped_fields(&value)),
    };
    let mut errors: Vec<(String, String)> = request
        .validate()
        .iter()
        .map(|v| (v.path.clone(), field_error_text(&v.path, &v.problem)))
        .collect();
    if let Some(fingerprint) = &request.device_fingerprinting_id {
        let issued_for = inner.lock().fingerprints.get(fingerprint).cloned();
        if issued_for.as_deref() != Some(account.as_str()) {
            errors.push((
                "deviceFingerprintingId".to_owned(),
                "is not a device fingerprinting id issued for this account (run the JS SDK \
                 start() or POST /threedsecure/v2/jwt first)"
                    .to_owned(),
            ));
        }
    }
    if !errors.is_empty() {
        return inner.field_errors(errors);
    }
    let card = request.card.as_ref();
    if card.is_some_and(|c| c.payment_token.is_some()) {
        return inner.error(StatusCode::BAD_REQUEST, "5502");
    }
    let pan = card
        .and_then(|c| c.card_num.as_ref())
        .map(|n| n.expose().to_owned())
        .unwrap_or_default();
    let Some(card_type) = cards::card_type(&pan) else {
        return inner.error(StatusCode::BAD_REQUEST, "5050");
    };
    let test_card = cards::lookup(&pan);
    if test_card.scenario == Scenario::GatewayError {
        return inner.error(StatusCode::BAD_GATEWAY, "1001");
    }
    let reference = request.merchant_ref_num.clone().unwrap_or_default();
    let sdk = matches!(
        request.device_channel,
        Some(DeviceChannel::Sdk | DeviceChannel::App)
    );

    let mut state = inner.lock();
    if !state
        .references
        .insert((account.clone(), reference.clone()))
    {
        drop(state);
        return inner.error(StatusCode::CONFLICT, "5031");
    }
    let id = ids::uuid_v4();
    let mut doc = echo(
        &id,
        &value,
        &pan,
        card_type,
        inner.settings.clock.system_now(),
    );
    let version = test_card.version;
    let v2 = version != "1.0.2";
    doc.insert("threeDSecureVersion".into(), json!(version));
    let ds_id = ids::uuid_v4();
    let server_id = ids::uuid_v4();
    if v2 && test_card.scenario != Scenario::Bypassed {
        doc.insert("directoryServerTransactionId".into(), json!(ds_id));
        doc.insert("threeDSecureServerTransactionId".into(), json!(server_id));
    }
    match test_card.scenario {
        Scenario::Frictionless(result) => complete_v2(&mut doc, card_type, result),
        Scenario::Unavailable => complete_v2(&mut doc, card_type, Result2::U),
        Scenario::Bypassed => {
            complete_v2(&mut doc, card_type, Result2::U);
            doc.remove("threeDSecureVersion");
        }
        Scenario::Fallback1NotEnrolled => {
            doc.insert("status".into(), json!("COMPLETED"));
            doc.insert("threeDEnrollment".into(), json!("N"));
            doc.insert("eci".into(), json!(cards::eci_not_enrolled(card_type)));
        }
        Scenario::Fallback1Unavailable => {
            doc.insert("status".into(), json!("COMPLETED"));
            doc.insert("threeDEnrollment".into(), json!("U"));
            doc.insert("eci".into(), json!(cards::eci(card_type, "U")));
        }
        // Challenges are opened below; the gateway error was answered above.
        Scenario::Challenge(_) | Scenario::Fallback1Challenge(_) | Scenario::GatewayError => {}
    }
    let after = match test_card.scenario {
        Scenario::Challenge(result) => Some(After::V2(result)),
        Scenario::Fallback1Challenge(pares) => Some(After::V1(pares)),
        _ => None,
    };
    let challenge = after.map(|after| {
        let open = OpenChallenge {
            id: &id,
            account: &account,
            pan: &pan,
            card_type,
            version,
            server_id: &server_id,
        };
        let c = open_challenge(&inner, &mut doc, &open, after);
        state.acs.insert(c.token.clone(), id.clone());
        state.challenges.record(inner.now(), id.clone());
        c
    });
    let answer = Value::Object(doc.clone());
    state.retained.record(
        inner.now(),
        Created::Authentication {
            id: id.clone(),
            reference: (account.clone(), reference),
        },
    );
    state.authentications.insert(
        id,
        Auth {
            account_id: account,
            doc,
            card_type,
            sdk,
            challenge,
        },
    );
    json(StatusCode::OK, answer)
}

/// What a new challenge needs to know about its authentication.
struct OpenChallenge<'a> {
    id: &'a str,
    account: &'a str,
    pan: &'a str,
    card_type: &'static str,
    version: &'static str,
    server_id: &'a str,
}

/// Turns `doc` into a pending challenge (the blueprint's "Browser Flow with Issuer Challenge" for 3DS2, "Browser Flow with
/// Fallback to 1.0" for 3DS 1.0.2): the
/// `acsUrl` of the simulator's challenge page, the encoded request in `payload`, and the
/// `sdkChallengePayload` Paysafe's SDKs take, which decodes to `{id, transactionId, payload,
/// accountId, acsUrl, cardBin, cardType, threeDSecureVersion}` (Paysafe mobile SDKs).
fn open_challenge(
    inner: &Inner,
    doc: &mut Map<String, Value>,
    open: &OpenChallenge<'_>,
    after: After,
) -> Challenge {
    let token = ids::uuid_v4();
    let acs_url = inner.settings.url(&format!("/acs/challenge/{token}"));
    doc.insert("status".into(), json!("PENDING"));
    doc.insert("acsUrl".into(), json!(acs_url));
    let payload = match after {
        After::V2(_) => {
            doc.insert("threeDResult".into(), json!("C"));
            // The EMV CReq, base64url without padding.
            URL_SAFE_NO_PAD.encode(
                json!({
                    "threeDSServerTransID": open.server_id,
                    "acsTransID": token,
                    "messageType": "CReq",
                    "messageVersion": open.version,
                    "challengeWindowSize": "05",
                })
                .to_string(),
            )
        }
        After::V1(_) => {
            doc.insert("threeDEnrollment".into(), json!("Y"));
            doc.insert("xid".into(), json!(STANDARD.encode(ids::lower_alnum(20))));
            // A PaReq stand-in, opaque like the real one.
            STANDARD.encode(format!("PaReq:{token}"))
        }
    };
    doc.insert("payload".into(), json!(payload));
    let sdk_payload = json!({
        "id": open.id,
        "transactionId": ids::lower_alnum(20),
        "payload": payload,
        "accountId": open.account,
        "acsUrl": acs_url,
        "cardBin": open.pan.get(..6).unwrap_or_default(),
        "cardType": open.card_type,
        "threeDSecureVersion": open.version,
    });
    doc.insert(
        "sdkChallengePayload".into(),
        json!(STANDARD.encode(sdk_payload.to_string())),
    );
    Challenge {
        token,
        after,
        deadline: inner.now() + inner.settings.challenge_ttl,
        state: ChallengeState::Open,
        server_jwt: None,
    }
}

/// The echoed request fields of an authentication object, as the blueprint's frictionless response has them: amount,
/// currency, references, the card without its number (BIN, last digits, expiry, holder,
/// type), billing, shipping and profile.
fn echo(
    id: &str,
    request: &Value,
    pan: &str,
    card_type: &str,
    at: SystemTime,
) -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("id".into(), json!(id));
    doc.insert("txnTime".into(), json!(rfc3339_millis(at)));
    for key in [
        "amount",
        "currency",
        "merchantRefNum",
        "merchantUrl",
        "billingDetails",
        "shippingDetails",
        "profile",
    ] {
        if let Some(v) = request.get(key) {
            doc.insert(key.into(), v.clone());
        }
    }
    let mut card = Map::new();
    if let Some(expiry) = request.pointer("/card/cardExpiry") {
        card.insert("cardExpiry".into(), expiry.clone());
    }
    card.insert("cardBin".into(), json!(pan.get(..6).unwrap_or_default()));
    card.insert(
        "lastDigits".into(),
        json!(pan.get(pan.len().saturating_sub(4)..).unwrap_or_default()),
    );
    if let Some(holder) = request.pointer("/card/holderName") {
        card.insert("holderName".into(), holder.clone());
    }
    card.insert("type".into(), json!(card_type));
    doc.insert("card".into(), Value::Object(card));
    doc
}

/// A 3DS2 result: `COMPLETED`, the result letter, the liability matrix's ECI for the brand, a CAVV for `Y`
/// and `A` only ("CAVV not present" on every other row), and the `statusReason`.
fn complete_v2(doc: &mut Map<String, Value>, card_type: &str, result: Result2) {
    for key in ["acsUrl", "payload", "sdkChallengePayload"] {
        doc.remove(key);
    }
    doc.insert("status".into(), json!("COMPLETED"));
    doc.insert("threeDResult".into(), json!(result.letter));
    doc.insert("eci".into(), json!(cards::eci(card_type, result.letter)));
    if matches!(result.letter, "Y" | "A") {
        doc.insert("cavv".into(), json!(new_cavv()));
    } else {
        doc.remove("cavv");
    }
    match result.status_reason {
        Some(reason) => {
            doc.insert("statusReason".into(), json!(reason));
        }
        None => {
            doc.remove("statusReason");
        }
    }
    if result.letter == "R" {
        // This project's rejected shape: issuer text the merchant must show.
        doc.insert(
            "cardholderDisplayText".into(),
            json!("Additional authentication is needed for this transaction, please contact your bank."),
        );
    }
}

/// A 3DS 1.0.2 result after the challenge: enrollment `Y`, the PARes status in
/// `threeDResult`, `signatureStatus` `Y`, ECI and CAVV by the blueprint's 3DS 1.0.2 liability tables.
fn complete_v1(doc: &mut Map<String, Value>, card_type: &str, pares: &str) {
    for key in ["acsUrl", "payload", "sdkChallengePayload"] {
        doc.remove(key);
    }
    doc.insert("status".into(), json!("COMPLETED"));
    doc.insert("threeDResult".into(), json!(pares));
    doc.insert("signatureStatus".into(), json!("Y"));
    doc.insert("eci".into(), json!(cards::eci(card_type, pares)));
    if matches!(pares, "Y" | "A") {
        doc.insert("cavv".into(), json!(new_cavv()));
    }
}

use threeds_wire::sandbox::cavv as new_cavv;

/// Ends an open challenge.
fn end_challenge(auth: &mut Auth, ending: Ending) {
    let Some(challenge) = auth.challenge.as_mut() else {
        return;
    };
    if challenge.state != ChallengeState::Open {
        return;
    }
    match (challenge.after, ending) {
        (After::V2(result), Ending::Otp { correct: true }) => {
            complete_v2(&mut auth.doc, auth.card_type, result)
        }
        (After::V2(_), Ending::Otp { correct: false }) => {
            complete_v2(&mut auth.doc, auth.card_type, Result2::N)
        }
        // EMV: a cancelled challenge ends with an RReq transStatus N (challengeCancel 01);
        // Paysafe has no field for the cancel indicator.
        (After::V2(_), Ending::Cancelled) => complete_v2(
            &mut auth.doc,
            auth.card_type,
            Result2 {
                letter: "N",
                status_reason: None,
            },
        ),
        (After::V2(_), Ending::TimedOut) => complete_v2(
            &mut auth.doc,
            auth.card_type,
            Result2 {
                letter: "N",
                status_reason: Some("TRANSACTION_TIMED_OUT_ACS"),
            },
        ),
        (After::V1(pares), Ending::Otp { correct: true }) => {
            complete_v1(&mut auth.doc, auth.card_type, pares)
        }
        (After::V1(_), Ending::Otp { correct: false } | Ending::Cancelled) => {
            complete_v1(&mut auth.doc, auth.card_type, "N")
        }
        // 3DS 1.0.2 has no message that could end it: it stays PENDING.
        (After::V1(_), Ending::TimedOut) => {}
    }
    challenge.state = match ending {
        Ending::TimedOut => ChallengeState::TimedOut,
        _ => ChallengeState::Finished,
    };
    if auth.sdk && !matches!(ending, Ending::TimedOut) {
        // The Cardinal SDK hands the app a server JWT when the challenge validates; the
        // app sends it to `finalize`. Its id is kept to recognise it there.
        challenge.server_jwt = Some(ids::uuid_v4());
    }
}

/// Times out an open challenge whose deadline has passed (checked on every access and by
/// `sweep`).
fn expire(auth: &mut Auth, now: Instant) {
    let due = auth
        .challenge
        .as_ref()
        .is_some_and(|c| c.state == ChallengeState::Open && now >= c.deadline);
    if due {
        end_challenge(auth, Ending::TimedOut);
    }
}

/// `GET .../authentications/{id}` (the blueprint's "Get Authentication"): the current state; `404` / `5269` for an
/// id that is not on this account.
async fn read_authentication(
    State(inner): State<Arc<Inner>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = admit(&headers, &account, true) {
        return inner.refuse(r);
    }
    let mut state = inner.lock();
    match state.authentications.get_mut(&id) {
        Some(auth) if auth.account_id == account => {
            expire(auth, inner.now());
            json(StatusCode::OK, Value::Object(auth.doc.clone()))
        }
        _ => {
            drop(state);
            inner.error(StatusCode::NOT_FOUND, "5269")
        }
    }
}

/// `POST .../authentications/{id}/finalize` `{"payload": serverJwt}` (Paysafe mobile SDKs): an
/// empty `200` when the JWT is the one the simulator's challenge issued for this
/// authentication; otherwise `400` / `5068` naming `payload` (Paysafe's answer to a bad JWT
/// is not documented; the mobile SDK's own code for it is `9201`).
async fn finalize(
    State(inner): State<Arc<Inner>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = admit(&headers, &account, false) {
        return inner.refuse(r);
    }
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(r) => return inner.refuse(r),
    };
    let Some(token) = value.get("payload").and_then(Value::as_str) else {
        return inner.field_errors(vec![("payload".into(), "payload is required.".into())]);
    };
    let claims = inner.verify_jwt(token);
    let mut state = inner.lock();
    let Some(auth) = state
        .authentications
        .get_mut(&id)
        .filter(|a| a.account_id == account)
    else {
        drop(state);
        return inner.error(StatusCode::NOT_FOUND, "5269");
    };
    expire(auth, inner.now());
    let issued = auth.challenge.as_ref().and_then(|c| c.server_jwt.clone());
    let valid = match (&claims, issued) {
        (Some(claims), Some(jti)) => {
            claims.get("jti").and_then(Value::as_str) == Some(jti.as_str())
                && claims.get("ReferenceId").and_then(Value::as_str) == Some(id.as_str())
        }
        _ => false,
    };
    drop(state);
    if valid {
        StatusCode::OK.into_response()
    } else {
        inner.field_errors(vec![(
            "payload".into(),
            "is not a server JWT issued for this authentication's challenge".into(),
        )])
    }
}

/// `GET /acs/challenge/{token}[?callback=URL]`: the challenge page.
async fn acs_get(
    State(inner): State<Arc<Inner>>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    challenge_page(
        &inner,
        &token,
        query.get("callback").map(String::as_str),
        None,
    )
}

/// `POST /acs/challenge/{token}`: either an SDK opening the page with the `creq` (no
/// `action` field), or the cardholder submitting the form.
async fn acs_post(
    State(inner): State<Arc<Inner>>,
    Path(token): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let callback = field("callback").or(query.get("callback").map(String::as_str));
    let ending = match field("action") {
        None => return challenge_page(&inner, &token, callback, field("creq")),
        Some("cancel") => Ending::Cancelled,
        Some(_) => Ending::Otp {
            correct: field("password").map(str::trim) == Some(OTP),
        },
    };
    let mut state = inner.lock();
    let Some(id) = state.acs.get(&token).cloned() else {
        return unknown_challenge();
    };
    let Some(auth) = state.authentications.get_mut(&id) else {
        return unknown_challenge();
    };
    expire(auth, inner.now());
    let Some(challenge) = auth.challenge.as_ref() else {
        return unknown_challenge();
    };
    match challenge.state {
        ChallengeState::TimedOut => return timed_out_page(),
        ChallengeState::Finished => return already_finished_page(&id),
        ChallengeState::Open => {}
    }
    end_challenge(auth, ending);
    let server_jwt = auth
        .challenge
        .as_ref()
        .and_then(|c| c.server_jwt.clone())
        .map(|jti| {
            let action = match auth.doc.get("threeDResult").and_then(Value::as_str) {
                Some("Y" | "A") => "SUCCESS",
                _ => "FAILURE",
            };
            inner.sign_jwt(&json!({
                "jti": jti,
                "iat": unix_seconds(),
                "iss": "paysafe-sandbox",
                "ReferenceId": id,
                "Payload": { "ActionCode": action },
            }))
        });
    // Without a callback, the merchant's site (`merchantUrl`), where the JS SDK would be
    // running, receives the post.
    let merchant_url = auth
        .doc
        .get("merchantUrl")
        .and_then(Value::as_str)
        .map(str::to_owned);
    drop(state);
    let target = callback
        .filter(|c| is_http_url(c))
        .map(str::to_owned)
        .or(merchant_url);
    callback_page(&id, target.as_deref(), server_jwt.as_deref())
}

fn challenge_page(
    inner: &Inner,
    token: &str,
    callback: Option<&str>,
    creq: Option<&str>,
) -> Response {
    if let Some(creq) = creq {
        // The CReq an SDK posts must be this transaction's (3DS 1.0.2's PaReq is opaque).
        let named = URL_SAFE_NO_PAD
            .decode(creq.trim_end_matches('='))
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| {
                v.get("acsTransID")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        let is_pareq = STANDARD
            .decode(creq)
            .is_ok_and(|b| b == format!("PaReq:{token}").as_bytes());
        if named.as_deref() != Some(token) && !is_pareq {
            return (
                StatusCode::BAD_REQUEST,
                Html(pages::message(
                    "Invalid challenge request",
                    "The creq posted does not belong to this challenge.",
                )),
            )
                .into_response();
        }
    }
    let mut state = inner.lock();
    let Some(id) = state.acs.get(token).cloned() else {
        return unknown_challenge();
    };
    let Some(auth) = state.authentications.get_mut(&id) else {
        return unknown_challenge();
    };
    expire(auth, inner.now());
    let Some(challenge) = auth.challenge.as_ref() else {
        return unknown_challenge();
    };
    match challenge.state {
        ChallengeState::TimedOut => return timed_out_page(),
        ChallengeState::Finished => return already_finished_page(&id),
        ChallengeState::Open => {}
    }
    let title = match challenge.after {
        After::V2(_) => "Paysafe sandbox: 3-D Secure challenge",
        After::V1(_) => "Paysafe sandbox: 3-D Secure 1.0.2 challenge (fallback)",
    };
    let amount = match (auth.doc.get("amount"), auth.doc.get("currency")) {
        (Some(a), Some(Value::String(c))) => format!(" of {a} (minor units) {c}"),
        _ => String::new(),
    };
    let hidden: Vec<(&str, &str)> = callback
        .filter(|c| is_http_url(c))
        .map(|c| vec![("callback", c)])
        .unwrap_or_default();
    let action = inner.settings.url(&format!("/acs/challenge/{token}"));
    let html = pages::challenge_form(
        title,
        &action,
        &hidden,
        &format!("Enter the one-time password sent to your phone to approve the payment{amount}."),
        &format!(
            "Stands in for the challenge Paysafe's JS SDK (Cardinal) runs. Sandbox OTP: {OTP} \
             (any other code fails the authentication; Cancel ends it with N)."
        ),
    );
    Html(html).into_response()
}

/// What the page shows after the challenge: it posts `id` (and an SDK's `serverJwt`) to the
/// callback URL (else the request's `merchantUrl`), the way Paysafe's JS SDK calls back, or
/// shows the id when neither is an http(s) URL.
fn callback_page(id: &str, callback: Option<&str>, server_jwt: Option<&str>) -> Response {
    let mut fields = vec![("id", id)];
    if let Some(jwt) = server_jwt {
        fields.push(("serverJwt", jwt));
    }
    match callback.filter(|c| is_http_url(c)) {
        Some(url) => Html(pages::auto_post("Challenge finished", url, &fields)).into_response(),
        None => Html(pages::message(
            "Challenge finished",
            &format!(
                "Authentication {id} is finished. Paysafe's JS SDK would now call back with this \
                 id; read the result with GET .../authentications/{id}.{}",
                server_jwt
                    .map(|j| format!(" Server JWT for finalize: {j}"))
                    .unwrap_or_default()
            ),
        ))
        .into_response(),
    }
}

fn unknown_challenge() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(pages::message(
            "Unknown challenge",
            "This simulator has no challenge at this address.",
        )),
    )
        .into_response()
}

fn timed_out_page() -> Response {
    Html(pages::message(
        "Challenge timed out",
        "The ACS timed out waiting for the cardholder. A 3DS2 authentication now reads \
         COMPLETED with threeDResult N and statusReason TRANSACTION_TIMED_OUT_ACS.",
    ))
    .into_response()
}

fn already_finished_page(id: &str) -> Response {
    Html(pages::message(
        "Challenge already finished",
        &format!("Authentication {id} is already finished; read it with GET."),
    ))
    .into_response()
}

fn is_http_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

/// The `fieldErrors` text of one violation. Paysafe publishes one sample message ("An
/// amount is required.", Paysafe 3DS2 errors page), used for `amount`; the rest are this simulator's
/// wording.
fn field_error_text(path: &str, problem: &threeds_wire::Problem) -> String {
    use threeds_wire::Problem;
    match problem {
        Problem::Missing if path == "amount" => "An amount is required.".to_owned(),
        Problem::Missing => format!("{path} is required."),
        Problem::TooLong { max, .. } => format!("size must be at most {max} characters"),
        Problem::TooShort { min, .. } => format!("size must be at least {min} characters"),
        Problem::OutOfRange { min, max, .. } => format!("must be between {min} and {max}"),
        Problem::Invalid { expected } => format!("must be {expected}"),
    }
}

/// The top-level fields whose JSON type does not fit the request (each tried alone, so
/// the answer names them without quoting a value).
fn mistyped_fields(value: &Value) -> Vec<(String, String)> {
    let Some(map) = value.as_object() else {
        return vec![(
            "body".to_owned(),
            "must be a JSON object (the authentication request)".to_owned(),
        )];
    };
    let mut out: Vec<(String, String)> = map
        .iter()
        .filter(|(k, v)| {
            let mut one = Map::new();
            one.insert((*k).clone(), (*v).clone());
            serde_json::from_value::<AuthenticationRequest>(Value::Object(one)).is_err()
        })
        .map(|(k, _)| {
            (
                k.clone(),
                "has a value of the wrong type or format".to_owned(),
            )
        })
        .collect();
    if out.is_empty() {
        out.push((
            "body".to_owned(),
            "does not match the authentication request".to_owned(),
        ));
    }
    out
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
