//! Mangopay documents to the normalized model: card pay-ins (Direct and Web, one-off and
//! recurring), API error bodies, the OAuth token error, and the hook query string.
//!
//! Mangopay runs 3-D Secure inside the pay-in and exposes no EMV data (reference A.4):
//! `trans_status`, `trans_status_reason`, `eci`, the protocol ids and the authentication value
//! always stay null here. The outcome comes from `Status` + `ResultCode` (FAILED),
//! `SecureModeNeeded` + `SecureModeRedirectURL` (CREATED), and `SecureModeNeeded` +
//! `Applied3DSVersion` (SUCCEEDED), following reference A.4 (lifecycle) and A.10.
//!
//! `raw` per document: pay-in `{Status, ResultCode, ResultMessage}`; API error
//! `{Type, null, Message}` (Mangopay error bodies have no code besides `Type`); OAuth error
//! `{error, null, error_description}`; hook `{EventType, null, null}`.

use super::{parse_as, Context, Draft, NormalizeError, Normalized};
use crate::liability::Category;
use crate::model::{
    AuthenticationStatus as Status, DocumentKind, Money, Network, NextAction, NextStep as Step,
    Provider,
};
use serde_json::Value;
use threeds_mangopay::{
    ApiError, ExecutionType, HookQuery, OAuthError, PayIn, PayInStatus, PaymentCategory,
    PaymentType, ThreeDsVersion, TransactionType,
};

const P: Provider = Provider::Mangopay;

const FRICTIONLESS_SOURCE: &str = "reference A.4/A.10: a SUCCEEDED pay-in without a 3DS redirect \
     (SecureModeNeeded false) that ran 3DS (Applied3DSVersion set) may be an issuer frictionless Y \
     or an exemption Mangopay requested as acquirer (low value, TRA); Mangopay reports neither \
     transStatus nor ECI, so liability cannot be known";
const MOTO_SOURCE: &str = "reference A.3 PaymentCategory: TelephoneOrder (MOTO) is out of SCA \
     scope and liability always stays with the platform";
const WEB_SOURCE: &str = "reference A.9 (7): a Web card pay-in reports neither SecureModeNeeded \
     nor Applied3DSVersion; whether and how 3DS ran on the hosted page is not reported";

/// Pay-ins (`ResultCode`, `SecureModeNeeded`, `PaymentType`) and error bodies (`Message` +
/// `Type`), all PascalCase. The OAuth token error (`error` + `error_description`) is generic
/// OAuth 2 and is read only when the provider is given.
pub fn matches(value: &Value) -> bool {
    let Some(o) = value.as_object() else {
        return false;
    };
    let is_str = |k: &str| o.get(k).is_some_and(Value::is_string);
    o.contains_key("ResultCode")
        || o.contains_key("SecureModeNeeded")
        || o.contains_key("PaymentType")
        || (is_str("Message") && is_str("Type"))
}

pub fn normalize(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let Some(o) = value.as_object() else {
        return Err(NormalizeError::UnknownDocument {
            hint: "a Mangopay document is a JSON object".into(),
        });
    };
    let has = |k: &str| o.contains_key(k);
    if has("ResultCode") || has("SecureModeNeeded") || has("PaymentType") || has("Status") {
        normalize_payin(value, ctx)
    } else if has("Message") && has("Type") {
        normalize_api_error(value, ctx)
    } else if o.get("error").is_some_and(Value::is_string) {
        normalize_oauth_error(value, ctx)
    } else {
        Err(NormalizeError::UnknownDocument {
            hint: "not a Mangopay pay-in (ResultCode/Status), API error (Message+Type) or OAuth \
                   error (error)"
                .into(),
        })
    }
}

fn normalize_payin(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let p: PayIn = parse_as(value, P, "mangopay.payin")?;
    let document = if p.is_web() {
        "mangopay.web_payin"
    } else {
        "mangopay.payin"
    };
    let mut d = Draft::new(P, DocumentKind::Authentication, document);
    d.facts.category = Some(Category::Payment);
    fill_common(&mut d, &p);

    let Some(status) = &p.status else {
        mark_unknown(&mut d, "status:missing", "the pay-in has no Status");
        return Ok(d.finish_in(ctx));
    };
    if d.apply_catalog(ctx, "status", status.as_str()).is_none() {
        return Ok(d.finish_in(ctx));
    }
    match status {
        PayInStatus::Created => created(&mut d, &p),
        PayInStatus::Succeeded => succeeded(&mut d, &p, ctx),
        PayInStatus::Failed => failed(&mut d, &p, ctx),
        // A Status added through a catalog override: its row decided.
        PayInStatus::Unknown(_) => {}
    }
    Ok(d.finish_in(ctx))
}

/// Fields every pay-in carries whatever its status.
fn fill_common(d: &mut Draft, p: &PayIn) {
    d.auth.id.clone_from(&p.id);
    // `Tag` is the only merchant-supplied free text on a pay-in; platforms put their order
    // reference there (docs examples: "Book ID:54457"). The request codec maps it both ways.
    d.auth.reference.clone_from(&p.tag);
    d.auth.raw.status = p.status.as_ref().map(|s| s.as_str().to_owned());
    d.auth.raw.code.clone_from(&p.result_code);
    d.auth.raw.message.clone_from(&p.result_message);
    d.auth.amount = amount(d, p);
    d.auth.network = network(d, p);
    d.auth.protocol_version = match &p.applied_3ds_version {
        None => None,
        // Mangopay's only 3DS2 value, named after the version it launched 3DS2 with; its docs
        // call it "the version of the 3DS protocol used". The minor version Mangopay actually
        // runs today is not reported.
        Some(ThreeDsVersion::V2_1) => Some("2.1.0".to_owned()),
        // 3DS1 as run by schemes was 1.0.2; Mangopay's V1 predates its 3DS2 launch.
        Some(ThreeDsVersion::V1) => Some("1.0.2".to_owned()),
        Some(ThreeDsVersion::Unknown(v)) => {
            d.warn(format!(
                "mangopay Applied3DSVersion '{v}' is not known; protocol_version left null"
            ));
            None
        }
    };
    if let Some(t) = p.payment_type.as_ref().filter(|t| **t != PaymentType::Card) {
        d.warn(format!(
            "mangopay PaymentType '{t}' is not CARD: this adapter knows card pay-ins"
        ));
    }
    if let Some(t) = p
        .transaction_type
        .as_ref()
        .filter(|t| **t != TransactionType::Payin)
    {
        d.warn(format!("mangopay Type '{t}' is not PAYIN"));
    }
    if let Some(ExecutionType::Unknown(v)) = &p.execution_type {
        d.warn(format!("mangopay ExecutionType '{v}' is not known"));
    }
    if let Some(m) = p.secure_mode.as_ref().filter(|m| !m.is_known()) {
        d.warn(format!("mangopay SecureMode '{m}' is not known"));
    }
    if let Some(c) = p.payment_category.as_ref().filter(|c| !c.is_known()) {
        d.warn(format!("mangopay PaymentCategory '{c}' is not known"));
    }
}

/// `DebitedFunds`: what the cardholder pays, in minor units. `Fees` and `CreditedFunds` are
/// the platform's split and have no model field.
fn amount(d: &mut Draft, p: &PayIn) -> Option<Money> {
    let funds = p.debited_funds.as_ref()?;
    let (Some(currency), Some(raw)) = (funds.currency.as_deref(), funds.amount.as_ref()) else {
        d.warn("mangopay DebitedFunds lacks Currency or Amount; amount left null");
        return None;
    };
    match raw.as_u64() {
        Some(value) => Some(Money {
            value,
            currency: currency.to_owned(),
        }),
        None => {
            d.warn(format!(
                "mangopay DebitedFunds.Amount '{raw}' is not an integer in minor units; amount left null"
            ));
            None
        }
    }
}

/// `CardInfo.Brand` is the card's brand and wins; `PreferredCardNetwork` is only what the
/// platform asked for a co-branded card, used when Mangopay returned no `CardInfo`.
fn network(d: &mut Draft, p: &PayIn) -> Option<Network> {
    let brand = p
        .card_info
        .as_ref()
        .and_then(|c| c.brand.as_deref())
        .filter(|b| !b.trim().is_empty());
    let preferred = p.preferred_card_network.as_ref().map(|n| n.as_str());
    let from = |d: &mut Draft, field: &str, raw: &str| {
        let n = Network::from_psp(raw);
        if n.is_none() {
            d.warn(format!(
                "mangopay {field} '{raw}' is not a known network; network left null"
            ));
        }
        n
    };
    match (brand, preferred) {
        (Some(b), pref) => {
            let n = from(d, "CardInfo.Brand", b);
            if let (Some(n), Some(pref)) = (n, pref) {
                if Network::from_psp(pref).is_some_and(|pn| pn != n) {
                    d.warn(format!(
                        "mangopay CardInfo.Brand '{b}' differs from PreferredCardNetwork '{pref}'; \
                         network taken from the brand, the payment may have been routed on {pref}"
                    ));
                }
            }
            n
        }
        (None, Some(pref)) => from(d, "PreferredCardNetwork", pref),
        (None, None) => None,
    }
}

fn created(d: &mut Draft, p: &PayIn) {
    let non_empty = |u: &Option<String>| u.clone().filter(|u| !u.trim().is_empty());
    if let Some(code) = &p.result_code {
        d.warn(format!(
            "mangopay CREATED pay-in carries ResultCode '{code}'; ignored until it is final"
        ));
    }
    if p.secure_mode_needed == Some(true) {
        if let Some(url) = non_empty(&p.secure_mode_redirect_url) {
            d.set_status(
                Status::ChallengeRequired,
                Step::ChallengeCardholder,
                "rule:mangopay.created_secure_mode_redirect",
            );
            d.auth.reason = Some("challenge_required".to_owned());
            d.auth.challenged = Some(true);
            // A full-page browser redirect, not an iframe CReq (reference A.4 lifecycle).
            d.auth.next_action = Some(NextAction::Redirect { url });
            return;
        }
        d.warn("mangopay CREATED pay-in needs SecureMode but has no SecureModeRedirectURL");
    }
    if p.is_web() {
        if let Some(url) = non_empty(&p.redirect_url) {
            // The hosted payment page, where card entry and 3DS happen.
            d.set_status(
                Status::Pending,
                Step::Wait,
                "rule:mangopay.web_payin_created_payment_page",
            );
            d.auth.reason = Some("awaiting_cardholder".to_owned());
            d.auth.next_action = Some(NextAction::Redirect { url });
        }
    }
    // Otherwise the catalog's CREATED row stands: pending, wait for the hook or poll.
}

fn succeeded(d: &mut Draft, p: &PayIn, ctx: &Context<'_>) {
    match p.result_code.as_deref() {
        Some("000000") => {
            d.apply_catalog(ctx, "result_code", "000000");
        }
        other => {
            let code = other.unwrap_or("null");
            mark_unknown(
                d,
                &format!("status+result_code:SUCCEEDED+{code}"),
                &format!("a SUCCEEDED pay-in with ResultCode {code} (expected 000000)"),
            );
            return;
        }
    }
    if p.payment_category == Some(PaymentCategory::TelephoneOrder) {
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_moto_out_of_sca_scope",
        );
        d.auth.reason = Some("moto_out_of_sca_scope".to_owned());
        d.auth.challenged = Some(false);
        d.set_liability(Some(false), "mangopay.moto_no_liability_shift", MOTO_SOURCE);
        return;
    }
    if p.is_web() && p.secure_mode_needed.is_none() {
        d.set_status(
            Status::Authenticated,
            Step::None,
            "rule:mangopay.web_payin_succeeded",
        );
        d.auth.reason = Some("web_payin_3ds_not_reported".to_owned());
        d.warn("mangopay Web pay-in succeeded; the hosted page does not report its 3DS outcome");
        d.set_liability(None, "mangopay.web_payin_outcome_not_reported", WEB_SOURCE);
        return;
    }
    let needed = match p.secure_mode_needed {
        Some(n) => n,
        None => {
            d.warn("mangopay SUCCEEDED pay-in has no SecureModeNeeded; read as false");
            false
        }
    };
    if needed {
        // The cardholder went through the redirect and Mangopay then captured the payment.
        d.set_status(
            Status::Authenticated,
            Step::None,
            "rule:mangopay.succeeded_after_challenge",
        );
        d.auth.challenged = Some(true);
        return;
    }
    d.auth.challenged = Some(false);
    if is_merchant_initiated(p) {
        // A recurring MIT is out of SCA scope (reference A.4 scope notes). Its
        // Applied3DSVersion is the registration's, carried over from the CIT that
        // authenticated the series; no 3DS ran for this pay-in.
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_recurring_mit",
        );
        d.auth.reason = Some("merchant_initiated".to_owned());
    } else if p.applied_3ds_version.is_some() {
        d.set_status(
            Status::Authenticated,
            Step::None,
            "rule:mangopay.succeeded_frictionless",
        );
        d.auth.reason = Some("frictionless".to_owned());
        d.set_liability(
            None,
            "mangopay.frictionless_outcome_not_reported",
            FRICTIONLESS_SOURCE,
        );
    } else {
        // No redirect and no 3DS version: out of SCA scope, an exemption, or (before 3DS2)
        // a payment without 3DS.
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_without_3ds",
        );
        d.auth.reason = Some("no_3ds_performed".to_owned());
    }
}

/// A recurring pay-in created by the platform without the cardholder: the MIT endpoint takes
/// no `BrowserInfo` and no `IpAddress`, which the CIT endpoint requires.
fn is_merchant_initiated(p: &PayIn) -> bool {
    p.recurring_payin_registration_id.is_some()
        && p.browser_info.is_none()
        && p.ip_address.is_none()
}

fn failed(d: &mut Draft, p: &PayIn, ctx: &Context<'_>) {
    let Some(code) = p.result_code.as_deref() else {
        mark_unknown(
            d,
            "status+result_code:FAILED+null",
            "a FAILED pay-in without ResultCode",
        );
        return;
    };
    let Some(entry) = d.apply_catalog(ctx, "result_code", code) else {
        return;
    };
    if entry.status.is_none() {
        mark_unknown(
            d,
            &format!("status+result_code:FAILED+{code}"),
            &format!("a FAILED pay-in with ResultCode {code}, which does not decide a failure"),
        );
        return;
    }
    // SecureModeNeeded stays true after the redirect (reference A.8): the cardholder was sent
    // to the challenge, whatever happened there.
    d.auth.challenged = p.secure_mode_needed;
}

fn mark_unknown(d: &mut Draft, rule: &str, what: &str) {
    d.set_status(
        Status::Unknown,
        Step::Investigate,
        format!("unknown:mangopay/{rule}"),
    );
    d.auth.reason = Some("unknown_psp_value".to_owned());
    d.warn(format!("mangopay: {what}; reported as unknown"));
}

fn normalize_api_error(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let e: ApiError = parse_as(value, P, "mangopay.api_error")?;
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.api_error");
    d.auth.raw.status = e.error_type.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.message.clone_from(&e.message);
    match &e.error_type {
        Some(t) => {
            d.apply_catalog(ctx, "error_type", t.as_str());
        }
        None => mark_unknown(&mut d, "error_type:missing", "an error body without Type"),
    }
    // The per-field messages say what to fix; the model has no field for them.
    for (field, message) in e.errors.iter().flatten() {
        let text = match message {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        d.warn(format!("mangopay error field '{field}': {text}"));
    }
    Ok(d.finish_in(ctx))
}

fn normalize_oauth_error(value: &Value, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let e: OAuthError = parse_as(value, P, "mangopay.oauth_error")?;
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.oauth_error");
    d.auth.raw.status = e.error.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.message.clone_from(&e.error_description);
    match &e.error {
        Some(t) => {
            d.apply_catalog(ctx, "error_type", t.as_str());
        }
        None => mark_unknown(&mut d, "error:missing", "an OAuth error body without error"),
    }
    Ok(d.finish_in(ctx))
}

/// A one-line query string with an `EventType` parameter (JSON documents never qualify).
pub fn looks_like_hook_query(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty()
        && !t.starts_with('{')
        && !t.starts_with('[')
        && !t.contains('\n')
        && HookQuery::parse(t).is_ok()
}

/// A hook is a poke without outcome (reference A.6): the status stays pending and the
/// merchant must GET the pay-in; the event type only says which outcome to expect.
pub fn normalize_hook_query(text: &str, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let h = HookQuery::parse(text).map_err(|e| NormalizeError::Shape {
        provider: P,
        document: "mangopay.hook",
        path: "EventType".into(),
        message: e.to_string(),
    })?;
    let mut d = Draft::new(P, DocumentKind::Webhook, "mangopay.hook");
    let event = h.event_type.unwrap_or_default();
    d.auth.raw.status = Some(event.clone());
    if event.is_empty() {
        mark_unknown(&mut d, "event_type:empty", "a hook with an empty EventType");
    } else {
        d.apply_catalog(ctx, "event_type", &event);
    }
    match h.ressource_id.filter(|id| !id.trim().is_empty()) {
        Some(id) => d.auth.id = Some(id),
        None => d.warn("mangopay hook without RessourceId (a dashboard test ping?)"),
    }
    Ok(d.finish_in(ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use serde_json::json;

    fn run(value: Value) -> Normalized {
        let catalog = Catalog::builtin().unwrap();
        normalize(&value, &Context::new(&catalog)).unwrap()
    }

    fn payin(extra: Value) -> Value {
        let mut base = json!({
            "Id": "wt_1", "Tag": "order-7", "Type": "PAYIN", "Nature": "REGULAR",
            "PaymentType": "CARD", "ExecutionType": "DIRECT", "SecureMode": "DEFAULT",
            "DebitedFunds": {"Currency": "EUR", "Amount": 1260},
            "Fees": {"Currency": "EUR", "Amount": 10},
            "Status": "FAILED", "ResultCode": "101301", "ResultMessage": "m",
            "SecureModeNeeded": true, "SecureModeRedirectURL": null,
            "Applied3DSVersion": "V2_1", "RecurringPayinRegistrationId": null,
            "BrowserInfo": {"Language": "en"}, "IpAddress": "::1",
            "CardInfo": {"Brand": "VISA"}
        });
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    }

    #[test]
    fn common_fields_are_filled_and_no_emv_data_is_invented() {
        let a = run(payin(json!({}))).authentication;
        assert_eq!(a.id.as_deref(), Some("wt_1"));
        assert_eq!(a.reference.as_deref(), Some("order-7"));
        assert_eq!(
            a.amount,
            Some(Money {
                value: 1260,
                currency: "EUR".into()
            })
        );
        assert_eq!(a.network, Some(Network::Visa));
        assert_eq!(a.protocol_version.as_deref(), Some("2.1.0"));
        assert_eq!(a.raw.status.as_deref(), Some("FAILED"));
        assert_eq!(a.raw.code.as_deref(), Some("101301"));
        assert_eq!(a.raw.message.as_deref(), Some("m"));
        assert!(a.trans_status.is_none() && a.eci.is_none() && a.ds_trans_id.is_none());
        assert!(a.authentication_value.is_none());
    }

    #[test]
    fn created_with_redirect_is_a_challenge() {
        let n = run(payin(
            json!({"Status": "CREATED", "ResultCode": null, "ResultMessage": null,
            "SecureModeRedirectURL": "https://acs.example/c"}),
        ));
        let a = n.authentication;
        assert_eq!(a.status, Status::ChallengeRequired);
        assert_eq!(a.next_step, Step::ChallengeCardholder);
        assert_eq!(
            a.next_action,
            Some(NextAction::Redirect {
                url: "https://acs.example/c".into()
            })
        );
        assert_eq!(a.liability_shift, None);
        assert_eq!(
            n.explain.status_rule,
            "rule:mangopay.created_secure_mode_redirect"
        );
    }

    #[test]
    fn created_without_redirect_is_pending() {
        let a = run(payin(json!({"Status": "CREATED", "ResultCode": null,
            "SecureModeNeeded": false})))
        .authentication;
        assert_eq!((a.status, a.next_step), (Status::Pending, Step::Wait));
        assert_eq!(a.reason.as_deref(), Some("awaiting_psp"));
        assert!(a.next_action.is_none());
    }

    #[test]
    fn created_web_payin_redirects_to_the_payment_page() {
        let a = run(
            json!({"Status": "CREATED", "ResultCode": null, "PaymentType": "CARD",
            "ExecutionType": "WEB", "RedirectURL": "https://pay.example/p"}),
        )
        .authentication;
        assert_eq!((a.status, a.next_step), (Status::Pending, Step::Wait));
        assert_eq!(
            a.next_action,
            Some(NextAction::Redirect {
                url: "https://pay.example/p".into()
            })
        );
    }

    #[test]
    fn succeeded_after_a_challenge_is_authenticated_and_done() {
        let a = run(payin(
            json!({"Status": "SUCCEEDED", "ResultCode": "000000"}),
        ))
        .authentication;
        assert_eq!((a.status, a.next_step), (Status::Authenticated, Step::None));
        assert_eq!(a.challenged, Some(true));
    }

    #[test]
    fn succeeded_frictionless_has_unknown_liability() {
        let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false})));
        let a = &n.authentication;
        assert_eq!((a.status, a.next_step), (Status::Authenticated, Step::None));
        assert_eq!(a.reason.as_deref(), Some("frictionless"));
        assert_eq!(a.challenged, Some(false));
        assert_eq!(a.liability_shift, None);
        assert_eq!(
            n.explain.liability.rule,
            "mangopay.frictionless_outcome_not_reported"
        );
    }

    #[test]
    fn succeeded_without_3ds_is_exempted() {
        let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false, "Applied3DSVersion": null})));
        let a = &n.authentication;
        assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
        assert_eq!(a.reason.as_deref(), Some("no_3ds_performed"));
        assert_eq!(a.protocol_version, None);
        assert_ne!(
            n.explain.liability.rule,
            "mangopay.frictionless_outcome_not_reported"
        );
    }

    #[test]
    fn succeeded_recurring_mit_is_exempted_even_with_a_3ds_version() {
        let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false, "RecurringPayinRegistrationId": "rec_1",
            "BrowserInfo": null, "IpAddress": null})))
        .authentication;
        assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
        assert_eq!(a.reason.as_deref(), Some("merchant_initiated"));
    }

    #[test]
    fn succeeded_moto_never_shifts_liability() {
        let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false, "Applied3DSVersion": null,
            "PaymentCategory": "TelephoneOrder"})))
        .authentication;
        assert_eq!(a.status, Status::Exempted);
        assert_eq!(a.liability_shift, Some(false));
    }

    #[test]
    fn succeeded_with_another_result_code_is_unknown() {
        let n = run(payin(
            json!({"Status": "SUCCEEDED", "ResultCode": "101301"}),
        ));
        assert_eq!(n.authentication.status, Status::Unknown);
        assert_eq!(n.authentication.next_step, Step::Investigate);
        assert!(!n.explain.warnings.is_empty());
    }

    #[test]
    fn failed_pay_ins_follow_their_result_code_row() {
        for (code, status, reason, step) in [
            (
                "101301",
                Status::Failed,
                "card_authentication_failed",
                Step::DoNotAuthorize,
            ),
            (
                "101304",
                Status::Expired,
                "session_expired",
                Step::RetryAuthentication,
            ),
            (
                "101302",
                Status::NotEnrolled,
                "card_not_enrolled",
                Step::DoNotAuthorize,
            ),
            (
                "101303",
                Status::NotEnrolled,
                "card_not_3ds_compatible",
                Step::DoNotAuthorize,
            ),
            (
                "101305",
                Status::Declined,
                "sca_required",
                Step::RetryWithChallenge,
            ),
            (
                "101399",
                Status::Unavailable,
                "authentication_unavailable",
                Step::RetryAuthentication,
            ),
            (
                "008515",
                Status::Unavailable,
                "authentication_unavailable",
                Step::DoNotAuthorize,
            ),
            (
                "008511",
                Status::Failed,
                "risk_step_up_failed",
                Step::DoNotAuthorize,
            ),
            (
                "101101",
                Status::Declined,
                "issuer_declined",
                Step::DoNotAuthorize,
            ),
            (
                "101105",
                Status::Declined,
                "expired_card",
                Step::DoNotAuthorize,
            ),
            (
                "101410",
                Status::Declined,
                "card_deactivated",
                Step::DoNotAuthorize,
            ),
            (
                "001013",
                Status::Declined,
                "issuer_declined",
                Step::DoNotAuthorize,
            ),
            (
                "008500",
                Status::Declined,
                "blocked_by_risk_rules",
                Step::DoNotAuthorize,
            ),
            (
                "008003",
                Status::Declined,
                "stolen_card",
                Step::DoNotAuthorize,
            ),
            (
                "009101",
                Status::Error,
                "psp_timeout",
                Step::RetryAuthentication,
            ),
            (
                "001999",
                Status::Error,
                "psp_technical_error",
                Step::RetryAuthentication,
            ),
            ("105204", Status::Error, "invalid_cvv", Step::FixRequest),
            (
                "001031",
                Status::Expired,
                "cardholder_cancelled",
                Step::RetryAuthentication,
            ),
        ] {
            let n = run(payin(json!({"ResultCode": code})));
            let a = &n.authentication;
            assert_eq!(
                (a.status, a.reason.as_deref(), a.next_step),
                (status, Some(reason), step),
                "{code}"
            );
            assert_eq!(
                n.explain.status_rule,
                format!("catalog:mangopay/result_code/{code}")
            );
        }
    }

    #[test]
    fn failed_challenged_follows_secure_mode_needed() {
        let a = run(payin(
            json!({"ResultCode": "101305", "SecureModeNeeded": false}),
        ));
        assert_eq!(a.authentication.challenged, Some(false));
        let a = run(payin(json!({"ResultCode": "101304"})));
        assert_eq!(a.authentication.challenged, Some(true));
    }

    #[test]
    fn unknown_result_codes_statuses_and_missing_codes_are_unknown() {
        for extra in [
            json!({"ResultCode": "101306"}),
            json!({"ResultCode": null}),
            json!({"ResultCode": "000000"}),
            json!({"Status": "CANCELED"}),
            json!({"Status": null}),
        ] {
            let n = run(payin(extra.clone()));
            assert_eq!(n.authentication.status, Status::Unknown, "{extra}");
            assert_eq!(n.authentication.next_step, Step::Investigate, "{extra}");
            assert!(!n.explain.warnings.is_empty(), "{extra}");
        }
        let n = run(payin(json!({"Status": "CANCELED"})));
        assert_eq!(n.authentication.raw.status.as_deref(), Some("CANCELED"));
    }

    #[test]
    fn network_prefers_the_brand_and_reports_unknown_ones() {
        let n = run(payin(json!({"CardInfo": {"Brand": "MASTERCARD"},
            "PreferredCardNetwork": "CB"})));
        assert_eq!(n.authentication.network, Some(Network::Mastercard));
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("PreferredCardNetwork")));
        let n = run(payin(
            json!({"CardInfo": null, "PreferredCardNetwork": "CB"}),
        ));
        assert_eq!(n.authentication.network, Some(Network::CartesBancaires));
        let n = run(payin(json!({"CardInfo": {"Brand": "ELO"}})));
        assert_eq!(n.authentication.network, None);
        assert!(n.explain.warnings.iter().any(|w| w.contains("ELO")));
    }

    #[test]
    fn protocol_versions() {
        let v = |x: Value| run(payin(json!({"Applied3DSVersion": x}))).authentication;
        assert_eq!(v(json!("V1")).protocol_version.as_deref(), Some("1.0.2"));
        assert_eq!(v(json!(null)).protocol_version, None);
        assert_eq!(v(json!("V2_2")).protocol_version, None);
    }

    #[test]
    fn api_errors_map_type_and_warn_every_field() {
        let n = run(
            json!({"Message": "Error: multi-currency usage is not authorized",
            "Type": "currency_incompatibility", "Id": "e1", "Date": 1700045351.0,
            "errors": {"currency": "GBP vs EUR", "DebitedFunds": "bad"}}),
        );
        let a = &n.authentication;
        assert_eq!(a.kind, DocumentKind::Error);
        assert_eq!((a.status, a.next_step), (Status::Error, Step::FixRequest));
        assert_eq!(a.raw.status.as_deref(), Some("currency_incompatibility"));
        assert_eq!(a.raw.code, None);
        let w = &n.explain.warnings;
        assert!(w.iter().any(|w| w.contains("'currency'")));
        assert!(w.iter().any(|w| w.contains("'DebitedFunds'")));
    }

    #[test]
    fn every_error_type_row_is_an_error() {
        for t in threeds_mangopay::ErrorType::KNOWN {
            let a = run(json!({"Message": "m", "Type": t})).authentication;
            assert_eq!(a.status, Status::Error, "{t}");
        }
        let a = run(json!({"Message": "m", "Type": "brand_new"})).authentication;
        assert_eq!(a.status, Status::Unknown);
        let a = run(json!({"error": "unauthorized_client", "error_description": "locked"}))
            .authentication;
        assert_eq!(a.status, Status::Error);
        assert_eq!(a.reason.as_deref(), Some("invalid_credentials"));
    }

    #[test]
    fn hooks_are_pokes() {
        let catalog = Catalog::builtin().unwrap();
        let ctx = Context::new(&catalog);
        for (q, reason) in [
            (
                "?Date=1548806400&EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=123456",
                "payin_succeeded_refetch",
            ),
            (
                "EventType=PAYIN_NORMAL_FAILED&ResourceId=123456&Date=1",
                "payin_failed_refetch",
            ),
            (
                "EventType=PAYIN_NORMAL_CREATED&RessourceId=123456",
                "payin_created",
            ),
        ] {
            assert!(looks_like_hook_query(q));
            let a = normalize_hook_query(q, &ctx).unwrap().authentication;
            assert_eq!(a.kind, DocumentKind::Webhook);
            assert_eq!((a.status, a.next_step), (Status::Pending, Step::Wait));
            assert_eq!(a.reason.as_deref(), Some(reason));
            assert_eq!(a.id.as_deref(), Some("123456"));
        }
        let n = normalize_hook_query("EventType=KYC_NEW_THING&RessourceId=", &ctx).unwrap();
        assert_eq!(n.authentication.status, Status::Unknown);
        assert_eq!(
            n.authentication.raw.status.as_deref(),
            Some("KYC_NEW_THING")
        );
        assert!(n.explain.warnings.iter().any(|w| w.contains("RessourceId")));
        assert!(!looks_like_hook_query("{\"EventType\": \"x\"}"));
        assert!(!looks_like_hook_query("Date=1&RessourceId=2"));
    }

    #[test]
    fn matches_mangopay_shapes_only() {
        assert!(matches(&json!({"ResultCode": null})));
        assert!(matches(&json!({"SecureModeNeeded": true})));
        assert!(matches(&json!({"Message": "m", "Type": "param_error"})));
        for other in [
            json!({"id": "sid_1", "_links": {}}),
            json!({"error_type": "request_invalid", "error_codes": []}),
            json!({"threeDResult": "Y", "merchantRefNum": "x"}),
            json!({"error": {"code": "5068"}}),
            json!({"authenticationId": "a", "state": "AuthenticationSuccessful"}),
            json!({"error": "unauthorized_client", "error_description": "d"}),
            json!([1]),
        ] {
            assert!(!matches(&other), "{other}");
        }
    }

    #[test]
    fn catalog_tables_are_complete_and_consistent() {
        let catalog = Catalog::builtin().unwrap();
        let rows: Vec<_> = catalog.rows(P).collect();
        let in_table = |t: &'static str| rows.iter().filter(move |e| e.table == t);
        // Every ResultCode of reference A.5, ranges written out.
        let a5 = "000000 001999 009999 001015 101301 101302 101303 101304 101305 101399 008511 \
            008515 101250 001023 101101 101102 101103 101104 101105 101106 101107 101108 101109 \
            101111 101112 101113 101115 101116 101117 101118 101199 101410 001001 001002 001003 \
            001011 001012 001013 001014 001599 101699 105101 105102 105103 105104 105202 105203 \
            105204 105205 105206 105299 105199 005999 109102 008001 008002 008003 008004 008005 \
            008006 008007 008008 008009 008500 008501 008502 008503 008504 008505 008506 008507 \
            008508 008509 008510 008512 008513 008514 008516 008517 008518 008519 008600 008700 \
            008999 009101 009103 009199 009499 002601 002602 002701 002702 002703 002704 002981 \
            002996 002997 002998 002999 007101 007102 001030 001031 001032 001033 001034 101001 \
            101002";
        for code in a5.split_whitespace() {
            assert!(
                catalog.lookup(P, "result_code", code).is_some(),
                "result_code {code} missing"
            );
        }
        assert_eq!(
            in_table("result_code").count(),
            a5.split_whitespace().count()
        );
        for e in in_table("result_code") {
            assert_eq!(e.status.is_none(), e.code == "000000", "{}", e.code);
            assert!(e.code.len() == 6 && e.code.bytes().all(|b| b.is_ascii_digit()));
            // A card that takes no part in 3DS gains nothing from a retry anywhere.
            if e.status == Some(Status::NotEnrolled) {
                assert_eq!(e.retry, Some(crate::model::Retry::Never), "{}", e.code);
            }
        }
        for legacy in [
            "101250", "101107", "101117", "008009", "105199", "005999", "109102",
        ] {
            let e = catalog.lookup(P, "result_code", legacy).unwrap();
            assert!(e.source.contains("legacy"), "{legacy}");
        }
        let statuses: Vec<&str> = in_table("status").map(|e| e.code.as_str()).collect();
        assert_eq!(statuses, ["CREATED", "FAILED", "SUCCEEDED"]);
        for e in in_table("event_type") {
            assert_eq!(e.status, Some(Status::Pending), "{}", e.code);
            assert_eq!(e.next_step, Some(Step::Wait), "{}", e.code);
        }
        for ev in [
            "PAYIN_NORMAL_CREATED",
            "PAYIN_NORMAL_SUCCEEDED",
            "PAYIN_NORMAL_FAILED",
        ] {
            assert!(catalog.lookup(P, "event_type", ev).is_some());
        }
        for t in threeds_mangopay::ErrorType::KNOWN {
            let e = catalog.lookup(P, "error_type", t).unwrap();
            assert_eq!(e.status, Some(Status::Error));
        }
        assert_eq!(
            in_table("error_type").count(),
            threeds_mangopay::ErrorType::KNOWN.len()
        );
    }
}
