//! Objects shared by the pay-in request and response: money, addresses, browser data, and
//! the enums Mangopay uses in both.

use serde::{Deserialize, Serialize, Serializer};
use threeds_wire::NumOrStr;

threeds_wire::open_enum! {
    /// `SecureMode`: how strongly the platform asks for SCA. The issuer has the final word
    /// either way (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin). Mangopay may switch `DEFAULT` to `FORCE` above the
    /// platform's Maximum Frictionless Amount or on risk (docs.mangopay.com/guides/payment-methods/card/3ds).
    pub enum SecureMode {
        /// Ask for an exemption / frictionless flow where the contract allows it.
        Default = "DEFAULT",
        /// Ask for SCA (the retry after a 101305 soft decline).
        Force = "FORCE",
        /// Let the issuer decide.
        NoChoice = "NO_CHOICE",
    }
}

threeds_wire::open_enum! {
    /// `PreferredCardNetwork`: the network the platform wants a co-branded card routed on.
    pub enum CardNetwork {
        Visa = "VISA",
        Mastercard = "MASTERCARD",
        Cb = "CB",
        Maestro = "MAESTRO",
    }
}

threeds_wire::open_enum! {
    /// `PaymentCategory`. `TelephoneOrder` is MOTO: out of SCA scope, needs activation, and
    /// liability always stays with the platform (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin).
    pub enum PaymentCategory {
        ECommerce = "ECommerce",
        TelephoneOrder = "TelephoneOrder",
    }
}

threeds_wire::open_enum! {
    /// `Requested3DSVersion` / `Applied3DSVersion`. Mangopay introduced the enum with 3DS2
    /// (SDK release notes: "versions of 3DS protocols ... V1, V2_1") and never added a
    /// `V2_2`: `V2_1` is its only 3DS2 value.
    pub enum ThreeDsVersion {
        V1 = "V1",
        V2_1 = "V2_1",
    }
}

/// `{Currency, Amount}`. `Amount` is an integer in minor units (EUR 12.60 is `1260`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    #[serde(rename = "Currency", default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Kept as written: Mangopay sends integers, but a float or string in a recorded document
    /// must not make the whole pay-in unreadable.
    #[serde(rename = "Amount", default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<NumOrStr>,
}

impl Money {
    pub fn new(currency: impl Into<String>, amount: u64) -> Self {
        Self {
            currency: Some(currency.into()),
            amount: Some(NumOrStr::number(amount)),
        }
    }
}

/// A postal address. Mangopay sends every field as null when none was given (the 008003
/// and 008511 examples), so all are optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    #[serde(
        rename = "AddressLine1",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_line1: Option<String>,
    #[serde(
        rename = "AddressLine2",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub address_line2: Option<String>,
    #[serde(rename = "City", default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(rename = "Region", default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(
        rename = "PostalCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(rename = "Country", default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// `Billing` and `Shipping`: a name and an address. Each defaults from the other, else from
/// the author (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOrShipping {
    #[serde(rename = "FirstName", default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(rename = "LastName", default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(rename = "Address", default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
}

/// `BrowserInfo`: the EMV browser data. Every child is required in a request
/// (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin); the numbers are kept as written because responses echo whatever was stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserInfo {
    #[serde(
        rename = "AcceptHeader",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub accept_header: Option<String>,
    #[serde(
        rename = "JavaEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub java_enabled: Option<bool>,
    /// `en-US` or `en`: `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`.
    #[serde(rename = "Language", default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// One of 1, 4, 8, 15, 16, 24, 30, 32, 48.
    #[serde(
        rename = "ColorDepth",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub color_depth: Option<NumOrStr>,
    /// At most 6 characters.
    #[serde(
        rename = "ScreenHeight",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub screen_height: Option<NumOrStr>,
    /// At most 6 characters.
    #[serde(
        rename = "ScreenWidth",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub screen_width: Option<NumOrStr>,
    /// Minutes between UTC and the browser's local time, with JavaScript's
    /// `getTimezoneOffset()` sign (UTC minus local).
    #[serde(
        rename = "TimeZoneOffset",
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_signed"
    )]
    pub time_zone_offset: Option<NumOrStr>,
    /// At most 255 characters.
    #[serde(rename = "UserAgent", default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(
        rename = "JavascriptEnabled",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub javascript_enabled: Option<bool>,
}

/// A signed integer from a [`NumOrStr`], when it is one (`TimeZoneOffset` can be negative,
/// which `NumOrStr::as_u64` cannot read).
pub fn as_i64(value: &NumOrStr) -> Option<i64> {
    value.as_str().trim().parse().ok()
}

/// Writes a negative number that was read as a number back as a number: `NumOrStr` writes
/// only unsigned values as numbers, and `TimeZoneOffset` is negative for browsers east of
/// UTC (`-180` in the 101304 example).
fn serialize_signed<S: Serializer>(value: &Option<NumOrStr>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(n) if n.was_number() => match as_i64(n) {
            Some(i) => s.serialize_i64(i),
            None => n.serialize(s),
        },
        Some(n) => n.serialize(s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_time_zone_offsets_round_trip_as_numbers() {
        let b: BrowserInfo = serde_json::from_str(r#"{"TimeZoneOffset":-180}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"TimeZoneOffset":-180}"#
        );
        let b: BrowserInfo = serde_json::from_str(r#"{"TimeZoneOffset":"-60"}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"TimeZoneOffset":"-60"}"#
        );
    }
}
