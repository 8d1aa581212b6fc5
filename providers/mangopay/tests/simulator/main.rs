//! The Mangopay simulator over HTTP: auth, error bodies, idempotency, card registration,
//! pay-in documents, challenge expiry and hook delivery. The client is plain reqwest, so
//! these tests see exactly what any SDK would.

mod auth;
mod hooks;
mod payins;
mod server;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use threeds_mangopay::sandbox::{
    MangopaySimulator, SANDBOX_API_KEY, SANDBOX_CLIENT_ID, SEEDED_USER_ID, SEEDED_WALLET_ID,
};
use threeds_wire::sandbox::{SimSettings, Simulator};

struct Sim {
    sim: MangopaySimulator,
    base: String,
    http: reqwest::Client,
    settings: SimSettings,
}

async fn serve(ttl: Duration, token_lifetime: Duration) -> Sim {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut settings = SimSettings::new(format!("http://{addr}"));
    settings.challenge_ttl = ttl;
    let sim = MangopaySimulator::with_token_lifetime(settings.clone(), token_lifetime);
    let router = sim.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Sim {
        sim,
        base: format!("http://{addr}"),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        settings,
    }
}

async fn sim() -> Sim {
    serve(Duration::from_secs(60), Duration::from_secs(1200)).await
}

fn basic(id: &str, key: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{key}"))
    )
}

impl Sim {
    fn api(&self, path: &str) -> String {
        format!("{}/v2.01/{SANDBOX_CLIENT_ID}/{path}", self.base)
    }

    async fn token_with(&self, auth: &str, body: &str) -> reqwest::Response {
        self.http
            .post(format!("{}/v2.01/oauth/token", self.base))
            .header("authorization", auth)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    async fn token(&self) -> String {
        let r = self
            .token_with(
                &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
                "grant_type=client_credentials",
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["token_type"], "bearer");
        v["access_token"].as_str().unwrap().to_owned()
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let token = self.token().await;
        let mut rb = self
            .http
            .request(method.parse().unwrap(), self.api(path))
            .header("authorization", format!("Bearer {token}"));
        if let Some(k) = key {
            rb = rb.header("idempotency-key", k);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = rb.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Registers `number` for the seeded user; returns the CardId.
    async fn card(&self, number: &str, currency: &str) -> String {
        let (s, reg) = self
            .call(
                "POST",
                "cardregistrations",
                None,
                Some(json!({"UserId": SEEDED_USER_ID, "Currency": currency})),
            )
            .await;
        assert_eq!(s, 200, "{reg}");
        let data = self.tokenize(&reg, number, "123").await;
        assert!(data.starts_with("data="), "{data}");
        let (s, done) = self
            .call(
                "PUT",
                &format!("cardregistrations/{}", reg["Id"].as_str().unwrap()),
                None,
                Some(json!({"RegistrationData": data})),
            )
            .await;
        assert_eq!(
            (s, done["Status"].as_str()),
            (200, Some("VALIDATED")),
            "{done}"
        );
        done["CardId"].as_str().unwrap().to_owned()
    }

    async fn tokenize(&self, reg: &Value, number: &str, cvx: &str) -> String {
        let form = threeds_wire::http::encode_form([
            ("data", reg["PreregistrationData"].as_str().unwrap()),
            ("accessKeyRef", reg["AccessKey"].as_str().unwrap()),
            ("cardNumber", number),
            ("cardExpirationDate", "1239"),
            ("cardCvx", cvx),
        ]);
        self.http
            .post(reg["CardRegistrationURL"].as_str().unwrap())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

fn payin(card_id: &str, amount: u64) -> Value {
    json!({
        "AuthorId": SEEDED_USER_ID, "CreditedWalletId": SEEDED_WALLET_ID, "CardId": card_id,
        "DebitedFunds": {"Currency": "EUR", "Amount": amount},
        "Fees": {"Currency": "EUR", "Amount": 0},
        "SecureModeReturnURL": "https://merchant.example/return",
        "IpAddress": "203.0.113.7",
        "BrowserInfo": {"AcceptHeader": "text/html", "JavaEnabled": false, "Language": "en",
            "ColorDepth": 24, "ScreenHeight": 900, "ScreenWidth": 1440, "TimeZoneOffset": -60,
            "UserAgent": "Mozilla/5.0", "JavascriptEnabled": true}
    })
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}
