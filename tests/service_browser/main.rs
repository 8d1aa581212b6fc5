//! The service's demo checkout (`GET /demo` of `serve --sandbox`) in real headless
//! Chromium: for each PSP, a frictionless and a challenge payment through the sandbox.
//!
//! The test starts the service in-process with `--sandbox` (the in-process sandbox, one
//! account per PSP, a temporary SQLite store), and `drive.cjs` presses each scenario's
//! Pay button as a cardholder would, doing on the sandbox's challenge page what the
//! scenario's hint says: Checkout's, PXP's and Paysafe's in the page's challenge iframe,
//! Mangopay's after a full-page redirect that comes back to `/v1/pages/return/{id}`. It
//! asserts the status the page ends with (what `threeds-bridge demo` prints for the same
//! scenario), the stored authentication as the merchant's back end reads it (`challenged`),
//! that the challenge was the sandbox's page, that the page's network log never carries
//! the authentication value nor the secret key, and keeps a screenshot of each challenge
//! step at `target/service-demo-<psp>-challenge.png`.
//!
//! `scripts/browser.sh` installs Chromium and playwright-core when they are missing; the
//! test fails (never skips) when it cannot.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use threeds_bridge::service::{start, RunningService, ServeOptions};

#[path = "../browser/driver.rs"]
mod driver;
use driver::{manifest_dir, target_dir};

/// One payment on the demo page.
struct Case {
    psp: &'static str,
    scenario: &'static str,
    /// The password typed and the button pressed on the challenge page.
    cardholder: Option<(&'static str, &'static str)>,
    /// Mangopay's challenge is a full-page redirect, the others' an iframe.
    redirect: bool,
}

impl Case {
    fn name(&self) -> String {
        format!("{} {}", self.psp, self.scenario)
    }

    fn screenshot(&self) -> Option<PathBuf> {
        self.cardholder
            .map(|_| target_dir().join(format!("service-demo-{}-challenge.png", self.psp)))
    }

    /// The hint the demo page shows for the scenario (`pages.rs`).
    fn hint(&self) -> String {
        match self.cardholder {
            None => String::new(),
            Some(("", button)) => format!("press \"{button}\""),
            Some((password, button)) => format!("password \"{password}\", then \"{button}\""),
        }
    }
}

const CASES: [Case; 8] = [
    Case {
        psp: "checkout",
        scenario: "frictionless",
        cardholder: None,
        redirect: false,
    },
    Case {
        psp: "checkout",
        scenario: "challenge passed",
        cardholder: Some((threeds_checkout::sandbox::CHALLENGE_PASSWORD, "submit")),
        redirect: false,
    },
    Case {
        psp: "paysafe",
        scenario: "frictionless",
        cardholder: None,
        redirect: false,
    },
    Case {
        psp: "paysafe",
        scenario: "challenge passed",
        cardholder: Some((threeds_paysafe::sandbox::OTP, "submit")),
        redirect: false,
    },
    Case {
        psp: "mangopay",
        scenario: "frictionless",
        cardholder: None,
        redirect: false,
    },
    Case {
        psp: "mangopay",
        scenario: "challenge passed",
        cardholder: Some(("", "authenticate")),
        redirect: true,
    },
    Case {
        psp: "pxp",
        scenario: "frictionless",
        cardholder: None,
        redirect: false,
    },
    Case {
        psp: "pxp",
        scenario: "challenge passed",
        cardholder: Some((threeds_pxp::sandbox::CHALLENGE_PASSWORD, "submit")),
        redirect: false,
    },
];

/// Every scenario here ends `authenticated`, as `threeds-bridge demo` prints for them.
const EXPECTED_STATUS: &str = "authenticated";

fn drive(service: &RunningService) -> HashMap<String, Value> {
    let scenarios: Vec<Value> = CASES
        .iter()
        .map(|c| {
            if let Some(path) = c.screenshot() {
                let _ = std::fs::remove_file(path);
            }
            json!({"name": c.name(), "account": c.psp, "scenario": c.scenario,
                "redirect": c.redirect, "screenshot": c.screenshot(),
                "cardholder": c.cardholder.map(|(p, b)| json!({"password": p, "button": b}))})
        })
        .collect();
    let config = json!({"base_url": service.base_url, "scenarios": scenarios});
    driver::drive(
        &manifest_dir().join("tests/service_browser/drive.cjs"),
        config,
    )
}

/// The answer of the page's `POST /demo/authentications`: what its back end created.
/// `None` when the page left before its body could be read (a full-page redirect).
fn created(report: &Value, base_url: &str) -> Option<Value> {
    let url = format!("{base_url}/demo/authentications");
    let posts = report["requests"]
        .as_array()
        .map(|r| r.iter().filter(|r| r["url"] == url).count());
    assert_eq!(posts, Some(1), "{}: one order", report["name"]);
    let answer = report["responses"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["url"] == url))?;
    assert_eq!(answer["status"], 201, "{answer}");
    let body = serde_json::from_str(answer["body"].as_str().unwrap_or_default());
    Some(body.unwrap_or_else(|e| panic!("{}: the create answer is not JSON: {e}", report["name"])))
}

/// The stored authentication, as the merchant's back end reads it (with the value).
async fn stored(client: &reqwest::Client, service: &RunningService, key: &str, id: &str) -> Value {
    let url = format!(
        "{}/v1/authentications/{id}?reveal=authentication_value",
        service.base_url
    );
    let response = client
        .get(&url)
        .bearer_auth(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(response.status(), 200, "GET {url}");
    response
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"))
}

/// The page's requests to the service's step endpoints for `id`, by path.
fn steps(report: &Value, base_url: &str, id: &str) -> Vec<(String, Value)> {
    let prefix = format!("{base_url}/v1/authentications/{id}/");
    report["requests"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| {
                    let step = r["url"].as_str()?.strip_prefix(&prefix)?;
                    (r["method"] == "POST").then(|| (step.to_owned(), r.clone()))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_demo_page_pays_frictionless_and_challenged_at_every_psp() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
    let service = runtime
        .block_on(start(ServeOptions {
            sandbox: true,
            listen: Some(([127, 0, 0, 1], 0).into()),
            // Nothing from this machine's environment: a generated key and store key.
            env: Some(|_| None),
            ..Default::default()
        }))
        .unwrap_or_else(|e| panic!("starting the service: {e}"));
    let key = service
        .api_key
        .as_ref()
        .map(|k| k.expose().to_owned())
        .unwrap_or_else(|| panic!("the sandbox service generated no API key"));
    let sandbox = service
        .sandbox()
        .map(|s| format!("http://{}", s.addr))
        .unwrap_or_else(|| panic!("the service runs no sandbox"));
    let base = service.base_url.clone();
    let reports = drive(&service);
    let client = reqwest::Client::new();
    let mut values_checked = 0;

    for case in &CASES {
        let name = case.name();
        let report = reports
            .get(&name)
            .unwrap_or_else(|| panic!("{name}: not in the driver's report"));
        assert!(report["failure"].is_null(), "{name}: {}", report["failure"]);
        // The sandbox's own top-level pages (Mangopay's SecureMode page) have no icon, so
        // Chromium's request for one is a 404 there; every other error counts.
        let sandbox_icon = format!("({sandbox}/favicon.ico)");
        let errors: Vec<&Value> = report["errors"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter(|e| !e.as_str().is_some_and(|e| e.ends_with(&sandbox_icon)))
                    .collect()
            })
            .unwrap_or_default();
        assert!(errors.is_empty(), "{name}: page errors {errors:?}");
        assert_eq!(report["hint"], case.hint(), "{name}: the page's hint");
        assert_eq!(
            report["ended"]["status"], EXPECTED_STATUS,
            "{name}: the page ended with {}",
            report["ended"]
        );

        let url = report["url"].as_str().unwrap_or_default();
        let first = created(report, &base);
        let id = match (&first, case.redirect) {
            (Some(first), _) => first["id"].as_str().unwrap_or_default().to_owned(),
            // The return page's path names the authentication.
            (None, true) => url
                .strip_prefix(&format!("{base}/v1/pages/return/"))
                .and_then(|rest| rest.split('?').next())
                .unwrap_or_default()
                .to_owned(),
            (None, false) => panic!("{name}: the create answer was not recorded"),
        };
        assert!(id.starts_with("auth_"), "{name}: {first:?} at {url}");
        let first = first.unwrap_or_default();
        let client_secret = first["client_secret"].as_str().unwrap_or_default();
        assert!(
            case.redirect || client_secret.starts_with("cs_"),
            "{name}: {first}"
        );
        let auth = runtime.block_on(stored(&client, &service, &key, &id));
        assert_eq!(auth["status"], EXPECTED_STATUS, "{name}: {auth}");
        assert_eq!(auth["account"], case.psp, "{name}: {auth}");
        assert_eq!(
            auth["challenged"] == true,
            case.cardholder.is_some(),
            "{name}: challenged {}",
            auth["challenged"]
        );

        // What the page sent to the service's step endpoints, all with the client secret.
        let steps = steps(report, &base, &id);
        for (step, request) in &steps {
            assert_eq!(
                request["headers"]["authorization"],
                format!("Bearer {client_secret}"),
                "{name}: {step}"
            );
        }
        let posted: Vec<&str> = steps.iter().map(|(s, _)| s.as_str()).collect();
        let iframe_challenge = case.cardholder.is_some() && !case.redirect;
        assert_eq!(
            posted.contains(&"challenge_result"),
            iframe_challenge,
            "{name}: {posted:?}"
        );
        if first["next_action"]["type"] == "three_ds_method" {
            assert_eq!(posted.first(), Some(&"device_data"), "{name}: {posted:?}");
        }

        // The challenge was the sandbox's page; a redirect came back to the return page.
        let challenge_url = report["challenge_url"].as_str().unwrap_or_default();
        assert_eq!(
            challenge_url.starts_with(&format!("{sandbox}/{}/", case.psp)),
            case.cardholder.is_some(),
            "{name}: challenge at {challenge_url:?}"
        );
        if case.redirect {
            assert!(
                url.starts_with(&format!("{base}/v1/pages/return/{id}")),
                "{name}: ended at {url}"
            );
        } else {
            assert_eq!(url, format!("{base}/demo"), "{name}");
            let log = report["ended"]["log"].as_str().unwrap_or_default();
            assert!(
                log.contains(&format!("{id}: {EXPECTED_STATUS}")),
                "{name}: {log}"
            );
        }
        if let Some(path) = case.screenshot() {
            let png = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(
                png.len() > 1000 && png.starts_with(b"\x89PNG"),
                "{}: {} bytes",
                path.display(),
                png.len()
            );
        }

        // Neither the authentication value nor the secret key ever reaches the page.
        let traffic = format!("{}{}", report["requests"], report["responses"]);
        assert!(
            !traffic.contains("authentication_value"),
            "{name}: the page's traffic names the authentication value"
        );
        if let Some(value) = auth["authentication_value"].as_str() {
            assert!(
                value.len() > 8 && value != "[redacted]",
                "{name}: revealed {value:?}"
            );
            assert!(
                !traffic.contains(value),
                "{name}: the page's traffic carries the authentication value"
            );
            values_checked += 1;
        }
        assert!(
            !traffic.contains(&key),
            "{name}: the page's traffic carries the secret key"
        );
    }
    // The EMV PSPs give a value for every authenticated payment here; Mangopay gives none.
    assert!(
        values_checked >= 6,
        "{values_checked} authentication values checked"
    );
    runtime.block_on(service.shutdown());
}
