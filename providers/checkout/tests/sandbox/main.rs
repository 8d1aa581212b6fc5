//! The Checkout simulator over HTTP: auth, validation, the session state machine, the ACS
//! pages, webhooks and the complete callback.

mod auth;
mod challenges;
mod completion;
mod server;
mod sessions;

use serde_json::{json, Value};
use std::time::Duration;
use threeds_checkout::sandbox::{
    CheckoutSimulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET, PROCESSING_CHANNEL_ID,
};
use threeds_wire::sandbox::{Clock, Outbox, SimSettings, Simulator};

struct Sim {
    base: String,
    http: reqwest::Client,
    token: String,
    outbox: Outbox,
    sim: CheckoutSimulator,
    clock: Clock,
}

async fn start(ttl: Duration, webhook_url: Option<String>) -> Sim {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}/checkout");
    let mut settings = SimSettings::new(&base);
    settings.challenge_ttl = ttl;
    settings.webhook_url = webhook_url;
    let outbox = settings.outbox.clone();
    let clock = settings.clock.clone();
    let sim = CheckoutSimulator::new(settings);
    let app = axum::Router::new().nest("/checkout", sim.router());
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut s = Sim {
        base,
        http,
        token: String::new(),
        outbox,
        sim,
        clock,
    };
    s.token = s.token_for("sessions:browser sessions:app").await;
    s
}

impl Sim {
    async fn token_for(&self, scope: &str) -> String {
        let r = self
            .http
            .post(format!("{}/connect/token", self.base))
            .basic_auth(ACCESS_KEY_ID, Some(ACCESS_KEY_SECRET))
            .form(&[("grant_type", "client_credentials"), ("scope", scope)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["token_type"], "Bearer");
        assert_eq!(v["expires_in"], 3600);
        v["access_token"].as_str().unwrap().to_owned()
    }

    async fn call(
        &self,
        verb: reqwest::Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut r = self.http.request(verb, format!("{}{path}", self.base));
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let response = r.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    async fn create(&self, body: Value) -> (u16, Value) {
        self.call(
            reqwest::Method::POST,
            "/sessions",
            Some(&self.bearer()),
            Some(body),
        )
        .await
    }

    async fn get(&self, id: &str) -> Value {
        let (status, v) = self
            .call(
                reqwest::Method::GET,
                &format!("/sessions/{id}"),
                Some(&self.bearer()),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        v
    }

    async fn form(&self, url: &str, body: String) -> (u16, String) {
        let r = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

fn request(card: &str) -> Value {
    json!({
        "source": {"type": "card", "number": card, "expiry_month": 1, "expiry_year": 2030},
        "amount": 6540,
        "currency": "GBP",
        "reference": "ORD-5023-4E89",
        "processing_channel_id": PROCESSING_CHANNEL_ID,
        "completion": {"type": "non_hosted", "callback_url": "https://merchant.example/cb"}
    })
}

fn browser(completion: Option<&str>) -> Value {
    let mut b = json!({
        "channel": "browser", "accept_header": "text/html", "java_enabled": false,
        "javascript_enabled": true, "language": "en-GB", "color_depth": "24",
        "screen_height": "1080", "screen_width": "1920", "timezone": "-60",
        "user_agent": "Mozilla/5.0", "ip_address": "192.0.2.1"
    });
    if let Some(c) = completion {
        b["three_ds_method_completion"] = json!(c);
    }
    b
}

fn with_channel(mut r: Value, channel: Value) -> Value {
    r["channel_data"] = channel;
    r
}

fn b64url_json(text: &str) -> Value {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn challenged(s: &Sim, card: &str, notification: Option<&str>) -> Value {
    let mut body = with_channel(request(card), browser(Some("Y")));
    if let Some(url) = notification {
        body["completion"]["challenge_notification_url"] = json!(url);
    }
    let (status, v) = s.create(body).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["status"], "challenged");
    assert_eq!(v["response_code"], "C");
    assert_eq!(v["next_actions"], json!(["challenge_cardholder"]));
    v
}
