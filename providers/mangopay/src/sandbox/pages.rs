//! The two non-API endpoints a browser or the platform's front end talks to: the card
//! tokenization server (`CardRegistrationURL`) and the 3-D Secure page
//! (`SecureModeRedirectURL`).

use super::cards::{self, Behaviour};
use super::model::{PayInStatus, Tokenized};
use super::routes::{fail, succeed};
use super::{now_unix, Event, Shared};
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::HashMap;
use std::sync::Arc;
use threeds_wire::http::decode_form;
use threeds_wire::sandbox::{html_escape, ids, pages};

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [("content-type", "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `POST {CardRegistrationURL}`: takes `data`, `accessKeyRef` (`accessKey` in the how-to's
/// REST example), `cardNumber`, `cardExpirationDate` (MMYY) and `cardCvx`, from a form body
/// (documented) or the query string (what the official Python SDK's helper sends), and
/// answers text: `data=<RegistrationData>`, or `errorCode=<code>` for a bad card
/// (`02625` number, `02626` date format, `02624` expired, `02627` CVV, `09101` wrong
/// access key or data; legacy Payline codes, our choice of which).
pub(crate) async fn tokenize(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut fields: HashMap<String, String> = HashMap::new();
    let text = String::from_utf8_lossy(&body);
    let from_body = if text.trim_start().starts_with('{') {
        serde_json::from_str::<HashMap<String, serde_json::Value>>(&text)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str().map(str::to_owned)?)))
            .collect()
    } else {
        decode_form(&text)
    };
    for (k, v) in decode_form(query.as_deref().unwrap_or(""))
        .into_iter()
        .chain(from_body)
    {
        fields.entry(k).or_insert(v);
    }
    let field = |name: &str| {
        fields
            .get(name)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let access_key = fields
        .get("accessKeyRef")
        .or_else(|| fields.get("accessKey"))
        .cloned()
        .unwrap_or_default();

    let mut state = shared.lock();
    let Some(reg_id) = state.tokenize_paths.get(&token).cloned() else {
        return plain(StatusCode::NOT_FOUND, "errorCode=09101".into());
    };
    let Some(reg) = state.registrations.get(&reg_id) else {
        return plain(StatusCode::NOT_FOUND, "errorCode=09101".into());
    };
    if reg.status != "CREATED"
        || reg.access_key != access_key
        || reg.preregistration_data != field("data")
    {
        return plain(StatusCode::OK, "errorCode=09101".into());
    }
    let number = field("cardNumber");
    if !cards::luhn_ok(&number) {
        return plain(StatusCode::OK, "errorCode=02625".into());
    }
    let expiry = field("cardExpirationDate");
    match expiry_state(&expiry) {
        Expiry::Invalid => return plain(StatusCode::OK, "errorCode=02626".into()),
        Expiry::Past => return plain(StatusCode::OK, "errorCode=02624".into()),
        Expiry::Valid => {}
    }
    let (behaviour, brand) = cards::classify(&number);
    let cvx = field("cardCvx");
    let cvx_len = if brand == "AMEX" { 4 } else { 3 };
    if cvx.len() != cvx_len || !cvx.bytes().all(|b| b.is_ascii_digit()) {
        return plain(StatusCode::OK, "errorCode=02627".into());
    }
    let data = format!("data={}", URL_SAFE_NO_PAD.encode(ids::lower_alnum(96)));
    let (bin, last4) = match (
        number.get(..6),
        number.get(number.len().saturating_sub(4)..),
    ) {
        (Some(b), Some(l)) => (b.to_owned(), l.to_owned()),
        _ => return plain(StatusCode::OK, "errorCode=02625".into()),
    };
    state
        .retained
        .record(shared.now(), super::model::Created::Tokenized(data.clone()));
    state.tokenized.insert(
        data.clone(),
        Tokenized {
            registration_id: reg_id,
            behaviour,
            brand,
            bin,
            last4,
            expiration: expiry,
        },
    );
    plain(StatusCode::OK, data)
}

enum Expiry {
    Valid,
    Past,
    Invalid,
}

/// `MMYY`, valid through the end of that month.
fn expiry_state(mmyy: &str) -> Expiry {
    if mmyy.len() != 4 || !mmyy.bytes().all(|b| b.is_ascii_digit()) {
        return Expiry::Invalid;
    }
    let (Ok(month), Ok(year)) = (mmyy[..2].parse::<i64>(), mmyy[2..].parse::<i64>()) else {
        return Expiry::Invalid;
    };
    if !(1..=12).contains(&month) {
        return Expiry::Invalid;
    }
    // Days since the epoch to a civil year and month (Howard Hinnant's algorithm).
    let days = now_unix().div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    if (2000 + year, month) < (y, m) {
        Expiry::Past
    } else {
        Expiry::Valid
    }
}

/// The outcomes Mangopay's sandbox 3DS simulator offers (docs.mangopay.com/errors/codes/101301 "Testing",
/// docs.mangopay.com/testing/payment-methods), plus a Cancel button as an ACS page has.
const OUTCOMES: &[(&str, &str)] = &[
    ("authenticate", "Authenticate"),
    ("no", "No"),
    ("rejected", "Rejected"),
    ("unavailable", "Unavailable"),
    ("cancel", "Cancel"),
];

/// `GET /secure-mode/{PayInId}?token=...`: the page at `SecureModeRedirectURL`.
pub(crate) async fn challenge_page(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (page, expired) = {
        let mut state = shared.lock();
        let expired = shared.expire(&mut state);
        let page = match state.payins.get(&id) {
            Some(p) if query.get("token") == Some(&p.challenge_token) => {
                if p.status == PayInStatus::Created && p.redirect_url.is_some() {
                    Ok(challenge_html(
                        &shared.settings.url(&format!("/secure-mode/{id}")),
                        &p.challenge_token,
                        &format!("{:.2} {}", p.debited as f64 / 100.0, p.currency),
                        p.card_info["BIN"].as_str().unwrap_or_default(),
                    ))
                } else {
                    Err((
                        StatusCode::OK,
                        pages::message(
                            "Authentication finished",
                            &format!(
                                "This 3-D Secure session has ended (pay-in {} is {}).",
                                p.id,
                                p.status.as_str()
                            ),
                        ),
                    ))
                }
            }
            _ => Err((
                StatusCode::NOT_FOUND,
                pages::message("Unknown session", "No 3-D Secure session for this link."),
            )),
        };
        (page, expired)
    };
    shared.deliver(expired);
    match page {
        Ok(html) => Html(html).into_response(),
        Err((status, html)) => (status, Html(html)).into_response(),
    }
}

fn challenge_html(action: &str, token: &str, amount: &str, bin: &str) -> String {
    let buttons: String = OUTCOMES
        .iter()
        .map(|(value, label)| {
            format!(
                "    <button type=\"submit\" name=\"outcome\" value=\"{value}\">{label}</button>\n"
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  <title>3-D Secure 2 simulator</title>\n</head>\n<body>\n  <h1>3-D Secure 2 simulator</h1>\n  <p>Payment of {} with card {}******. Choose the issuer's answer.</p>\n  <form id=\"challenge\" method=\"post\" action=\"{}\">\n    <input type=\"hidden\" name=\"token\" value=\"{}\">\n{}  </form>\n</body>\n</html>\n",
        html_escape(amount),
        html_escape(bin),
        html_escape(action),
        html_escape(token),
        buttons
    )
}

/// `POST /secure-mode/{PayInId}`: records the outcome and sends the browser to
/// `SecureModeReturnURL?transactionId=<Id>` (the return carries no result: the platform
/// must GET the pay-in). A session that already ended redirects there too.
pub(crate) async fn challenge_submit(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form: HashMap<String, String> = decode_form(&String::from_utf8_lossy(&body))
        .into_iter()
        .collect();
    let outcome = form.get("outcome").map(String::as_str);
    if !OUTCOMES.iter().any(|(v, _)| Some(*v) == outcome) {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::message(
                "Choose an outcome",
                "The form must carry one of the outcome buttons.",
            )),
        )
            .into_response();
    }
    let (target, events) = {
        let mut state = shared.lock();
        let mut events: Vec<Event> = shared.expire(&mut state);
        let mut validate_card = None;
        let target = match state.payins.get_mut(&id) {
            Some(p) if form.get("token") == Some(&p.challenge_token) => {
                if p.status == PayInStatus::Created {
                    match outcome {
                        Some("authenticate") => match p.decline_after_challenge.clone() {
                            Some(code) => fail(p, &code, &mut events),
                            None => {
                                succeed(p, &mut events);
                                validate_card = Some(p.card_id.clone());
                            }
                        },
                        Some("no" | "rejected" | "unavailable" | "cancel") => {
                            fail(p, "101301", &mut events)
                        }
                        _ => {}
                    }
                }
                p.return_url.clone()
            }
            _ => None,
        };
        if let Some(card) = validate_card.and_then(|c| state.cards.get_mut(&c)) {
            if card.behaviour != Behaviour::Unknown {
                card.validity = "VALID";
            }
        }
        (target, events)
    };
    shared.deliver(events);
    match target {
        Some(url) => (StatusCode::SEE_OTHER, [("location", url)]).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Html(pages::message(
                "Unknown session",
                "No 3-D Secure session for this form.",
            )),
        )
            .into_response(),
    }
}
