//! One simulated session and its state machine.
//!
//! ```text
//! pending ──(channel data + issuer fingerprint, or not needed)──> DS round trip (ARes)
//!    ├─ frictionless card ─> approved | attempted | declined | rejected | unavailable
//!    └─ challenge card ────> challenged ──(password / Cancel / challenge_ttl)──>
//!                              approved | attempted | declined | rejected | unavailable
//!                              | challenge_abandoned (Cancel) | expired (nobody finished)
//! final ──(POST /complete, callback 2xx)──> completed = true
//! ```
//!
//! Hosted sessions wait for the cardholder on the simulator's redirect page instead of
//! channel data. Merchant-initiated (3RI) sessions cannot be challenged: a challenge card
//! ends `unavailable`/`U`, as Checkout's SDK integration tests observed (`RequestAndGetSessionsIntegrationTest.cs`).

use super::cards::{self, Outcome, Scenario};
use super::util::{b64url, cryptogram, rfc3339};
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};
use threeds_wire::sandbox::{ids, SimSettings};

/// The protocol version the simulated DS and ACS speak.
pub const PROTOCOL_VERSION: &str = "2.2.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Challenged,
    Approved,
    Attempted,
    Declined,
    Rejected,
    Unavailable,
    Expired,
    ChallengeAbandoned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Challenged => "challenged",
            Status::Approved => "approved",
            Status::Attempted => "attempted",
            Status::Declined => "declined",
            Status::Rejected => "rejected",
            Status::Unavailable => "unavailable",
            Status::Expired => "expired",
            Status::ChallengeAbandoned => "challenge_abandoned",
        }
    }

    pub fn is_final(self) -> bool {
        !matches!(self, Status::Pending | Status::Challenged)
    }

    /// The workflow webhook a final status sends (Checkout.com webhook event types).
    fn event(self) -> &'static str {
        match self {
            Status::Approved => "authentication_approved",
            Status::Attempted => "authentication_attempted",
            Status::Expired => "authentication_expired",
            Status::Pending | Status::Challenged => "authentication_started",
            _ => "authentication_failed",
        }
    }
}

/// The device channel of a session, once known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chan {
    Browser,
    App,
    MerchantInitiated,
}

impl Chan {
    pub fn parse(s: &str) -> Option<Chan> {
        match s {
            "browser" => Some(Chan::Browser),
            "app" => Some(Chan::App),
            "merchant_initiated" => Some(Chan::MerchantInitiated),
            _ => None,
        }
    }
}

/// How the cardholder left a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeEnd {
    /// The right password: the card's outcome.
    Passed,
    /// A wrong password: `N`.
    WrongPassword,
    /// The Cancel button: `challenge_abandoned`.
    Cancelled,
}

/// `acs` while the DS round trip has happened.
#[derive(Debug, Clone)]
pub struct Acs {
    pub reference_number: String,
    pub transaction_id: String,
    pub operator_id: String,
    pub challenge_mandated: bool,
    pub url: Option<String>,
    pub signed_content: Option<String>,
    pub interface: Option<&'static str>,
    pub authentication_type: Option<&'static str>,
    pub cancel_reason: Option<(&'static str, &'static str)>,
}

/// One session as the simulator keeps it. Holds no card number: only what the card
/// decided (scenario, scheme). No `Debug`: it holds the session secret and the cryptogram.
#[derive(Clone)]
pub struct Session {
    pub id: String,
    pub secret: String,
    pub transaction_id: String,
    pub scenario: Scenario,
    pub scheme: String,
    pub instrument_id: String,
    pub fingerprint: String,
    pub amount: Option<u64>,
    pub currency: String,
    pub reference: Option<String>,
    pub authentication_type: String,
    pub transaction_type: String,
    pub challenge_indicator: String,
    /// Hosted completion: (success_url, failure_url).
    pub hosted: Option<(String, String)>,
    pub callback_url: Option<String>,
    pub challenge_notification_url: Option<String>,
    pub channel: Option<Chan>,
    pub channel_collected: bool,
    /// `three_ds_method_completion` once given (`Y`, `N`, `U`).
    pub method_completion: Option<String>,
    pub status: Status,
    pub status_reason: Option<&'static str>,
    pub response_code: Option<&'static str>,
    pub response_status_reason: Option<&'static str>,
    pub eci: Option<&'static str>,
    pub cryptogram: Option<String>,
    pub approved: Option<bool>,
    pub challenged: Option<bool>,
    pub ds_transaction_id: Option<String>,
    pub acs: Option<Acs>,
    pub error_details: Option<Value>,
    pub challenge_deadline: Option<Instant>,
    pub creq_received: bool,
    pub completed: bool,
    /// An action is running (a `complete` waiting for the callback): parallel actions get
    /// 409 `session_already_in_use`.
    pub busy: bool,
    pub authentication_date: Option<String>,
    pub cardholder_info: Option<String>,
    /// When the session was created (the simulator's clock), for the sandbox's records.
    pub created: Instant,
}

/// What the card and request decided when the session was created.
pub struct NewSession {
    pub scenario: Scenario,
    pub scheme: String,
    pub amount: Option<u64>,
    pub currency: String,
    pub reference: Option<String>,
    pub authentication_type: Option<String>,
    pub transaction_type: Option<String>,
    pub challenge_indicator: Option<String>,
    pub hosted: Option<(String, String)>,
    pub callback_url: Option<String>,
    pub challenge_notification_url: Option<String>,
    pub channel: Option<Chan>,
    pub method_completion: Option<String>,
    pub created: Instant,
}

impl Session {
    pub fn new(n: NewSession) -> Session {
        Session {
            id: super::util::session_id(),
            secret: super::util::session_secret(),
            transaction_id: ids::uuid_v4(),
            scenario: n.scenario,
            scheme: n.scheme,
            instrument_id: format!("src_{}", ids::lower_alnum(26)),
            // Checkout's card fingerprint is 64 upper-case hex characters.
            fingerprint: format!("{}{}", ids::uuid_v4(), ids::uuid_v4())
                .replace('-', "")
                .to_ascii_uppercase(),
            amount: n.amount,
            currency: n.currency,
            reference: n.reference,
            authentication_type: n.authentication_type.unwrap_or_else(|| "regular".into()),
            transaction_type: n.transaction_type.unwrap_or_else(|| "goods_service".into()),
            challenge_indicator: n
                .challenge_indicator
                .unwrap_or_else(|| "no_preference".into()),
            hosted: n.hosted,
            callback_url: n.callback_url,
            challenge_notification_url: n.challenge_notification_url,
            channel: n.channel,
            channel_collected: false,
            method_completion: n.method_completion,
            status: Status::Pending,
            status_reason: None,
            response_code: None,
            response_status_reason: None,
            eci: None,
            cryptogram: None,
            approved: None,
            challenged: None,
            ds_transaction_id: None,
            acs: None,
            error_details: None,
            challenge_deadline: None,
            creq_received: false,
            completed: false,
            busy: false,
            authentication_date: None,
            cardholder_info: None,
            created: n.created,
        }
    }

    /// The session as the sandbox's records list it.
    pub fn record(&self) -> threeds_wire::sandbox::Record {
        use threeds_wire::sandbox::{Record, RecordKind, RecordOutcome};
        let outcome = match self.status {
            Status::Pending | Status::Challenged => RecordOutcome::Open,
            Status::Approved => RecordOutcome::Authenticated,
            Status::Attempted => RecordOutcome::Attempted,
            _ => RecordOutcome::NotAuthenticated,
        };
        Record {
            simulator: "checkout",
            kind: RecordKind::Authentication,
            id: self.id.clone(),
            reference: self.reference.clone(),
            state: self.status.as_str().to_owned(),
            outcome,
            moves_money: false,
            created: self.created,
        }
    }

    pub fn category(&self) -> &'static str {
        if self.amount.is_some() {
            "payment"
        } else {
            "non_payment"
        }
    }

    /// The issuer fingerprint is still outstanding: the issuer has a 3DS Method URL, the
    /// channel is (or may be) a browser, and no completion indicator came yet.
    pub fn needs_fingerprint(&self) -> bool {
        self.status == Status::Pending
            && self.hosted.is_none()
            && self.scenario.method_url()
            && self.method_completion.is_none()
            && matches!(self.channel, None | Some(Chan::Browser))
    }

    pub fn needs_channel_data(&self) -> bool {
        self.status == Status::Pending && self.hosted.is_none() && !self.channel_collected
    }

    /// Runs the DS round trip when nothing is outstanding. Returns the webhook to send.
    pub fn advance(&mut self, settings: &SimSettings) -> Option<&'static str> {
        // A hosted session waits for the cardholder on the redirect page.
        if self.status != Status::Pending
            || self.hosted.is_some()
            || self.needs_channel_data()
            || self.needs_fingerprint()
        {
            return None;
        }
        self.authenticate(settings)
    }

    /// The AReq/ARes exchange: the card's scenario decides.
    pub fn authenticate(&mut self, settings: &SimSettings) -> Option<&'static str> {
        self.ds_transaction_id = Some(ids::uuid_v4());
        self.authentication_date = Some(rfc3339(settings.clock.system_now()));
        let mut acs = Acs {
            reference_number: "3DS_LOA_ACS_THBR_020200_00001".into(),
            transaction_id: ids::uuid_v4(),
            operator_id: "ACS-THREEDS-BRIDGE-SANDBOX".into(),
            challenge_mandated: false,
            url: None,
            signed_content: None,
            interface: None,
            authentication_type: None,
            cancel_reason: None,
        };
        match self.scenario {
            Scenario::Challenge { .. } if self.channel == Some(Chan::MerchantInitiated) => {
                // 3RI has no cardholder to challenge.
                self.acs = None;
                self.finish(Outcome::U, "ares_status", Some("21"));
                Some(self.status.event())
            }
            Scenario::Challenge { .. } => {
                acs.challenge_mandated = true;
                if self.channel == Some(Chan::App) {
                    acs.interface = Some("native");
                    acs.signed_content = Some(format!(
                        "eyJhbGciOiJQUzI1NiJ9.{}.{}",
                        b64url(&json!({"acsTransID": acs.transaction_id})),
                        ids::lower_alnum(43)
                    ));
                } else {
                    acs.interface = Some("html");
                    acs.url = Some(settings.url("/simulator/acs/challenge"));
                }
                self.acs = Some(acs);
                self.status = Status::Challenged;
                self.status_reason = Some("ares_status");
                self.response_code = Some("C");
                self.challenged = Some(true);
                self.challenge_deadline = Some(settings.clock.now() + settings.challenge_ttl);
                None
            }
            Scenario::Frictionless { outcome, .. } => {
                self.acs = Some(acs);
                self.challenged = Some(false);
                let reason = default_reason(outcome);
                self.finish(outcome, "ares_status", reason);
                Some(self.status.event())
            }
            Scenario::CardNotEnrolled | Scenario::IssuerNotEnrolled => None,
        }
    }

    /// Ends a challenge. Returns the webhook to send.
    pub fn end_challenge(&mut self, end: ChallengeEnd) -> Option<&'static str> {
        if self.status != Status::Challenged {
            return None;
        }
        self.challenge_deadline = None;
        if let Some(acs) = self.acs.as_mut() {
            acs.authentication_type = Some("01");
        }
        match end {
            ChallengeEnd::Passed => {
                let outcome = match self.scenario {
                    Scenario::Challenge { outcome, .. } => outcome,
                    _ => Outcome::U,
                };
                self.finish(outcome, "rreq_status", default_reason(outcome));
            }
            ChallengeEnd::WrongPassword => self.finish(Outcome::N, "rreq_status", Some("01")),
            ChallengeEnd::Cancelled => {
                self.finish(Outcome::N, "rreq_status", None);
                self.status = Status::ChallengeAbandoned;
                if let Some(acs) = self.acs.as_mut() {
                    acs.cancel_reason = Some(("cardholder_cancel", "01"));
                }
            }
        }
        Some(self.status.event())
    }

    /// Expires a challenge nobody finished. Returns the webhook to send.
    pub fn expire_if_due(&mut self, now: Instant) -> Option<&'static str> {
        match self.challenge_deadline {
            Some(deadline) if self.status == Status::Challenged && now >= deadline => {}
            _ => return None,
        }
        self.challenge_deadline = None;
        self.finish(Outcome::N, "rreq_status", Some("14"));
        self.status = Status::Expired;
        // EMV challengeCancel 05: the first CReq never reached the ACS; 04: other timeouts.
        let code = if self.creq_received { "04" } else { "05" };
        if let Some(acs) = self.acs.as_mut() {
            acs.cancel_reason = Some(("transaction_timed_out", code));
        }
        Some(self.status.event())
    }

    fn finish(
        &mut self,
        outcome: Outcome,
        status_reason: &'static str,
        reason: Option<&'static str>,
    ) {
        let scheme = self.scheme.clone();
        self.status_reason = Some(status_reason);
        self.response_status_reason = reason;
        self.error_details = None;
        match outcome {
            Outcome::Y | Outcome::A => {
                self.status = if outcome == Outcome::Y {
                    Status::Approved
                } else {
                    Status::Attempted
                };
                self.response_code = Some(if outcome == Outcome::Y { "Y" } else { "A" });
                self.eci = Some(cards::eci(&scheme, outcome));
                self.cryptogram = Some(cryptogram());
                self.approved = Some(true);
            }
            Outcome::N | Outcome::R | Outcome::U | Outcome::SchemeError => {
                self.status = match outcome {
                    Outcome::N => Status::Declined,
                    Outcome::R => Status::Rejected,
                    _ => Status::Unavailable,
                };
                self.response_code = Some(match outcome {
                    Outcome::N => "N",
                    Outcome::R => "R",
                    _ => "U",
                });
                self.eci = Some(cards::eci(&scheme, outcome));
                self.cryptogram = None;
                self.approved = Some(false);
                if outcome == Outcome::SchemeError {
                    let from_ds = status_reason == "ares_status";
                    self.status_reason = Some(if from_ds { "ares_error" } else { "rreq_error" });
                    self.response_status_reason = None;
                    self.error_details = Some(if from_ds {
                        json!({"error_code": "405", "error_component": "D",
                               "error_description": "System connection failure",
                               "error_detail": "The simulated DS did not answer the AReq"})
                    } else {
                        json!({"error_code": "305", "error_component": "A",
                               "error_description": "Transaction data not valid",
                               "error_detail": "The simulated ACS sent an Erro instead of the RReq"})
                    });
                }
            }
        }
        if self.status != Status::Approved {
            self.cardholder_info = match self.status {
                Status::Declined | Status::Rejected => {
                    Some("Card declined. Please contact your issuing bank.".into())
                }
                _ => None,
            };
        }
    }

    /// The session as Checkout returns it. `oauth` false (a `session_secret` caller) hides
    /// `session_secret`, `eci` and `cryptogram` (the API reference's visibility rule). `channel` is the GET
    /// request's `channel` header, which filters `next_actions` while pending.
    pub fn to_json(&self, settings: &SimSettings, oauth: bool, channel: Option<Chan>) -> Value {
        let mut o = Map::new();
        let mut put = |k: &str, v: Value| {
            if !v.is_null() {
                o.insert(k.to_owned(), v);
            }
        };
        put("id", json!(self.id));
        if oauth {
            put("session_secret", json!(self.secret));
        }
        put("transaction_id", json!(self.transaction_id));
        put("scheme", json!(self.scheme));
        put("amount", json!(self.amount));
        put("currency", json!(self.currency));
        put("completed", json!(self.completed));
        put("challenged", json!(self.challenged));
        put("authentication_type", json!(self.authentication_type));
        put("authentication_category", json!(self.category()));
        put("status", json!(self.status.as_str()));
        put("status_reason", json!(self.status_reason));
        if self.status.is_final() {
            put("approved", json!(self.approved));
        }
        put("protocol_version", json!(PROTOCOL_VERSION));
        put("reference", json!(self.reference));
        put("transaction_type", json!(self.transaction_type));
        put("next_actions", json!(self.next_actions(channel)));
        if let Some(ds) = &self.ds_transaction_id {
            put(
                "ds",
                json!({"reference_number": "3DS_LOA_DIS_THBR_020200_00001", "transaction_id": ds}),
            );
        }
        if let Some(acs) = &self.acs {
            let mut a = json!({
                "reference_number": acs.reference_number,
                "transaction_id": acs.transaction_id,
                "operator_id": acs.operator_id,
                "challenge_mandated": acs.challenge_mandated,
            });
            let extra = [
                ("url", json!(acs.url)),
                ("signed_content", json!(acs.signed_content)),
                ("interface", json!(acs.interface)),
                ("authentication_type", json!(acs.authentication_type)),
                (
                    "challenge_cancel_reason",
                    json!(acs.cancel_reason.map(|c| c.0)),
                ),
                (
                    "challenge_cancel_reason_code",
                    json!(acs.cancel_reason.map(|c| c.1)),
                ),
            ];
            if let Some(map) = a.as_object_mut() {
                for (k, v) in extra {
                    if !v.is_null() {
                        map.insert(k.to_owned(), v);
                    }
                }
            }
            put("acs", a);
        }
        put("response_code", json!(self.response_code));
        put("response_status_reason", json!(self.response_status_reason));
        if oauth {
            put("cryptogram", json!(self.cryptogram));
            put("eci", json!(self.eci));
        }
        if self.status.is_final() {
            put("xid", json!(self.transaction_id));
        }
        put("cardholder_info", json!(self.cardholder_info));
        put(
            "card",
            json!({"instrument_id": self.instrument_id, "fingerprint": self.fingerprint, "metadata": {}}),
        );
        put("authentication_date", json!(self.authentication_date));
        put("challenge_indicator", json!(self.challenge_indicator));
        if self.status.is_final() {
            put(
                "flow_type",
                json!(if self.challenged == Some(true) {
                    "challenged"
                } else {
                    "frictionless"
                }),
            );
        }
        let mut three_ds = Map::new();
        if self.status == Status::Challenged && self.channel != Some(Chan::App) {
            three_ds.insert("challenge_request".into(), json!(self.creq()));
        }
        if self.challenged == Some(true) {
            three_ds.insert("interaction_counter".into(), json!("01"));
        }
        if let Some(e) = &self.error_details {
            three_ds.insert("error_details".into(), e.clone());
        }
        if !three_ds.is_empty() {
            put("3ds", Value::Object(three_ds));
        }
        put("experience", json!("3ds"));
        put("_links", self.links(settings, channel));
        Value::Object(o)
    }

    /// The EMV CReq for `acs.url`: base64url JSON without padding (EMV 2.2 §6.2.3.3).
    pub fn creq(&self) -> Option<String> {
        let acs = self.acs.as_ref()?;
        Some(b64url(&json!({
            "threeDSServerTransID": self.transaction_id,
            "acsTransID": acs.transaction_id,
            "messageType": "CReq",
            "messageVersion": PROTOCOL_VERSION,
            "challengeWindowSize": "05",
        })))
    }

    pub fn next_actions(&self, channel: Option<Chan>) -> Vec<&'static str> {
        match self.status {
            Status::Pending if self.hosted.is_some() => vec!["redirect_cardholder"],
            Status::Pending => {
                let mut v = Vec::new();
                if self.needs_channel_data() {
                    v.push("collect_channel_data");
                }
                if self.needs_fingerprint() && channel != Some(Chan::App) {
                    v.push("issuer_fingerprint");
                }
                v
            }
            Status::Challenged => vec!["challenge_cardholder"],
            _ if self.hosted.is_none() && !self.completed => vec!["complete"],
            _ => Vec::new(),
        }
    }

    fn links(&self, settings: &SimSettings, channel: Option<Chan>) -> Value {
        let href = |path: String| json!({"href": settings.url(&path)});
        let mut l = Map::new();
        let base = format!("/sessions/{}", self.id);
        l.insert("self".into(), href(base.clone()));
        let actions = self.next_actions(channel);
        if actions.contains(&"collect_channel_data") {
            l.insert(
                "collect_channel_data".into(),
                href(format!("{base}/collect-data")),
            );
        }
        if actions.contains(&"issuer_fingerprint") {
            l.insert(
                "issuer_fingerprint".into(),
                href(format!("{base}/issuer-fingerprint")),
            );
            l.insert(
                "three_ds_method_url".into(),
                href("/simulator/acs/3ds-method".into()),
            );
        }
        if actions.contains(&"complete") {
            l.insert("complete".into(), href(format!("{base}/complete")));
        }
        if actions.contains(&"redirect_cardholder") {
            let url = href(format!("/simulator/hosted/{}", self.id));
            l.insert("redirect_url".into(), url);
        }
        if let Some(url) = &self.callback_url {
            l.insert("callback_url".into(), json!({"href": url}));
        }
        if let Some((success, failure)) = &self.hosted {
            l.insert("success_url".into(), json!({"href": success}));
            l.insert("failure_url".into(), json!({"href": failure}));
        }
        Value::Object(l)
    }

    /// A workflow webhook envelope like the Checkout.com webhook event-type pages' samples.
    pub fn webhook(&self, event: &str, settings: &SimSettings) -> Value {
        let id = format!("evt_{}", ids::lower_alnum(26));
        let mut d = Map::new();
        let mut put = |k: &str, v: Value| {
            if !v.is_null() {
                d.insert(k.to_owned(), v);
            }
        };
        if event == "authentication_failed" || event == "authentication_expired" {
            let (reason, description) = match self.status {
                Status::Expired => ("ChallengeExpired", "ACS timed out"),
                Status::ChallengeAbandoned => ("ChallengeAbandoned", "Cardholder cancelled"),
                Status::Unavailable => ("Unavailable", "Authentication Unavailable"),
                Status::Rejected => ("Rejected", "Authentication Rejected"),
                _ => ("NotAuthenticated", "Authentication Failed"),
            };
            put("reason", json!(reason));
            put("reason_description", json!(description));
        }
        if event != "authentication_started" {
            put("eci", json!(self.eci));
            put("xid", json!(self.transaction_id));
            put("transaction_status_reason", json!(self.status_reason));
            put("challenged", json!(self.challenged));
            put(
                "acs_challenged_mandated",
                json!(self.acs.as_ref().map(|a| a.challenge_mandated)),
            );
            put("exemption_applied", json!("none"));
        }
        put("session_id", json!(self.id));
        put("amount", json!(self.amount.map(|a| a.to_string())));
        put("currency", json!(self.currency));
        put("type", json!(self.authentication_type));
        put("response_code", json!(self.response_code));
        put("challenge_indicator", json!(self.challenge_indicator));
        put("protocol_version", json!(PROTOCOL_VERSION));
        put("scheme", json!(self.scheme));
        put("reference", json!(self.reference));
        if event != "authentication_started" {
            put("experience", json!("3ds"));
            put("3ds_transaction_id", json!(self.transaction_id));
            put("ds_transaction_id", json!(self.ds_transaction_id));
            put(
                "acs_transaction_id",
                json!(self.acs.as_ref().map(|a| a.transaction_id.clone())),
            );
            put("error_details", json!(self.error_details));
        }
        json!({
            "id": id,
            "type": event,
            "version": "1.0.1",
            "created_on": rfc3339(settings.clock.system_now()),
            "data": Value::Object(d),
            "_links": {"self": {"href": settings.url(&format!("/workflows/events/{id}"))}},
        })
    }

    /// The body `POST /complete` sends to `callback_url` (`sessions@{id}@complete.yaml`: `session_id`,
    /// `response_reason`).
    pub fn callback_body(&self) -> Value {
        let mut o = Map::new();
        let mut put = |k: &str, v: Value| {
            if !v.is_null() {
                o.insert(k.to_owned(), v);
            }
        };
        put("session_id", json!(self.id));
        put("amount", json!(self.amount));
        put("currency", json!(self.currency));
        put("status", json!(self.status.as_str()));
        put("authentication_type", json!(self.authentication_type));
        put("authentication_category", json!(self.category()));
        put("reference", json!(self.reference));
        put("approved", json!(self.approved));
        put("protocol_version", json!(PROTOCOL_VERSION));
        put("response_code", json!(self.response_code));
        put("response_reason", json!(self.response_status_reason));
        put("cryptogram", json!(self.cryptogram));
        put("eci", json!(self.eci));
        put("xid", json!(self.transaction_id));
        put("cardholder_info", json!(self.cardholder_info));
        put("challenged", json!(self.challenged));
        Value::Object(o)
    }

    /// The final CRes the ACS posts to the notification URL.
    pub fn cres(&self) -> Option<String> {
        let acs = self.acs.as_ref()?;
        Some(b64url(&json!({
            "threeDSServerTransID": self.transaction_id,
            "acsTransID": acs.transaction_id,
            "messageType": "CRes",
            "messageVersion": PROTOCOL_VERSION,
            "transStatus": self.response_code.unwrap_or("U"),
            "challengeCompletionInd": "Y",
        })))
    }
}

/// The transStatusReason the simulated issuer gives for a non-`Y` outcome (EMV requires one
/// for N, U, R): 01 card authentication failed, 11 suspected fraud, 22 ACS technical issue.
fn default_reason(outcome: Outcome) -> Option<&'static str> {
    match outcome {
        Outcome::N => Some("01"),
        Outcome::R => Some("11"),
        Outcome::U => Some("22"),
        _ => None,
    }
}

/// How long an OAuth token lives (Checkout's tokens last an hour).
pub const TOKEN_TTL: Duration = Duration::from_secs(3600);

/// An issued OAuth token.
#[derive(Debug, Clone)]
pub struct Token {
    pub scopes: Vec<String>,
    pub expires: Instant,
}

impl Token {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}
