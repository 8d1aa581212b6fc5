//! Direct card pay-ins: validation in Mangopay's wording, the 3DS decision from the test
//! card, and the transitions to `SUCCEEDED` or `FAILED`.

use super::{Outcome, Reply};
use crate::sandbox::cards::{self, Behaviour, Stage};
use crate::sandbox::model::{Created, PayIn, PayInStatus, State};
use crate::sandbox::{
    error_body, not_found, now_unix, param_error, Event, Shared, LOST_ANSWER_TAG,
};
use crate::DirectCardPayInRequest;
use serde_json::{json, Value};
use threeds_wire::sandbox::ids;
use threeds_wire::{FieldViolation, Problem, Validate};

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

pub(super) fn create_payin(shared: &Shared, state: &mut State, b: &Value) -> Outcome {
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
        created: shared.now(),
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
