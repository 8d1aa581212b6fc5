//! PXP Unity 3DS documents to the normalized model.
//!
//! Documents: the authentication object PXP returns from pre-initiate, initiate
//! (browser-authentication) and get (`pxp.pre_initiate_response`, `pxp.authentication`), and
//! the webhook envelope (`pxp.webhook`), whose `Authentication` events carry the same
//! authentication object in `eventData`.
//!
//! PXP reports a *state* (`https://developer.pxp.io/guides/3ds/states`, seed 001), not an
//! EMV transStatus: the state decides the status through the catalog's `state` table, and
//! named rules refine it where the state folds EMV outcomes together:
//! * `AuthenticationSuccessful` covers Y, A and exemptions alike; the ECI tells them apart
//!   (reference C.3) unless a transStatus is present;
//! * `AuthenticationFailed` covers N and U ("Transaction status = N / U", states page); a
//!   transStatus, or a `stateData.code` that only a technical failure, a timeout or
//!   non-enrolment produces, refines it.
//!
//! `raw` is `{status: state, code: stateData.code, message: stateData.reason}`; for a webhook
//! without an authentication, `{status: eventCategory, code: event name}`.

use super::{parse_as, Context, Draft, NormalizeError, Normalized};
use crate::model::reason::normalize_code;
use crate::model::{
    major_to_minor, AuthenticationStatus as S, DocumentKind, Eci, Money, Network, NextAction,
    NextStep as N, Provider, TransStatus,
};
use serde_json::Value;
use threeds_pxp::fingerprint;
use threeds_pxp::response::{Authentication, AuthenticationState};
use threeds_pxp::webhook::{EventCategory, WebhookEvent};
use threeds_wire::Secret;

const P: Provider = Provider::Pxp;

/// Whether `value` looks like a PXP document: an authentication (`authenticationId`, or a
/// `state` string with `stateData` / `threeDSecureVersion`) or a webhook envelope
/// (`eventCategory` with `eventData`).
pub fn matches(value: &Value) -> bool {
    let Some(m) = value.as_object() else {
        return false;
    };
    m.contains_key("authenticationId")
        || (m.contains_key("eventCategory") && m.contains_key("eventData"))
        || (m.get("state").is_some_and(Value::is_string)
            && (m.contains_key("stateData") || m.contains_key("threeDSecureVersion")))
}

pub fn normalize(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    if value.get("eventCategory").is_some() || value.get("eventData").is_some() {
        return normalize_webhook(value, ctx);
    }
    let probe: Authentication = parse_as(value, P, "pxp.authentication")?;
    let document = if probe.is_pre_initiate() {
        "pxp.pre_initiate_response"
    } else {
        "pxp.authentication"
    };
    let mut draft = Draft::new(P, DocumentKind::Authentication, document);
    fill(&mut draft, &probe, ctx, document)?;
    Ok(draft.finish())
}

fn normalize_webhook(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    const DOC: &str = "pxp.webhook";
    let event: WebhookEvent = parse_as(value, P, DOC)?;
    let mut draft = Draft::new(P, DocumentKind::Webhook, DOC);
    if event.carries_authentication() {
        let data = event.event_data.as_ref().unwrap_or(&Value::Null);
        let auth: Authentication = parse_as(data, P, DOC).map_err(|e| match e {
            NormalizeError::Shape {
                provider,
                document,
                path,
                message,
            } => NormalizeError::Shape {
                provider,
                document,
                path: format!("eventData.{path}"),
                message,
            },
            other => other,
        })?;
        if let Some(cat) = &event.event_category {
            if *cat != EventCategory::Authentication {
                draft.warn(format!(
                    "pxp webhook eventCategory '{cat}' carries an authentication; read as one"
                ));
            }
        }
        fill(&mut draft, &auth, ctx, DOC)?;
        return Ok(draft.finish());
    }

    // An event without an authentication: the category, then the event name, decide.
    draft.auth.raw.status = event.event_category.as_ref().map(|c| c.to_string());
    draft.auth.raw.code = event.name().map(str::to_owned);
    match &event.event_category {
        None => draft.set_unknown("event_category", "(absent)"),
        Some(cat) => {
            let row = draft.apply_catalog(ctx, "event_category", cat.as_str());
            if row.is_some_and(|r| r.status.is_none()) {
                match event.name() {
                    Some(name) => {
                        draft.apply_catalog(ctx, "event", name);
                    }
                    None => {
                        draft.set_status(
                            S::Unknown,
                            N::Investigate,
                            "rule:pxp.authentication_webhook_without_authentication",
                        );
                        draft.warn(
                            "pxp Authentication webhook without an authentication in eventData \
                             and without an event name",
                        );
                    }
                }
            }
        }
    }
    Ok(draft.finish())
}

/// Fills the draft from a PXP authentication object.
fn fill(
    d: &mut Draft,
    a: &Authentication,
    ctx: &Context<'_>,
    document: &'static str,
) -> Result<(), NormalizeError> {
    let state_code = a
        .state_data
        .as_ref()
        .and_then(|s| s.code.as_ref())
        .map(|c| c.as_str().trim().to_owned())
        .filter(|c| !c.is_empty());
    d.auth.raw.status = a.state.as_ref().map(|s| s.to_string());
    d.auth.raw.code.clone_from(&state_code);
    d.auth.raw.message = a.state_data.as_ref().and_then(|s| s.reason.clone());

    d.auth.id.clone_from(&a.authentication_id);
    d.auth.protocol_version = non_empty(&a.three_d_secure_version);
    d.auth.ds_trans_id = non_empty(&a.directory_server_transaction_id);
    d.auth.acs_trans_id = non_empty(&a.acs_transaction_id);
    d.auth.eci = a
        .electronic_commerce_indicator
        .as_ref()
        .and_then(|e| Eci::parse(e.as_str()));
    d.auth.authentication_value = a
        .cardholder_authentication_verification_value
        .as_ref()
        .filter(|v| !v.is_empty())
        .map(|v| Secret::new(v.expose()));
    d.auth.trans_status_reason = state_code.as_deref().and_then(normalize_code);
    // The 3DS Server transaction id: an explicit field if PXP sends one, else the id inside
    // the 3DS Method data. `authenticationId` equalled it in PXP's one sample (reference
    // B.5), an observation only, so it is not copied.
    d.auth.three_ds_server_trans_id =
        non_empty(&a.three_d_secure_server_transaction_id).or_else(|| {
            a.three_d_secure_fingerprint_data
                .as_deref()
                .and_then(fingerprint::decode_method_data)
                .and_then(|m| m.three_ds_server_trans_id)
                .filter(|s| !s.trim().is_empty())
        });
    if let Some(scheme) = non_empty(&a.card_scheme) {
        d.auth.network = Network::from_psp(&scheme);
        if d.auth.network.is_none() {
            d.warn(format!("pxp cardScheme '{scheme}' is not a known network"));
        }
    }
    if let Some(amount) = &a.amount {
        if let (Some(value), Some(currency)) = (&amount.transaction_value, &amount.currency_code) {
            let minor =
                major_to_minor(value.as_str(), currency).map_err(|e| NormalizeError::Shape {
                    provider: P,
                    document,
                    path: "amount.transactionValue".into(),
                    message: e.to_string(),
                })?;
            d.auth.amount = Some(Money {
                value: minor,
                currency: currency.to_ascii_uppercase(),
            });
        }
    }
    let trans_status = a.trans_status().map(TransStatus::from);
    if let Some(ts) = &trans_status {
        if !ts.is_known() {
            d.warn(format!("pxp transStatus '{ts}' is not an EMV value"));
        }
    }
    d.auth.trans_status.clone_from(&trans_status);
    d.auth.challenged = match a
        .authentication_flow
        .as_deref()
        .map(str::to_ascii_lowercase)
    {
        Some(f) if f.starts_with("challenge") => Some(true),
        Some(f) if f.starts_with("frictionless") => Some(false),
        _ => None,
    };

    // Status from the state.
    match &a.state {
        None => d.set_unknown("state", "(absent)"),
        Some(state) => {
            d.apply_catalog(ctx, "state", state.as_str());
        }
    }
    if let Some(code) = &state_code {
        let key = normalize_code(code).unwrap_or_else(|| code.clone());
        d.apply_reason(ctx, "state_code", &key);
    }

    match &a.state {
        Some(AuthenticationState::PendingClientData) => pending_client_data(d, a),
        Some(AuthenticationState::PendingCustomerChallenge) => {
            d.auth.challenged = Some(true);
            d.auth.next_action = Some(NextAction::Challenge {
                url: a.challenge_url().map(str::to_owned),
                creq: a.creq().map(str::to_owned),
            });
        }
        Some(AuthenticationState::AuthenticationSuccessful) => {
            successful(d, trans_status.as_ref());
        }
        Some(AuthenticationState::AuthenticationFailed) => {
            failed(d, trans_status.as_ref(), state_code.as_deref());
            challenge_cancel(d, a, ctx);
        }
        Some(AuthenticationState::AuthenticationRejected) => {
            if trans_status.as_ref().is_some_and(|t| *t != TransStatus::R) {
                d.warn(
                    "pxp AuthenticationRejected with a transStatus other than R; the state decides",
                );
            }
        }
        Some(AuthenticationState::AuthenticationError) => challenge_cancel(d, a, ctx),
        Some(AuthenticationState::Unknown(_)) | None => {}
    }

    // threeDSecureSupported=false: PXP's check found the card outside 3DS. The states page
    // says PendingClientData means "3DS is supported", so the flag wins over a pending state.
    if a.three_d_secure_supported == Some(false) {
        if matches!(a.state, None | Some(AuthenticationState::PendingClientData)) {
            d.set_status(
                S::NotEnrolled,
                N::AuthorizeAtOwnRisk,
                "rule:pxp.three_d_secure_not_supported",
            );
            d.auth.reason = Some("card_not_enrolled".into());
            d.auth.next_action = None;
        } else {
            d.warn("pxp threeDSecureSupported=false with a later state; the state decides");
        }
    }

    if d.auth.status.is_final() {
        d.facts.authentication_value_present = Some(d.auth.authentication_value.is_some());
    }
    Ok(())
}

fn pending_client_data(d: &mut Draft, a: &Authentication) {
    let url = non_empty(&a.three_d_secure_fingerprint_url);
    let data = non_empty(&a.three_d_secure_fingerprint_data);
    d.auth.next_action = Some(match (url, data) {
        // Both non-empty: run the 3DS Method (standalone guide step 4). Empty fields mean
        // the issuer has no 3DS Method: go straight to initiate with browser data.
        (Some(url), Some(data)) => {
            d.auth.reason = Some("awaiting_three_ds_method".into());
            NextAction::ThreeDsMethod {
                url,
                data: Some(data),
            }
        }
        _ => NextAction::CollectDeviceData,
    });
    if d.auth.eci.is_some() || d.auth.authentication_value.is_some() {
        d.warn(
            "pxp PendingClientData carries an ECI or authentication value (as PXP's own get \
             example does); the state decides: pending",
        );
    }
}

/// `AuthenticationSuccessful`: Y, A or an exemption. A transStatus decides when present;
/// otherwise the ECI (reference C.3), read per network when PXP names the scheme.
fn successful(d: &mut Draft, trans_status: Option<&TransStatus>) {
    if let Some(ts) = trans_status {
        match ts {
            TransStatus::Y => d.set_status(
                S::Authenticated,
                N::Authorize,
                "rule:pxp.successful_trans_status_y",
            ),
            TransStatus::A => d.set_status(
                S::Attempted,
                N::Authorize,
                "rule:pxp.successful_trans_status_a",
            ),
            TransStatus::I => d.set_status(
                S::Exempted,
                N::Authorize,
                "rule:pxp.successful_trans_status_i",
            ),
            other => {
                d.set_status(
                    S::Unknown,
                    N::Investigate,
                    "rule:pxp.successful_with_contradicting_trans_status",
                );
                d.warn(format!(
                    "pxp AuthenticationSuccessful with transStatus '{other}'; not guessed"
                ));
            }
        }
        return;
    }
    let eci = d.auth.eci.as_ref().map(|e| e.as_str().to_owned());
    let mastercard = matches!(d.auth.network, Some(Network::Mastercard | Network::Maestro));
    let known_other = d.auth.network.is_some() && !mastercard;
    let Some(eci) = eci else {
        d.warn("pxp AuthenticationSuccessful without an ECI: Y assumed from the state");
        return;
    };
    let (status, rule) = match (eci.as_str(), mastercard) {
        ("05", false) | ("02", _) => (S::Authenticated, "rule:pxp.successful_eci_authenticated"),
        // Mastercard ECI 07 is an authenticated recurring / 3RI series (C.3).
        ("07", true) => (
            S::Authenticated,
            "rule:pxp.successful_mastercard_eci_07_authenticated",
        ),
        ("06", false) => {
            if !known_other {
                d.warn(
                    "pxp ECI 06 without a card network is ambiguous: attempted (A) for \
                     Visa, Amex, Discover, JCB, but an exemption (I) for Mastercard (C.3)",
                );
            }
            (S::Attempted, "rule:pxp.successful_eci_06_attempted")
        }
        ("06", true) => (
            S::Exempted,
            "rule:pxp.successful_mastercard_eci_06_exempted",
        ),
        // 01 is Mastercard's attempts value; no other scheme uses it (C.3).
        ("01", _) => (S::Attempted, "rule:pxp.successful_eci_01_attempted"),
        // A success without liability shift: Visa-family 07 is an exemption the merchant
        // flagged or an informational (I) outcome (C.3, C.4 Visa rows "TRA flagged" / "I").
        ("07", false) => (S::Exempted, "rule:pxp.successful_eci_07_exempted"),
        // Mastercard 00 is "not authenticated"; with a successful state the only
        // success without shift in C.4 is an exemption / I.
        ("00", _) => {
            d.warn(
                "pxp AuthenticationSuccessful with ECI 00 (no authentication): read as exempted",
            );
            (S::Exempted, "rule:pxp.successful_eci_00_exempted")
        }
        (other, _) => {
            d.warn(format!(
                "pxp AuthenticationSuccessful with ECI '{other}', which no success maps to"
            ));
            (S::Unknown, "rule:pxp.successful_unexpected_eci")
        }
    };
    let step = if status == S::Unknown {
        N::Investigate
    } else {
        N::Authorize
    };
    d.set_status(status, step, rule);
}

/// `AuthenticationFailed`: EMV N or U (states page). A transStatus decides; otherwise
/// `stateData.code` values that only non-enrolment (13), an ACS timeout (14) or an ACS
/// technical issue (22) produce refine the status.
fn failed(d: &mut Draft, trans_status: Option<&TransStatus>, code: Option<&str>) {
    match trans_status {
        Some(TransStatus::U) => {
            d.set_status(
                S::Unavailable,
                N::RetryAuthentication,
                "rule:pxp.failed_trans_status_u",
            );
            return;
        }
        Some(TransStatus::N) | None => {}
        Some(other) => {
            d.warn(format!(
                "pxp AuthenticationFailed with transStatus '{other}'; the state decides"
            ));
            return;
        }
    }
    match code.and_then(normalize_code).as_deref() {
        Some("13") => d.set_status(
            S::NotEnrolled,
            N::AuthorizeAtOwnRisk,
            "rule:pxp.failed_code_13_not_enrolled",
        ),
        Some("14") => d.set_status(
            S::Expired,
            N::RetryAuthentication,
            "rule:pxp.failed_code_14_expired",
        ),
        Some("22") if trans_status.is_none() => d.set_status(
            S::Unavailable,
            N::RetryAuthentication,
            "rule:pxp.failed_code_22_unavailable",
        ),
        _ => {}
    }
}

/// The EMV challengeCancel indicator, where PXP sends it, turns a failed or errored
/// challenge into an abandoned / timed-out one.
fn challenge_cancel(d: &mut Draft, a: &Authentication, ctx: &Context<'_>) {
    let Some(code) = a.challenge_cancel() else {
        return;
    };
    let key = normalize_code(code).unwrap_or_else(|| code.to_owned());
    match ctx.catalog.lookup(P, "challenge_cancel", &key) {
        Some(entry) => {
            if let (Some(status), Some(step)) = (entry.status, entry.next_step) {
                d.set_status(status, step, format!("catalog:{}", entry.id()));
                d.auth.reason.clone_from(&entry.reason);
            }
        }
        None => d.warn(format!(
            "pxp challengeCancel '{code}' is not in the catalog"
        )),
    }
}

fn non_empty(f: &Option<String>) -> Option<String> {
    f.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::reason::EMV_REASONS;
    use crate::model::AuthenticationStatus;
    use serde_json::json;

    fn run(v: Value) -> Normalized {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context { catalog: &catalog };
        normalize(&v, &ctx).unwrap()
    }

    fn get(state: &str, extra: Value) -> Value {
        let mut v = json!({
            "authenticationId": "550e8400-e29b-41d4-a716-446655440000",
            "state": state,
            "threeDSecureVersion": "2.1.0",
            "directoryServerTransactionId": "8ac7a4a3-7c50-4c48-9b3f-5d8e6f9a1b2c",
        });
        if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                m.insert(k.clone(), x.clone());
            }
        }
        v
    }

    fn status(n: &Normalized) -> (AuthenticationStatus, N) {
        (n.authentication.status, n.authentication.next_step)
    }

    #[test]
    fn matches_pxp_shapes_only() {
        assert!(matches(&json!({"authenticationId": "x"})));
        assert!(matches(
            &json!({"eventCategory": "Authentication", "eventData": {}})
        ));
        assert!(matches(
            &json!({"state": "AuthenticationFailed", "stateData": {}})
        ));
        assert!(!matches(&json!({"state": "x"})));
        assert!(!matches(&json!({"status": "approved", "id": "sid_1"})));
        assert!(!matches(&json!({"ResultCode": "000000"})));
        assert!(!matches(&json!({"threeDResult": "Y"})));
        assert!(!matches(&json!([1])));
    }

    #[test]
    fn catalog_state_table_covers_every_documented_state() {
        let catalog = Catalog::builtin().unwrap();
        for s in AuthenticationState::KNOWN {
            let e = catalog.lookup(P, "state", s).unwrap();
            assert!(e.status.is_some() && e.next_step.is_some(), "{s}");
        }
    }

    #[test]
    fn state_code_words_are_the_emv_words() {
        let catalog = Catalog::builtin().unwrap();
        let rows: Vec<_> = catalog
            .rows(P)
            .filter(|e| e.table == "state_code")
            .collect();
        assert_eq!(rows.len(), 30);
        for (code, word, _) in EMV_REASONS {
            let e = catalog.lookup(P, "state_code", code).unwrap();
            assert_eq!(e.reason.as_deref(), Some(*word), "{code}");
            assert_eq!(e.status, None, "{code}: reason-only row");
        }
    }

    #[test]
    fn event_category_and_challenge_cancel_tables_load() {
        let catalog = Catalog::builtin().unwrap();
        for c in EventCategory::KNOWN {
            assert!(catalog.lookup(P, "event_category", c).is_some(), "{c}");
        }
        let e = catalog.lookup(P, "challenge_cancel", "01").unwrap();
        assert_eq!(e.status, Some(S::Expired));
        assert_eq!(e.reason.as_deref(), Some("challenge_abandoned"));
    }

    #[test]
    fn pending_client_data_with_method_runs_the_3ds_method() {
        let n = run(json!({
            "authenticationId": "9180c811-ae68-4b40-8910-bfe74a26d65a",
            "state": "PendingClientData",
            "threeDSecureSupported": true,
            "threeDSecureFingerprintUrl": "https://acs/fp",
            "threeDSecureFingerprintData": "eyJ0aHJlZURTU2VydmVyVHJhbnNJRCI6IjkxODBjODExLWFlNjgtNGI0MC04OTEwLWJmZTc0YTI2ZDY1YSIsInRocmVlRFNNZXRob2ROb3RpZmljYXRpb25VUkwiOiJodHRwczovL3d3dy50ZXN0LTAzIn0="
        }));
        let a = &n.authentication;
        assert_eq!(status(&n), (S::Pending, N::CompleteDeviceData));
        assert_eq!(a.reason.as_deref(), Some("awaiting_three_ds_method"));
        assert!(matches!(
            a.next_action,
            Some(NextAction::ThreeDsMethod { .. })
        ));
        assert_eq!(
            a.three_ds_server_trans_id.as_deref(),
            Some("9180c811-ae68-4b40-8910-bfe74a26d65a")
        );
        assert_eq!(n.explain.document, "pxp.pre_initiate_response");
    }

    #[test]
    fn pending_client_data_without_method_collects_device_data() {
        let n = run(json!({
            "authenticationId": "a", "state": "PendingClientData",
            "threeDSecureSupported": true,
            "threeDSecureFingerprintUrl": "", "threeDSecureFingerprintData": "not base64!"
        }));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::CollectDeviceData)
        );
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("awaiting_device_data")
        );
        assert_eq!(n.authentication.three_ds_server_trans_id, None);
    }

    #[test]
    fn not_supported_is_not_enrolled() {
        let n = run(
            json!({"authenticationId": "a", "state": "PendingClientData",
                           "threeDSecureSupported": false}),
        );
        assert_eq!(status(&n), (S::NotEnrolled, N::AuthorizeAtOwnRisk));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("card_not_enrolled")
        );
        assert_eq!(
            n.explain.status_rule,
            "rule:pxp.three_d_secure_not_supported"
        );
        assert_eq!(n.authentication.next_action, None);
    }

    #[test]
    fn challenge_next_action_with_or_without_fields() {
        let n = run(get("PendingCustomerChallenge", json!({})));
        assert_eq!(status(&n), (S::ChallengeRequired, N::ChallengeCardholder));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: None,
                creq: None
            })
        );
        assert_eq!(n.authentication.challenged, Some(true));
        let n = run(get(
            "PendingCustomerChallenge",
            json!({"acsUrl": "https://acs/c", "creq": "eyJ"}),
        ));
        assert_eq!(
            n.authentication.next_action,
            Some(NextAction::Challenge {
                url: Some("https://acs/c".into()),
                creq: Some("eyJ".into())
            })
        );
    }

    #[test]
    fn successful_is_refined_by_eci() {
        for (eci, want, rule) in [
            (
                "05",
                S::Authenticated,
                "rule:pxp.successful_eci_authenticated",
            ),
            (
                "5",
                S::Authenticated,
                "rule:pxp.successful_eci_authenticated",
            ),
            (
                "02",
                S::Authenticated,
                "rule:pxp.successful_eci_authenticated",
            ),
            ("06", S::Attempted, "rule:pxp.successful_eci_06_attempted"),
            ("01", S::Attempted, "rule:pxp.successful_eci_01_attempted"),
            ("07", S::Exempted, "rule:pxp.successful_eci_07_exempted"),
            ("00", S::Exempted, "rule:pxp.successful_eci_00_exempted"),
            ("04", S::Unknown, "rule:pxp.successful_unexpected_eci"),
        ] {
            let n = run(get(
                "AuthenticationSuccessful",
                json!({"electronicCommerceIndicator": eci,
                       "cardholderAuthenticationVerificationValue": "AAABBB"}),
            ));
            assert_eq!(n.authentication.status, want, "{eci}");
            assert_eq!(n.explain.status_rule, rule, "{eci}");
        }
    }

    #[test]
    fn eci_06_warns_without_network_and_is_exempted_for_mastercard() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06"}),
        ));
        assert!(n.explain.warnings.iter().any(|w| w.contains("ambiguous")));
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "cardScheme": "Mastercard"}),
        ));
        assert_eq!(n.authentication.status, S::Exempted);
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "cardScheme": "Visa"}),
        ));
        assert_eq!(n.authentication.status, S::Attempted);
        assert!(n.explain.warnings.is_empty());
    }

    #[test]
    fn trans_status_decides_over_eci() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "06", "threeDSecureTransactionStatus": "I"}),
        ));
        assert_eq!(n.authentication.status, S::Exempted);
        assert_eq!(n.authentication.trans_status, Some(TransStatus::I));
        let n = run(get(
            "AuthenticationFailed",
            json!({"transactionStatus": "U"}),
        ));
        assert_eq!(n.authentication.status, S::Unavailable);
    }

    #[test]
    fn failed_rejected_error_and_state_codes() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": "11", "reason": "Suspected fraud."}}),
        ));
        let a = &n.authentication;
        assert_eq!(status(&n), (S::Failed, N::RetryAuthentication));
        assert_eq!(a.reason.as_deref(), Some("suspected_fraud"));
        assert_eq!(a.trans_status_reason.as_deref(), Some("11"));
        assert_eq!(a.raw.status.as_deref(), Some("AuthenticationFailed"));
        assert_eq!(a.raw.code.as_deref(), Some("11"));
        assert_eq!(a.raw.message.as_deref(), Some("Suspected fraud."));

        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": "13"}}),
        ));
        assert_eq!(status(&n), (S::NotEnrolled, N::AuthorizeAtOwnRisk));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("cardholder_not_enrolled")
        );
        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": "14"}}),
        ));
        assert_eq!(status(&n), (S::Expired, N::RetryAuthentication));
        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": 22}}),
        ));
        assert_eq!(status(&n), (S::Unavailable, N::RetryAuthentication));
        assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("22"));

        let n = run(get(
            "AuthenticationRejected",
            json!({"stateData": {"code": "01"}}),
        ));
        assert_eq!(status(&n), (S::Rejected, N::DoNotAuthorize));
        let n = run(get("AuthenticationError", json!({})));
        assert_eq!(status(&n), (S::Error, N::AuthorizeAtOwnRisk));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("psp_technical_error")
        );
        assert_eq!(n.authentication.liability_shift, None);
    }

    #[test]
    fn ds_specific_state_code_keeps_code_and_warns() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"stateData": {"code": "85"}}),
        ));
        assert_eq!(n.authentication.trans_status_reason.as_deref(), Some("85"));
        assert_eq!(n.authentication.reason, None);
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn challenge_cancel_makes_expired() {
        let n = run(get(
            "AuthenticationFailed",
            json!({"challengeCancel": "01"}),
        ));
        assert_eq!(status(&n), (S::Expired, N::RetryAuthentication));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("challenge_abandoned")
        );
    }

    #[test]
    fn unknown_or_absent_state_is_unknown() {
        let n = run(get("AuthenticationPending", json!({})));
        assert_eq!(status(&n), (S::Unknown, N::Investigate));
        assert_eq!(
            n.authentication.raw.status.as_deref(),
            Some("AuthenticationPending")
        );
        let n = run(json!({"authenticationId": "a"}));
        assert_eq!(status(&n), (S::Unknown, N::Investigate));
    }

    #[test]
    fn amounts_convert_with_the_currency_exponent() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05",
                   "amount": {"transactionValue": 1.234, "currencyCode": "KWD"}}),
        ));
        assert_eq!(
            n.authentication.amount,
            Some(Money {
                value: 1234,
                currency: "KWD".into()
            })
        );
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context { catalog: &catalog };
        let err = normalize(
            &get(
                "AuthenticationSuccessful",
                json!({"amount": {"transactionValue": 1.5, "currencyCode": "JPY"}}),
            ),
            &ctx,
        )
        .unwrap_err();
        assert!(err.to_string().contains("amount.transactionValue"), "{err}");
    }

    #[test]
    fn webhooks() {
        let n = run(json!({
            "eventCategory": "Authentication", "eventDate": "2025-01-27T08:51:04.826Z",
            "eventData": {"authenticationId": "a", "state": "AuthenticationSuccessful",
                          "electronicCommerceIndicator": "05"},
            "eventOwner": {"merchantGroup": "MG", "merchant": "M", "site": "S"}
        }));
        assert_eq!(n.authentication.kind, DocumentKind::Webhook);
        assert_eq!(n.authentication.status, S::Authenticated);
        assert_eq!(n.authentication.id.as_deref(), Some("a"));

        let n =
            run(json!({"eventCategory": "Transaction", "eventData": {"systemTransactionId": "t"}}));
        assert_eq!(status(&n), (S::Unknown, N::Investigate));
        assert_eq!(
            n.authentication.reason.as_deref(),
            Some("not_an_authentication_event")
        );

        let n = run(
            json!({"eventCategory": "Authentication", "eventName": "challenge-completed",
                           "eventData": {}}),
        );
        assert_eq!(status(&n), (S::Pending, N::Wait));

        let catalog = Catalog::builtin().unwrap();
        let ctx = Context { catalog: &catalog };
        let err = normalize(
            &json!({"eventCategory": "Authentication", "eventData": {"authenticationId": 5, "state": []}}),
            &ctx,
        )
        .unwrap_err();
        assert!(err.to_string().contains("eventData."), "{err}");
    }

    #[test]
    fn cavv_is_secret_and_hostile_input_never_panics() {
        let n = run(get(
            "AuthenticationSuccessful",
            json!({"electronicCommerceIndicator": "05",
                   "cardholderAuthenticationVerificationValue": "CAVV-CANARY-123"}),
        ));
        let out = serde_json::to_string(&n.authentication).unwrap();
        assert!(!out.contains("CAVV-CANARY-123"));
        assert!(!format!("{:?}", n.authentication).contains("CAVV-CANARY-123"));
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context { catalog: &catalog };
        for v in [
            json!({"authenticationId": null, "state": null}),
            json!({"authenticationId": "a", "electronicCommerceIndicator": {}}),
            json!({"authenticationId": "a", "threeDSecureFingerprintData": "////"}),
            json!({"eventCategory": 7, "eventData": "x"}),
            json!({"authenticationId": "a", "amount": {"transactionValue": "abc", "currencyCode": "EUR"}}),
        ] {
            let _ = normalize(&v, &ctx);
        }
    }
}
