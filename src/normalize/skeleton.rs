//! The skeleton of a document's text: its [`Outline`], read without building the tree
//! ([`skeleton`]), and the visitors that keep or discard what they pass.

use super::outline::{Members, Outline, OUTLINE_DEPTH};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;

/// The [`Outline`] of `text`, checked as JSON exactly as parsing it into a
/// [`serde_json::Value`] checks it (same errors at the same place, the same depth limit),
/// without the tree: a tree of a long array of tiny objects costs 80 times its text, and
/// copying every key and string costs an allocation each.
pub(super) fn skeleton(text: &str) -> Result<Outline<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let peek = Skeleton { depth: 0 }.deserialize(&mut de)?;
    de.end()?;
    Ok(peek)
}

/// Members a top-level object is first given room for: most PSP documents have fewer.
const MEMBERS_CAPACITY: usize = 16;

/// Builds the [`skeleton`] of the value at `depth`.
struct Skeleton {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Skeleton {
    type Value = Outline<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Outline<'de>, D::Error> {
        if self.depth >= OUTLINE_DEPTH {
            deserializer.deserialize_any(Discard)?;
            return Ok(Outline::Null);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skeleton {
    type Value = Outline<'de>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Outline<'de>, E> {
        Ok(Outline::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Outline<'de>, E> {
        Ok(Outline::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Outline<'de>, E> {
        Ok(Outline::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Outline<'de>, E> {
        Ok(Outline::Number)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Outline<'de>, E> {
        Ok(Outline::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Outline<'de>, E> {
        Ok(Outline::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Outline<'de>, E> {
        Ok(Outline::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Outline<'de>, E> {
        Ok(Outline::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outline<'de>, A::Error> {
        while seq.next_element_seed(Discard)?.is_some() {}
        Ok(Outline::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline<'de>, A::Error> {
        let capacity = if self.depth == 0 { MEMBERS_CAPACITY } else { 0 };
        let mut members = Members::with_capacity(capacity);
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(Skeleton {
                depth: self.depth + 1,
            })?;
            members.push(key, value);
        }
        Ok(Outline::Object(members))
    }
}

/// A member's key, borrowed from the text unless it has escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// Reads a value through to its end and keeps nothing: every number, string and nesting
/// level is still checked by the parser, as building a [`serde_json::Value`] would.
struct Discard;

impl<'de> DeserializeSeed<'de> for Discard {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Discard {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Discard)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Discard)?.is_some() {
            map.next_value_seed(Discard)?;
        }
        Ok(())
    }
}
