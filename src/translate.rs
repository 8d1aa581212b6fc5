//! Translation of one PSP's authentication request into another's.
//!
//! The source request is read into the normalized [`AuthenticationRequest`] and the target
//! request is built from it. What the source held that the model could not carry is found by
//! rebuilding the source request from the model and comparing the two JSON documents leaf by
//! leaf, so every field, including ones this version does not know, is accounted for.
//! What the target requires but the source lacked comes from the target's own validation.
//!
//! Either side may be the normalized model itself ([`Format::Model`]): reading it checks its
//! shape, writing it prints the model (the body of the service's `POST /v1/authentications`).
//!
//! A source is refused before any work when it is not a request of `from` (none of its
//! identifying fields) or nests deeper than [`MAX_DEPTH`]: a `Value` built in memory has no
//! parser limit, and every step here walks it.

use crate::model::Provider;
use crate::request::{codec, AuthenticationRequest, ModelCodec, RequestError};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use threeds_wire::{excerpt, with_secrets_revealed, FieldViolation};

/// The deepest nesting a source request may have: serde_json's own parser limit, far above
/// any PSP request (Checkout's deepest field is 4 levels down).
pub const MAX_DEPTH: usize = 128;

/// One side of a translation: a PSP's request body, or the normalized model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    Psp(Provider),
    Model,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Format::Psp(p) => write!(f, "{p}"),
            Format::Model => f.write_str("model"),
        }
    }
}

impl From<Provider> for Format {
    fn from(p: Provider) -> Self {
        Format::Psp(p)
    }
}

impl Format {
    fn read(self, value: &Value) -> Result<AuthenticationRequest, RequestError> {
        match self {
            Format::Psp(p) => codec(p)?.read(value),
            Format::Model => ModelCodec::read(value),
        }
    }

    /// Secrets included (this is what would be sent).
    fn write(self, model: &AuthenticationRequest) -> Result<Value, RequestError> {
        match self {
            Format::Psp(p) => codec(p)?.write(model),
            Format::Model => with_secrets_revealed(|| ModelCodec::write(model)),
        }
    }

    fn identify(self, value: &Value) -> Result<(), RequestError> {
        match self {
            Format::Psp(p) => codec(p)?.identify(value),
            // Checked by `ModelCodec::read`.
            Format::Model => Ok(()),
        }
    }

    fn render(self, value: &Value) -> Result<Value, RequestError> {
        match self {
            Format::Psp(p) => codec(p)?.render(value),
            Format::Model => {
                let model = with_secrets_revealed(|| ModelCodec::read(value))?;
                ModelCodec::write(&model)
            }
        }
    }

    fn validate(self, value: &Value) -> Result<Vec<FieldViolation>, RequestError> {
        match self {
            Format::Psp(p) => {
                let c = codec(p)?;
                let mut v = c.validate(value)?;
                v.extend(c.translation_violations(value)?);
                Ok(v)
            }
            // The model has no required fields of its own: each PSP says what it needs.
            Format::Model => Ok(Vec::new()),
        }
    }
}

/// A source field that did not make it into the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// JSON path in the source request.
    pub path: String,
    /// True when the field was carried but its value changed on the way (normalized
    /// spelling, truncation); false when it was not carried at all.
    pub changed: bool,
}

/// The built target request. It holds the card number, CVV and tokens in clear, because
/// it is what would be sent, so it never shows them by accident: `Debug`, `Display` and
/// `Serialize` give the request as the target PSP's typed request redacts it (card number
/// to BIN and last four, CVV and tokens to `[redacted]`). Serializing inside
/// [`with_secrets_revealed`] writes the real values, as for every secret; [`expose`]
/// hands out the request itself (grep for `expose` to audit where secrets leave).
///
/// [`expose`]: TargetRequest::expose
#[derive(Clone, PartialEq)]
pub struct TargetRequest {
    value: Value,
    target: Format,
}

impl TargetRequest {
    /// The request with its secrets, as it would be sent.
    pub fn expose(&self) -> &Value {
        &self.value
    }

    /// The request with secrets redacted, or in clear inside [`with_secrets_revealed`].
    pub fn rendered(&self) -> Result<Value, RequestError> {
        self.target.render(&self.value)
    }

    /// What `Debug` and `Display` show: the redacted request, or only the marker when it
    /// cannot be rendered (it always can: it was built by rendering). Like a [`Secret`]'s,
    /// it is redacted even inside a reveal scope.
    ///
    /// [`Secret`]: threeds_wire::Secret
    fn redacted(&self) -> Value {
        threeds_wire::with_secrets_redacted(|| self.rendered())
            .unwrap_or_else(|_| Value::String(threeds_wire::secret::REDACTED.into()))
    }
}

impl fmt::Debug for TargetRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.redacted())
    }
}

impl fmt::Display for TargetRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.redacted())
    }
}

impl Serialize for TargetRequest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rendered()
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }
}

/// The result of a translation. Secrets stay typed in every field ([`TargetRequest`],
/// the model's `CardNumber` and `Secret`s), so `Debug` and `Serialize` of a translation
/// never show the card number or CVV; [`Translation::rendered`] with `reveal` does.
#[derive(Debug, Clone, Serialize)]
pub struct Translation {
    /// The target request, secrets included; render it with [`Translation::rendered`].
    pub request: TargetRequest,
    pub model: AuthenticationRequest,
    pub dropped: Vec<Dropped>,
    /// Paths of the normalized request model the target request cannot express (for
    /// example Checkout has no CVV field, Paysafe no 3RI terms).
    pub not_representable: Vec<Dropped>,
    /// The target's violations after `--set` values were applied: missing required fields
    /// and limits.
    #[serde(serialize_with = "as_messages")]
    pub violations: Vec<FieldViolation>,
    #[serde(serialize_with = "as_text")]
    target: Format,
}

impl Translation {
    /// The target request for printing: secrets redacted unless `reveal`.
    pub fn rendered(&self, reveal: bool) -> Result<Value, RequestError> {
        if reveal {
            with_secrets_revealed(|| self.request.rendered())
        } else {
            self.request.rendered()
        }
    }
}

/// Violations serialize as their messages (`path: problem`).
fn as_messages<S: Serializer>(violations: &[FieldViolation], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(violations.iter().map(ToString::to_string))
}

fn as_text<S: Serializer>(format: &Format, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(format)
}

/// Why a translation could not be made.
/// `--set` errors are the caller's (usage), the others the source document's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error("--set {}: expected path=value", excerpt(.0))]
    BadSet(String),
    #[error("--set {}: not a field of the {target} request", excerpt(.path))]
    UnknownSetPath { path: String, target: Format },
    #[error("the document nests deeper than {MAX_DEPTH} levels; no PSP request does")]
    TooDeep,
}

impl TranslateError {
    /// True when the command line (a `--set`) is at fault, not the document.
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::BadSet(_) | Self::UnknownSetPath { .. })
    }
}

/// Translates `source` (a `from` request) into a `to` request, then applies `sets`
/// (`path=value`, value as JSON or else as a string) to the target.
pub fn translate(
    source: &Value,
    from: Provider,
    to: Provider,
    sets: &[String],
) -> Result<Translation, TranslateError> {
    translate_formats(source, from.into(), to.into(), sets)
}

/// [`translate`] where either side may be the normalized model.
pub fn translate_formats(
    source: &Value,
    from: Format,
    to: Format,
    sets: &[String],
) -> Result<Translation, TranslateError> {
    if deeper_than(source, MAX_DEPTH) {
        return Err(TranslateError::TooDeep);
    }
    from.identify(source)?;
    let canonical = match from {
        Format::Psp(p) => codec(p)?.canonical(source),
        Format::Model => None,
    };
    let (source, prefix) = match &canonical {
        Some((value, prefix)) => (value, *prefix),
        None => (source, ""),
    };
    let model = from.read(source)?;
    let round_trip = from.write(&model)?;
    // Paths as the user's document spells them.
    let dropped = compare(source, &round_trip)
        .into_iter()
        .map(|d| Dropped {
            path: d.path.strip_prefix(prefix).unwrap_or(&d.path).to_owned(),
            ..d
        })
        .collect();

    let mut request = to.write(&model)?;
    // What the model held that the target cannot express: read the built target back and
    // compare models.
    let carried = to.read(&request)?;
    let not_representable = compare(&model_json(&model), &model_json(&carried));
    let mut set_paths = Vec::new();
    for set in sets {
        let (path, raw) = set
            .split_once('=')
            .ok_or_else(|| TranslateError::BadSet(set.clone()))?;
        let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()));
        set_path(&mut request, path, value);
        set_paths.push(path.to_owned());
    }
    // Round-trip through the typed request so that a misspelt --set path is caught instead of
    // silently ignored.
    let typed = with_secrets_revealed(|| to.render(&request))?;
    for path in set_paths {
        if get_path(&typed, &path).is_none() {
            return Err(TranslateError::UnknownSetPath { path, target: to });
        }
    }
    let violations = to.validate(&typed)?;
    Ok(Translation {
        request: TargetRequest {
            value: typed,
            target: to,
        },
        model,
        dropped,
        not_representable,
        violations,
        target: to,
    })
}

/// Whether `value` nests deeper than `max` levels, found without recursion (the value may
/// be deep enough to overflow the stack of a recursive walk) and stopping at the first
/// branch past the limit.
fn deeper_than(value: &Value, max: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        if depth > max {
            return true;
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    false
}

/// The model as JSON for comparison. Secrets compare by their redacted form, which is enough
/// to see whether they were carried.
fn model_json(model: &AuthenticationRequest) -> Value {
    serde_json::to_value(model).unwrap_or(Value::Null)
}

/// Leaves of `original` that `rebuilt` lacks or holds with another value.
pub fn compare(original: &Value, rebuilt: &Value) -> Vec<Dropped> {
    let before = leaves(original);
    let after = leaves(rebuilt);
    before
        .into_iter()
        .filter_map(|(path, value)| match after.get(&path) {
            None => Some(Dropped {
                path,
                changed: false,
            }),
            Some(v) if *v != value => Some(Dropped {
                path,
                changed: true,
            }),
            Some(_) => None,
        })
        .collect()
}

/// Every scalar leaf as `path -> text` (numbers and strings compare by text, so `"16"` and
/// `16` are the same value). Nulls are absences.
fn leaves(value: &Value) -> BTreeMap<String, String> {
    fn walk(value: &Value, path: String, out: &mut BTreeMap<String, String>) {
        match value {
            Value::Null => {}
            Value::Object(map) => {
                for (k, v) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(v, p, out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, format!("{path}[{i}]"), out);
                }
            }
            Value::String(s) => {
                out.insert(path, s.clone());
            }
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(value, String::new(), &mut out);
    out
}

fn set_path(root: &mut Value, path: &str, value: Value) {
    let mut node = root;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else { return };
        if parts.peek().is_none() {
            map.insert(part.to_owned(), value);
            return;
        }
        node = map
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

fn get_path<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(root, |node, part| node.get(part))
        .filter(|v| !v.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compare_finds_missing_and_changed_leaves() {
        let a = json!({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": null, "f": "16"});
        let b = json!({"a": 1, "b": {"c": "y", "d": [1]}, "f": 16});
        let got = compare(&a, &b);
        assert_eq!(
            got,
            vec![
                Dropped {
                    path: "b.c".into(),
                    changed: true
                },
                Dropped {
                    path: "b.d[1]".into(),
                    changed: false
                },
            ]
        );
    }

    #[test]
    fn set_path_creates_objects() {
        let mut v = json!({"a": {"b": 1}});
        set_path(&mut v, "a.c.d", json!("x"));
        set_path(&mut v, "e", json!(2));
        assert_eq!(v, json!({"a": {"b": 1, "c": {"d": "x"}}, "e": 2}));
        assert_eq!(get_path(&v, "a.c.d"), Some(&json!("x")));
        assert_eq!(get_path(&v, "a.z"), None);
    }

    #[test]
    fn depth_is_measured_without_recursion() {
        let mut deep = json!(1);
        for _ in 0..200_000 {
            deep = Value::Array(vec![deep]);
        }
        assert!(deeper_than(&deep, MAX_DEPTH));
        assert!(!deeper_than(&json!({"a": [{"b": 1}]}), 3));
        assert!(deeper_than(&json!({"a": [{"b": [1]}]}), 3));
        // Dropping a value this deep recurses in serde_json; not this module's concern.
        std::mem::forget(deep);
    }
}
