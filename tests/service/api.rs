//! The API's behaviour through `serve --sandbox`.

use super::support::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;
use threeds_bridge::demo::browser::Browser;
use threeds_bridge::Catalog;

const EVERY_PSP: [&str; 4] = ["checkout", "paysafe", "mangopay", "pxp"];

/// The PSP's sandbox requests so far, as `(method, path)`.
fn psp_requests(service: &threeds_bridge::service::RunningService, simulator: &str) -> usize {
    service
        .sandbox()
        .expect("a sandbox")
        .requests()
        .iter()
        .filter(|r| r.simulator == simulator && !r.page)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_psp_authenticates_through_the_service_as_through_its_own_flow() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let receiver = threeds_bridge::demo::merchant::Receiver::start()
        .await
        .expect("receiver");
    let demos = threeds_bridge::demo::setup::all(
        sandbox,
        &receiver,
        Arc::new(Catalog::builtin().expect("catalogs")),
    )
    .await
    .expect("demos");
    let browser = Browser::new(&format!("http://{}", sandbox.addr)).expect("browser");
    for account in EVERY_PSP {
        for name in ["frictionless", "challenge passed"] {
            let scenario = find(&scenarios, account, name);
            let created = api
                .post_keyed(
                    "/v1/authentications",
                    &create_body(scenario),
                    &format!("{account}-{name}"),
                )
                .await;
            assert_eq!(created.status, 201, "{account} {name}: {}", created.body);
            assert_eq!(created.body["account"], account);
            assert!(created.body["id"].as_str().unwrap().starts_with("auth_"));
            let (done, calls) =
                drive(&api, sandbox, created.body, scenario.cardholder.as_ref()).await;

            // The same scenario through the PSP's flow directly.
            let demo = demos
                .iter()
                .find(|d| d.provider.as_str() == account)
                .expect("a demo");
            let direct_scenario = demo
                .scenarios
                .iter()
                .find(|s| s.name == name)
                .expect("the scenario");
            let direct =
                threeds_bridge::demo::drive(demo.flow.as_ref(), &browser, direct_scenario).await;
            let direct = serde_json::to_value(&direct.outcome.authentication).expect("json");
            for field in [
                "status",
                "liability_shift",
                "trans_status",
                "eci",
                "next_step",
            ] {
                assert_eq!(
                    done[field], direct[field],
                    "{account} {name} ({calls:?}): {field} differs from the direct flow's"
                );
            }
            // The service remembers a challenge it saw where the PSP's last answer does
            // not say (Paysafe); otherwise it says what the flow says.
            if !direct["challenged"].is_null() {
                assert_eq!(done["challenged"], direct["challenged"], "{account} {name}");
            }
            assert_eq!(done["status"], "authenticated", "{account} {name}: {done}");
            if name == "frictionless" {
                assert_ne!(done["challenged"], json!(true), "{account} {name}");
            } else {
                assert_eq!(done["challenged"], json!(true), "{account} {name}");
            }
            assert!(done["next_action"].is_null());

            // The authentication value is redacted unless the back end asks for it.
            let id = done["id"].as_str().unwrap();
            let plain = api.get(&format!("/v1/authentications/{id}")).await;
            let revealed = api
                .get(&format!(
                    "/v1/authentications/{id}?reveal=authentication_value"
                ))
                .await;
            assert_eq!(plain.body["status"], "authenticated");
            if !direct["authentication_value"].is_null() {
                assert_eq!(plain.body["authentication_value"], "[redacted]");
                assert_revealed_cavv(&revealed.body, &format!("{account} {name}"));
            }
        }
    }
    service.shutdown().await;
}

/// A revealed CAVV is the PSP's base64 value, never the redaction marker.
fn assert_revealed_cavv(object: &Value, what: &str) {
    let value = object["authentication_value"].as_str().unwrap_or_default();
    assert!(
        value != "[redacted]" && value.len() >= 20,
        "{what}: revealed authentication_value {value:?}"
    );
    assert!(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, value).is_ok(),
        "{what}: revealed authentication_value {value:?} is not base64"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_idempotency_key_makes_one_psp_call() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let body = create_body(find(&scenarios, "checkout", "frictionless"));

    let first = api
        .post_keyed("/v1/authentications", &body, "order-1")
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    answered_deliveries(sandbox).await;
    let calls = psp_requests(&service, "checkout");
    let again = api
        .post_keyed("/v1/authentications", &body, "order-1")
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(
        again.body, first.body,
        "the first answer again, byte for byte"
    );
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap()),
        Some("true")
    );
    assert_eq!(
        psp_requests(&service, "checkout"),
        calls,
        "no second PSP call"
    );

    // The same key with another body: 422, and still no PSP call.
    let mut other: Value = serde_json::from_slice(&body).unwrap();
    other["amount"] = json!(other["amount"].as_u64().unwrap() + 1);
    let mismatch = api
        .post_keyed(
            "/v1/authentications",
            &serde_json::to_vec(&other).unwrap(),
            "order-1",
        )
        .await;
    assert_eq!(mismatch.status, 422, "{}", mismatch.body);
    assert_eq!(mismatch.body["error"]["type"], "invalid_request");
    assert_eq!(mismatch.body["error"]["param"], "Idempotency-Key");
    assert_eq!(psp_requests(&service, "checkout"), calls);

    // Another caller's key of the same name is another key.
    let id = first.body["id"].as_str().unwrap();
    let secret = first.body["client_secret"].as_str().unwrap();
    let browser = api.with_token(secret);
    let step = browser
        .post_keyed(
            &format!("/v1/authentications/{id}/device_data"),
            br#"{"browser": null, "method": {"outcome": "timed_out"}}"#,
            "order-1",
        )
        .await;
    assert_eq!(step.status, 200, "{}", step.body);
    service.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_create_one_authentication() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let body = create_body(find(&scenarios, "mangopay", "frictionless"));
    let before = sandbox.records().len();
    let answers = futures_join(
        (0..8)
            .map(|_| {
                let api = api.clone();
                let body = body.clone();
                tokio::spawn(async move {
                    api.post_keyed("/v1/authentications", &body, "concurrent-1")
                        .await
                })
            })
            .collect(),
    )
    .await;
    let created: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    let conflicts = answers.iter().filter(|a| a.status == 409).count();
    assert!(!created.is_empty(), "{answers:?}");
    assert_eq!(
        created.len() + conflicts,
        8,
        "only 201 and 409: {answers:?}"
    );
    let ids: HashSet<&str> = created
        .iter()
        .map(|a| a.body["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "every 201 is the one authentication");
    for conflict in answers.iter().filter(|a| a.status == 409) {
        assert_eq!(conflict.body["error"]["type"], "conflict");
    }
    let payins = sandbox.records().len() - before;
    assert_eq!(payins, 1, "one pay-in at Mangopay for one key");
    service.shutdown().await;
}

/// Awaits every task.
async fn futures_join(tasks: Vec<tokio::task::JoinHandle<Answer>>) -> Vec<Answer> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_secret_reaches_only_its_own_authentications_browser_steps() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let body = create_body(find(&scenarios, "checkout", "frictionless"));
    let a = api.post_keyed("/v1/authentications", &body, "a").await.body;
    let b = api.post_keyed("/v1/authentications", &body, "b").await.body;
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let browser = api.with_token(a["client_secret"].as_str().unwrap());

    let view = browser.get(&format!("/v1/authentications/{a_id}")).await;
    assert_eq!(view.status, 200);
    let keys: HashSet<&str> = view
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from([
            "id",
            "status",
            "next_step",
            "next_action",
            "challenged",
            "updated_at"
        ]),
        "the browser's view has no authentication value, PSP id or attempts"
    );
    for (path, what) in [
        (
            format!("/v1/authentications/{b_id}"),
            "another authentication",
        ),
        (
            format!("/v1/authentications/{a_id}?reveal=authentication_value"),
            "reveal",
        ),
        ("/v1/events".to_owned(), "events"),
    ] {
        let refused = browser.get(&path).await;
        assert_eq!(refused.status, 401, "{what}: {}", refused.body);
        assert_eq!(refused.body["error"]["type"], "authentication");
    }
    let complete = browser
        .post(&format!("/v1/authentications/{a_id}/complete"), &json!({}))
        .await;
    assert_eq!(complete.status, 401, "complete needs the secret key");
    let create = browser.post_keyed("/v1/authentications", &body, "c").await;
    assert_eq!(create.status, 401);
    for token in ["", "sk_test_wrong", "cs_0000"] {
        let refused = api.with_token(token).get("/v1/events").await;
        assert_eq!(refused.status, 401, "token {token:?}");
    }
    service.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_the_authentication_does_not_wait_for_reaches_no_psp() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let scenario = find(&scenarios, "checkout", "frictionless");
    let created = api
        .post_keyed("/v1/authentications", &create_body(scenario), "s")
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    assert_eq!(created.body["next_action"]["type"], "three_ds_method");

    // A challenge result while the 3DS Method is awaited does not fit: 409.
    answered_deliveries(sandbox).await;
    let calls = psp_requests(&service, "checkout");
    let early = api
        .post(
            &format!("/v1/authentications/{id}/challenge_result"),
            &json!({"cres": "eyJ4Ijoi", "params": []}),
        )
        .await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(early.body["error"]["type"], "conflict");
    assert_eq!(psp_requests(&service, "checkout"), calls, "no PSP call");

    // Once it is over, a late or repeated report gets the result, and calls no PSP.
    let (done, _) = drive(&api, sandbox, created.body, None).await;
    assert_eq!(done["status"], "authenticated");
    answered_deliveries(sandbox).await;
    let calls = psp_requests(&service, "checkout");
    let events = api
        .get(&format!("/v1/events?authentication={id}&limit=100"))
        .await;
    for (step, body) in [
        (
            "device_data",
            json!({"browser": null, "method": {"outcome": "timed_out"}}),
        ),
        (
            "challenge_result",
            json!({"cres": "eyJ4Ijoi", "params": []}),
        ),
    ] {
        let late = api
            .post(&format!("/v1/authentications/{id}/{step}"), &body)
            .await;
        assert_eq!(late.status, 200, "{step}: {}", late.body);
        assert_eq!(late.body["status"], "authenticated");
        assert_eq!(
            late.body["updated_at"], done["updated_at"],
            "{step} changed nothing"
        );
    }
    assert_eq!(
        psp_requests(&service, "checkout"),
        calls,
        "no PSP call for a moot step"
    );
    let after = api
        .get(&format!("/v1/events?authentication={id}&limit=100"))
        .await;
    assert_eq!(after.body, events.body, "no event for a moot step");
    service.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_request_says_what_and_where_and_creates_nothing() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let good: Value =
        serde_json::from_slice(&create_body(find(&scenarios, "paysafe", "frictionless"))).unwrap();
    let with = |path: &str, value: Value| {
        let mut body = good.clone();
        let mut at = &mut body;
        let parts: Vec<&str> = path.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            at = &mut at[*part];
        }
        at[parts[parts.len() - 1]] = value;
        serde_json::to_vec(&body).unwrap()
    };
    let before = sandbox.records().len();
    let cases: Vec<(Vec<u8>, u16, &str, Value)> = vec![
        (b"{not json".to_vec(), 400, "invalid_request", Value::Null),
        (
            with("card.numbr", json!("4111")),
            400,
            "invalid_request",
            json!("card.numbr"),
        ),
        (
            with("amount", json!("ten")),
            400,
            "invalid_request",
            json!("amount"),
        ),
        (
            with("account", json!("nowhere")),
            400,
            "invalid_request",
            json!("account"),
        ),
        (
            with("route", json!([])),
            400,
            "invalid_request",
            json!("route"),
        ),
    ];
    for (body, status, kind, param) in cases {
        let answer = api.post_keyed("/v1/authentications", &body, "bad").await;
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(answer.body["error"]["type"], kind, "{}", answer.body);
        assert_eq!(answer.body["error"]["param"], param, "{}", answer.body);
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert!(!message.contains("4111") || param == json!("card.numbr"));
    }
    assert_eq!(
        sandbox.records().len(),
        before,
        "nothing created at any PSP"
    );
    // No result was kept for the key of a refused body: the corrected one runs under it.
    let fixed = api
        .post_keyed(
            "/v1/authentications",
            &serde_json::to_vec(&good).unwrap(),
            "bad",
        )
        .await;
    assert_eq!(fixed.status, 201, "{}", fixed.body);
    let missing = api.get("/v1/authentications/auth_0000").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"]["type"], "not_found");
    let nowhere = api.get("/v1/nowhere").await;
    assert_eq!(nowhere.status, 404);
    assert_eq!(nowhere.body["error"]["type"], "not_found");
    // Every answer carries a request id.
    assert!(nowhere
        .headers
        .get("request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("req_"));
    service.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_list_newest_first_in_pages() {
    let service = sandbox_service(|_| {}).await;
    let sandbox = service.sandbox().expect("a sandbox");
    let api = Api::new(&service.base_url, API_KEY);
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let scenario = find(&scenarios, "pxp", "frictionless");
    let created = api
        .post_keyed("/v1/authentications", &create_body(scenario), "e")
        .await;
    let (done, calls) = drive(&api, sandbox, created.body, None).await;
    let id = done["id"].as_str().unwrap();
    let all = api.get("/v1/events?limit=100").await.body;
    let events = all["data"].as_array().unwrap();
    assert!(events.len() >= 2, "one event per change ({calls:?}): {all}");
    assert_eq!(all["has_more"], false);
    assert!(events.iter().all(|e| e["type"] == "authentication.updated"));
    assert!(events.iter().all(|e| e["data"]["object"]["id"] == id));
    assert!(events
        .iter()
        .all(|e| e["data"]["object"]["client_secret"].is_null()));
    assert_eq!(
        events[0]["data"]["object"]["status"], done["status"],
        "newest first"
    );
    // Page by page, one at a time, gives the same events in the same order.
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let path = match &after {
            Some(a) => format!("/v1/events?limit=1&starting_after={a}"),
            None => "/v1/events?limit=1".to_owned(),
        };
        let page = api.get(&path).await.body;
        let data = page["data"].as_array().unwrap().clone();
        paged.extend(data.iter().cloned());
        if page["has_more"] != true {
            break;
        }
        after = Some(data[0]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(&paged, events);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "starting_after=nope",
        "colour=red",
    ] {
        let refused = api.get(&format!("/v1/events?{bad}")).await;
        assert_eq!(refused.status, 400, "{bad}");
    }
    service.shutdown().await;
}
