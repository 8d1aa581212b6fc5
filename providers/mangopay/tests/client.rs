//! The Mangopay client against wiremock: the exact requests it sends (method, path,
//! headers, auth, body) and what it does with each class of answer.
//!
//! Fixtures: the pay-in request is the docs' REST example (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin,
//! `Mangopay/docs snippets/code/rest-create-direct-card-payin.mdx`); pay-in answers are the
//! documented examples (in `fixtures/mangopay/`, named where used); error bodies are the
//! documented ones (docs.mangopay.com/api-reference/overview). Hand-made bodies say what they vary.

use base64::Engine;
use serde_json::{json, Value};
use std::time::Duration;
use threeds_mangopay::client::{
    is_unsure, CardDetails, CardRegistration, Client, ClientError, Config, Environment, HookRequest,
};
use threeds_mangopay::DirectCardPayInRequest;
use threeds_wire::http::{HttpSettings, TransportError};
use threeds_wire::oauth::TokenError;
use threeds_wire::{CardNumber, Secret};
use wiremock::matchers::{body_json, body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "acme-platform";
const API_KEY: &str = "k3y-Th4t-Must-Never-Leak";
const TOKEN: &str = "094696b3724d4aa5a182eac360dcd537";
const KEY: &str = "5b0b2b8e-4c2f-4f7e-9d0e-2a9b7c1d3e4f";

/// Corpus `payin_created_challenge_redirect.json` (create-direct-card-payin.mdx 200).
const CREATED: &str =
    include_str!("../../../fixtures/mangopay/payin_created_challenge_redirect.json");
/// Corpus `api_error_409_idempotency.json` (idempotency.mdx).
const CONFLICT: &str = include_str!("../../../fixtures/mangopay/api_error_409_idempotency.json");
/// Corpus `api_error_401_invalid_credentials.json` (authentication.mdx).
const EXPIRED: &str =
    include_str!("../../../fixtures/mangopay/api_error_401_invalid_credentials.json");
/// Corpus `api_error_param_error_recurring_cit.json`.
const PARAM_ERROR: &str =
    include_str!("../../../fixtures/mangopay/api_error_param_error_recurring_cit.json");

fn settings(timeout_ms: u64) -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_millis(timeout_ms),
        connect_timeout: Duration::from_millis(300),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 20,
    }
}

fn client_with(server: &MockServer, timeout_ms: u64) -> Client {
    let mut config = Config::new(
        CLIENT_ID,
        Secret::new(API_KEY),
        Environment::Custom(server.uri()),
    );
    config.http = settings(timeout_ms);
    Client::new(config).unwrap()
}

fn client(server: &MockServer) -> Client {
    client_with(server, 1500)
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{API_KEY}"))
    )
}

/// The token endpoint, exactly as authentication.mdx describes the request.
async fn token_endpoint(server: &MockServer, expected_calls: u64) {
    Mock::given(method("POST"))
        .and(path("/v2.01/oauth/token"))
        .and(header("authorization", basic().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": TOKEN, "token_type": "bearer", "expires_in": 1199}),
        ))
        .expect(expected_calls)
        .mount(server)
        .await;
}

/// The create-direct-card-payin REST example (rest-create-direct-card-payin.mdx).
fn docs_request() -> Value {
    json!({
      "Tag": "Created using Mangopay API Postman Collection",
      "AuthorId": "user_m_01JHQRCND66XP99SVBXQRP54MF",
      "DebitedFunds": { "Currency": "EUR", "Amount": 57842 },
      "Fees": { "Currency": "EUR", "Amount": 8877 },
      "CreditedWalletId": "wlt_m_01JHQRD0WZ1QWKNAMQF93E5M15",
      "SecureMode": "DEFAULT",
      "CardId": "card_m_iWdaSvYItChPyoia",
      "SecureModeReturnURL": "https://docs.mangopay.com/please-ignore",
      "StatementDescriptor": "Mangopay",
      "BrowserInfo": {
        "AcceptHeader": "text/html, application/xhtml+xml, application/xml;q=0.9, /;q=0.8",
        "JavaEnabled": true, "Language": "en", "ColorDepth": 4,
        "ScreenHeight": 1800, "ScreenWidth": 400, "TimeZoneOffset": 60,
        "UserAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 13_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "JavascriptEnabled": true
      },
      "IpAddress": "658e:1b88:7f7a:a60b:32af:0b7f:56e1:2e9a",
      "Billing": { "FirstName": "Alex", "LastName": "Smith",
        "Address": { "AddressLine1": "6 rue de la Cité", "AddressLine2": "Appartement 3",
          "City": "Paris", "Region": "Île-de-France", "PostalCode": "75001", "Country": "FR" } }
    })
}

fn payin_body() -> DirectCardPayInRequest {
    serde_json::from_value(docs_request()).unwrap()
}

const PAYIN_PATH: &str = "/v2.01/acme-platform/payins/card/direct";
const RESPONSES_PATH: &str = "/v2.01/acme-platform/responses/5b0b2b8e-4c2f-4f7e-9d0e-2a9b7c1d3e4f";

/// "View an API Response" around `resource` (view-api-response.mdx shape).
fn stored(status: &str, resource: Value) -> Value {
    json!({
        "StatusCode": status, "ContentLength": "591",
        "ContentType": "application/json; charset=utf-8",
        "Date": "Tue, 19 Jul 2022 08:47:59 GMT",
        "RequestURL": "https://api.mangopay.com/V2.01/acme-platform/payins/card/direct",
        "Resource": resource,
    })
}

#[tokio::test]
async fn payin_post_is_exactly_the_documented_request() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("idempotency-key", KEY))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(docs_request()))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATED))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.create_card_payin(&payin_body(), KEY).await.unwrap();
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["Status"], "CREATED");
}

#[tokio::test]
async fn the_token_is_reused_across_calls() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/v2.01/acme-platform/payins/wt_1"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATED))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    for _ in 0..3 {
        assert_eq!(c.get_payin("wt_1").await.unwrap().status, 200);
    }
}

#[tokio::test]
async fn an_expired_token_is_renewed_once() {
    let server = MockServer::start().await;
    token_endpoint(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/v2.01/acme-platform/payins/wt_1"))
        .respond_with(ResponseTemplate::new(401).set_body_string(EXPIRED))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2.01/acme-platform/payins/wt_1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATED))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.get_payin("wt_1").await.unwrap().status, 200);
}

#[tokio::test]
async fn a_second_401_is_returned_not_looped() {
    let server = MockServer::start().await;
    token_endpoint(&server, 2).await;
    Mock::given(method("GET"))
        .and(path("/v2.01/acme-platform/payins/wt_1"))
        .respond_with(ResponseTemplate::new(401).set_body_string(EXPIRED))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.get_payin("wt_1").await.unwrap().status, 401);
}

#[tokio::test]
async fn a_401_of_another_kind_does_not_renew_the_token() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    // Hand-made: a 401 without Mangopay's body (a proxy's, say).
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.get_payin("wt_1").await.unwrap().status, 401);
}

#[tokio::test]
async fn a_locked_account_is_a_token_error_with_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2.01/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "unauthorized_client",
            "error_description": "This account has been temporarily locked for security reasons. Please try again later."
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    match c.get_payin("wt_1").await {
        Err(ClientError::Token(TokenError::Rejected(r))) => assert_eq!(r.status, 400),
        other => panic!("expected a rejected token request, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_idempotency_key_is_refused_before_sending() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    let c = client(&server);
    match c.create_card_payin(&payin_body(), "too-short").await {
        Err(ClientError::Transport(TransportError::Build { detail, .. })) => {
            assert!(detail.contains("Idempotency-Key"), "{detail}")
        }
        other => panic!("expected a build error, got {other:?}"),
    }
    let sent: Vec<Request> = server.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| r.url.path() == "/v2.01/oauth/token"));
}

#[tokio::test]
async fn a_param_error_is_returned_as_is_and_not_replayed() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_string(PARAM_ERROR))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(RESPONSES_PATH))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c
        .create_card_payin_recovering(&payin_body(), KEY)
        .await
        .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(&r.body[..], PARAM_ERROR.as_bytes());
}

#[tokio::test]
async fn a_409_is_answered_from_the_stored_response() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .respond_with(ResponseTemplate::new(409).set_body_string(CONFLICT))
        .expect(1)
        .mount(&server)
        .await;
    let created: Value = serde_json::from_str(CREATED).unwrap();
    Mock::given(method("GET"))
        .and(path(RESPONSES_PATH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(stored("200", created.clone())))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c
        .create_card_payin_recovering(&payin_body(), KEY)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(serde_json::from_slice::<Value>(&r.body).unwrap(), created);
}

#[tokio::test]
async fn a_503_without_a_stored_answer_is_sent_again_with_the_same_key() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .and(header("idempotency-key", KEY))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .and(header("idempotency-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATED))
        .expect(1)
        .mount(&server)
        .await;
    // Hand-made 404 in Mangopay's ressource_not_found shape: no answer for the key.
    Mock::given(method("GET"))
        .and(path(RESPONSES_PATH))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "Message": "The ressource does not exist", "Type": "ressource_not_found",
            "Id": "x", "Date": 1, "errors": null
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c
        .create_card_payin_recovering(&payin_body(), KEY)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let posts = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == PAYIN_PATH)
        .count();
    assert_eq!(posts, 2, "one POST, one resend after the 404");
}

#[tokio::test]
async fn a_timeout_is_resolved_from_the_stored_response() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(CREATED)
                .set_delay(Duration::from_millis(4000)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created: Value = serde_json::from_str(CREATED).unwrap();
    Mock::given(method("GET"))
        .and(path(RESPONSES_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(stored("200", created)))
        .expect(1)
        .mount(&server)
        .await;
    let c = client_with(&server, 1000);
    let r = c
        .create_card_payin_recovering(&payin_body(), KEY)
        .await
        .unwrap();
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn when_nothing_resolves_the_first_failure_is_returned() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    // The first POST and one resend with the same key per round.
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .and(header("idempotency-key", KEY))
        .respond_with(ResponseTemplate::new(502))
        .expect(4)
        .mount(&server)
        .await;
    // The look-ups fail too: 3 rounds, each a GET the transport retries 3 times.
    Mock::given(method("GET"))
        .and(path(RESPONSES_PATH))
        .respond_with(ResponseTemplate::new(500))
        .expect(9)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.create_card_payin_recovering(&payin_body(), KEY).await;
    assert!(is_unsure(&r));
    assert_eq!(r.unwrap().status, 502);
}

#[tokio::test]
async fn a_proxy_404_then_a_409_stays_unsure_and_stops_resending() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .and(header("idempotency-key", KEY))
        .respond_with(ResponseTemplate::new(504))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // The resend meets the used key: the original exists or is in flight.
    Mock::given(method("POST"))
        .and(path(PAYIN_PATH))
        .and(header("idempotency-key", KEY))
        .respond_with(ResponseTemplate::new(409).set_body_string(CONFLICT))
        .expect(1)
        .mount(&server)
        .await;
    // A proxy's 404: no Mangopay error body. It proves nothing.
    Mock::given(method("GET"))
        .and(path(RESPONSES_PATH))
        .respond_with(ResponseTemplate::new(404))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.create_card_payin_recovering(&payin_body(), KEY).await;
    assert!(is_unsure(&r));
    assert_eq!(
        r.unwrap().status,
        409,
        "the 409 says more than the first 504"
    );
}

#[tokio::test]
async fn a_get_is_retried_after_429_and_5xx_and_garbage_is_returned_raw() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    // Corpus bad_real_rate_limit_placeholders_docs.json is not JSON; the documented
    // rate_limit body with its placeholders filled in.
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"Message": "Rate limit exceeded. Please contact support for more assistance",
                                      "Type": "rate_limit", "Id": "x", "Date": 1, "errors": null})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    // Hand-made: a truncated body.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"Id\": \"wt_"))
        .with_priority(3)
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.get_payin("wt_1").await.unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.attempts, 3);
    assert_eq!(&r.body[..], b"{\"Id\": \"wt_");
}

#[tokio::test]
async fn an_unreachable_api_is_a_transport_error_that_names_the_call() {
    let c = Client::new({
        let mut config = Config::new(
            CLIENT_ID,
            Secret::new(API_KEY),
            Environment::Custom("http://127.0.0.1:9".into()),
        );
        config.http = settings(200);
        config
    })
    .unwrap();
    let e = c.get_payin("wt_1").await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("mangopay.oauth_token"), "{text}");
    assert!(!text.contains(API_KEY));
    assert!(!format!("{c:?}").contains(API_KEY));
}

#[tokio::test]
async fn tokenization_posts_the_form_without_the_bearer_token() {
    let server = MockServer::start().await;
    let no_auth = |r: &Request| !r.headers.contains_key("authorization");
    Mock::given(method("POST"))
        .and(path("/api/mangopay/vault/tokenize/abc"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "data=PRE%2Bdata&accessKeyRef=1X0m87dmM2LiwFgxPLBJ&cardNumber=4970107111111119&cardExpirationDate=1229&cardCvx=123",
        ))
        .and(no_auth)
        .respond_with(ResponseTemplate::new(200).set_body_string("data=qc_ShKapgXF"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let registration = CardRegistration {
        card_registration_url: Some(format!("{}/api/mangopay/vault/tokenize/abc", server.uri())),
        access_key: Some("1X0m87dmM2LiwFgxPLBJ".into()),
        preregistration_data: Some("PRE+data".into()),
        ..Default::default()
    };
    let card = CardDetails {
        number: CardNumber::new("4970107111111119"),
        expiration: "1229".into(),
        cvx: Secret::new("123"),
    };
    let r = c.tokenize_card(&registration, &card).await.unwrap();
    assert_eq!(&r.body[..], b"data=qc_ShKapgXF");
}

#[tokio::test]
async fn card_details_go_only_to_https_for_mangopay_environments() {
    let c = Client::new(Config::new(
        CLIENT_ID,
        Secret::new(API_KEY),
        Environment::Sandbox,
    ))
    .unwrap();
    let registration = CardRegistration {
        card_registration_url: Some("http://pci.example/tokenize".into()),
        access_key: Some("a".into()),
        preregistration_data: Some("b".into()),
        ..Default::default()
    };
    let card = CardDetails {
        number: CardNumber::new("4970107111111119"),
        expiration: "1229".into(),
        cvx: Secret::new("123"),
    };
    match c.tokenize_card(&registration, &card).await {
        Err(ClientError::Transport(TransportError::Build { detail, .. })) => {
            assert!(detail.contains("https"), "{detail}");
            assert!(!detail.contains("4970107111111119"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn hooks_and_card_registrations_use_the_documented_paths() {
    let server = MockServer::start().await;
    token_endpoint(&server, 1).await;
    Mock::given(method("POST"))
        .and(path("/v2.01/acme-platform/hooks"))
        .and(header("idempotency-key", KEY))
        .and(body_json(
            json!({"EventType": "PAYIN_NORMAL_SUCCEEDED", "Url": "https://merchant.example/h"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Id": "hook_m_1"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2.01/acme-platform/cardregistrations/cardreg_m_1"))
        .and(body_json(json!({"RegistrationData": "data=x"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Status": "VALIDATED"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let hook = HookRequest {
        event_type: "PAYIN_NORMAL_SUCCEEDED".into(),
        url: "https://merchant.example/h".into(),
        tag: None,
    };
    assert_eq!(c.create_hook(&hook, KEY).await.unwrap().status, 200);
    let update = threeds_mangopay::client::CardRegistrationUpdate {
        registration_data: "data=x".into(),
        card_holder_name: None,
    };
    assert_eq!(
        c.update_card_registration("cardreg_m_1", &update)
            .await
            .unwrap()
            .status,
        200
    );
}
