//! Endpoints not simulated, unknown ids, and retention.

use super::{payin, sim};
use serde_json::json;
use threeds_mangopay::sandbox::SEEDED_USER_ID;

#[tokio::test]
async fn endpoints_not_simulated_answer_501_naming_them_and_unknown_ids_stay_404() {
    let s = sim().await;
    for (method, path) in [
        ("DELETE", "payins/wt_1"),
        ("GET", "refunds/123"),
        ("POST", "payins/card/web"),
    ] {
        let (status, v) = s.call(method, path, None, Some(json!({}))).await;
        assert_eq!(status, 501, "{method} {path}: {v}");
        assert_eq!(v["Type"], "not_simulated");
        let named = v["errors"]["Endpoint"].as_str().unwrap();
        assert!(
            named.starts_with(&format!(
                "{method} /v2.01/{{ClientId}}/{path} is not simulated"
            )),
            "{named}"
        );
    }
    let (status, v) = s.call("GET", "payins/wt_nope", None, None).await;
    assert_eq!(
        (status, v["Type"].as_str()),
        (404, Some("ressource_not_found"))
    );
    let r = s
        .http
        .get(format!("{}/v3/anything", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 501);
}

#[tokio::test]
async fn what_clients_created_is_forgotten_after_the_retention_period() {
    let s = sim().await;
    let (_, user) = s
        .call(
            "POST",
            "users/natural",
            None,
            Some(json!({"FirstName": "A", "LastName": "B", "Email": "a@example.com"})),
        )
        .await;
    let user_id = user["Id"].as_str().unwrap().to_owned();
    let (_, wallet) = s
        .call(
            "POST",
            "wallets",
            None,
            Some(json!({"Owners": [user_id], "Description": "w", "Currency": "EUR"})),
        )
        .await;
    let (status, wallets) = s
        .call("GET", &format!("users/{user_id}/wallets"), None, None)
        .await;
    assert_eq!((status, wallets.as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!(wallets[0]["Id"], wallet["Id"]);

    let card = s.card("4970107111111119", "EUR").await;
    let key = "retention-key-0000000001";
    let (status, done) = s
        .call(
            "POST",
            "payins/card/direct",
            Some(key),
            Some(payin(&card, 1000)),
        )
        .await;
    assert_eq!((status, done["Status"].as_str()), (200, Some("SUCCEEDED")));
    let challenge_card = s.card("4970105181818183", "EUR").await;
    let (_, open) = s
        .call(
            "POST",
            "payins/card/direct",
            None,
            Some(payin(&challenge_card, 1000)),
        )
        .await;
    assert_eq!(open["Status"], "CREATED");
    let done_id = done["Id"].as_str().unwrap();
    let open_id = open["Id"].as_str().unwrap();

    s.settings
        .clock
        .advance(threeds_wire::sandbox::DEFAULT_RETENTION);
    for path in [
        format!("payins/{done_id}"),
        format!("responses/{key}"),
        format!("users/{user_id}"),
        format!("wallets/{}", wallet["Id"].as_str().unwrap()),
        format!("cards/{card}"),
    ] {
        let (status, v) = s.call("GET", &path, None, None).await;
        assert_eq!(status, 404, "{path} is forgotten: {v}");
    }
    // A pay-in that was still waiting for its challenge is kept until a period after.
    let (status, v) = s
        .call("GET", &format!("payins/{open_id}"), None, None)
        .await;
    assert_eq!(
        (status, v["ResultCode"].as_str()),
        (200, Some("101304")),
        "{v}"
    );
    s.settings
        .clock
        .advance(threeds_wire::sandbox::DEFAULT_RETENTION);
    assert_eq!(
        s.call("GET", &format!("payins/{open_id}"), None, None)
            .await
            .0,
        404
    );
    // The seeded payer stays.
    assert_eq!(
        s.call("GET", &format!("users/{SEEDED_USER_ID}"), None, None)
            .await
            .0,
        200
    );
}
