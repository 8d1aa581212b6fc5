//! Frictionless and 3DS 1.0.2 fallback answers, in the blueprint's shapes.

use super::{assert_error, body, keys, set, sim};
use serde_json::json;
use std::time::Duration;
use threeds_paysafe::sandbox::{ACCOUNT_ID, OTHER_ACCOUNT_ID};

#[tokio::test]
async fn frictionless_answers_have_p1s_shape() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let a = s.authenticate(&body("4000000000002701", &fp)).await;
    assert_eq!(a.status, 200);
    let p1_keys = set(&[
        "id",
        "cavv",
        "eci",
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
        "threeDSecureServerTransactionId",
    ]);
    assert_eq!(keys(&a.body), p1_keys);
    assert_eq!(a.body["status"], "COMPLETED");
    assert_eq!(a.body["threeDResult"], "Y");
    assert_eq!(a.body["eci"], 5);
    assert_eq!(a.body["cavv"].as_str().unwrap().len(), 28);
    assert_eq!(
        a.body["card"],
        json!({"cardExpiry": {"month": 12, "year": 2030}, "cardBin": "400000",
               "lastDigits": "2701", "holderName": "John Smith", "type": "VI"})
    );
    let id = a.body["id"].as_str().unwrap();
    // The blueprint's "Get Authentication": GET returns the same body.
    assert_eq!(s.get(ACCOUNT_ID, id).await.body, a.body);
    // Another account's path does not find it; nor does an unknown id.
    assert_error(&s.get(OTHER_ACCOUNT_ID, id).await, 404, "5269");
    assert_error(&s.get(ACCOUNT_ID, "nope").await, 404, "5269");

    let cases = [
        ("5200000000002235", "Y", Some(2), true, None),
        ("4000000000002719", "A", Some(6), true, None),
        (
            "4000000000002925",
            "N",
            Some(7),
            false,
            Some("CARD_AUTHENTICATION_FAILED"),
        ),
        (
            "5200000000002276",
            "N",
            Some(0),
            false,
            Some("CARD_AUTHENTICATION_FAILED"),
        ),
        ("4000000000002313", "U", Some(7), false, None),
        (
            "4000000000002537",
            "R",
            Some(7),
            false,
            Some("SUSPECTED_FRAUD"),
        ),
        ("4111111111111111", "Y", Some(5), true, None),
    ];
    for (pan, result, eci, cavv, reason) in cases {
        let a = s.authenticate(&body(pan, &fp)).await;
        assert_eq!(a.body["status"], "COMPLETED", "{pan}");
        assert_eq!(a.body["threeDResult"], result, "{pan}");
        assert_eq!(a.body["eci"].as_u64(), eci, "{pan}");
        assert_eq!(a.body.get("cavv").is_some(), cavv, "{pan}");
        assert_eq!(a.body["statusReason"].as_str(), reason, "{pan}");
    }
    let rejected = s.authenticate(&body("4000000000002537", &fp)).await;
    assert!(rejected.body["cardholderDisplayText"].is_string());
    // Bypassed: no protocol ran.
    let bypassed = s.authenticate(&body("4000000000002560", &fp)).await;
    assert_eq!(bypassed.body["threeDResult"], "U");
    assert!(bypassed.body.get("threeDSecureVersion").is_none());
    assert!(bypassed.body.get("directoryServerTransactionId").is_none());
}

#[tokio::test]
async fn threeds1_fallback_answers() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let n = s.authenticate(&body("4000000000000051", &fp)).await.body;
    assert_eq!(
        (
            n["status"].clone(),
            n["threeDEnrollment"].clone(),
            n["eci"].clone(),
            n["threeDSecureVersion"].clone()
        ),
        (json!("COMPLETED"), json!("N"), json!(6), json!("1.0.2"))
    );
    assert!(n.get("threeDResult").is_none() && n.get("directoryServerTransactionId").is_none());
    let mc = s.authenticate(&body("5200000000000056", &fp)).await.body;
    assert_eq!(mc["eci"], 0);
    let u = s.authenticate(&body("4000000000000069", &fp)).await.body;
    assert_eq!(u["threeDEnrollment"], "U");
    // Enrolled: the blueprint's "Fallback to 1.0" shape.
    let p = s.authenticate(&body("4000000000000002", &fp)).await.body;
    assert_eq!(p["status"], "PENDING");
    assert_eq!(p["threeDEnrollment"], "Y");
    for key in ["acsUrl", "xid", "payload", "sdkChallengePayload"] {
        assert!(p[key].is_string(), "{key}");
    }
    assert!(p.get("threeDResult").is_none());
}
