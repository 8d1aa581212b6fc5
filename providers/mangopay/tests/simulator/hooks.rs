//! Hook delivery: GET requests with the `RessourceId` spelling, obeying the hook's status.

use super::{payin, serve, sim};
use serde_json::json;
use std::time::Duration;
use threeds_wire::sandbox::Simulator;

#[tokio::test]
async fn hooks_are_gets_with_the_misspelled_ressource_id_and_obey_their_status() {
    let s = sim().await;
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(200))
        .mount(&receiver)
        .await;
    let (status, hook) = s
        .call(
            "POST",
            "hooks",
            None,
            Some(json!({"EventType": "PAYIN_NORMAL_FAILED", "Url": format!("{}/hook", receiver.uri())})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        (hook["Status"].as_str(), hook["Validity"].as_str()),
        (Some("ENABLED"), Some("VALID"))
    );
    let (status, dup) = s
        .call(
            "POST",
            "hooks",
            None,
            Some(json!({"EventType": "PAYIN_NORMAL_FAILED", "Url": "https://x.example"})),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        dup["errors"]["EventType"],
        "A hook has already been registered for this EventType"
    );

    // An abandoned challenge expires (sweep) and the FAILED hook goes out.
    let short = serve(Duration::from_millis(100), Duration::from_secs(1200)).await;
    let card = short.card("4970105181818183", "EUR").await;
    short
        .call("POST", "hooks", None, Some(json!({"EventType": "PAYIN_NORMAL_FAILED", "Url": format!("{}/hook", receiver.uri())})))
        .await;
    let (_, created) = short
        .call("POST", "payins/card/direct", None, Some(payin(&card, 2500)))
        .await;
    let id = created["Id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(150)).await;
    short.sim.sweep();
    let delivered = short.settings.outbox.deliveries();
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].method, "GET");
    assert!(delivered[0].url.contains(&format!(
        "?EventType=PAYIN_NORMAL_FAILED&RessourceId={id}&Date="
    )));
    let (_, failed) = short.call("GET", &format!("payins/{id}"), None, None).await;
    assert_eq!(failed["ResultCode"], "101304");
    assert!(failed["SecureModeRedirectURL"].is_null());
    assert_eq!(failed["SecureModeNeeded"], true);
    // The expired session's page says so.
    let page = short
        .http
        .get(created["SecureModeRedirectURL"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("has ended"));

    // A disabled hook sends nothing.
    let hook_id = hook["Id"].as_str().unwrap();
    let (status, _) = s
        .call(
            "PUT",
            &format!("hooks/{hook_id}"),
            None,
            Some(json!({"Status": "DISABLED"})),
        )
        .await;
    assert_eq!(status, 200);
    let card = s.card("4970107111111119", "EUR").await;
    let (_, refused) = s
        .call(
            "PUT",
            &format!("cards/{card}"),
            None,
            Some(json!({"Active": false})),
        )
        .await;
    assert_eq!(refused["Active"], false);
    let (_, p) = s
        .call("POST", "payins/card/direct", None, Some(payin(&card, 1000)))
        .await;
    assert_eq!(p["ResultCode"], "101410");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(s.settings.outbox.deliveries().is_empty());
}
