//! [`Outline`]: what detection and classification look at in a document, borrowed from the
//! document's text (or from a parsed [`Value`]) instead of copied into a tree.

use serde_json::Value;
use std::borrow::Cow;

/// The top of a document: the top-level value, where each top-level member keeps its value
/// if a scalar string, its keys if an object, and only its kind otherwise. Detection
/// ([`Psp::matches`](crate::psp::Psp::matches)) and the adapters' classification look no
/// deeper before reading their wire types. Keys and strings are borrowed from the text when
/// they have no escapes, so outlining a document allocates only its member lists.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outline<'a> {
    Null,
    Bool(bool),
    Number,
    String(Cow<'a, str>),
    Array,
    Object(Members<'a>),
}

/// An object's members in document order. A key given twice reads as its last value, as in
/// a parsed [`Value`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Members<'a> {
    entries: Vec<(Cow<'a, str>, Outline<'a>)>,
}

impl<'a> Members<'a> {
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self {
            entries: Vec::with_capacity(capacity),
        }
    }

    pub(super) fn push(&mut self, key: Cow<'a, str>, value: Outline<'a>) {
        self.entries.push((key, value));
    }

    /// The value of member `key` (its last, if given twice).
    pub fn get(&self, key: &str) -> Option<&Outline<'a>> {
        self.entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// The keys in document order (a key given twice comes twice).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_ref())
    }
}

impl<'a> Outline<'a> {
    /// The outline of a parsed value (what [`normalize_value`](super::normalize_value)
    /// classifies), borrowing its keys and strings.
    pub fn of_value(value: &'a Value) -> Self {
        Self::of_value_at(value, 0)
    }

    fn of_value_at(value: &'a Value, depth: usize) -> Self {
        match value {
            Value::Null => Outline::Null,
            Value::Bool(b) => Outline::Bool(*b),
            Value::Number(_) => Outline::Number,
            Value::String(s) => Outline::String(Cow::Borrowed(s)),
            Value::Array(_) => Outline::Array,
            Value::Object(map) => {
                let mut members = Members::with_capacity(map.len());
                for (k, v) in map {
                    let v = if depth + 1 >= OUTLINE_DEPTH {
                        Outline::Null
                    } else {
                        Self::of_value_at(v, depth + 1)
                    };
                    members.push(Cow::Borrowed(k), v);
                }
                Outline::Object(members)
            }
        }
    }

    /// The value of member `key` of an object; `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Outline<'a>> {
        self.as_object().and_then(|m| m.get(key))
    }

    pub fn as_object(&self) -> Option<&Members<'a>> {
        match self {
            Outline::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Outline::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Outline::String(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Outline::Object(_))
    }
}

/// Members are outlined down to this depth (the root is at 0): top-level members and the
/// keys of top-level objects (`error.code`, `eventData.state`, ...); deeper values are
/// [`Outline::Null`].
pub(super) const OUTLINE_DEPTH: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_and_its_text_outline_alike() {
        let text = r#"{"b":{"code":"x","deep":{"k":1}},"a":"s\u00e9","n":1.5,"l":[1],"t":true}"#;
        let value: Value = serde_json::from_str(text).expect("JSON");
        let from_text = super::super::skeleton::skeleton(text).expect("outline");
        let from_value = Outline::of_value(&value);
        for key in ["a", "b", "n", "l", "t"] {
            assert_eq!(from_text.get(key), from_value.get(key), "{key}");
        }
        assert_eq!(
            from_text.get("a").and_then(Outline::as_str),
            Some("s\u{e9}")
        );
        assert_eq!(
            from_text.get("b").and_then(|b| b.get("deep")),
            Some(&Outline::Null)
        );
        assert!(from_text.get("b").is_some_and(|b| b.get("code").is_some()));
    }

    #[test]
    fn a_key_given_twice_reads_as_its_last_value() {
        let outline = super::super::skeleton::skeleton(r#"{"k":"first","k":2}"#).expect("outline");
        assert_eq!(outline.get("k"), Some(&Outline::Number));
    }
}
