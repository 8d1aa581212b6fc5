//! The simulator over HTTP: auth checks, validation and error bodies, response shapes,
//! the device-fingerprint step, the challenge page and its expiry.
//!
//! Run with `cargo test -p threeds-paysafe --features sandbox --test simulator`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use threeds_paysafe::sandbox::{
    public_key, PaysafeSimulator, ACCOUNT_ID, API_KEY_PASSWORD, API_KEY_USER, OTHER_ACCOUNT_ID, OTP,
};
use threeds_wire::http::encode_component;
use threeds_wire::sandbox::{Clock, Form, SimSettings, Simulator, DEFAULT_RETENTION};

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

#[tokio::test]
async fn credentials_are_checked() {
    let s = sim(Duration::from_secs(60)).await;
    let path = format!("/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications/x");
    assert_error(&s.call("GET", &path, None, None).await, 401, "5280");
    let wrong = format!("Basic {}", STANDARD.encode(format!("{API_KEY_USER}:nope")));
    assert_error(&s.call("GET", &path, Some(&wrong), None).await, 401, "5279");
    assert_error(
        &s.call("GET", &path, Some("Bearer abc"), None).await,
        401,
        "5279",
    );
    assert_error(
        &s.call("GET", &path, Some("Basic !!!"), None).await,
        401,
        "5279",
    );
    // The public key is for the SDK calls only.
    let public = format!("Basic {}", public_key());
    assert_error(
        &s.call("GET", &path, Some(&public), None).await,
        403,
        "5270",
    );
    let jwt = s
        .call(
            "POST",
            "/threedsecure/v2/jwt",
            Some(&public),
            Some(&json!({"accountId": ACCOUNT_ID, "card": {"cardBin": "400000"}, "sdk": {"type": "IOS", "version": "1"}})),
        )
        .await;
    assert_eq!(jwt.status, 200);
    // The iOS SDK mock's shape.
    assert_eq!(
        keys(&jwt.body),
        set(&[
            "id",
            "jwt",
            "deviceFingerprintingId",
            "accountId",
            "card",
            "sdk"
        ])
    );
    assert_eq!(jwt.body["jwt"].as_str().unwrap().split('.').count(), 3);
}

#[tokio::test]
async fn monitor_and_unknown_paths() {
    let s = sim(Duration::from_secs(60)).await;
    let m = s.call("GET", "/threedsecure/monitor", None, None).await;
    assert_eq!(
        (m.status, m.body.clone()),
        (200, json!({"status": "READY"}))
    );
    // What the simulator does not cover is named in a 501, not a 404 / 405 that would
    // claim Paysafe has no such endpoint.
    for (method, path) in [
        ("GET", "/threedsecure/v3/nothing"),
        ("DELETE", "/threedsecure/monitor"),
        ("GET", "/cardpayments/v1/accounts/1001000010/auths"),
    ] {
        let a = s.call(method, path, Some(&server_auth()), None).await;
        assert_error(&a, 501, "NOT_SIMULATED");
        let message = a.body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("{method} {path} is not simulated")),
            "{message}"
        );
    }
    // An unknown id on a covered endpoint stays Paysafe's 404.
    assert_error(&s.get(ACCOUNT_ID, "no-such-id").await, 404, "5269");
}

#[tokio::test]
async fn authentications_are_forgotten_after_the_retention_period() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let request = body("4000000000002701", &fp);
    let first = s.authenticate(&request).await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let id = first.body["id"].as_str().unwrap().to_owned();
    assert_eq!(s.get(ACCOUNT_ID, &id).await.status, 200);
    assert_error(&s.authenticate(&request).await, 409, "5031");

    s.clock.advance(DEFAULT_RETENTION - Duration::from_secs(1));
    assert_eq!(s.get(ACCOUNT_ID, &id).await.status, 200, "kept until then");
    s.clock.advance(Duration::from_secs(2));
    assert_error(&s.get(ACCOUNT_ID, &id).await, 404, "5269");
    // The fingerprint is gone too, and with it the merchantRefNum's reservation.
    let fresh = s.fingerprint(ACCOUNT_ID).await;
    let mut again = request.clone();
    again["deviceFingerprintingId"] = json!(fresh);
    assert_eq!(s.authenticate(&again).await.status, 200);
    assert_eq!(
        s.authenticate(&request).await.status,
        400,
        "old fingerprint forgotten"
    );
}

#[tokio::test]
async fn an_open_challenge_outlives_retention_until_it_ends() {
    let s = sim(Duration::from_secs(7200)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let open = s.authenticate(&body("4000000000002503", &fp)).await;
    assert_eq!(open.body["status"], "PENDING", "{:?}", open.body);
    let id = open.body["id"].as_str().unwrap().to_owned();
    s.clock.advance(DEFAULT_RETENTION + Duration::from_secs(1));
    let still = s.get(ACCOUNT_ID, &id).await;
    assert_eq!(still.body["status"], "PENDING", "{:?}", still.body);
    // The challenge times out at 2 h; a retention period after that it is gone.
    s.clock.advance(Duration::from_secs(3600));
    assert_eq!(
        s.get(ACCOUNT_ID, &id).await.body["statusReason"],
        "TRANSACTION_TIMED_OUT_ACS"
    );
    s.clock.advance(DEFAULT_RETENTION);
    assert_error(&s.get(ACCOUNT_ID, &id).await, 404, "5269");
}

#[tokio::test]
async fn validation_answers_5068_with_field_errors() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let mut request = body("4000000000002701", &fp);
    let map = request.as_object_mut().unwrap();
    map.remove("deviceFingerprintingId");
    map.remove("amount");
    map.remove("merchantUrl");
    map["card"].as_object_mut().unwrap().remove("holderName");
    let a = s.authenticate(&request).await;
    assert_error(&a, 400, "5068");
    // The errors page's envelope.
    assert_eq!(a.body["error"]["message"], "Field Error(s)");
    assert_eq!(
        a.body["error"]["details"][0],
        "Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."
    );
    let fields: BTreeSet<String> = a.body["error"]["fieldErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        set(&[
            "deviceFingerprintingId",
            "amount",
            "merchantUrl",
            "card.holderName"
        ])
    );
    let amount = a.body["error"]["fieldErrors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "amount")
        .unwrap();
    assert_eq!(amount["error"], "An amount is required.");

    // A fingerprint never issued, or issued for another account.
    let other = s.fingerprint(OTHER_ACCOUNT_ID).await;
    for fp in ["123e4567-e89b-12d3-a456-426655440000".to_owned(), other] {
        let a = s.authenticate(&body("4000000000002701", &fp)).await;
        assert_error(&a, 400, "5068");
        assert_eq!(
            a.body["error"]["fieldErrors"][0]["field"],
            "deviceFingerprintingId"
        );
    }

    // A value of the wrong JSON type names its field without quoting the value.
    let mut typed = body("4000000000002701", &fp);
    typed["amount"] = json!("ten euros");
    let a = s.authenticate(&typed).await;
    assert_error(&a, 400, "5068");
    assert_eq!(a.body["error"]["fieldErrors"][0]["field"], "amount");
    assert!(!a.body.to_string().contains("ten euros"));
    assert!(!a.body.to_string().contains("4000000000002701"));
}

#[tokio::test]
async fn request_level_errors() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let path = "/threedsecure/v2/accounts/999/authentications";
    assert_error(
        &s.call(
            "POST",
            path,
            Some(&server_auth()),
            Some(&body("4000000000002701", &fp)),
        )
        .await,
        400,
        "5016",
    );
    // Not JSON.
    let auth_path = format!(
        "{}/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications",
        s.base
    );
    let r = s
        .http
        .post(&auth_path)
        .header("authorization", server_auth())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.headers()["x-application-status-code"], "5023");
    // Wrong Content-Type and Accept.
    let r = s
        .http
        .post(&auth_path)
        .header("authorization", server_auth())
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 406);
    assert_eq!(r.headers()["x-application-status-code"], "5272");
    let r = s
        .http
        .post(&auth_path)
        .header("authorization", server_auth())
        .header("content-type", "application/json")
        .header("accept", "application/xml")
        .body(body("4000000000002701", &fp).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-application-status-code"], "5271");
    // A brand the 3DS2 API does not take, a payment token, a 3DS server error.
    assert_error(
        &s.authenticate(&body("6011000000000004", &fp)).await,
        400,
        "5050",
    );
    let mut token = body("4000000000002701", &fp);
    token["card"] = json!({"paymentToken": "Cn9pfiMc4vQ0ppx"});
    assert_error(&s.authenticate(&token).await, 400, "5502");
    assert_error(
        &s.authenticate(&body("4000000000001125", &fp)).await,
        502,
        "1001",
    );
}

#[tokio::test]
async fn duplicate_reference_is_409_5031() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let request = body("4000000000002701", &fp);
    assert_eq!(s.authenticate(&request).await.status, 200);
    assert_error(&s.authenticate(&request).await, 409, "5031");
}

#[tokio::test]
async fn frictionless_answers_have_p1s_shape() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let a = s.authenticate(&body("4000000000002701", &fp)).await;
    assert_eq!(a.status, 200);
    let p1_keys = set(&[
        "id",
        "cavv",
        "eci",
        "status",
        "threeDResult",
        "txnTime",
        "amount",
        "currency",
        "merchantRefNum",
        "merchantUrl",
        "card",
        "billingDetails",
        "profile",
        "directoryServerTransactionId",
        "threeDSecureVersion",
        "threeDSecureServerTransactionId",
    ]);
    assert_eq!(keys(&a.body), p1_keys);
    assert_eq!(a.body["status"], "COMPLETED");
    assert_eq!(a.body["threeDResult"], "Y");
    assert_eq!(a.body["eci"], 5);
    assert_eq!(a.body["cavv"].as_str().unwrap().len(), 28);
    assert_eq!(
        a.body["card"],
        json!({"cardExpiry": {"month": 12, "year": 2030}, "cardBin": "400000",
               "lastDigits": "2701", "holderName": "John Smith", "type": "VI"})
    );
    let id = a.body["id"].as_str().unwrap();
    // The blueprint's "Get Authentication": GET returns the same body.
    assert_eq!(s.get(ACCOUNT_ID, id).await.body, a.body);
    // Another account's path does not find it; nor does an unknown id.
    assert_error(&s.get(OTHER_ACCOUNT_ID, id).await, 404, "5269");
    assert_error(&s.get(ACCOUNT_ID, "nope").await, 404, "5269");

    let cases = [
        ("5200000000002235", "Y", Some(2), true, None),
        ("4000000000002719", "A", Some(6), true, None),
        (
            "4000000000002925",
            "N",
            Some(7),
            false,
            Some("CARD_AUTHENTICATION_FAILED"),
        ),
        (
            "5200000000002276",
            "N",
            Some(0),
            false,
            Some("CARD_AUTHENTICATION_FAILED"),
        ),
        ("4000000000002313", "U", Some(7), false, None),
        (
            "4000000000002537",
            "R",
            Some(7),
            false,
            Some("SUSPECTED_FRAUD"),
        ),
        ("4111111111111111", "Y", Some(5), true, None),
    ];
    for (pan, result, eci, cavv, reason) in cases {
        let a = s.authenticate(&body(pan, &fp)).await;
        assert_eq!(a.body["status"], "COMPLETED", "{pan}");
        assert_eq!(a.body["threeDResult"], result, "{pan}");
        assert_eq!(a.body["eci"].as_u64(), eci, "{pan}");
        assert_eq!(a.body.get("cavv").is_some(), cavv, "{pan}");
        assert_eq!(a.body["statusReason"].as_str(), reason, "{pan}");
    }
    let rejected = s.authenticate(&body("4000000000002537", &fp)).await;
    assert!(rejected.body["cardholderDisplayText"].is_string());
    // Bypassed: no protocol ran.
    let bypassed = s.authenticate(&body("4000000000002560", &fp)).await;
    assert_eq!(bypassed.body["threeDResult"], "U");
    assert!(bypassed.body.get("threeDSecureVersion").is_none());
    assert!(bypassed.body.get("directoryServerTransactionId").is_none());
}

#[tokio::test]
async fn threeds1_fallback_answers() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let n = s.authenticate(&body("4000000000000051", &fp)).await.body;
    assert_eq!(
        (
            n["status"].clone(),
            n["threeDEnrollment"].clone(),
            n["eci"].clone(),
            n["threeDSecureVersion"].clone()
        ),
        (json!("COMPLETED"), json!("N"), json!(6), json!("1.0.2"))
    );
    assert!(n.get("threeDResult").is_none() && n.get("directoryServerTransactionId").is_none());
    let mc = s.authenticate(&body("5200000000000056", &fp)).await.body;
    assert_eq!(mc["eci"], 0);
    let u = s.authenticate(&body("4000000000000069", &fp)).await.body;
    assert_eq!(u["threeDEnrollment"], "U");
    // Enrolled: the blueprint's "Fallback to 1.0" shape.
    let p = s.authenticate(&body("4000000000000002", &fp)).await.body;
    assert_eq!(p["status"], "PENDING");
    assert_eq!(p["threeDEnrollment"], "Y");
    for key in ["acsUrl", "xid", "payload", "sdkChallengePayload"] {
        assert!(p[key].is_string(), "{key}");
    }
    assert!(p.get("threeDResult").is_none());
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

#[tokio::test]
async fn challenge_answers_have_p2s_shape_and_complete_through_the_page() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    let p2_keys = set(&[
        "id",
        "acsUrl",
        "status",
        "threeDResult",
        "txnTime",
        "amount",
        "currency",
        "merchantRefNum",
        "merchantUrl",
        "card",
        "billingDetails",
        "profile",
        "directoryServerTransactionId",
        "threeDSecureVersion",
        "payload",
        "sdkChallengePayload",
        "threeDSecureServerTransactionId",
    ]);
    assert_eq!(keys(&a), p2_keys);
    assert_eq!(
        (a["status"].as_str(), a["threeDResult"].as_str()),
        (Some("PENDING"), Some("C"))
    );
    let id = a["id"].as_str().unwrap();
    let acs_url = a["acsUrl"].as_str().unwrap();
    assert!(acs_url.starts_with(&s.base));
    // The SDK payload decodes to the mobile SDKs' shape (Paysafe mobile SDKs).
    let decoded: Value = serde_json::from_slice(
        &STANDARD
            .decode(a["sdkChallengePayload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        keys(&decoded),
        set(&[
            "id",
            "transactionId",
            "payload",
            "accountId",
            "acsUrl",
            "cardBin",
            "cardType",
            "threeDSecureVersion"
        ])
    );
    assert_eq!(
        (decoded["id"].as_str(), decoded["acsUrl"].as_str()),
        (Some(id), Some(acs_url))
    );
    assert_eq!(decoded["payload"], a["payload"]);
    // The payload is a base64url CReq naming the ACS transaction of the page.
    let creq: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(a["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(creq["messageType"], "CReq");
    assert!(acs_url.ends_with(creq["acsTransID"].as_str().unwrap()));

    assert_eq!(
        challenge(&s, acs_url, OTP, "submit").await,
        vec![("id".to_owned(), id.to_owned())]
    );
    let done = s.get(ACCOUNT_ID, id).await.body;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["threeDResult"], "Y");
    assert_eq!(done["eci"], 5);
    assert!(done["cavv"].is_string());
    for gone in ["acsUrl", "payload", "sdkChallengePayload"] {
        assert!(done.get(gone).is_none(), "{gone}");
    }
    // Once finished the page does not take another answer.
    let again = s
        .http
        .get(acs_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("already finished") && Form::parse_all(&again).is_empty());
    // A CReq of another transaction is refused.
    let r = s
        .http
        .post(acs_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("creq=eyJhY3NUcmFuc0lEIjoib3RoZXIifQ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        s.http
            .get(format!("{}/acs/challenge/nope", s.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn challenge_failures_and_expiry() {
    let s = sim(Duration::from_millis(200)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    // challenge -> N card.
    let a = s.authenticate(&body("4000000000002370", &fp)).await.body;
    challenge(&s, a["acsUrl"].as_str().unwrap(), OTP, "submit").await;
    let done = s.get(ACCOUNT_ID, a["id"].as_str().unwrap()).await.body;
    assert_eq!(
        (done["threeDResult"].as_str(), done["statusReason"].as_str()),
        (Some("N"), Some("CARD_AUTHENTICATION_FAILED"))
    );
    assert!(done.get("cavv").is_none());
    // Cancel: N without a reason.
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    challenge(&s, a["acsUrl"].as_str().unwrap(), "", "cancel").await;
    let done = s.get(ACCOUNT_ID, a["id"].as_str().unwrap()).await.body;
    assert_eq!(done["threeDResult"], "N");
    assert!(done.get("statusReason").is_none());
    // Opened by an SDK-style POST without a callback: the answer posts to merchantUrl.
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    let acs_url = a["acsUrl"].as_str().unwrap();
    let page = s
        .http
        .post(acs_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("creq={}", a["payload"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = Form::parse_all(&page).remove(0);
    assert_eq!(form.field("callback"), None);
    form.fill("password", OTP);
    let answer = s
        .http
        .post(&form.action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.submission(Some("submit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let posted = Form::parse_all(&answer).remove(0);
    assert_eq!(posted.action, "https://mysite.com");
    assert_eq!(
        posted.fields,
        vec![("id".to_owned(), a["id"].as_str().unwrap().to_owned())]
    );
    // Step-up unavailable.
    let a = s.authenticate(&body("4000000000001117", &fp)).await.body;
    challenge(&s, a["acsUrl"].as_str().unwrap(), OTP, "submit").await;
    assert_eq!(
        s.get(ACCOUNT_ID, a["id"].as_str().unwrap()).await.body["threeDResult"],
        "U"
    );

    // Abandoned: after the TTL the ACS times it out (read lazily on GET).
    let a = s.authenticate(&body("5200000000002235", &fp)).await;
    assert_eq!(a.body["status"], "COMPLETED");
    let pending = s.authenticate(&body("4000000000002503", &fp)).await.body;
    let v1 = s.authenticate(&body("4000000000000002", &fp)).await.body;
    tokio::time::sleep(Duration::from_millis(350)).await;
    let expired = s
        .get(ACCOUNT_ID, pending["id"].as_str().unwrap())
        .await
        .body;
    assert_eq!(expired["status"], "COMPLETED");
    assert_eq!(expired["threeDResult"], "N");
    assert_eq!(expired["statusReason"], "TRANSACTION_TIMED_OUT_ACS");
    assert_eq!(expired["eci"], 7);
    // 3DS 1.0.2 has no message to end it: still PENDING, but its page is closed.
    s.sim.sweep();
    let still = s.get(ACCOUNT_ID, v1["id"].as_str().unwrap()).await.body;
    assert_eq!(still["status"], "PENDING");
    let page = s
        .http
        .get(v1["acsUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("timed out"));
}

#[tokio::test]
async fn sweep_expires_without_a_request() {
    let s = sim(Duration::from_millis(50)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.sim.sweep();
    let page = s
        .http
        .get(a["acsUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("timed out"));
}

#[tokio::test]
async fn sdk_challenges_end_with_a_server_jwt_for_finalize() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let mut request = body("4000000000002503", &fp);
    request["deviceChannel"] = json!("SDK");
    let a = s.authenticate(&request).await.body;
    let id = a["id"].as_str().unwrap();
    let finalize = format!("/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications/{id}/finalize");
    let public = format!("Basic {}", public_key());
    // Before the challenge no JWT is good.
    let early = s
        .call(
            "POST",
            &finalize,
            Some(&public),
            Some(&json!({"payload": "a.b.c"})),
        )
        .await;
    assert_error(&early, 400, "5068");
    assert_eq!(early.body["error"]["fieldErrors"][0]["field"], "payload");
    let fields = challenge(&s, a["acsUrl"].as_str().unwrap(), OTP, "submit").await;
    let jwt = fields
        .iter()
        .find(|(k, _)| k == "serverJwt")
        .map(|(_, v)| v.clone())
        .unwrap();
    let ok = s
        .call(
            "POST",
            &finalize,
            Some(&public),
            Some(&json!({"payload": jwt})),
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body, Value::String(String::new()));
    // The same JWT does not finalize another authentication.
    let other = s
        .authenticate(&with_new_reference(request.clone()))
        .await
        .body;
    let other_id = other["id"].as_str().unwrap();
    let wrong = s
        .call(
            "POST",
            &format!("/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications/{other_id}/finalize"),
            Some(&public),
            Some(&json!({"payload": jwt})),
        )
        .await;
    assert_error(&wrong, 400, "5068");
    let missing = s
        .call("POST", &finalize, Some(&public), Some(&json!({})))
        .await;
    assert_error(&missing, 400, "5068");
}

/// A copy of a request with a fresh merchantRefNum.
fn with_new_reference(mut request: Value) -> Value {
    request["merchantRefNum"] = json!(format!(
        "ref-{}",
        REF.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    request
}

#[tokio::test]
async fn banner_names_the_credentials_and_the_otp() {
    let s = sim(Duration::from_secs(60)).await;
    let banner = s.sim.banner();
    let text: String = banner.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    for needle in [
        s.base.as_str(),
        API_KEY_USER,
        API_KEY_PASSWORD,
        ACCOUNT_ID,
        OTP,
        "webhooks",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
}
