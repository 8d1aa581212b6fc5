//! The Mangopay simulator over HTTP: auth, error bodies, idempotency, card registration,
//! pay-in documents, challenge expiry and hook delivery. The client is plain reqwest, so
//! these tests see exactly what any SDK would.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use threeds_mangopay::sandbox::{
    MangopaySimulator, LOCK_DURATION, SANDBOX_API_KEY, SANDBOX_CLIENT_ID, SEEDED_USER_ID,
    SEEDED_WALLET_ID,
};
use threeds_wire::sandbox::{Form, SimSettings, Simulator};

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

#[tokio::test]
async fn token_endpoint_checks_credentials_and_locks_after_repeated_failures() {
    let s = sim().await;
    // The official Python SDK's JSON body is accepted too.
    let r = s
        .token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            r#"{"grant_type": "client_credentials"}"#,
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["expires_in"], 1200);
    let r = s
        .token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            "grant_type=password",
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);

    for _ in 0..5 {
        let r = s
            .token_with(
                &basic(SANDBOX_CLIENT_ID, "wrong"),
                "grant_type=client_credentials",
            )
            .await;
        assert_eq!(r.status().as_u16(), 401);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["Type"], "invalid_credentials");
        assert_eq!(v["Message"], "The authorization credentials are not valid");
    }
    // Locked now: further wrong attempts with that ClientId get the lock body (the
    // authentication page's 400)...
    let wrong = || async {
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, "wrong"),
            "grant_type=client_credentials",
        )
        .await
    };
    let r = wrong().await;
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "unauthorized_client");
    assert!(v["error_description"]
        .as_str()
        .unwrap()
        .contains("temporarily locked"));
    // ... but the shared test account is not locked for everyone: the right credentials
    // still get a token, and another ClientId's failures are its own.
    assert_eq!(
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            "grant_type=client_credentials"
        )
        .await
        .status()
        .as_u16(),
        200
    );
    assert_eq!(
        s.token_with(
            &basic("someone-else", "wrong"),
            "grant_type=client_credentials"
        )
        .await
        .status()
        .as_u16(),
        401
    );
}

#[tokio::test]
async fn a_lock_is_lifted_after_its_duration_and_a_good_login_resets_the_count() {
    let s = sim().await;
    let wrong = || async {
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, "wrong"),
            "grant_type=client_credentials",
        )
        .await
    };
    let good = || async {
        s.token_with(
            &basic(SANDBOX_CLIENT_ID, SANDBOX_API_KEY),
            "grant_type=client_credentials",
        )
        .await
    };
    for _ in 0..4 {
        assert_eq!(wrong().await.status().as_u16(), 401);
    }
    assert_eq!(good().await.status().as_u16(), 200);
    // The good login reset the count: four more failures do not lock.
    for _ in 0..4 {
        assert_eq!(wrong().await.status().as_u16(), 401);
    }
    assert_eq!(
        wrong().await.status().as_u16(),
        401,
        "the fifth failure locks"
    );
    assert_eq!(wrong().await.status().as_u16(), 400, "locked");
    s.settings
        .clock
        .advance(LOCK_DURATION + Duration::from_secs(1));
    assert_eq!(wrong().await.status().as_u16(), 401, "the lock is over");
}

#[tokio::test]
async fn api_calls_need_a_live_bearer_token_for_the_path_client() {
    let s = serve(Duration::from_secs(60), Duration::from_millis(200)).await;
    let r = s.http.get(s.api("payins/wt_1")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        keys(&v),
        ["Date", "Message", "Type"].map(String::from).into()
    );

    let token = s.token().await;
    let other = format!("{}/v2.01/another-client/payins/wt_1", s.base);
    let r = s.http.get(other).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // The Python SDK writes the scheme as Mangopay's token_type: "bearer".
    let r = s
        .http
        .get(s.api("payins/wt_1"))
        .header("authorization", format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["Type"], "ressource_not_found");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = s
        .http
        .get(s.api("payins/wt_1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401, "the token expired");
    s.sim.revoke_tokens();
}

#[tokio::test]
async fn validation_errors_name_every_field_in_mangopays_shape() {
    let s = sim().await;
    let (status, v) = s
        .call("POST", "payins/card/direct", None, Some(json!({})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        keys(&v),
        ["Date", "Id", "Message", "Type", "errors"]
            .map(String::from)
            .into()
    );
    assert_eq!(v["Type"], "param_error");
    let fields = keys(&v["errors"]);
    for f in [
        "AuthorId",
        "DebitedFunds",
        "Fees",
        "CreditedWalletId",
        "CardId",
        "SecureModeReturnURL",
        "BrowserInfo",
        "IpAddress",
    ] {
        assert!(fields.contains(f), "{f} missing from {fields:?}");
    }
    // An unknown id in the body is a param_error too (docs.mangopay.com/api-reference/overview).
    let (status, v) = s
        .call(
            "POST",
            "payins/card/direct",
            None,
            Some(payin("card_m_nope", 100)),
        )
        .await;
    assert_eq!(status, 400);
    assert!(v["errors"]["CardId"].is_string());
    let (status, v) = s
        .call("POST", "payins/card/direct", None, Some(json!([1])))
        .await;
    assert_eq!((status, v["Type"].as_str()), (400, Some("param_error")));
}

#[tokio::test]
async fn idempotency_keys_block_reuse_and_keep_the_first_answer() {
    let s = sim().await;
    let card = s.card("4970107111111119", "EUR").await;
    let key = "b1946ac9-2d0e-4f2b-8a0a-1d2c3e4f5a6b";
    let (status, first) = s
        .call(
            "POST",
            "payins/card/direct",
            Some(key),
            Some(payin(&card, 1000)),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["Status"], "SUCCEEDED");
    let (status, again) = s
        .call(
            "POST",
            "payins/card/direct",
            Some(key),
            Some(payin(&card, 1000)),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["Type"], "idempotent_creation_conflict");
    assert_eq!(
        again["Message"],
        "A resource has already been created with this Idempotency Key"
    );
    assert!(again["errors"].is_null());
    // A failed first call burns the key too.
    let bad = "c2946ac9-2d0e-4f2b-8a0a-1d2c3e4f5a6b";
    assert_eq!(
        s.call("POST", "payins/card/direct", Some(bad), Some(json!({})))
            .await
            .0,
        400
    );
    assert_eq!(
        s.call(
            "POST",
            "payins/card/direct",
            Some(bad),
            Some(payin(&card, 1000))
        )
        .await
        .0,
        409
    );

    let (status, stored) = s.call("GET", &format!("responses/{key}"), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(stored["StatusCode"], "200");
    assert_eq!(stored["Resource"], first);
    assert!(stored["RequestURL"]
        .as_str()
        .unwrap()
        .ends_with("/payins/card/direct"));
    let (status, stored) = s.call("GET", &format!("responses/{bad}"), None, None).await;
    assert_eq!((status, stored["StatusCode"].as_str()), (200, Some("400")));
    let (status, _) = s
        .call(
            "GET",
            "responses/d3946ac9-2d0e-4f2b-8a0a-1d2c3e4f5a6b",
            None,
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, v) = s
        .call("POST", "hooks", Some("short"), Some(json!({})))
        .await;
    assert_eq!((status, v["Type"].as_str()), (400, Some("param_error")));
}

#[tokio::test]
async fn payins_have_every_field_of_the_documented_object() {
    let s = sim().await;
    let card = s.card("4970105181818183", "EUR").await;
    let (status, created) = s
        .call("POST", "payins/card/direct", None, Some(payin(&card, 2500)))
        .await;
    assert_eq!(status, 200);
    // The create-direct-card-payin.mdx 200 example.
    let documented: Value = serde_json::from_str(include_str!(
        "../../../fixtures/mangopay/payin_created_challenge_redirect.json"
    ))
    .unwrap();
    assert_eq!(keys(&created), keys(&documented));
    assert_eq!(created["Status"], "CREATED");
    assert!(created["ResultCode"].is_null());
    assert_eq!(created["SecureModeNeeded"], true);
    assert_eq!(created["Applied3DSVersion"], "V2_1");
    let id = created["Id"].as_str().unwrap();
    assert!(id.starts_with("wt_"));
    assert_eq!(
        created["SecureModeReturnURL"],
        format!("https://merchant.example/return?transactionId={id}")
    );
    assert_eq!(created["CardInfo"]["BIN"], "497010");
    let (_, fetched) = s.call("GET", &format!("payins/{id}"), None, None).await;
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn currencies_must_match_the_card_and_the_wallet() {
    let s = sim().await;
    let gbp_card = s.card("4970107111111119", "GBP").await;
    let (status, v) = s
        .call(
            "POST",
            "payins/card/direct",
            None,
            Some(payin(&gbp_card, 1000)),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(v["Type"], "currency_incompatibility");
    assert_eq!(
        v["errors"]["currency"],
        "The card's currency GBP and the debitedAmount's currency EUR must be the same"
    );
}

#[tokio::test]
async fn the_tokenizer_rejects_bad_cards_and_the_registration_reports_it() {
    let s = sim().await;
    let (_, reg) = s
        .call(
            "POST",
            "cardregistrations",
            None,
            Some(json!({"UserId": SEEDED_USER_ID, "Currency": "EUR"})),
        )
        .await;
    assert_eq!(reg["Status"], "CREATED");
    assert_eq!(reg["CardType"], "CB_VISA_MASTERCARD");
    assert!(reg["CardRegistrationURL"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{}/api/mangopay/vault/tokenize/", s.base)));
    assert_eq!(
        s.tokenize(&reg, "4970107111111118", "123").await,
        "errorCode=02625"
    );
    assert_eq!(
        s.tokenize(&reg, "4970107111111119", "12").await,
        "errorCode=02627"
    );
    let mut wrong = reg.clone();
    wrong["AccessKey"] = json!("not-the-key");
    assert_eq!(
        s.tokenize(&wrong, "4970107111111119", "123").await,
        "errorCode=09101"
    );
    let (status, done) = s
        .call(
            "PUT",
            &format!("cardregistrations/{}", reg["Id"].as_str().unwrap()),
            None,
            Some(json!({"RegistrationData": "errorCode=02625"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(done["Status"], "ERROR");
    assert_eq!(done["ResultCode"], "105202");
    assert!(done["CardId"].is_null());
}

#[tokio::test]
async fn hooks_are_gets_with_the_misspelled_ressource_id_and_obey_their_status() {
    let s = sim().await;
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let (status, hook) = s
        .call(
            "POST",
            "hooks",
            None,
            Some(json!({"EventType": "PAYIN_NORMAL_FAILED", "Url": format!("{}/hook", receiver.uri())})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (hook["Status"].as_str(), hook["Validity"].as_str()),
        (Some("ENABLED"), Some("VALID"))
    );
    let (status, dup) = s
        .call(
            "POST",
            "hooks",
            None,
            Some(json!({"EventType": "PAYIN_NORMAL_FAILED", "Url": "https://x.example"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        dup["errors"]["EventType"],
        "A hook has already been registered for this EventType"
    );

    // An abandoned challenge expires (sweep) and the FAILED hook goes out.
    let short = serve(Duration::from_millis(100), Duration::from_secs(1200)).await;
    let card = short.card("4970105181818183", "EUR").await;
    short
        .call("POST", "hooks", None, Some(json!({"EventType": "PAYIN_NORMAL_FAILED", "Url": format!("{}/hook", receiver.uri())})))
        .await;
    let (_, created) = short
        .call("POST", "payins/card/direct", None, Some(payin(&card, 2500)))
        .await;
    let id = created["Id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(150)).await;
    short.sim.sweep();
    let delivered = short.settings.outbox.deliveries();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].method, "GET");
    assert!(delivered[0].url.contains(&format!(
        "?EventType=PAYIN_NORMAL_FAILED&RessourceId={id}&Date="
    )));
    let (_, failed) = short.call("GET", &format!("payins/{id}"), None, None).await;
    assert_eq!(failed["ResultCode"], "101304");
    assert!(failed["SecureModeRedirectURL"].is_null());
    assert_eq!(failed["SecureModeNeeded"], true);
    // The expired session's page says so.
    let page = short
        .http
        .get(created["SecureModeRedirectURL"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("has ended"));

    // A disabled hook sends nothing.
    let hook_id = hook["Id"].as_str().unwrap();
    let (status, _) = s
        .call(
            "PUT",
            &format!("hooks/{hook_id}"),
            None,
            Some(json!({"Status": "DISABLED"})),
        )
        .await;
    assert_eq!(status, 200);
    let card = s.card("4970107111111119", "EUR").await;
    let (_, refused) = s
        .call(
            "PUT",
            &format!("cards/{card}"),
            None,
            Some(json!({"Active": false})),
        )
        .await;
    assert_eq!(refused["Active"], false);
    let (_, p) = s
        .call("POST", "payins/card/direct", None, Some(payin(&card, 1000)))
        .await;
    assert_eq!(p["ResultCode"], "101410");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(s.settings.outbox.deliveries().is_empty());
}

#[tokio::test]
async fn the_challenge_page_is_a_real_form_and_redirects_to_the_return_url() {
    let s = sim().await;
    let card = s.card("4970105181818183", "EUR").await;
    let mut body = payin(&card, 2500);
    body["SecureModeReturnURL"] = json!("https://merchant.example/return?order=7");
    let (_, created) = s.call("POST", "payins/card/direct", None, Some(body)).await;
    let id = created["Id"].as_str().unwrap();
    let html = s
        .http
        .get(created["SecureModeRedirectURL"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = Form::parse_all(&html).remove(0);
    assert_eq!(form.action, format!("{}/secure-mode/{id}", s.base));
    // A forged token is refused; a missing outcome too.
    let r = s
        .http
        .post(&form.action)
        .body("token=forged&outcome=authenticate")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = s
        .http
        .post(&form.action)
        .body(form.submission(None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = s
        .http
        .post(&form.action)
        .body(form.submission(Some("authenticate")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("https://merchant.example/return?order=7&transactionId={id}").as_str()
    );
    let (_, done) = s.call("GET", &format!("payins/{id}"), None, None).await;
    assert_eq!(done["Status"], "SUCCEEDED");
    assert!(done["ExecutionDate"].is_i64());
    let (_, card) = s.call("GET", &format!("cards/{card}"), None, None).await;
    assert_eq!(card["Validity"], "VALID");
}

#[tokio::test]
async fn endpoints_not_simulated_answer_501_naming_them_and_unknown_ids_stay_404() {
    let s = sim().await;
    for (method, path) in [
        ("DELETE", "payins/wt_1"),
        ("GET", "refunds/123"),
        ("POST", "payins/card/web"),
    ] {
        let (status, v) = s.call(method, path, None, Some(json!({}))).await;
        assert_eq!(status, 501, "{method} {path}: {v}");
        assert_eq!(v["Type"], "not_simulated");
        let named = v["errors"]["Endpoint"].as_str().unwrap();
        assert!(
            named.starts_with(&format!(
                "{method} /v2.01/{{ClientId}}/{path} is not simulated"
            )),
            "{named}"
        );
    }
    let (status, v) = s.call("GET", "payins/wt_nope", None, None).await;
    assert_eq!(
        (status, v["Type"].as_str()),
        (404, Some("ressource_not_found"))
    );
    let r = s
        .http
        .get(format!("{}/v3/anything", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 501);
}

#[tokio::test]
async fn what_clients_created_is_forgotten_after_the_retention_period() {
    let s = sim().await;
    let (_, user) = s
        .call(
            "POST",
            "users/natural",
            None,
            Some(json!({"FirstName": "A", "LastName": "B", "Email": "a@example.com"})),
        )
        .await;
    let user_id = user["Id"].as_str().unwrap().to_owned();
    let (_, wallet) = s
        .call(
            "POST",
            "wallets",
            None,
            Some(json!({"Owners": [user_id], "Description": "w", "Currency": "EUR"})),
        )
        .await;
    let (status, wallets) = s
        .call("GET", &format!("users/{user_id}/wallets"), None, None)
        .await;
    assert_eq!((status, wallets.as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!(wallets[0]["Id"], wallet["Id"]);

    let card = s.card("4970107111111119", "EUR").await;
    let key = "retention-key-0000000001";
    let (status, done) = s
        .call(
            "POST",
            "payins/card/direct",
            Some(key),
            Some(payin(&card, 1000)),
        )
        .await;
    assert_eq!((status, done["Status"].as_str()), (200, Some("SUCCEEDED")));
    let challenge_card = s.card("4970105181818183", "EUR").await;
    let (_, open) = s
        .call(
            "POST",
            "payins/card/direct",
            None,
            Some(payin(&challenge_card, 1000)),
        )
        .await;
    assert_eq!(open["Status"], "CREATED");
    let done_id = done["Id"].as_str().unwrap();
    let open_id = open["Id"].as_str().unwrap();

    s.settings
        .clock
        .advance(threeds_wire::sandbox::DEFAULT_RETENTION);
    for path in [
        format!("payins/{done_id}"),
        format!("responses/{key}"),
        format!("users/{user_id}"),
        format!("wallets/{}", wallet["Id"].as_str().unwrap()),
        format!("cards/{card}"),
    ] {
        let (status, v) = s.call("GET", &path, None, None).await;
        assert_eq!(status, 404, "{path} is forgotten: {v}");
    }
    // A pay-in that was still waiting for its challenge is kept until a period after.
    let (status, v) = s
        .call("GET", &format!("payins/{open_id}"), None, None)
        .await;
    assert_eq!(
        (status, v["ResultCode"].as_str()),
        (200, Some("101304")),
        "{v}"
    );
    s.settings
        .clock
        .advance(threeds_wire::sandbox::DEFAULT_RETENTION);
    assert_eq!(
        s.call("GET", &format!("payins/{open_id}"), None, None)
            .await
            .0,
        404
    );
    // The seeded payer stays.
    assert_eq!(
        s.call("GET", &format!("users/{SEEDED_USER_ID}"), None, None)
            .await
            .0,
        200
    );
}
