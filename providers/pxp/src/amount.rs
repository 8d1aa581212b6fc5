//! PXP amounts: a JSON *number* in major units (`"transactionValue": 29.99`).
//!
//! Kept as the decimal text so that no float arithmetic touches money: a JSON number read
//! from a document becomes its shortest round-trip text (`29.99`), and a value built from
//! minor units is written as a JSON number whose shortest form is that text. PXP pads the
//! decimals to the currency exponent itself ("Numbers after the decimal will be zero padded
//! if they're less than the expected currencyCode exponent", pre-initiate guide), so `0.1`
//! and `0.10` are the same amount to PXP.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A major-unit decimal amount, as text (`"29.99"`, `"100"`, `"1.234"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MajorAmount(String);

/// A decimal that a JSON number (an IEEE double) cannot carry exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{}' cannot be written exactly as a JSON number", threeds_wire::excerpt(.0))]
pub struct NotRepresentable(pub String);

impl MajorAmount {
    /// Wraps decimal text, checking that it survives being written as a JSON number
    /// (at most 15 significant digits, plain `digits[.digits]`).
    pub fn new(text: impl Into<String>) -> Result<Self, NotRepresentable> {
        let text = text.into();
        let (whole, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
        let plain = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit());
        let significant = format!("{whole}{frac}");
        let significant = significant.trim_start_matches('0').trim_end_matches('0');
        if !plain || significant.len() > 15 {
            return Err(NotRepresentable(text));
        }
        Ok(Self(text))
    }

    /// The decimal text as read or built.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MajorAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for MajorAmount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.0.contains('.') {
            if let Ok(n) = self.0.parse::<u64>() {
                return s.serialize_u64(n);
            }
        }
        match self.0.parse::<f64>() {
            // serde_json writes the shortest text that reads back as this double, which for
            // <= 15 significant digits is the decimal itself (trailing zeros dropped).
            Ok(v) if v.is_finite() => s.serialize_f64(v),
            _ => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for MajorAmount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MajorAmount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal amount (number or numeric string)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MajorAmount, E> {
                Ok(MajorAmount(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MajorAmount, E> {
                Ok(MajorAmount(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MajorAmount, E> {
                // Rust's float Display is the shortest round-trip text, never exponent form.
                Ok(MajorAmount(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MajorAmount, E> {
                Ok(MajorAmount(v.trim().to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        serde_json::to_string(&MajorAmount::new(text).unwrap()).unwrap()
    }

    #[test]
    fn writes_json_numbers_without_float_noise() {
        assert_eq!(json("29.99"), "29.99");
        assert_eq!(json("0.10"), "0.1");
        assert_eq!(json("100"), "100");
        assert_eq!(json("1.234"), "1.234");
        assert_eq!(json("0.07"), "0.07");
        assert_eq!(json("9999999999999.99"), "9999999999999.99");
    }

    #[test]
    fn reads_numbers_as_their_shortest_text() {
        let a: MajorAmount = serde_json::from_str("29.99").unwrap();
        assert_eq!(a.as_str(), "29.99");
        let a: MajorAmount = serde_json::from_str("0.1").unwrap();
        assert_eq!(a.as_str(), "0.1");
        let a: MajorAmount = serde_json::from_str("100").unwrap();
        assert_eq!(a.as_str(), "100");
        let v = serde_json::json!({"x": 1.234});
        let a: MajorAmount = serde_json::from_value(v["x"].clone()).unwrap();
        assert_eq!(a.as_str(), "1.234");
    }

    #[test]
    fn too_many_digits_or_junk_is_refused() {
        assert!(MajorAmount::new("12345678901234.56").is_err());
        assert!(MajorAmount::new("1e3").is_err());
        assert!(MajorAmount::new("-1").is_err());
        assert!(MajorAmount::new("").is_err());
    }
}
