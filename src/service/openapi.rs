//! The OpenAPI 3.1 document of the service (`GET /v1/openapi.json`).
//!
//! The schemas are written here beside the types of [`super::api`] and held to them by
//! `tests/openapi.rs`: every enum's values come from the Rust enums where they list
//! themselves (`ALL`, `KNOWN`, the PSP registry); every object forbids properties it does
//! not list and requires every property the type always writes, so an instance serialized
//! from a real value fails validation as soon as a type and its schema part. The request
//! bodies' `required` lists are tested against what serde refuses to do without.
//!
//! Schemas are JSON Schema draft 2020-12, which OpenAPI 3.1 uses as is: a nullable value
//! is `"type": [..., "null"]` or `anyOf` with `{"type": "null"}`.

use super::api::ErrorType;
use crate::model::{AuthenticationStatus, Network, NextStep, Retry, TransStatus};
use crate::request::ChallengePreference;
use serde_json::{json, Map, Value};

/// The OpenAPI version the document declares.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The whole document.
pub fn document() -> Value {
    json!({
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "threeds-bridge authentication service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "One 3-D Secure authentication API over every configured PSP account: create an authentication, let the browser helper run its next_action with the client secret, read the normalized outcome, receive signed authentication.updated webhooks.",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "paths": paths(),
        "components": {
            "schemas": schemas(),
            "responses": {
                "Error": {
                    "description": "An error: what was wrong and where.",
                    "headers": request_id_header(),
                    "content": {"application/json": {"schema": reference("ErrorEnvelope")}}
                }
            },
            "headers": {
                "RequestId": {
                    "description": "The request's id, as the service's log line names it.",
                    "required": true,
                    "schema": {"type": "string", "pattern": "^req_[0-9a-f]{16}$"}
                },
                "IdempotentReplayed": {
                    "description": "true: this is the first answer to the same Idempotency-Key again; absent otherwise.",
                    "schema": {"type": "string", "enum": ["true"]}
                }
            },
            "parameters": {
                "AuthenticationId": {
                    "name": "id", "in": "path", "required": true,
                    "description": "The service's id of the authentication (auth_...).",
                    "schema": {"type": "string", "pattern": "^auth_"}
                }
            },
            "securitySchemes": {
                "secretKey": {
                    "type": "http", "scheme": "bearer",
                    "description": "The merchant's secret API key: for the back end only."
                },
                "clientSecret": {
                    "type": "http", "scheme": "bearer",
                    "description": "An authentication's client_secret: what the browser helper calls with. Its answers are ClientAuthentication objects, which have no authentication value."
                }
            }
        }
    })
}

/// `{"$ref": "#/components/schemas/<name>"}`.
fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// `name`'s schema or null.
fn nullable_ref(name: &str) -> Value {
    json!({"anyOf": [reference(name), {"type": "null"}]})
}

/// A string or null.
fn nullable_string() -> Value {
    json!({"type": ["string", "null"]})
}

/// The headers every answer carries: the request's id, as the log line has it.
fn request_id_header() -> Value {
    json!({"Request-Id": {"$ref": "#/components/headers/RequestId"}})
}

/// A JSON answer of `schema` with `description`.
fn answer(description: &str, schema: Value) -> Value {
    json!({
        "description": description,
        "headers": request_id_header(),
        "content": {"application/json": {"schema": schema}}
    })
}

/// An answer of an idempotent `POST`: `Idempotent-Replayed: true` when it is the first
/// answer to the same key again.
fn idempotent_answer(description: &str, schema: Value) -> Value {
    let mut ok = answer(description, schema);
    ok["headers"]["Idempotent-Replayed"] =
        json!({"$ref": "#/components/headers/IdempotentReplayed"});
    ok
}

/// The answer of `createAuthentication`, with links to the calls about the authentication
/// it created (OpenAPI's runtime expressions: clients and test generators follow them).
fn created() -> Value {
    let mut ok = idempotent_answer("The authentication created.", reference("Authentication"));
    let by_id = json!({"id": "$response.body#/id"});
    let mut links = Map::new();
    for operation in [
        "getAuthentication",
        "submitDeviceData",
        "reportChallengeResult",
        "completeAuthentication",
        "returnPageGet",
        "returnPagePost",
    ] {
        links.insert(
            operation.to_owned(),
            json!({"operationId": operation, "parameters": by_id}),
        );
    }
    links.insert(
        "listEvents".into(),
        json!({"operationId": "listEvents", "parameters": {"authentication": "$response.body#/id"}}),
    );
    ok["links"] = Value::Object(links);
    ok
}

/// An HTML page.
fn page(description: &str) -> Value {
    json!({
        "description": description,
        "headers": request_id_header(),
        "content": {"text/html": {"schema": {"type": "string"}}}
    })
}

/// A JSON request body.
fn body(schema: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema}}})
}

/// A body the caller may send or leave out, as a PSP or an ACS sends it.
fn any_body() -> Value {
    json!({"required": false, "content": {
        "application/json": {"schema": {}},
        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
        "text/plain": {"schema": {"type": "string"}}
    }})
}

/// What an ACS posts to a notification or return page: a form, or nothing.
fn form_body() -> Value {
    json!({"required": false, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}
    }})
}

/// `responses` with `ok` under `status` and the error envelope under each of `errors`.
fn responses(status: &str, ok: Value, errors: &[u16]) -> Value {
    let mut map = Map::new();
    map.insert(status.to_owned(), ok);
    for code in errors {
        map.insert(
            code.to_string(),
            json!({"$ref": "#/components/responses/Error"}),
        );
    }
    Value::Object(map)
}

/// The answer of calls the back end and the browser both make.
fn either_view() -> Value {
    json!({"oneOf": [reference("Authentication"), reference("ClientAuthentication")]})
}

fn back_end() -> Value {
    json!([{"secretKey": []}])
}

fn back_end_or_browser() -> Value {
    json!([{"secretKey": []}, {"clientSecret": []}])
}

/// Every call that reads a body answers `413` past the body limit (axum's 2 MiB).
const TOO_LARGE: u16 = 413;

/// The `Idempotency-Key` header of the `POST`s that run once per key.
fn idempotency_key() -> Value {
    json!({
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "The same key with the same body answers the first answer again for 24 hours (with Idempotent-Replayed: true); with another body 422; while the first is still running 409.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]([ -~]*[!-~])?$"}
    })
}

fn id_parameter() -> Value {
    json!({"$ref": "#/components/parameters/AuthenticationId"})
}

/// `POST` of one browser step (`device_data`, `challenge_result`) with its CORS preflight.
fn browser_step(operation: &str, summary: &str, schema: &str) -> Value {
    json!({
        "post": {
            "operationId": operation,
            "summary": summary,
            "security": back_end_or_browser(),
            "parameters": [id_parameter(), idempotency_key()],
            "requestBody": body(reference(schema)),
            "responses": responses("200", idempotent_answer("The authentication: the full object with the secret key, the client view with the client secret.", either_view()), &[400, 401, 404, 409, TOO_LARGE, 422, 500, 502])
        },
        "options": preflight(&format!("{operation}Preflight"))
    })
}

/// The CORS preflight of a path the browser helper calls from another origin.
fn preflight(operation: &str) -> Value {
    let header =
        |description: &str| json!({"description": description, "schema": {"type": "string"}});
    json!({
        "operationId": operation,
        "summary": "CORS preflight: any origin may call with a bearer token (never cookies).",
        "security": [],
        "parameters": [id_parameter()],
        "responses": {"204": {
            "description": "The methods and headers the browser may send.",
            "headers": {
                "Request-Id": {"$ref": "#/components/headers/RequestId"},
                "Access-Control-Allow-Origin": header("*"),
                "Access-Control-Allow-Methods": header("GET, POST"),
                "Access-Control-Allow-Headers": header("authorization, content-type, idempotency-key"),
                "Access-Control-Max-Age": header("Seconds the browser may keep this answer.")
            }
        }}
    })
}

/// A PSP's notification, with or without the account in its path; PSPs send `POST`s,
/// Mangopay's hooks are `GET`s with the event in the query.
fn notification(operation: &str, account: bool) -> Value {
    let mut parameters = Vec::new();
    if account {
        parameters.push(json!({
            "name": "account", "in": "path", "required": true,
            "description": "The configured account the PSP notifies.",
            "schema": {"type": "string", "minLength": 1}
        }));
    }
    let summary = if account {
        "A PSP's webhook, hook or callback for a configured account, as the PSP sent it."
    } else {
        "A PSP's webhook, hook or callback; the router finds the account it is about."
    };
    let one = |method: &str| {
        let mut op = json!({
            "operationId": format!("{operation}{method}"),
            "summary": summary,
            "description": "Verified with the PSP's signature where it has one, otherwise only taken as a name of the authentication, which is then read again from the PSP.",
            "security": [],
            "parameters": parameters,
            "responses": responses("200", answer("Taken.", reference("NotificationReceipt")), &[400, 404, 409, TOO_LARGE, 500])
        });
        if method == "Post" {
            op["requestBody"] = any_body();
        }
        op
    };
    json!({"post": one("Post"), "get": one("Get")})
}

/// A notification page an ACS posts to (or redirects to) inside the helper's iframe.
fn notification_page(operation: &str, summary: &str) -> Value {
    let one = |method: &str| {
        let mut op = json!({
            "operationId": format!("{operation}{method}"),
            "summary": summary,
            "security": [],
            "responses": responses("200", page("A page that hands the query's and the form's fields to threeds.js."), &[TOO_LARGE])
        });
        if method == "Post" {
            op["requestBody"] = form_body();
        }
        op
    };
    json!({"get": one("Get"), "post": one("Post")})
}

fn paths() -> Value {
    let id = json!([id_parameter()]);
    let return_page = |method: &str| {
        let mut op = json!({
            "operationId": format!("returnPage{method}"),
            "summary": "Where a full-page redirect (Mangopay's SecureMode) comes back: reports the return, then shows the outcome.",
            "security": [],
            "parameters": id,
            "responses": responses("200", page("The authentication's status."), &[400, 404, 409, TOO_LARGE, 500, 502])
        });
        if method == "Post" {
            op["requestBody"] = form_body();
        }
        op
    };
    json!({
        "/v1/authentications": {"post": {
            "operationId": "createAuthentication",
            "summary": "Start an authentication at one account, a list of accounts or the routing table's choice.",
            "security": back_end(),
            "parameters": [idempotency_key()],
            "requestBody": body(reference("CreateAuthentication")),
            "responses": responses("201", created(), &[400, 401, 404, 409, TOO_LARGE, 422, 500, 502])
        }},
        "/v1/authentications/{id}": {
            "get": {
                "operationId": "getAuthentication",
                "summary": "Read an authentication as the service holds it.",
                "security": back_end_or_browser(),
                "parameters": [
                    id_parameter(),
                    {
                        "name": "reveal", "in": "query", "required": false,
                        "description": "authentication_value: answer the CAVV in clear (secret key only; refused with the client secret).",
                        "schema": {"type": "string", "enum": ["authentication_value"]}
                    }
                ],
                "responses": responses("200", answer("The authentication: the full object with the secret key, the client view with the client secret.", either_view()), &[400, 401, 404, 500])
            },
            "options": preflight("getAuthenticationPreflight")
        },
        "/v1/authentications/{id}/device_data": browser_step("submitDeviceData", "Report the browser's data and how the 3DS Method ended.", "DeviceData"),
        "/v1/authentications/{id}/challenge_result": browser_step("reportChallengeResult", "Report what came back when the cardholder left the challenge.", "ChallengeResult"),
        "/v1/authentications/{id}/complete": {"post": {
            "operationId": "completeAuthentication",
            "summary": "Finalize the authentication where the PSP has such a call; elsewhere read its final state.",
            "security": back_end(),
            "parameters": [id_parameter(), idempotency_key()],
            "requestBody": {"required": false, "content": {"application/json": {"schema": object(json!({}), &[])}}},
            "responses": responses("200", idempotent_answer("The authentication.", reference("Authentication")), &[400, 401, 404, 409, TOO_LARGE, 422, 500, 502])
        }},
        "/v1/notifications": notification("receiveNotification", false),
        "/v1/notifications/{account}": notification("receiveAccountNotification", true),
        "/v1/events": {"get": {
            "operationId": "listEvents",
            "summary": "Merchant events, newest first.",
            "security": back_end(),
            "parameters": [
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
                {"name": "starting_after", "in": "query", "required": false, "description": "An event id: list the events older than it.", "schema": {"type": "string", "pattern": "^evt_"}},
                {"name": "authentication", "in": "query", "required": false, "description": "An authentication id: list only its events.", "schema": {"type": "string"}}
            ],
            "responses": responses("200", answer("A page of events.", reference("EventList")), &[400, 401, 500])
        }},
        "/v1/openapi.json": {"get": {
            "operationId": "openapi",
            "summary": "This document.",
            "security": [],
            "responses": {"200": answer("The OpenAPI 3.1 document.", json!({"type": "object"}))}
        }},
        "/v1/pages/method": notification_page("methodPage", "The 3DS Method notification page: the ACS posts threeDSMethodData here."),
        "/v1/pages/challenge": notification_page("challengePage", "The challenge notification page: the ACS posts the CRes here."),
        "/v1/pages/return/{id}": {"get": return_page("Get"), "post": return_page("Post")},
        "/threeds.js": {"get": {
            "operationId": "browserHelper",
            "summary": "The browser helper: runs next_action with the client secret.",
            "security": [],
            "responses": {"200": {"description": "JavaScript.", "headers": request_id_header(), "content": {"text/javascript": {"schema": {"type": "string"}}}}}
        }},
        "/demo": {"get": {
            "operationId": "demo",
            "summary": "A demo checkout page that uses the browser helper (serve --sandbox).",
            "security": [],
            "responses": {
                "200": page("The checkout page."),
                "404": page("Not served: the demo runs with serve --sandbox only.")
            }
        }},
        "/demo/authentications": {"post": {
            "operationId": "demoCreateAuthentication",
            "summary": "The demo checkout's back end: creates the scenario's authentication as a merchant's back end would.",
            "security": [],
            "requestBody": body(reference("DemoOrder")),
            "responses": responses("201", answer("What a checkout page needs: the browser's view and the client secret.", reference("DemoAuthentication")), &[400, 404, 409, TOO_LARGE, 500, 502])
        }},
        "/healthz": {"get": {
            "operationId": "health",
            "summary": "Whether the service and its store answer.",
            "security": [],
            "responses": {
                "200": answer("Healthy.", reference("Health")),
                "503": answer("The store does not answer.", reference("Health"))
            }
        }}
    })
}

/// An object schema that lists every property, allows no other, and requires `required`.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// An object schema whose properties are all always present (an answer's object).
fn answer_object(properties: Value) -> Value {
    let names: Vec<String> = properties
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    json!({
        "type": "object",
        "properties": properties,
        "required": names,
        "additionalProperties": false
    })
}

/// A closed enum of snake_case words.
fn words<'a>(values: impl IntoIterator<Item = &'a str>) -> Value {
    json!({"type": "string", "enum": values.into_iter().collect::<Vec<_>>()})
}

/// An open enum: the documented values are listed, and any other string is kept as the
/// PSP sent it (the model's `Unknown(String)`), so the schema takes every string.
fn open_words<'a>(values: impl IntoIterator<Item = &'a str>, what: &str) -> Value {
    json!({
        "type": "string",
        "description": format!("{what}; a value not listed is one the PSP sent that this version does not know, kept verbatim."),
        "examples": values.into_iter().collect::<Vec<_>>()
    })
}

fn schemas() -> Value {
    let mut map = Map::new();
    for (name, schema) in model_schemas()
        .into_iter()
        .chain(request_schemas())
        .chain(service_schemas())
    {
        map.insert(name.to_owned(), schema);
    }
    Value::Object(map)
}

/// The normalized authentication's values.
fn model_schemas() -> Vec<(&'static str, Value)> {
    let providers: Vec<String> = crate::psp::providers()
        .iter()
        .map(|p| p.as_str().to_owned())
        .collect();
    vec![
        ("Provider", json!({"type": "string", "enum": providers})),
        (
            "DocumentKind",
            words(["authentication", "error", "webhook"]),
        ),
        (
            "AuthenticationStatus",
            words(AuthenticationStatus::ALL.iter().map(|s| s.as_str())),
        ),
        ("NextStep", words(NextStep::ALL.iter().map(|s| s.as_str()))),
        ("Retry", words(Retry::ALL.iter().map(|s| s.as_str()))),
        ("Network", words(Network::ALL.iter().map(|s| s.as_str()))),
        (
            "TransStatus",
            open_words(TransStatus::KNOWN.iter().copied(), "EMV transStatus"),
        ),
        (
            "Eci",
            json!({"type": "string", "description": "Electronic Commerce Indicator, two characters (05, 02, N0, ...)."}),
        ),
        (
            "Money",
            answer_object(json!({
                "value": {"type": "integer", "minimum": 0, "description": "Minor units."},
                "currency": {"type": "string", "description": "ISO 4217 alphabetic code."}
            })),
        ),
        (
            "Raw",
            answer_object(json!({
                "status": nullable_string(), "code": nullable_string(), "message": nullable_string()
            })),
        ),
        (
            "NextAction",
            json!({"oneOf": [
                answer_object(json!({"type": {"const": "redirect"}, "url": {"type": "string"}})),
                answer_object(json!({"type": {"const": "three_ds_method"}, "url": {"type": "string"}, "data": nullable_string()})),
                answer_object(json!({"type": {"const": "challenge"}, "url": nullable_string(), "creq": nullable_string()})),
                answer_object(json!({"type": {"const": "collect_device_data"}}))
            ]}),
        ),
        (
            "Secret",
            json!({"type": "string", "description": "A secret: \"[redacted]\" unless revealed on purpose."}),
        ),
    ]
}

/// The normalized request (`translate --to model`) and the flow's bodies.
fn request_schemas() -> Vec<(&'static str, Value)> {
    let s = nullable_string;
    let int = || json!({"type": ["integer", "null"], "minimum": 0});
    let boolean = || json!({"type": ["boolean", "null"]});
    let recency = || nullable_ref("Recency");
    let address = object(
        json!({
            "first_name": s(), "last_name": s(), "line1": s(), "line2": s(), "line3": s(),
            "city": s(), "state": s(), "postal_code": s(), "country": s()
        }),
        &[],
    );
    vec![
        (
            "AuthenticationRequest",
            object(request_properties(), &["cardholder", "merchant", "urls"]),
        ),
        (
            "Card",
            object(
                json!({
                    "number": {"type": ["string", "null"], "description": "The card number; answers show it masked."},
                    "expiry_month": {"type": ["integer", "null"], "minimum": 0, "maximum": 255},
                    "expiry_year": {"type": ["integer", "null"], "minimum": 0, "maximum": 65535},
                    "holder_name": s(),
                    "cvv": nullable_ref("Secret"),
                    "preferred_network": nullable_ref("Network")
                }),
                &[],
            ),
        ),
        (
            "CardReference",
            object(
                json!({
                    "provider": reference("Provider"),
                    "kind": {"type": "string"},
                    "value": reference("Secret")
                }),
                &["provider", "kind", "value"],
            ),
        ),
        (
            "Cardholder",
            object(
                json!({"email": s(), "home_phone": s(), "mobile_phone": s(), "work_phone": s()}),
                &[],
            ),
        ),
        ("Address", address),
        (
            "Browser",
            object(
                json!({
                    "accept_header": s(), "java_enabled": boolean(), "javascript_enabled": boolean(),
                    "language": s(),
                    "color_depth": {"type": ["integer", "null"], "minimum": 0, "maximum": 255},
                    "screen_height": int(), "screen_width": int(),
                    "timezone_offset_minutes": {"type": ["integer", "null"]},
                    "user_agent": s(), "ip_address": s()
                }),
                &[],
            ),
        ),
        ("Channel", words(["browser", "app", "three_ri"])),
        (
            "Purpose",
            words([
                "payment",
                "recurring",
                "installment",
                "add_card",
                "maintain_card",
                "emv_token_verification",
            ]),
        ),
        ("MessageCategory", words(["payment", "non_payment"])),
        (
            "ChallengePreference",
            json!({"type": "string", "enum": ChallengePreference::ALL.iter().map(|p| serde_json::to_value(p).unwrap_or(Value::Null)).collect::<Vec<_>>()}),
        ),
        (
            "TransactionType",
            words([
                "goods_service",
                "check_acceptance",
                "account_funding",
                "quasi_cash",
                "prepaid_activation",
            ]),
        ),
        (
            "Recurring",
            object(
                json!({"frequency_days": int(), "expiry_date": s(), "max_payments": int()}),
                &[],
            ),
        ),
        (
            "Merchant",
            object(
                json!({"name": s(), "url": s(), "mcc": s(), "country": s()}),
                &[],
            ),
        ),
        (
            "Urls",
            object(
                json!({
                    "return_url": s(), "failure_url": s(), "callback_url": s(),
                    "challenge_notification_url": s(), "method_notification_url": s()
                }),
                &[],
            ),
        ),
        (
            "PriorAuthentication",
            object(
                json!({"reference": s(), "method": nullable_ref("PriorMethod"), "timestamp": s(), "data": s()}),
                &[],
            ),
        ),
        (
            "PriorMethod",
            words(["frictionless", "challenge", "avs_verified", "other"]),
        ),
        (
            "Recency",
            words([
                "never",
                "this_transaction",
                "less_than_30_days",
                "from_30_to_60_days",
                "more_than_60_days",
            ]),
        ),
        (
            "AccountInfo",
            object(
                json!({
                    "age": recency(), "created": s(), "changed_age": recency(), "changed": s(),
                    "password_changed_age": recency(), "password_changed": s(),
                    "payment_account_age": recency(), "payment_account_added": s(),
                    "shipping_address_age": recency(), "shipping_address_first_used": s(),
                    "shipping_name_matches": boolean(), "suspicious_activity": boolean(),
                    "purchases_last_6_months": int(), "add_card_attempts_last_day": int(),
                    "transactions_last_day": int(), "transactions_last_year": int()
                }),
                &[],
            ),
        ),
        (
            "ShippingIndicator",
            words([
                "billing_address",
                "verified_address",
                "other_address",
                "store_pickup",
                "digital_goods",
                "travel_and_event",
                "other",
            ]),
        ),
        (
            "DeliveryTimeframe",
            words(["electronic", "same_day", "overnight", "two_days_or_more"]),
        ),
        (
            "MerchantRisk",
            object(
                json!({
                    "shipping_indicator": nullable_ref("ShippingIndicator"),
                    "delivery_timeframe": nullable_ref("DeliveryTimeframe"),
                    "delivery_email": s(), "reorder": boolean(), "pre_order": boolean(),
                    "pre_order_date": s(), "gift_card": nullable_ref("GiftCard")
                }),
                &[],
            ),
        ),
        (
            "GiftCard",
            object(
                json!({"amount": int(), "currency": s(), "count": int()}),
                &[],
            ),
        ),
        (
            "MethodOutcome",
            json!({"oneOf": [
                object(json!({"outcome": {"const": "completed"}, "data": s()}), &["outcome"]),
                object(json!({"outcome": {"const": "timed_out"}}), &["outcome"]),
                object(json!({"outcome": {"const": "not_run"}}), &["outcome"])
            ]}),
        ),
        (
            "DeviceData",
            object(
                json!({"browser": nullable_ref("Browser"), "method": reference("MethodOutcome")}),
                &["method"],
            ),
        ),
        (
            "ChallengeResult",
            object(
                json!({
                    "cres": {"type": ["string", "null"], "description": "The base64url CRes the ACS posted, when there was one."},
                    "params": {
                        "type": "array",
                        "description": "Form or query parameters of the return, as [name, value] pairs.",
                        "items": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}], "minItems": 2, "maxItems": 2}
                    }
                }),
                &["params"],
            ),
        ),
    ]
}

/// The properties of the normalized request, shared by the create body.
fn request_properties() -> Value {
    json!({
        "amount": {"type": ["integer", "null"], "minimum": 0, "description": "Minor units."},
        "currency": nullable_string(),
        "reference": nullable_string(),
        "card": nullable_ref("Card"),
        "card_reference": nullable_ref("CardReference"),
        "cardholder": reference("Cardholder"),
        "billing_address": nullable_ref("Address"),
        "shipping_address": nullable_ref("Address"),
        "browser": nullable_ref("Browser"),
        "channel": nullable_ref("Channel"),
        "purpose": nullable_ref("Purpose"),
        "message_category": nullable_ref("MessageCategory"),
        "challenge_preference": nullable_ref("ChallengePreference"),
        "transaction_type": nullable_ref("TransactionType"),
        "recurring": nullable_ref("Recurring"),
        "merchant": reference("Merchant"),
        "urls": reference("Urls"),
        "prior_authentication": nullable_ref("PriorAuthentication"),
        "device_session_id": nullable_string(),
        "cardholder_account": {"anyOf": [reference("AccountInfo"), {"type": "null"}], "description": "The cardholder's account with the merchant (EMV acctInfo)."},
        "merchant_risk": nullable_ref("MerchantRisk")
    })
}

/// The service's own objects.
fn service_schemas() -> Vec<(&'static str, Value)> {
    let mut create = request_properties();
    if let Some(map) = create.as_object_mut() {
        map.insert(
            "account".into(),
            json!({"type": "string", "minLength": 1, "description": "The configured account to authenticate at."}),
        );
        map.insert(
            "route".into(),
            json!({"type": "array", "minItems": 1, "items": {"type": "string"}, "description": "Configured accounts to try in this order, with failover; instead of the routing table."}),
        );
    }
    let s = nullable_string;
    vec![
        (
            "CreateAuthentication",
            json!({
                "type": "object",
                "description": "The normalized authentication request (as translate --to model writes it), plus account or route (not both).",
                "properties": create,
                "required": ["cardholder", "merchant", "urls"],
                "additionalProperties": false,
                "not": {"required": ["account", "route"]}
            }),
        ),
        (
            "Authentication",
            answer_object(json!({
                "id": {"type": "string", "pattern": "^auth_"},
                "account": s(),
                "provider": reference("Provider"),
                "kind": reference("DocumentKind"),
                "psp_id": s(),
                "reference": s(),
                "status": reference("AuthenticationStatus"),
                "reason": s(),
                "liability_shift": {"type": ["boolean", "null"]},
                "next_step": reference("NextStep"),
                "trans_status": nullable_ref("TransStatus"),
                "trans_status_reason": s(),
                "eci": nullable_ref("Eci"),
                "network": nullable_ref("Network"),
                "protocol_version": s(),
                "challenged": {"type": ["boolean", "null"]},
                "amount": nullable_ref("Money"),
                "ds_trans_id": s(),
                "three_ds_server_trans_id": s(),
                "acs_trans_id": s(),
                "next_action": nullable_ref("NextAction"),
                "raw": reference("Raw"),
                "retry": nullable_ref("Retry"),
                "exemption": s(),
                "authenticated_at": {"type": ["string", "null"], "format": "date-time"},
                "authentication_value": {"anyOf": [reference("Secret"), {"type": "null"}], "description": "The CAVV: \"[redacted]\" unless asked for with ?reveal=authentication_value."},
                "attempts": {"type": "array", "items": reference("Attempt")},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "client_secret": {"type": ["string", "null"], "description": "Give it to the browser helper; null in events."}
            })),
        ),
        ("ClientAuthentication", client_view()),
        (
            "Attempt",
            answer_object(json!({
                "account": {"type": "string"},
                "provider": reference("Provider"),
                "status": nullable_ref("AuthenticationStatus"),
                "next_step": nullable_ref("NextStep"),
                "retry": nullable_ref("Retry"),
                "reason": s(),
                "psp_id": s(),
                "elapsed_ms": {"type": "integer", "minimum": 0},
                "challenge_requested": {"type": "boolean"},
                "resolution_reads": {"type": "integer", "minimum": 0},
                "decision": words(["stopped", "failed_over", "stepped_up", "skipped"]),
                "why": words(why_words())
            })),
        ),
        (
            "Event",
            answer_object(json!({
                "id": {"type": "string", "pattern": "^evt_"},
                "type": {"type": "string", "enum": ["authentication.updated"]},
                "created_at": {"type": "string", "format": "date-time"},
                "data": answer_object(json!({"object": reference("Authentication")}))
            })),
        ),
        (
            "EventList",
            answer_object(json!({
                "data": {"type": "array", "items": reference("Event")},
                "has_more": {"type": "boolean"}
            })),
        ),
        (
            "NotificationReceipt",
            answer_object(json!({
                "received": {"const": true},
                "authentication": {"type": "string", "pattern": "^auth_"},
                "result": {"type": "string", "enum": ["updated", "unchanged", "ignored"], "description": "updated: the authentication changed; unchanged: it already said so, or the notification is about an earlier attempt; ignored: it disagrees with a final status."}
            })),
        ),
        (
            "DemoOrder",
            object(
                json!({"account": {"type": "string"}, "scenario": {"type": "string"}}),
                &["account", "scenario"],
            ),
        ),
        ("DemoAuthentication", demo_authentication()),
        (
            "Health",
            json!({"oneOf": [
                answer_object(json!({"status": {"const": "ok"}, "store": {"type": "string", "enum": ["sqlite", "postgres"]}})),
                answer_object(json!({"status": {"const": "store_unavailable"}, "message": {"type": "string"}}))
            ]}),
        ),
        (
            "ErrorEnvelope",
            answer_object(json!({
                "error": answer_object(json!({
                    "type": words(ErrorType::ALL.iter().map(|t| t.as_str())),
                    "message": {"type": "string"},
                    "param": s()
                }))
            })),
        ),
    ]
}

/// The demo's answer: the client view with the client secret and the 3DS Server
/// transaction id the demo page shows.
fn demo_authentication() -> Value {
    let mut schema = client_view();
    if let Some(properties) = schema["properties"].as_object_mut() {
        properties.insert("client_secret".into(), json!({"type": "string"}));
        properties.insert("three_ds_server_trans_id".into(), nullable_string());
    }
    if let Some(required) = schema["required"].as_array_mut() {
        required.push(json!("client_secret"));
        required.push(json!("three_ds_server_trans_id"));
    }
    schema
}

/// `ClientAuthentication`: what the browser sees of an authentication.
fn client_view() -> Value {
    answer_object(json!({
        "id": {"type": "string", "pattern": "^auth_"},
        "status": reference("AuthenticationStatus"),
        "next_step": reference("NextStep"),
        "next_action": nullable_ref("NextAction"),
        "challenged": {"type": ["boolean", "null"]},
        "updated_at": {"type": "string", "format": "date-time"}
    }))
}

/// Every router `Why`, through its own spelling.
fn why_words() -> Vec<&'static str> {
    use crate::router::Why;
    [
        Why::Outcome,
        Why::CardholderStep,
        Why::StatusUnknown,
        Why::MoneyMayHaveMoved,
        Why::RetryLater,
        Why::RetryNever,
        Why::PspFailure,
        Why::SoftDecline,
        Why::StepUpUsed,
        Why::FailoverDisabled,
        Why::NoAccountLeft,
        Why::BreakerOpen,
    ]
    .iter()
    .map(|w| w.as_str())
    .collect()
}
