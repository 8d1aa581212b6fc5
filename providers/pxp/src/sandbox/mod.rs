//! A local simulator of PXP Unity's 3D Secure service, standalone mode (feature `sandbox`).
//!
//! Mounted by `threeds-bridge sandbox` under `/pxp`, with PXP's paths unchanged, so the
//! client's base URL is `http://ADDR/pxp/api/v1`:
//!
//! | endpoint | what it does |
//! |---|---|
//! | `POST /api/v1/threedsecure/standalone/authentications` | pre-initiate: `PendingClientData` with the 3DS Method (fingerprint) URL and data |
//! | `PUT /api/v1/threedsecure/standalone/authentications/{id}/browser-authentication` | initiate: a frictionless result or `PendingCustomerChallenge` |
//! | `GET /api/v1/threedsecure/standalone/authentications/{id}` | the authentication |
//! | `POST /mock/3ds-access-control-server-mock/fingerprint` | the issuer's 3DS Method page (form field `threeDSMethodData`); answers a page that posts `threeDSMethodData` back to the `fingerprintCallbackUrl` |
//! | `POST /mock/3ds-access-control-server-mock/challenge` | the ACS challenge page (form field `creq`) |
//! | `POST /mock/3ds-access-control-server-mock/challenge/submit` | the challenge form's target; answers a page that posts `cres` to the `challengeCallbackUrl` |
//!
//! The ACS paths copy the host path of PXP's own sandbox mock ACS seen in its documented
//! response (`https://api-services.test.pxp.io/mock/3ds-access-control-server-mock/fingerprint`,
//! developer.pxp.io/guides/3ds/exemptions).
//!
//! Requests must carry the `PXP-UST1` signature of [`crate::client::signing_unverified`]
//! made with the credentials of [`banner`](Simulator::banner) (else 401), and their bodies
//! must satisfy the wire types' documented limits (else 400). PXP's error body is not
//! published; the simulator's is its own ([`problem`]). Outcomes are chosen by the magic
//! card numbers of [`cards`]. A challenge not finished within `challenge_ttl` ends as
//! `AuthenticationFailed` with `stateData.code` 14 ("Transaction timed out at the ACS") and
//! `challengeCancelIndicator` 05 (no CReq arrived) or 04 (other timeout): PXP's states page
//! puts a technical inability to authenticate under `AuthenticationFailed`, code 14 is
//! PXP's listed reason for an ACS timeout, and 04/05 are EMV's challenge-cancel values for
//! those timeouts.
//!
//! Authentications are forgotten `SimSettings::retention` after their creation (one still
//! in a challenge then is kept a period more), and a path the simulator does not cover
//! answers 501 naming it.
//!
//! When a challenge ends (completed, cancelled or timed out) and a webhook URL is set, an
//! `Authentication` webhook is sent: `{eventCategory, eventName: "challenge-completed",
//! eventDate, eventData: <the authentication>, eventOwner: {merchantGroup}}`, signed per
//! [`crate::client::signing_unverified::webhook_signature`]. Frictionless results are in
//! the initiate response itself and send none.
//!
//! Field names PXP's readable documentation does not show are emitted under the primary
//! names of [`crate::response::Authentication`] and are **unverified**:
//! `threeDSecureTransactionStatus`, `acsUrl`, `creq`, `acsTransactionId`,
//! `threeDSecureServerTransactionId`, `challengeCancelIndicator`, `authenticationFlow`,
//! `cardScheme`, `amount`, and the webhook's `eventName`.

pub mod cards;
pub mod problem;

use crate::client::signing_unverified as signing;
use crate::fingerprint;
use crate::request::{
    Amount, BrowserAuthenticationRequest, ChallengeIndicator, PreInitiateRequest,
};
use crate::response::{Authentication, AuthenticationState, StateData};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use cards::{Scenario, Scheme};
use problem::{problem, FieldError};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::{
    answer_the_rest, ids, not_simulated_message, pages, Retention, SimSettings, Simulator,
};
use threeds_wire::{with_secrets_revealed, NumOrStr, Secret, Validate};

/// `X-Client-Id` the simulator accepts.
pub const CLIENT_ID: &str = "8d3e7c1a-5b2f-4e90-a6d4-3c1f0b9e2a71";
/// The token id in `PXP-UST1 {tokenId}:...`.
pub const TOKEN_ID: &str = "sandbox-token-1";
/// The token value: the request HMAC key.
pub const TOKEN_VALUE: &str = "sandbox-token-value-3ds";
/// The merchant group the credentials belong to (at most 10 characters, as PXP requires).
pub const MERCHANT_GROUP: &str = "MG_SANDBOX";
/// The acquirer profile configured for the merchant group (at most 20 characters).
pub const ACQUIRER_PROFILE_ID: &str = "ACQ_PROFILE_SANDBOX";
/// The webhook HMAC key of the merchant group.
pub const WEBHOOK_HMAC_KEY: &str = "sandbox-webhook-hmac-key";
/// The one-time password the challenge page accepts.
pub const CHALLENGE_PASSWORD: &str = "PXP-3ds-2024";
/// The 3DS protocol version the simulated directory server speaks.
pub const PROTOCOL_VERSION: &str = "2.2.0";

const API: &str = "/api/v1/threedsecure/standalone/authentications";
const ACS: &str = "/mock/3ds-access-control-server-mock";

/// The simulated PXP API.
#[derive(Clone)]
pub struct PxpSimulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for PxpSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PxpSimulator")
            .field("public_base", &self.inner.settings.public_base)
            .finish_non_exhaustive()
    }
}

struct Inner {
    settings: SimSettings,
    records: Mutex<Records>,
}

/// The authentications and the queues that bound the work done on them.
struct Records {
    map: HashMap<String, Record>,
    /// Ids by creation, to forget them after the retention period.
    retained: Retention<String>,
    /// Ids by the time their challenge opened, due when it times out: the sweep looks at
    /// these only, not at every authentication.
    challenges: Retention<String>,
}

impl Records {
    fn new(settings: &SimSettings) -> Self {
        Records {
            map: HashMap::new(),
            retained: Retention::new(settings.retention),
            challenges: Retention::new(settings.challenge_ttl),
        }
    }

    /// Forgets what is past retention; a challenge still open is kept one more period.
    fn forget_old(&mut self, now: Instant) {
        while let Some(id) = self.retained.next_due(now) {
            let open = self
                .map
                .get(&id)
                .is_some_and(|r| r.state == AuthenticationState::PendingCustomerChallenge);
            if open {
                self.retained.record(now, id);
            } else {
                self.map.remove(&id);
            }
        }
    }
}

/// An open challenge.
struct Challenge {
    callback_url: String,
    deadline: Instant,
    creq: String,
    creq_received: bool,
}

/// One authentication.
struct Record {
    id: String,
    scenario: Scenario,
    scheme: Scheme,
    amount: Option<Amount>,
    merchant_group: String,
    fingerprint_callback_url: String,
    state: AuthenticationState,
    initiated: bool,
    ds_trans_id: String,
    acs_trans_id: String,
    trans_status: Option<&'static str>,
    state_data: Option<(&'static str, &'static str)>,
    eci: Option<&'static str>,
    cavv: Option<String>,
    challenge_cancel: Option<&'static str>,
    flow: Option<&'static str>,
    challenge: Option<Challenge>,
    /// Webhook bodies produced under the lock, sent after it is released.
    pending_events: Vec<&'static str>,
}

/// How a challenge or a frictionless authentication ended.
#[derive(Debug, Clone, Copy)]
enum Final {
    Y,
    A,
    N,
    U,
    R {
        code: &'static str,
        reason: &'static str,
    },
    Error,
    Cancelled,
    TimedOut,
}

impl Record {
    fn finish(&mut self, outcome: Final) {
        let challenged = self.challenge.is_some();
        match outcome {
            Final::Y => {
                self.state = AuthenticationState::AuthenticationSuccessful;
                self.trans_status = Some("Y");
                self.eci = Some(self.scheme.eci_authenticated());
                self.cavv = Some(cavv());
            }
            Final::A => {
                self.state = AuthenticationState::AuthenticationSuccessful;
                self.trans_status = Some("A");
                self.eci = Some(self.scheme.eci_attempted());
                self.cavv = Some(cavv());
            }
            Final::N => {
                self.state = AuthenticationState::AuthenticationFailed;
                self.trans_status = Some("N");
                self.state_data = Some(("01", "Card authentication failed."));
            }
            Final::U => {
                self.state = AuthenticationState::AuthenticationFailed;
                self.trans_status = Some("U");
                self.state_data = Some(("22", "ACS technical issue."));
            }
            Final::R { code, reason } => {
                self.state = AuthenticationState::AuthenticationRejected;
                self.trans_status = Some("R");
                self.state_data = Some((code, reason));
            }
            Final::Error => {
                self.state = AuthenticationState::AuthenticationError;
            }
            Final::Cancelled => {
                self.state = AuthenticationState::AuthenticationFailed;
                self.trans_status = Some("N");
                self.state_data = Some((
                    "26",
                    "Authentication attempted but not performed by the Cardholder.",
                ));
                self.challenge_cancel = Some("01");
            }
            Final::TimedOut => {
                let first_creq_missing = self.challenge.as_ref().is_none_or(|c| !c.creq_received);
                self.state = AuthenticationState::AuthenticationFailed;
                self.trans_status = Some("N");
                self.state_data = Some(("14", "Transaction timed out at the ACS."));
                self.challenge_cancel = Some(if first_creq_missing { "05" } else { "04" });
            }
        }
        if challenged {
            self.pending_events.push("challenge-completed");
        }
    }

    /// Ends an abandoned challenge whose deadline has passed.
    fn expire_if_due(&mut self, now: Instant) {
        let due = self.state == AuthenticationState::PendingCustomerChallenge
            && self.challenge.as_ref().is_some_and(|c| now >= c.deadline);
        if due {
            self.finish(Final::TimedOut);
        }
    }
}

use threeds_wire::sandbox::cavv;

impl PxpSimulator {
    pub fn new(settings: SimSettings) -> Self {
        PxpSimulator {
            inner: Arc::new(Inner {
                records: Mutex::new(Records::new(&settings)),
                settings,
            }),
        }
    }
}

impl Simulator for PxpSimulator {
    fn name(&self) -> &'static str {
        "pxp"
    }

    fn router(&self) -> axum::Router {
        let routes = axum::Router::new()
            .route(API, post(pre_initiate))
            .route(&format!("{API}/{{id}}"), get(get_authentication))
            .route(
                &format!("{API}/{{id}}/browser-authentication"),
                put(initiate),
            )
            .route(
                &format!("{ACS}/fingerprint"),
                post(fingerprint_page).get(fingerprint_info),
            )
            .route(&format!("{ACS}/challenge"), post(challenge_page))
            .route(&format!("{ACS}/challenge/submit"), post(challenge_submit))
            .with_state(self.clone());
        answer_the_rest(routes, self.clone())
    }

    fn banner(&self) -> Vec<(String, String)> {
        let s = &self.inner.settings;
        vec![
            ("base URL".into(), s.url("/api/v1")),
            ("client id".into(), CLIENT_ID.into()),
            ("token id".into(), TOKEN_ID.into()),
            ("token value".into(), TOKEN_VALUE.into()),
            ("merchant group".into(), MERCHANT_GROUP.into()),
            ("acquirer profile id".into(), ACQUIRER_PROFILE_ID.into()),
            ("webhook HMAC key".into(), WEBHOOK_HMAC_KEY.into()),
            (
                "webhooks to".into(),
                s.webhook_url.clone().unwrap_or_else(|| "(none set)".into()),
            ),
            ("challenge password".into(), CHALLENGE_PASSWORD.into()),
            (
                "magic cards".into(),
                "4444000000000014 frictionless Y, ...0063 challenge, ...0089 not supported (docs/live/pxp.md)"
                    .into(),
            ),
        ]
    }

    fn sweep(&self) {
        let now = self.inner.settings.clock.now();
        let events = {
            let mut records = self.inner.lock();
            let mut events = Vec::new();
            while let Some(id) = records.challenges.next_due(now) {
                if let Some(record) = records.map.get_mut(&id) {
                    record.expire_if_due(now);
                    events.extend(self.inner.drain_events(record));
                }
            }
            events
        };
        self.inner.deliver(events);
    }

    /// The simulator's own problem-details shape (PXP's error body is not published).
    fn not_simulated(&self, method: &str, path: &str) -> Response {
        problem(
            StatusCode::NOT_IMPLEMENTED,
            not_simulated_message(method, path),
            path,
            None,
            Vec::new(),
        )
    }
}

/// A webhook ready to send.
struct Outgoing {
    body: Vec<u8>,
}

impl Inner {
    /// The records, with what is past retention forgotten.
    fn lock(&self) -> MutexGuard<'_, Records> {
        // A panic while holding the lock cannot leave a record half-written in a way that
        // matters more than refusing service, so a poisoned lock is recovered.
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        records.forget_old(self.settings.clock.now());
        records
    }

    /// Runs `f` on record `id` after ending its challenge if it is overdue, then sends the
    /// webhooks the record produced. `None` when there is no such record.
    fn with_record<R>(&self, id: &str, f: impl FnOnce(&Inner, &mut Record) -> R) -> Option<R> {
        let (result, events) = {
            let now = self.settings.clock.now();
            let mut records = self.lock();
            let record = records.map.get_mut(id)?;
            record.expire_if_due(now);
            let had_challenge = record.challenge.is_some();
            let result = f(self, record);
            let opened = !had_challenge && record.challenge.is_some();
            let events = self.drain_events(record);
            if opened {
                records.challenges.record(now, id.to_owned());
            }
            (result, events)
        };
        self.deliver(events);
        Some(result)
    }

    fn drain_events(&self, record: &mut Record) -> Vec<Outgoing> {
        if record.pending_events.is_empty() {
            return Vec::new();
        }
        let names = std::mem::take(&mut record.pending_events);
        if self.settings.webhook_url.is_none() {
            return Vec::new();
        }
        names
            .into_iter()
            .map(|name| {
                let envelope = json!({
                    "eventCategory": "Authentication",
                    "eventName": name,
                    "eventDate": threeds_wire::sandbox::clock::rfc3339_millis(self.settings.clock.system_now()),
                    "eventData": self.render_value(record),
                    "eventOwner": {"merchantGroup": record.merchant_group},
                });
                Outgoing {
                    body: envelope.to_string().into_bytes(),
                }
            })
            .collect()
    }

    fn deliver(&self, events: Vec<Outgoing>) {
        let Some(url) = &self.settings.webhook_url else {
            return;
        };
        for event in events {
            let request_id = ids::uuid_v4();
            let timestamp = signing::webhook_timestamp_now();
            // The key is a non-empty constant, so signing cannot fail; were it to, the empty
            // signature sent would be refused by the receiver, never accepted.
            let signature =
                signing::webhook_signature(WEBHOOK_HMAC_KEY, &request_id, &timestamp, &event.body)
                    .unwrap_or_default();
            self.settings.outbox.send(
                "pxp",
                "challenge-completed",
                "POST",
                url.clone(),
                vec![
                    ("content-type".into(), "application/json".into()),
                    ("x-request-id".into(), request_id),
                    ("x-signature-timestamp".into(), timestamp),
                    ("x-signature".into(), signature),
                ],
                event.body,
            );
        }
    }

    fn acs_url(&self, path: &str) -> String {
        self.settings.url(&format!("{ACS}{path}"))
    }

    /// The authentication as PXP's wire type.
    fn render(&self, r: &Record) -> Authentication {
        let mut a = Authentication {
            authentication_id: Some(r.id.clone()),
            state: Some(r.state.clone()),
            three_d_secure_version: Some(PROTOCOL_VERSION.into()),
            card_scheme: r.scheme.name().map(str::to_owned),
            amount: r.amount.clone(),
            ..Authentication::default()
        };
        if r.state == AuthenticationState::PendingClientData {
            let supported = r.scenario != Scenario::NotSupported;
            let method = supported && r.scenario != Scenario::FrictionlessNoMethod;
            a.three_d_secure_supported = Some(supported);
            a.sca_mandated = Some(false);
            a.three_d_secure_fingerprint_url = Some(if method {
                self.acs_url("/fingerprint")
            } else {
                String::new()
            });
            a.three_d_secure_fingerprint_data = Some(if method {
                method_data(&r.id, &r.fingerprint_callback_url)
            } else {
                String::new()
            });
            return a;
        }
        a.directory_server_transaction_id = Some(r.ds_trans_id.clone());
        a.acs_transaction_id = Some(r.acs_trans_id.clone());
        a.three_d_secure_server_transaction_id = Some(r.id.clone());
        a.three_d_secure_transaction_status = r.trans_status.map(str::to_owned);
        a.state_data = r.state_data.map(|(code, reason)| StateData {
            code: Some(NumOrStr::string(code)),
            reason: Some(reason.to_owned()),
        });
        a.electronic_commerce_indicator = r.eci.map(NumOrStr::string);
        a.cardholder_authentication_verification_value = r.cavv.as_deref().map(Secret::new);
        a.challenge_cancel_indicator = r.challenge_cancel.map(NumOrStr::string);
        a.authentication_flow = r.flow.map(str::to_owned);
        if r.state == AuthenticationState::PendingCustomerChallenge {
            if let Some(c) = &r.challenge {
                a.acs_url = Some(self.acs_url("/challenge"));
                a.creq = Some(c.creq.clone());
            }
        }
        a
    }

    /// The authentication as JSON, CAVV included (it is what PXP returns).
    fn render_value(&self, r: &Record) -> Value {
        let a = self.render(r);
        with_secrets_revealed(|| serde_json::to_value(&a)).unwrap_or(Value::Null)
    }

    fn respond(&self, r: &Record) -> Response {
        (StatusCode::OK, axum::Json(self.render_value(r))).into_response()
    }
}

/// `threeDSecureFingerprintData`: base64 of `{"threeDSServerTransID", "threeDSMethodNotificationURL"}`
/// (the decoded form of PXP's example, developer.pxp.io/guides/3ds/exemptions).
fn method_data(id: &str, notification_url: &str) -> String {
    STANDARD.encode(
        json!({"threeDSServerTransID": id, "threeDSMethodNotificationURL": notification_url})
            .to_string(),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Checks `X-Client-Id` and the `PXP-UST1` signature; returns the `X-Request-Id`.
/// The error side is boxed: a `Response` is large and this is the cold path.
fn authenticate(headers: &HeaderMap, body: &[u8], instance: &str) -> Result<String, Box<Response>> {
    let request_id = header(headers, "x-request-id").map(str::to_owned);
    let deny = |detail: &str| {
        Err(Box::new(problem(
            StatusCode::UNAUTHORIZED,
            detail,
            instance,
            request_id.as_deref(),
            Vec::new(),
        )))
    };
    match header(headers, "x-client-id") {
        None => return deny("X-Client-Id header is missing"),
        Some(id) if id != CLIENT_ID => return deny("X-Client-Id is not a known client"),
        Some(_) => {}
    }
    let Some(authorization) = header(headers, "authorization") else {
        return deny("Authorization header is missing");
    };
    let Some(parsed) = signing::parse_authorization(authorization) else {
        return deny("Authorization is not of the form 'PXP-UST1 {tokenId}:{timestamp}:{hmac}'");
    };
    if parsed.token_id != TOKEN_ID {
        return deny("the token id is not a token of this client");
    }
    let Some(rid) = request_id.as_deref() else {
        return deny("X-Request-Id header is missing (the signature covers it)");
    };
    if !signing::timestamp_fresh(parsed.timestamp, SystemTime::now()) {
        return deny(
            "the Authorization timestamp is not Unix seconds within 300 s of the server clock",
        );
    }
    if signing::verify_request(TOKEN_VALUE, rid, parsed.timestamp, body, parsed.mac) != Ok(true) {
        return deny("the Authorization HMAC does not match the request");
    }
    Ok(rid.to_owned())
}

fn bad_request(
    instance: &str,
    request_id: &str,
    detail: &str,
    errors: Vec<FieldError>,
) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        detail,
        instance,
        Some(request_id),
        errors,
    )
}

fn field_errors(violations: Vec<threeds_wire::FieldViolation>) -> Vec<FieldError> {
    violations
        .into_iter()
        .map(|v| FieldError {
            field: v.path.clone(),
            message: v.to_string(),
        })
        .collect()
}

/// Parses a JSON body into `T`, or a 400 naming where it broke (values scrubbed: the body
/// may hold a card number).
fn parse_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    instance: &str,
    request_id: &str,
) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(bad_request(
            instance,
            request_id,
            &format!(
                "the body is not a valid request: {}",
                threeds_wire::scrub(&e.to_string())
            ),
            Vec::new(),
        ))
    })
}

async fn pre_initiate(
    State(sim): State<PxpSimulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let instance = "/api/v1/threedsecure/standalone/authentications";
    let request_id = match authenticate(&headers, &body, instance) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let req: PreInitiateRequest = match parse_body(&body, instance, &request_id) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    if req.mode() == crate::request::Mode::Integrated {
        return bad_request(
            instance,
            &request_id,
            "site, providerId and intent belong to the integrated endpoint; this is the standalone one",
            Vec::new(),
        );
    }
    let violations = req.validate();
    if !violations.is_empty() {
        return bad_request(
            instance,
            &request_id,
            "the request breaks PXP's documented field rules",
            field_errors(violations),
        );
    }
    if req.merchant_group.as_deref() != Some(MERCHANT_GROUP) {
        return problem(
            StatusCode::FORBIDDEN,
            "the credentials do not belong to this merchantGroup",
            instance,
            Some(&request_id),
            Vec::new(),
        );
    }
    if req.acquirer_profile_id.as_deref() != Some(ACQUIRER_PROFILE_ID) {
        return bad_request(
            instance,
            &request_id,
            "acquirerProfileId is not configured for this merchant group",
            vec![FieldError {
                field: "acquirerProfileId".into(),
                message: format!("the sandbox knows only {ACQUIRER_PROFILE_ID}"),
            }],
        );
    }
    let Some(pan) = req
        .card
        .as_ref()
        .and_then(|c| c.primary_account_number.as_ref())
        .map(|p| p.expose().to_owned())
    else {
        return bad_request(
            instance,
            &request_id,
            "the simulator authenticates direct cards only (primaryAccountNumber); token variants are not simulated",
            Vec::new(),
        );
    };
    if !threeds_wire::luhn_valid(&pan) {
        return bad_request(
            instance,
            &request_id,
            "the card number fails the Luhn check",
            vec![FieldError {
                field: "card.primaryAccountNumber".into(),
                message: "not a valid card number".into(),
            }],
        );
    }
    let record = Record {
        id: ids::uuid_v4(),
        scenario: cards::scenario(&pan),
        scheme: Scheme::of(&pan),
        amount: req.amount.clone(),
        merchant_group: MERCHANT_GROUP.into(),
        fingerprint_callback_url: req.fingerprint_callback_url.clone().unwrap_or_default(),
        state: AuthenticationState::PendingClientData,
        initiated: false,
        ds_trans_id: ids::uuid_v4(),
        acs_trans_id: ids::uuid_v4(),
        trans_status: None,
        state_data: None,
        eci: None,
        cavv: None,
        challenge_cancel: None,
        flow: None,
        challenge: None,
        pending_events: Vec::new(),
    };
    let response = sim.inner.respond(&record);
    let mut records = sim.inner.lock();
    records
        .retained
        .record(sim.inner.settings.clock.now(), record.id.clone());
    records.map.insert(record.id.clone(), record);
    response
}

async fn get_authentication(
    State(sim): State<PxpSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let instance = format!("{API}/{id}");
    let request_id = match authenticate(&headers, &body, &instance) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    sim.inner
        .with_record(&id, |inner, r| inner.respond(r))
        .unwrap_or_else(|| unknown_authentication(&instance, &request_id))
}

fn unknown_authentication(instance: &str, request_id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "no authentication with this authenticationId",
        instance,
        Some(request_id),
        Vec::new(),
    )
}

async fn initiate(
    State(sim): State<PxpSimulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let instance = format!("{API}/{id}/browser-authentication");
    let request_id = match authenticate(&headers, &body, &instance) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let req: BrowserAuthenticationRequest = match parse_body(&body, &instance, &request_id) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let violations = req.validate();
    if !violations.is_empty() {
        return bad_request(
            &instance,
            &request_id,
            "the request breaks PXP's documented field rules",
            field_errors(violations),
        );
    }
    let ttl = sim.inner.settings.challenge_ttl;
    sim.inner
        .with_record(&id, |inner, r| {
            let conflict = |detail: String| {
                problem(
                    StatusCode::CONFLICT,
                    detail,
                    &instance,
                    Some(&request_id),
                    Vec::new(),
                )
            };
            if r.scenario == Scenario::NotSupported {
                return conflict(
                    "3DS is not supported for this card (threeDSecureSupported: false); there is nothing to initiate".into(),
                );
            }
            if r.initiated || r.state != AuthenticationState::PendingClientData {
                return conflict(format!(
                    "the authentication is in state {}; initiate is only possible in PendingClientData",
                    r.state
                ));
            }
            if let Some(notification) = req.fingerprint_notification.as_deref() {
                let ok = fingerprint::decode_method_data(notification)
                    .and_then(|m| m.three_ds_server_trans_id)
                    .is_some_and(|tid| tid == r.id);
                if !ok {
                    return bad_request(
                        &instance,
                        &request_id,
                        "fingerprintNotification is not the base64 threeDSMethodData of this authentication",
                        vec![FieldError {
                            field: "fingerprintNotification".into(),
                            message: "expected base64 of {\"threeDSServerTransID\": <authenticationId>, ...}".into(),
                        }],
                    );
                }
            }
            r.initiated = true;
            let mandated =
                req.requestor_challenge_indicator == Some(ChallengeIndicator::ChallengeMandated);
            let challenge = match r.scenario {
                Scenario::Challenge | Scenario::ChallengeN => true,
                Scenario::FrictionlessY
                | Scenario::FrictionlessNoMethod
                | Scenario::FrictionlessA => mandated,
                _ => false,
            };
            if challenge {
                let window = req.challenge_window_size.unwrap_or(5);
                r.state = AuthenticationState::PendingCustomerChallenge;
                r.trans_status = Some("C");
                r.flow = Some("Challenge");
                r.challenge = Some(Challenge {
                    callback_url: req.challenge_callback_url.clone().unwrap_or_default(),
                    deadline: inner.settings.clock.now() + ttl,
                    creq: creq(&r.id, &r.acs_trans_id, window),
                    creq_received: false,
                });
            } else {
                r.flow = Some("Frictionless");
                r.finish(match r.scenario {
                    Scenario::FrictionlessA => Final::A,
                    Scenario::FrictionlessN => Final::N,
                    Scenario::FrictionlessU => Final::U,
                    Scenario::FrictionlessR => Final::R {
                        code: "11",
                        reason: "Suspected fraud.",
                    },
                    Scenario::Error => Final::Error,
                    _ => Final::Y,
                });
            }
            inner.respond(r)
        })
        .unwrap_or_else(|| unknown_authentication(&instance, &request_id))
}

/// The CReq: base64url (no padding) of the EMV CReq JSON.
fn creq(server_trans_id: &str, acs_trans_id: &str, window: i64) -> String {
    URL_SAFE_NO_PAD.encode(
        json!({
            "threeDSServerTransID": server_trans_id,
            "acsTransID": acs_trans_id,
            "challengeWindowSize": format!("{window:02}"),
            "messageType": "CReq",
            "messageVersion": PROTOCOL_VERSION,
        })
        .to_string(),
    )
}

/// The CRes posted to the `challengeCallbackUrl`.
fn cres(server_trans_id: &str, acs_trans_id: &str, trans_status: &str) -> String {
    URL_SAFE_NO_PAD.encode(
        json!({
            "threeDSServerTransID": server_trans_id,
            "acsTransID": acs_trans_id,
            "challengeCompletionInd": "Y",
            "messageType": "CRes",
            "messageVersion": PROTOCOL_VERSION,
            "transStatus": trans_status,
        })
        .to_string(),
    )
}

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

fn form_field(form: &[(String, String)], name: &str) -> Option<String> {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty())
}

async fn fingerprint_info() -> Response {
    page(
        StatusCode::OK,
        pages::message(
            "PXP sandbox 3DS Method",
            "POST the threeDSecureFingerprintData here as the form field threeDSMethodData.",
        ),
    )
}

/// The 3DS Method: records the fingerprint and posts `threeDSMethodData` back to the
/// notification URL inside it (the merchant's `fingerprintCallbackUrl`).
async fn fingerprint_page(State(sim): State<PxpSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let Some(data) = form_field(&form, "threeDSMethodData") else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message("3DS Method", "The form field threeDSMethodData is missing."),
        );
    };
    let Some(decoded) = fingerprint::decode_method_data(&data) else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message("3DS Method", "threeDSMethodData is not base64 JSON."),
        );
    };
    let id = decoded.three_ds_server_trans_id.unwrap_or_default();
    let target = sim
        .inner
        .with_record(&id, |_, r| r.fingerprint_callback_url.clone());
    match target {
        Some(url) if !url.is_empty() => page(
            StatusCode::OK,
            pages::auto_post("3DS Method", &url, &[("threeDSMethodData", &data)]),
        ),
        _ => page(
            StatusCode::BAD_REQUEST,
            pages::message("3DS Method", "Unknown threeDSServerTransID."),
        ),
    }
}

/// Reads `threeDSServerTransID` from a CReq.
fn creq_transaction(creq: &str) -> Option<String> {
    let bytes = fingerprint::decode_base64(creq)?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value
        .get("threeDSServerTransID")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The challenge page for a posted `creq`.
async fn challenge_page(State(sim): State<PxpSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let Some(creq) = form_field(&form, "creq") else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message("PXP sandbox ACS", "The form field creq is missing."),
        );
    };
    let id = creq_transaction(&creq).unwrap_or_default();
    let action = sim.inner.acs_url("/challenge/submit");
    sim.inner
        .with_record(&id, |_, r| match (&r.state, r.challenge.as_mut()) {
            (AuthenticationState::PendingCustomerChallenge, Some(c)) if c.creq == creq => {
                c.creq_received = true;
                page(
                    StatusCode::OK,
                    pages::challenge_form(
                        "PXP sandbox ACS",
                        &action,
                        &[("creq", &creq)],
                        "Enter the one-time password sent to your phone.",
                        &format!("Sandbox password: {CHALLENGE_PASSWORD}"),
                    ),
                )
            }
            (state, _) => page(
                StatusCode::OK,
                pages::message(
                    "PXP sandbox ACS",
                    &format!("This authentication is not waiting for a challenge (state {state})."),
                ),
            ),
        })
        .unwrap_or_else(|| {
            page(
                StatusCode::BAD_REQUEST,
                pages::message("PXP sandbox ACS", "Unknown transaction."),
            )
        })
}

/// The challenge form's target: decides, then posts the CRes to the merchant.
async fn challenge_submit(State(sim): State<PxpSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let creq = form_field(&form, "creq").unwrap_or_default();
    let id = creq_transaction(&creq).unwrap_or_default();
    let password = form_field(&form, "password").unwrap_or_default();
    let cancelled = form_field(&form, "action").as_deref() == Some("cancel");
    sim.inner
        .with_record(&id, |_, r| {
            let open = r.state == AuthenticationState::PendingCustomerChallenge
                && r.challenge.as_ref().is_some_and(|c| c.creq == creq);
            if !open {
                return page(
                    StatusCode::OK,
                    pages::message(
                        "PXP sandbox ACS",
                        &format!("This challenge is over (state {}).", r.state),
                    ),
                );
            }
            let outcome = if cancelled {
                Final::Cancelled
            } else if password != CHALLENGE_PASSWORD {
                // PXP's states page gives a wrong one-time passcode as the example of
                // AuthenticationRejected.
                Final::R {
                    code: "01",
                    reason: "Card authentication failed.",
                }
            } else if r.scenario == Scenario::ChallengeN {
                Final::N
            } else {
                Final::Y
            };
            r.finish(outcome);
            // The final CRes carries Y or N only (EMV); R and cancellations post N.
            let status = if r.trans_status == Some("Y") {
                "Y"
            } else {
                "N"
            };
            let cres = cres(&r.id, &r.acs_trans_id, status);
            let callback = r
                .challenge
                .as_ref()
                .map(|c| c.callback_url.clone())
                .unwrap_or_default();
            page(
                StatusCode::OK,
                pages::auto_post("PXP sandbox ACS", &callback, &[("cres", &cres)]),
            )
        })
        .unwrap_or_else(|| {
            page(
                StatusCode::BAD_REQUEST,
                pages::message("PXP sandbox ACS", "Unknown transaction."),
            )
        })
}
