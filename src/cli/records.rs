//! PSP records as `reconcile` and `report` read them: every document `normalize` reads,
//! and each PSP's list responses (a bare array of documents, or a PSP's paginated
//! envelope through [`crate::psp::list_documents`]), one record per item.

use super::input::Document;
use crate::normalize::{normalize_text, normalize_value, Context, NormalizeError, Normalized};

/// Normalizes one document of the input, handing over each result with its item number
/// when the document is a list. Anything that is not a list goes through `normalize_text`,
/// exactly as `normalize` reads it; only a document no PSP claims is looked at again as a
/// PSP's list envelope.
pub(super) fn each_normalized(
    doc: &Document,
    ctx: &Context<'_>,
    mut each: impl FnMut(Option<usize>, Result<Normalized, NormalizeError>),
) {
    let text = doc.text.as_str();
    if text.starts_with('[') {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            return each_item(&value, ctx, each);
        }
    }
    match normalize_text(text, None, ctx) {
        Err(NormalizeError::UnknownDocument { hint }) if text.starts_with('{') => {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => match crate::psp::list_documents(&value) {
                    Ok(Some(_)) => each_item(&value, ctx, each),
                    Ok(None) => each(None, Err(NormalizeError::UnknownDocument { hint })),
                    Err(e) => each(None, Err(e)),
                },
                Err(_) => each(None, Err(NormalizeError::UnknownDocument { hint })),
            }
        }
        result => each(None, result),
    }
}

fn each_item(
    value: &serde_json::Value,
    ctx: &Context<'_>,
    mut each: impl FnMut(Option<usize>, Result<Normalized, NormalizeError>),
) {
    match crate::psp::list_documents(value) {
        Ok(Some(list)) => {
            if list.documents.is_empty() {
                // An empty page is a page: nothing to reconcile, nothing dropped.
                return;
            }
            for (i, item) in list.documents.iter().enumerate() {
                each(Some(i), normalize_value(item, None, ctx));
            }
        }
        Ok(None) => each(None, normalize_value(value, None, ctx)),
        Err(e) => each(None, Err(e)),
    }
}

/// `file:line`, or `file:line[i]` for the `i`th item of a list.
pub(super) fn place(name: &str, line: usize, item: Option<usize>) -> String {
    match item {
        Some(i) => format!("{name}:{line}[{i}]"),
        None => format!("{name}:{line}"),
    }
}
