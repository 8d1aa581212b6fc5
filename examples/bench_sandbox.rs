//! Per-request cost of the sandbox as its history grows.
//!
//! Runs authentications against the in-process sandbox in batches and prints, per batch,
//! how many records the simulator holds and the authentications per second. Flat rates
//! mean no request does work proportional to the history. `scripts/bench-sandbox.sh`
//! runs it; `docs/performance.md` records the numbers.
//!
//! ```text
//! cargo run --release --example bench_sandbox -- [BATCHES] [BATCH_SIZE]
//! ```
//!
//! A Mangopay authentication is what a client of the Direct PayIn flow sends: a card
//! registration, the tokenizer post, the registration update, the pay-in (with an
//! Idempotency-Key) and a read of the pay-in. A Checkout one is a session request with
//! its channel data and a read of the session.

use base64::Engine;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use threeds_bridge::sandbox::{start, SandboxOptions};
use threeds_checkout::sandbox::{ACCESS_KEY_ID, ACCESS_KEY_SECRET, PROCESSING_CHANNEL_ID};
use threeds_mangopay::sandbox::{
    SANDBOX_API_KEY, SANDBOX_CLIENT_ID, SEEDED_USER_ID, SEEDED_WALLET_ID,
};

mod common;

use common::{expect, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let batches: usize = args.next().map_or(Ok(10), |a| a.parse())?;
    let batch_size: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let sandbox = start(SandboxOptions {
        // Long enough that nothing is forgotten during the run: the history only grows.
        retention: Duration::from_secs(24 * 3600),
        ..SandboxOptions::default()
    })
    .await?;
    let http = reqwest::Client::new();

    let mangopay = Mangopay::new(&http, &sandbox.base("mangopay")).await?;
    println!("mangopay: {batches} batches of {batch_size} authentications (5 requests each)");
    println!("{:>8} {:>14} {:>10}", "batch", "pay-ins held", "auth/s");
    for batch in 0..batches {
        let started = Instant::now();
        for i in 0..batch_size {
            mangopay.authenticate(batch * batch_size + i).await?;
        }
        report(
            batch,
            (batch + 1) * batch_size,
            batch_size,
            started.elapsed(),
        );
    }

    let checkout = Checkout::new(&http, &sandbox.base("checkout")).await?;
    println!("checkout: {batches} batches of {batch_size} authentications (2 requests each)");
    println!("{:>8} {:>14} {:>10}", "batch", "sessions held", "auth/s");
    for batch in 0..batches {
        let started = Instant::now();
        for _ in 0..batch_size {
            checkout.authenticate().await?;
        }
        report(
            batch,
            (batch + 1) * batch_size,
            batch_size,
            started.elapsed(),
        );
    }
    sandbox.shutdown().await;
    Ok(())
}

fn report(batch: usize, held: usize, size: usize, took: Duration) {
    let rate = size as f64 / took.as_secs_f64().max(f64::EPSILON);
    println!("{:>8} {held:>14} {rate:>10.0}", batch + 1);
}

struct Mangopay<'a> {
    http: &'a reqwest::Client,
    api: String,
    bearer: String,
}

impl<'a> Mangopay<'a> {
    async fn new(http: &'a reqwest::Client, base: &str) -> Result<Self, Error> {
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{SANDBOX_CLIENT_ID}:{SANDBOX_API_KEY}"));
        let token = expect(
            http.post(format!("{base}/v2.01/oauth/token"))
                .header("authorization", format!("Basic {basic}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials")
                .send()
                .await?,
            200,
        )
        .await?;
        Ok(Mangopay {
            http,
            api: format!("{base}/v2.01/{SANDBOX_CLIENT_ID}"),
            bearer: format!("Bearer {}", token["access_token"].as_str().unwrap_or("")),
        })
    }

    async fn call(&self, verb: reqwest::Method, path: &str, body: Value) -> Result<Value, Error> {
        let response = self
            .http
            .request(verb, format!("{}/{path}", self.api))
            .header("authorization", &self.bearer)
            .json(&body)
            .send()
            .await?;
        expect(response, 200).await
    }

    async fn authenticate(&self, n: usize) -> Result<(), Error> {
        let reg = self
            .call(
                reqwest::Method::POST,
                "cardregistrations",
                json!({"UserId": SEEDED_USER_ID, "Currency": "EUR"}),
            )
            .await?;
        let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
        let form = threeds_wire::http::encode_form([
            ("data", text(&reg, "PreregistrationData").as_str()),
            ("accessKeyRef", text(&reg, "AccessKey").as_str()),
            ("cardNumber", "4970107111111119"),
            ("cardExpirationDate", "1239"),
            ("cardCvx", "123"),
        ]);
        let data = self
            .http
            .post(text(&reg, "CardRegistrationURL"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await?
            .text()
            .await?;
        let card = self
            .call(
                reqwest::Method::PUT,
                &format!("cardregistrations/{}", text(&reg, "Id")),
                json!({"RegistrationData": data}),
            )
            .await?;
        let payin = self
            .http
            .post(format!("{}/payins/card/direct", self.api))
            .header("authorization", &self.bearer)
            .header("idempotency-key", format!("bench-{n:020}"))
            .json(&json!({
                "AuthorId": SEEDED_USER_ID, "CreditedWalletId": SEEDED_WALLET_ID,
                "CardId": text(&card, "CardId"),
                "DebitedFunds": {"Currency": "EUR", "Amount": 1000},
                "Fees": {"Currency": "EUR", "Amount": 0},
                "SecureModeReturnURL": "https://merchant.example/return",
                "IpAddress": "203.0.113.7",
                "BrowserInfo": {"AcceptHeader": "text/html", "JavaEnabled": false,
                    "Language": "en", "ColorDepth": 24, "ScreenHeight": 900,
                    "ScreenWidth": 1440, "TimeZoneOffset": -60, "UserAgent": "bench",
                    "JavascriptEnabled": true}
            }))
            .send()
            .await?;
        let payin = expect(payin, 200).await?;
        self.call(
            reqwest::Method::GET,
            &format!("payins/{}", text(&payin, "Id")),
            Value::Null,
        )
        .await?;
        Ok(())
    }
}

struct Checkout<'a> {
    http: &'a reqwest::Client,
    base: String,
    bearer: String,
}

impl<'a> Checkout<'a> {
    async fn new(http: &'a reqwest::Client, base: &str) -> Result<Self, Error> {
        let token = expect(
            http.post(format!("{base}/connect/token"))
                .basic_auth(ACCESS_KEY_ID, Some(ACCESS_KEY_SECRET))
                .form(&[("grant_type", "client_credentials")])
                .send()
                .await?,
            200,
        )
        .await?;
        Ok(Checkout {
            http,
            base: base.to_owned(),
            bearer: format!("Bearer {}", token["access_token"].as_str().unwrap_or("")),
        })
    }

    async fn authenticate(&self) -> Result<(), Error> {
        let session = self
            .http
            .post(format!("{}/sessions", self.base))
            .header("authorization", &self.bearer)
            .json(&json!({
                "source": {"type": "card", "number": "4485040371536584",
                           "expiry_month": 1, "expiry_year": 2030},
                "amount": 6540, "currency": "GBP",
                "processing_channel_id": PROCESSING_CHANNEL_ID,
                "completion": {"type": "non_hosted", "callback_url": "https://merchant.example/cb"},
                "channel_data": {"channel": "browser", "accept_header": "text/html",
                    "java_enabled": false, "javascript_enabled": true, "language": "en-GB",
                    "color_depth": "24", "screen_height": "1080", "screen_width": "1920",
                    "timezone": "-60", "user_agent": "bench", "ip_address": "192.0.2.1",
                    "three_ds_method_completion": "Y"}
            }))
            .send()
            .await?;
        let session = expect(session, 201).await?;
        let id = session["id"].as_str().unwrap_or_default();
        let read = self
            .http
            .get(format!("{}/sessions/{id}", self.base))
            .header("authorization", &self.bearer)
            .send()
            .await?;
        expect(read, 200).await?;
        Ok(())
    }
}
