//! Acme's flow against a loopback wiremock server, reached the way a router or service
//! reaches any PSP: the registry gives the PSP, its `LivePsp` builds a
//! `Box<dyn AuthenticationFlow>` from an `Account` and the shared catalog.

use crate::acme::ACME;
use crate::live::{API_KEY, MERCHANT_ID};
use crate::{acme, catalog};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use threeds_bridge::flow::{Account, AccountError, AuthenticationFlow, ChallengeResult};
use threeds_bridge::model::{AuthenticationStatus as S, NextAction, NextStep, Retry};
use threeds_bridge::psp;
use threeds_bridge::request::{AuthenticationRequest, Browser, Card, Urls};
use threeds_wire::http::HttpSettings;
use threeds_wire::{CardNumber, Secret};
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk_test_acme_51";

fn account(base: &str) -> Account {
    let mut account = Account::new("acme-test", ACME, base)
        .credential(API_KEY, Secret::new(KEY))
        .setting(MERCHANT_ID, "m_123");
    account.http = HttpSettings {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_millis(500),
        max_attempts: 3,
        backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_millis(50),
        max_body_bytes: 1 << 20,
    };
    account
}

/// A flow for `account`, built through the registry only.
fn flow(account: &Account) -> Result<Box<dyn AuthenticationFlow>, AccountError> {
    acme();
    let live = psp::get(account.provider)
        .and_then(|p| p.live())
        .expect("acme has a live flow");
    live.flow(account, Arc::new(catalog()))
}

fn request() -> AuthenticationRequest {
    AuthenticationRequest {
        amount: Some(2500),
        currency: Some("EUR".into()),
        reference: Some("order-42".into()),
        card: Some(Card {
            number: Some(CardNumber::new("4485040371536584")),
            expiry_month: Some(12),
            expiry_year: Some(2031),
            holder_name: Some("Alex Smith".into()),
            ..Default::default()
        }),
        browser: Some(Browser {
            accept_header: Some("text/html".into()),
            user_agent: Some("Mozilla/5.0".into()),
            language: Some("en-GB".into()),
            ip_address: Some("203.0.113.7".into()),
            ..Default::default()
        }),
        urls: Urls {
            return_url: Some("https://merchant.example/acme/return".into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The body Acme is expected to receive: the card in clear (it is sent), the return URL.
fn expected_body() -> Value {
    json!({
        "amount": 2500,
        "currency": "EUR",
        "reference": "order-42",
        "card": {"number": "4485040371536584", "expiry_month": 12, "expiry_year": 2031},
        "return_url": "https://merchant.example/acme/return"
    })
}

/// `POST /v1/authentications` with the account's key and merchant.
fn create() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/v1/authentications"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("acme-merchant", "m_123"))
}

fn get(id: &str) -> wiremock::MockBuilder {
    Mock::given(method("GET"))
        .and(path(format!("/v1/authentications/{id}")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
}

#[tokio::test]
async fn start_frictionless_is_authenticated() {
    let server = MockServer::start().await;
    create()
        .and(body_partial_json(expected_body()))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(crate::authentication("frictionless_success")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let flow = flow(&account(&server.uri())).expect("flow");
    assert_eq!(flow.provider(), ACME);
    let step = flow.start(&request()).await;
    let a = step.authentication();
    assert_eq!(a.status, S::Authenticated, "{:?}", step.normalized.explain);
    assert_eq!(a.next_step, NextStep::Authorize);
    assert_eq!(a.liability_shift, Some(true));
    let handle = step.handle.expect("a handle");
    assert_eq!((handle.provider, handle.id.as_str()), (ACME, "auth_7f3a"));
}

#[tokio::test]
async fn start_challenge_then_fetch_is_authenticated() {
    let server = MockServer::start().await;
    let mut challenge = crate::authentication("challenge_required");
    challenge["trans_status"] = json!("C");
    challenge["cavv"] = Value::Null;
    challenge["challenge_url"] = json!("https://acs.acme.example/challenge/auth_7f3a");
    create()
        .respond_with(ResponseTemplate::new(201).set_body_json(challenge))
        .expect(1)
        .mount(&server)
        .await;
    get("auth_7f3a")
        .respond_with(
            ResponseTemplate::new(200).set_body_json(crate::authentication("challenge_success")),
        )
        .expect(2)
        .mount(&server)
        .await;
    let flow = flow(&account(&server.uri())).expect("flow");

    let step = flow.start(&request()).await;
    assert_eq!(step.authentication().status, S::ChallengeRequired);
    assert_eq!(
        step.authentication().next_step,
        NextStep::ChallengeCardholder
    );
    assert_eq!(
        step.authentication().next_action,
        Some(NextAction::Redirect {
            url: "https://acs.acme.example/challenge/auth_7f3a".into()
        })
    );
    let handle = step.handle.expect("a handle");

    let back = flow
        .report_challenge(&handle, &ChallengeResult::default())
        .await;
    assert_eq!(back.authentication().status, S::Authenticated);
    let fetched = flow.fetch(&handle).await;
    let a = fetched.authentication();
    assert_eq!(a.status, S::Authenticated);
    assert_eq!(a.challenged, Some(true));
    assert_eq!(a.next_step, NextStep::Authorize);
    assert_eq!(a.liability_shift, Some(true));
}

/// A 500 to the creating `POST` is not replayed (it may have created an authentication);
/// the failure rules make it an error to retry at another PSP.
#[tokio::test]
async fn a_500_on_start_is_an_error_retried_elsewhere_and_sent_once() {
    let server = MockServer::start().await;
    create()
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let flow = flow(&account(&server.uri())).expect("flow");
    let step = flow.start(&request()).await;
    let a = step.authentication();
    assert_eq!(a.status, S::Error);
    assert_eq!(a.next_step, NextStep::RetryAuthentication);
    assert_eq!(a.retry, Some(Retry::OtherPsp));
    assert_eq!(a.reason.as_deref(), Some("psp_unavailable"));
    assert_eq!(a.liability_shift, None);
    assert!(step.handle.is_none());
}

/// A 500 to a `GET` is retried by the transport (reading twice changes nothing), and when it
/// persists the authentication is still alive at Acme: wait, nothing to retry.
#[tokio::test]
async fn a_persistent_500_on_fetch_is_wait() {
    let server = MockServer::start().await;
    get("auth_7f3a")
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let flow = flow(&account(&server.uri())).expect("flow");
    let handle = threeds_bridge::flow::Handle::new(ACME, "auth_7f3a");
    let a = flow.fetch(&handle).await.normalized.authentication;
    assert_eq!(a.status, S::Error);
    assert_eq!((a.next_step, a.retry), (NextStep::Wait, None));
}

/// An Acme error body is normalized by Acme's catalog, not by the HTTP status alone.
#[tokio::test]
async fn an_error_body_goes_through_acmes_catalog() {
    let server = MockServer::start().await;
    create()
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "acme_object": "error",
            "error": {"code": "invalid_api_key", "message": "no such key"}
        })))
        .mount(&server)
        .await;
    let flow = flow(&account(&server.uri())).expect("flow");
    let step = flow.start(&request()).await;
    let a = step.authentication();
    assert_eq!(a.status, S::Error);
    assert_eq!(a.next_step, NextStep::Investigate);
    assert_eq!(a.retry, Some(Retry::OtherPsp));
    assert_eq!(a.raw.code.as_deref(), Some("invalid_api_key"));
    assert!(step
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("HTTP 401 with a acme error body")));
}

#[tokio::test]
async fn nothing_listening_is_an_error_never_pending() {
    // Bind a port, then free it: nothing listens there.
    let base = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    let flow = flow(&account(&base)).expect("flow");
    let a = flow.start(&request()).await.normalized.authentication;
    assert_eq!(a.status, S::Error);
    assert_eq!(a.next_step, NextStep::RetryAuthentication);
    assert_eq!(a.retry, Some(Retry::OtherPsp));
}

#[test]
fn accounts_are_checked_by_name() {
    let base = "http://127.0.0.1:9";
    let misspelt = account(base).setting("merchnt_id", "m_123");
    let err = flow(&misspelt)
        .err()
        .expect("a misspelt setting is refused");
    assert!(matches!(err, AccountError::Unexpected { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        "account 'acme-test' (acme): setting 'merchnt_id' is not one acme reads (it reads merchant_id)"
    );

    let mut no_key = account(base);
    no_key.credentials.clear();
    let err = flow(&no_key).err().expect("the key is required");
    assert_eq!(
        err.to_string(),
        "account 'acme-test' (acme): credential 'api_key' is missing"
    );

    // The key never reaches the account's Debug.
    assert!(!format!("{:?}", account(base)).contains(KEY));
}
