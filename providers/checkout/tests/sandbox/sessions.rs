//! Session requests: validation, the outcome each test card decides, the channel-data and
//! fingerprint steps, cryptograms and network-token sources.

use super::{b64url_json, browser, request, start, with_channel};
use serde_json::{json, Value};
use std::time::Duration;
use threeds_wire::sandbox::Form;

#[tokio::test]
async fn validation_errors_are_422_with_field_codes() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s.create(json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(v["error_type"], "unprocessable_entity");
    assert_eq!(
        v["error_codes"],
        json!([
            "source_required",
            "currency_required",
            "completion_required",
            "processing_channel_id_required"
        ])
    );
    assert!(v["request_id"].as_str().is_some());
    let mut bad = request("4485040371536585");
    bad["amount"] = json!("ten");
    assert_eq!(
        s.create(bad).await.1["error_codes"],
        json!(["amount_invalid"])
    );
    let mut bad = request("4485040371536585");
    bad["processing_channel_id"] = json!("pc_someoneelse000000000000000");
    bad["source"]["expiry_year"] = json!(2001);
    bad["authentication_type"] = json!("recurring");
    bad.as_object_mut().unwrap().remove("amount");
    let (status, v) = s.create(bad).await;
    assert_eq!(status, 422);
    assert_eq!(
        v["error_codes"],
        json!([
            "amount_required",
            "processing_channel_id_invalid",
            "source_number_invalid",
            "card_expired"
        ])
    );
    let r = s
        .http
        .post(format!("{}/sessions", s.base))
        .header("authorization", s.bearer())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error_codes"],
        json!(["request_body_malformed"])
    );
    for (card, code) in [
        ("4484070000035519", "card_not_enrolled"),
        ("4820285375797526", "issuer_not_enrolled"),
    ] {
        let (status, v) = s.create(request(card)).await;
        assert_eq!(status, 422);
        assert_eq!(v["error_codes"], json!([code]));
    }
}

#[tokio::test]
async fn frictionless_cards_decide_the_outcome_in_one_call() {
    let s = start(Duration::from_secs(60), None).await;
    for (card, status, code, eci, approved) in [
        ("4485040371536584", "approved", "Y", "05", true),
        ("5436031030606378", "approved", "Y", "02", true),
        ("4556574722325580", "attempted", "A", "06", true),
        ("4539628347117863", "declined", "N", "07", false),
        ("4275765574319271", "rejected", "R", "07", false),
        ("4024007186645015", "unavailable", "U", "07", false),
        ("4000000000000002", "approved", "Y", "05", true),
    ] {
        let (http, v) = s
            .create(with_channel(request(card), browser(Some("Y"))))
            .await;
        assert_eq!(http, 201, "{card}: {v}");
        assert_eq!(v["status"], status, "{card}");
        assert_eq!(v["response_code"], code, "{card}");
        assert_eq!(v["eci"], eci, "{card}");
        assert_eq!(v["approved"], approved, "{card}");
        assert_eq!(v["challenged"], false);
        assert_eq!(v["next_actions"], json!(["complete"]));
        assert_eq!(v["status_reason"], "ares_status");
        assert_eq!(v["xid"], v["transaction_id"]);
        assert_eq!(
            v["cryptogram"].as_str().map(str::len),
            approved.then_some(28)
        );
        if !approved {
            assert!(v["response_status_reason"].is_string(), "{card}");
        }
        assert!(v["_links"]["complete"]["href"].is_string());
    }
    let (_, v) = s
        .create(with_channel(
            request("4452927588210665"),
            browser(Some("Y")),
        ))
        .await;
    assert_eq!(v["status"], "unavailable");
    assert_eq!(v["status_reason"], "ares_error");
    assert_eq!(v["3ds"]["error_details"]["error_component"], "D");
}

#[tokio::test]
async fn pending_sessions_ask_for_channel_data_and_the_fingerprint() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s.create(request("4485040371536584")).await;
    assert_eq!(status, 202);
    assert_eq!(v["status"], "pending");
    assert_eq!(
        v["next_actions"],
        json!(["collect_channel_data", "issuer_fingerprint"])
    );
    let id = v["id"].as_str().unwrap().to_owned();
    let secret = v["session_secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 48);
    let links = &v["_links"];
    assert!(links["three_ds_method_url"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/simulator/acs/3ds-method"));
    assert!(links["collect_channel_data"]["href"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/sessions/{id}/collect-data")));
    // The channel header filters: the fingerprint is browser-only.
    let r = s
        .http
        .get(format!("{}/sessions/{id}", s.base))
        .header("authorization", s.bearer())
        .header("channel", "app")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["next_actions"],
        json!(["collect_channel_data"])
    );
    // Channel data first, with the session secret.
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/collect-data"),
            Some(&secret),
            Some(browser(None)),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["next_actions"], json!(["issuer_fingerprint"]));
    assert!(v.get("session_secret").is_none());
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/issuer-fingerprint"),
            Some(&secret),
            Some(json!({"three_ds_method_completion": "X"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        v["error_codes"],
        json!(["three_ds_method_completion_invalid"])
    );
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/issuer-fingerprint"),
            Some(&secret),
            Some(json!({"three_ds_method_completion": "Y"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["status"], "approved");
    // Session-secret callers never see eci, cryptogram or the secret (Checkout.com API reference).
    for hidden in ["eci", "cryptogram", "session_secret"] {
        assert!(v.get(hidden).is_none(), "{hidden}");
    }
    let full = s.get(&id).await;
    assert_eq!(full["eci"], "05");
    assert!(full["cryptogram"].is_string());
    // Another session's secret opens nothing.
    let (_, other) = s.create(request("4485040371536584")).await;
    let (status, _) = s
        .call(
            reqwest::Method::GET,
            &format!("/sessions/{}", other["id"].as_str().unwrap()),
            Some(&secret),
            None,
        )
        .await;
    assert_eq!(status, 401);
    let (status, v) = s
        .call(
            reqwest::Method::GET,
            "/sessions/sid_doesnotexist00000000000000",
            Some(&s.bearer()),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(v["error_type"], "not_found");
    // Too late for device data.
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/collect-data"),
            Some(&s.bearer()),
            Some(browser(None)),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(v["error_codes"], json!(["update_not_allowed_due_to_state"]));
}

#[tokio::test]
async fn cards_without_a_method_url_skip_the_fingerprint() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s.create(request("4556085951507152")).await;
    assert_eq!(status, 202);
    assert_eq!(v["next_actions"], json!(["collect_channel_data"]));
    assert!(v["_links"].get("three_ds_method_url").is_none());
    let id = v["id"].as_str().unwrap();
    let (status, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/issuer-fingerprint"),
            Some(&s.bearer()),
            Some(json!({"three_ds_method_completion": "U"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        v["error_codes"],
        json!(["three_ds_method_not_supported_without_url"])
    );
    let (_, v) = s
        .call(
            reqwest::Method::PUT,
            &format!("/sessions/{id}/collect-data"),
            Some(&s.bearer()),
            Some(browser(None)),
        )
        .await;
    assert_eq!(v["status"], "approved");
}

#[tokio::test]
async fn the_3ds_method_page_posts_back_to_the_notification_url() {
    let s = start(Duration::from_secs(60), None).await;
    let (_, v) = s.create(request("4485040371536584")).await;
    let data = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            json!({"threeDSServerTransID": v["transaction_id"],
                   "threeDSMethodNotificationURL": "https://merchant.example/3dsmethod"})
            .to_string(),
        )
    };
    let url = v["_links"]["three_ds_method_url"]["href"].as_str().unwrap();
    let (status, html) = s.form(url, format!("threeDSMethodData={data}")).await;
    assert_eq!(status, 200);
    let forms = Form::parse_all(&html);
    assert_eq!(forms[0].action, "https://merchant.example/3dsmethod");
    let back = b64url_json(forms[0].field("threeDSMethodData").unwrap());
    assert_eq!(back["threeDSServerTransID"], v["transaction_id"]);
    let (status, _) = s.form(url, "threeDSMethodData=%%%".into()).await;
    assert_eq!(status, 400);
}

/// Creates a challenged session (browser data and method completion in the request).

#[tokio::test]
async fn merchant_initiated_challenge_cards_are_unavailable() {
    let s = start(Duration::from_secs(60), None).await;
    let (status, v) = s
        .create(with_channel(
            request("4242424242424242"),
            json!({"channel": "merchant_initiated", "request_type": "recurring_transaction"}),
        ))
        .await;
    assert_eq!(status, 201);
    assert_eq!(v["status"], "unavailable");
    assert_eq!(v["response_code"], "U");
    assert_eq!(v["next_actions"], json!(["complete"]));
    assert!(v.get("acs").is_none());
}

#[tokio::test]
async fn cryptograms_are_canonical_base64_of_20_bytes() {
    use base64::Engine;
    let s = start(Duration::from_secs(60), None).await;
    // The STANDARD engine rejects non-canonical trailing bits, as strict decoders do.
    for _ in 0..200 {
        let (http, v) = s
            .create(with_channel(
                request("4485040371536584"),
                browser(Some("Y")),
            ))
            .await;
        assert_eq!(http, 201, "{v}");
        let cryptogram = v["cryptogram"].as_str().unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cryptogram)
            .unwrap_or_else(|e| panic!("{cryptogram}: {e}"));
        assert_eq!((cryptogram.len(), bytes.len()), (28, 20));
    }
}

#[tokio::test]
async fn network_token_sources_authenticate_like_cards() {
    let s = start(Duration::from_secs(60), None).await;
    let mut body = with_channel(request("4485040371536584"), browser(Some("Y")));
    body["source"] = json!({
        "type": "network_token", "token": "4485040371536584",
        "expiry_month": 1, "expiry_year": 2030
    });
    let (http, v) = s.create(body.clone()).await;
    assert_eq!(http, 201, "{v}");
    assert_eq!(
        (v["status"].as_str(), v["scheme"].as_str()),
        (Some("approved"), Some("visa"))
    );
    // Without its expiry, the token is refused like a card without one.
    body["source"]
        .as_object_mut()
        .unwrap()
        .remove("expiry_year");
    let (http, v) = s.create(body).await;
    assert_eq!(http, 422, "{v}");
    assert!(
        v["error_codes"]
            .to_string()
            .contains("source_expiry_year_required"),
        "{v}"
    );
}
