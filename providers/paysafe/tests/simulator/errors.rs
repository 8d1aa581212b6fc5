//! Validation (`5068` with field errors) and the request-level error codes.

use super::{assert_error, body, server_auth, set, sim};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use threeds_paysafe::sandbox::{ACCOUNT_ID, OTHER_ACCOUNT_ID};

#[tokio::test]
async fn validation_answers_5068_with_field_errors() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let mut request = body("4000000000002701", &fp);
    let map = request.as_object_mut().unwrap();
    map.remove("deviceFingerprintingId");
    map.remove("amount");
    map.remove("merchantUrl");
    map["card"].as_object_mut().unwrap().remove("holderName");
    let a = s.authenticate(&request).await;
    assert_error(&a, 400, "5068");
    // The errors page's envelope.
    assert_eq!(a.body["error"]["message"], "Field Error(s)");
    assert_eq!(
        a.body["error"]["details"][0],
        "Either you submitted a request that is missing a mandatory field or the value of a field does not match the format expected."
    );
    let fields: BTreeSet<String> = a.body["error"]["fieldErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        set(&[
            "deviceFingerprintingId",
            "amount",
            "merchantUrl",
            "card.holderName"
        ])
    );
    let amount = a.body["error"]["fieldErrors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "amount")
        .unwrap();
    assert_eq!(amount["error"], "An amount is required.");

    // A fingerprint never issued, or issued for another account.
    let other = s.fingerprint(OTHER_ACCOUNT_ID).await;
    for fp in ["123e4567-e89b-12d3-a456-426655440000".to_owned(), other] {
        let a = s.authenticate(&body("4000000000002701", &fp)).await;
        assert_error(&a, 400, "5068");
        assert_eq!(
            a.body["error"]["fieldErrors"][0]["field"],
            "deviceFingerprintingId"
        );
    }

    // A value of the wrong JSON type names its field without quoting the value.
    let mut typed = body("4000000000002701", &fp);
    typed["amount"] = json!("ten euros");
    let a = s.authenticate(&typed).await;
    assert_error(&a, 400, "5068");
    assert_eq!(a.body["error"]["fieldErrors"][0]["field"], "amount");
    assert!(!a.body.to_string().contains("ten euros"));
    assert!(!a.body.to_string().contains("4000000000002701"));
}

#[tokio::test]
async fn request_level_errors() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let path = "/threedsecure/v2/accounts/999/authentications";
    assert_error(
        &s.call(
            "POST",
            path,
            Some(&server_auth()),
            Some(&body("4000000000002701", &fp)),
        )
        .await,
        400,
        "5016",
    );
    // Not JSON.
    let auth_path = format!(
        "{}/threedsecure/v2/accounts/{ACCOUNT_ID}/authentications",
        s.base
    );
    let r = s
        .http
        .post(&auth_path)
        .header("authorization", server_auth())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.headers()["x-application-status-code"], "5023");
    // Wrong Content-Type and Accept.
    let r = s
        .http
        .post(&auth_path)
        .header("authorization", server_auth())
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 406);
    assert_eq!(r.headers()["x-application-status-code"], "5272");
    let r = s
        .http
        .post(&auth_path)
        .header("authorization", server_auth())
        .header("content-type", "application/json")
        .header("accept", "application/xml")
        .body(body("4000000000002701", &fp).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-application-status-code"], "5271");
    // A brand the 3DS2 API does not take, a payment token, a 3DS server error.
    assert_error(
        &s.authenticate(&body("6011000000000004", &fp)).await,
        400,
        "5050",
    );
    let mut token = body("4000000000002701", &fp);
    token["card"] = json!({"paymentToken": "Cn9pfiMc4vQ0ppx"});
    assert_error(&s.authenticate(&token).await, 400, "5502");
    assert_error(
        &s.authenticate(&body("4000000000001125", &fp)).await,
        502,
        "1001",
    );
}

#[tokio::test]
async fn duplicate_reference_is_409_5031() {
    let s = sim(Duration::from_secs(60)).await;
    let fp = s.fingerprint(ACCOUNT_ID).await;
    let request = body("4000000000002701", &fp);
    assert_eq!(s.authenticate(&request).await.status, 200);
    assert_error(&s.authenticate(&request).await, 409, "5031");
}
