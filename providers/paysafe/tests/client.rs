//! The client against wiremock: the exact request each method sends, and what comes back
//! for every class of answer.
//!
//! Fixtures (`tests/fixtures/`): `request_frictionless_blueprint.json` is the blueprint's
//! "Browser flow with 'Frictionless' Authentication" request (Paysafe 3D Secure 2 API blueprint, syntax fixed);
//! `auth_frictionless_y_blueprint.json` its response (the blueprint's response to that request);
//! `error_5068_field_errors_3ds2_docs.json` the 3DS2 errors page sample (Paysafe 3DS2 errors page). The
//! JWT response is the iOS SDK mock (`JWTResponse+JSON.swift`). Hand-made bodies say what they vary.

use serde_json::{json, Value};
use std::time::Duration;
use threeds_paysafe::client::{Client, Config, Environment};
use threeds_paysafe::sdk::{FinalizeRequest, JwtCard, JwtRequest, SdkInfo};
use threeds_paysafe::{AuthenticationRequest, SdkType};
use threeds_wire::http::{HttpSettings, TransportError};
use threeds_wire::Secret;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "MerchantXYZ";
const PASSWORD: &str = "B-tst1-0-51ed39e4-0302d5c7a1b8";
const ACCOUNT: &str = "1001057260";
/// `base64("MerchantXYZ:B-tst1-0-51ed39e4-0302d5c7a1b8")`.
const BASIC: &str = "Basic TWVyY2hhbnRYWVo6Qi10c3QxLTAtNTFlZDM5ZTQtMDMwMmQ1YzdhMWI4";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn config(server: &MockServer) -> Config {
    let mut c = Config::new(USER, PASSWORD, ACCOUNT, Environment::Custom(server.uri()));
    c.http = HttpSettings {
        timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(1500),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 20,
    };
    c
}

fn client(server: &MockServer) -> Client {
    Client::new(config(server)).unwrap()
}

fn blueprint_request() -> (Value, AuthenticationRequest) {
    let text = fixture("request_frictionless_blueprint.json");
    (
        serde_json::from_str(&text).unwrap(),
        serde_json::from_str(&text).unwrap(),
    )
}

fn auth_path() -> String {
    format!("/threedsecure/v2/accounts/{ACCOUNT}/authentications")
}

#[tokio::test]
async fn authenticate_sends_the_documented_request() {
    let server = MockServer::start().await;
    let (json_body, request) = blueprint_request();
    let p1 = fixture("auth_frictionless_y_blueprint.json");
    Mock::given(method("POST"))
        .and(path(auth_path()))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        // The card number and everything else exactly as the blueprint has them.
        .and(body_json(&json_body))
        .respond_with(ResponseTemplate::new(200).set_body_string(p1.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).authenticate(&request).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.attempts, 1);
    assert_eq!(std::str::from_utf8(&response.body).unwrap(), p1);
    // No idempotency header exists for Paysafe; none is invented.
    let received = server.received_requests().await.unwrap();
    assert!(received[0]
        .headers
        .keys()
        .all(|k| !k.as_str().contains("idempotency")));
}

#[tokio::test]
async fn get_authentication_uses_the_id_path_and_basic_auth() {
    let server = MockServer::start().await;
    let p1 = fixture("auth_frictionless_y_blueprint.json");
    Mock::given(method("GET"))
        .and(path(format!(
            "{}/123e4567-e89b-12d3-a456-4266554456745",
            auth_path()
        )))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_string(p1))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .get_authentication("123e4567-e89b-12d3-a456-4266554456745")
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let received = server.received_requests().await.unwrap();
    assert!(received[0].body.is_empty());
}

#[tokio::test]
async fn ids_are_encoded_as_one_path_segment_and_dot_segments_are_never_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{}/a%20b", auth_path())))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client(&server)
            .get_authentication("a b")
            .await
            .unwrap()
            .status,
        200
    );
    for id in ["..", ".", "a/b?", "%2e%2e"] {
        assert!(
            matches!(
                client(&server).get_authentication(id).await,
                Err(TransportError::Build { .. })
            ),
            "{id}"
        );
    }
}

#[tokio::test]
async fn error_bodies_come_back_as_they_are_and_are_not_retried() {
    // The errors page's 400 / 5068, a 401 with 5279 (hand-made from its row), and a 409
    // with 5031 (hand-made from its row: a duplicate merchantRefNum must be seen, not retried).
    let cases = [
        (400, fixture("error_5068_field_errors_3ds2_docs.json"), "5068"),
        (
            401,
            json!({"error": {"code": "5279", "message": "The authentication credentials are invalid."}})
                .to_string(),
            "5279",
        ),
        (
            409,
            json!({"error": {"code": "5031", "message": "The transaction you have submitted has already been processed."}})
                .to_string(),
            "5031",
        ),
    ];
    let (_, request) = blueprint_request();
    for (status, body, code) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(auth_path()))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("X-Application-Status-Code", code)
                    .set_body_string(body.clone()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let response = client(&server).authenticate(&request).await.unwrap();
        assert_eq!(response.status, status);
        assert_eq!(response.header("x-application-status-code"), Some(code));
        assert_eq!(std::str::from_utf8(&response.body).unwrap(), body);
    }
}

#[tokio::test]
async fn a_failing_post_is_never_replayed() {
    let (_, request) = blueprint_request();
    for status in [500, 502, 503, 429] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).insert_header("Retry-After", "0"))
            .expect(1)
            .mount(&server)
            .await;
        let response = client(&server).authenticate(&request).await.unwrap();
        assert_eq!((response.status, response.attempts), (status, 1));
    }
}

#[tokio::test]
async fn a_timed_out_post_is_reported_not_replayed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(4000)))
        .expect(1)
        .mount(&server)
        .await;
    let (_, request) = blueprint_request();
    let error = client(&server).authenticate(&request).await.unwrap_err();
    assert!(
        matches!(error, TransportError::TimedOut { attempts: 1, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("paysafe.authenticate"));
}

#[tokio::test]
async fn gets_are_retried_on_5xx_429_and_timeouts() {
    // 503 twice, then the answer.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).get_authentication("a1").await.unwrap();
    assert_eq!((response.status, response.attempts), (200, 3));

    // 429 with Retry-After (1200, hand-made from the Paysafe 3DS2 errors page row), then the answer.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "0")
                .set_body_string(r#"{"error":{"code":"1200"}}"#),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let response = client(&server).get_authentication("a1").await.unwrap();
    assert_eq!((response.status, response.attempts), (200, 2));

    // Persistent 502: the last answer is returned after max_attempts.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let response = client(&server).get_authentication("a1").await.unwrap();
    assert_eq!((response.status, response.attempts), (502, 3));

    // Timeouts.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(4000)))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server).get_authentication("a1").await.unwrap_err();
    assert!(
        matches!(error, TransportError::TimedOut { attempts: 3, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn garbage_is_returned_for_the_caller_to_judge() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"id\": \"tru"))
        .mount(&server)
        .await;
    let response = client(&server).get_authentication("a1").await.unwrap();
    assert_eq!(&response.body[..], b"{\"id\": \"tru");
}

#[tokio::test]
async fn an_unreachable_host_is_not_sent() {
    let server = MockServer::start().await;
    let mut c = config(&server);
    drop(server);
    c.environment = Environment::Custom("http://127.0.0.1:9".into());
    let (_, request) = blueprint_request();
    let error = Client::new(c)
        .unwrap()
        .authenticate(&request)
        .await
        .unwrap_err();
    assert!(error.not_sent(), "{error:?}");
    assert!(!error.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn jwt_uses_the_public_key_when_configured() {
    let server = MockServer::start().await;
    let public_key = "cHVibGljLXVzZXI6Qi10c3QxLTAtcHVibGlj";
    // The iOS SDK mock response (`JWTResponse+JSON.swift`).
    let p7 = r#"{"sdk":{"version":"version","type":"type"},"id":"id","accountId":"accountId","jwt":"jwt","card":{"cardBin":"cardBin"},"deviceFingerprintingId":"deviceFingerprintingId"}"#;
    Mock::given(method("POST"))
        .and(path("/threedsecure/v2/jwt"))
        .and(header(
            "authorization",
            format!("Basic {public_key}").as_str(),
        ))
        .and(body_json(json!({
            "accountId": ACCOUNT,
            "card": {"cardBin": "400000"},
            "sdk": {"type": "ANDROID", "version": "1.2.3"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string(p7))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = config(&server);
    c.public_key = Some(Secret::new(public_key));
    let response = Client::new(c)
        .unwrap()
        .jwt(&JwtRequest {
            account_id: Some(ACCOUNT.into()),
            card: Some(JwtCard {
                card_bin: Some("400000".into()),
            }),
            sdk: Some(SdkInfo {
                sdk_type: Some(SdkType::Android),
                version: Some("1.2.3".into()),
            }),
        })
        .await
        .unwrap();
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn jwt_falls_back_to_the_server_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/threedsecure/v2/jwt"))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).jwt(&JwtRequest::default()).await.unwrap();
}

#[tokio::test]
async fn finalize_sends_the_server_jwt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{}/auth-1/finalize", auth_path())))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"payload": "header.claims.signature"})))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .finalize(
            "auth-1",
            &FinalizeRequest {
                payload: Some(Secret::new("header.claims.signature")),
            },
        )
        .await
        .unwrap();
    assert!(response.is_success() && response.body.is_empty());
}

#[tokio::test]
async fn monitor_reads_ready() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/threedsecure/monitor"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"status":"READY"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server).monitor().await.unwrap();
    assert_eq!(&response.body[..], br#"{"status":"READY"}"#);
}

#[tokio::test]
async fn the_base_url_may_carry_a_path_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/paysafe/threedsecure/monitor"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let mut c = config(&server);
    c.environment = Environment::Custom(format!("{}/paysafe/", server.uri()));
    Client::new(c).unwrap().monitor().await.unwrap();
}
