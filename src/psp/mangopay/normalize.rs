//! Mangopay documents to the normalized model: card pay-ins (Direct and Web, one-off and
//! recurring), API error bodies, the OAuth token error, and the hook query string.
//!
//! Mangopay runs 3-D Secure inside the pay-in and exposes no EMV data (the pay-in object,
//! https://docs.mangopay.com/api-reference/direct-card-payins/direct-card-payin-object, has no
//! transStatus, ECI, CAVV or protocol ids): `trans_status`, `trans_status_reason`, `eci`, the
//! protocol ids and the authentication value always stay null here. The outcome comes from
//! `Status` + `ResultCode` (FAILED), `SecureModeNeeded` + `SecureModeRedirectURL` (CREATED),
//! and `SecureModeNeeded` + `Applied3DSVersion` (SUCCEEDED), following the lifecycle of
//! https://docs.mangopay.com/guides/payment-methods/card/direct/how-to and
//! https://docs.mangopay.com/guides/payment-methods/card/3ds.
//!
//! Mangopay authorizes (and captures) in the same call: a SUCCEEDED pay-in is a completed
//! payment (`next_step: none`) and a FAILED one has already been refused, so no outcome here
//! is ever `authorize` or `authorize_at_own_risk`.
//!
//! `raw` per document: pay-in `{Status, ResultCode, ResultMessage}`; API error
//! `{Type, null, Message}` (Mangopay error bodies have no code besides `Type`); OAuth error
//! `{error, null, error_description}`; hook `{EventType, null, null}`.

use crate::liability::Category;
use crate::model::timestamp::from_unix_seconds;
use crate::model::{
    AuthenticationStatus as Status, DocumentKind, Money, Network, NextAction, NextStep as Step,
    Provider,
};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized};
use serde_json::Value;
use threeds_mangopay::{
    ApiError, ExecutionType, HookQuery, OAuthError, PayIn, PayInStatus, PaymentCategory,
    PaymentType, ThreeDsVersion, TransactionType,
};

const P: Provider = Provider::MANGOPAY;

const FRICTIONLESS_SOURCE: &str = "https://docs.mangopay.com/guides/payment-methods/card/3ds \
     (How does it work: a frictionless flow is the issuer not requiring SCA, which Mangopay calls \
     an exemption; exemptions are requested by Mangopay as acquirer): a SUCCEEDED pay-in without \
     a 3DS redirect that ran 3DS may be an issuer frictionless Y or an acquirer exemption; \
     Mangopay reports neither transStatus nor ECI, so liability cannot be known";
const MOTO_SOURCE: &str = "https://docs.mangopay.com/guides/payment-methods/card/3ds (MOTO \
     transactions: SCA does not apply and liability is always with the platform)";
const NOT_REPORTED_SOURCE: &str =
    "https://docs.mangopay.com/api-reference/direct-card-payins/direct-card-payin-object \
     (SecureModeNeeded: whether the SecureMode was used): a pay-in that does not say whether \
     3DS redirected the cardholder (a Web card pay-in reports neither SecureModeNeeded nor \
     Applied3DSVersion) does not show how, or whether, the cardholder was authenticated";

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

/// Normalizes one document: a parsed value, or a [`Document`] whose wire types are read from
/// its text.
pub fn normalize<'a>(
    doc: impl Into<Document<'a>>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let doc = doc.into();
    let value = doc.peek;
    let Some(o) = value.as_object() else {
        return Err(NormalizeError::UnknownDocument {
            hint: "a Mangopay document is a JSON object".into(),
        });
    };
    let has = |k: &str| o.contains_key(k);
    if has("ResultCode") || has("SecureModeNeeded") || has("PaymentType") || has("Status") {
        normalize_payin(doc, ctx)
    } else if has("Message") && has("Type") {
        normalize_api_error(doc, ctx)
    } else if o.get("error").is_some_and(Value::is_string) {
        normalize_oauth_error(doc, ctx)
    } else {
        Err(NormalizeError::UnknownDocument {
            hint: "not a Mangopay pay-in (ResultCode/Status), API error (Message+Type) or OAuth \
                   error (error)"
                .into(),
        })
    }
}

fn normalize_payin(doc: Document<'_>, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let p: PayIn = parse_as(doc, P, "mangopay.payin")?;
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
    d.auth.authenticated_at = authenticated_at(d, p);
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

/// `CreationDate` (Unix seconds), the one date every pay-in carries whatever its status.
///
/// Mangopay sends the 3DS authentication request while it creates the pay-in (a frictionless
/// outcome comes back in the creation call itself), and a challenge must be completed within
/// the 3DS session, which otherwise fails with 101304; the authentication therefore falls on
/// the creation date save for a challenge finished across midnight. `ExecutionDate` is when
/// the payment succeeded, after authorization, and is null on every FAILED or CREATED pay-in,
/// so it cannot date a failed authentication; one field dates them all.
fn authenticated_at(d: &mut Draft, p: &PayIn) -> Option<String> {
    let raw = p.creation_date.as_ref()?;
    let at = raw
        .as_u64()
        .and_then(|s| i64::try_from(s).ok())
        .and_then(from_unix_seconds);
    if at.is_none() {
        d.warn(format!(
            "mangopay CreationDate '{}' is not Unix seconds; authenticated_at left null",
            threeds_wire::excerpt(raw.as_str())
        ));
    }
    at
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
            // A full-page browser redirect, not an iframe CReq
            // (https://docs.mangopay.com/guides/payment-methods/card/direct/how-to).
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
    if is_merchant_initiated(p) {
        // A recurring MIT is out of SCA scope (https://docs.mangopay.com/guides/payment-methods/card/3ds,
        // Out of scope). Its Applied3DSVersion is the registration's, carried over from the
        // CIT that authenticated the series; no 3DS ran for this pay-in.
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_recurring_mit",
        );
        d.auth.reason = Some("merchant_initiated".to_owned());
        d.auth.exemption = Some("merchant_initiated".to_owned());
        d.facts.exemption = Some("merchant_initiated".to_owned());
        d.auth.challenged = Some(false);
        return;
    }
    match p.secure_mode_needed {
        Some(true) => succeeded_after_challenge(d),
        Some(false) => succeeded_without_redirect(d, p),
        None => succeeded_not_reported(d, p),
    }
}

/// The cardholder went through the 3DS redirect and the pay-in then succeeded: the document
/// shows an authentication that passed (SecureModeNeeded true, the payment made).
///
/// Mangopay is the acquirer: it receives the authentication value from the ACS and sends it in
/// its own authorization, so the value the schemes need for the shift (Visa reclassifies ECI
/// 05/06 without a CAVV to 07) was present where it counts, though never shown to the
/// platform. Mangopay refuses a pay-in whose authentication cannot shift liability (008515,
/// "do not benefit from liability shift") and says that when SCA is applied the platform
/// benefits from the shift (https://docs.mangopay.com/guides/payment-methods/card/3ds,
/// Benefits). The scheme tables then decide, at the pay-in's date.
fn succeeded_after_challenge(d: &mut Draft) {
    d.set_status(
        Status::Authenticated,
        Step::None,
        "rule:mangopay.succeeded_after_challenge",
    );
    d.auth.challenged = Some(true);
    d.facts.authentication_value_present = Some(true);
}

/// No redirect. With an `Applied3DSVersion` a 3DS2 exchange ran and the issuer let it through
/// without a challenge: an issuer frictionless Y or an exemption Mangopay requested as acquirer,
/// which Mangopay does not tell apart, so liability is null. Without one, no 3DS ran for this
/// payment (out of SCA scope, or an exemption applied in the authorization): `exempted`.
fn succeeded_without_redirect(d: &mut Draft, p: &PayIn) {
    d.auth.challenged = Some(false);
    if p.applied_3ds_version.is_some() {
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
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_without_3ds",
        );
        d.auth.reason = Some("no_3ds_performed".to_owned());
        // No authentication took place, whatever the network: nothing to shift liability.
        d.set_liability(
            Some(false),
            "mangopay.no_3ds_performed",
            "Worldpay 'What is liability shift' and Monext '3D-Secure - Liability shift': a shift needs authentication data, and no 3DS ran for this pay-in",
        );
    }
}

/// A SUCCEEDED pay-in that does not say whether the cardholder was redirected (a Web card
/// pay-in never does). `authenticated` only where `Applied3DSVersion` shows that 3DS ran;
/// otherwise nothing shows an authentication, and `exempted` is the success that claims none.
/// Either way liability cannot be known.
fn succeeded_not_reported(d: &mut Draft, p: &PayIn) {
    if p.applied_3ds_version.is_some() {
        d.set_status(
            Status::Authenticated,
            Step::None,
            "rule:mangopay.succeeded_3ds_redirect_not_reported",
        );
    } else {
        d.set_status(
            Status::Exempted,
            Step::None,
            "rule:mangopay.succeeded_3ds_not_reported",
        );
    }
    d.auth.reason = Some(if p.is_web() {
        "web_payin_3ds_not_reported".to_owned()
    } else {
        "3ds_outcome_not_reported".to_owned()
    });
    d.warn(if p.is_web() {
        "mangopay Web pay-in succeeded; the hosted page does not report its 3DS outcome"
    } else {
        "mangopay SUCCEEDED pay-in has no SecureModeNeeded; its 3DS outcome is not known"
    });
    d.set_liability(
        None,
        "mangopay.3ds_outcome_not_reported",
        NOT_REPORTED_SOURCE,
    );
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
    // SecureModeNeeded stays true after the redirect (the 101301 and 101304 examples on
    // https://docs.mangopay.com/errors/codes): the cardholder was sent to the challenge,
    // whatever happened there.
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

fn normalize_api_error(doc: Document<'_>, ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    let e: ApiError = parse_as(doc, P, "mangopay.api_error")?;
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.api_error");
    d.auth.raw.status = e.error_type.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.message.clone_from(&e.message);
    apply_error_type(
        &mut d,
        ctx,
        e.error_type.as_ref().map(|t| t.as_str()),
        "Type",
    );
    // The per-field messages say what to fix; the model has no field for them.
    for (field, message) in e.errors.iter().flatten() {
        // A string message is shown as its text; anything else as the JSON it was sent as.
        let raw = message.get();
        let text = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned());
        d.warn(format!("mangopay error field '{field}': {text}"));
    }
    Ok(d.finish_in(ctx))
}

fn normalize_oauth_error(
    doc: Document<'_>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let e: OAuthError = parse_as(doc, P, "mangopay.oauth_error")?;
    let mut d = Draft::new(P, DocumentKind::Error, "mangopay.oauth_error");
    d.auth.raw.status = e.error.as_ref().map(|t| t.as_str().to_owned());
    d.auth.raw.message.clone_from(&e.error_description);
    apply_error_type(&mut d, ctx, e.error.as_ref().map(|t| t.as_str()), "error");
    Ok(d.finish_in(ctx))
}

/// An error body is an error whatever its type: a type the catalog knows decides reason, next
/// step and retry; an unknown or missing one stays `error` with `investigate` (never
/// `unknown`, which is for an outcome this version cannot read), reported in a warning. The
/// type itself is kept verbatim in `raw.status`.
fn apply_error_type(d: &mut Draft, ctx: &Context<'_>, error_type: Option<&str>, field: &str) {
    let error_type = error_type.filter(|t| !t.trim().is_empty());
    if let Some(t) = error_type {
        if ctx.catalog.lookup(P, "error_type", t).is_some() {
            d.apply_catalog(ctx, "error_type", t);
            return;
        }
    }
    let shown = error_type.map_or_else(|| "missing".into(), threeds_wire::excerpt);
    d.set_status(
        Status::Error,
        Step::Investigate,
        format!("unknown:mangopay/error_type/{shown}"),
    );
    d.auth.reason = Some("unknown_error_type".to_owned());
    d.auth.retry = None;
    d.warn(format!(
        "mangopay error body {field} '{shown}' is not in the catalog; reported as error, investigate"
    ));
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

/// A hook is a poke without outcome (https://docs.mangopay.com/webhooks: on receipt, GET the
/// resource): the status stays pending and the merchant must GET the pay-in; the event type
/// only says which outcome to expect.
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
    use crate::model::Retry;
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
        assert_eq!(a.retry, None);
    }

    #[test]
    fn succeeded_after_a_challenge_shifts_liability_with_the_cavv_mangopay_used() {
        let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "CreationDate": 1_700_210_889})));
        assert_eq!(n.authentication.liability_shift, Some(true));
        assert_eq!(n.explain.liability.rule, "visa.v2.y");
        assert_eq!(
            n.explain.liability.facts.authentication_value_present,
            Some(true)
        );
        // Mangopay keeps the value: it is never shown, only counted as used.
        assert!(n.authentication.authentication_value.is_none());
        assert!(n.authentication.trans_status.is_none());
    }

    #[test]
    fn authenticated_at_comes_from_creation_date_whatever_the_status() {
        for status in [
            json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "ExecutionDate": 1_700_300_000}),
            json!({"Status": "FAILED"}),
        ] {
            let mut doc = payin(status);
            doc["CreationDate"] = json!(1_700_210_889);
            let a = run(doc).authentication;
            assert_eq!(a.authenticated_at.as_deref(), Some("2023-11-17T08:48:09Z"));
        }
        let n = run(payin(json!({"CreationDate": "soon"})));
        assert_eq!(n.authentication.authenticated_at, None);
        assert!(n
            .explain
            .warnings
            .iter()
            .any(|w| w.contains("CreationDate")));
    }

    #[test]
    fn authenticated_at_dates_the_liability_rules() {
        // A 3DS 1.0.2 challenge that passed: Visa shifted liability in 2019, and not after
        // every scheme retired 3DS 1.0.2.
        let at = |date: u64| {
            run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
                "Applied3DSVersion": "V1", "CreationDate": date})))
            .explain
            .liability
        };
        let (old, new) = (at(1_556_000_000), at(1_750_000_000));
        assert_eq!(new.rule, "visa.v1.retired");
        assert_ne!(old.rule, new.rule);
    }

    #[test]
    fn succeeded_without_secure_mode_needed_claims_no_authentication() {
        let mut doc = payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "Applied3DSVersion": null}));
        doc.as_object_mut().unwrap().remove("SecureModeNeeded");
        let n = run(doc.clone());
        let a = &n.authentication;
        assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
        assert_eq!(a.reason.as_deref(), Some("3ds_outcome_not_reported"));
        assert_eq!(
            (a.challenged, a.liability_shift, a.trans_status.clone()),
            (None, None, None)
        );
        assert!(!n.explain.warnings.is_empty());
        // 3DS ran (a version was applied) but whether it challenged is not said.
        doc["Applied3DSVersion"] = json!("V2_1");
        let n = run(doc);
        let a = &n.authentication;
        assert_eq!(a.status, Status::Authenticated);
        assert_eq!((a.challenged, a.liability_shift), (None, None));
        assert_eq!(
            n.explain.liability.rule,
            "mangopay.3ds_outcome_not_reported"
        );
    }

    #[test]
    fn web_payin_succeeded_is_not_authenticated() {
        let n = run(
            json!({"Id": "3352204488", "Status": "SUCCEEDED", "ResultCode": "000000",
            "PaymentType": "CARD", "ExecutionType": "WEB", "CardType": "CB_VISA_MASTERCARD",
            "SecureMode": "DEFAULT", "CreationDate": 1_678_191_358}),
        );
        let a = &n.authentication;
        assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
        assert_eq!(a.reason.as_deref(), Some("web_payin_3ds_not_reported"));
        assert_eq!(
            (a.trans_status.clone(), a.liability_shift, a.challenged),
            (None, None, None)
        );
        assert_eq!(n.explain.document, "mangopay.web_payin");
    }

    #[test]
    fn recurring_mit_reports_the_merchant_initiated_exemption() {
        let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false, "RecurringPayinRegistrationId": "rec_1",
            "BrowserInfo": null, "IpAddress": null})))
        .authentication;
        assert_eq!(a.exemption.as_deref(), Some("merchant_initiated"));
        let a = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false})))
        .authentication;
        assert_eq!(
            a.exemption, None,
            "Mangopay reports no exemption on a frictionless pay-in"
        );
    }

    fn retry_of(code: &str) -> (Status, Step, Option<Retry>) {
        let a = run(payin(json!({"ResultCode": code}))).authentication;
        (a.status, a.next_step, a.retry)
    }

    #[test]
    fn soft_declines_and_limits_are_retryable_later() {
        for code in [
            "101301", "101101", "101102", "101104", "101111", "101112", "101113", "101115",
            "101116", "008505", "008507",
        ] {
            assert_eq!(retry_of(code).2, Some(Retry::Later), "{code}");
            assert_eq!(retry_of(code).1, Step::DoNotAuthorize, "{code}");
        }
    }

    #[test]
    fn sca_soft_decline_retries_with_a_challenge() {
        assert_eq!(
            retry_of("101305"),
            (
                Status::Declined,
                Step::RetryWithChallenge,
                Some(Retry::WithChallenge)
            )
        );
    }

    #[test]
    fn expired_3ds_session_is_retried_at_the_same_psp() {
        assert_eq!(
            retry_of("101304"),
            (
                Status::Expired,
                Step::RetryAuthentication,
                Some(Retry::SamePsp)
            )
        );
    }

    #[test]
    fn unavailable_3ds_has_nothing_left_to_authorize_and_retries_later() {
        assert_eq!(
            retry_of("101399"),
            (
                Status::Unavailable,
                Step::DoNotAuthorize,
                Some(Retry::Later)
            )
        );
    }

    #[test]
    fn fraud_lost_and_stolen_are_never_retried() {
        let catalog = Catalog::builtin().unwrap();
        let velocity = ["008505", "008507"];
        for e in catalog.rows(P).filter(|e| e.table == "result_code") {
            if e.code.starts_with("008") && !velocity.contains(&e.code.as_str()) {
                assert_eq!(e.retry, Some(Retry::Never), "{}", e.code);
            }
        }
        for code in [
            "008001", "008002", "008003", "008006", "008511", "008515", "008999",
        ] {
            assert_eq!(retry_of(code).2, Some(Retry::Never), "{code}");
        }
    }

    #[test]
    fn psp_technical_errors_go_to_another_psp_and_issuer_outages_wait() {
        for code in ["001999", "009101", "009103", "009199", "009999"] {
            let (status, _, retry) = retry_of(code);
            assert_eq!(
                (status, retry),
                (Status::Error, Some(Retry::OtherPsp)),
                "{code}"
            );
        }
        // The issuer's outage: every PSP reaches the same issuer, and Mangopay has already
        // refused the pay-in.
        assert_eq!(
            retry_of("009499"),
            (Status::Error, Step::DoNotAuthorize, Some(Retry::Later))
        );
    }

    #[test]
    fn credentials_and_configuration_problems_are_investigated_and_another_account_may_succeed() {
        for t in ["invalid_credentials", "unauthorized_client"] {
            let a = run(json!({"Message": "m", "Type": t})).authentication;
            assert_eq!(
                (a.status, a.next_step, a.retry),
                (Status::Error, Step::Investigate, Some(Retry::OtherPsp)),
                "{t}"
            );
        }
        let a = run(json!({"error": "unauthorized_client", "error_description": "locked"}))
            .authentication;
        assert_eq!(
            (a.next_step, a.retry),
            (Step::Investigate, Some(Retry::OtherPsp))
        );
        assert_eq!(
            retry_of("001015"),
            (Status::Error, Step::Investigate, Some(Retry::OtherPsp))
        );
    }

    #[test]
    fn an_idempotency_conflict_is_never_a_reason_to_create_another_payin() {
        let a = run(json!({"Message": "m", "Type": "idempotent_creation_conflict"})).authentication;
        assert_eq!(
            (a.status, a.next_step, a.retry),
            (Status::Error, Step::Investigate, Some(Retry::Never))
        );
    }

    #[test]
    fn invalid_requests_are_fixed_first_and_never_retried_as_they_are() {
        for code in ["001023", "105204", "001014"] {
            assert_eq!(
                retry_of(code),
                (Status::Error, Step::FixRequest, Some(Retry::Never)),
                "{code}"
            );
        }
        let a = run(json!({"Message": "m", "Type": "param_error"})).authentication;
        assert_eq!(
            (a.next_step, a.retry),
            (Step::FixRequest, Some(Retry::Never))
        );
    }

    #[test]
    fn unknown_error_bodies_are_errors_to_investigate() {
        for doc in [
            json!({"Message": "m", "Type": "brand_new"}),
            json!({"Message": "m", "Type": ""}),
            json!({"error": "brand_new_oauth", "error_description": "d"}),
        ] {
            let n = run(doc.clone());
            let a = &n.authentication;
            assert_eq!(a.kind, DocumentKind::Error, "{doc}");
            assert_eq!(
                (a.status, a.next_step, a.retry),
                (Status::Error, Step::Investigate, None),
                "{doc}"
            );
            assert!(
                n.explain
                    .warnings
                    .iter()
                    .any(|w| w.contains("not in the catalog")),
                "{doc}"
            );
        }
        let a = run(json!({"Message": "m", "Type": "brand_new"})).authentication;
        assert_eq!(a.raw.status.as_deref(), Some("brand_new"));
    }

    #[test]
    fn no_payin_is_left_for_the_merchant_to_authorize() {
        // Mangopay authorizes in the same call: success is done, failure already refused.
        let catalog = Catalog::builtin().unwrap();
        for e in catalog.rows(P) {
            assert!(
                !matches!(
                    e.next_step,
                    Some(Step::Authorize | Step::AuthorizeAtOwnRisk)
                ),
                "{}",
                e.id()
            );
        }
        for extra in [
            json!({"Status": "SUCCEEDED", "ResultCode": "000000"}),
            json!({"Status": "SUCCEEDED", "ResultCode": "000000", "SecureModeNeeded": false}),
            json!({"Status": "SUCCEEDED", "ResultCode": "000000", "SecureModeNeeded": false,
                "Applied3DSVersion": null}),
        ] {
            let a = run(payin(extra)).authentication;
            assert_eq!(a.next_step, Step::None);
        }
    }

    #[test]
    fn every_final_negative_row_says_whether_a_retry_helps() {
        let catalog = Catalog::builtin().unwrap();
        for e in catalog.rows(P) {
            let negative = matches!(
                e.status,
                Some(
                    Status::Failed
                        | Status::Rejected
                        | Status::Unavailable
                        | Status::Expired
                        | Status::NotEnrolled
                        | Status::Declined
                        | Status::Error
                )
            );
            assert_eq!(negative, e.retry.is_some(), "{}", e.id());
            assert!(
                e.source.starts_with("https://docs.mangopay.com/")
                    || e.source.starts_with("Mangopay/mangopay2-php-sdk "),
                "{} cites no public source: {}",
                e.id(),
                e.source
            );
        }
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
    fn succeeded_without_3ds_is_exempted_and_shifts_no_liability_whatever_the_network() {
        let n = run(payin(json!({"Status": "SUCCEEDED", "ResultCode": "000000",
            "SecureModeNeeded": false, "Applied3DSVersion": null})));
        let a = &n.authentication;
        assert_eq!((a.status, a.next_step), (Status::Exempted, Step::None));
        assert_eq!(a.reason.as_deref(), Some("no_3ds_performed"));
        assert_eq!(a.protocol_version, None);
        assert_eq!(a.liability_shift, Some(false));
        assert_eq!(n.explain.liability.rule, "mangopay.no_3ds_performed");
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
                Step::DoNotAuthorize,
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
        // Every card pay-in ResultCode of https://docs.mangopay.com/errors/codes and the legacy
        // list, ranges written out.
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
