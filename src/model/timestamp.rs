//! `authenticated_at`: when an authentication took place, as RFC 3339 in UTC.
//!
//! PSPs date their documents differently (Paysafe `txnTime` and Checkout `created_on` as
//! RFC 3339 with or without milliseconds or an offset, Mangopay `CreationDate` as Unix
//! seconds). The model holds one spelling, `2024-05-01T10:20:30Z` (milliseconds kept when the
//! PSP sent them), so downstream jobs compare strings, and the liability rules read its date.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// An RFC 3339 timestamp (any offset, with or without fractional seconds) as UTC RFC 3339;
/// `None` when it is not one.
pub fn from_rfc3339(text: &str) -> Option<String> {
    let parsed = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    let utc = parsed.with_timezone(&Utc);
    let format = if utc.timestamp_subsec_millis() == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::Millis
    };
    Some(utc.to_rfc3339_opts(format, true))
}

/// Unix seconds as UTC RFC 3339; `None` outside chrono's range.
pub fn from_unix_seconds(seconds: i64) -> Option<String> {
    DateTime::<Utc>::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The UTC date of an `authenticated_at` value.
pub fn date_of(authenticated_at: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(authenticated_at)
        .ok()
        .map(|t| t.with_timezone(&Utc).date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_fractions_become_one_utc_spelling() {
        assert_eq!(
            from_rfc3339("2023-04-26T12:09:41.897Z").as_deref(),
            Some("2023-04-26T12:09:41.897Z")
        );
        assert_eq!(
            from_rfc3339("2019-04-24T20:11:06+02:00").as_deref(),
            Some("2019-04-24T18:11:06Z")
        );
        assert_eq!(from_rfc3339("yesterday"), None);
        assert_eq!(
            from_unix_seconds(1_700_000_000).as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(
            date_of("2021-10-15T23:30:00Z"),
            NaiveDate::from_ymd_opt(2021, 10, 15)
        );
    }
}
