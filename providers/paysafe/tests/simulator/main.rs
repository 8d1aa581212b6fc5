//! The simulator over HTTP: auth checks, validation and error bodies, response shapes,
//! the device-fingerprint step, the challenge page and its expiry.
//!
//! Run with `cargo test -p threeds-paysafe --features sandbox --test simulator`.

mod challenges;
mod errors;
mod frictionless;
mod server;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use threeds_paysafe::sandbox::{PaysafeSimulator, ACCOUNT_ID, API_KEY_PASSWORD, API_KEY_USER};
use threeds_wire::http::encode_component;
use threeds_wire::sandbox::{Clock, Form, SimSettings, Simulator};

struct Sim {
    base: String,
    http: reqwest::Client,
    sim: PaysafeSimulator,
    clock: Clock,
}

async fn sim(challenge_ttl: Duration) -> Sim {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/paysafe");
    let mut settings = SimSettings::new(&base);
    settings.challenge_ttl = challenge_ttl;
    let clock = settings.clock.clone();
    let sim = PaysafeSimulator::new(settings);
    let app = axum::Router::new().nest("/paysafe", sim.router());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Sim {
        base,
        http: reqwest::Client::new(),
        sim,
        clock,
    }
}

fn server_auth() -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{API_KEY_USER}:{API_KEY_PASSWORD}"))
    )
}

struct Answer {
    status: u16,
    code_header: Option<String>,
    body: Value,
}

impl Sim {
    async fn call(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json; charset=utf-8")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let code_header = response
            .headers()
            .get("x-application-status-code")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        Answer {
            status,
            code_header,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    async fn fingerprint(&self, account: &str) -> String {
        let a = self
            .call(
                "POST",
                "/threedsecure/v2/jwt",
                Some(&server_auth()),
                Some(&json!({"accountId": account, "card": {"cardBin": "400000"}})),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        a.body["deviceFingerprintingId"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn authenticate(&self, body: &Value) -> Answer {
        self.call(
            "POST",
            &format!("/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications"),
            Some(&server_auth()),
            Some(body),
        )
        .await
    }

    async fn get(&self, account: &str, id: &str) -> Answer {
        self.call(
            "GET",
            &format!("/threedsecure/v2/accounts/{account}/authentications/{id}"),
            Some(&server_auth()),
            None,
        )
        .await
    }
}

static REF: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A complete request in the blueprint's shape, with `pan` and `fingerprint`.
fn body(pan: &str, fingerprint: &str) -> Value {
    json!({
        "amount": 1000,
        "currency": "EUR",
        "merchantRefNum": format!("ref-{}", REF.fetch_add(1, std::sync::atomic::Ordering::Relaxed)),
        "merchantUrl": "https://mysite.com",
        "card": {"cardExpiry": {"month": 12, "year": 2030}, "cardNum": pan, "holderName": "John Smith"},
        "billingDetails": {"city": "New York", "country": "US", "state": "AL", "street": "My street 1", "zip": "CHY987"},
        "profile": {"email": "example@example.com"},
        "deviceFingerprintingId": fingerprint,
        "deviceChannel": "BROWSER",
        "messageCategory": "PAYMENT",
        "authenticationPurpose": "PAYMENT_TRANSACTION"
    })
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn assert_error(a: &Answer, status: u16, code: &str) {
    assert_eq!(a.status, status, "{:?}", a.body);
    assert_eq!(a.body["error"]["code"], code, "{:?}", a.body);
    assert!(a.body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(a.code_header.as_deref(), Some(code));
}

/// Opens the challenge page with a callback, submits it, returns the callback's fields.
async fn challenge(s: &Sim, acs_url: &str, otp: &str, button: &str) -> Vec<(String, String)> {
    let page = s
        .http
        .get(format!(
            "{acs_url}?callback={}",
            encode_component("https://shop.example/cb")
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = Form::parse_all(&page).remove(0);
    assert_eq!(form.field("callback"), Some("https://shop.example/cb"));
    form.fill("password", otp);
    let answer = s
        .http
        .post(&form.action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.submission(Some(button)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let posted = Form::parse_all(&answer).remove(0);
    assert_eq!(posted.action, "https://shop.example/cb");
    posted.fields
}

/// A copy of a request with a fresh merchantRefNum.
fn with_new_reference(mut request: Value) -> Value {
    request["merchantRefNum"] = json!(format!(
        "ref-{}",
        REF.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    request
}
