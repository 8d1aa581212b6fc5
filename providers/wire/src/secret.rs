//! Secret values: card numbers, CVVs, authentication values (CAVV), API keys and session
//! secrets.
//!
//! A [`Secret`] never shows its value through `Debug` or `Display`. Serializing one writes a
//! redaction marker unless the caller is inside [`with_secrets_revealed`]: a request that must
//! reach a PSP is serialized inside that scope, and every other serialization (logs, CLI
//! output, error reports) is safe by default. A [`CardNumber`] redacts to its BIN and last four
//! digits, the most a PCI scope allows to be shown.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell;
use std::fmt;

/// What a redacted secret serializes as.
pub const REDACTED: &str = "[redacted]";

thread_local! {
    static REVEAL: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with secrets serializing to their real values on this thread.
///
/// The previous setting is restored afterwards, also when `f` panics, so a reveal scope can
/// never leak into unrelated serialization.
pub fn with_secrets_revealed<R>(f: impl FnOnce() -> R) -> R {
    with_reveal(true, f)
}

/// Runs `f` with secrets redacted on this thread, even inside a reveal scope: for what is
/// printed (`Debug`, `Display`, logs), which must never show a secret whoever calls it.
pub fn with_secrets_redacted<R>(f: impl FnOnce() -> R) -> R {
    with_reveal(false, f)
}

fn with_reveal<R>(reveal: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            REVEAL.with(|r| r.set(self.0));
        }
    }
    let _restore = Restore(REVEAL.with(|r| r.replace(reveal)));
    f()
}

fn revealing() -> bool {
    REVEAL.with(Cell::get)
}

/// A string that must not be printed: CVV, CAVV / cryptogram, keys, tokens, session secrets.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The real value. Call sites are easy to audit: grep for `expose`.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if revealing() {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str(REDACTED)
        }
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Some PSPs send numeric secrets (a CVV as a number); keep the text either way.
        crate::NumOrStr::deserialize(d).map(|v| Secret(v.into_string()))
    }
}

/// A primary account number (or network token PAN). Redacts to BIN and last four.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct CardNumber(Secret);

impl CardNumber {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Secret::new(value))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The issuer identification number: the first six digits, when the number is long
    /// enough for a BIN to be non-identifying.
    pub fn bin(&self) -> Option<&str> {
        let n = self.0.expose();
        (n.len() >= 13 && n.is_ascii()).then(|| &n[..6])
    }

    pub fn last4(&self) -> Option<&str> {
        let n = self.0.expose();
        (n.len() >= 13 && n.is_ascii()).then(|| &n[n.len() - 4..])
    }

    /// `BIN******LAST4`, or the plain redaction marker for values too short to mask safely.
    pub fn masked(&self) -> String {
        match (self.bin(), self.last4()) {
            (Some(bin), Some(last4)) => {
                let hidden = self.0.len() - 10;
                format!("{bin}{}{last4}", "*".repeat(hidden))
            }
            _ => REDACTED.to_owned(),
        }
    }
}

/// The Luhn (mod 10) check digit test. False for an empty string or any non-digit.
pub fn luhn_valid(number: &str) -> bool {
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            match (i % 2 == 1, d * 2) {
                (true, x) if x > 9 => x - 9,
                (true, x) => x,
                (false, _) => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for CardNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if revealing() {
            s.serialize_str(self.expose())
        } else {
            s.serialize_str(&self.masked())
        }
    }
}

impl<'de> Deserialize<'de> for CardNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Secret::deserialize(d).map(CardNumber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_numbers_only() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid("4970105181818183"));
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("42424242x4242424"));
        assert!(!luhn_valid(""));
    }

    #[test]
    fn debug_display_and_default_serialization_redact() {
        let s = Secret::new("MTIzNDU2Nzg5MDA5ODc2NTQzMjE=");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"[redacted]\"");
    }

    #[test]
    fn reveal_scope_serializes_the_value_and_then_ends() {
        let s = Secret::new("abc");
        let inside = with_secrets_revealed(|| serde_json::to_string(&s).unwrap());
        assert_eq!(inside, "\"abc\"");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"[redacted]\"");
    }

    #[test]
    fn card_numbers_mask_to_bin_and_last_four() {
        let pan = CardNumber::new("4485040371536584");
        assert_eq!(pan.masked(), "448504******6584");
        assert_eq!(format!("{pan:?}"), "448504******6584");
        assert_eq!(CardNumber::new("4242").masked(), REDACTED);
    }

    #[test]
    fn numeric_secret_is_kept_as_text() {
        let s: Secret = serde_json::from_str("123").unwrap();
        assert_eq!(s.expose(), "123");
    }
}
