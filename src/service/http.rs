//! The service's HTTP API (axum) over the [`Engine`]: paths, callers, idempotency, request
//! ids and logs. `docs/service-api.md` describes it; [`super::openapi`] is its document.
//!
//! # Callers
//!
//! `Authorization: Bearer <secret key>` is the merchant's back end (the key's SHA-256 is in
//! the config). `Authorization: Bearer cs_...` is the browser helper with one
//! authentication's client secret: it may read that authentication and post its
//! `device_data` and `challenge_result`, and gets the smaller [`ClientAuthentication`]
//! without the authentication value. These three paths answer CORS preflights for any
//! origin: they are authorized by the bearer token, never by cookies.
//!
//! # Idempotency
//!
//! A `POST` with `Idempotency-Key` is answered once per key and caller (Stripe's rules,
//! for 24 hours): the same body again gets the first answer again
//! (`Idempotent-Replayed: true`), another body `422`, and a request while the first is
//! running `409`. The operation runs in a task of its own, so a client that disconnects
//! mid-request does not cut a PSP call or its store write in half.
//!
//! # Logs
//!
//! One line per request: its id (`Request-Id`, also sent back), method, path without the
//! query, status and time. Bodies, headers and queries are never logged: they carry card
//! data and secrets.

use super::api::{
    read_body, ApiError, ChallengeResult, ClientAuthentication, CreateAuthentication, DeviceData,
    ErrorType, Event as ApiEvent, EventList,
};
use super::engine::{Call, CreateError, Engine, Noticed};
use super::keys::ApiKeyHash;
use super::pages;
use crate::flow::Notification;
use crate::store::{Begin, StoreError, StoredResponse};
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use threeds_wire::excerpt;
use tracing::Instrument;

/// Everything a request handler reads.
pub struct App {
    pub engine: Engine,
    pub api_keys: Vec<ApiKeyHash>,
    /// `GET /v1/openapi.json`, serialized once.
    pub openapi: String,
    /// The demo checkout's back end (`serve --sandbox` only).
    pub demo: Option<pages::DemoShop>,
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Caller {
    /// The merchant's back end, by its key's label.
    SecretKey(String),
    /// The browser, for one authentication.
    Client(String),
}

impl Caller {
    /// The idempotency namespace: keys of different callers never meet.
    fn scope(&self) -> String {
        match self {
            Caller::SecretKey(label) => format!("sk:{label}"),
            Caller::Client(id) => format!("cs:{id}"),
        }
    }
}

/// The service's routes.
pub fn routes(app: Arc<App>) -> axum::Router {
    axum::Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/authentications", post(create))
        .route("/v1/authentications/{id}", get(read_one).options(preflight))
        .route(
            "/v1/authentications/{id}/device_data",
            post(device_data).options(preflight),
        )
        .route(
            "/v1/authentications/{id}/challenge_result",
            post(challenge_result).options(preflight),
        )
        .route("/v1/authentications/{id}/complete", post(complete))
        .route("/v1/notifications", post(notify_any).get(notify_any))
        .route(
            "/v1/notifications/{account}",
            post(notify_account).get(notify_account),
        )
        .route("/v1/events", get(events))
        .route("/v1/openapi.json", get(openapi))
        .route("/threeds.js", get(threeds_js))
        .route("/v1/pages/method", get(method_page).post(method_page))
        .route(
            "/v1/pages/challenge",
            get(challenge_page).post(challenge_page),
        )
        .route("/v1/pages/return/{id}", get(return_page).post(return_page))
        .route("/demo", get(pages::demo_page))
        .route("/demo/authentications", post(pages::demo_create))
        .fallback(unknown_path)
        .layer(middleware::from_fn(envelope_rejections))
        .layer(middleware::from_fn(request_log))
        .with_state(app)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, &self.body)
    }
}

pub(super) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(e) => ApiError::internal(format!("answer not serializable: {e}")).into_response(),
    }
}

/// Request ids and the one log line per request (module docs).
async fn request_log(request: Request, next: Next) -> Response {
    let id = random_request_id();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let span = tracing::info_span!("request", id = %id, method = %method, path = %excerpt(&path));
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.in_scope(|| {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::warn!(status, ms, "answered");
        } else {
            tracing::info!(status, ms, "answered");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("request-id", value);
    }
    response
}

/// The most of a rejection's text that is read into its envelope.
const REJECTION_TEXT_LIMIT: usize = 4096;

/// Answers axum's own refusals in the error envelope, as every other error is: a body over
/// the limit (413), a path or query that does not decode (400), a method the path does
/// not take (405, with its `Allow` header). axum writes them as plain text or nothing;
/// the handlers' errors are JSON already and the pages' HTML, and both pass unchanged.
async fn envelope_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let typed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || typed {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, REJECTION_TEXT_LIMIT)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let reason = status
        .canonical_reason()
        .unwrap_or("refused")
        .to_lowercase();
    let message = if text.is_empty() {
        reason
    } else {
        format!("{reason}: {}", excerpt(&crate::normalize::scrub(&text)))
    };
    let kind = match status.as_u16() {
        401 => ErrorType::Authentication,
        404 => ErrorType::NotFound,
        409 => ErrorType::Conflict,
        500.. => ErrorType::Internal,
        _ => ErrorType::InvalidRequest,
    };
    let error = ApiError {
        status: status.as_u16(),
        ..ApiError::new(kind, message, None)
    };
    let mut answer = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    answer.headers_mut().extend(parts.headers);
    answer
}

fn random_request_id() -> String {
    crate::store::random_id("req_", 8)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The caller of a request about authentication `id` (or about none).
fn caller(app: &App, headers: &HeaderMap, id: Option<&str>) -> Result<Caller, ApiError> {
    let Some(token) = bearer(headers) else {
        return Err(ApiError::new(
            ErrorType::Authentication,
            "no API key: send Authorization: Bearer <secret key> (or the authentication's client_secret from the browser)",
            None,
        ));
    };
    if token.starts_with("cs_") {
        return match id {
            Some(id) if app.engine.secrets().verify(id, token) => Ok(Caller::Client(id.to_owned())),
            Some(_) => Err(ApiError::new(
                ErrorType::Authentication,
                "this client secret is not the authentication's",
                None,
            )),
            None => Err(ApiError::new(
                ErrorType::Authentication,
                "a client secret only works for its own authentication's browser steps; use the secret key",
                None,
            )),
        };
    }
    app.api_keys
        .iter()
        .find(|k| k.matches(token))
        .map(|k| Caller::SecretKey(k.label()))
        .ok_or_else(|| ApiError::new(ErrorType::Authentication, "the API key is not valid", None))
}

fn secret_key_only(caller: &Caller) -> Result<(), ApiError> {
    match caller {
        Caller::SecretKey(_) => Ok(()),
        Caller::Client(_) => Err(ApiError::new(
            ErrorType::Authentication,
            "this call needs the secret key; the client secret only allows the browser's steps",
            None,
        )),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::invalid(
            format!(
                "the body is not JSON: {}",
                crate::normalize::scrub(&e.to_string())
            ),
            None,
        )
    })
}

/// An operation's answer, as idempotency stores it.
struct Answer {
    status: u16,
    body: Value,
    /// Nothing was done anywhere: an idempotency key is forgotten, so a retry runs.
    release: bool,
}

impl Answer {
    fn ok(status: u16, body: Value) -> Answer {
        Answer {
            status,
            body,
            release: false,
        }
    }

    fn error(error: ApiError, release: bool) -> Answer {
        Answer {
            status: error.status,
            body: serde_json::to_value(&error.body).unwrap_or_default(),
            release,
        }
    }

    fn into_response(self, replayed: bool) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = json_response(status, &self.body);
        if replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// An operation [`idempotent`] runs in a task of its own. Boxed where it is written: the
/// future holds the whole flow's state (tens of kilobytes), and a boxed one moves as a
/// pointer into the task instead of being copied on every move.
type Operation = std::pin::Pin<Box<dyn std::future::Future<Output = Answer> + Send + 'static>>;

/// Runs `operation` once per idempotency key (module docs); without a key, just runs it.
async fn idempotent(
    app: Arc<App>,
    caller: &Caller,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
    operation: Operation,
) -> Response {
    let key = match headers.get(IDEMPOTENCY_HEADER).map(|v| v.to_str()) {
        None => None,
        Some(Ok(key)) if !key.is_empty() && key.len() <= 255 => Some(key.to_owned()),
        Some(_) => {
            return ApiError::invalid(
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                Some("Idempotency-Key"),
            )
            .into_response()
        }
    };
    let run = |operation: Operation| async move {
        tokio::spawn(operation).await.unwrap_or_else(|e| {
            Answer::error(
                ApiError::internal(format!("the operation failed: {e}")),
                false,
            )
        })
    };
    let Some(key) = key else {
        return run(operation).await.into_response(false);
    };
    let scoped = format!("{}:{key}", caller.scope());
    let mut hash = Sha256::new();
    hash.update(b"POST\0");
    hash.update(path.as_bytes());
    hash.update(b"\0");
    hash.update(body);
    let hash = threeds_wire::hex::encode(&hash.finalize());
    let store = app.engine.store();
    match store.idempotency_begin(&scoped, &hash, Utc::now()).await {
        // Requests with the key kept starting and ending under this one: as for one that
        // is running, the caller tries again.
        Err(StoreError::KeyContended(_)) => ApiError::idempotency_in_progress(&key).into_response(),
        Err(e) => super::engine::store_error(&e).into_response(),
        Ok(Begin::Mismatch) => ApiError::idempotency_mismatch(&key).into_response(),
        Ok(Begin::InProgress) => ApiError::idempotency_in_progress(&key).into_response(),
        Ok(Begin::Replay(stored)) => Answer::ok(stored.status, stored.body).into_response(true),
        Ok(Begin::Started) => {
            let answer = run(operation).await;
            let done = if answer.release {
                store.idempotency_release(&scoped).await
            } else {
                let stored = StoredResponse {
                    status: answer.status,
                    body: answer.body.clone(),
                };
                store.idempotency_finish(&scoped, &stored).await
            };
            if let Err(e) = done {
                tracing::error!("idempotency key {}: {e}", excerpt(&key));
            }
            answer.into_response(false)
        }
    }
}

async fn healthz(State(app): State<Arc<App>>) -> Response {
    match app.engine.store().get("auth_healthz").await {
        Ok(_) => json_response(
            StatusCode::OK,
            &serde_json::json!({"status": "ok", "store": app.engine.store().backend_name()}),
        ),
        Err(e) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &serde_json::json!({"status": "store_unavailable", "message": threeds_wire::bounded(&e.to_string())}),
        ),
    }
}

async fn create(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> Response {
    let caller = match caller(&app, &headers, None) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let task_app = app.clone();
    let bytes = body.clone();
    let operation: Operation = Box::pin(async move {
        // A body that fails validation did nothing: as at Stripe, no result is kept for
        // its key, so the corrected request can use the same key.
        let body = match parse_json(&bytes).and_then(CreateAuthentication::from_json) {
            Ok(body) => body,
            Err(e) => return Answer::error(e, true),
        };
        match task_app.engine.create(body).await {
            Ok(record) => match task_app.engine.object(&record) {
                Ok(object) => Answer::ok(201, serde_json::to_value(object).unwrap_or_default()),
                Err(e) => Answer::error(e, false),
            },
            Err(CreateError::NotCreated(e)) => Answer::error(e.0, true),
            Err(CreateError::Lost(e)) => Answer::error(e, false),
        }
    });
    idempotent(
        app,
        &caller,
        &headers,
        "/v1/authentications",
        &body,
        operation,
    )
    .await
}

/// The answer for `caller` about `record`: the full object or the browser's view.
fn object_answer(
    app: &App,
    caller: &Caller,
    record: &crate::store::Record,
    reveal: bool,
) -> Answer {
    let object = match app.engine.object(record) {
        Ok(o) => o,
        Err(e) => return Answer::error(e, false),
    };
    let body = match caller {
        Caller::Client(_) => serde_json::to_value::<ClientAuthentication>(object.client_view()),
        Caller::SecretKey(_) if reveal => {
            threeds_wire::with_secrets_revealed(|| serde_json::to_value(&object))
        }
        Caller::SecretKey(_) => serde_json::to_value(&object),
    };
    match body {
        Ok(body) => Answer::ok(200, body),
        Err(e) => Answer::error(ApiError::internal(format!("answer: {e}")), false),
    }
}

async fn read_one(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let reveal = match query.get("reveal").map(String::as_str) {
        None => false,
        Some("authentication_value") => true,
        Some(other) => {
            return with_cors(
                ApiError::invalid(
                    format!(
                        "reveal '{}' is not known (only authentication_value)",
                        excerpt(other)
                    ),
                    Some("reveal"),
                )
                .into_response(),
            )
        }
    };
    let caller = match caller(&app, &headers, Some(&id)) {
        Ok(c) => c,
        Err(e) => return with_cors(e.into_response()),
    };
    if reveal {
        if let Err(e) = secret_key_only(&caller) {
            return e.into_response();
        }
    }
    let answer = match app.engine.get(&id).await {
        Ok(record) => object_answer(&app, &caller, &record, reveal),
        Err(e) => Answer::error(e, false),
    };
    with_cors(answer.into_response(false))
}

/// `device_data`, `challenge_result` and `complete`.
async fn step(
    app: Arc<App>,
    id: String,
    headers: HeaderMap,
    body: Bytes,
    name: &'static str,
) -> Response {
    let caller = match caller(&app, &headers, Some(&id)) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if name == "complete" {
        if let Err(e) = secret_key_only(&caller) {
            return e.into_response();
        }
    }
    let path = format!("/v1/authentications/{id}/{name}");
    let task_app = app.clone();
    let task_caller = caller.clone();
    let bytes = body.clone();
    let operation: Operation = Box::pin(async move {
        let call = match name {
            "device_data" => parse_json(&bytes)
                .and_then(|v| read_body::<DeviceData>(&v))
                .map(Call::DeviceData),
            "challenge_result" => parse_json(&bytes)
                .and_then(|v| read_body::<ChallengeResult>(&v))
                .map(Call::ChallengeResult),
            _ => parse_json(&bytes).and_then(|v| match v.as_object() {
                Some(o) if o.is_empty() => Ok(Call::Complete),
                _ => Err(ApiError::invalid("complete takes no body (or {})", None)),
            }),
        };
        let call = match call {
            Ok(call) => call,
            Err(e) => return Answer::error(e, true),
        };
        match task_app.engine.call(&id, call).await {
            Ok(record) => object_answer(&task_app, &task_caller, &record, false),
            Err(e) => Answer::error(e, false),
        }
    });
    idempotent(app, &caller, &headers, &path, &body, operation).await
}

async fn device_data(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_cors(step(app, id, headers, body, "device_data").await)
}

async fn challenge_result(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_cors(step(app, id, headers, body, "challenge_result").await)
}

async fn complete(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    step(app, id, headers, body, "complete").await
}

fn with_cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("request-id"),
    );
    response
}

async fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type, idempotency-key"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

fn notification(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Notification {
    Notification {
        method: method.as_str().to_owned(),
        headers: headers
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect(),
        query: uri.query().unwrap_or_default().to_owned(),
        body: body.to_vec(),
    }
}

async fn notify(app: Arc<App>, account: Option<String>, n: Notification) -> Response {
    // In a task of its own: a PSP that gives up waiting must not cut the store write.
    let answer = tokio::spawn(async move { app.engine.notification(account.as_deref(), &n).await })
        .await
        .unwrap_or_else(|e| Err(ApiError::internal(format!("the notification failed: {e}"))));
    match answer {
        Ok(noticed) => {
            let (id, what) = match &noticed {
                Noticed::Updated(id) => (id, "updated"),
                Noticed::Unchanged(id) => (id, "unchanged"),
                Noticed::Ignored(id) => (id, "ignored"),
            };
            json_response(
                StatusCode::OK,
                &serde_json::json!({"received": true, "authentication": id, "result": what}),
            )
        }
        Err(e) => e.into_response(),
    }
}

async fn notify_account(
    State(app): State<Arc<App>>,
    Path(account): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = notification(&method, &uri, &headers, &body);
    notify(app, Some(account), n).await
}

async fn notify_any(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let n = notification(&method, &uri, &headers, &body);
    notify(app, None, n).await
}

async fn events(
    State(app): State<Arc<App>>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let caller = match caller(&app, &headers, None) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = secret_key_only(&caller) {
        return e.into_response();
    }
    let limit = match query.get("limit").map(|l| l.parse::<u32>()) {
        None => 10,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => {
            return ApiError::invalid("limit must be an integer from 1 to 100", Some("limit"))
                .into_response()
        }
    };
    if let Some(after) = query.get("starting_after") {
        if !after.starts_with("evt_") {
            return ApiError::invalid(
                "starting_after must be an event id (evt_...)",
                Some("starting_after"),
            )
            .into_response();
        }
    }
    if let Some(unknown) = query
        .keys()
        .find(|k| !["limit", "starting_after", "authentication"].contains(&k.as_str()))
    {
        return ApiError::invalid(
            format!("query parameter '{}' is not known", excerpt(unknown)),
            Some(unknown),
        )
        .into_response();
    }
    let listed = app
        .engine
        .store()
        .list_events(
            query.get("authentication").map(String::as_str),
            query.get("starting_after").map(String::as_str),
            limit + 1,
        )
        .await;
    let mut stored = match listed {
        Ok(events) => events,
        Err(e) => return super::engine::store_error(&e).into_response(),
    };
    let has_more = stored.len() > limit as usize;
    stored.truncate(limit as usize);
    let data = stored
        .iter()
        .map(|e| serde_json::from_value::<ApiEvent>(e.body()))
        .collect::<Result<Vec<_>, _>>();
    match data {
        Ok(data) => json_response(StatusCode::OK, &EventList { data, has_more }),
        Err(e) => {
            ApiError::internal(format!("a stored event does not read back: {e}")).into_response()
        }
    }
}

async fn openapi(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        app.openapi.clone(),
    )
        .into_response()
}

async fn threeds_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        crate::browser::THREEDS_JS,
    )
        .into_response()
}

/// The fields a notification page received: the query's, then the form body's (every
/// pair, in order; bytes that are not UTF-8 are replaced, never dropped).
fn posted_fields(uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let pairs = |bytes: &[u8]| {
        form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect::<Vec<_>>()
    };
    let mut fields = pairs(uri.query().unwrap_or_default().as_bytes());
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        fields.extend(pairs(body));
    }
    fields
}

async fn method_page(uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    pages::html(pages::notify_page(
        "method",
        &posted_fields(&uri, &headers, &body),
    ))
}

async fn challenge_page(uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    pages::html(pages::notify_page(
        "challenge",
        &posted_fields(&uri, &headers, &body),
    ))
}

async fn return_page(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = posted_fields(&uri, &headers, &body);
    let task_app = app.clone();
    let outcome = tokio::spawn(async move { task_app.engine.returned(&id, fields).await })
        .await
        .unwrap_or_else(|e| Err(ApiError::internal(format!("the return failed: {e}"))));
    match outcome {
        Ok(record) => match app.engine.object(&record) {
            Ok(object) => pages::html(pages::returned_page(&object.client_view())),
            Err(e) => e.into_response(),
        },
        Err(e) => e.into_response(),
    }
}

async fn unknown_path(method: Method, uri: Uri) -> Response {
    ApiError::new(
        ErrorType::NotFound,
        format!("no such path: {method} {}", excerpt(uri.path())),
        None,
    )
    .into_response()
}
