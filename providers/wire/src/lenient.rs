//! Fields PSPs send inconsistently as JSON numbers or strings.
//!
//! Paysafe sends `eci` as `5` (sometimes `"05"`), Checkout webhooks send `amount` as
//! `"1250"` while the session API sends `1250`. [`NumOrStr`] keeps the text as the PSP wrote
//! it so nothing is lost, and offers typed views.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A JSON string or number, kept as its text. Serializes back as a string, or as a number
/// when it was one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumOrStr {
    text: String,
    was_number: bool,
}

impl NumOrStr {
    pub fn string(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            was_number: false,
        }
    }

    pub fn number(n: u64) -> Self {
        Self {
            text: n.to_string(),
            was_number: true,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn into_string(self) -> String {
        self.text
    }

    pub fn was_number(&self) -> bool {
        self.was_number
    }

    /// The value as an unsigned integer, when it is one (`"1250"` and `1250` both give 1250).
    pub fn as_u64(&self) -> Option<u64> {
        self.text.trim().parse().ok()
    }
}

impl fmt::Display for NumOrStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for NumOrStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.was_number {
            if let Ok(n) = self.text.parse::<u64>() {
                return s.serialize_u64(n);
            }
            if let Ok(n) = self.text.parse::<i64>() {
                return s.serialize_i64(n);
            }
        }
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for NumOrStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NumOrStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumOrStr, E> {
                Ok(NumOrStr::string(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumOrStr, E> {
                Ok(NumOrStr::number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumOrStr, E> {
                Ok(NumOrStr {
                    text: v.to_string(),
                    was_number: true,
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumOrStr, E> {
                Ok(NumOrStr {
                    text: v.to_string(),
                    was_number: true,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_keep_their_text() {
        let n: NumOrStr = serde_json::from_str("5").unwrap();
        let s: NumOrStr = serde_json::from_str("\"05\"").unwrap();
        assert_eq!((n.as_str(), s.as_str()), ("5", "05"));
        assert_eq!(serde_json::to_string(&n).unwrap(), "5");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"05\"");
        assert_eq!(s.as_u64(), Some(5));
        let neg: NumOrStr = serde_json::from_str("-180").unwrap();
        assert_eq!(serde_json::to_string(&neg).unwrap(), "-180");
    }

    #[test]
    fn other_json_types_are_rejected() {
        assert!(serde_json::from_str::<NumOrStr>("true").is_err());
        assert!(serde_json::from_str::<NumOrStr>("{}").is_err());
    }
}
