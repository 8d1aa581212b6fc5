//! The PXP client against wiremock: the exact requests it sends and what it returns for
//! every class of answer.
//!
//! Request fixtures are PXP's documented examples (developer.pxp.io/guides/3ds/standalone
//! pre-initiate and initiate guides); success bodies are PXP's documented responses
//! (developer.pxp.io/guides/3ds/exemptions and `/standalone/get-authentication`). Error bodies are hand-made: PXP's error body is not
//! published, so they only vary the status and use the simulator's problem shape.

use serde_json::{json, Value};
use std::time::{Duration, SystemTime};
use threeds_pxp::client::signing_unverified as signing;
use threeds_pxp::client::{Client, Config, Environment};
use threeds_pxp::request::{BrowserAuthenticationRequest, PreInitiateRequest};
use threeds_wire::http::{HttpSettings, TransportError};
use threeds_wire::Secret;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLIENT_ID: &str = "client-1";
const TOKEN_ID: &str = "token-1";
const TOKEN_VALUE: &str = "token-value-1";

fn settings() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(1500),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 16,
    }
}

fn client(base: &str) -> Client {
    Client::new(Config {
        environment: Environment::Custom(format!("{base}/api/v1")),
        client_id: CLIENT_ID.into(),
        token_id: TOKEN_ID.into(),
        token_value: Secret::new(TOKEN_VALUE),
        http: settings(),
    })
    .unwrap()
}

/// PXP's standalone pre-initiate example (developer.pxp.io/guides/3ds/standalone/pre-initiate).
fn pre_initiate_example() -> Value {
    json!({
      "amount": { "transactionValue": 29.99, "currencyCode": "EUR" },
      "fingerprintCallbackUrl": "https://example-merchant.com/3ds-fingerprint-callback",
      "acquirerProfileId": "acquirer_profile_123",
      "requestorAuthenticationIndicator": "01",
      "merchantGroup": "merchant_001",
      "card": { "primaryAccountNumber": "4111111111111111", "cardHolderName": "John Doe",
                "expiryMonth": 3, "expiryYear": 2025, "cardVerificationCode": "123" }
    })
}

/// PXP's standalone initiate example (PXP 3DS guides, standalone initiate), shortened to the fields it shows.
fn initiate_example() -> Value {
    json!({
      "fingerprintNotification": "eyJ0aHJlZURTTWV0aG9kTm90aWZpY2F0aW9uVVJMIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS8zZHMtbm90aWZpY2F0aW9uIiwidGhyZWVEU1NlcnZlclRyYW5zSUQiOiIxMjM0NTY3OC05YWJjIn0=",
      "merchantCategoryCode": "5411",
      "merchantCountryNumericCode": "840",
      "merchantLegalName": "ACME Ltd",
      "acquirerMerchantId": "ACME_MERCHANT_001",
      "challengeWindowSize": 3,
      "requestorChallengeIndicator": "01",
      "challengeCallbackUrl": "https://example-merchant.com/3ds-challenge-callback",
      "browserData": { "acceptHeader": "text/html", "colorDepth": 24, "ipAddress": "192.168.1.1",
        "javaEnabled": true, "javaScriptEnabled": true, "language": "en-US", "screenHeight": 1080,
        "screenWidth": 1920, "timeZoneOffsetInMinutes": -420, "userAgent": "Mozilla/5.0" }
    })
}

/// PXP's integrated pre-initiate 200 example (developer.pxp.io/guides/3ds/exemptions).
const PRE_INITIATE_RESPONSE: &str = r#"{
  "authenticationId": "9180c811-ae68-4b40-8910-bfe74a26d65a",
  "state": "PendingClientData",
  "scaMandated": false,
  "applicableExemptions": "LVP,TRA",
  "threeDSecureVersion": "2.2.0",
  "threeDSecureFingerprintUrl": "https://api-services.test.pxp.io/mock/3ds-access-control-server-mock/fingerprint",
  "threeDSecureFingerprintData": "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjkxODBjODExLWFlNjgtNGI0MC04OTEwLWJmZTc0YTI2ZDY1YSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJodHRwczovL3d3dy50ZXN0LTAzIn0=",
  "threeDSecureSupported": true,
  "recommendedChallengeIndicator": null
}"#;

/// PXP's get-authentication 200 example (developer.pxp.io/guides/3ds/standalone/get-authentication).
const GET_RESPONSE: &str = r#"{
  "authenticationId": "550e8400-e29b-41d4-a716-446655440000",
  "state": "PendingClientData",
  "threeDSecureVersion": "2.1.0",
  "directoryServerTransactionId": "8ac7a4a3-7c50-4c48-9b3f-5d8e6f9a1b2c",
  "cardholderAuthenticationVerificationValue": "CAVV1234567890",
  "electronicCommerceIndicator": "05"
}"#;

fn header<'a>(r: &'a Request, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name} missing"))
}

/// Asserts the PXP-UST1 headers of `r` and that its signature covers the body sent.
fn assert_signed(r: &Request) {
    assert_eq!(header(r, "x-client-id"), CLIENT_ID);
    let request_id = header(r, "x-request-id");
    assert_eq!(request_id.len(), 36, "{request_id}");
    let auth = signing::parse_authorization(header(r, "authorization")).unwrap();
    assert_eq!(auth.token_id, TOKEN_ID);
    assert!(signing::timestamp_fresh(auth.timestamp, SystemTime::now()));
    assert!(
        signing::verify_request(TOKEN_VALUE, request_id, auth.timestamp, &r.body, auth.mac)
            .unwrap()
    );
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

#[tokio::test]
async fn pre_initiate_sends_the_documented_body_signed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/threedsecure/standalone/authentications"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(PRE_INITIATE_RESPONSE, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body: PreInitiateRequest = serde_json::from_value(pre_initiate_example()).unwrap();
    let response = client(&server.uri()).pre_initiate(&body).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body, PRE_INITIATE_RESPONSE.as_bytes());

    let reqs = received(&server).await;
    let r = &reqs[0];
    assert_eq!(header(r, "content-type"), "application/json");
    assert_signed(r);
    // The card number and CVC are sent for real (revealed only for the wire).
    let sent: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(sent, pre_initiate_example());
}

#[tokio::test]
async fn initiate_puts_to_the_authentication_path() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(
            "/api/v1/threedsecure/standalone/authentications/9180c811-ae68-4b40-8910-bfe74a26d65a/browser-authentication",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(GET_RESPONSE, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let body: BrowserAuthenticationRequest = serde_json::from_value(initiate_example()).unwrap();
    let response = client(&server.uri())
        .initiate_browser_authentication("9180c811-ae68-4b40-8910-bfe74a26d65a", &body)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let reqs = received(&server).await;
    assert_signed(&reqs[0]);
    let sent: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(sent, initiate_example());
}

#[tokio::test]
async fn get_is_signed_over_an_empty_body_and_ids_are_one_path_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(GET_RESPONSE, "application/json"))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    c.get_authentication("550e8400-e29b-41d4-a716-446655440000")
        .await
        .unwrap();
    c.get_authentication("a b").await.unwrap();
    for bad in ["a/b?c", "..", ".", "%2e%2e", "a#b"] {
        let refused = c.get_authentication(bad).await.unwrap_err();
        assert!(
            matches!(refused, TransportError::Build { .. }),
            "{bad}: {refused}"
        );
    }
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2, "refused ids are never sent");
    assert_eq!(
        reqs[0].url.path(),
        "/api/v1/threedsecure/standalone/authentications/550e8400-e29b-41d4-a716-446655440000"
    );
    assert!(reqs[0].body.is_empty());
    assert_signed(&reqs[0]);
    assert_eq!(
        reqs[1].url.path(),
        "/api/v1/threedsecure/standalone/authentications/a%20b"
    );
    assert_eq!(reqs[1].url.query(), None);

    let empty = c.get_authentication("  ").await.unwrap_err();
    assert!(matches!(empty, TransportError::Build { .. }), "{empty}");
    assert_eq!(
        received(&server).await.len(),
        2,
        "nothing sent for an empty id"
    );
}

#[tokio::test]
async fn error_statuses_come_back_raw_and_writes_are_not_replayed() {
    for status in [400u16, 401, 403, 404, 409, 422, 429, 500, 503] {
        let server = MockServer::start().await;
        let body = json!({"type": "about:blank", "title": "x", "status": status}).to_string();
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(body.clone(), "application/problem+json"),
            )
            .mount(&server)
            .await;
        Mock::given(method("PUT"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_raw(body.clone(), "application/problem+json"),
            )
            .mount(&server)
            .await;
        let c = client(&server.uri());
        let pre: PreInitiateRequest = serde_json::from_value(pre_initiate_example()).unwrap();
        let r = c.pre_initiate(&pre).await.unwrap();
        assert_eq!((r.status, r.attempts), (status, 1), "POST {status}");
        assert_eq!(r.body, body.as_bytes());
        let ini: BrowserAuthenticationRequest = serde_json::from_value(initiate_example()).unwrap();
        let r = c.initiate_browser_authentication("id", &ini).await.unwrap();
        assert_eq!((r.status, r.attempts), (status, 1), "PUT {status}");
        assert_eq!(received(&server).await.len(), 2, "{status}");
    }
}

#[tokio::test]
async fn gets_are_retried_on_5xx_and_429_with_the_same_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(GET_RESPONSE, "application/json"))
        .mount(&server)
        .await;
    let r = client(&server.uri()).get_authentication("x").await.unwrap();
    assert_eq!((r.status, r.attempts), (200, 3));
    let reqs = received(&server).await;
    let ids: Vec<&str> = reqs.iter().map(|r| header(r, "x-request-id")).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");

    // A persistent 5xx ends after max_attempts with the last answer.
    let down = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&down)
        .await;
    let r = client(&down.uri()).get_authentication("x").await.unwrap();
    assert_eq!((r.status, r.attempts), (502, 3));
}

#[tokio::test]
async fn timeouts_retry_gets_but_not_writes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(4000)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(4000)))
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let e = c.get_authentication("x").await.unwrap_err();
    assert!(
        matches!(e, TransportError::TimedOut { attempts: 3, .. }),
        "{e}"
    );
    let pre: PreInitiateRequest = serde_json::from_value(pre_initiate_example()).unwrap();
    let e = c.pre_initiate(&pre).await.unwrap_err();
    assert!(
        matches!(e, TransportError::TimedOut { attempts: 1, .. }),
        "{e}"
    );
    let posts = received(&server)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1);
    // The error names the call and host, never the body or credentials.
    let text = e.to_string();
    assert!(text.contains("pxp.pre_initiate"), "{text}");
    assert!(!text.contains("4111111111111111") && !text.contains(TOKEN_VALUE));
}

#[tokio::test]
async fn garbage_bodies_are_returned_for_the_caller_to_judge() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"authenticationId\": \"tru", "application/json"),
        )
        .mount(&server)
        .await;
    let r = client(&server.uri()).get_authentication("x").await.unwrap();
    assert_eq!((r.status, r.attempts), (200, 1));
    assert_eq!(&r.body[..], b"{\"authenticationId\": \"tru");
}

#[tokio::test]
async fn an_unreachable_host_is_not_sent_and_retried_even_for_writes() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = client(&format!("http://127.0.0.1:{port}"));
    let pre: PreInitiateRequest = serde_json::from_value(pre_initiate_example()).unwrap();
    let e = c.pre_initiate(&pre).await.unwrap_err();
    assert!(
        matches!(e, TransportError::NotSent { attempts: 3, .. }),
        "{e}"
    );
    assert!(e.not_sent());
}

/// An empty token value cannot sign: every call fails before anything is sent, with an
/// error that names the key and shows no value (never a request signed with an empty key).
#[tokio::test]
async fn an_empty_token_value_sends_nothing_and_names_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(GET_RESPONSE, "application/json"))
        .mount(&server)
        .await;
    let c = Client::new(Config {
        environment: Environment::Custom(format!("{}/api/v1", server.uri())),
        client_id: CLIENT_ID.into(),
        token_id: TOKEN_ID.into(),
        token_value: Secret::new(""),
        http: settings(),
    })
    .unwrap();
    let refused = c
        .get_authentication("550e8400-e29b-41d4-a716-446655440000")
        .await
        .unwrap_err();
    assert!(matches!(refused, TransportError::Build { .. }), "{refused}");
    assert!(
        refused.to_string().contains("PXP token value is empty"),
        "{refused}"
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");
}
