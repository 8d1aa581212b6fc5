//! `assets/threeds.js` in real headless Chromium (Debian's, driven by playwright-core).
//!
//! Two loopback servers stand in for the world around the helper: the *service* (the test
//! page, `GET /threeds.js`, the `device_data` and `challenge_result` endpoints, and the
//! merchant notification pages the ACS posts to) and an *ACS* on another port, so another
//! origin, as a real issuer's ACS is (a 3DS Method page that posts the method notification,
//! one that never answers, a challenge form that posts a CRes, and one opened without a
//! CReq that posts an id, as Paysafe's sandbox does). Each scenario's page
//! starts `ThreedsBridge.run` with an authentication whose `next_action` is one kind; the
//! service's answers chain the steps. The test asserts what the servers received (bodies,
//! headers, base64url data), what the page's network log holds, the challenge iframe's
//! size for every EMV window size, and keeps a screenshot of the challenge step at
//! `target/threeds-js-challenge.png`.
//!
//! `scripts/browser.sh` installs Chromium and playwright-core when they are missing, so
//! `cargo test` runs this on a fresh machine; it fails (never skips) when it cannot.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use threeds_bridge::browser::THREEDS_JS;
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::pages;

mod driver;
use driver::{manifest_dir, target_dir};

/// The test page's 3DS Method timeout: short, so the timeout scenario takes a second.
const METHOD_TIMEOUT_MS: u64 = 1000;
/// The test page's challenge container: window size 05 fills it.
const CONTAINER: (f64, f64) = (720.0, 640.0);
/// What the ACS's challenge posts beside the CRes (EMV `threeDSSessionData`).
const SESSION_DATA: &str = "session-7";
/// What the challenge page without a CReq posts back.
const SDK_CHALLENGE_ID: &str = "sdk-challenge-1";

/// One request a stand-in server received.
#[derive(Debug, Clone)]
struct Received {
    server: &'static str,
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    body: String,
}

#[derive(Clone)]
struct World {
    service: String,
    acs: String,
    log: Arc<Mutex<Vec<Received>>>,
}

impl World {
    fn record(&self, server: &'static str, path: String, headers: &HeaderMap, body: &Bytes) {
        let text = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let received = Received {
            server,
            path,
            authorization: text(header::AUTHORIZATION),
            content_type: text(header::CONTENT_TYPE),
            body: String::from_utf8_lossy(body).into_owned(),
        };
        if let Ok(mut log) = self.log.lock() {
            log.push(received);
        }
    }

    fn received(&self) -> Vec<Received> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The authentication a scenario's page starts with.
    fn authentication(&self, scenario: &str) -> Option<Value> {
        let acs = &self.acs;
        let notify = format!("{}/notify/method", self.service);
        let action = match scenario {
            "method" => json!({"type": "three_ds_method", "url": format!("{acs}/acs/method"),
                "data": b64url(&json!({"threeDSServerTransID": "tx-method",
                    "threeDSMethodNotificationURL": notify}))}),
            "method_built" => json!({"type": "three_ds_method",
                "url": format!("{acs}/acs/method"), "data": null, "notification_url": notify}),
            "method_timeout" => json!({"type": "three_ds_method",
                "url": format!("{acs}/acs/silent"),
                "data": b64url(&json!({"threeDSServerTransID": "tx-timeout",
                    "threeDSMethodNotificationURL": notify}))}),
            // No data, and nothing to build it from: the method is not run.
            "method_missing" => json!({"type": "three_ds_method",
                "url": format!("{acs}/acs/method"), "data": null}),
            "collect" => json!({"type": "collect_device_data"}),
            "redirect" => json!({"type": "redirect", "url": format!("{}/landing", self.service)}),
            // No CReq (Paysafe's: its SDK would build one): the helper loads the url as is.
            "challenge_url" => json!({"type": "challenge",
                "url": format!("{acs}/acs/sdk-challenge"), "creq": null}),
            _ => self.challenge(scenario.strip_prefix("challenge_")?)?,
        };
        let mut auth = pending(scenario);
        auth["next_action"] = action;
        if scenario == "method_built" {
            auth["three_ds_server_trans_id"] = json!("tx-built");
        }
        Some(auth)
    }

    fn challenge(&self, window: &str) -> Option<Value> {
        ["01", "02", "03", "04", "05"].contains(&window).then(|| {
            let creq = b64url(&json!({"threeDSServerTransID": format!("tx-{window}"),
                "acsTransID": "acs-1", "challengeWindowSize": window,
                "messageType": "CReq", "messageVersion": "2.2.0"}));
            json!({"type": "challenge", "url": format!("{}/acs/challenge", self.acs), "creq": creq})
        })
    }

    /// The service's answer to a step: `collect` goes on to a challenge (window 01); every
    /// other step ends authenticated.
    fn answer(&self, id: &str, step: &str) -> Value {
        let scenario = id.strip_prefix("auth_").unwrap_or(id);
        let mut auth = pending(scenario);
        match (scenario, step) {
            ("collect", "device_data") => {
                auth["status"] = json!("challenge_required");
                auth["next_action"] = self.challenge("01").unwrap_or(Value::Null);
            }
            _ => {
                auth["status"] = json!("authenticated");
                auth["liability_shift"] = json!(true);
                auth["next_step"] = json!("authorize");
            }
        }
        auth
    }
}

fn pending(scenario: &str) -> Value {
    json!({"id": format!("auth_{scenario}"), "client_secret": secret(scenario),
        "status": "pending", "next_step": "complete_device_data", "next_action": null})
}

fn secret(scenario: &str) -> String {
    format!("auth_{scenario}_secret_q8Zx")
}

fn b64url(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn unb64url(text: &str) -> Value {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// JSON inside a `<script>`: `<` escaped so no value can close the element.
fn script_json(value: &Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

fn html(text: String) -> Response {
    Html(text).into_response()
}

async fn test_page(State(w): State<World>, Path(scenario): Path<String>) -> Response {
    let Some(auth) = w.authentication(&scenario) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    html(format!(
        r#"<!doctype html><html><head><title>checkout</title></head>
<body style="margin:0;font-family:sans-serif"><h1>Checkout</h1>
<div id="container" style="width:{cw}px;height:{ch}px;outline:1px solid #999"></div>
<script src="/threeds.js"></script>
<script>
window.__threeds = {{updates: [], done: false}};
ThreedsBridge.run({{baseUrl: location.origin, authentication: {auth},
  container: document.getElementById('container'), methodTimeoutMs: {timeout},
  onUpdate: function (a) {{ window.__threeds.updates.push(a); }}}})
  .then(function (a) {{ window.__threeds.final = a; window.__threeds.done = true; }},
        function (e) {{ window.__threeds.error = String(e && e.message); window.__threeds.done = true; }});
</script></body></html>"#,
        cw = CONTAINER.0,
        ch = CONTAINER.1,
        auth = script_json(&auth),
        timeout = METHOD_TIMEOUT_MS,
    ))
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        THREEDS_JS,
    )
        .into_response()
}

/// The service's step endpoints: the client secret must come as the bearer token.
async fn step(
    State(w): State<World>,
    Path((id, step)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    w.record(
        "service",
        format!("/v1/authentications/{id}/{step}"),
        &headers,
        &body,
    );
    let scenario = id.strip_prefix("auth_").unwrap_or(&id);
    let expected = format!("Bearer {}", secret(scenario));
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if authorized != Some(expected.as_str()) {
        let error = json!({"error": {"type": "authentication", "message": "bad client secret"}});
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    Json(w.answer(&id, &step)).into_response()
}

/// The merchant's notification page, as the service will serve it: hands what the ACS
/// posted to the page running the helper.
async fn notify(
    State(w): State<World>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    w.record("service", format!("/notify/{kind}"), &headers, &body);
    if kind != "method" && kind != "challenge" {
        return StatusCode::NOT_FOUND.into_response();
    }
    let params: Vec<Value> = decode_form(&String::from_utf8_lossy(&body))
        .into_iter()
        .map(|(k, v)| json!([k, v]))
        .collect();
    html(format!(
        "<!doctype html><script src=\"/threeds.js\"></script>\n<script>ThreedsBridge.notify({}, {});</script>",
        script_json(&json!(kind)),
        script_json(&Value::Array(params)),
    ))
}

/// The ACS's 3DS Method page: posts the method notification to the URL inside the data.
async fn acs_method(State(w): State<World>, headers: HeaderMap, body: Bytes) -> Response {
    w.record("acs", "/acs/method".into(), &headers, &body);
    let form = decode_form(&String::from_utf8_lossy(&body));
    let data = unb64url(&field(&form, "threeDSMethodData"));
    let (Some(id), Some(url)) = (
        data["threeDSServerTransID"].as_str(),
        data["threeDSMethodNotificationURL"].as_str(),
    ) else {
        return (StatusCode::BAD_REQUEST, "bad threeDSMethodData").into_response();
    };
    let answer = b64url(&json!({ "threeDSServerTransID": id }));
    html(pages::auto_post(
        "3DS Method",
        url,
        &[("threeDSMethodData", &answer)],
    ))
}

/// A 3DS Method URL that never answers: the helper must give up after its timeout.
async fn acs_silent(State(w): State<World>, headers: HeaderMap, body: Bytes) -> Response {
    w.record("acs", "/acs/silent".into(), &headers, &body);
    std::future::pending::<Response>().await
}

async fn acs_challenge(State(w): State<World>, headers: HeaderMap, body: Bytes) -> Response {
    w.record("acs", "/acs/challenge".into(), &headers, &body);
    let form = decode_form(&String::from_utf8_lossy(&body));
    let creq = field(&form, "creq");
    html(pages::challenge_form(
        "Test ACS",
        "/acs/challenge/submit",
        &[("creq", &creq)],
        "Enter the one-time password sent to your phone.",
        "Any password passes.",
    ))
}

/// A challenge page opened without a CReq (by GET), as Paysafe's sandbox serves one.
async fn acs_sdk_challenge(State(w): State<World>, headers: HeaderMap) -> Response {
    w.record("acs", "/acs/sdk-challenge".into(), &headers, &Bytes::new());
    html(pages::challenge_form(
        "Test ACS",
        "/acs/sdk-challenge/submit",
        &[],
        "Enter the one-time password sent to your phone.",
        "Any password passes.",
    ))
}

/// Ends it as Paysafe's sandbox does: posts the authentication's id, no CRes.
async fn acs_sdk_submit(State(w): State<World>, headers: HeaderMap, body: Bytes) -> Response {
    w.record("acs", "/acs/sdk-challenge/submit".into(), &headers, &body);
    html(pages::auto_post(
        "Test ACS",
        &format!("{}/notify/challenge", w.service),
        &[("id", SDK_CHALLENGE_ID)],
    ))
}

async fn acs_submit(State(w): State<World>, headers: HeaderMap, body: Bytes) -> Response {
    w.record("acs", "/acs/challenge/submit".into(), &headers, &body);
    let form = decode_form(&String::from_utf8_lossy(&body));
    let creq = unb64url(&field(&form, "creq"));
    let cres = b64url(
        &json!({"threeDSServerTransID": creq["threeDSServerTransID"],
        "acsTransID": "acs-1", "messageType": "CRes", "messageVersion": "2.2.0",
        "challengeCompletionInd": "Y", "transStatus": "Y"}),
    );
    html(pages::auto_post(
        "Test ACS",
        &format!("{}/notify/challenge", w.service),
        &[("cres", &cres), ("threeDSSessionData", SESSION_DATA)],
    ))
}

/// Binds both servers on loopback; they run on `runtime` until it is dropped.
fn start(runtime: &tokio::runtime::Runtime) -> World {
    let (service, acs) = runtime.block_on(async {
        let service = tokio::net::TcpListener::bind("127.0.0.1:0").await;
        let acs = tokio::net::TcpListener::bind("127.0.0.1:0").await;
        (service, acs)
    });
    let (service, acs) = (
        service.unwrap_or_else(|e| panic!("binding the service stand-in: {e}")),
        acs.unwrap_or_else(|e| panic!("binding the ACS stand-in: {e}")),
    );
    let url = |l: &tokio::net::TcpListener| match l.local_addr() {
        Ok(addr) => format!("http://{addr}"),
        Err(e) => panic!("listener address: {e}"),
    };
    let world = World {
        service: url(&service),
        acs: url(&acs),
        log: Arc::default(),
    };
    let service_routes = Router::new()
        .route("/page/{scenario}", get(test_page))
        .route("/threeds.js", get(script))
        .route("/v1/authentications/{id}/{step}", post(step))
        .route("/notify/{kind}", post(notify))
        // Chromium asks every top-level page's origin for one; a 404 would be a page error.
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route(
            "/landing",
            get(|| async { Html("<h1>Back at the merchant</h1>") }),
        )
        .with_state(world.clone());
    let acs_routes = Router::new()
        .route("/acs/method", post(acs_method))
        .route("/acs/silent", post(acs_silent))
        .route("/acs/challenge", post(acs_challenge))
        .route("/acs/challenge/submit", post(acs_submit))
        .route("/acs/sdk-challenge", get(acs_sdk_challenge))
        .route("/acs/sdk-challenge/submit", post(acs_sdk_submit))
        .with_state(world.clone());
    runtime.spawn(async move { axum::serve(service, service_routes).await });
    runtime.spawn(async move { axum::serve(acs, acs_routes).await });
    world
}

const SCENARIOS: [&str; 11] = [
    "method",
    "method_built",
    "method_timeout",
    "method_missing",
    "collect",
    "challenge_02",
    "challenge_03",
    "challenge_04",
    "challenge_05",
    "challenge_url",
    "redirect",
];

/// Runs every scenario in one Chromium and returns the driver's report, by scenario.
fn drive(world: &World, screenshot: &std::path::Path) -> HashMap<String, Value> {
    let scenarios: Vec<Value> = SCENARIOS
        .iter()
        .map(|&name| {
            let challenge = name.starts_with("challenge_") || name == "collect";
            json!({"name": name, "challenge": challenge, "screenshot": name == "challenge_02",
                "wait": if name == "redirect" { "landing" } else { "done" }})
        })
        .collect();
    let config = json!({"base_url": world.service, "screenshot": screenshot,
        "scenarios": scenarios});
    driver::drive(&manifest_dir().join("tests/browser/drive.cjs"), config)
}

/// The one request the service received at `path`, as JSON, with its headers checked.
fn step_body(received: &[Received], scenario: &str, step: &str) -> Value {
    let path = format!("/v1/authentications/auth_{scenario}/{step}");
    let hits: Vec<&Received> = received.iter().filter(|r| r.path == path).collect();
    assert_eq!(hits.len(), 1, "{path}: {hits:?}");
    let hit = hits[0];
    assert_eq!(
        hit.authorization.as_deref(),
        Some(format!("Bearer {}", secret(scenario)).as_str()),
        "{path}"
    );
    assert_eq!(
        hit.content_type.as_deref(),
        Some("application/json"),
        "{path}"
    );
    serde_json::from_str(&hit.body).unwrap_or_else(|e| panic!("{path}: body not JSON: {e}"))
}

fn assert_base64url(text: &str, what: &str) {
    assert!(
        !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{what} is not unpadded base64url: {text}"
    );
}

fn acs_posts<'a>(received: &'a [Received], path: &str) -> Vec<&'a Received> {
    received
        .iter()
        .filter(|r| r.server == "acs" && r.path == path)
        .collect()
}

fn iframe_size(report: &Value) -> (f64, f64) {
    let box_ = &report["iframe"];
    match (box_["width"].as_f64(), box_["height"].as_f64()) {
        (Some(w), Some(h)) => (w, h),
        _ => panic!("{}: no challenge iframe measured: {box_}", report["name"]),
    }
}

#[test]
fn threeds_js_is_small_and_never_names_the_authentication_value() {
    assert!(!THREEDS_JS.contains("authentication_value"));
    let mut gzip = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running gzip: {e}"));
    if let Some(mut stdin) = gzip.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(THREEDS_JS.as_bytes())
            .unwrap_or_else(|e| panic!("writing to gzip: {e}"));
    }
    let output = gzip
        .wait_with_output()
        .unwrap_or_else(|e| panic!("gzip: {e}"));
    assert!(output.status.success());
    let size = output.stdout.len();
    assert!(
        size > 0 && size <= 5 * 1024,
        "threeds.js is {size} bytes gzipped"
    );
}

#[test]
fn threeds_js_performs_every_next_action_in_chromium() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
    let world = start(&runtime);
    let screenshot = target_dir().join("threeds-js-challenge.png");
    let _ = std::fs::remove_file(&screenshot);
    let reports = drive(&world, &screenshot);
    let received = world.received();

    for name in SCENARIOS {
        let report = reports
            .get(name)
            .unwrap_or_else(|| panic!("{name}: not in the driver's report"));
        assert!(report["failure"].is_null(), "{name}: {}", report["failure"]);
        assert_eq!(report["errors"], json!([]), "{name}: page errors");
        let requests = report["requests"].as_array().cloned().unwrap_or_default();
        assert!(!requests.is_empty(), "{name}: no network log");
        for request in &requests {
            assert!(
                !request.to_string().contains("authentication_value"),
                "{name}: a request carries the authentication value: {request}"
            );
        }
        if name != "redirect" {
            let result = &report["result"];
            assert!(result["error"].is_null(), "{name}: {}", result["error"]);
            assert_eq!(result["final"]["status"], "authenticated", "{name}");
            assert_eq!(result["final"]["next_action"], Value::Null, "{name}");
        }
    }

    // 3DS Method with the server's data: posted as is, then the notification completes it.
    let given = reports["method"]["requests"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["url"] == format!("{}/acs/method", world.acs))
        })
        .map(|r| r["body"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_else(|| panic!("method: the page posted nothing to the ACS"));
    let posted = decode_form(&given);
    assert_eq!(posted.len(), 1, "{posted:?}");
    let data = field(&posted, "threeDSMethodData");
    assert_base64url(&data, "threeDSMethodData");
    assert_eq!(unb64url(&data)["threeDSServerTransID"], "tx-method");
    let body = step_body(&received, "method", "device_data");
    let echoed = b64url(&json!({"threeDSServerTransID": "tx-method"}));
    assert_eq!(
        body["method"],
        json!({"outcome": "completed", "data": echoed})
    );
    let browser = &body["browser"];
    assert_eq!(browser["javascript_enabled"], true);
    assert_eq!(browser["java_enabled"], false);
    assert_eq!(browser["language"], "de-DE");
    // Asia/Kolkata is UTC+5:30 all year: getTimezoneOffset() is -330.
    assert_eq!(browser["timezone_offset_minutes"], -330);
    assert_eq!(browser["screen_width"], 1440);
    assert_eq!(browser["screen_height"], 900);
    assert_eq!(browser["user_agent"], "threeds-bridge-browser-test/1");
    assert!(
        browser["color_depth"].as_u64().is_some_and(|d| d > 0),
        "{browser}"
    );
    // JavaScript cannot read the Accept header: without the page's option, none is sent.
    assert!(browser.get("accept_header").is_none(), "{browser}");
    assert_eq!(
        reports["method"]["result"]["updates"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // Without data, the helper builds it from the transaction id and notification URL.
    let built: Vec<Value> = acs_posts(&received, "/acs/method")
        .iter()
        .map(|r| unb64url(&field(&decode_form(&r.body), "threeDSMethodData")))
        .filter(|d| d["threeDSServerTransID"] == "tx-built")
        .collect();
    assert_eq!(
        built,
        vec![json!({"threeDSServerTransID": "tx-built",
            "threeDSMethodNotificationURL": format!("{}/notify/method", world.service)})]
    );
    let body = step_body(&received, "method_built", "device_data");
    assert_eq!(body["method"]["outcome"], "completed");

    // A method URL that never answers: reported as timed out after the page's timeout.
    assert_eq!(acs_posts(&received, "/acs/silent").len(), 1);
    let body = step_body(&received, "method_timeout", "device_data");
    assert_eq!(body["method"], json!({"outcome": "timed_out"}));

    // No data and nothing to build it from: not run, and the ACS never sees the browser.
    let body = step_body(&received, "method_missing", "device_data");
    assert_eq!(body["method"], json!({"outcome": "not_run"}));
    let acs_hits = reports["method_missing"]["requests"].as_array().map(|r| {
        r.iter()
            .filter(|r| r["url"].as_str().is_some_and(|u| u.starts_with(&world.acs)))
            .count()
    });
    assert_eq!(acs_hits, Some(0));

    // Device data collection, then the challenge the answer asks for (window 01).
    let body = step_body(&received, "collect", "device_data");
    assert_eq!(body["method"], json!({"outcome": "not_run"}));
    assert_eq!(body["browser"]["language"], "de-DE");
    assert_eq!(
        reports["collect"]["result"]["updates"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // The challenge: the CReq posted as is; the CRes and every posted field reported.
    for (name, window, size) in [
        ("collect", "01", (250.0, 400.0)),
        ("challenge_02", "02", (390.0, 400.0)),
        ("challenge_03", "03", (500.0, 600.0)),
        ("challenge_04", "04", (600.0, 400.0)),
        ("challenge_05", "05", CONTAINER),
    ] {
        assert_eq!(iframe_size(&reports[name]), size, "{name}: window {window}");
        let body = step_body(&received, name, "challenge_result");
        let cres = body["cres"].as_str().unwrap_or_default();
        assert_base64url(cres, "cres");
        let decoded = unb64url(cres);
        assert_eq!(decoded["transStatus"], "Y", "{name}");
        assert_eq!(
            decoded["threeDSServerTransID"],
            format!("tx-{window}"),
            "{name}"
        );
        assert_eq!(
            body["params"],
            json!([["cres", cres], ["threeDSSessionData", SESSION_DATA]]),
            "{name}"
        );
    }
    // Without a CReq: the url loaded by GET, filling the container; what came back reported.
    assert_eq!(iframe_size(&reports["challenge_url"]), CONTAINER);
    assert_eq!(acs_posts(&received, "/acs/sdk-challenge").len(), 1);
    let loaded = reports["challenge_url"]["requests"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["url"] == format!("{}/acs/sdk-challenge", world.acs))
        });
    assert_eq!(loaded.map(|r| r["method"].clone()), Some(json!("GET")));
    assert_eq!(
        step_body(&received, "challenge_url", "challenge_result"),
        json!({"cres": null, "params": [["id", SDK_CHALLENGE_ID]]})
    );

    let creqs: Vec<String> = acs_posts(&received, "/acs/challenge")
        .iter()
        .map(|r| field(&decode_form(&r.body), "creq"))
        .collect();
    assert_eq!(creqs.len(), 5, "{creqs:?}");
    for creq in &creqs {
        assert_base64url(creq, "creq");
    }

    // A redirect leaves the page and reports nothing.
    assert_eq!(
        reports["redirect"]["url"],
        format!("{}/landing", world.service)
    );
    assert!(!received.iter().any(|r| r.path.contains("auth_redirect")));

    let png =
        std::fs::read(&screenshot).unwrap_or_else(|e| panic!("{}: {e}", screenshot.display()));
    assert!(
        png.len() > 1000 && png.starts_with(b"\x89PNG"),
        "{} bytes",
        png.len()
    );
    drop(runtime);
}
