//! Translation of one PSP's authentication request into another's.
//!
//! The source request is read into the normalized [`AuthenticationRequest`] and the target
//! request is built from it. What the source held that the model could not carry is found by
//! rebuilding the source request from the model and comparing the two JSON documents leaf by
//! leaf, so every field, including ones this version does not know, is accounted for.
//! What the target requires but the source lacked comes from the target's own validation.

use crate::model::Provider;
use crate::request::{codec, AuthenticationRequest, RequestError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use threeds_wire::{with_secrets_revealed, FieldViolation};

/// A source field that did not make it into the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// JSON path in the source request.
    pub path: String,
    /// True when the field was carried but its value changed on the way (normalized
    /// spelling, truncation); false when it was not carried at all.
    pub changed: bool,
}

/// The result of a translation.
#[derive(Debug, Clone)]
pub struct Translation {
    /// The target request, secrets included; render it with [`Translation::rendered`].
    pub request: Value,
    pub model: AuthenticationRequest,
    pub dropped: Vec<Dropped>,
    /// Paths of the normalized request model the target request cannot express (for
    /// example Checkout has no CVV field, Paysafe no 3RI terms).
    pub not_representable: Vec<Dropped>,
    /// The target's violations after `--set` values were applied: missing required fields
    /// and limits.
    pub violations: Vec<FieldViolation>,
    target: Provider,
}

impl Translation {
    /// The target request for printing: secrets redacted unless `reveal`.
    pub fn rendered(&self, reveal: bool) -> Result<Value, RequestError> {
        let c = codec(self.target);
        if reveal {
            with_secrets_revealed(|| c.render(&self.request))
        } else {
            c.render(&self.request)
        }
    }
}

/// Why a translation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslateError {
    #[error(transparent)]
    Request(#[from] RequestError),
    #[error("--set {0}: expected path=value")]
    BadSet(String),
    #[error("--set {path}: not a field of the {provider} request")]
    UnknownSetPath { path: String, provider: Provider },
}

/// Translates `source` (a `from` request) into a `to` request, then applies `sets`
/// (`path=value`, value as JSON or else as a string) to the target.
pub fn translate(
    source: &Value,
    from: Provider,
    to: Provider,
    sets: &[String],
) -> Result<Translation, TranslateError> {
    let source_codec = codec(from);
    let model = source_codec.read(source)?;
    let round_trip = source_codec.write(&model)?;
    let dropped = compare(source, &round_trip);

    let target_codec = codec(to);
    let mut request = target_codec.write(&model)?;
    // What the model held that the target cannot express: read the built target back and
    // compare models.
    let carried = target_codec.read(&request)?;
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
    let typed = with_secrets_revealed(|| target_codec.render(&request))?;
    for path in set_paths {
        if get_path(&typed, &path).is_none() {
            return Err(TranslateError::UnknownSetPath { path, provider: to });
        }
    }
    let violations = target_codec.validate(&typed)?;
    Ok(Translation {
        request: typed,
        model,
        dropped,
        not_representable,
        violations,
        target: to,
    })
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
}
