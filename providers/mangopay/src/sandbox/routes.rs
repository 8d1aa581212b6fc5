//! The API routes: OAuth token, and one dispatcher for everything under
//! `/v2.01/{ClientId}/` that checks the bearer token, applies idempotency, and answers in
//! Mangopay's shapes (never axum's own plain-text rejections).

use super::cards::{self, Behaviour, Stage};
use super::model::{
    Answer, Card, Created, Hook, PayIn, PayInStatus, Recorded, Registration, State,
};
use super::{
    error_body, json_reply, not_found, not_simulated, now_unix, param_error, unauthorized, Event,
    Shared, LOCK_AFTER_FAILURES, LOCK_DURATION, LOST_ANSWER_TAG, SANDBOX_API_KEY,
    SANDBOX_CLIENT_ID, SEEDED_USER_ID, SEEDED_WALLET_ID,
};
use crate::client::is_valid_idempotency_key;
use crate::DirectCardPayInRequest;
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::ids;
use threeds_wire::{FieldViolation, Problem, Validate};

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

// ----- OAuth -----------------------------------------------------------------------------

/// `POST /v2.01/oauth/token`. The grant type is read from a form body (the documented
/// request) or a JSON body (what the official Python SDK sends, with a form content type).
pub(crate) async fn token(
    AxState(shared): AxState<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = shared.now();
    let mut state = shared.lock();
    let presented = presented_client_id(&headers);
    if !basic_credentials_ok(&headers) {
        let locked = record_failed_login(&mut state, &presented, now);
        if locked {
            return json_reply(
                400,
                &json!({
                    "error": "unauthorized_client",
                    "error_description": "This account has been temporarily locked for security reasons. Please try again later."
                }),
            );
        }
        let (status, body) = unauthorized();
        return json_reply(status, &body);
    }
    let text = String::from_utf8_lossy(&body);
    let grant = decode_form(&text)
        .into_iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v)
        .or_else(|| {
            serde_json::from_str::<Value>(&text)
                .ok()?
                .get("grant_type")?
                .as_str()
                .map(str::to_owned)
        });
    if grant.as_deref() != Some("client_credentials") {
        return json_reply(
            400,
            &json!({
                "error": "unsupported_grant_type",
                "error_description": "grant_type must be client_credentials"
            }),
        );
    }
    state.logins.remove(&presented);
    let token = ids::uuid_v4().replace('-', "");
    state.issued.record(now, token.clone());
    state
        .tokens
        .insert(token.clone(), now + shared.token_lifetime);
    json_reply(
        200,
        &json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": shared.token_lifetime.as_secs(),
        }),
    )
}

/// How many (ClientId) failure counters are kept; a client cycling through made-up ids
/// cannot grow the table past it.
const MAX_LOGIN_COUNTERS: usize = 1024;

/// The ClientId of a Basic header, whatever its key (at most 64 characters kept), or ""
/// when there is none: the failures and the lock belong to it.
fn presented_client_id(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, encoded)| STANDARD.decode(encoded.trim()).ok())
        .map(|decoded| {
            let text = String::from_utf8_lossy(&decoded).into_owned();
            let id = text.split_once(':').map_or(text.as_str(), |(id, _)| id);
            id.chars().take(64).collect()
        })
        .unwrap_or_default()
}

/// Counts a failed token request for `client_id` and says whether that ClientId is (now)
/// locked. Only wrong credentials meet the lock: the sandbox's ClientId is shared by
/// everyone testing, and one client's bad key must not lock the others out (the right
/// key always gets a token, and resets the count).
fn record_failed_login(state: &mut State, client_id: &str, now: Instant) -> bool {
    if state.logins.len() >= MAX_LOGIN_COUNTERS && !state.logins.contains_key(client_id) {
        state
            .logins
            .retain(|_, l| l.locked_until.is_some_and(|t| now < t));
        if state.logins.len() >= MAX_LOGIN_COUNTERS {
            state.logins.clear();
        }
    }
    let logins = state.logins.entry(client_id.to_owned()).or_default();
    if logins.locked_until.is_some_and(|t| now < t) {
        return true;
    }
    logins.locked_until = None;
    logins.failures += 1;
    if logins.failures >= LOCK_AFTER_FAILURES {
        logins.failures = 0;
        logins.locked_until = Some(now + LOCK_DURATION);
    }
    false
}

fn basic_credentials_ok(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, encoded)) = value.trim().split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{SANDBOX_CLIENT_ID}:{SANDBOX_API_KEY}");
    decoded == expected.as_bytes()
}

fn bearer_ok(state: &State, headers: &HeaderMap, client_id: &str, now: Instant) -> bool {
    if client_id != SANDBOX_CLIENT_ID {
        return false;
    }
    let Some(value) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    scheme.eq_ignore_ascii_case("bearer")
        && state
            .tokens
            .get(token.trim())
            .is_some_and(|expiry| now < *expiry)
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

// ----- users, wallets --------------------------------------------------------------------

fn create_user(shared: &Shared, state: &mut State, b: &Value) -> Result<Reply, Reply> {
    required(b, &["FirstName", "LastName", "Email"])?;
    let id = new_id("user");
    let user = natural_user(
        &id,
        &text(b, "FirstName").unwrap_or_default(),
        &text(b, "LastName").unwrap_or_default(),
        &text(b, "Email").unwrap_or_default(),
        &text(b, "UserCategory").unwrap_or_else(|| "PAYER".into()),
        text(b, "Tag"),
        b.get("TermsAndConditionsAccepted")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    );
    state
        .retained
        .record(shared.now(), Created::User(id.clone()));
    state.users.insert(id, user.clone());
    Ok((200, user))
}

fn create_wallet(shared: &Shared, state: &mut State, b: &Value) -> Result<Reply, Reply> {
    required(b, &["Description", "Currency"])?;
    let owners: Vec<&str> = b
        .get("Owners")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(owner) = owners.first().filter(|_| owners.len() == 1) else {
        return Err(param_error(vec![(
            "Owners".into(),
            "The Owners field must hold exactly one user id.".into(),
        )]));
    };
    if !state.users.contains_key(*owner) {
        return Err(param_error(vec![(
            "Owners".into(),
            format!("The user {owner} does not exist"),
        )]));
    }
    let currency = text(b, "Currency").unwrap_or_default();
    if !is_currency(&currency) {
        return Err(param_error(vec![(
            "Currency".into(),
            "The Currency field must be an ISO 4217 code".into(),
        )]));
    }
    let id = new_id("wlt");
    let w = wallet(
        &id,
        owner,
        &text(b, "Description").unwrap_or_default(),
        &currency,
        text(b, "Tag"),
    );
    state
        .retained
        .record(shared.now(), Created::Wallet(id.clone()));
    state.add_wallet(id, owner, w.clone());
    Ok((200, w))
}

// ----- card registration -----------------------------------------------------------------

fn create_registration(shared: &Shared, state: &mut State, b: &Value) -> Result<Reply, Reply> {
    required(b, &["UserId", "Currency"])?;
    let user_id = text(b, "UserId").unwrap_or_default();
    if !state.users.contains_key(&user_id) {
        return Err(param_error(vec![(
            "UserId".into(),
            format!("The user {user_id} does not exist"),
        )]));
    }
    let currency = text(b, "Currency").unwrap_or_default();
    if !is_currency(&currency) {
        return Err(param_error(vec![(
            "Currency".into(),
            "The Currency field must be an ISO 4217 code".into(),
        )]));
    }
    let id = new_id("cardreg");
    let path_token = ids::lower_alnum(40);
    let reg = Registration {
        id: id.clone(),
        tag: text(b, "Tag"),
        creation: now_unix(),
        user_id,
        access_key: ids::lower_alnum(20),
        preregistration_data: URL_SAFE_NO_PAD.encode(ids::lower_alnum(64)),
        registration_data: None,
        card_id: None,
        card_type: text(b, "CardType").unwrap_or_else(|| "CB_VISA_MASTERCARD".into()),
        url: shared
            .settings
            .url(&format!("/api/mangopay/vault/tokenize/{path_token}")),
        result_code: None,
        result_message: None,
        currency,
        status: "CREATED",
    };
    let json = reg.to_json();
    state.retained.record(
        shared.now(),
        Created::Registration {
            id: id.clone(),
            path_token: path_token.clone(),
        },
    );
    state.tokenize_paths.insert(path_token, id.clone());
    state.registrations.insert(id, reg);
    Ok((200, json))
}

fn update_registration(
    state: &mut State,
    id: &str,
    b: &Value,
    now: Instant,
) -> Result<Reply, Reply> {
    required(b, &["RegistrationData"])?;
    let data = text(b, "RegistrationData").unwrap_or_default();
    let tokenized = state.tokenized.get(&data).cloned();
    let Some(reg) = state.registrations.get_mut(id) else {
        return Err(not_found("CardRegistration", id));
    };
    if reg.status != "CREATED" {
        return Err(param_error(vec![(
            "RegistrationData".into(),
            format!("The card registration {id} has already been processed"),
        )]));
    }
    reg.registration_data = Some(data.clone());
    let code = match (data.strip_prefix("errorCode="), &tokenized) {
        (Some(error), _) => Some(cards::registration_error(error.trim())),
        (None, Some(t)) if t.registration_id == id => None,
        _ => Some("105206"),
    };
    if let Some(code) = code {
        reg.status = "ERROR";
        reg.result_code = Some(code.into());
        reg.result_message = Some(cards::result_message(code).into());
        return Ok((200, reg.to_json()));
    }
    let Some(t) = tokenized else {
        return Err(param_error(vec![(
            "RegistrationData".into(),
            "Unknown registration data".into(),
        )]));
    };
    let card = Card {
        id: new_id("card"),
        user_id: reg.user_id.clone(),
        tag: None,
        creation: now_unix(),
        expiration: t.expiration.clone(),
        bin: t.bin.clone(),
        last4: t.last4.clone(),
        brand: t.brand,
        card_type: reg.card_type.clone(),
        currency: reg.currency.clone(),
        active: true,
        validity: "UNKNOWN",
        fingerprint: ids::lower_alnum(32),
        holder: text(b, "CardHolderName"),
        behaviour: t.behaviour,
    };
    reg.status = "VALIDATED";
    reg.card_id = Some(card.id.clone());
    reg.result_code = Some("000000".into());
    reg.result_message = Some("Success".into());
    let json = reg.to_json();
    state.tokenized.remove(&data);
    state.retained.record(now, Created::Card(card.id.clone()));
    state.cards.insert(card.id.clone(), card);
    Ok((200, json))
}

/// `PUT /cards/{Id}` `{"Active": false}`: deactivation is irreversible.
fn update_card(state: &mut State, id: &str, b: &Value) -> Result<Reply, Reply> {
    let Some(card) = state.cards.get_mut(id) else {
        return Err(not_found("Card", id));
    };
    match b.get("Active").and_then(Value::as_bool) {
        Some(false) => card.active = false,
        Some(true) if !card.active => {
            return Err(param_error(vec![(
                "Active".into(),
                "A deactivated card cannot be reactivated".into(),
            )]))
        }
        Some(true) => {}
        None => {
            return Err(param_error(vec![(
                "Active".into(),
                "The Active field is required.".into(),
            )]))
        }
    }
    Ok((200, card.to_json()))
}

// ----- pay-ins ---------------------------------------------------------------------------

fn violation_message(v: &FieldViolation) -> String {
    let p = &v.path;
    match &v.problem {
        Problem::Missing => format!("The {p} field is required."),
        Problem::TooLong { max, .. } => {
            format!("The field {p} must be a string with a maximum length of {max}.")
        }
        Problem::TooShort { min, .. } => {
            format!("The field {p} must be a string with a minimum length of {min}.")
        }
        Problem::OutOfRange { min, max, .. } => {
            format!("The field {p} must be between {min} and {max}.")
        }
        Problem::Invalid { expected } => {
            format!("The value of {p} is invalid: expected {expected}.")
        }
    }
}

fn create_payin(shared: &Shared, state: &mut State, b: &Value) -> Outcome {
    match build_payin(shared, state, b) {
        Ok(outcome) => outcome,
        Err(reply) => Outcome::of(reply),
    }
}

fn build_payin(shared: &Shared, state: &mut State, b: &Value) -> Result<Outcome, Reply> {
    let req: DirectCardPayInRequest = serde_json::from_value(b.clone())
        .map_err(|e| param_error(vec![("body".into(), threeds_wire::scrub(&e.to_string()))]))?;
    let violations = req.validate();
    if !violations.is_empty() {
        return Err(param_error(
            violations
                .iter()
                .map(|v| (v.path.clone(), violation_message(v)))
                .collect(),
        ));
    }
    // validate() guarantees these are present and well-formed.
    let author_id = req.author_id.clone().unwrap_or_default();
    let wallet_id = req.credited_wallet_id.clone().unwrap_or_default();
    let card_id = req.card_id.clone().unwrap_or_default();
    let debited = req.debited_funds.clone().unwrap_or_default();
    let currency = debited.currency.clone().unwrap_or_default();
    let amount = debited
        .amount
        .as_ref()
        .and_then(|a| a.as_u64())
        .unwrap_or(0);
    let fees = req
        .fees
        .as_ref()
        .and_then(|f| f.amount.as_ref())
        .and_then(|a| a.as_u64())
        .unwrap_or(0);

    let mut bad_ids = Vec::new();
    if !state.users.contains_key(&author_id) {
        bad_ids.push((
            "AuthorId".to_owned(),
            format!("The user {author_id} does not exist"),
        ));
    }
    if !state.wallets.contains_key(&wallet_id) {
        bad_ids.push((
            "CreditedWalletId".to_owned(),
            format!("The wallet {wallet_id} does not exist"),
        ));
    }
    if !state.cards.contains_key(&card_id) {
        bad_ids.push((
            "CardId".to_owned(),
            format!("The card {card_id} does not exist"),
        ));
    }
    if !bad_ids.is_empty() {
        return Err(param_error(bad_ids));
    }
    let wallet = state.wallets.get(&wallet_id).cloned().unwrap_or_default();
    let wallet_currency = wallet["Currency"].as_str().unwrap_or_default().to_owned();
    let credited_user_id = wallet["Owners"]
        .get(0)
        .and_then(Value::as_str)
        .unwrap_or(&author_id)
        .to_owned();
    let Some(card) = state.cards.get(&card_id) else {
        return Err(not_found("Card", &card_id));
    };
    // Both messages verbatim from create-direct-card-payin.mdx (fixtures
    // api_error_currency_card.json / api_error_currency_wallet.json).
    if card.currency != currency {
        return Err((
            400,
            error_body(
                "Error: multi-currency usage is not authorized",
                "currency_incompatibility",
                Some(json!({"currency": format!(
                    "The card's currency {} and the debitedAmount's currency {currency} must be the same",
                    card.currency
                )})),
            ),
        ));
    }
    if wallet_currency != currency {
        return Err((
            400,
            error_body(
                "Error: multi-currency usage is not authorized",
                "currency_incompatibility",
                Some(json!({"currency": format!(
                    "The Wallet's currency {wallet_currency} and the DebitedFunds's currency {currency} must be the same"
                )})),
            ),
        ));
    }

    let secure_mode = req
        .secure_mode
        .as_ref()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "DEFAULT".into());
    let line2 = req
        .billing
        .as_ref()
        .and_then(|p| p.address.as_ref())
        .and_then(|a| a.address_line2.clone())
        .unwrap_or_default();
    let mocked = if amount == cards::MOCK_AMOUNT {
        cards::address_mock(&line2)
    } else {
        None
    };
    let code: Option<&'static str> = if !card.active {
        Some("101410")
    } else if card.user_id != author_id {
        Some("001023")
    } else if fees >= amount {
        Some("001014")
    } else if mocked.is_some() {
        mocked
    } else if let Some(legacy) = cards::legacy_amount(amount) {
        Some(legacy)
    } else if card.behaviour == Behaviour::Unknown {
        Some("009199")
    } else {
        None
    };
    let challenge = match card.behaviour {
        Behaviour::Challenge => true,
        Behaviour::Frictionless => secure_mode == "FORCE",
        Behaviour::Unknown => false,
    };

    let id = format!("wt_{}", ids::uuid_v4());
    let return_url = req.secure_mode_return_url.as_ref().map(|u| {
        let sep = if u.contains('?') { '&' } else { '?' };
        format!("{u}{sep}transactionId={id}")
    });
    let author = state.users.get(&author_id).cloned().unwrap_or_default();
    let party = |given: &Option<crate::BillingOrShipping>,
                 other: &Option<crate::BillingOrShipping>| {
        match given.as_ref().or(other.as_ref()) {
            Some(p) => serde_json::to_value(p).unwrap_or(Value::Null),
            // Defaults to the author (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin); no address is known then.
            None => json!({
                "FirstName": author["FirstName"], "LastName": author["LastName"],
                "Address": {"AddressLine1": null, "AddressLine2": null, "City": null,
                            "Region": null, "PostalCode": null, "Country": null}
            }),
        }
    };
    let mut payin = PayIn {
        id: id.clone(),
        tag: req.tag.clone(),
        creation: now_unix(),
        author_id: author_id.clone(),
        credited_user_id: req.credited_user_id.clone().unwrap_or(credited_user_id),
        currency: currency.clone(),
        debited: amount,
        fees,
        status: PayInStatus::Created,
        result_code: None,
        result_message: None,
        execution_date: None,
        credited_wallet_id: wallet_id,
        secure_mode,
        card_id: card_id.clone(),
        return_url,
        redirect_url: None,
        secure_mode_needed: false,
        culture: req.culture.clone().unwrap_or_else(|| "EN".into()),
        statement_descriptor: req.statement_descriptor.clone(),
        browser_info: b.get("BrowserInfo").cloned().unwrap_or(Value::Null),
        ip_address: b.get("IpAddress").cloned().unwrap_or(Value::Null),
        billing: party(&req.billing, &req.shipping),
        shipping: party(&req.shipping, &req.billing),
        requested_3ds_version: b.get("Requested3DSVersion").cloned().unwrap_or(Value::Null),
        applied_3ds_version: Some("V2_1"),
        preferred_card_network: b
            .get("PreferredCardNetwork")
            .cloned()
            .unwrap_or(Value::Null),
        payment_category: req
            .payment_category
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_else(|| "ECommerce".into()),
        card_info: card.card_info(),
        challenge_token: ids::lower_alnum(32),
        deadline: None,
        decline_after_challenge: None,
    };
    let mut events: Vec<Event> = vec![("PAYIN_NORMAL_CREATED", id.clone())];
    match code.map(|c| (c, cards::stage_of(c))) {
        Some((c, Stage::BeforeAuthentication)) => {
            payin.applied_3ds_version = None;
            fail(&mut payin, c, &mut events);
        }
        Some((c, Stage::Authentication)) => fail(&mut payin, c, &mut events),
        Some((c, Stage::Authorization)) if challenge => {
            payin.decline_after_challenge = Some(c.to_owned());
        }
        Some((c, Stage::Authorization)) => fail(&mut payin, c, &mut events),
        None => {}
    }
    if payin.status == PayInStatus::Created {
        if challenge {
            payin.secure_mode_needed = true;
            payin.redirect_url = Some(shared.settings.url(&format!(
                "/secure-mode/{id}?token={}",
                payin.challenge_token
            )));
            let now = shared.now();
            payin.deadline = Some(now + shared.settings.challenge_ttl);
            state.challenges.record(now, id.clone());
        } else {
            succeed(&mut payin, &mut events);
        }
    }
    if payin.status == PayInStatus::Succeeded {
        if let Some(c) = state.cards.get_mut(&card_id) {
            c.validity = "VALID";
        }
    }
    let hang = req
        .tag
        .as_deref()
        .is_some_and(|t| t.contains(LOST_ANSWER_TAG));
    let body = payin.to_json();
    state
        .retained
        .record(shared.now(), Created::PayIn(id.clone()));
    state.add_payin(id, payin);
    Ok(Outcome {
        status: 200,
        body,
        events,
        hang,
    })
}

pub(crate) fn fail(p: &mut PayIn, code: &str, events: &mut Vec<Event>) {
    p.status = PayInStatus::Failed;
    p.result_code = Some(code.to_owned());
    p.result_message = Some(cards::result_message(code).to_owned());
    p.redirect_url = None;
    p.deadline = None;
    events.push(("PAYIN_NORMAL_FAILED", p.id.clone()));
}

pub(crate) fn succeed(p: &mut PayIn, events: &mut Vec<Event>) {
    p.status = PayInStatus::Succeeded;
    p.result_code = Some("000000".into());
    p.result_message = Some("Success".into());
    p.execution_date = Some(now_unix());
    p.redirect_url = None;
    p.deadline = None;
    events.push(("PAYIN_NORMAL_SUCCEEDED", p.id.clone()));
}

// ----- hooks and stored responses --------------------------------------------------------

const HOOK_STATUSES: &[&str] = &["ENABLED", "DISABLED"];
const HOOK_VALIDITIES: &[&str] = &["VALID", "INVALID"];

fn check_url(url: &str) -> Result<(), Reply> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(param_error(vec![(
            "Url".into(),
            "The Url field must be an http or https URL".into(),
        )]))
    }
}

fn create_hook(state: &mut State, b: &Value) -> Result<Reply, Reply> {
    required(b, &["EventType", "Url"])?;
    let event = text(b, "EventType").unwrap_or_default();
    let url = text(b, "Url").unwrap_or_default();
    check_url(&url)?;
    if state.hooks.iter().any(|h| h.event_type == event) {
        // Verbatim from create-hook.mdx "400 - Hook already exists for this EventType".
        return Err(param_error(vec![(
            "EventType".into(),
            "A hook has already been registered for this EventType".into(),
        )]));
    }
    let hook = Hook {
        id: new_id("hook"),
        url,
        status: "ENABLED".into(),
        validity: "VALID".into(),
        event_type: event,
        tag: text(b, "Tag"),
        creation: now_unix(),
    };
    let json = hook.to_json();
    state.hooks.push(hook);
    Ok((200, json))
}

fn update_hook(state: &mut State, id: &str, b: &Value) -> Result<Reply, Reply> {
    let url = text(b, "Url");
    if let Some(u) = &url {
        check_url(u)?;
    }
    let status = text(b, "Status");
    if status
        .as_deref()
        .is_some_and(|s| !HOOK_STATUSES.contains(&s))
    {
        return Err(param_error(vec![(
            "Status".into(),
            "The Status field must be ENABLED or DISABLED".into(),
        )]));
    }
    let validity = text(b, "Validity");
    if validity
        .as_deref()
        .is_some_and(|s| !HOOK_VALIDITIES.contains(&s))
    {
        return Err(param_error(vec![(
            "Validity".into(),
            "The Validity field must be VALID or INVALID".into(),
        )]));
    }
    let Some(hook) = state.hooks.iter_mut().find(|h| h.id == id) else {
        return Err(not_found("Hook", id));
    };
    if let Some(u) = url {
        hook.url = u;
    }
    if let Some(s) = status {
        hook.status = s;
    }
    if let Some(v) = validity {
        hook.validity = v;
    }
    if let Some(t) = text(b, "Tag") {
        hook.tag = Some(t);
    }
    Ok((200, hook.to_json()))
}

/// "List Transactions for a Wallet" (`GET /wallets/{WalletId}/transactions`): the pay-ins
/// credited to the wallet, oldest first, paged as Mangopay pages lists (`page` from 1,
/// `per_page` 10 by default, at most 100;
/// <https://docs.mangopay.com/api-reference/overview/pagination>).
fn wallet_transactions(state: &State, wallet: &str, query: &str) -> Reply {
    let params = threeds_wire::http::decode_form(query);
    let number = |name: &str, default: usize| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(default)
    };
    let per_page = number("per_page", 10).clamp(1, 100);
    let page = number("page", 1).max(1);
    // Kept in creation order by the index: no scan of every pay-in the sandbox holds.
    let list = state
        .payins_of(wallet)
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(PayIn::to_json)
        .collect();
    (200, Value::Array(list))
}

/// "View an API Response" (`view-api-response.mdx`): the recorded answer, once it exists.
fn api_response(state: &State, key: &str) -> Reply {
    match state.responses.get(key).and_then(|r| r.answer.as_ref()) {
        Some(a) => {
            let body = a.body.to_string();
            (
                200,
                json!({
                    "StatusCode": a.status.to_string(),
                    "ContentLength": body.len().to_string(),
                    "ContentType": "application/json; charset=utf-8",
                    "Date": a.date,
                    "RequestURL": a.request_url,
                    "Resource": a.body,
                }),
            )
        }
        None => not_found("Response", key),
    }
}
