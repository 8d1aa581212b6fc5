//! The API handlers: the JWT (device fingerprint) step, authentications (create, read,
//! finalize) and what a completed or abandoned challenge writes into them.

use super::cards::{self, Result2, Scenario};
use super::checks::{
    accepts_json, admit, caller, field_error_text, json, json_body, known_account, mistyped_fields,
};
use super::{unix_seconds, After, Auth, Challenge, ChallengeState, Created, Ending, Inner};
use crate::request::AuthenticationRequest;
use crate::DeviceChannel;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::{Instant, SystemTime};
use threeds_wire::sandbox::cavv as new_cavv;
use threeds_wire::sandbox::clock::rfc3339_millis;
use threeds_wire::sandbox::ids;
use threeds_wire::Validate;

pub(super) async fn monitor() -> Response {
    json(StatusCode::OK, json!({ "status": "READY" }))
}

/// `POST /threedsecure/v2/jwt` (Paysafe mobile SDKs): issues a `deviceFingerprintingId` the
/// authentication request of the same account must then carry.
pub(super) async fn create_jwt(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = caller(&headers).and_then(|_| accepts_json(&headers)) {
        return inner.refuse(r);
    }
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(r) => return inner.refuse(r),
    };
    let mut errors = Vec::new();
    let account = value.get("accountId").and_then(Value::as_str);
    match account {
        None => errors.push(("accountId".to_owned(), "accountId is required.".to_owned())),
        Some(a) if a.is_empty() || a.len() > 20 => errors.push((
            "accountId".to_owned(),
            "size must be between 1 and 20 characters".to_owned(),
        )),
        Some(_) => {}
    }
    let bin = value.pointer("/card/cardBin").and_then(Value::as_str);
    match bin {
        None => errors.push((
            "card.cardBin".to_owned(),
            "card.cardBin is required.".to_owned(),
        )),
        Some(b) if !(6..=8).contains(&b.len()) || !b.bytes().all(|c| c.is_ascii_digit()) => errors
            .push((
                "card.cardBin".to_owned(),
                "must be the first 6 to 8 digits of the card number".to_owned(),
            )),
        Some(_) => {}
    }
    if let Some(t) = value.pointer("/sdk/type").and_then(Value::as_str) {
        if !matches!(t, "ANDROID" | "IOS" | "BROWSER") {
            errors.push((
                "sdk.type".to_owned(),
                "must be one of ANDROID, IOS, BROWSER".to_owned(),
            ));
        }
    }
    if !errors.is_empty() {
        return inner.field_errors(errors);
    }
    let account = account.unwrap_or_default().to_owned();
    if let Err(r) = known_account(&account) {
        return inner.refuse(r);
    }
    let id = ids::uuid_v4();
    let fingerprint = ids::uuid_v4();
    let jwt = inner.sign_jwt(&json!({
        "jti": ids::uuid_v4(),
        "iat": unix_seconds(),
        "iss": "paysafe-sandbox",
        "OrgUnitId": account,
        "ReferenceId": fingerprint,
    }));
    {
        let mut state = inner.lock();
        state
            .retained
            .record(inner.now(), Created::Fingerprint(fingerprint.clone()));
        state
            .fingerprints
            .insert(fingerprint.clone(), account.clone());
    }
    let mut answer = json!({
        "id": id,
        "jwt": jwt,
        "deviceFingerprintingId": fingerprint,
        "accountId": account,
        "card": { "cardBin": bin.unwrap_or_default() },
    });
    if let (Some(sdk), Some(map)) = (value.get("sdk"), answer.as_object_mut()) {
        map.insert("sdk".into(), sdk.clone());
    }
    json(StatusCode::OK, answer)
}

/// `POST .../authentications` (Paysafe 3D Secure 2 API blueprint: request, `authentication` object, examples).
pub(super) async fn create_authentication(
    State(inner): State<Arc<Inner>>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = admit(&headers, &account, true) {
        return inner.refuse(r);
    }
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(r) => return inner.refuse(r),
    };
    let request: AuthenticationRequest = match serde_json::from_value(value.clone()) {
        Ok(r) => r,
        Err(_) => return inner.field_errors(mistyped_fields(&value)),
    };
    let mut errors: Vec<(String, String)> = request
        .validate()
        .iter()
        .map(|v| (v.path.clone(), field_error_text(&v.path, &v.problem)))
        .collect();
    if let Some(fingerprint) = &request.device_fingerprinting_id {
        let issued_for = inner.lock().fingerprints.get(fingerprint).cloned();
        if issued_for.as_deref() != Some(account.as_str()) {
            errors.push((
                "deviceFingerprintingId".to_owned(),
                "is not a device fingerprinting id issued for this account (run the JS SDK \
                 start() or POST /threedsecure/v2/jwt first)"
                    .to_owned(),
            ));
        }
    }
    if !errors.is_empty() {
        return inner.field_errors(errors);
    }
    let card = request.card.as_ref();
    if card.is_some_and(|c| c.payment_token.is_some()) {
        return inner.error(StatusCode::BAD_REQUEST, "5502");
    }
    let pan = card
        .and_then(|c| c.card_num.as_ref())
        .map(|n| n.expose().to_owned())
        .unwrap_or_default();
    let Some(card_type) = cards::card_type(&pan) else {
        return inner.error(StatusCode::BAD_REQUEST, "5050");
    };
    let test_card = cards::lookup(&pan);
    if test_card.scenario == Scenario::GatewayError {
        return inner.error(StatusCode::BAD_GATEWAY, "1001");
    }
    let reference = request.merchant_ref_num.clone().unwrap_or_default();
    let sdk = matches!(
        request.device_channel,
        Some(DeviceChannel::Sdk | DeviceChannel::App)
    );

    let mut state = inner.lock();
    if !state
        .references
        .insert((account.clone(), reference.clone()))
    {
        drop(state);
        return inner.error(StatusCode::CONFLICT, "5031");
    }
    let id = ids::uuid_v4();
    let mut doc = echo(
        &id,
        &value,
        &pan,
        card_type,
        inner.settings.clock.system_now(),
    );
    let version = test_card.version;
    let v2 = version != "1.0.2";
    doc.insert("threeDSecureVersion".into(), json!(version));
    let ds_id = ids::uuid_v4();
    let server_id = ids::uuid_v4();
    if v2 && test_card.scenario != Scenario::Bypassed {
        doc.insert("directoryServerTransactionId".into(), json!(ds_id));
        doc.insert("threeDSecureServerTransactionId".into(), json!(server_id));
    }
    match test_card.scenario {
        Scenario::Frictionless(result) => complete_v2(&mut doc, card_type, result),
        Scenario::Unavailable => complete_v2(&mut doc, card_type, Result2::U),
        Scenario::Bypassed => {
            complete_v2(&mut doc, card_type, Result2::U);
            doc.remove("threeDSecureVersion");
        }
        Scenario::Fallback1NotEnrolled => {
            doc.insert("status".into(), json!("COMPLETED"));
            doc.insert("threeDEnrollment".into(), json!("N"));
            doc.insert("eci".into(), json!(cards::eci_not_enrolled(card_type)));
        }
        Scenario::Fallback1Unavailable => {
            doc.insert("status".into(), json!("COMPLETED"));
            doc.insert("threeDEnrollment".into(), json!("U"));
            doc.insert("eci".into(), json!(cards::eci(card_type, "U")));
        }
        // Challenges are opened below; the gateway error was answered above.
        Scenario::Challenge(_) | Scenario::Fallback1Challenge(_) | Scenario::GatewayError => {}
    }
    let after = match test_card.scenario {
        Scenario::Challenge(result) => Some(After::V2(result)),
        Scenario::Fallback1Challenge(pares) => Some(After::V1(pares)),
        _ => None,
    };
    let challenge = after.map(|after| {
        let open = OpenChallenge {
            id: &id,
            account: &account,
            pan: &pan,
            card_type,
            version,
            server_id: &server_id,
        };
        let c = open_challenge(&inner, &mut doc, &open, after);
        state.acs.insert(c.token.clone(), id.clone());
        state.challenges.record(inner.now(), id.clone());
        c
    });
    let answer = Value::Object(doc.clone());
    state.retained.record(
        inner.now(),
        Created::Authentication {
            id: id.clone(),
            reference: (account.clone(), reference),
        },
    );
    state.authentications.insert(
        id,
        Auth {
            account_id: account,
            doc,
            card_type,
            sdk,
            challenge,
            created: inner.now(),
        },
    );
    json(StatusCode::OK, answer)
}

/// What a new challenge needs to know about its authentication.
pub(super) struct OpenChallenge<'a> {
    id: &'a str,
    account: &'a str,
    pan: &'a str,
    card_type: &'static str,
    version: &'static str,
    server_id: &'a str,
}

/// Turns `doc` into a pending challenge (the blueprint's "Browser Flow with Issuer Challenge" for 3DS2, "Browser Flow with
/// Fallback to 1.0" for 3DS 1.0.2): the
/// `acsUrl` of the simulator's challenge page, the encoded request in `payload`, and the
/// `sdkChallengePayload` Paysafe's SDKs take, which decodes to `{id, transactionId, payload,
/// accountId, acsUrl, cardBin, cardType, threeDSecureVersion}` (Paysafe mobile SDKs).
fn open_challenge(
    inner: &Inner,
    doc: &mut Map<String, Value>,
    open: &OpenChallenge<'_>,
    after: After,
) -> Challenge {
    let token = ids::uuid_v4();
    let acs_url = inner.settings.url(&format!("/acs/challenge/{token}"));
    doc.insert("status".into(), json!("PENDING"));
    doc.insert("acsUrl".into(), json!(acs_url));
    let payload = match after {
        After::V2(_) => {
            doc.insert("threeDResult".into(), json!("C"));
            // The EMV CReq, base64url without padding.
            URL_SAFE_NO_PAD.encode(
                json!({
                    "threeDSServerTransID": open.server_id,
                    "acsTransID": token,
                    "messageType": "CReq",
                    "messageVersion": open.version,
                    "challengeWindowSize": "05",
                })
                .to_string(),
            )
        }
        After::V1(_) => {
            doc.insert("threeDEnrollment".into(), json!("Y"));
            doc.insert("xid".into(), json!(STANDARD.encode(ids::lower_alnum(20))));
            // A PaReq stand-in, opaque like the real one.
            STANDARD.encode(format!("PaReq:{token}"))
        }
    };
    doc.insert("payload".into(), json!(payload));
    let sdk_payload = json!({
        "id": open.id,
        "transactionId": ids::lower_alnum(20),
        "payload": payload,
        "accountId": open.account,
        "acsUrl": acs_url,
        "cardBin": open.pan.get(..6).unwrap_or_default(),
        "cardType": open.card_type,
        "threeDSecureVersion": open.version,
    });
    doc.insert(
        "sdkChallengePayload".into(),
        json!(STANDARD.encode(sdk_payload.to_string())),
    );
    Challenge {
        token,
        after,
        deadline: inner.now() + inner.settings.challenge_ttl,
        state: ChallengeState::Open,
        server_jwt: None,
    }
}

/// The echoed request fields of an authentication object, as the blueprint's frictionless response has them: amount,
/// currency, references, the card without its number (BIN, last digits, expiry, holder,
/// type), billing, shipping and profile.
fn echo(
    id: &str,
    request: &Value,
    pan: &str,
    card_type: &str,
    at: SystemTime,
) -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("id".into(), json!(id));
    doc.insert("txnTime".into(), json!(rfc3339_millis(at)));
    for key in [
        "amount",
        "currency",
        "merchantRefNum",
        "merchantUrl",
        "billingDetails",
        "shippingDetails",
        "profile",
    ] {
        if let Some(v) = request.get(key) {
            doc.insert(key.into(), v.clone());
        }
    }
    let mut card = Map::new();
    if let Some(expiry) = request.pointer("/card/cardExpiry") {
        card.insert("cardExpiry".into(), expiry.clone());
    }
    card.insert("cardBin".into(), json!(pan.get(..6).unwrap_or_default()));
    card.insert(
        "lastDigits".into(),
        json!(pan.get(pan.len().saturating_sub(4)..).unwrap_or_default()),
    );
    if let Some(holder) = request.pointer("/card/holderName") {
        card.insert("holderName".into(), holder.clone());
    }
    card.insert("type".into(), json!(card_type));
    doc.insert("card".into(), Value::Object(card));
    doc
}

/// A 3DS2 result: `COMPLETED`, the result letter, the liability matrix's ECI for the brand, a CAVV for `Y`
/// and `A` only ("CAVV not present" on every other row), and the `statusReason`.
fn complete_v2(doc: &mut Map<String, Value>, card_type: &str, result: Result2) {
    for key in ["acsUrl", "payload", "sdkChallengePayload"] {
        doc.remove(key);
    }
    doc.insert("status".into(), json!("COMPLETED"));
    doc.insert("threeDResult".into(), json!(result.letter));
    doc.insert("eci".into(), json!(cards::eci(card_type, result.letter)));
    if matches!(result.letter, "Y" | "A") {
        doc.insert("cavv".into(), json!(new_cavv()));
    } else {
        doc.remove("cavv");
    }
    match result.status_reason {
        Some(reason) => {
            doc.insert("statusReason".into(), json!(reason));
        }
        None => {
            doc.remove("statusReason");
        }
    }
    if result.letter == "R" {
        // This project's rejected shape: issuer text the merchant must show.
        doc.insert(
            "cardholderDisplayText".into(),
            json!("Additional authentication is needed for this transaction, please contact your bank."),
        );
    }
}

/// A 3DS 1.0.2 result after the challenge: enrollment `Y`, the PARes status in
/// `threeDResult`, `signatureStatus` `Y`, ECI and CAVV by the blueprint's 3DS 1.0.2 liability tables.
fn complete_v1(doc: &mut Map<String, Value>, card_type: &str, pares: &str) {
    for key in ["acsUrl", "payload", "sdkChallengePayload"] {
        doc.remove(key);
    }
    doc.insert("status".into(), json!("COMPLETED"));
    doc.insert("threeDResult".into(), json!(pares));
    doc.insert("signatureStatus".into(), json!("Y"));
    doc.insert("eci".into(), json!(cards::eci(card_type, pares)));
    if matches!(pares, "Y" | "A") {
        doc.insert("cavv".into(), json!(new_cavv()));
    }
}

/// Ends an open challenge.
pub(super) fn end_challenge(auth: &mut Auth, ending: Ending) {
    let Some(challenge) = auth.challenge.as_mut() else {
        return;
    };
    if challenge.state != ChallengeState::Open {
        return;
    }
    match (challenge.after, ending) {
        (After::V2(result), Ending::Otp { correct: true }) => {
            complete_v2(&mut auth.doc, auth.card_type, result)
        }
        (After::V2(_), Ending::Otp { correct: false }) => {
            complete_v2(&mut auth.doc, auth.card_type, Result2::N)
        }
        // EMV: a cancelled challenge ends with an RReq transStatus N (challengeCancel 01);
        // Paysafe has no field for the cancel indicator.
        (After::V2(_), Ending::Cancelled) => complete_v2(
            &mut auth.doc,
            auth.card_type,
            Result2 {
                letter: "N",
                status_reason: None,
            },
        ),
        (After::V2(_), Ending::TimedOut) => complete_v2(
            &mut auth.doc,
            auth.card_type,
            Result2 {
                letter: "N",
                status_reason: Some("TRANSACTION_TIMED_OUT_ACS"),
            },
        ),
        (After::V1(pares), Ending::Otp { correct: true }) => {
            complete_v1(&mut auth.doc, auth.card_type, pares)
        }
        (After::V1(_), Ending::Otp { correct: false } | Ending::Cancelled) => {
            complete_v1(&mut auth.doc, auth.card_type, "N")
        }
        // 3DS 1.0.2 has no message that could end it: it stays PENDING.
        (After::V1(_), Ending::TimedOut) => {}
    }
    challenge.state = match ending {
        Ending::TimedOut => ChallengeState::TimedOut,
        _ => ChallengeState::Finished,
    };
    if auth.sdk && !matches!(ending, Ending::TimedOut) {
        // The Cardinal SDK hands the app a server JWT when the challenge validates; the
        // app sends it to `finalize`. Its id is kept to recognise it there.
        challenge.server_jwt = Some(ids::uuid_v4());
    }
}

/// Times out an open challenge whose deadline has passed (checked on every access and by
/// `sweep`).
pub(super) fn expire(auth: &mut Auth, now: Instant) {
    let due = auth
        .challenge
        .as_ref()
        .is_some_and(|c| c.state == ChallengeState::Open && now >= c.deadline);
    if due {
        end_challenge(auth, Ending::TimedOut);
    }
}

/// `GET .../authentications/{id}` (the blueprint's "Get Authentication"): the current state; `404` / `5269` for an
/// id that is not on this account.
pub(super) async fn read_authentication(
    State(inner): State<Arc<Inner>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = admit(&headers, &account, true) {
        return inner.refuse(r);
    }
    let mut state = inner.lock();
    match state.authentications.get_mut(&id) {
        Some(auth) if auth.account_id == account => {
            expire(auth, inner.now());
            json(StatusCode::OK, Value::Object(auth.doc.clone()))
        }
        _ => {
            drop(state);
            inner.error(StatusCode::NOT_FOUND, "5269")
        }
    }
}

/// `POST .../authentications/{id}/finalize` `{"payload": serverJwt}` (Paysafe mobile SDKs): an
/// empty `200` when the JWT is the one the simulator's challenge issued for this
/// authentication; otherwise `400` / `5068` naming `payload` (Paysafe's answer to a bad JWT
/// is not documented; the mobile SDK's own code for it is `9201`).
pub(super) async fn finalize(
    State(inner): State<Arc<Inner>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = admit(&headers, &account, false) {
        return inner.refuse(r);
    }
    let value = match json_body(&headers, &body) {
        Ok(v) => v,
        Err(r) => return inner.refuse(r),
    };
    let Some(token) = value.get("payload").and_then(Value::as_str) else {
        return inner.field_errors(vec![("payload".into(), "payload is required.".into())]);
    };
    let claims = inner.verify_jwt(token);
    let mut state = inner.lock();
    let Some(auth) = state
        .authentications
        .get_mut(&id)
        .filter(|a| a.account_id == account)
    else {
        drop(state);
        return inner.error(StatusCode::NOT_FOUND, "5269");
    };
    expire(auth, inner.now());
    let issued = auth.challenge.as_ref().and_then(|c| c.server_jwt.clone());
    let valid = match (&claims, issued) {
        (Some(claims), Some(jti)) => {
            claims.get("jti").and_then(Value::as_str) == Some(jti.as_str())
                && claims.get("ReferenceId").and_then(Value::as_str) == Some(id.as_str())
        }
        _ => false,
    };
    drop(state);
    if valid {
        StatusCode::OK.into_response()
    } else {
        inner.field_errors(vec![(
            "payload".into(),
            "is not a server JWT issued for this authentication's challenge".into(),
        )])
    }
}
