//! Amounts in minor units, and exact conversion to and from PXP's major-unit decimals.

use serde::{Deserialize, Serialize};

/// An amount in minor units of an ISO 4217 currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// The amount in the currency's minor units (cents for EUR, yen for JPY).
    pub value: u64,
    /// The ISO 4217 alphabetic code, as the PSP gave it (`EUR`).
    pub currency: String,
}

/// A major-unit amount that cannot be carried exactly in minor units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The text is not an unsigned decimal (a sign, an exponent or a letter); holds it.
    #[error("'{0}' is not a decimal amount")]
    NotDecimal(String),
    /// The amount has more decimals than the currency has minor units, so it cannot be
    /// carried without rounding money.
    #[error("'{amount}' has more decimals than {currency} allows ({exponent})")]
    TooPrecise {
        /// The amount as given.
        amount: String,
        /// The currency it was read in.
        currency: String,
        /// The currency's number of minor-unit digits.
        exponent: u32,
    },
    /// The amount in minor units does not fit in 64 bits; holds the amount as given.
    #[error("'{0}' is too large")]
    Overflow(String),
}

/// ISO 4217 minor-unit exponent. Two for every currency not listed.
pub fn currency_exponent(currency: &str) -> u32 {
    match currency.to_ascii_uppercase().as_str() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// Converts a major-unit decimal (`"29.99"`) to minor units, exactly, without floats.
pub fn major_to_minor(amount: &str, currency: &str) -> Result<u64, MoneyError> {
    let exponent = currency_exponent(currency);
    let text = amount.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) {
        return Err(MoneyError::NotDecimal(amount.to_owned()));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > exponent as usize {
        return Err(MoneyError::TooPrecise {
            amount: amount.to_owned(),
            currency: currency.to_owned(),
            exponent,
        });
    }
    let scaled = format!("{whole}{frac:0<width$}", width = exponent as usize);
    scaled
        .parse::<u64>()
        .map_err(|_| MoneyError::Overflow(amount.to_owned()))
}

/// Converts minor units to the major-unit decimal text PXP expects (`2999` EUR → `"29.99"`).
pub fn minor_to_major(value: u64, currency: &str) -> String {
    let exponent = currency_exponent(currency) as usize;
    if exponent == 0 {
        return value.to_string();
    }
    let digits = format!("{value:0>width$}", width = exponent + 1);
    let (whole, frac) = digits.split_at(digits.len() - exponent);
    format!("{whole}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_to_minor_is_exact() {
        assert_eq!(major_to_minor("29.99", "EUR"), Ok(2999));
        assert_eq!(major_to_minor("29.9", "EUR"), Ok(2990));
        assert_eq!(major_to_minor("100", "JPY"), Ok(100));
        assert_eq!(major_to_minor("1.234", "KWD"), Ok(1234));
        assert_eq!(major_to_minor("0.10", "USD"), Ok(10));
        assert!(matches!(
            major_to_minor("1.001", "EUR"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            major_to_minor("1.5", "JPY"),
            Err(MoneyError::TooPrecise { .. })
        ));
        assert!(matches!(
            major_to_minor("-1", "EUR"),
            Err(MoneyError::NotDecimal(_))
        ));
        assert!(matches!(
            major_to_minor("1e3", "EUR"),
            Err(MoneyError::NotDecimal(_))
        ));
    }

    #[test]
    fn minor_to_major_pads() {
        assert_eq!(minor_to_major(2999, "EUR"), "29.99");
        assert_eq!(minor_to_major(5, "EUR"), "0.05");
        assert_eq!(minor_to_major(1234, "KWD"), "1.234");
        assert_eq!(minor_to_major(100, "JPY"), "100");
    }
}
