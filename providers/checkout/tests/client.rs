//! The Checkout client against wiremock: the exact requests it sends (method, path,
//! headers, auth, body) and what it does with each class of answer.
//!
//! Response bodies are Checkout's published payloads from `fixtures/checkout/` (from the
//! Checkout.com Node and Python SDK tests): `session_create_pending_node.json`,
//! `session_issuer_fingerprint_approved_node.json`, `error_update_not_allowed_variant.json`.

use std::time::Duration;
use threeds_checkout::client::{Auth, Client, ClientError, Config, Environment};
use threeds_checkout::{
    Channel, ChannelData, Completion, CompletionType, IssuerFingerprintRequest, SessionRequest,
    Source, SourceType, ThreeDsMethodCompletion,
};
use threeds_wire::http::{HttpSettings, TransportError};
use threeds_wire::oauth::TokenError;
use threeds_wire::{CardNumber, NumOrStr, Secret};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CREATE_PENDING: &str =
    include_str!("../../../fixtures/checkout/session_create_pending_node.json");
const FINGERPRINT_APPROVED: &str =
    include_str!("../../../fixtures/checkout/session_issuer_fingerprint_approved_node.json");
const UPDATE_NOT_ALLOWED: &str =
    include_str!("../../../fixtures/checkout/error_update_not_allowed_variant.json");

const KEY_ID: &str = "ack_testkeyid";
const KEY_SECRET: &str = "sk-test-secret:with:colons";
const SID: &str = "sid_jlfm4ithpgpefdxgzzdnc3xrc4";

fn settings() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(1500),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 20,
    }
}

fn client(server: &MockServer) -> Client {
    let mut config = Config::new(
        KEY_ID,
        Secret::new(KEY_SECRET),
        Environment::Custom {
            api_base: server.uri(),
            token_url: format!("{}/connect/token", server.uri()),
        },
    );
    config.http = settings();
    Client::new(config).unwrap()
}

fn token_body(token: &str) -> serde_json::Value {
    serde_json::json!({"access_token": token, "expires_in": 3600, "token_type": "Bearer",
                       "scope": "sessions:browser sessions:app"})
}

async fn mount_token(server: &MockServer, token: &str) {
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(token)))
        .mount(server)
        .await;
}

/// The Node SDK test's request example (Checkout.com Node SDK tests), non-hosted.
fn session_request() -> SessionRequest {
    SessionRequest {
        source: Some(Source {
            source_type: Some(SourceType::Card),
            number: Some(CardNumber::new("4485040371536584")),
            expiry_month: Some(1),
            expiry_year: Some(2030),
            ..Source::default()
        }),
        amount: Some(100),
        currency: Some("USD".into()),
        processing_channel_id: Some("pc_zs5fqhybzc2e3jmq3efvybybpq".into()),
        reference: Some("ORD-5023-4E89".into()),
        completion: Some(Completion {
            completion_type: Some(CompletionType::NonHosted),
            callback_url: Some("https://example.com/sessions/callback".into()),
            ..Completion::default()
        }),
        ..SessionRequest::default()
    }
}

fn header_of<'a>(r: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn create_session_fetches_a_token_then_posts_the_card_in_clear() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1").await;
    Mock::given(method("POST"))
        .and(path("/sessions"))
        .respond_with(ResponseTemplate::new(202).set_body_string(CREATE_PENDING))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .create_session(&session_request())
        .await
        .unwrap();
    assert_eq!(response.status, 202);
    assert_eq!(&response.body[..], CREATE_PENDING.as_bytes());

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let token = &requests[0];
    assert_eq!(token.method.as_str(), "POST");
    assert_eq!(token.url.path(), "/connect/token");
    // HTTP Basic of "access key id:secret" (the secret's own colons are kept).
    assert_eq!(
        header_of(token, "authorization"),
        Some("Basic YWNrX3Rlc3RrZXlpZDpzay10ZXN0LXNlY3JldDp3aXRoOmNvbG9ucw==")
    );
    assert_eq!(
        header_of(token, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&token.body),
        "grant_type=client_credentials&scope=sessions%3Abrowser%20sessions%3Aapp"
    );

    let create = &requests[1];
    assert_eq!(create.method.as_str(), "POST");
    assert_eq!(create.url.path(), "/sessions");
    assert_eq!(header_of(create, "authorization"), Some("Bearer tok-1"));
    assert_eq!(header_of(create, "content-type"), Some("application/json"));
    assert_eq!(header_of(create, "accept"), Some("application/json"));
    // Sessions declare no idempotency key (Checkout.com API reference): none is sent.
    assert!(create.headers.get("cko-idempotency-key").is_none());
    let body: serde_json::Value = create.body_json().unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "source": {"type": "card", "number": "4485040371536584", "expiry_month": 1, "expiry_year": 2030},
            "amount": 100,
            "currency": "USD",
            "processing_channel_id": "pc_zs5fqhybzc2e3jmq3efvybybpq",
            "reference": "ORD-5023-4E89",
            "completion": {"type": "non_hosted", "callback_url": "https://example.com/sessions/callback"}
        })
    );
}

#[tokio::test]
async fn the_token_is_reused_and_scopes_are_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/sessions/{SID}")))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATE_PENDING))
        .expect(3)
        .mount(&server)
        .await;
    let mut config = Config::new(
        KEY_ID,
        Secret::new(KEY_SECRET),
        Environment::local(&server.uri()),
    );
    config.http = settings();
    config.scopes = vec!["sessions:browser".into()];
    let c = Client::new(config).unwrap();
    for _ in 0..3 {
        assert_eq!(
            c.get_session(SID, Auth::OAuth, None).await.unwrap().status,
            200
        );
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        "grant_type=client_credentials&scope=sessions%3Abrowser"
    );
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_no_more() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("old")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_token(&server, "new").await;
    Mock::given(method("POST"))
        .and(path("/sessions"))
        .and(header("authorization", "Bearer old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sessions"))
        .and(header("authorization", "Bearer new"))
        .respond_with(ResponseTemplate::new(201).set_body_string(FINGERPRINT_APPROVED))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let response = c.create_session(&session_request()).await.unwrap();
    assert_eq!(response.status, 201);

    // A second 401 after the renewal is returned, not looped on.
    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .expect(2)
        .mount(&server)
        .await;
    let response = client(&server)
        .get_session(SID, Auth::OAuth, None)
        .await
        .unwrap();
    assert_eq!(response.status, 401);
    let tokens = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/connect/token")
        .count();
    assert_eq!(tokens, 2);
}

#[tokio::test]
async fn session_secret_calls_send_the_secret_raw_and_no_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let secret = Secret::new("sek_SuNKcyJPEcCWGvJcKb2/86RVZ5pzM6SxHPefj0uQG7o=");
    Mock::given(method("GET"))
        .and(path(format!("/sessions/{SID}")))
        .and(header("authorization", secret.expose()))
        .and(header("channel", "browser"))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATE_PENDING))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/sessions/{SID}/collect-data")))
        .and(header("authorization", secret.expose()))
        .respond_with(ResponseTemplate::new(200).set_body_string(CREATE_PENDING))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/sessions/{SID}/issuer-fingerprint")))
        .and(header("authorization", secret.expose()))
        .respond_with(ResponseTemplate::new(200).set_body_string(FINGERPRINT_APPROVED))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/sessions/{SID}/complete")))
        .and(header("authorization", secret.expose()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let auth = Auth::SessionSecret(&secret);
    c.get_session(SID, auth, Some(&Channel::Browser))
        .await
        .unwrap();
    // The API reference's collect-data example (ChannelData.yaml), numbers as strings.
    let channel = ChannelData {
        channel: Some(Channel::Browser),
        accept_header: Some("Accept:  *.*, q=0.1".into()),
        java_enabled: Some(true),
        language: Some("FR-fr".into()),
        color_depth: Some(NumOrStr::string("16")),
        screen_height: Some(NumOrStr::string("1080")),
        screen_width: Some(NumOrStr::string("1920")),
        timezone: Some(NumOrStr::string("60")),
        user_agent: Some("Mozilla/5.0".into()),
        three_ds_method_completion: Some(ThreeDsMethodCompletion::Y),
        ip_address: Some("1.12.123.255".into()),
        ..ChannelData::default()
    };
    c.collect_data(SID, &channel, auth).await.unwrap();
    let fp = IssuerFingerprintRequest {
        three_ds_method_completion: Some(ThreeDsMethodCompletion::U),
    };
    c.issuer_fingerprint(SID, &fp, auth).await.unwrap();
    let done = c.complete(SID, auth).await.unwrap();
    assert_eq!(done.status, 204);

    let requests = server.received_requests().await.unwrap();
    let body = |i: usize| requests[i].body_json::<serde_json::Value>().unwrap();
    assert_eq!(
        body(1),
        serde_json::json!({"channel": "browser", "accept_header": "Accept:  *.*, q=0.1",
            "java_enabled": true, "language": "FR-fr", "color_depth": "16",
            "screen_height": "1080", "screen_width": "1920", "timezone": "60",
            "user_agent": "Mozilla/5.0", "ip_address": "1.12.123.255",
            "three_ds_method_completion": "Y"})
    );
    assert_eq!(
        body(2),
        serde_json::json!({"three_ds_method_completion": "U"})
    );
    assert!(requests[3].body.is_empty());
    assert_eq!(requests[3].method.as_str(), "POST");
}

#[tokio::test]
async fn session_ids_that_are_not_one_path_segment_are_never_sent() {
    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    for id in ["sid_x/../../admin?y", "..", ".", "sid_%2e%2e", "sid_a#b"] {
        match client(&server).get_session(id, Auth::OAuth, None).await {
            Err(ClientError::Transport(TransportError::Build { operation, detail })) => {
                assert_eq!(operation, "checkout.get_session");
                assert!(detail.contains("session id"), "{detail}");
            }
            other => panic!("{id}: {other:?}"),
        }
    }
    let sent = server.received_requests().await.unwrap();
    assert!(sent.iter().all(|r| r.method.as_str() != "GET"), "{sent:?}");
    // An id that is one segment is still percent-encoded.
    client(&server)
        .get_session("sid_a b", Auth::OAuth, None)
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.last().unwrap().url.path(), "/sessions/sid_a%20b");
}

#[tokio::test]
async fn post_sessions_is_never_replayed_after_it_was_sent() {
    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("POST"))
        .and(path("/sessions"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .create_session(&session_request())
        .await
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(response.attempts, 1);

    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("POST"))
        .and(path("/sessions"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_string(FINGERPRINT_APPROVED)
                .set_delay(Duration::from_millis(4000)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .create_session(&session_request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Transport(TransportError::TimedOut { attempts: 1, .. })
        ),
        "{err}"
    );
    // The same for the PUT that runs the DS round trip.
    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let fp = IssuerFingerprintRequest {
        three_ds_method_completion: Some(ThreeDsMethodCompletion::Y),
    };
    let r = client(&server)
        .issuer_fingerprint(SID, &fp, Auth::OAuth)
        .await
        .unwrap();
    assert_eq!(r.status, 502);
}

#[tokio::test]
async fn get_is_retried_on_5xx_and_429_with_retry_after() {
    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(FINGERPRINT_APPROVED))
        .with_priority(3)
        .mount(&server)
        .await;
    let response = client(&server)
        .get_session(SID, Auth::OAuth, None)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.attempts, 3);
}

#[tokio::test]
async fn error_bodies_come_back_unchanged() {
    let server = MockServer::start().await;
    mount_token(&server, "t").await;
    Mock::given(method("POST"))
        .and(path(format!("/sessions/{SID}/complete")))
        .respond_with(ResponseTemplate::new(403).set_body_string(UPDATE_NOT_ALLOWED))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(409).set_body_string(
            r#"{"request_id":"r","error_type":"duplicate_requests_detected","error_codes":["session_already_in_use"]}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": \"sid_trunc"))
        .mount(&server)
        .await;
    let c = client(&server);
    let r = c.complete(SID, Auth::OAuth).await.unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(&r.body[..], UPDATE_NOT_ALLOWED.as_bytes());
    let fp = IssuerFingerprintRequest {
        three_ds_method_completion: Some(ThreeDsMethodCompletion::Y),
    };
    assert_eq!(
        c.issuer_fingerprint(SID, &fp, Auth::OAuth)
            .await
            .unwrap()
            .status,
        409
    );
    // Garbage is the caller's to judge; the client hands it over.
    let r = c.get_session(SID, Auth::OAuth, None).await.unwrap();
    assert_eq!(&r.body[..], b"{\"id\": \"sid_trunc");
}

#[tokio::test]
async fn token_failures_are_token_errors_that_name_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error":"invalid_client"}"#))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = client(&server)
        .create_session(&session_request())
        .await
        .unwrap_err();
    match &err {
        ClientError::Token(e) => match e.as_ref() {
            TokenError::Rejected(r) => assert_eq!(r.status, 401),
            other => panic!("{other}"),
        },
        other => panic!("{other}"),
    }
    let text = err.to_string();
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(!text.contains(KEY_SECRET));

    // A 200 without a token.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"token_type":"Bearer"}"#))
        .mount(&server)
        .await;
    let err = client(&server)
        .get_session(SID, Auth::OAuth, None)
        .await
        .unwrap_err();
    assert!(matches!(&err, ClientError::Token(e) if matches!(**e, TokenError::Unreadable(..))));
}

#[tokio::test]
async fn an_unreachable_api_is_not_sent_and_retried() {
    // A port nothing listens on: connection refused, so even the POST may be retried.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut config = Config::new(
        KEY_ID,
        Secret::new(KEY_SECRET),
        Environment::local(&format!("http://{addr}/checkout")),
    );
    config.http = settings();
    let err = Client::new(config)
        .unwrap()
        .create_session(&session_request())
        .await
        .unwrap_err();
    match &err {
        ClientError::Token(e) => match e.as_ref() {
            TokenError::Transport(TransportError::NotSent { attempts, .. }) => {
                assert_eq!(*attempts, 3)
            }
            other => panic!("{other}"),
        },
        other => panic!("{other}"),
    }
}
