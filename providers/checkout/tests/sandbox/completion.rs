//! Completing a session: the callback post, and hosted sessions that cannot be completed.

use super::{browser, request, start, with_channel};
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn complete_posts_the_callback_and_reports_its_failure() {
    let s = start(Duration::from_secs(60), None).await;
    let merchant = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&merchant)
        .await;
    Mock::given(method("POST"))
        .and(path("/broken"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&merchant)
        .await;
    Mock::given(method("POST"))
        .and(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&merchant)
        .await;
    let session = |callback: &str| {
        let mut b = with_channel(request("4485040371536584"), browser(Some("Y")));
        b["completion"]["callback_url"] = json!(format!("{}{callback}", merchant.uri()));
        b
    };
    // Not final yet: 403.
    let (_, pending) = s.create(request("4485040371536584")).await;
    let (status, v) = s
        .call(
            reqwest::Method::POST,
            &format!("/sessions/{}/complete", pending["id"].as_str().unwrap()),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v["error_codes"], json!(["update_not_allowed_due_to_state"]));

    let (_, v) = s.create(session("/ok")).await;
    let id = v["id"].as_str().unwrap();
    let complete = format!("/sessions/{id}/complete");
    let (status, _) = s
        .call(reqwest::Method::POST, &complete, Some(&s.bearer()), None)
        .await;
    assert_eq!(status, 204);
    let after = s.get(id).await;
    assert_eq!(after["completed"], true);
    assert_eq!(after["next_actions"], json!([]));
    let callback: Value = merchant.received_requests().await.unwrap()[0]
        .body_json()
        .unwrap();
    assert_eq!(callback["session_id"], id);
    assert_eq!(callback["status"], "approved");
    assert_eq!(callback["response_code"], "Y");
    assert!(callback.get("id").is_none());
    // Completing twice is refused by state.
    let (status, _) = s
        .call(reqwest::Method::POST, &complete, Some(&s.bearer()), None)
        .await;
    assert_eq!(status, 403);

    let (_, v) = s.create(session("/broken")).await;
    let (status, body) = s
        .call(
            reqwest::Method::POST,
            &format!("/sessions/{}/complete", v["id"].as_str().unwrap()),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error_type"], "callback_failed");
    assert_eq!(body["error_codes"], json!(["session_callback_failed"]));

    // While one complete waits for the callback, a parallel action is a 409.
    let (_, v) = s.create(session("/slow")).await;
    let path = format!("/sessions/{}/complete", v["id"].as_str().unwrap());
    let bearer = s.bearer();
    let first = s.call(reqwest::Method::POST, &path, Some(&bearer), None);
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        s.call(reqwest::Method::POST, &path, Some(&bearer), None)
            .await
    };
    let ((a, _), (b, conflict)) = tokio::join!(first, second);
    assert_eq!(a, 204);
    assert_eq!(b, 409);
    assert_eq!(conflict["error_type"], "duplicate_requests_detected");
    assert_eq!(conflict["error_codes"], json!(["session_already_in_use"]));
}

#[tokio::test]
async fn hosted_sessions_redirect_and_cannot_be_completed() {
    let s = start(Duration::from_secs(60), None).await;
    let mut body = request("4485040371536584");
    body["completion"] = json!({"type": "hosted", "success_url": "https://m.example/ok",
                                "failure_url": "https://m.example/ko"});
    let (status, v) = s.create(body.clone()).await;
    assert_eq!(status, 202);
    assert_eq!(v["next_actions"], json!(["redirect_cardholder"]));
    let id = v["id"].as_str().unwrap();
    let (status, _) = s
        .call(
            reqwest::Method::POST,
            &format!("/sessions/{id}/complete"),
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 403);
    let r = s
        .http
        .get(v["_links"]["redirect_url"]["href"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"].to_str().unwrap(),
        format!("https://m.example/ok?cko-session-id={id}")
    );
    assert_eq!(s.get(id).await["status"], "approved");
    // App channel data with hosted completion is refused.
    body["channel_data"] = json!({"channel": "app"});
    let (status, v) = s.create(body).await;
    assert_eq!(status, 422);
    assert!(v["error_codes"]
        .as_array()
        .unwrap()
        .contains(&json!("hosted_not_supported_for_app")));
}
