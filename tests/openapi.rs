//! The service's API types and its OpenAPI 3.1 document, held to each other: every path of
//! the service is in the document, every example serialized from a real value (normalized
//! fixtures, translated request fixtures) validates against its schema (draft 2020-12),
//! the request bodies' `required` lists are what serde needs, and merchant webhooks are
//! signed as a hand-computed vector says.

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use std::path::Path;
use threeds_bridge::model::{AuthenticationStatus, NextStep, Provider, Retry};
use threeds_bridge::router::{Attempt, Decision, Why};
use threeds_bridge::service::api::{
    read_body, sign_webhook, verify_webhook, ApiError, AuthenticationObject, ChallengeResult,
    ClientSecret, CreateAuthentication, DeviceData, Envelope, ErrorType, Event, EventList,
    MethodOutcome, SignatureError, DEFAULT_TOLERANCE_SECS,
};
use threeds_bridge::service::openapi::document;
use threeds_bridge::translate::translate;
use threeds_bridge::{normalize_text, Catalog, Context};
use threeds_wire::{with_secrets_revealed, Secret};

/// The paths and methods of the service's HTTP API, as its contract lists them.
const PATHS: &[(&str, &str)] = &[
    ("post", "/v1/authentications"),
    ("get", "/v1/authentications/{id}"),
    ("options", "/v1/authentications/{id}"),
    ("post", "/v1/authentications/{id}/device_data"),
    ("options", "/v1/authentications/{id}/device_data"),
    ("post", "/v1/authentications/{id}/challenge_result"),
    ("options", "/v1/authentications/{id}/challenge_result"),
    ("post", "/v1/authentications/{id}/complete"),
    ("post", "/v1/notifications"),
    ("get", "/v1/notifications"),
    ("post", "/v1/notifications/{account}"),
    ("get", "/v1/notifications/{account}"),
    ("get", "/v1/events"),
    ("get", "/v1/openapi.json"),
    ("get", "/v1/pages/method"),
    ("post", "/v1/pages/method"),
    ("get", "/v1/pages/challenge"),
    ("post", "/v1/pages/challenge"),
    ("get", "/v1/pages/return/{id}"),
    ("post", "/v1/pages/return/{id}"),
    ("get", "/threeds.js"),
    ("get", "/demo"),
    ("post", "/demo/authentications"),
    ("get", "/healthz"),
];

/// Paths whose call carries a JSON body of the API's own.
const BODIES: &[(&str, &str)] = &[
    ("/v1/authentications", "CreateAuthentication"),
    ("/v1/authentications/{id}/device_data", "DeviceData"),
    (
        "/v1/authentications/{id}/challenge_result",
        "ChallengeResult",
    ),
    ("/demo/authentications", "DemoOrder"),
];

/// Checks `instance` against the document's schema `name`, with every `$ref` resolved
/// inside the document.
fn check(name: &str, instance: &Value) {
    let doc = document();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} rejects {instance:#}:\n{}",
        errors.join("\n")
    );
}

/// Whether the document's schema `name` accepts `instance`.
fn accepts(name: &str, instance: &Value) -> bool {
    let doc = document();
    let schema = json!({
        "$ref": format!("#/components/schemas/{name}"),
        "components": doc["components"],
    });
    jsonschema::draft202012::new(&schema)
        .expect("schema compiles")
        .is_valid(instance)
}

fn at(seconds: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(seconds, 0)
        .single()
        .expect("a valid time")
}

fn attempt(account: &str, decision: Decision, why: Why) -> Attempt {
    Attempt {
        account: account.into(),
        provider: Provider::CHECKOUT,
        status: Some(AuthenticationStatus::Error),
        next_step: Some(NextStep::RetryAuthentication),
        retry: Some(Retry::OtherPsp),
        reason: Some("psp_unavailable".into()),
        psp_id: None,
        elapsed_ms: 12,
        challenge_requested: false,
        resolution_reads: 0,
        decision,
        why,
    }
}

fn envelope() -> Envelope {
    Envelope {
        id: "auth_01hzy".into(),
        account: Some("paysafe-eu".into()),
        attempts: vec![
            attempt("checkout-eu", Decision::FailedOver, Why::PspFailure),
            attempt("paysafe-eu", Decision::Stopped, Why::Outcome),
        ],
        created_at: at(1_700_000_000),
        updated_at: at(1_700_000_042),
        client_secret: Some(ClientSecret::new("cs_auth_01hzy_secret")),
    }
}

/// Every fixture of every PSP folder with a golden file, normalized.
fn normalized_fixtures() -> Vec<(String, threeds_bridge::model::Authentication)> {
    let catalog = Catalog::builtin().expect("catalog");
    let ctx = Context::new(&catalog);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for psp in threeds_bridge::psp::providers() {
        let dir = root.join(psp.as_str());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().to_string();
            if !name.ends_with(".json") || name.ends_with(".golden.json") {
                continue;
            }
            if !Path::new(&name.replace(".json", ".golden.json")).exists() {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("fixture reads");
            if let Ok(n) = normalize_text(&text, Some(psp), &ctx) {
                out.push((name, n.authentication));
            }
        }
    }
    out
}

/// The request fixtures, each read into the normalized request model.
fn request_fixtures() -> Vec<(String, threeds_bridge::request::AuthenticationRequest)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/requests");
    threeds_bridge::psp::providers()
        .into_iter()
        .filter_map(|psp| {
            let entry = std::fs::read_dir(&dir).ok()?.flatten().find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{}_", psp.as_str()))
            })?;
            let text = std::fs::read_to_string(entry.path()).ok()?;
            let value: Value = serde_json::from_str(&text).ok()?;
            let translation = translate(&value, psp, psp, &[]).ok()?;
            Some((entry.path().display().to_string(), translation.model))
        })
        .collect()
}

fn object_of(path: &str) -> AuthenticationObject {
    let (_, auth) = normalized_fixtures()
        .into_iter()
        .find(|(name, _)| name.ends_with(path))
        .expect("the fixture normalizes");
    AuthenticationObject::new(envelope(), auth)
}

#[test]
fn the_document_is_openapi_3_1() {
    let doc = document();
    let version = doc["openapi"].as_str().expect("openapi is a string");
    assert!(version.starts_with("3.1."), "openapi {version}");
    assert_eq!(
        doc["jsonSchemaDialect"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    // Every schema compiles as draft 2020-12, and every $ref points at a schema that exists.
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in schemas.keys() {
        let schema = json!({"$ref": format!("#/components/schemas/{name}"), "components": doc["components"]});
        jsonschema::draft202012::new(&schema)
            .unwrap_or_else(|e| panic!("schema {name} does not compile: {e}"));
    }
    // Operation ids are unique, and every link names one of them.
    let mut ids = std::collections::BTreeSet::new();
    let mut links = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let id = operation["operationId"].as_str().expect("an operationId");
            assert!(ids.insert(id.to_owned()), "{method} {path}: {id} twice");
            for answer in operation["responses"]
                .as_object()
                .expect("responses")
                .values()
            {
                for link in answer["links"]
                    .as_object()
                    .into_iter()
                    .flat_map(|l| l.values())
                {
                    links.push(link["operationId"].as_str().expect("a link's operationId"));
                }
            }
        }
    }
    assert!(!links.is_empty(), "the document has links");
    for link in links {
        assert!(
            ids.contains(link),
            "a link to {link}, which is no operation"
        );
    }
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/components/").skip(1) {
        let target = piece.split('"').next().expect("a ref");
        let pointer = format!("/components/{target}");
        assert!(doc.pointer(&pointer).is_some(), "dangling $ref {pointer}");
    }
}

#[test]
fn every_path_is_documented_with_its_body_and_error_answers() {
    let doc = document();
    for (method, path) in PATHS {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        let responses = operation["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|code| code.starts_with('2')),
            "{method} {path} has no success answer"
        );
        for (code, answer) in responses {
            // HTML pages answer HTML; the health check's 503 is its own report.
            let html_only = answer["content"]
                .as_object()
                .is_some_and(|c| c.keys().all(|k| k == "text/html"));
            if (code.starts_with('4') || code.starts_with('5')) && !html_only && *path != "/healthz"
            {
                assert_eq!(
                    answer["$ref"], "#/components/responses/Error",
                    "{method} {path} {code} is not the error envelope"
                );
            }
        }
        if (path.starts_with("/v1/authentications") || *path == "/v1/events")
            && *method != "options"
        {
            for code in ["401", "500"] {
                assert!(responses.contains_key(code), "{method} {path} lacks {code}");
            }
        }
    }
    // And the document has no operation the contract does not list.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            assert!(
                PATHS.contains(&(method.as_str(), path.as_str())),
                "{method} {path} is documented but not in the contract's list"
            );
        }
    }
    for (path, schema) in BODIES {
        assert_eq!(
            doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
                ["$ref"],
            format!("#/components/schemas/{schema}"),
            "{path}'s body"
        );
    }
    let create = &doc["paths"]["/v1/authentications"]["post"];
    assert!(create["responses"]["201"].is_object());
    for code in ["409", "422"] {
        assert!(create["responses"][code].is_object(), "create lacks {code}");
    }
    assert!(create["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
    let error = &doc["components"]["responses"]["Error"]["content"]["application/json"];
    assert_eq!(
        error["schema"]["$ref"],
        "#/components/schemas/ErrorEnvelope"
    );
}

#[test]
fn every_normalized_fixture_as_the_authentication_object_fits_its_schema() {
    let fixtures = normalized_fixtures();
    assert!(fixtures.len() >= 40, "only {} fixtures", fixtures.len());
    let mut actions = std::collections::BTreeSet::new();
    for (name, auth) in fixtures {
        let object = AuthenticationObject::new(envelope(), auth);
        if let Some(action) = &object.next_action {
            actions.insert(serde_json::to_value(action).expect("json")["type"].to_string());
        }
        let value = serde_json::to_value(&object).expect("serializes");
        check("Authentication", &value);
        let back: AuthenticationObject = serde_json::from_value(value).expect("reads back");
        assert_eq!(back.id, object.id, "{name}");
        check(
            "ClientAuthentication",
            &serde_json::to_value(object.client_view()).expect("json"),
        );
        let event = Event::authentication_updated("evt_1", at(1_700_000_100), object);
        check("Event", &serde_json::to_value(&event).expect("json"));
    }
    // The fixtures reach several kinds of next_action, so their schemas were exercised.
    assert!(actions.len() >= 2, "next_action kinds seen: {actions:?}");
}

#[test]
fn the_object_keeps_contract_order_and_renames_the_psp_id() {
    let object = object_of("checkout/session_full_payload_challenged_java.json");
    let text = serde_json::to_string(&object).expect("json");
    let order = [
        "\"id\":\"auth_01hzy\"",
        "\"account\":",
        "\"provider\":\"checkout\"",
        "\"kind\":",
        "\"psp_id\":",
        "\"status\":",
        "\"next_step\":",
        "\"raw\":",
        "\"authenticated_at\":",
        "\"authentication_value\":",
        "\"attempts\":",
        "\"created_at\":\"2023-11-14T22:13:20Z\"",
        "\"updated_at\":",
        "\"client_secret\":\"cs_auth_01hzy_secret\"",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|k| {
            text.find(k)
                .unwrap_or_else(|| panic!("{k} missing in {text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[test]
fn the_authentication_value_never_reaches_the_browser_and_the_back_end_only_on_request() {
    let mut object = object_of("checkout/session_full_payload_challenged_java.json");
    object.authentication_value = Some(Secret::new("AAABBJgWkQAAAAAAAAAAAAAAAAA="));
    let plain = serde_json::to_string(&object).expect("json");
    assert!(
        plain.contains("\"authentication_value\":\"[redacted]\""),
        "{plain}"
    );
    assert!(!plain.contains("AAABBJgWkQ"));
    let revealed = with_secrets_revealed(|| serde_json::to_string(&object)).expect("json");
    assert!(
        revealed.contains("AAABBJgWkQ"),
        "a reveal shows the CAVV to the back end"
    );
    let browser =
        with_secrets_revealed(|| serde_json::to_string(&object.client_view())).expect("json");
    assert!(!browser.contains("AAABBJgWkQ"), "{browser}");
    assert!(!browser.contains("authentication_value"), "{browser}");
    // The client secret is in the back end's answer, but not in its Debug or in events.
    assert!(!format!("{object:?}").contains("cs_auth_01hzy_secret"));
    let event = Event::authentication_updated("evt_2", at(1), object);
    assert!(!serde_json::to_string(&event)
        .expect("json")
        .contains("cs_auth_01hzy_secret"));
}

#[test]
fn an_unknown_trans_status_still_fits_the_schema() {
    let mut value = serde_json::to_value(object_of(
        "checkout/session_full_payload_challenged_java.json",
    ))
    .expect("json");
    value["trans_status"] = json!("X");
    check("Authentication", &value);
    value["status"] = json!("nearly_authenticated");
    assert!(
        !accepts("Authentication", &value),
        "status is a closed enum"
    );
}

#[test]
fn request_fixtures_as_create_bodies_fit_the_schema_and_read_back() {
    let fixtures = request_fixtures();
    assert_eq!(fixtures.len(), threeds_bridge::psp::providers().len());
    for (name, request) in fixtures {
        let body = CreateAuthentication {
            request,
            account: Some("checkout-eu".into()),
            route: None,
        };
        let value = with_secrets_revealed(|| serde_json::to_value(&body)).expect("json");
        check("CreateAuthentication", &value);
        let read = CreateAuthentication::from_json(value).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read, body, "{name}");
        // `account` is the request model's acctInfo, kept apart from the PSP account.
        assert_eq!(read.request.account, body.request.account);
    }
}

/// For each property of `schema`'s example `full`: removing it is refused by serde exactly
/// when the schema requires it.
fn required_matches_serde<T>(schema: &str, full: &Value)
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let doc = document();
    let required: Vec<&str> = doc["components"]["schemas"][schema]["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for key in full.as_object().expect("object").keys() {
        let mut without = full.clone();
        without.as_object_mut().expect("object").remove(key);
        let read = read_body::<T>(&without).is_ok();
        assert_eq!(
            read,
            !required.contains(&key.as_str()),
            "{schema}: without {key}, serde {} but the schema {}",
            if read { "reads it" } else { "refuses it" },
            if required.contains(&key.as_str()) {
                "requires it"
            } else {
                "does not"
            }
        );
        assert_eq!(accepts(schema, &without), read, "{schema} without {key}");
    }
}

#[test]
fn required_fields_of_the_bodies_are_what_serde_needs() {
    let (_, request) = request_fixtures().into_iter().next().expect("a request");
    let create = with_secrets_revealed(|| {
        serde_json::to_value(CreateAuthentication {
            request,
            account: None,
            route: Some(vec!["checkout-eu".into(), "paysafe-eu".into()]),
        })
    })
    .expect("json");
    required_matches_serde::<CreateAuthentication>("CreateAuthentication", &create);
    let device = serde_json::to_value(DeviceData {
        browser: request_fixtures().into_iter().find_map(|(_, r)| r.browser),
        method: MethodOutcome::Completed {
            data: Some("eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjEifQ".into()),
        },
    })
    .expect("json");
    assert!(
        device["browser"].is_object(),
        "a request fixture has browser data"
    );
    required_matches_serde::<DeviceData>("DeviceData", &device);
    let challenge = serde_json::to_value(ChallengeResult {
        cres: Some("eyJ0cmFuc1N0YXR1cyI6IlkifQ".into()),
        params: vec![("threeDSSessionData".into(), "abc".into())],
    })
    .expect("json");
    required_matches_serde::<ChallengeResult>("ChallengeResult", &challenge);
}

#[test]
fn device_data_and_challenge_result_bodies_fit_and_map_to_the_flow_types() {
    for (text, outcome) in [
        (
            r#"{"outcome":"completed","data":"e30"}"#,
            MethodOutcome::Completed {
                data: Some("e30".into()),
            },
        ),
        (r#"{"outcome":"timed_out"}"#, MethodOutcome::TimedOut),
        (r#"{"outcome":"not_run"}"#, MethodOutcome::NotRun),
    ] {
        let body: Value =
            serde_json::from_str(&format!(r#"{{"browser":null,"method":{text}}}"#)).expect("json");
        check("DeviceData", &body);
        let read: DeviceData = read_body(&body).expect("reads");
        assert_eq!(read.method, outcome);
        check("DeviceData", &serde_json::to_value(&read).expect("json"));
    }
    let body =
        json!({"cres": null, "params": [["transactionId", "wt_1"], ["threeDSSessionData", "s"]]});
    check("ChallengeResult", &body);
    let read: ChallengeResult = read_body(&body).expect("reads");
    assert_eq!(read.params[0], ("transactionId".into(), "wt_1".into()));
    assert!(!accepts("ChallengeResult", &json!({"params": [["one"]]})));
    assert!(!accepts(
        "DeviceData",
        &json!({"method": {"outcome": "maybe"}})
    ));
    assert!(read_body::<DeviceData>(&json!({"method": {"outcome": "maybe"}})).is_err());
}

#[test]
fn unknown_fields_and_bad_values_are_refused_with_their_path() {
    let unknown = json!({"amount": 100, "cardholder": {}, "merchant": {}, "urls": {}, "card": {"numbr": "4"}});
    let e = CreateAuthentication::from_json(unknown.clone()).expect_err("refused");
    assert_eq!(e.status, 400);
    assert_eq!(e.body.error.kind, ErrorType::InvalidRequest);
    assert_eq!(e.body.error.param.as_deref(), Some("card.numbr"));
    assert!(
        !accepts("CreateAuthentication", &unknown),
        "the schema refuses it too"
    );

    let bad = json!({"amount": "ten", "cardholder": {}, "merchant": {}, "urls": {}});
    let e = CreateAuthentication::from_json(bad.clone()).expect_err("refused");
    assert_eq!(e.body.error.param.as_deref(), Some("amount"), "{e}");
    assert!(!accepts("CreateAuthentication", &bad));

    let both =
        json!({"cardholder": {}, "merchant": {}, "urls": {}, "account": "a", "route": ["b"]});
    let e = CreateAuthentication::from_json(both.clone()).expect_err("refused");
    assert_eq!(e.body.error.param.as_deref(), Some("route"));
    assert!(
        !accepts("CreateAuthentication", &both),
        "the schema refuses both too"
    );

    let empty = json!({"cardholder": {}, "merchant": {}, "urls": {}, "route": []});
    assert!(CreateAuthentication::from_json(empty.clone()).is_err());
    assert!(!accepts("CreateAuthentication", &empty));
    // A long unknown key is quoted as an excerpt only.
    let long = format!("x{}", "y".repeat(500));
    let e = read_body::<DeviceData>(&json!({"method": {"outcome": "not_run"}, long.clone(): 1}))
        .expect_err("refused");
    assert!(!e.body.error.message.contains(&long));
}

#[test]
fn errors_have_one_status_per_type_and_fit_the_envelope() {
    let statuses: Vec<(ErrorType, u16)> = ErrorType::ALL.iter().map(|t| (*t, t.status())).collect();
    assert_eq!(
        statuses,
        [
            (ErrorType::InvalidRequest, 400),
            (ErrorType::Authentication, 401),
            (ErrorType::NotFound, 404),
            (ErrorType::Conflict, 409),
            (ErrorType::PspError, 502),
            (ErrorType::Internal, 500),
        ]
    );
    for kind in ErrorType::ALL {
        let e = ApiError::new(*kind, "what and where", Some("card.number"));
        let value = serde_json::to_value(&e.body).expect("json");
        assert_eq!(value["error"]["type"], kind.as_str());
        check("ErrorEnvelope", &value);
    }
    let mismatch = ApiError::idempotency_mismatch("key-1");
    assert_eq!(
        (mismatch.status, mismatch.body.error.kind),
        (422, ErrorType::InvalidRequest)
    );
    let running = ApiError::idempotency_in_progress("key-1");
    assert_eq!(
        (running.status, running.body.error.kind),
        (409, ErrorType::Conflict)
    );
    check(
        "ErrorEnvelope",
        &json!({"error": {"type": "internal", "message": "m", "param": null}}),
    );
    assert!(!accepts(
        "ErrorEnvelope",
        &json!({"error": {"type": "oops", "message": "m", "param": null}})
    ));
}

#[test]
fn an_event_list_fits_its_schema() {
    let object = object_of("checkout/session_full_payload_challenged_java.json");
    let list = EventList {
        data: vec![
            Event::authentication_updated("evt_2", at(1_700_000_200), object.clone()),
            Event::authentication_updated("evt_1", at(1_700_000_100), object),
        ],
        has_more: false,
    };
    let value = serde_json::to_value(&list).expect("json");
    assert_eq!(value["data"][0]["type"], "authentication.updated");
    check("EventList", &value);
}

const SECRET: &str = "whsec_test_0123456789";
const BODY: &[u8] = br#"{"id":"evt_1","type":"authentication.updated"}"#;
/// HMAC-SHA256("whsec_test_0123456789", "1700000000." + BODY), computed apart from this
/// crate (Python's `hmac.new(key, msg, hashlib.sha256).hexdigest()`).
const VECTOR: &str = "5e7004f6a0f668193b73164a30d3751791c9eff63cf698c199f950566da0b8a5";

#[test]
fn webhook_signature_matches_the_hand_computed_vector() {
    let secret = Secret::new(SECRET);
    let header = sign_webhook(&secret, 1_700_000_000, BODY).expect("signs");
    assert_eq!(header, format!("t=1700000000,v1={VECTOR}"));
    assert_eq!(
        verify_webhook(
            &secret,
            &header,
            BODY,
            1_700_000_000,
            DEFAULT_TOLERANCE_SECS
        ),
        Ok(1_700_000_000)
    );
}

#[test]
fn webhook_verification_refuses_what_it_must() {
    let secret = Secret::new(SECRET);
    let header = format!("t=1700000000,v1={VECTOR}");
    let verify = |header: &str, body: &[u8], now: i64| {
        verify_webhook(&secret, header, body, now, DEFAULT_TOLERANCE_SECS)
    };
    // Within the window on either side; outside it refused, whatever the MAC.
    assert!(verify(&header, BODY, 1_700_000_300).is_ok());
    assert!(verify(&header, BODY, 1_699_999_700).is_ok());
    assert_eq!(
        verify(&header, BODY, 1_700_000_301),
        Err(SignatureError::OutsideTolerance {
            timestamp: 1_700_000_000,
            distance: 301,
            tolerance: 300
        })
    );
    // Another body, another timestamp or another secret do not match.
    assert_eq!(
        verify(&header, b"{}", 1_700_000_000),
        Err(SignatureError::Mismatch)
    );
    let moved = format!("t=1700000001,v1={VECTOR}");
    assert_eq!(
        verify(&moved, BODY, 1_700_000_000),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verify_webhook(
            &Secret::new("whsec_other"),
            &header,
            BODY,
            1_700_000_000,
            300
        ),
        Err(SignatureError::Mismatch)
    );
    // A rotated secret signs twice; either match is enough, and other schemes are ignored.
    let rotated = format!("t=1700000000, v0=abc, v1={}, v1={VECTOR}", "0".repeat(64));
    assert_eq!(verify(&rotated, BODY, 1_700_000_000), Ok(1_700_000_000));
    for malformed in [
        "",
        "v1=abc",
        "t=soon,v1=abc",
        "t=1700000000",
        "t=1,t=2,v1=ab",
        "garbage",
    ] {
        assert!(
            matches!(
                verify(malformed, BODY, 1_700_000_000),
                Err(SignatureError::Malformed(_))
            ),
            "{malformed:?}"
        );
    }
    // An empty secret proves nothing and is refused rather than used.
    assert!(matches!(
        verify_webhook(&Secret::new(""), &header, BODY, 1_700_000_000, 300),
        Err(SignatureError::Key(_))
    ));
    assert!(sign_webhook(&Secret::new(""), 1, BODY).is_err());
}

/// The methods a path could be called with (HEAD is GET's, answered by the same route).
const METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "options"];

/// `path` with its parameters filled in: an id that is no authentication, the sandbox's
/// Checkout account.
fn concrete(path: &str) -> String {
    path.replace("{id}", "auth_not_there")
        .replace("{account}", "checkout")
}

/// The answer's status and body, after checking what every answer carries: a request id,
/// and for an error in JSON the error envelope.
async fn call(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    method: &str,
    path: &str,
    body: Vec<u8>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
    let response = client
        .request(method.clone(), format!("{base}{path}"))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let id = headers
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        id.starts_with("req_") && id.len() == 20,
        "{method} {path}: Request-Id {id:?}"
    );
    let json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let text = response.text().await.expect("a body");
    let body = if json {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"))
    } else {
        Value::String(text)
    };
    if status >= 400 && json && path != "/healthz" {
        check("ErrorEnvelope", &body);
    }
    (status, headers, body)
}

fn no_such_path(status: u16, body: &Value) -> bool {
    status == 404
        && body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("no such path"))
}

#[tokio::test]
async fn the_server_answers_what_the_document_lists_and_serves_the_document() {
    let service = threeds_bridge::service::start(threeds_bridge::service::ServeOptions {
        sandbox: true,
        listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        env: Some(|_| None),
        ..Default::default()
    })
    .await
    .expect("the service starts");
    let key = service
        .api_key
        .as_ref()
        .expect("a generated sandbox key")
        .expose()
        .to_owned();
    let base = service.base_url.clone();
    let client = reqwest::Client::new();
    let doc = document();

    // Every documented path answers each documented method with a documented status, and
    // every other method with 405: so the document lists all of a path's methods.
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let body = if *method == "post" {
                b"{}".to_vec()
            } else {
                Vec::new()
            };
            let (status, headers, answer) =
                call(&client, &base, &key, method, &concrete(path), body).await;
            match item.get(*method) {
                Some(operation) => {
                    assert!(
                        !no_such_path(status, &answer) && status != 405,
                        "{method} {path} is documented but answers {status} {answer}"
                    );
                    let documented = &operation["responses"][status.to_string()];
                    assert!(
                        documented.is_object(),
                        "{method} {path} answers {status}, which the document does not list: {answer}"
                    );
                    let documented = match documented["$ref"].as_str() {
                        Some(pointer) => doc
                            .pointer(pointer.trim_start_matches('#'))
                            .expect("the $ref resolves"),
                        None => documented,
                    };
                    let media = headers
                        .get("content-type")
                        .and_then(|v| v.to_str().ok())
                        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
                    match (&documented["content"], media) {
                        (Value::Object(content), Some(media)) => assert!(
                            content.contains_key(&media),
                            "{method} {path} {status} answers {media}, documented {:?}",
                            content.keys().collect::<Vec<_>>()
                        ),
                        (Value::Null, None) => {}
                        (content, media) => panic!(
                            "{method} {path} {status}: content {media:?}, documented {content}"
                        ),
                    }
                }
                None => {
                    assert_eq!(status, 405, "{method} {path} is not documented: {answer}");
                    assert_eq!(answer["error"]["type"], "invalid_request", "{answer}");
                    let allow = headers
                        .get("allow")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_lowercase();
                    for documented in item.as_object().expect("a path item").keys() {
                        assert!(
                            allow.contains(documented.as_str()),
                            "{path}: Allow {allow:?} lacks {documented}"
                        );
                    }
                }
            }
        }
    }

    // Paths the document does not have are not served.
    for (method, path) in [
        ("get", "/v1/authentication"),
        ("get", "/v1/authentications/auth_1/attempts"),
        ("post", "/v1/pages/return"),
        ("get", "/v2/openapi.json"),
        ("get", "/"),
    ] {
        assert!(
            doc["paths"].get(path).is_none(),
            "{path} is in the document"
        );
        let (status, _, answer) = call(&client, &base, &key, method, path, Vec::new()).await;
        assert!(
            no_such_path(status, &answer),
            "{method} {path}: {status} {answer}"
        );
    }

    // A body over axum's 2 MiB limit is refused as documented, in the envelope.
    let (status, _, answer) = call(
        &client,
        &base,
        &key,
        "post",
        "/v1/authentications",
        vec![b' '; 3 << 20],
    )
    .await;
    assert_eq!(status, 413, "{answer}");
    assert!(doc["paths"]["/v1/authentications"]["post"]["responses"]["413"].is_object());

    // The served document is the one this crate builds.
    let (status, _, served) =
        call(&client, &base, &key, "get", "/v1/openapi.json", Vec::new()).await;
    assert_eq!(status, 200);
    assert_eq!(served, doc);
    service.shutdown().await;
}
