//! Webhooks out (merchant events, signed, at least once) and in (PSP notifications).

use super::support::*;
use serde_json::Value;
use std::collections::HashSet;
use threeds_bridge::service::WebhookTarget;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merchant_webhooks_are_signed_and_redelivered_with_the_same_id_until_accepted() {
    let hooks = Hooks::start().await;
    // The first delivery fails; it comes back after the backoff (1 s) with its id.
    hooks.then(&[Mode::Fail]);
    let service = sandbox_service(|o| {
        o.webhook = Some(WebhookTarget {
            url: hooks.url.clone(),
            secret: webhook_secret(),
        });
    })
    .await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let created = api
        .post_keyed(
            "/v1/authentications",
            &create_body(find(&scenarios, "checkout", "frictionless")),
            "w",
        )
        .await;
    let (done, _) = drive(&api, sandbox, created.body, None).await;
    let ids = event_ids(&api).await;
    hooks
        .wait_until("every event delivered", |bodies| {
            let got: HashSet<String> = bodies
                .iter()
                .map(|b| b["id"].as_str().unwrap().to_owned())
                .collect();
            ids.is_subset(&got) && bodies.len() > ids.len()
        })
        .await;
    every_delivery_signed(&hooks);
    let bodies = hooks.bodies();
    let first_id = bodies[0]["id"].clone();
    let repeats: Vec<&Value> = bodies.iter().filter(|b| b["id"] == first_id).collect();
    assert_eq!(repeats.len(), 2, "the failed delivery came again");
    assert_eq!(repeats[0], repeats[1], "a redelivery is the same event");
    let last = bodies
        .iter()
        .rev()
        .find(|b| b["data"]["object"]["status"] == done["status"]);
    assert!(last.is_some(), "the final state was delivered");
    assert!(bodies.iter().all(|b| b["type"] == "authentication.updated"));
    // No credential in a webhook: no client secret, and the PSP's real authentication
    // value (as the back end reads it with ?reveal) appears in no delivered byte.
    let id = done["id"].as_str().unwrap();
    let revealed = api
        .get(&format!(
            "/v1/authentications/{id}?reveal=authentication_value"
        ))
        .await
        .body;
    let cavv = revealed["authentication_value"]
        .as_str()
        .expect("Checkout gave a CAVV");
    assert!(cavv.len() >= 20 && cavv != "[redacted]", "{cavv}");
    for (_, body) in hooks.received.lock().unwrap().iter() {
        let text = String::from_utf8_lossy(body);
        assert!(
            !text.contains(cavv),
            "a webhook carries the authentication value"
        );
    }
    assert!(bodies
        .iter()
        .all(|b| b["data"]["object"]["client_secret"].is_null()));
    assert!(bodies
        .iter()
        .any(|b| b["data"]["object"]["authentication_value"] == "[redacted]"));
    service.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psp_webhooks_reach_the_authentication_they_name() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    // Checkout sends webhooks for every session; PXP when a challenge ends.
    let mut finished = Vec::new();
    for (account, name) in [("checkout", "frictionless"), ("pxp", "challenge passed")] {
        let scenario = find(&scenarios, account, name);
        let created = api
            .post_keyed("/v1/authentications", &create_body(scenario), account)
            .await;
        let (done, _) = drive(&api, sandbox, created.body, scenario.cardholder.as_ref()).await;
        assert_eq!(done["status"], "authenticated", "{account}: {done}");
        finished.push(done);
    }
    // Checkout and PXP send webhooks to the service's /v1/notifications (the sandbox's
    // webhook URL); the service finds the authentication each names and takes it.
    let sent = every_webhook_taken(sandbox).await;
    let sources: HashSet<&str> = sent.iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert!(
        sources.contains("checkout") && sources.contains("pxp"),
        "{sent:?}"
    );
    assert!(sent
        .iter()
        .all(|d| d["url"].as_str().unwrap().ends_with("/v1/notifications")));
    // A webhook saying what the authentication already says changes nothing.
    for done in &finished {
        let id = done["id"].as_str().unwrap();
        let now = api.get(&format!("/v1/authentications/{id}")).await.body;
        assert_eq!(now["status"], "authenticated");
    }
    // A notification naming nothing the service knows is refused, so the PSP retries.
    let unknown = Api::new(&service.base_url, "")
        .post("/v1/notifications/checkout", &serde_json::json!({"id": "evt_x", "type": "authentication_approved", "data": {"session_id": "sid_unknown"}}))
        .await;
    assert!(unknown.status >= 400, "{}", unknown.body);
    let no_account = Api::new(&service.base_url, "")
        .post("/v1/notifications/nowhere", &serde_json::json!({}))
        .await;
    assert_eq!(no_account.status, 404, "{}", no_account.body);
    service.shutdown().await;
}
