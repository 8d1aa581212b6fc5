//! mangopay documents to the normalized model (to be written).

use super::{Context, NormalizeError, Normalized};
use crate::model::Provider;
use serde_json::Value;

pub fn matches(_value: &Value) -> bool {
    false
}

pub fn normalize(_value: &Value, _ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    Err(NormalizeError::Unsupported {
        provider: Provider::Mangopay,
        message: "not yet implemented".into(),
    })
}

pub fn looks_like_hook_query(_text: &str) -> bool {
    false
}

pub fn normalize_hook_query(_text: &str, _ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    Err(NormalizeError::Unsupported {
        provider: Provider::Mangopay,
        message: "not yet implemented".into(),
    })
}
