//! Hooks, wallet transactions and stored idempotent responses.

use super::{new_id, required, text, Reply};
use crate::sandbox::model::{Hook, PayIn, State};
use crate::sandbox::{not_found, now_unix, param_error};
use serde_json::{json, Value};

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

pub(super) fn create_hook(state: &mut State, b: &Value) -> Result<Reply, Reply> {
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

pub(super) fn update_hook(state: &mut State, id: &str, b: &Value) -> Result<Reply, Reply> {
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
pub(super) fn wallet_transactions(state: &State, wallet: &str, query: &str) -> Reply {
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
pub(super) fn api_response(state: &State, key: &str) -> Reply {
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
