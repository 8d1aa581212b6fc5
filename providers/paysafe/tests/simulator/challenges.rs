//! Challenges: the page, its outcomes and expiry, and SDK challenges ending with a server
//! JWT for finalize.

use super::{assert_error, body, challenge, keys, set, sim, with_new_reference};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::time::Duration;
use threeds_paysafe::sandbox::{public_key, ACCOUNT_ID, OTP};
use threeds_wire::sandbox::{Form, Simulator};

#[tokio::test]
async fn challenge_answers_have_p2s_shape_and_complete_through_the_page() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    let p2_keys = set(&[
        "id",
        "acsUrl",
        "status",
        "threeDResult",
        "txnTime",
        "amount",
        "currency",
        "merchantRefNum",
        "merchantUrl",
        "card",
        "billingDetails",
        "profile",
        "directoryServerTransactionId",
        "threeDSecureVersion",
        "payload",
        "sdkChallengePayload",
        "threeDSecureServerTransactionId",
    ]);
    assert_eq!(keys(&a), p2_keys);
    assert_eq!(
        (a["status"].as_str(), a["threeDResult"].as_str()),
        (Some("PENDING"), Some("C"))
    );
    let id = a["id"].as_str().unwrap();
    let acs_url = a["acsUrl"].as_str().unwrap();
    assert!(acs_url.starts_with(&s.base));
    // The SDK payload decodes to the mobile SDKs' shape (Paysafe mobile SDKs).
    let decoded: Value = serde_json::from_slice(
        &STANDARD
            .decode(a["sdkChallengePayload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        keys(&decoded),
        set(&[
            "id",
            "transactionId",
            "payload",
            "accountId",
            "acsUrl",
            "cardBin",
            "cardType",
            "threeDSecureVersion"
        ])
    );
    assert_eq!(
        (decoded["id"].as_str(), decoded["acsUrl"].as_str()),
        (Some(id), Some(acs_url))
    );
    assert_eq!(decoded["payload"], a["payload"]);
    // The payload is a base64url CReq naming the ACS transaction of the page.
    let creq: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(a["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(creq["messageType"], "CReq");
    assert!(acs_url.ends_with(creq["acsTransID"].as_str().unwrap()));

    assert_eq!(
        challenge(&s, acs_url, OTP, "submit").await,
        vec![("id".to_owned(), id.to_owned())]
    );
    let done = s.get(ACCOUNT_ID, id).await.body;
    assert_eq!(done["status"], "COMPLETED");
    assert_eq!(done["threeDResult"], "Y");
    assert_eq!(done["eci"], 5);
    assert!(done["cavv"].is_string());
    for gone in ["acsUrl", "payload", "sdkChallengePayload"] {
        assert!(done.get(gone).is_none(), "{gone}");
    }
    // Once finished the page does not take another answer.
    let again = s
        .http
        .get(acs_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(again.contains("already finished") && Form::parse_all(&again).is_empty());
    // A CReq of another transaction is refused.
    let r = s
        .http
        .post(acs_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("creq=eyJhY3NUcmFuc0lEIjoib3RoZXIifQ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(
        s.http
            .get(format!("{}/acs/challenge/nope", s.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn challenge_failures_and_expiry() {
    let s = sim(Duration::from_millis(200)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    // challenge -> N card.
    let a = s.authenticate(&body("4000000000002370", &fp)).await.body;
    challenge(&s, a["acsUrl"].as_str().unwrap(), OTP, "submit").await;
    let done = s.get(ACCOUNT_ID, a["id"].as_str().unwrap()).await.body;
    assert_eq!(
        (done["threeDResult"].as_str(), done["statusReason"].as_str()),
        (Some("N"), Some("CARD_AUTHENTICATION_FAILED"))
    );
    assert!(done.get("cavv").is_none());
    // Cancel: N without a reason.
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    challenge(&s, a["acsUrl"].as_str().unwrap(), "", "cancel").await;
    let done = s.get(ACCOUNT_ID, a["id"].as_str().unwrap()).await.body;
    assert_eq!(done["threeDResult"], "N");
    assert!(done.get("statusReason").is_none());
    // Opened by an SDK-style POST without a callback: the answer posts to merchantUrl.
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    let acs_url = a["acsUrl"].as_str().unwrap();
    let page = s
        .http
        .post(acs_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("creq={}", a["payload"].as_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut form = Form::parse_all(&page).remove(0);
    assert_eq!(form.field("callback"), None);
    form.fill("password", OTP);
    let answer = s
        .http
        .post(&form.action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.submission(Some("submit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let posted = Form::parse_all(&answer).remove(0);
    assert_eq!(posted.action, "https://mysite.com");
    assert_eq!(
        posted.fields,
        vec![("id".to_owned(), a["id"].as_str().unwrap().to_owned())]
    );
    // Step-up unavailable.
    let a = s.authenticate(&body("4000000000001117", &fp)).await.body;
    challenge(&s, a["acsUrl"].as_str().unwrap(), OTP, "submit").await;
    assert_eq!(
        s.get(ACCOUNT_ID, a["id"].as_str().unwrap()).await.body["threeDResult"],
        "U"
    );

    // Abandoned: after the TTL the ACS times it out (read lazily on GET).
    let a = s.authenticate(&body("5200000000002235", &fp)).await;
    assert_eq!(a.body["status"], "COMPLETED");
    let pending = s.authenticate(&body("4000000000002503", &fp)).await.body;
    let v1 = s.authenticate(&body("4000000000000002", &fp)).await.body;
    tokio::time::sleep(Duration::from_millis(350)).await;
    let expired = s
        .get(ACCOUNT_ID, pending["id"].as_str().unwrap())
        .await
        .body;
    assert_eq!(expired["status"], "COMPLETED");
    assert_eq!(expired["threeDResult"], "N");
    assert_eq!(expired["statusReason"], "TRANSACTION_TIMED_OUT_ACS");
    assert_eq!(expired["eci"], 7);
    // 3DS 1.0.2 has no message to end it: still PENDING, but its page is closed.
    s.sim.sweep();
    let still = s.get(ACCOUNT_ID, v1["id"].as_str().unwrap()).await.body;
    assert_eq!(still["status"], "PENDING");
    let page = s
        .http
        .get(v1["acsUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("timed out"));
}

#[tokio::test]
async fn sweep_expires_without_a_request() {
    let s = sim(Duration::from_millis(50)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let a = s.authenticate(&body("4000000000002503", &fp)).await.body;
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.sim.sweep();
    let page = s
        .http
        .get(a["acsUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("timed out"));
}

#[tokio::test]
async fn sdk_challenges_end_with_a_server_jwt_for_finalize() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let mut request = body("4000000000002503", &fp);
    request["deviceChannel"] = json!("SDK");
    let a = s.authenticate(&request).await.body;
    let id = a["id"].as_str().unwrap();
    let finalize = format!("/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications/{id}/finalize");
    let public = format!("Basic {}", public_key());
    // Before the challenge no JWT is good.
    let early = s
        .call(
            "POST",
            &finalize,
            Some(&public),
            Some(&json!({"payload": "a.b.c"})),
        )
        .await;
    assert_error(&early, 400, "5068");
    assert_eq!(early.body["error"]["fieldErrors"][0]["field"], "payload");
    let fields = challenge(&s, a["acsUrl"].as_str().unwrap(), OTP, "submit").await;
    let jwt = fields
        .iter()
        .find(|(k, _)| k == "serverJwt")
        .map(|(_, v)| v.clone())
        .unwrap();
    let ok = s
        .call(
            "POST",
            &finalize,
            Some(&public),
            Some(&json!({"payload": jwt})),
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body, Value::String(String::new()));
    // The same JWT does not finalize another authentication.
    let other = s
        .authenticate(&with_new_reference(request.clone()))
        .await
        .body;
    let other_id = other["id"].as_str().unwrap();
    let wrong = s
        .call(
            "POST",
            &format!("/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications/{other_id}/finalize"),
            Some(&public),
            Some(&json!({"payload": jwt})),
        )
        .await;
    assert_error(&wrong, 400, "5068");
    let missing = s
        .call("POST", &finalize, Some(&public), Some(&json!({})))
        .await;
    assert_error(&missing, 400, "5068");
}
