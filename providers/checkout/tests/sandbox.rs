//! The Checkout simulator over HTTP: auth, validation, the session state machine, the ACS
//! pages, webhooks and the complete callback.

use serde_json::{json, Value};
use std::time::Duration;
use threeds_checkout::sandbox::{
    CheckoutSimulator, ACCESS_KEY_ID, ACCESS_KEY_SECRET, CHALLENGE_PASSWORD, PROCESSING_CHANNEL_ID,
    WEBHOOK_SIGNATURE_KEY,
};
use threeds_wire::sandbox::{Clock, Form, Outbox, SimSettings, Simulator, DEFAULT_RETENTION};
use threeds_wire::signature::verify_hex;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

#[tokio::test]
async fn token_endpoint_checks_credentials_grant_and_scopes() {
    let s = start(Duration::from_secs(60), None).await;
    let url = format!("{}/connect/token", s.base);
    let r = s
        .http
        .post(&url)
        .basic_auth(ACCESS_KEY_ID, Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers().get("www-authenticate").is_some());
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": "invalid_client"})
    );
    // Form credentials, as the Python SDK also sends them; no scope = every allowed scope.
    let r = s
        .http
        .post(&url)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", ACCESS_KEY_ID),
            ("client_secret", ACCESS_KEY_SECRET),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert!(v["scope"].as_str().unwrap().contains("sessions:browser"));
    for (form, code) in [
        (vec![("grant_type", "password")], "unsupported_grant_type"),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("scope", "payments:all"),
            ],
            "invalid_scope",
        ),
        (vec![], "invalid_request"),
    ] {
        let r = s
            .http
            .post(&url)
            .basic_auth(ACCESS_KEY_ID, Some(ACCESS_KEY_SECRET))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(r.json::<Value>().await.unwrap()["error"], code);
    }
}

#[tokio::test]
async fn bad_credentials_are_401_without_a_body_and_scopes_are_enforced() {
    let s = start(Duration::from_secs(60), None).await;
    let body = request("4485040371536584");
    for auth in [None, Some("Bearer nope"), Some("sek_notasessionsecret")] {
        let r = s
            .http
            .post(format!("{}/sessions", s.base))
            .json(&body)
            .header("authorization", auth.unwrap_or(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().is_empty());
    }
    let gateway = format!("Bearer {}", s.token_for("gateway").await);
    let (status, v) = s
        .call(
            reqwest::Method::POST,
            "/sessions",
            Some(&gateway),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v["error_type"], "operation_not_allowed");
    assert_eq!(v["error_codes"], json!(["operation_not_allowed_for_scope"]));
    // An app-only token cannot send browser channel data.
    let app = format!("Bearer {}", s.token_for("sessions:app").await);
    let (status, v) = s
        .call(
            reqwest::Method::POST,
            "/sessions",
            Some(&app),
            Some(with_channel(body, browser(None))),
        )
        .await;
    assert_eq!(status, 403, "{v}");
    // A revoked token is a 401 like a bad one.
    s.sim.revoke_tokens();
    let (status, _) = s.create(request("4485040371536584")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn validation_errors_are_422_with_field_codes() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s.create(json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(v["error_type"], "unprocessable_entity");
    assert_eq!(
        v["error_codes"],
        json!([
            "source_required",
            "currency_required",
            "completion_required",
            "processing_channel_id_required"
        ])
    );
    assert!(v["request_id"].as_str().is_some());
    let mut bad = request("4485040371536585");
    bad["amount"] = json!("ten");
    assert_eq!(
        s.create(bad).await.1["error_codes"],
        json!(["amount_invalid"])
    );
    let mut bad = request("4485040371536585");
    bad["processing_channel_id"] = json!("pc_someoneelse000000000000000");
    bad["source"]["expiry_year"] = json!(2001);
    bad["authentication_type"] = json!("recurring");
    bad.as_object_mut().unwrap().remove("amount");
    let (status, v) = s.create(bad).await;
    assert_eq!(status, 422);
    assert_eq!(
        v["error_codes"],
        json!([
            "amount_required",
            "processing_channel_id_invalid",
            "source_number_invalid",
            "card_expired"
        ])
    );
    let r = s
        .http
        .post(format!("{}/sessions", s.base))
        .header("authorization", s.bearer())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error_codes"],
        json!(["request_body_malformed"])
    );
    for (card, code) in [
        ("4484070000035519", "card_not_enrolled"),
        ("4820285375797526", "issuer_not_enrolled"),
    ] {
        let (status, v) = s.create(request(card)).await;
        assert_eq!(status, 422);
        assert_eq!(v["error_codes"], json!([code]));
    }
}

#[tokio::test]
async fn frictionless_cards_decide_the_outcome_in_one_call() {
    let s = start(Duration::from_secs(60), None).await;
    for (card, status, code, eci, approved) in [
        ("4485040371536584", "approved", "Y", "05", true),
        ("5436031030606378", "approved", "Y", "02", true),
        ("4556574722325580", "attempted", "A", "06", true),
        ("4539628347117863", "declined", "N", "07", false),
        ("4275765574319271", "rejected", "R", "07", false),
        ("4024007186645015", "unavailable", "U", "07", false),
        ("4000000000000002", "approved", "Y", "05", true),
    ] {
        let (http, v) = s
            .create(with_channel(request(card), browser(Some("Y"))))
            .await;
        assert_eq!(http, 201, "{card}: {v}");
        assert_eq!(v["status"], status, "{card}");
        assert_eq!(v["response_code"], code, "{card}");
        assert_eq!(v["eci"], eci, "{card}");
        assert_eq!(v["approved"], approved, "{card}");
        assert_eq!(v["challenged"], false);
        assert_eq!(v["next_actions"], json!(["complete"]));
        assert_eq!(v["status_reason"], "ares_status");
        assert_eq!(v["xid"], v["transaction_id"]);
        assert_eq!(
            v["cryptogram"].as_str().map(str::len),
            approved.then_some(28)
        );
        if !approved {
            assert!(v["response_status_reason"].is_string(), "{card}");
        }
        assert!(v["_links"]["complete"]["href"].is_string());
    }
    let (_, v) = s
        .create(with_channel(
            request("4452927588210665"),
            browser(Some("Y")),
        ))
        .await;
    assert_eq!(v["status"], "unavailable");
    assert_eq!(v["status_reason"], "ares_error");
    assert_eq!(v["3ds"]["error_details"]["error_component"], "D");
}

#[tokio::test]
async fn pending_sessions_ask_for_channel_data_and_the_fingerprint() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s.create(request("4485040371536584")).await;
    assert_eq!(status, 202);
    assert_eq!(v["status"], "pending");
    assert_eq!(
        v["next_actions"],
        json!(["collect_channel_data", "issuer_fingerprint"])
    );
    let id = v["id"].as_str().unwrap().to_owned();
    let secret = v["session_secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 48);
    let links = &v["_links"];
    assert!(links["three_ds_method_url"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/simulator/acs/3ds-method"));
    assert!(links["collect_channel_data"]["href"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/sessions/{id}/collect-data")));
    // The channel header filters: the fingerprint is browser-only.
    let r = s
        .http
        .get(format!("{}/sessions/{id}", s.base))
        .header("authorization", s.bearer())
        .header("channel", "app")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["next_actions"],
        json!(["collect_channel_data"])
    );
    // Channel data first, with the session secret.
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/collect-data"),
            Some(&secret),
            Some(browser(None)),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["next_actions"], json!(["issuer_fingerprint"]));
    assert!(v.get("session_secret").is_none());
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/issuer-fingerprint"),
            Some(&secret),
            Some(json!({"three_ds_method_completion": "X"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        v["error_codes"],
        json!(["three_ds_method_completion_invalid"])
    );
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/issuer-fingerprint"),
            Some(&secret),
            Some(json!({"three_ds_method_completion": "Y"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["status"], "approved");
    // Session-secret callers never see eci, cryptogram or the secret (Checkout.com API reference).
    for hidden in ["eci", "cryptogram", "session_secret"] {
        assert!(v.get(hidden).is_none(), "{hidden}");
    }
    let full = s.get(&id).await;
    assert_eq!(full["eci"], "05");
    assert!(full["cryptogram"].is_string());
    // Another session's secret opens nothing.
    let (_, other) = s.create(request("4485040371536584")).await;
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{}", other["id"].as_str().unwrap()),
            Some(&secret),
            None,
        )
        .await;
    assert_eq!(status, 401);
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            "/sessions/sid_doesnotexist00000000000000",
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(v["error_type"], "not_found");
    // Too late for device data.
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/collect-data"),
            Some(&s.bearer()),
            Some(browser(None)),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v["error_codes"], json!(["update_not_allowed_due_to_state"]));
}

#[tokio::test]
async fn cards_without_a_method_url_skip_the_fingerprint() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s.create(request("4556085951507152")).await;
    assert_eq!(status, 202);
    assert_eq!(v["next_actions"], json!(["collect_channel_data"]));
    assert!(v["_links"].get("three_ds_method_url").is_none());
    let id = v["id"].as_str().unwrap();
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/issuer-fingerprint"),
            Some(&s.bearer()),
            Some(json!({"three_ds_method_completion": "U"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        v["error_codes"],
        json!(["three_ds_method_not_supported_without_url"])
    );
    let (_, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/collect-data"),
            Some(&s.bearer()),
            Some(browser(None)),
        )
        .await;
    assert_eq!(v["status"], "approved");
}

#[tokio::test]
async fn the_3ds_method_page_posts_back_to_the_notification_url() {
    let s = start(Duration::from_secs(60), None).await;
    let (_, v) = s.create(request("4485040371536584")).await;
    let data = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            json!({"threeDSServerTransID": v["transaction_id"],
                   "threeDSMethodNotificationURL": "https://merchant.example/3dsmethod"})
            .to_string(),
        )
    };
    let url = v["_links"]["three_ds_method_url"]["href"].as_str().unwrap();
    let (status, html) = s.form(url, format!("threeDSMethodData={data}")).await;
    assert_eq!(status, 200);
    let forms = Form::parse_all(&html);
    assert_eq!(forms[0].action, "https://merchant.example/3dsmethod");
    let back = b64url_json(forms[0].field("threeDSMethodData").unwrap());
    assert_eq!(back["threeDSServerTransID"], v["transaction_id"]);
    let (status, _) = s.form(url, "threeDSMethodData=%%%".into()).await;
    assert_eq!(status, 400);
}

/// Creates a challenged session (browser data and method completion in the request).
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

#[tokio::test]
async fn the_challenge_page_takes_an_unpadded_creq_and_rejects_the_rest() {
    let s = start(Duration::from_secs(60), None).await;
    let v = challenged(
        &s,
        "4242424242424242",
        Some("https://merchant.example/cres"),
    )
    .await;
    let acs_url = v["acs"]["url"].as_str().unwrap();
    let creq_text = v["3ds"]["challenge_request"].as_str().unwrap();
    assert!(!creq_text.contains('='));
    let creq = b64url_json(creq_text);
    assert_eq!(creq["messageType"], "CReq");
    assert_eq!(creq["threeDSServerTransID"], v["transaction_id"]);
    assert_eq!(creq["acsTransID"], v["acs"]["transaction_id"]);

    let padded = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE.encode(creq.to_string())
    };
    assert!(padded.ends_with('='));
    let (status, html) = s
        .form(acs_url, format!("creq={}", padded.replace('=', "%3D")))
        .await;
    assert_eq!(status, 400);
    assert!(html.contains("Erro") && html.contains("203"), "{html}");
    let (status, html) = s.form(acs_url, String::new()).await;
    assert_eq!(status, 400);
    assert!(html.contains("201"));
    let mut unknown = creq.clone();
    unknown["acsTransID"] = json!("00000000-0000-4000-8000-000000000000");
    let unknown = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(unknown.to_string())
    };
    let (status, html) = s.form(acs_url, format!("creq={unknown}")).await;
    assert_eq!(status, 404);
    assert!(html.contains("301"));

    let (status, html) = s
        .form(acs_url, format!("creq={creq_text}&threeDSSessionData=abc"))
        .await;
    assert_eq!(status, 200);
    let mut form = Form::parse_all(&html).remove(0);
    assert!(html.contains(CHALLENGE_PASSWORD));
    form.fill("password", CHALLENGE_PASSWORD);
    let (status, html) = s.form(&form.action, form.submission(Some("submit"))).await;
    assert_eq!(status, 200);
    let post = Form::parse_all(&html).remove(0);
    assert_eq!(post.action, "https://merchant.example/cres");
    assert_eq!(post.field("threeDSSessionData"), Some("abc"));
    let cres = b64url_json(post.field("cres").unwrap());
    assert_eq!(cres["messageType"], "CRes");
    assert_eq!(cres["transStatus"], "Y");
    let after = s.get(v["id"].as_str().unwrap()).await;
    assert_eq!(after["status"], "approved");
    assert_eq!(after["status_reason"], "rreq_status");
    assert_eq!(after["challenged"], true);
    assert_eq!(after["eci"], "05");
    // The page cannot be replayed once the challenge is over.
    let (status, _) = s.form(&form.action, form.submission(Some("submit"))).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn challenge_outcomes_wrong_password_and_cancel() {
    let s = start(Duration::from_secs(60), None).await;
    for (card, password, button, status, code) in [
        (
            "4152868552773614",
            CHALLENGE_PASSWORD,
            "submit",
            "attempted",
            "A",
        ),
        (
            "4870527017700692",
            CHALLENGE_PASSWORD,
            "submit",
            "rejected",
            "R",
        ),
        (
            "4243754271700719",
            CHALLENGE_PASSWORD,
            "submit",
            "declined",
            "N",
        ),
        (
            "4447336775378848",
            CHALLENGE_PASSWORD,
            "submit",
            "unavailable",
            "U",
        ),
        ("4242424242424242", "wrong", "submit", "declined", "N"),
        ("4242424242424242", "", "cancel", "challenge_abandoned", "N"),
    ] {
        let v = challenged(&s, card, None).await;
        let (_, html) = s
            .form(
                v["acs"]["url"].as_str().unwrap(),
                format!("creq={}", v["3ds"]["challenge_request"].as_str().unwrap()),
            )
            .await;
        let mut form = Form::parse_all(&html).remove(0);
        form.fill("password", password);
        let (http, html) = s.form(&form.action, form.submission(Some(button))).await;
        assert_eq!(http, 200);
        // No notification URL: Checkout's own endpoint took the CRes.
        assert!(html.contains("finished"), "{html}");
        let after = s.get(v["id"].as_str().unwrap()).await;
        assert_eq!(after["status"], status, "{card} {button}");
        assert_eq!(after["response_code"], code, "{card} {button}");
        if button == "cancel" {
            assert_eq!(after["acs"]["challenge_cancel_reason"], "cardholder_cancel");
        }
    }
    let v = challenged(&s, "4539929207120660", None).await;
    let (_, html) = s
        .form(
            v["acs"]["url"].as_str().unwrap(),
            format!("creq={}", v["3ds"]["challenge_request"].as_str().unwrap()),
        )
        .await;
    let mut form = Form::parse_all(&html).remove(0);
    form.fill("password", CHALLENGE_PASSWORD);
    s.form(&form.action, form.submission(Some("submit"))).await;
    let after = s.get(v["id"].as_str().unwrap()).await;
    assert_eq!(after["status_reason"], "rreq_error");
    assert_eq!(after["3ds"]["error_details"]["error_component"], "A");
}

#[tokio::test]
async fn webhooks_are_signed_and_abandoned_challenges_expire() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hooks"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let s = start(
        Duration::from_millis(150),
        Some(format!("{}/hooks", receiver.uri())),
    )
    .await;
    let v = challenged(&s, "4242424242424242", None).await;
    let id = v["id"].as_str().unwrap();
    s.clock.advance(Duration::from_millis(250));
    // Checked lazily on access (no sweeper runs in this test).
    let after = s.get(id).await;
    assert_eq!(after["status"], "expired");
    assert_eq!(after["response_code"], "N");
    assert_eq!(after["response_status_reason"], "14");
    assert_eq!(
        after["acs"]["challenge_cancel_reason"],
        "transaction_timed_out"
    );
    assert_eq!(after["acs"]["challenge_cancel_reason_code"], "05");
    assert_eq!(after["next_actions"], json!(["complete"]));
    let (status, html) = s
        .form(
            v["acs"]["url"].as_str().unwrap(),
            format!("creq={}", v["3ds"]["challenge_request"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 410);
    assert!(html.contains("402"));

    let deliveries = s.outbox.deliveries();
    let events: Vec<&str> = deliveries.iter().map(|d| d.event.as_str()).collect();
    assert_eq!(events, ["authentication_started", "authentication_expired"]);
    for d in &deliveries {
        s.outbox.settled(d.seq, Duration::from_secs(2)).await;
    }
    let received = receiver.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for r in &received {
        let sig = r.headers.get("cko-signature").unwrap().to_str().unwrap();
        let verify = |key: &[u8]| verify_hex("webhook key", key, &[&r.body], sig);
        assert_eq!(verify(WEBHOOK_SIGNATURE_KEY.as_bytes()), Ok(true));
        assert_eq!(verify(b"other key"), Ok(false));
    }
    let expired: Value = received[1].body_json().unwrap();
    assert_eq!(expired["type"], "authentication_expired");
    assert_eq!(expired["version"], "1.0.1");
    assert!(expired["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(expired["data"]["session_id"], id);
    assert_eq!(expired["data"]["amount"], "6540");
    assert_eq!(expired["data"]["reason"], "ChallengeExpired");
    assert_eq!(expired["data"]["transaction_status_reason"], "rreq_status");
    assert_eq!(expired["data"]["3ds_transaction_id"], v["transaction_id"]);
}

#[tokio::test]
async fn the_sweep_expires_without_any_access() {
    let receiver = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let s = start(Duration::from_millis(50), Some(receiver.uri())).await;
    challenged(&s, "4242424242424242", None).await;
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 1, "not due yet");
    s.clock.advance(Duration::from_millis(100));
    s.sim.sweep();
    let events: Vec<String> = s.outbox.deliveries().into_iter().map(|d| d.event).collect();
    assert_eq!(events, ["authentication_started", "authentication_expired"]);
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 2, "expires once");
}

#[tokio::test]
async fn complete_posts_the_callback_and_reports_its_failure() {
    let s = start(Duration::from_secs(60), None).await;
    let merchant = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&merchant)
        .await;
    Mock::given(method("POST"))
        .and(path("/broken"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&merchant)
        .await;
    Mock::given(method("POST"))
        .and(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&merchant)
        .await;
    let session = |callback: &str| {
        let mut b = with_channel(request("4485040371536584"), browser(Some("Y")));
        b["completion"]["callback_url"] = json!(format!("{}{callback}", merchant.uri()));
        b
    };
    // Not final yet: 403.
    let (_, pending) = s.create(request("4485040371536584")).await;
    let (status, v) = s
        .call(
            reqwest::Method::POST,
            &format!("/sessions/{}/complete", pending["id"].as_str().unwrap()),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v["error_codes"], json!(["update_not_allowed_due_to_state"]));

    let (_, v) = s.create(session("/ok")).await;
    let id = v["id"].as_str().unwrap();
    let complete = format!("/sessions/{id}/complete");
    let (status, _) = s
        .call(reqwest::Method::POST, &complete, Some(&s.bearer()), None)
        .await;
    assert_eq!(status, 204);
    let after = s.get(id).await;
    assert_eq!(after["completed"], true);
    assert_eq!(after["next_actions"], json!([]));
    let callback: Value = merchant.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(callback["session_id"], id);
    assert_eq!(callback["status"], "approved");
    assert_eq!(callback["response_code"], "Y");
    assert!(callback.get("id").is_none());
    // Completing twice is refused by state.
    let (status, _) = s
        .call(reqwest::Method::POST, &complete, Some(&s.bearer()), None)
        .await;
    assert_eq!(status, 403);

    let (_, v) = s.create(session("/broken")).await;
    let (status, body) = s
        .call(
            reqwest::Method::POST,
            &format!("/sessions/{}/complete", v["id"].as_str().unwrap()),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error_type"], "callback_failed");
    assert_eq!(body["error_codes"], json!(["session_callback_failed"]));

    // While one complete waits for the callback, a parallel action is a 409.
    let (_, v) = s.create(session("/slow")).await;
    let path = format!("/sessions/{}/complete", v["id"].as_str().unwrap());
    let bearer = s.bearer();
    let first = s.call(reqwest::Method::POST, &path, Some(&bearer), None);
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        s.call(reqwest::Method::POST, &path, Some(&bearer), None)
            .await
    };
    let ((a, _), (b, conflict)) = tokio::join!(first, second);
    assert_eq!(a, 204);
    assert_eq!(b, 409);
    assert_eq!(conflict["error_type"], "duplicate_requests_detected");
    assert_eq!(conflict["error_codes"], json!(["session_already_in_use"]));
}

#[tokio::test]
async fn hosted_sessions_redirect_and_cannot_be_completed() {
    let s = start(Duration::from_secs(60), None).await;
    let mut body = request("4485040371536584");
    body["completion"] = json!({"type": "hosted", "success_url": "https://m.example/ok",
                                "failure_url": "https://m.example/ko"});
    let (status, v) = s.create(body.clone()).await;
    assert_eq!(status, 202);
    assert_eq!(v["next_actions"], json!(["redirect_cardholder"]));
    let id = v["id"].as_str().unwrap();
    let (status, _) = s
        .call(
            reqwest::Method::POST,
            &format!("/sessions/{id}/complete"),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let r = s
        .http
        .get(v["_links"]["redirect_url"]["href"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("https://m.example/ok?cko-session-id={id}")
    );
    assert_eq!(s.get(id).await["status"], "approved");
    // App channel data with hosted completion is refused.
    body["channel_data"] = json!({"channel": "app"});
    let (status, v) = s.create(body).await;
    assert_eq!(status, 422);
    assert!(v["error_codes"]
        .as_array()
        .unwrap()
        .contains(&json!("hosted_not_supported_for_app")));
}

#[tokio::test]
async fn merchant_initiated_challenge_cards_are_unavailable() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s
        .create(with_channel(
            request("4242424242424242"),
            json!({"channel": "merchant_initiated", "request_type": "recurring_transaction"}),
        ))
        .await;
    assert_eq!(status, 201);
    assert_eq!(v["status"], "unavailable");
    assert_eq!(v["response_code"], "U");
    assert_eq!(v["next_actions"], json!(["complete"]));
    assert!(v.get("acs").is_none());
}

#[test]
fn the_banner_names_everything_a_client_is_configured_with() {
    let mut settings = SimSettings::new("http://127.0.0.1:8480/checkout");
    settings.webhook_url = Some("http://127.0.0.1:9000/hooks".into());
    let banner = CheckoutSimulator::new(settings).banner();
    let text: Vec<String> = banner.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let text = text.join("\n");
    for needle in [
        "API base=http://127.0.0.1:8480/checkout",
        "OAuth token URL=http://127.0.0.1:8480/checkout/connect/token",
        ACCESS_KEY_ID,
        ACCESS_KEY_SECRET,
        PROCESSING_CHANNEL_ID,
        WEBHOOK_SIGNATURE_KEY,
        CHALLENGE_PASSWORD,
        "http://127.0.0.1:9000/hooks",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[tokio::test]
async fn cryptograms_are_canonical_base64_of_20_bytes() {
    use base64::Engine;
    let s = start(Duration::from_secs(60), None).await;
    // The STANDARD engine rejects non-canonical trailing bits, as strict decoders do.
    for _ in 0..200 {
        let (http, v) = s
            .create(with_channel(
                request("4485040371536584"),
                browser(Some("Y")),
            ))
            .await;
        assert_eq!(http, 201, "{v}");
        let cryptogram = v["cryptogram"].as_str().unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cryptogram)
            .unwrap_or_else(|e| panic!("{cryptogram}: {e}"));
        assert_eq!((cryptogram.len(), bytes.len()), (28, 20));
    }
}

#[tokio::test]
async fn network_token_sources_authenticate_like_cards() {
    let s = start(Duration::from_secs(60), None).await;
    let mut body = with_channel(request("4485040371536584"), browser(Some("Y")));
    body["source"] = json!({
        "type": "network_token", "token": "4485040371536584",
        "expiry_month": 1, "expiry_year": 2030
    });
    let (http, v) = s.create(body.clone()).await;
    assert_eq!(http, 201, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["scheme"].as_str()),
        (Some("approved"), Some("visa"))
    );
    // Without its expiry, the token is refused like a card without one.
    body["source"]
        .as_object_mut()
        .unwrap()
        .remove("expiry_year");
    let (http, v) = s.create(body).await;
    assert_eq!(http, 422, "{v}");
    assert!(
        v["error_codes"]
            .to_string()
            .contains("source_expiry_year_required"),
        "{v}"
    );
}

#[tokio::test]
async fn endpoints_not_simulated_answer_501_and_unknown_sessions_404() {
    let s = start(Duration::from_secs(60), None).await;
    for (verb, path) in [
        (reqwest::Method::POST, "/payments"),
        (reqwest::Method::DELETE, "/sessions/sid_abc"),
        (reqwest::Method::GET, "/sessions"),
    ] {
        let (status, v) = s.call(verb.clone(), path, Some(&s.bearer()), None).await;
        assert_eq!(status, 501, "{verb} {path}: {v}");
        assert_eq!(v["error_type"], "not_simulated");
        assert_eq!(v["error_codes"], json!(["endpoint_not_simulated"]));
        let message = v["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{verb} {path} is not simulated")),
            "{message}"
        );
    }
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            "/sessions/sid_unknown",
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(
        (status, v["error_codes"].clone()),
        (404, json!(["session_not_found"]))
    );
}

#[tokio::test]
async fn sessions_are_forgotten_after_the_retention_period() {
    let s = start(Duration::from_secs(60), None).await;
    let (_, done) = s
        .create(with_channel(
            request("4485040371536584"),
            browser(Some("Y")),
        ))
        .await;
    let done_id = done["id"].as_str().unwrap();
    let open = challenged(&s, "4242424242424242", None).await;
    let open_id = open["id"].as_str().unwrap();
    s.clock.advance(DEFAULT_RETENTION - Duration::from_secs(1));
    s.get(done_id).await;
    s.clock.advance(Duration::from_secs(1));
    // The token has expired too (it lives an hour): a new one is needed.
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{done_id}"),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 401, "the hour-old token is gone");
    let bearer = format!("Bearer {}", s.token_for("sessions:browser").await);
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{done_id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(
        (status, v["error_codes"].clone()),
        (404, json!(["session_not_found"]))
    );
    // The challenge was still open when its retention ran out (no sweep ran to expire
    // it), so it is kept, expired, for one more period.
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{open_id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(
        (status, v["status"].as_str()),
        (200, Some("expired")),
        "{v}"
    );
    s.clock.advance(DEFAULT_RETENTION);
    let bearer = format!("Bearer {}", s.token_for("sessions:browser").await);
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{open_id}"),
            Some(&bearer),
            None,
        )
        .await;
    assert_eq!(status, 404);
}
