//! The browser pages: the issuer's 3DS Method page, the ACS challenge page and the hosted
//! session's redirect page.
//!
//! The challenge page takes the CReq exactly as EMV 3DS 2.2 sends it: a form field `creq`
//! holding base64url JSON **without padding**. Padding, other alphabets, JSON that is not a
//! CReq, an unsupported version or an unknown transaction get an EMV `Erro` message (on an
//! HTML page, with an HTTP error status) instead of the challenge.

use super::state::{ChallengeEnd, Chan, Session, Status, PROTOCOL_VERSION};
use super::util::{b64url, decode_lenient, decode_strict};
use super::{CheckoutSimulator, CHALLENGE_PASSWORD};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{json, Value};
use threeds_wire::http::{decode_form, encode_component};
use threeds_wire::sandbox::pages;

fn form_field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

/// An EMV `Erro` message on a page (EMV 3DS 2.2 Table A.4 error codes).
fn erro(
    status: StatusCode,
    code: &str,
    description: &str,
    detail: &str,
    creq: Option<&Value>,
) -> Response {
    let id = |k: &str| creq.and_then(|c| c.get(k)).cloned().unwrap_or(Value::Null);
    let message = json!({
        "messageType": "Erro",
        "messageVersion": PROTOCOL_VERSION,
        "errorCode": code,
        "errorComponent": "A",
        "errorDescription": description,
        "errorDetail": detail,
        "errorMessageType": "CReq",
        "threeDSServerTransID": id("threeDSServerTransID"),
        "acsTransID": id("acsTransID"),
    });
    page(
        status,
        pages::message(&format!("Erro {code}: {description}"), &message.to_string()),
    )
}

/// `POST /simulator/acs/3ds-method`: the hidden-iframe page. Reads `threeDSMethodData`
/// (`threeDSServerTransID`, `threeDSMethodNotificationURL`) and posts `threeDSMethodData`
/// back to the notification URL, as an issuer's ACS does.
pub async fn method(State(sim): State<CheckoutSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let Some(data) = form_field(&form, "threeDSMethodData").and_then(decode_lenient) else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message(
                "3DS Method",
                "threeDSMethodData is missing or is not base64url JSON",
            ),
        );
    };
    let trans_id = data.get("threeDSServerTransID").and_then(Value::as_str);
    let notify = data
        .get("threeDSMethodNotificationURL")
        .and_then(Value::as_str);
    let (Some(trans_id), Some(notify)) = (trans_id, notify) else {
        return page(
            StatusCode::BAD_REQUEST,
            pages::message(
                "3DS Method",
                "threeDSMethodData needs threeDSServerTransID and threeDSMethodNotificationURL",
            ),
        );
    };
    if !sim.lock().by_transaction.contains_key(trans_id) {
        return page(
            StatusCode::NOT_FOUND,
            pages::message(
                "3DS Method",
                "threeDSServerTransID is not a session's transaction_id",
            ),
        );
    }
    let back = b64url(&json!({ "threeDSServerTransID": trans_id }));
    page(
        StatusCode::OK,
        pages::auto_post(
            "3DS Method",
            notify,
            &[("threeDSMethodData", back.as_str())],
        ),
    )
}

/// `POST /simulator/acs/challenge`: the CReq arrives; the password form is shown.
pub async fn challenge(State(sim): State<CheckoutSimulator>, body: Bytes) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let Some(raw) = form_field(&form, "creq") else {
        return erro(
            StatusCode::BAD_REQUEST,
            "201",
            "Required Data Element Missing",
            "creq",
            None,
        );
    };
    let creq = match decode_strict(raw) {
        Ok(v) => v,
        Err(why) => {
            return erro(
                StatusCode::BAD_REQUEST,
                "203",
                "Format of one or more Data Elements is Invalid according to the Specification",
                &format!("creq: {why}"),
                None,
            )
        }
    };
    let field = |k: &str| creq.get(k).and_then(Value::as_str);
    for name in [
        "messageType",
        "messageVersion",
        "threeDSServerTransID",
        "acsTransID",
        "challengeWindowSize",
    ] {
        if field(name).is_none() {
            return erro(
                StatusCode::BAD_REQUEST,
                "201",
                "Required Data Element Missing",
                name,
                Some(&creq),
            );
        }
    }
    if field("messageType") != Some("CReq") {
        return erro(
            StatusCode::BAD_REQUEST,
            "101",
            "Message Received Invalid",
            "messageType",
            Some(&creq),
        );
    }
    if !matches!(field("messageVersion"), Some("2.1.0" | "2.2.0")) {
        return erro(
            StatusCode::BAD_REQUEST,
            "102",
            "Message Version Number Not Supported",
            "messageVersion",
            Some(&creq),
        );
    }
    if !matches!(
        field("challengeWindowSize"),
        Some("01" | "02" | "03" | "04" | "05")
    ) {
        return erro(
            StatusCode::BAD_REQUEST,
            "203",
            "Format of one or more Data Elements is Invalid according to the Specification",
            "challengeWindowSize",
            Some(&creq),
        );
    }
    let acs_id = field("acsTransID").unwrap_or_default().to_owned();
    let mut inner = sim.lock();
    let session_id = inner.by_acs.get(&acs_id).cloned();
    let Some(session) = session_id.and_then(|id| inner.sessions.get_mut(&id)) else {
        return erro(
            StatusCode::NOT_FOUND,
            "301",
            "Transaction ID Not Recognized",
            "acsTransID",
            Some(&creq),
        );
    };
    if Some(session.transaction_id.as_str()) != field("threeDSServerTransID") {
        return erro(
            StatusCode::NOT_FOUND,
            "301",
            "Transaction ID Not Recognized",
            "threeDSServerTransID",
            Some(&creq),
        );
    }
    sim.refresh(session);
    if let Some(response) = not_challengeable(session) {
        return response;
    }
    session.creq_received = true;
    let session_data = form_field(&form, "threeDSSessionData").unwrap_or("");
    page(
        StatusCode::OK,
        challenge_page(&sim, session, session_data, None),
    )
}

/// The page for a challenge that is over (or never started).
fn not_challengeable(session: &Session) -> Option<Response> {
    match session.status {
        Status::Challenged => None,
        Status::Expired => Some(erro(
            StatusCode::GONE,
            "402",
            "Transaction Timed Out",
            "the challenge expired before the cardholder finished it",
            None,
        )),
        _ => Some(page(
            StatusCode::CONFLICT,
            pages::message(
                "Challenge finished",
                &format!(
                    "This authentication is already {}; there is nothing left to do here.",
                    session.status.as_str()
                ),
            ),
        )),
    }
}

fn challenge_page(
    sim: &CheckoutSimulator,
    session: &Session,
    session_data: &str,
    notice: Option<&str>,
) -> String {
    let acs_id = session
        .acs
        .as_ref()
        .map(|a| a.transaction_id.clone())
        .unwrap_or_default();
    let action = sim.settings.url(&format!(
        "/simulator/acs/challenge/{}",
        encode_component(&acs_id)
    ));
    let amount = match session.amount {
        Some(a) => format!("{a} (minor units) {}", session.currency),
        None => "no amount (non-payment)".to_owned(),
    };
    let prompt = format!(
        "{}Checkout sandbox ACS: confirm the {} purchase of {amount}{}.",
        notice.map(|n| format!("{n} ")).unwrap_or_default(),
        session.scheme,
        session
            .reference
            .as_deref()
            .map(|r| format!(", reference {r}"))
            .unwrap_or_default()
    );
    let mut hidden = Vec::new();
    if !session_data.is_empty() {
        hidden.push(("threeDSSessionData", session_data));
    }
    pages::challenge_form(
        "Checkout sandbox ACS",
        &action,
        &hidden,
        &prompt,
        &format!("Sandbox password: {CHALLENGE_PASSWORD}"),
    )
}

/// `POST /simulator/acs/challenge/{acs_id}`: the password form was submitted (or
/// cancelled). The session gets its final state first (the ACS's RReq reaches Checkout
/// before the browser moves on), then the browser is sent on: a hosted session redirects to
/// its success or failure URL, a session with `challenge_notification_url` auto-posts the
/// CRes there, any other ends on a page (Checkout's own endpoint took the CRes).
pub async fn challenge_submit(
    State(sim): State<CheckoutSimulator>,
    Path(acs_id): Path<String>,
    body: Bytes,
) -> Response {
    let form = decode_form(&String::from_utf8_lossy(&body));
    let end = match (form_field(&form, "action"), form_field(&form, "password")) {
        (Some("cancel"), _) => ChallengeEnd::Cancelled,
        (_, Some(CHALLENGE_PASSWORD)) => ChallengeEnd::Passed,
        _ => ChallengeEnd::WrongPassword,
    };
    let session_data = form_field(&form, "threeDSSessionData")
        .unwrap_or("")
        .to_owned();
    let mut inner = sim.lock();
    let session_id = inner.by_acs.get(&acs_id).cloned();
    let Some(session) = session_id.and_then(|id| inner.sessions.get_mut(&id)) else {
        return page(
            StatusCode::NOT_FOUND,
            pages::message("Challenge", "Unknown ACS transaction"),
        );
    };
    sim.refresh(session);
    if let Some(response) = not_challengeable(session) {
        return response;
    }
    if let Some(event) = session.end_challenge(end) {
        sim.notify(session, event);
    }
    leave(session, &session_data)
}

/// Where the browser goes once the challenge is over.
fn leave(session: &Session, session_data: &str) -> Response {
    if let Some((success, failure)) = &session.hosted {
        let target = if matches!(session.status, Status::Approved | Status::Attempted) {
            success
        } else {
            failure
        };
        return redirect(target, &session.id);
    }
    let cres = session.cres().unwrap_or_default();
    match &session.challenge_notification_url {
        Some(url) => {
            let mut fields = vec![("cres", cres.as_str())];
            if !session_data.is_empty() {
                fields.push(("threeDSSessionData", session_data));
            }
            page(
                StatusCode::OK,
                pages::auto_post("Checkout sandbox ACS", url, &fields),
            )
        }
        None => page(
            StatusCode::OK,
            pages::message(
                "Authentication finished",
                &format!(
                    "The ACS sent the result ({}) to Checkout. You can close this window.",
                    session.status.as_str()
                ),
            ),
        ),
    }
}

/// 303 to a hosted session's success or failure URL with `cko-session-id`.
fn redirect(target: &str, session_id: &str) -> Response {
    let sep = if target.contains('?') { '&' } else { '?' };
    let location = format!(
        "{target}{sep}cko-session-id={}",
        encode_component(session_id)
    );
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// `GET /simulator/hosted/{id}`: the hosted session's page. The simulator collects what a
/// hosted page would (browser data, no 3DS Method), authenticates, and redirects, showing
/// the challenge first for a challenge card.
pub async fn hosted(State(sim): State<CheckoutSimulator>, Path(id): Path<String>) -> Response {
    let mut inner = sim.lock();
    let Some(session) = inner.sessions.get_mut(&id) else {
        return page(
            StatusCode::NOT_FOUND,
            pages::message("Checkout", "Unknown session"),
        );
    };
    if session.hosted.is_none() {
        return page(
            StatusCode::NOT_FOUND,
            pages::message("Checkout", "This session is not hosted"),
        );
    }
    sim.refresh(session);
    if session.status == Status::Pending {
        session.channel = Some(Chan::Browser);
        session.channel_collected = true;
        session.method_completion = Some("U".into());
        if let Some(event) = session.authenticate(&sim.settings) {
            sim.notify(session, event);
        }
    }
    let acs = session.acs.as_ref().map(|a| a.transaction_id.clone());
    let response = match session.status {
        Status::Challenged => {
            session.creq_received = true;
            page(StatusCode::OK, challenge_page(&sim, session, "", None))
        }
        _ => leave(session, ""),
    };
    if let Some(acs) = acs {
        inner.index_acs(acs, id, sim.settings.clock.now());
    }
    response
}
