//! What the service tests share: an HTTP client for the API, the sandbox's scenarios, a
//! driver that plays the merchant's front end and cardholder, and a webhook receiver.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use threeds_bridge::demo::browser::{Browser, CardholderAction};
use threeds_bridge::demo::merchant::Receiver;
use threeds_bridge::model::NextAction;
use threeds_bridge::request::{AuthenticationRequest, Urls};
use threeds_bridge::sandbox::RunningSandbox;
use threeds_bridge::service::{start, RunningService, ServeOptions};
use threeds_bridge::Catalog;
use threeds_wire::Secret;

/// The API key every sandbox-mode service of these tests takes from the environment.
pub const API_KEY: &str = "sk_test_service_tests_0123456789";
/// Their store key.
pub const STORE_KEY: &str = "4f1c2a7e9b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

pub fn sandbox_env(name: &str) -> Option<String> {
    match name {
        "THREEDS_BRIDGE_API_KEY" => Some(API_KEY.into()),
        "THREEDS_BRIDGE_STORE_KEY" => Some(STORE_KEY.into()),
        _ => None,
    }
}

/// `serve --sandbox` in process, with the tests' keys.
pub async fn sandbox_service(extra: impl FnOnce(&mut ServeOptions)) -> RunningService {
    let mut options = ServeOptions {
        sandbox: true,
        listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        env: Some(sandbox_env),
        ..ServeOptions::default()
    };
    extra(&mut options);
    start(options).await.expect("the service starts")
}

/// A call's answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// The API as a merchant's back end (or, with a client secret, the browser) calls it.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub token: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, token: &str) -> Api {
        Api {
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        }
    }

    pub fn with_token(&self, token: &str) -> Api {
        Api {
            token: token.to_owned(),
            ..self.clone()
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_vec());
        }
        let response = request.send().await.expect("the service answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        let bytes = serde_json::to_vec(body).expect("json");
        self.send(reqwest::Method::POST, path, Some(&bytes), None)
            .await
    }

    pub async fn post_keyed(&self, path: &str, body: &[u8], key: &str) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body), Some(key))
            .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None, None).await
    }
}

/// One PSP's sandbox scenario, as its demo defines it (`src/psp/<psp>/live.rs`).
#[derive(Clone)]
pub struct Scenario {
    pub account: String,
    pub name: &'static str,
    pub request: AuthenticationRequest,
    pub cardholder: Option<CardholderAction>,
}

/// Every PSP's demo scenarios against `sandbox`; `receiver` keeps the demo merchant's
/// endpoint alive for those whose requests name it.
pub async fn scenarios(sandbox: &RunningSandbox) -> (Vec<Scenario>, Receiver) {
    let receiver = Receiver::start().await.expect("receiver");
    let catalog = Arc::new(Catalog::builtin().expect("catalogs"));
    let demos = threeds_bridge::demo::setup::all(sandbox, &receiver, catalog)
        .await
        .expect("demos");
    let mut out = Vec::new();
    for demo in demos {
        for s in demo.scenarios {
            out.push(Scenario {
                account: demo.provider.to_string(),
                name: s.name,
                request: s.request,
                cardholder: s.cardholder,
            });
        }
    }
    (out, receiver)
}

/// `scenario`'s create body: its request with the service's own URLs, at its account.
pub fn create_body(scenario: &Scenario) -> Vec<u8> {
    let request = AuthenticationRequest {
        urls: Urls::default(),
        ..scenario.request.clone()
    };
    let mut body = threeds_wire::with_secrets_revealed(|| serde_json::to_value(&request))
        .expect("request json");
    body["account"] = json!(scenario.account);
    serde_json::to_vec(&body).expect("json")
}

pub fn find<'a>(scenarios: &'a [Scenario], account: &str, name: &str) -> &'a Scenario {
    scenarios
        .iter()
        .find(|s| s.account == account && s.name == name)
        .unwrap_or_else(|| panic!("{account} has a '{name}' scenario"))
}

/// Plays the front end and the cardholder from `object` (a create's answer) until the
/// authentication has no `next_action`, then completes it. Returns the last answer and
/// the calls made.
pub async fn drive(
    api: &Api,
    sandbox: &RunningSandbox,
    mut object: Value,
    cardholder: Option<&CardholderAction>,
) -> (Value, Vec<&'static str>) {
    let id = object["id"].as_str().expect("an id").to_owned();
    let browser = Browser::new(&format!("http://{}", sandbox.addr)).expect("browser");
    let browser_data = json!(threeds_bridge::demo::setup::browser_data());
    let mut calls = vec!["create"];
    for _ in 0..6 {
        let action: Option<NextAction> =
            serde_json::from_value(object["next_action"].clone()).expect("a next_action");
        let (call, body) = match action {
            Some(NextAction::ThreeDsMethod { url, data }) => {
                let outcome = browser
                    .run_method(&url, data.as_deref())
                    .await
                    .expect("the 3DS Method runs");
                (
                    "device_data",
                    json!({"browser": browser_data, "method": outcome}),
                )
            }
            Some(NextAction::CollectDeviceData) => (
                "device_data",
                json!({"browser": browser_data, "method": {"outcome": "not_run"}}),
            ),
            Some(action) => {
                let Some(cardholder) = cardholder else {
                    return (object, calls);
                };
                let result = browser
                    .run_challenge(&action, cardholder)
                    .await
                    .expect("the challenge runs");
                (
                    "challenge_result",
                    serde_json::to_value(result).expect("json"),
                )
            }
            None => break,
        };
        calls.push(call);
        let answer = api
            .post(&format!("/v1/authentications/{id}/{call}"), &body)
            .await;
        assert_eq!(answer.status, 200, "{call}: {}", answer.body);
        object = answer.body;
    }
    calls.push("complete");
    let answer = api
        .post(&format!("/v1/authentications/{id}/complete"), &json!({}))
        .await;
    assert_eq!(answer.status, 200, "complete: {}", answer.body);
    (answer.body, calls)
}

/// How a [`Hooks`] receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// Answers 500.
    Fail,
    /// Never answers (the connection stays open).
    Hang,
}

/// A merchant's webhook endpoint that records every delivery.
#[derive(Clone)]
pub struct Hooks {
    pub url: String,
    pub received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
    /// The modes of the next deliveries, in order; when empty, `Accept`.
    pub plan: Arc<Mutex<VecDeque<Mode>>>,
}

impl Hooks {
    pub async fn start() -> Hooks {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binds");
        let addr = listener.local_addr().expect("addr");
        let hooks = Hooks {
            url: format!("http://{addr}/hooks"),
            received: Arc::default(),
            plan: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/hooks", axum::routing::post(record))
            .with_state(hooks.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        hooks
    }

    pub fn then(&self, modes: &[Mode]) {
        self.plan
            .lock()
            .expect("plan")
            .extend(modes.iter().copied());
    }

    /// Every delivery's body as JSON, in arrival order.
    pub fn bodies(&self) -> Vec<Value> {
        self.received
            .lock()
            .expect("received")
            .iter()
            .map(|(_, body)| serde_json::from_slice(body).expect("a JSON webhook"))
            .collect()
    }

    /// Waits (at most 60 s, against a hang) until `done` holds for the deliveries.
    pub async fn wait_until(&self, what: &str, done: impl Fn(&[Value]) -> bool) {
        for _ in 0..600 {
            if done(&self.bodies()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "webhooks: {what} never happened; received {:?}",
            self.bodies()
        );
    }
}

async fn record(State(hooks): State<Hooks>, headers: HeaderMap, body: Bytes) -> StatusCode {
    hooks
        .received
        .lock()
        .expect("received")
        .push((headers, body));
    let mode = hooks
        .plan
        .lock()
        .expect("plan")
        .pop_front()
        .unwrap_or(Mode::Accept);
    match mode {
        Mode::Accept => StatusCode::OK,
        Mode::Fail => StatusCode::INTERNAL_SERVER_ERROR,
        Mode::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK
        }
    }
}

pub fn webhook_secret() -> Secret {
    Secret::new("whsec_service_tests")
}

/// A service config whose accounts are `sandbox`'s Checkout and Mangopay simulators,
/// credentials from `env` as `config_env` gives them.
pub fn config_toml(sandbox: &RunningSandbox) -> String {
    format!(
        r#"
[[account]]
name = "checkout-eu"
provider = "checkout"
base_url = "{checkout}"
client_id_env = "T_CKO_ID"
client_secret_env = "T_CKO_SECRET"
webhook_signature_key_env = "T_CKO_WH"
processing_channel_id = "{channel}"

# A second account of the same PSP: a webhook naming only the PSP's id must be matched
# to its account through the store.
[[account]]
name = "checkout-uk"
provider = "checkout"
base_url = "{checkout}"
client_id_env = "T_CKO_ID"
client_secret_env = "T_CKO_SECRET"
webhook_signature_key_env = "T_CKO_WH"
processing_channel_id = "{channel}"

[[account]]
name = "mangopay-eu"
provider = "mangopay"
base_url = "{mangopay}"
client_id_env = "T_MGP_ID"
api_key_env = "T_MGP_KEY"
author_id = "{author}"
credited_wallet_id = "{wallet}"

[[route]]
accounts = ["checkout-eu"]

[service]
api_key_hashes = ["{hash}"]
store_key_env = "T_STORE_KEY"
"#,
        checkout = sandbox.base("checkout"),
        mangopay = sandbox.base("mangopay"),
        channel = threeds_checkout::sandbox::PROCESSING_CHANNEL_ID,
        author = threeds_mangopay::sandbox::SEEDED_USER_ID,
        wallet = threeds_mangopay::sandbox::SEEDED_WALLET_ID,
        hash = threeds_bridge::service::keys::ApiKeyHash::of(API_KEY),
    )
}

/// The environment [`config_toml`] reads.
pub fn config_env(name: &str) -> Option<String> {
    Some(
        match name {
            "T_CKO_ID" => threeds_checkout::sandbox::ACCESS_KEY_ID,
            "T_CKO_SECRET" => threeds_checkout::sandbox::ACCESS_KEY_SECRET,
            "T_CKO_WH" => threeds_checkout::sandbox::WEBHOOK_SIGNATURE_KEY,
            "T_MGP_ID" => threeds_mangopay::sandbox::SANDBOX_CLIENT_ID,
            "T_MGP_KEY" => threeds_mangopay::sandbox::SANDBOX_API_KEY,
            "T_STORE_KEY" => STORE_KEY,
            _ => return None,
        }
        .to_owned(),
    )
}

/// Scenario `name` of `provider`'s demo, at account `account`.
pub fn at_account(scenarios: &[Scenario], provider: &str, name: &str, account: &str) -> Scenario {
    Scenario {
        account: account.to_owned(),
        ..find(scenarios, provider, name).clone()
    }
}

/// Every webhook the sandbox sent, once each was taken: one answered 404 (sent while the
/// creation it is about was still being stored, which PSPs retry) is sent again and must
/// then be answered 200; any other answer fails the test.
pub async fn every_webhook_taken(sandbox: &RunningSandbox) -> Vec<Value> {
    let base = format!("http://{}/_sandbox", sandbox.addr);
    let all = answered_deliveries(sandbox).await;
    for d in &all {
        match d["status"].as_u64() {
            Some(200) => {}
            Some(404) => {
                let seq: u64 = reqwest::Client::new()
                    .post(format!("{base}/deliveries/{}/redeliver", d["seq"]))
                    .send()
                    .await
                    .expect("redelivers")
                    .text()
                    .await
                    .expect("the new delivery's number")
                    .trim()
                    .parse()
                    .expect("a number");
                // Sent in the background: wait (at most 10 s, against a hang) for its answer.
                let mut again = Value::Null;
                for _ in 0..200 {
                    again = deliveries(&base)
                        .await
                        .into_iter()
                        .find(|x| x["seq"].as_u64() == Some(seq))
                        .unwrap_or_else(|| panic!("redelivery {seq} listed"));
                    if !again["status"].is_null() || !again["error"].is_null() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                assert_eq!(again["status"], 200, "taken when sent again: {again}");
            }
            _ => panic!("the service refused a webhook: {d}"),
        }
    }
    all
}

/// The sandbox's webhook deliveries once each has its answer: they are sent in the
/// background, and the service's handling of one can call the PSP (a re-fetch), so a test
/// that counts PSP requests waits for them first. At most 10 s, against a hang.
pub async fn answered_deliveries(sandbox: &RunningSandbox) -> Vec<Value> {
    sandbox.settled().await;
    let base = format!("http://{}/_sandbox", sandbox.addr);
    let mut all = Vec::new();
    for _ in 0..200 {
        all = deliveries(&base).await;
        if all
            .iter()
            .all(|d| !d["status"].is_null() || !d["error"].is_null())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    all
}

/// The ids of every event the service lists.
pub async fn event_ids(api: &Api) -> std::collections::HashSet<String> {
    let listed = api.get("/v1/events?limit=100").await.body;
    listed["data"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The sandbox's webhook deliveries (`GET /_sandbox/deliveries`).
async fn deliveries(base: &str) -> Vec<Value> {
    let listed: Value = reqwest::get(format!("{base}/deliveries"))
        .await
        .expect("deliveries")
        .json()
        .await
        .expect("json");
    listed.as_array().expect("a list").clone()
}

/// Checks every delivery `hooks` received against the webhook secret (and that another
/// secret does not verify it).
pub fn every_delivery_signed(hooks: &Hooks) {
    let now = chrono::Utc::now().timestamp();
    let other = Secret::new("whsec_other");
    for (headers, body) in hooks.received.lock().expect("received").iter() {
        let header = headers
            .get(threeds_bridge::service::api::SIGNATURE_HEADER)
            .expect("signed")
            .to_str()
            .expect("ASCII");
        threeds_bridge::service::api::verify_webhook(&webhook_secret(), header, body, now, 300)
            .expect("the signature verifies");
        assert!(
            threeds_bridge::service::api::verify_webhook(&other, header, body, now, 300).is_err()
        );
    }
}
