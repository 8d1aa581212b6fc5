//! End-to-end: the PXP flow against the in-process sandbox, driving the simulator's 3DS
//! Method and challenge pages the way a browser would (parsing and submitting their forms).

use std::sync::Arc;
use std::time::{Duration, SystemTime};
use threeds_bridge::flow::{
    AuthenticationFlow, ChallengeResult, DeviceData, Handle, MethodOutcome, Notification, Step,
};
use threeds_bridge::model::{AuthenticationStatus as S, NextAction, NextStep as N, TransStatus};
use threeds_bridge::psp::pxp::flow::{PxpFlow, PxpFlowConfig};
use threeds_bridge::request::{AuthenticationRequest, Browser, Card, Merchant, Urls};
use threeds_bridge::sandbox::{start, RunningSandbox, SandboxOptions};
use threeds_pxp::client::{signing_unverified as signing, Config, Environment};
use threeds_pxp::sandbox as sim;
use threeds_wire::http::HttpSettings;
use threeds_wire::sandbox::{Fault, Form};
use threeds_wire::{CardNumber, Secret};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const FINGERPRINT_CALLBACK: &str = "https://merchant.example/3ds/fingerprint";
const CHALLENGE_CALLBACK: &str = "https://merchant.example/3ds/challenge";

struct World {
    sandbox: RunningSandbox,
    flow: PxpFlow,
    hooks: MockServer,
    http: reqwest::Client,
}

fn settings() -> HttpSettings {
    HttpSettings {
        timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(300),
        max_attempts: 3,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1 << 20,
    }
}

fn flow_config(sandbox: &RunningSandbox, http: HttpSettings) -> PxpFlowConfig {
    PxpFlowConfig {
        client: Config {
            environment: Environment::Custom(format!("{}/api/v1", sandbox.base("pxp"))),
            client_id: sim::CLIENT_ID.into(),
            token_id: sim::TOKEN_ID.into(),
            token_value: Secret::new(sim::TOKEN_VALUE),
            http,
        },
        merchant_group: sim::MERCHANT_GROUP.into(),
        acquirer_profile_id: sim::ACQUIRER_PROFILE_ID.into(),
        acquirer_merchant_id: Some("ACME_MERCHANT_001".into()),
        challenge_window_size: Some(3),
        webhook_key: Some(Secret::new(sim::WEBHOOK_HMAC_KEY)),
    }
}

async fn world(challenge_ttl: Duration) -> World {
    let hooks = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hooks)
        .await;
    let sandbox = start(SandboxOptions {
        challenge_ttl,
        webhook_url: Some(format!("{}/pxp-webhooks", hooks.uri())),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let flow = PxpFlow::new(flow_config(&sandbox, settings()), catalog()).unwrap();
    World {
        sandbox,
        flow,
        hooks,
        http: reqwest::Client::new(),
    }
}

fn request(pan: &str) -> AuthenticationRequest {
    AuthenticationRequest {
        amount: Some(2999),
        currency: Some("EUR".into()),
        card: Some(Card {
            number: Some(CardNumber::new(pan)),
            expiry_month: Some(12),
            expiry_year: Some(2030),
            holder_name: Some("Jane Doe".into()),
            cvv: Some(Secret::new("123")),
            preferred_network: None,
        }),
        merchant: Merchant {
            name: Some("ACME Ltd".into()),
            url: None,
            mcc: Some("5411".into()),
            country: Some("GB".into()),
        },
        urls: Urls {
            method_notification_url: Some(FINGERPRINT_CALLBACK.into()),
            challenge_notification_url: Some(CHALLENGE_CALLBACK.into()),
            ..Urls::default()
        },
        ..AuthenticationRequest::default()
    }
}

fn browser() -> Browser {
    Browser {
        accept_header: Some("text/html".into()),
        java_enabled: Some(false),
        javascript_enabled: Some(true),
        language: Some("en-GB".into()),
        color_depth: Some(24),
        screen_height: Some(1080),
        screen_width: Some(1920),
        timezone_offset_minutes: Some(-60),
        user_agent: Some("Mozilla/5.0 (test)".into()),
        ip_address: Some("192.0.2.10".into()),
    }
}

fn status(step: &Step) -> (S, N) {
    (
        step.authentication().status,
        step.authentication().next_step,
    )
}

impl World {
    /// Posts a form the way a browser does and returns the answer page's first form.
    async fn post_form(&self, url: &str, body: String) -> (u16, String) {
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

    /// Runs the 3DS Method `start` asked for; returns what came back to the callback.
    async fn run_method(&self, step: &Step) -> MethodOutcome {
        match &step.authentication().next_action {
            Some(NextAction::ThreeDsMethod { url, data }) => {
                let data = data.clone().unwrap();
                let body = threeds_wire::http::encode_form([("threeDSMethodData", data.as_str())]);
                let (code, html) = self.post_form(url, body).await;
                assert_eq!(code, 200, "{html}");
                let form = Form::parse_all(&html).remove(0);
                assert_eq!(form.action, FINGERPRINT_CALLBACK);
                MethodOutcome::Completed {
                    data: form.field("threeDSMethodData").map(str::to_owned),
                }
            }
            Some(NextAction::CollectDeviceData) => MethodOutcome::NotRun,
            other => panic!("unexpected next_action {other:?}"),
        }
    }

    async fn device_data(&self, started: &Step) -> Step {
        let method = self.run_method(started).await;
        let handle = started.handle.clone().unwrap();
        self.flow
            .submit_device_data(
                &handle,
                &DeviceData {
                    browser: Some(browser()),
                    method,
                },
            )
            .await
    }

    /// Opens the challenge page; returns its form.
    async fn open_challenge(&self, step: &Step) -> Form {
        let Some(NextAction::Challenge {
            url: Some(url),
            creq: Some(creq),
        }) = &step.authentication().next_action
        else {
            panic!("no challenge: {:?}", step.authentication().next_action);
        };
        let body = threeds_wire::http::encode_form([("creq", creq.as_str())]);
        let (code, html) = self.post_form(url, body).await;
        assert_eq!(code, 200, "{html}");
        Form::parse_all(&html).remove(0)
    }

    /// Submits the challenge form; returns the CRes posted to the callback.
    async fn answer(&self, mut form: Form, password: &str, button: &str) -> String {
        form.fill("password", password);
        let (code, html) = self
            .post_form(&form.action, form.submission(Some(button)))
            .await;
        assert_eq!(code, 200, "{html}");
        let back = Form::parse_all(&html).remove(0);
        assert_eq!(back.action, CHALLENGE_CALLBACK);
        back.field("cres").unwrap().to_owned()
    }

    async fn started(&self, pan: &str) -> Step {
        let step = self.flow.start(&request(pan)).await;
        assert!(step.handle.is_some(), "{:?}", step.normalized);
        step
    }

    /// Runs a challenge to its end with `password` / `button`.
    async fn challenged(&self, pan: &str, password: &str, button: &str) -> (Handle, Step) {
        let started = self.started(pan).await;
        let pending = self.device_data(&started).await;
        assert_eq!(
            status(&pending),
            (S::ChallengeRequired, N::ChallengeCardholder)
        );
        let form = self.open_challenge(&pending).await;
        let cres = self.answer(form, password, button).await;
        let handle = started.handle.unwrap();
        let done = self
            .flow
            .report_challenge(
                &handle,
                &ChallengeResult {
                    cres: Some(cres),
                    params: Vec::new(),
                },
            )
            .await;
        (handle, done)
    }

    /// The webhooks received so far, as notifications.
    async fn webhooks(&self, at_least: usize) -> Vec<Notification> {
        for _ in 0..200 {
            let received = self.hooks.received_requests().await.unwrap_or_default();
            if received.len() >= at_least {
                return received
                    .into_iter()
                    .map(|r| Notification {
                        method: r.method.to_string(),
                        headers: r
                            .headers
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                            .collect(),
                        query: String::new(),
                        body: r.body,
                    })
                    .collect();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("fewer than {at_least} webhooks arrived");
    }
}

#[tokio::test]
async fn frictionless_with_3ds_method_is_authenticated() {
    let w = world(Duration::from_secs(60)).await;
    let started = w.started("4444000000000014").await;
    assert_eq!(status(&started), (S::Pending, N::CompleteDeviceData));
    let handle = started.handle.clone().unwrap();
    // The initiate fields wait in the handle; the card does not.
    let state = handle.state.to_string();
    assert!(state.contains(CHALLENGE_CALLBACK), "{state}");
    assert!(
        !state.contains("4444000000000014") && !state.contains("123\""),
        "{state}"
    );
    assert_eq!(
        started.authentication().three_ds_server_trans_id.as_deref(),
        Some(handle.id.as_str())
    );

    let done = w.device_data(&started).await;
    let a = done.authentication();
    assert_eq!(status(&done), (S::Authenticated, N::Authorize));
    assert_eq!(a.trans_status, Some(TransStatus::Y));
    assert_eq!(a.eci.as_ref().map(|e| e.as_str()), Some("05"));
    assert_eq!(a.liability_shift, Some(true));
    assert!(a.authentication_value.is_some());
    assert_eq!(a.challenged, Some(false));
    // No webhook for a frictionless result: it is in the initiate answer.
    let fetched = w.flow.fetch(&handle).await;
    assert_eq!(fetched.authentication().status, S::Authenticated);
    assert!(w.sandbox.outbox.deliveries().is_empty());
}

#[tokio::test]
async fn issuer_without_3ds_method_collects_device_data_only() {
    let w = world(Duration::from_secs(60)).await;
    let started = w.started("4444000000000006").await;
    assert_eq!(
        started.authentication().next_action,
        Some(NextAction::CollectDeviceData)
    );
    let done = w.device_data(&started).await;
    assert_eq!(status(&done), (S::Authenticated, N::Authorize));
}

#[tokio::test]
async fn frictionless_outcomes_by_magic_card() {
    let w = world(Duration::from_secs(60)).await;
    let cases = [
        (
            "5555000000000016",
            S::Authenticated,
            N::Authorize,
            Some("02"),
        ),
        ("4444000000000022", S::Attempted, N::Authorize, Some("06")),
        ("5555000000000024", S::Attempted, N::Authorize, Some("01")),
        ("4444000000000030", S::Failed, N::DoNotAuthorize, None),
        (
            "4444000000000048",
            S::Unavailable,
            N::AuthorizeAtOwnRisk,
            None,
        ),
        ("4444000000000055", S::Rejected, N::DoNotAuthorize, None),
        ("4444000000000097", S::Error, N::AuthorizeAtOwnRisk, None),
    ];
    for (pan, want, next, eci) in cases {
        let started = w.started(pan).await;
        let done = w.device_data(&started).await;
        assert_eq!(status(&done), (want, next), "{pan}");
        assert_eq!(
            done.authentication().eci.as_ref().map(|e| e.as_str()),
            eci,
            "{pan}"
        );
        if want != S::Authenticated && want != S::Attempted {
            assert_ne!(done.authentication().liability_shift, Some(true), "{pan}");
        }
    }
}

#[tokio::test]
async fn not_enrolled_card_stops_at_pre_initiate() {
    let w = world(Duration::from_secs(60)).await;
    let started = w.started("4444000000000089").await;
    assert_eq!(status(&started), (S::NotEnrolled, N::AuthorizeAtOwnRisk));
    assert_eq!(started.authentication().next_action, None);
    // Initiating anyway is a conflict at the simulator; the flow says wait (fetch again).
    let handle = started.handle.clone().unwrap();
    let tried = w
        .flow
        .submit_device_data(
            &handle,
            &DeviceData {
                browser: Some(browser()),
                method: MethodOutcome::NotRun,
            },
        )
        .await;
    assert_eq!(status(&tried), (S::Error, N::Wait));
    assert_eq!(
        w.flow.fetch(&handle).await.authentication().status,
        S::NotEnrolled
    );
}

#[tokio::test]
async fn challenge_passed_with_verified_webhook_and_duplicate() {
    let w = world(Duration::from_secs(60)).await;
    let (handle, done) = w
        .challenged("4444000000000063", sim::CHALLENGE_PASSWORD, "submit")
        .await;
    assert_eq!(status(&done), (S::Authenticated, N::Authorize));
    assert_eq!(done.authentication().challenged, Some(true));
    assert_eq!(done.authentication().liability_shift, Some(true));

    let hooks = w.webhooks(1).await;
    let from_hook = w.flow.handle_notification(&hooks[0]).await;
    assert_eq!(status(&from_hook), (S::Authenticated, N::Authorize));
    assert_eq!(
        from_hook.handle.as_ref().map(|h| h.id.as_str()),
        Some(handle.id.as_str())
    );
    // Verified and final: normalized from the envelope, no re-fetch warning.
    assert!(
        from_hook
            .normalized
            .explain
            .warnings
            .iter()
            .all(|w| !w.contains("re-fetched")),
        "{:?}",
        from_hook.normalized.explain.warnings
    );

    // A duplicate delivery changes nothing.
    let seq = w.sandbox.outbox.redeliver(0).unwrap();
    w.sandbox
        .outbox
        .settled(seq, Duration::from_secs(2))
        .await
        .unwrap();
    let hooks = w.webhooks(2).await;
    let again = w.flow.handle_notification(&hooks[1]).await;
    assert_eq!(status(&again), status(&from_hook));
    assert_eq!(again.authentication().id, from_hook.authentication().id);

    // A forged copy (body changed, signature kept) is not trusted: the state is re-read.
    let mut forged = hooks[0].clone();
    forged.body = String::from_utf8(forged.body)
        .unwrap()
        .replace("AuthenticationSuccessful", "AuthenticationRejected")
        .into_bytes();
    let checked = w.flow.handle_notification(&forged).await;
    assert_eq!(status(&checked), (S::Authenticated, N::Authorize));
    assert!(checked
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("not trusted (X-Signature does not match)")));
    w.sandbox.shutdown().await;
}

#[tokio::test]
async fn challenge_failed_wrong_password_is_rejected_and_n_card_fails() {
    let w = world(Duration::from_secs(60)).await;
    let (_, done) = w.challenged("4444000000000063", "wrong", "submit").await;
    assert_eq!(status(&done), (S::Rejected, N::DoNotAuthorize));
    let (_, done) = w
        .challenged("5555000000000073", sim::CHALLENGE_PASSWORD, "submit")
        .await;
    assert_eq!(status(&done), (S::Failed, N::DoNotAuthorize));
    assert_eq!(done.authentication().trans_status, Some(TransStatus::N));
}

#[tokio::test]
async fn cancelled_challenge_is_abandoned() {
    let w = world(Duration::from_secs(60)).await;
    let (_, done) = w.challenged("4444000000000063", "", "cancel").await;
    assert_eq!(status(&done), (S::Expired, N::RetryAuthentication));
    assert_eq!(
        done.authentication().reason.as_deref(),
        Some("challenge_abandoned")
    );
}

#[tokio::test]
async fn abandoned_challenge_expires_and_notifies() {
    let w = world(Duration::from_millis(300)).await;
    let started = w.started("4444000000000063").await;
    let pending = w.device_data(&started).await;
    assert_eq!(pending.authentication().status, S::ChallengeRequired);
    let handle = started.handle.clone().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let fetched = w.flow.fetch(&handle).await;
    assert_eq!(status(&fetched), (S::Expired, N::RetryAuthentication));
    assert_eq!(
        fetched.authentication().reason.as_deref(),
        Some("session_expired")
    );
    assert_eq!(fetched.authentication().raw.code.as_deref(), Some("14"));

    // The ACS no longer takes the challenge.
    let form_page = {
        let Some(NextAction::Challenge {
            url: Some(url),
            creq: Some(creq),
        }) = &pending.authentication().next_action
        else {
            panic!()
        };
        w.post_form(
            url,
            threeds_wire::http::encode_form([("creq", creq.as_str())]),
        )
        .await
        .1
    };
    assert!(
        form_page.contains("not waiting for a challenge"),
        "{form_page}"
    );

    let hooks = w.webhooks(1).await;
    let from_hook = w.flow.handle_notification(&hooks[0]).await;
    assert_eq!(status(&from_hook), (S::Expired, N::RetryAuthentication));
    assert_eq!(w.webhooks(1).await.len(), 1, "expiry notifies once");
}

#[tokio::test]
async fn outage_then_recovery() {
    let w = world(Duration::from_secs(60)).await;
    let faults = w.sandbox.faults("pxp").unwrap();

    // A 503 on pre-initiate: a POST is not replayed; the merchant may start again.
    faults.push(Fault::Status(503), 1, Some("/authentications".into()));
    let failed = w.flow.start(&request("4444000000000014")).await;
    assert_eq!(status(&failed), (S::Error, N::RetryAuthentication));
    assert!(failed.handle.is_none());
    let started = w.started("4444000000000014").await;
    let handle = started.handle.clone().unwrap();

    // The initiate times out: nothing reached the simulator; the flow says wait.
    faults.push(Fault::Timeout, 1, Some("browser-authentication".into()));
    let short = PxpFlow::new(
        flow_config(
            &w.sandbox,
            HttpSettings {
                timeout: Duration::from_millis(300),
                ..settings()
            },
        ),
        catalog(),
    )
    .unwrap();
    let data = DeviceData {
        browser: Some(browser()),
        method: w.run_method(&started).await,
    };
    let timed_out = short.submit_device_data(&handle, &data).await;
    assert_eq!(status(&timed_out), (S::Error, N::Wait));
    assert_eq!(
        timed_out.authentication().reason.as_deref(),
        Some("transport_timeout")
    );

    // GETs are retried through two 503s and a 429.
    faults.push(Fault::Status(503), 2, None);
    let still_pending = w.flow.fetch(&handle).await;
    assert_eq!(still_pending.authentication().status, S::Pending);
    faults.push(Fault::RateLimit(0), 1, None);
    assert_eq!(
        w.flow.fetch(&handle).await.authentication().status,
        S::Pending
    );

    // Recovered: the same authentication goes on.
    let done = w.flow.submit_device_data(&handle, &data).await;
    assert_eq!(status(&done), (S::Authenticated, N::Authorize));

    // A garbage 200 body is an error to wait on, not a result.
    faults.push(Fault::Malformed, 1, None);
    let garbage = w.flow.fetch(&handle).await;
    assert_eq!(status(&garbage), (S::Error, N::Wait));
    assert_eq!(
        garbage.authentication().reason.as_deref(),
        Some("unreadable_response")
    );
}

#[tokio::test]
async fn rejected_credentials_and_requests_are_reported() {
    let w = world(Duration::from_secs(60)).await;
    let mut config = flow_config(&w.sandbox, settings());
    config.client.token_value = Secret::new("not-the-token");
    let wrong = PxpFlow::new(config, catalog()).unwrap();
    let denied = wrong.start(&request("4444000000000014")).await;
    assert_eq!(status(&denied), (S::Error, N::Investigate));
    assert_eq!(
        denied.authentication().reason.as_deref(),
        Some("unauthorized")
    );
    assert!(denied
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("HMAC does not match")));
    let rendered = format!("{:?}", denied.normalized);
    assert!(!rendered.contains("not-the-token"));

    // The simulator's 400: a card number that fails Luhn.
    let bad = w.flow.start(&request("4444000000000019")).await;
    assert_eq!(status(&bad), (S::Error, N::FixRequest));
    assert!(bad
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("card.primaryAccountNumber")));
    assert!(!format!("{:?}", bad.normalized).contains("4444000000000019"));

    // Refused before sending: no challenge callback URL.
    let mut incomplete = request("4444000000000014");
    incomplete.urls.challenge_notification_url = None;
    let local = w.flow.start(&incomplete).await;
    assert_eq!(status(&local), (S::Error, N::FixRequest));
    assert!(local
        .authentication()
        .raw
        .message
        .as_deref()
        .unwrap()
        .contains("challengeCallbackUrl"));
}

#[tokio::test]
async fn untrusted_notifications_are_refetched_or_refused() {
    let w = world(Duration::from_secs(60)).await;
    let started = w.started("4444000000000014").await;
    let handle = started.handle.unwrap();
    let claim = serde_json::json!({
        "eventCategory": "Authentication",
        "eventDate": "2025-01-27T08:51:04.826Z",
        "eventData": {"authenticationId": handle.id, "state": "AuthenticationSuccessful",
                      "electronicCommerceIndicator": "05"},
        "eventOwner": {"merchantGroup": sim::MERCHANT_GROUP}
    });
    let unsigned = Notification {
        method: "POST".into(),
        headers: vec![("content-type".into(), "application/json".into())],
        query: String::new(),
        body: claim.to_string().into_bytes(),
    };
    let step = w.flow.handle_notification(&unsigned).await;
    // The claim said successful; PXP says the authentication still waits for device data.
    assert_eq!(status(&step), (S::Pending, N::CompleteDeviceData));
    assert!(step
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("X-Request-Id missing")));

    let nameless = Notification {
        body: br#"{"eventCategory":"Authentication","eventData":{}}"#.to_vec(),
        ..unsigned
    };
    let refused = w.flow.handle_notification(&nameless).await;
    assert_eq!(status(&refused), (S::Error, N::Investigate));
    assert!(refused.handle.is_none());
}

/// A notification signed now with the sandbox's webhook key.
fn signed(body: serde_json::Value) -> Notification {
    let body = body.to_string().into_bytes();
    let request_id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    let timestamp = signing::webhook_timestamp_now();
    let sig =
        signing::webhook_signature(sim::WEBHOOK_HMAC_KEY, request_id, &timestamp, &body).unwrap();
    Notification {
        method: "POST".into(),
        headers: vec![
            ("X-Request-Id".into(), request_id.into()),
            ("X-Signature-Timestamp".into(), timestamp),
            ("X-Signature".into(), sig),
        ],
        query: String::new(),
        body,
    }
}

fn with_header(n: &Notification, name: &str, value: String) -> Notification {
    let mut n = n.clone();
    for (k, v) in n.headers.iter_mut() {
        if k.eq_ignore_ascii_case(name) {
            *v = value.clone();
        }
    }
    n
}

fn warned(step: &Step, what: &str) -> bool {
    step.normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains(what))
}

#[tokio::test]
async fn webhook_headers_cannot_trade_characters_and_old_webhooks_are_refused() {
    let w = world(Duration::from_secs(60)).await;
    let (_, done) = w
        .challenged("4444000000000063", sim::CHALLENGE_PASSWORD, "submit")
        .await;
    assert_eq!(done.authentication().status, S::Authenticated);
    let genuine = w.webhooks(1).await.remove(0);
    let id = genuine.header("x-request-id").unwrap().to_owned();
    let ts = genuine.header("x-signature-timestamp").unwrap().to_owned();
    let sig = genuine.header("x-signature").unwrap().to_owned();

    // Fresh and genuine: taken as it is, no re-fetch.
    let step = w.flow.handle_notification(&genuine).await;
    assert_eq!(status(&step), (S::Authenticated, N::Authorize));
    assert!(!warned(&step, "not trusted"));

    // One character moved from the request id into the timestamp, and back the other way:
    // the signed string is unchanged, so the signature alone would accept both.
    let (head, last) = id.split_at(id.len() - 1);
    let (first, tail) = ts.split_at(1);
    for (forged_id, forged_ts) in [
        (head.to_owned(), format!("{last}{ts}")),
        (format!("{id}{first}"), tail.to_owned()),
    ] {
        assert!(signing::verify_webhook(
            sim::WEBHOOK_HMAC_KEY,
            &forged_id,
            &forged_ts,
            &genuine.body,
            &sig
        )
        .unwrap());
        let forged = with_header(
            &with_header(&genuine, "x-request-id", forged_id),
            "x-signature-timestamp",
            forged_ts,
        );
        let step = w.flow.handle_notification(&forged).await;
        assert!(
            warned(&step, "not trusted"),
            "{:?}",
            step.normalized.explain
        );
        assert!(
            warned(&step, "X-Request-Id is not a UUID")
                || warned(&step, "X-Signature-Timestamp is not Unix seconds"),
            "{:?}",
            step.normalized.explain
        );
    }

    // Ten minutes later the same webhook is stale (a replay): not trusted, re-fetched.
    let later = SystemTime::now() + Duration::from_secs(600);
    let flow = PxpFlow::new(flow_config(&w.sandbox, settings()), catalog())
        .unwrap()
        .with_clock(Arc::new(move || later));
    let step = flow.handle_notification(&genuine).await;
    assert!(
        warned(&step, "outside the accepted window"),
        "{:?}",
        step.normalized.explain
    );
    // A window set wider accepts it again.
    let flow = PxpFlow::new(flow_config(&w.sandbox, settings()), catalog())
        .unwrap()
        .with_clock(Arc::new(move || later))
        .with_webhook_max_age(Duration::from_secs(3600));
    let step = flow.handle_notification(&genuine).await;
    assert!(
        !warned(&step, "not trusted"),
        "{:?}",
        step.normalized.explain
    );
    w.sandbox.shutdown().await;
}

#[tokio::test]
async fn verified_but_stale_or_foreign_events_are_not_taken_at_face_value() {
    let w = world(Duration::from_secs(60)).await;
    let (handle, done) = w
        .challenged("4444000000000063", sim::CHALLENGE_PASSWORD, "submit")
        .await;
    assert_eq!(done.authentication().status, S::Authenticated);

    // An older, non-final event delivered late: re-read, so it cannot roll the state back.
    let late = signed(serde_json::json!({
        "eventCategory": "Authentication",
        "eventDate": "2025-01-27T08:51:04.826Z",
        "eventData": {"authenticationId": handle.id, "state": "PendingCustomerChallenge"},
        "eventOwner": {"merchantGroup": sim::MERCHANT_GROUP}
    }));
    let step = w.flow.handle_notification(&late).await;
    assert_eq!(status(&step), (S::Authenticated, N::Authorize));
    assert!(step
        .normalized
        .explain
        .warnings
        .iter()
        .any(|w| w.contains("re-fetched")));

    // A verified event about something else is reported as what it is.
    let other = signed(serde_json::json!({
        "eventCategory": "Transaction",
        "eventDate": "2025-01-27T08:51:04.826Z",
        "eventData": {"systemTransactionId": "t-1"},
        "eventOwner": {"merchantGroup": sim::MERCHANT_GROUP}
    }));
    let step = w.flow.handle_notification(&other).await;
    assert_eq!(status(&step), (S::Unknown, N::Investigate));
    assert_eq!(
        step.authentication().reason.as_deref(),
        Some("not_an_authentication_event")
    );
    assert!(step.handle.is_none());
}

#[tokio::test]
async fn webhook_ids_that_are_not_one_path_segment_are_refused() {
    let w = world(Duration::from_secs(60)).await;
    for id in ["..", ".", "../../merchant", "x?y", "x#y", "%2e%2e"] {
        let body = serde_json::json!({
            "eventCategory": "Authentication",
            "eventData": {"authenticationId": id, "state": "AuthenticationSuccessful"}
        });
        // Signed or not: the id is refused before anything is fetched.
        for n in [
            signed(body.clone()),
            Notification {
                body: body.to_string().into_bytes(),
                ..Notification::default()
            },
        ] {
            let step = w.flow.handle_notification(&n).await;
            assert_eq!(status(&step), (S::Error, N::Investigate), "{id}");
            assert_eq!(
                step.authentication().reason.as_deref(),
                Some("unusable_notification_id")
            );
            assert!(step.handle.is_none());
        }
    }
    w.sandbox.shutdown().await;
}

/// The catalog every flow of a test shares.
fn catalog() -> std::sync::Arc<threeds_bridge::Catalog> {
    std::sync::Arc::new(threeds_bridge::Catalog::builtin().unwrap())
}
