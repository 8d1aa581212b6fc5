//! The PXP simulator on its own: authentication checks, validation, response shapes, the
//! state machine, pages, expiry and signed webhooks.

use serde_json::{json, Value};
use std::time::Duration;
use threeds_pxp::client::signing_unverified as signing;
use threeds_pxp::client::{request_id, Client, Config, Environment};
use threeds_pxp::fingerprint::decode_method_data;
use threeds_pxp::request::{BrowserAuthenticationRequest, PreInitiateRequest};
use threeds_pxp::response::{Authentication, AuthenticationState};
use threeds_pxp::sandbox::{self as sim, PxpSimulator};
use threeds_wire::http::{encode_form, HttpSettings, Response};
use threeds_wire::sandbox::{Clock, Form, Outbox, SimSettings, Simulator, DEFAULT_RETENTION};
use threeds_wire::Secret;

const CALLBACK_FP: &str = "https://merchant.example/fp";
const CALLBACK_CH: &str = "https://merchant.example/ch";

struct Running {
    base: String,
    sim: PxpSimulator,
    outbox: Outbox,
    client: Client,
    http: reqwest::Client,
    clock: Clock,
}

async fn run(ttl: Duration) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut settings = SimSettings::new(format!("http://{addr}/pxp"));
    settings.challenge_ttl = ttl;
    // Nothing listens there: deliveries are logged with their headers and body, which is
    // what these tests read.
    settings.webhook_url = Some("http://127.0.0.1:9/hooks".into());
    let outbox = settings.outbox.clone();
    let clock = settings.clock.clone();
    let sim = PxpSimulator::new(settings);
    let app = axum::Router::new().nest("/pxp", sim.router());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let base = format!("http://{addr}/pxp");
    let client = Client::new(Config {
        environment: Environment::Custom(format!("{base}/api/v1")),
        client_id: sim::CLIENT_ID.into(),
        token_id: sim::TOKEN_ID.into(),
        token_value: Secret::new(sim::TOKEN_VALUE),
        http: HttpSettings {
            timeout: Duration::from_secs(2),
            max_attempts: 1,
            ..HttpSettings::default()
        },
    })
    .unwrap();
    Running {
        base,
        sim,
        outbox,
        client,
        http: reqwest::Client::new(),
        clock,
    }
}

fn pre(pan: &str) -> PreInitiateRequest {
    serde_json::from_value(json!({
        "amount": {"transactionValue": 29.99, "currencyCode": "EUR"},
        "fingerprintCallbackUrl": CALLBACK_FP,
        "acquirerProfileId": sim::ACQUIRER_PROFILE_ID,
        "requestorAuthenticationIndicator": "01",
        "merchantGroup": sim::MERCHANT_GROUP,
        "card": {"primaryAccountNumber": pan, "expiryMonth": 12, "expiryYear": 2030,
                 "cardVerificationCode": "123"}
    }))
    .unwrap()
}

fn initiate(extra: Value) -> BrowserAuthenticationRequest {
    let mut v = json!({
        "merchantCategoryCode": "5411",
        "merchantCountryNumericCode": "826",
        "merchantLegalName": "ACME Ltd",
        "challengeWindowSize": 3,
        "challengeCallbackUrl": CALLBACK_CH,
        "browserData": {"acceptHeader": "text/html", "colorDepth": 24, "javaEnabled": false,
            "javaScriptEnabled": true, "language": "en-GB", "screenHeight": 1080,
            "screenWidth": 1920, "timeZoneOffsetInMinutes": 0, "userAgent": "test",
            "ipAddress": "192.0.2.1"}
    });
    if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            m.insert(k.clone(), x.clone());
        }
    }
    serde_json::from_value(v).unwrap()
}

fn json_of(r: &Response) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

impl Running {
    async fn pre_initiated(&self, pan: &str) -> Value {
        let r = self.client.pre_initiate(&pre(pan)).await.unwrap();
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        json_of(&r)
    }

    async fn initiated(&self, pan: &str, extra: Value) -> (String, Value) {
        let p = self.pre_initiated(pan).await;
        let id = p["authenticationId"].as_str().unwrap().to_owned();
        let r = self
            .client
            .initiate_browser_authentication(&id, &initiate(extra))
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        (id, json_of(&r))
    }

    async fn form_post(&self, url: &str, body: String) -> String {
        self.http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Sends a raw request with chosen headers to the pre-initiate endpoint.
    async fn raw_post(
        &self,
        headers: &[(&str, String)],
        body: &str,
    ) -> (u16, Value, Option<String>) {
        let mut req = self
            .http
            .post(format!(
                "{}/api/v1/threedsecure/standalone/authentications",
                self.base
            ))
            .header("content-type", "application/json")
            .body(body.to_owned());
        for (k, v) in headers {
            req = req.header(*k, v.as_str());
        }
        let r = req.send().await.unwrap();
        let status = r.status().as_u16();
        let www = r
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(
            r.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        (status, r.json().await.unwrap(), www)
    }
}

fn signed_headers(body: &str, token_value: &str, timestamp: &str) -> Vec<(&'static str, String)> {
    let rid = request_id();
    vec![
        ("x-client-id", sim::CLIENT_ID.to_owned()),
        ("x-request-id", rid.clone()),
        (
            "authorization",
            signing::authorization(sim::TOKEN_ID, token_value, &rid, timestamp, body.as_bytes())
                .unwrap(),
        ),
    ]
}

#[tokio::test]
async fn requests_without_a_valid_signature_get_401() {
    let s = run(Duration::from_secs(60)).await;
    let body = serde_json::to_string(&json!({"amount": 1})).unwrap();
    let now = signing::timestamp_now();
    let stale = (now.parse::<u64>().unwrap() - 301).to_string();
    let mut wrong_client = signed_headers(&body, sim::TOKEN_VALUE, &now);
    wrong_client[0].1 = "someone-else".into();
    let mut no_request_id = signed_headers(&body, sim::TOKEN_VALUE, &now);
    no_request_id.remove(1);
    let mut wrong_token_id = signed_headers(&body, sim::TOKEN_VALUE, &now);
    wrong_token_id[2].1 = wrong_token_id[2].1.replace(sim::TOKEN_ID, "other-token");
    let mut bearer = signed_headers(&body, sim::TOKEN_VALUE, &now);
    bearer[2].1 = "Bearer abc".into();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (vec![], "X-Client-Id header is missing"),
        (wrong_client, "not a known client"),
        (bearer, "not of the form"),
        (wrong_token_id, "token id"),
        (no_request_id, "X-Request-Id header is missing"),
        (signed_headers(&body, sim::TOKEN_VALUE, &stale), "timestamp"),
        (
            signed_headers(&body, "wrong-value", &now),
            "HMAC does not match",
        ),
    ];
    for (headers, detail) in cases {
        let (status, problem, www) = s.raw_post(&headers, &body).await;
        assert_eq!(status, 401, "{detail}");
        assert_eq!(www.as_deref(), Some("PXP-UST1"));
        assert_eq!(problem["status"], 401);
        assert!(
            problem["detail"].as_str().unwrap().contains(detail),
            "{detail}: {problem}"
        );
    }
    // The same body signed correctly passes authentication (and fails validation).
    let (status, _, _) = s
        .raw_post(&signed_headers(&body, sim::TOKEN_VALUE, &now), &body)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn invalid_requests_get_400_naming_fields_without_values() {
    let s = run(Duration::from_secs(60)).await;
    let now = signing::timestamp_now();
    let send = |body: Value| {
        let body = body.to_string();
        let headers = signed_headers(&body, sim::TOKEN_VALUE, &now);
        let s = &s;
        async move { s.raw_post(&headers, &body).await }
    };
    let (status, p, _) = send(json!({"card": {"primaryAccountNumber": "4444000000000014"}})).await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "amount",
        "fingerprintCallbackUrl",
        "card.expiryMonth",
        "acquirerProfileId",
        "merchantGroup",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }

    let (status, p, _) = send(json!({"card": {"expiryMonth": "4111111111111111"}})).await;
    assert_eq!(status, 400);
    assert!(!p.to_string().contains("4111111111111111"), "{p}");

    let mut integrated =
        threeds_wire::with_secrets_revealed(|| serde_json::to_value(pre("4444000000000014")))
            .unwrap();
    integrated["site"] = json!("SITE1");
    let (status, p, _) = send(integrated).await;
    assert_eq!(status, 400);
    assert!(p["detail"].as_str().unwrap().contains("integrated"));

    let r = s
        .client
        .pre_initiate(&pre("4444000000000019"))
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(
        json_of(&r)["errors"][0]["field"],
        "card.primaryAccountNumber"
    );

    let mut other_group = pre("4444000000000014");
    other_group.merchant_group = Some("OTHER".into());
    assert_eq!(
        s.client.pre_initiate(&other_group).await.unwrap().status,
        403
    );
    let mut other_profile = pre("4444000000000014");
    other_profile.acquirer_profile_id = Some("OTHER".into());
    assert_eq!(
        s.client.pre_initiate(&other_profile).await.unwrap().status,
        400
    );

    let missing = s.client.get_authentication("no-such-id").await.unwrap();
    assert_eq!(missing.status, 404);
    // What the simulator does not cover is a 501 naming it, not a 404 ("no such id").
    let path = "/api/v1/threedsecure/integrated/authentications/x";
    let nowhere = s
        .http
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status().as_u16(), 501);
    let problem: Value = nowhere.json().await.unwrap();
    assert_eq!(problem["status"], 501);
    assert_eq!(problem["instance"], path);
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(&format!("GET {path} is not simulated")),
        "{detail}"
    );
    let wrong_method = s
        .http
        .delete(format!(
            "{}/api/v1/threedsecure/standalone/authentications",
            s.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status().as_u16(), 501);
}

#[tokio::test]
async fn authentications_are_forgotten_after_the_retention_period() {
    let s = run(Duration::from_secs(60)).await;
    let (id, r) = s.initiated("4444000000000014", json!({})).await;
    assert_eq!(r["state"], "AuthenticationSuccessful", "{r}");
    s.clock.advance(DEFAULT_RETENTION - Duration::from_secs(1));
    assert_eq!(s.client.get_authentication(&id).await.unwrap().status, 200);
    s.clock.advance(Duration::from_secs(1));
    assert_eq!(s.client.get_authentication(&id).await.unwrap().status, 404);
}

#[tokio::test]
async fn pre_initiate_returns_pending_client_data_with_method_data() {
    let s = run(Duration::from_secs(60)).await;
    let p = s.pre_initiated("4444000000000014").await;
    let a: Authentication = serde_json::from_value(p.clone()).unwrap();
    let id = a.authentication_id.clone().unwrap();
    assert_eq!(a.state, Some(AuthenticationState::PendingClientData));
    assert_eq!(a.three_d_secure_supported, Some(true));
    assert_eq!(
        a.three_d_secure_fingerprint_url.as_deref(),
        Some(format!("{}/mock/3ds-access-control-server-mock/fingerprint", s.base).as_str())
    );
    let data = decode_method_data(a.three_d_secure_fingerprint_data.as_deref().unwrap()).unwrap();
    assert_eq!(data.three_ds_server_trans_id.as_deref(), Some(id.as_str()));
    assert_eq!(data.notification_url.as_deref(), Some(CALLBACK_FP));

    // The 3DS Method page posts the data back to the merchant's callback.
    let html = s
        .form_post(
            a.three_d_secure_fingerprint_url.as_deref().unwrap(),
            encode_form([(
                "threeDSMethodData",
                a.three_d_secure_fingerprint_data.as_deref().unwrap(),
            )]),
        )
        .await;
    let form = Form::parse_all(&html).remove(0);
    assert_eq!(form.action, CALLBACK_FP);
    assert_eq!(
        form.field("threeDSMethodData"),
        a.three_d_secure_fingerprint_data.as_deref()
    );

    let none = s.pre_initiated("4444000000000006").await;
    assert_eq!(none["threeDSecureFingerprintUrl"], "");
    assert_eq!(none["threeDSecureFingerprintData"], "");
    let unsupported = s.pre_initiated("4444000000000089").await;
    assert_eq!(unsupported["threeDSecureSupported"], false);
    assert_eq!(unsupported["state"], "PendingClientData");
}

#[tokio::test]
async fn frictionless_result_and_state_conflicts() {
    let s = run(Duration::from_secs(60)).await;
    let (id, r) = s.initiated("5555000000000016", json!({})).await;
    assert_eq!(r["state"], "AuthenticationSuccessful");
    assert_eq!(r["electronicCommerceIndicator"], "02");
    assert_eq!(r["threeDSecureTransactionStatus"], "Y");
    assert_eq!(r["cardScheme"], "Mastercard");
    assert_eq!(
        r["cardholderAuthenticationVerificationValue"]
            .as_str()
            .unwrap()
            .len(),
        28
    );
    assert_eq!(r["authenticationFlow"], "Frictionless");
    let got = json_of(&s.client.get_authentication(&id).await.unwrap());
    assert_eq!(got, r, "GET returns what initiate returned");

    let again = s
        .client
        .initiate_browser_authentication(&id, &initiate(json!({})))
        .await
        .unwrap();
    assert_eq!(again.status, 409);

    let p = s.pre_initiated("4444000000000014").await;
    let id = p["authenticationId"].as_str().unwrap();
    let bad = s
        .client
        .initiate_browser_authentication(
            id,
            &initiate(
                json!({"fingerprintNotification": "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6Im90aGVyIn0="}),
            ),
        )
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    assert_eq!(
        json_of(&bad)["errors"][0]["field"],
        "fingerprintNotification"
    );
    let invalid = s
        .client
        .initiate_browser_authentication(id, &initiate(json!({"challengeWindowSize": 9})))
        .await
        .unwrap();
    assert_eq!(invalid.status, 400);

    let (_, failed) = s.initiated("4444000000000030", json!({})).await;
    assert_eq!(failed["state"], "AuthenticationFailed");
    assert_eq!(
        failed["stateData"],
        json!({"code": "01", "reason": "Card authentication failed."})
    );
    let (_, u) = s.initiated("4444000000000048", json!({})).await;
    assert_eq!(
        (
            u["state"].as_str(),
            u["threeDSecureTransactionStatus"].as_str()
        ),
        (Some("AuthenticationFailed"), Some("U"))
    );
    let (_, rejected) = s.initiated("4444000000000055", json!({})).await;
    assert_eq!(rejected["state"], "AuthenticationRejected");
    let (_, error) = s.initiated("4444000000000097", json!({})).await;
    assert_eq!(error["state"], "AuthenticationError");
    assert!(
        s.outbox.deliveries().is_empty(),
        "frictionless results send no webhook"
    );
}

#[tokio::test]
async fn challenge_uses_the_primary_field_names_and_ends_with_a_signed_webhook() {
    let s = run(Duration::from_secs(60)).await;
    // A challenge mandate turns a frictionless card into a challenge.
    let (id, r) = s
        .initiated(
            "4444000000000014",
            json!({"requestorChallengeIndicator": "04"}),
        )
        .await;
    assert_eq!(r["state"], "PendingCustomerChallenge");
    assert_eq!(r["threeDSecureTransactionStatus"], "C");
    for alias in [
        "challengeUrl",
        "challengeData",
        "transStatus",
        "transactionStatus",
        "challengeCancel",
    ] {
        assert!(r.get(alias).is_none(), "{alias} must not be emitted");
    }
    let acs = r["acsUrl"].as_str().unwrap();
    let creq = r["creq"].as_str().unwrap();
    assert!(!creq.contains('=') && !creq.contains('+') && !creq.contains('/'));
    let creq_json: Value =
        serde_json::from_slice(&threeds_pxp::fingerprint::decode_base64(creq).unwrap()).unwrap();
    assert_eq!(creq_json["threeDSServerTransID"], id.as_str());
    assert_eq!(creq_json["acsTransID"], r["acsTransactionId"]);
    assert_eq!(creq_json["challengeWindowSize"], "03");

    let page = s.form_post(acs, encode_form([("creq", creq)])).await;
    assert!(
        page.contains(sim::CHALLENGE_PASSWORD),
        "the page documents the password"
    );
    let mut form = Form::parse_all(&page).remove(0);
    form.fill("password", sim::CHALLENGE_PASSWORD);
    let back = s
        .form_post(&form.action, form.submission(Some("submit")))
        .await;
    let back = Form::parse_all(&back).remove(0);
    assert_eq!(back.action, CALLBACK_CH);
    let cres: Value = serde_json::from_slice(
        &threeds_pxp::fingerprint::decode_base64(back.field("cres").unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(cres["transStatus"], "Y");
    assert_eq!(cres["messageType"], "CRes");

    // Submitting again changes nothing.
    let replay = s
        .form_post(&form.action, form.submission(Some("submit")))
        .await;
    assert!(replay.contains("challenge is over"), "{replay}");

    let got = json_of(&s.client.get_authentication(&id).await.unwrap());
    assert_eq!(got["state"], "AuthenticationSuccessful");
    assert_eq!(got["electronicCommerceIndicator"], "05");
    assert!(got.get("acsUrl").is_none() && got.get("creq").is_none());

    let deliveries = s.outbox.deliveries();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    let h = |name: &str| {
        d.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap()
    };
    assert!(signing::verify_webhook(
        sim::WEBHOOK_HMAC_KEY,
        h("x-request-id"),
        h("x-signature-timestamp"),
        &d.body,
        h("x-signature")
    )
    .unwrap());
    let envelope: Value = serde_json::from_slice(&d.body).unwrap();
    assert_eq!(envelope["eventCategory"], "Authentication");
    assert_eq!(envelope["eventName"], "challenge-completed");
    assert_eq!(envelope["eventOwner"]["merchantGroup"], sim::MERCHANT_GROUP);
    assert_eq!(envelope["eventData"], got);
    assert!(envelope["eventDate"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn abandoned_challenges_expire_in_the_sweep() {
    let s = run(Duration::from_millis(50)).await;
    let (id, r) = s.initiated("4444000000000063", json!({})).await;
    assert_eq!(r["state"], "PendingCustomerChallenge");
    let (id2, r2) = s.initiated("4444000000000063", json!({})).await;
    // The second one's CReq reaches the ACS: its timeout is "other" (04), not "no CReq" (05).
    s.form_post(
        r2["acsUrl"].as_str().unwrap(),
        encode_form([("creq", r2["creq"].as_str().unwrap())]),
    )
    .await;
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 0, "not due yet");
    s.clock.advance(Duration::from_millis(80));
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 2);
    s.sim.sweep();
    assert_eq!(s.outbox.deliveries().len(), 2, "expiry happens once");
    let got = json_of(&s.client.get_authentication(&id).await.unwrap());
    assert_eq!(got["state"], "AuthenticationFailed");
    assert_eq!(got["stateData"]["code"], "14");
    assert_eq!(got["challengeCancelIndicator"], "05");
    let got2 = json_of(&s.client.get_authentication(&id2).await.unwrap());
    assert_eq!(got2["challengeCancelIndicator"], "04");
}

#[test]
fn banner_lists_what_a_client_needs() {
    let s = PxpSimulator::new(SimSettings::new("http://127.0.0.1:8080/pxp"));
    let banner: std::collections::BTreeMap<_, _> = s.banner().into_iter().collect();
    assert_eq!(banner["base URL"], "http://127.0.0.1:8080/pxp/api/v1");
    for (label, value) in [
        ("client id", sim::CLIENT_ID),
        ("token id", sim::TOKEN_ID),
        ("token value", sim::TOKEN_VALUE),
        ("merchant group", sim::MERCHANT_GROUP),
        ("acquirer profile id", sim::ACQUIRER_PROFILE_ID),
        ("webhook HMAC key", sim::WEBHOOK_HMAC_KEY),
        ("challenge password", sim::CHALLENGE_PASSWORD),
    ] {
        assert_eq!(banner[label], value, "{label}");
    }
}
