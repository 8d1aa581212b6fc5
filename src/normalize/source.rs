//! What adapters read: a [`Document`] (what classification peeks at, and the [`Source`]
//! its wire types are read from), and [`parse_as`], which names the JSON path of a shape
//! error.

use super::outline::Outline;
use super::NormalizeError;
use crate::model::Provider;
use serde::de::DeserializeOwned;
use serde_json::Value;
use threeds_wire::scrub;

/// Where a document's wire types are read from: its text, or a value already parsed (library
/// callers of [`normalize_value`](super::normalize_value)). Reading from the text skips the members a wire type does
/// not know without building them, so a document costs a small multiple of its size.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Source<'a> {
    Text(&'a str),
    Value(&'a Value),
}

impl<'a> From<&'a Value> for Source<'a> {
    fn from(value: &'a Value) -> Self {
        Source::Value(value)
    }
}

impl<'a> From<Document<'a>> for Source<'a> {
    fn from(doc: Document<'a>) -> Self {
        doc.source
    }
}

impl<'a> From<&Document<'a>> for Source<'a> {
    fn from(doc: &Document<'a>) -> Self {
        doc.source
    }
}

/// A document as the adapters see it: `peek`, what classification looks at (its
/// [`Outline`]: the top-level members and the keys of top-level objects), and the `source`
/// its wire types are read from.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub peek: Outline<'a>,
    pub source: Source<'a>,
}

impl<'a> From<&'a Value> for Document<'a> {
    /// A parsed value is both what is outlined and what is read.
    fn from(value: &'a Value) -> Self {
        Self {
            peek: Outline::of_value(value),
            source: Source::Value(value),
        }
    }
}

/// Deserializes a PSP wire type from `source`, naming the JSON path on failure. Values are
/// scrubbed from serde's message so a secret in a malformed field never reaches an error.
/// The message is the same whichever the source: the position serde_json appends when
/// reading text is dropped (the path says where).
pub fn parse_as<'a, T: DeserializeOwned>(
    source: impl Into<Source<'a>>,
    provider: Provider,
    document: &'static str,
) -> Result<T, NormalizeError> {
    let source = source.into();
    // Read plainly first: tracking the path costs an owned copy of every member's key, and
    // only a failure needs it. A failure is read again with the path tracked, which fails
    // the same way at the same place (the input and the type are the same).
    let plain = match source {
        Source::Value(value) => T::deserialize(value),
        Source::Text(text) => T::deserialize(&mut serde_json::Deserializer::from_str(text)),
    };
    let plain = match plain {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let tracked = match source {
        Source::Value(value) => serde_path_to_error::deserialize::<_, T>(value),
        Source::Text(text) => {
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        }
    };
    let (path, error) = match tracked {
        Err(e) => (e.path().to_string(), e.into_inner()),
        // Cannot happen (the same input read the same way); the first failure is reported
        // at the root rather than what was refused accepted.
        Ok(_) => (".".to_owned(), plain),
    };
    Err(NormalizeError::Shape {
        provider,
        document,
        path,
        message: scrub(&message_of(&error)),
    })
}

/// serde_json's message without the ` at line L column C` it ends with when reading text.
pub(super) fn message_of(e: &serde_json::Error) -> String {
    let message = e.to_string();
    if e.line() == 0 {
        return message;
    }
    let position = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&position) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}
