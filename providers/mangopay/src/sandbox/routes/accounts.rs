//! Users, wallets and card registrations (the tokenization steps before a pay-in).

use super::{is_currency, natural_user, new_id, required, text, wallet, Reply};
use crate::sandbox::cards::{self};
use crate::sandbox::model::{Card, Created, Registration, State};
use crate::sandbox::{not_found, now_unix, param_error, Shared};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use std::time::Instant;
use threeds_wire::sandbox::ids;

pub(super) fn create_user(shared: &Shared, state: &mut State, b: &Value) -> Result<Reply, Reply> {
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

pub(super) fn create_wallet(shared: &Shared, state: &mut State, b: &Value) -> Result<Reply, Reply> {
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

pub(super) fn create_registration(
    shared: &Shared,
    state: &mut State,
    b: &Value,
) -> Result<Reply, Reply> {
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

pub(super) fn update_registration(
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
pub(super) fn update_card(state: &mut State, id: &str, b: &Value) -> Result<Reply, Reply> {
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
