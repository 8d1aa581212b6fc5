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

mod acs;
mod api;
pub mod cards;
pub mod problem;

use acs::{challenge_page, challenge_submit, fingerprint_info, fingerprint_page};
use api::{get_authentication, initiate, method_data, pre_initiate};

use crate::client::signing_unverified as signing;
use crate::request::Amount;
use crate::response::{Authentication, AuthenticationState, StateData};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use cards::{Scenario, Scheme};
use problem::problem;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use threeds_wire::sandbox::{
    answer_the_rest, ids, not_simulated_message, Retention, SimSettings, Simulator,
};
use threeds_wire::{with_secrets_revealed, NumOrStr, Secret};

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
    /// When the authentication was created (the simulator's clock).
    created: Instant,
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
    /// The authentication as the sandbox's records list it. PXP's standalone 3DS API
    /// carries no merchant reference, so the record has none.
    fn listed(&self) -> threeds_wire::sandbox::Record {
        use threeds_wire::sandbox::{Record as Listed, RecordKind, RecordOutcome};
        let outcome = match (&self.state, self.trans_status) {
            (AuthenticationState::PendingClientData, _)
            | (AuthenticationState::PendingCustomerChallenge, _) => RecordOutcome::Open,
            (_, Some("Y")) => RecordOutcome::Authenticated,
            (_, Some("A")) => RecordOutcome::Attempted,
            _ => RecordOutcome::NotAuthenticated,
        };
        Listed {
            simulator: "pxp",
            kind: RecordKind::Authentication,
            id: self.id.clone(),
            reference: None,
            state: self.state.as_str().to_owned(),
            outcome,
            moves_money: false,
            created: self.created,
        }
    }

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

    fn records(&self) -> Vec<threeds_wire::sandbox::Record> {
        let mut records: Vec<_> = self.inner.lock().map.values().map(Record::listed).collect();
        records.sort_by_key(|r| r.created);
        records
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
