//! Credentials, the monitor, paths not simulated, retention and the banner.

use super::{assert_error, body, keys, server_auth, set, sim};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;
use std::time::Duration;
use threeds_paysafe::sandbox::{public_key, ACCOUNT_ID, API_KEY_PASSWORD, API_KEY_USER, OTP};
use threeds_wire::sandbox::{Simulator, DEFAULT_RETENTION};

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
