//! pxp documents to the normalized model (to be written).

use super::{Context, NormalizeError, Normalized};
use crate::model::Provider;
use serde_json::Value;

/// Whether `value` looks like a pxp document.
pub fn matches(_value: &Value) -> bool {
    false
}

pub fn normalize(_value: &Value, _ctx: &Context<'_>) -> Result<Normalized, NormalizeError> {
    Err(NormalizeError::Unsupported {
        provider: Provider::Pxp,
        message: "not yet implemented".into(),
    })
}
