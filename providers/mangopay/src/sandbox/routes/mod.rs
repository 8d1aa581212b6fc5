//! The API routes: OAuth token, and one dispatcher for everything under
//! `/v2.01/{ClientId}/` that checks the bearer token, applies idempotency, and answers in
//! Mangopay's shapes (never axum's own plain-text rejections).

mod accounts;
mod hooks;
mod oauth;
mod payins;

pub(crate) use oauth::token;
pub(crate) use payins::{fail, succeed};

use accounts::{create_registration, create_user, create_wallet, update_card, update_registration};
use hooks::{api_response, create_hook, update_hook, wallet_transactions};
use oauth::bearer_ok;
use payins::create_payin;

use super::model::{Answer, Hook, Recorded, State};
use super::{
    json_reply, not_found, not_simulated, now_unix, param_error, unauthorized, Event, Shared,
    SEEDED_USER_ID, SEEDED_WALLET_ID,
};
use crate::client::is_valid_idempotency_key;
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use threeds_wire::sandbox::ids;

/// Mangopay-style ULID-ish ids: `user_m_01...`, `card_m_01...`.
fn new_id(prefix: &str) -> String {
    format!("{prefix}_m_01{}", ids::lower_alnum(24).to_ascii_uppercase())
}

pub(crate) fn seed(state: &mut State) {
    state.users.insert(
        SEEDED_USER_ID.to_owned(),
        natural_user(
            SEEDED_USER_ID,
            "Alex",
            "Smith",
            "alex.smith@example.com",
            "PAYER",
            None,
            true,
        ),
    );
    state.add_wallet(
        SEEDED_WALLET_ID.to_owned(),
        SEEDED_USER_ID,
        wallet(
            SEEDED_WALLET_ID,
            SEEDED_USER_ID,
            "Sandbox wallet",
            "EUR",
            None,
        ),
    );
}

/// A natural user as `view-api-response.mdx`'s example shows one.
fn natural_user(
    id: &str,
    first: &str,
    last: &str,
    email: &str,
    category: &str,
    tag: Option<String>,
    terms: bool,
) -> Value {
    let now = now_unix();
    json!({
        "Address": {"AddressLine1": "6 rue de la Cité", "AddressLine2": null, "City": "Paris",
                    "Region": "Île-de-France", "PostalCode": "75001", "Country": "FR"},
        "FirstName": first, "LastName": last, "Birthday": null, "Nationality": null,
        "CountryOfResidence": null, "Occupation": null, "IncomeRange": null,
        "ProofOfIdentity": null, "ProofOfAddress": null, "Capacity": "NORMAL",
        "Id": id, "Tag": tag, "CreationDate": now, "PersonType": "NATURAL", "Email": email,
        "KYCLevel": "LIGHT", "TermsAndConditionsAccepted": terms,
        "TermsAndConditionsAcceptedDate": if terms { Value::from(now) } else { Value::Null },
        "UserCategory": category,
    })
}

fn wallet(id: &str, owner: &str, description: &str, currency: &str, tag: Option<String>) -> Value {
    json!({
        "Description": description, "Owners": [owner],
        "Balance": {"Currency": currency, "Amount": 0}, "Currency": currency,
        "FundsType": "DEFAULT", "Id": id, "Tag": tag, "CreationDate": now_unix(),
    })
}

// ----- the dispatcher --------------------------------------------------------------------

/// What one API call produced.
struct Outcome {
    status: u16,
    body: Value,
    events: Vec<Event>,
    /// Hold the connection instead of answering (the lost-answer magic).
    hang: bool,
}

impl Outcome {
    fn of((status, body): (u16, Value)) -> Self {
        Outcome {
            status,
            body,
            events: Vec::new(),
            hang: false,
        }
    }
}

/// Everything under `/v2.01/{ClientId}/`.
pub(crate) async fn api(
    AxState(shared): AxState<Arc<Shared>>,
    Path((client_id, rest)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // The path as the simulator sees it (without the sandbox's `/mangopay` prefix).
    let request_url = shared.settings.url(uri.path());
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (outcome, expired) = {
        let mut state = shared.lock();
        let now = shared.now();
        if !bearer_ok(&state, &headers, &client_id, now) {
            return {
                let (s, b) = unauthorized();
                json_reply(s, &b)
            };
        }
        let expired = shared.expire(&mut state);
        if method == Method::POST {
            if let Some(key) = &key {
                if !is_valid_idempotency_key(key) {
                    let (s, b) = param_error(vec![(
                        "Idempotency-Key".into(),
                        "The Idempotency-Key must be 16 to 36 alphanumeric characters or dashes"
                            .into(),
                    )]);
                    return json_reply(s, &b);
                }
                if state.responses.contains_key(key) {
                    // Every request but the first is blocked, whatever the first answer was.
                    return json_reply(
                        409,
                        &json!({
                            "Message": "A resource has already been created with this Idempotency Key",
                            "Type": "idempotent_creation_conflict",
                            "Id": format!("{}#{}", ids::uuid_v4(), now_unix()),
                            "Date": now_unix(),
                            "errors": null
                        }),
                    );
                }
                state.stored.record(now, key.clone());
                state.responses.insert(
                    key.clone(),
                    Recorded {
                        at: now,
                        answer: None,
                    },
                );
            }
        }
        let outcome = route(
            &shared,
            &mut state,
            &method,
            &rest,
            uri.query().unwrap_or(""),
            &body,
        );
        if method == Method::POST {
            if let Some(key) = &key {
                if let Some(r) = state.responses.get_mut(key) {
                    r.answer = Some(Answer {
                        status: outcome.status,
                        body: outcome.body.clone(),
                        date: httpdate::fmt_http_date(std::time::SystemTime::now()),
                        request_url: request_url.clone(),
                    });
                }
            }
        }
        (outcome, expired)
    };
    shared.deliver(expired);
    shared.deliver(outcome.events);
    if outcome.hang {
        // The answer is recorded but never sent, as when a connection breaks on the way
        // back; the client's timeout ends this.
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    json_reply(outcome.status, &outcome.body)
}

fn route(
    shared: &Shared,
    state: &mut State,
    method: &Method,
    rest: &str,
    query: &str,
    body: &[u8],
) -> Outcome {
    // Empty segments are skipped: the official Python SDK asks for `responses//{key}`.
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    let put = *method == Method::PUT;
    let parsed = || parse_body(body);
    let result = match segments.as_slice() {
        ["users", "natural"] if post => parsed().and_then(|b| create_user(shared, state, &b)),
        ["users", id] | ["users", "natural", id] if get => Ok(state
            .users
            .get(*id)
            .map(|u| (200, u.clone()))
            .unwrap_or_else(|| not_found("User", id))),
        ["users", id, "wallets"] if get => Ok(if state.users.contains_key(*id) {
            (200, Value::Array(state.wallets_of(id)))
        } else {
            not_found("User", id)
        }),
        ["wallets"] if post => parsed().and_then(|b| create_wallet(shared, state, &b)),
        ["wallets", id, "transactions"] if get => Ok(if state.wallets.contains_key(*id) {
            wallet_transactions(state, id, query)
        } else {
            not_found("Wallet", id)
        }),
        ["wallets", id] if get => Ok(state
            .wallets
            .get(*id)
            .map(|w| (200, w.clone()))
            .unwrap_or_else(|| not_found("Wallet", id))),
        ["cardregistrations"] if post => {
            parsed().and_then(|b| create_registration(shared, state, &b))
        }
        ["cardregistrations", id] if get => Ok(state
            .registrations
            .get(*id)
            .map(|r| (200, r.to_json()))
            .unwrap_or_else(|| not_found("CardRegistration", id))),
        ["cardregistrations", id] if put => {
            parsed().and_then(|b| update_registration(state, id, &b, shared.now()))
        }
        ["cards", id] if get => Ok(state
            .cards
            .get(*id)
            .map(|c| (200, c.to_json()))
            .unwrap_or_else(|| not_found("Card", id))),
        ["cards", id] if put => parsed().and_then(|b| update_card(state, id, &b)),
        ["payins", "card", "direct"] if post => {
            return match parsed() {
                Ok(b) => create_payin(shared, state, &b),
                Err(e) => Outcome::of(e),
            }
        }
        ["payins", id] if get => Ok(state
            .payins
            .get(*id)
            .map(|p| (200, p.to_json()))
            .unwrap_or_else(|| not_found("PayIn", id))),
        ["hooks"] if post => parsed().and_then(|b| create_hook(state, &b)),
        ["hooks"] if get => Ok((
            200,
            Value::Array(state.hooks.iter().map(Hook::to_json).collect()),
        )),
        ["hooks", id] if get => Ok(state
            .hooks
            .iter()
            .find(|h| h.id == *id)
            .map(|h| (200, h.to_json()))
            .unwrap_or_else(|| not_found("Hook", id))),
        ["hooks", id] if put => parsed().and_then(|b| update_hook(state, id, &b)),
        ["responses", key] if get => Ok(api_response(state, key)),
        // Anything else (another method on a covered path, or a Mangopay endpoint this
        // simulator does not have) is named in a 501, not a 404 that reads "no such id".
        _ => Ok(not_simulated(
            method.as_str(),
            &format!("/v2.01/{{ClientId}}/{rest}"),
        )),
    };
    Outcome::of(result.unwrap_or_else(|e| e))
}

type Reply = (u16, Value);

fn parse_body(body: &[u8]) -> Result<Value, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice::<Value>(body)
        .map_err(|e| {
            param_error(vec![(
                "body".into(),
                format!(
                    "The request body is not valid JSON: {}",
                    threeds_wire::scrub(&e.to_string())
                ),
            )])
        })
        .and_then(|v| {
            if v.is_object() {
                Ok(v)
            } else {
                Err(param_error(vec![(
                    "body".into(),
                    "The request body must be a JSON object".into(),
                )]))
            }
        })
}

fn text(v: &Value, field: &str) -> Option<String> {
    v.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn required(v: &Value, fields: &[&str]) -> Result<(), Reply> {
    let missing: Vec<(String, String)> = fields
        .iter()
        .filter(|f| text(v, f).is_none())
        .map(|f| ((*f).to_owned(), format!("The {f} field is required.")))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(param_error(missing))
    }
}

fn is_currency(c: &str) -> bool {
    c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())
}
