//! The HTML the service serves: the notification pages the ACS posts to (they hand the
//! posted fields to `threeds.js`, `docs/threeds-js.md`), the page a full-page redirect
//! returns to, and `GET /demo`, a checkout page that pays with `threeds.js` against the
//! sandbox (`serve --sandbox`).

use super::api::{ClientAuthentication, CreateAuthentication};
use super::http::{json_response, App};
use crate::demo::browser::CardholderAction;
use crate::model::Provider;
use crate::request::{AuthenticationRequest, Urls};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use threeds_wire::sandbox::pages::html_escape;

/// An HTML answer that no other origin may frame except for the pages meant to be framed
/// (the notification pages live inside the helper's iframes).
pub(super) fn html(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// JSON for inside a `<script>`: `<`, `>`, `&` and the JavaScript line separators are
/// written as escapes, so no posted value can close the script or open a comment.
fn script_json<T: Serialize>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The page at a notification URL: `ThreedsBridge.notify(kind, fields)`.
pub(super) fn notify_page(kind: &str, fields: &[(String, String)]) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>threeds-bridge</title></head>\
         <body><script src=\"/threeds.js\"></script>\
         <script>ThreedsBridge.notify({}, {});</script></body></html>",
        script_json(&kind),
        script_json(&fields)
    )
}

/// The page a full-page redirect comes back to, after the service reported it. Its empty
/// icon spares the browser a `/favicon.ico` request (a 404, an error in its console).
pub(super) fn returned_page(auth: &ClientAuthentication) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authentication {status}</title><link rel=\"icon\" href=\"data:,\"></head>\
         <body><h1 id=\"status\" data-status=\"{status}\">Authentication {status}</h1>\
         <p>Authentication <code>{id}</code>: next step <code>{next}</code>.</p>\
         <p><a href=\"/demo\">Back</a></p></body></html>",
        status = html_escape(auth.status.as_str()),
        id = html_escape(&auth.id),
        next = html_escape(auth.next_step.as_str()),
    )
}

/// One payment the demo page offers: a PSP's sandbox scenario.
#[derive(Debug, Clone, Serialize)]
pub struct DemoScenario {
    pub account: String,
    pub name: &'static str,
    /// What the challenge page asks for, shown on the demo page.
    pub hint: Option<String>,
    #[serde(skip)]
    request: AuthenticationRequest,
}

/// The demo checkout's back end: the sandbox scenarios of every PSP. It creates
/// authentications as a merchant's back end would, so the page never holds the secret
/// key: it gets the id, the client secret and the `next_action`, as a real checkout does.
pub struct DemoShop {
    scenarios: Vec<DemoScenario>,
    /// The demo's merchant receiver, which some scenarios' requests name; kept running.
    _receiver: crate::demo::merchant::Receiver,
}

impl DemoShop {
    /// The scenarios of every PSP with a demo, each at the account named after its PSP.
    pub async fn new(
        sandbox: &crate::sandbox::RunningSandbox,
        catalog: Arc<crate::catalog::Catalog>,
    ) -> Result<DemoShop, crate::demo::DemoError> {
        let receiver = crate::demo::merchant::Receiver::start()
            .await
            .map_err(|e| crate::demo::DemoError::new(Provider::new("demo"), e))?;
        let demos = crate::demo::setup::all(sandbox, &receiver, catalog).await?;
        let scenarios = demos
            .into_iter()
            .flat_map(|demo| {
                let account = demo.provider.to_string();
                demo.scenarios.into_iter().map(move |s| DemoScenario {
                    account: account.clone(),
                    name: s.name,
                    hint: s.cardholder.as_ref().map(hint),
                    // The service's own pages take the place of the demo merchant's URLs.
                    request: AuthenticationRequest {
                        urls: Urls::default(),
                        ..s.request
                    },
                })
            })
            .collect();
        Ok(DemoShop {
            scenarios,
            _receiver: receiver,
        })
    }
}

fn hint(action: &CardholderAction) -> String {
    if action.password.is_empty() {
        format!("press \"{}\"", action.button)
    } else {
        format!(
            "password \"{}\", then \"{}\"",
            action.password, action.button
        )
    }
}

/// `GET /demo`.
pub(super) async fn demo_page(State(app): State<Arc<App>>) -> Response {
    let Some(shop) = &app.demo else {
        return (
            StatusCode::NOT_FOUND,
            html("<!doctype html><p>The demo runs with <code>threeds-bridge serve --sandbox</code>.</p>".into()),
        )
            .into_response();
    };
    html(DEMO_PAGE.replace("/*SCENARIOS*/null", &script_json(&shop.scenarios)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoOrder {
    account: String,
    scenario: String,
}

/// `POST /demo/authentications` `{"account", "scenario"}`: what the demo page's back end
/// does. Answers what a checkout page needs: the browser's view and the client secret.
pub(super) async fn demo_create(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let Some(shop) = &app.demo else {
        return super::api::ApiError::new(
            super::api::ErrorType::NotFound,
            "the demo runs with serve --sandbox",
            None,
        )
        .into_response();
    };
    let order: DemoOrder = match serde_json::from_slice(&body) {
        Ok(o) => o,
        Err(e) => {
            return super::api::ApiError::invalid(format!("demo order: {e}"), None).into_response()
        }
    };
    let Some(scenario) = shop
        .scenarios
        .iter()
        .find(|s| s.account == order.account && s.name == order.scenario)
    else {
        return super::api::ApiError::invalid("no such demo scenario", Some("scenario"))
            .into_response();
    };
    let mut request = scenario.request.clone();
    request.reference = Some(format!("demo-{}", threeds_wire::ids::lower_alnum(12)));
    // The merchant's site is this service. Paysafe's sandbox challenge page, which stands in
    // for Paysafe's JS SDK, posts its end (`id`, `serverJwt`) to `merchantUrl`; the
    // challenge notification page hands that post to threeds.js, as it does a CRes.
    request.merchant.url = Some(format!("{}/v1/pages/challenge", app.engine.public_url));
    let body = CreateAuthentication {
        request,
        account: Some(scenario.account.clone()),
        route: None,
    };
    let created = match app.engine.create(body).await {
        Ok(record) => app.engine.object(&record),
        Err(super::engine::CreateError::NotCreated(e)) => Err(e.0),
        Err(super::engine::CreateError::Lost(e)) => Err(e),
    };
    match created {
        Ok(object) => {
            let mut answer = serde_json::to_value(object.client_view()).unwrap_or_default();
            answer["client_secret"] =
                serde_json::to_value(&object.client_secret).unwrap_or_default();
            answer["three_ds_server_trans_id"] =
                serde_json::to_value(&object.three_ds_server_trans_id).unwrap_or_default();
            json_response(StatusCode::CREATED, &answer)
        }
        Err(e) => e.into_response(),
    }
}

const DEMO_PAGE: &str = include_str!("../../assets/demo.html");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_values_cannot_leave_the_script() {
        let page = notify_page(
            "challenge",
            &[(
                "cres".into(),
                "</script><script>alert(1)</script>&\u{2028}".into(),
            )],
        );
        assert!(!page.contains("</script><script>alert"), "{page}");
        assert!(page.contains("\\u003c/script\\u003e"));
        assert!(page.contains("\\u0026") && page.contains("\\u2028"));
        assert_eq!(page.matches("<script").count(), 2);
    }
}
