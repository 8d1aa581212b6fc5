//! `POST /threedsecure/v2/accounts/{account_id}/authentications`: the request body.
//!
//! Field names and limits are the blueprint's ("Common and Complex JSON Objects" tables and
//! "Data Structures"), cross-checked with the developer-portal request page. Where the two
//! disagree the *smaller* limit is checked, so a request that validates here is accepted by
//! either reading (the blueprint's own tables disagree): `billingDetails.state` exactly 2 characters (data
//! structure) rather than 40 (table), `shippingDetails.street2` 50 rather than 255.
//!
//! The nested objects are shared with the response, which echoes them; they are lenient
//! where Paysafe's own examples are (`cardExpiry` month and year as numbers or strings).

mod validate;

pub use validate::{is_date, is_date_time};

use crate::enums::*;
use serde::{Deserialize, Serialize};
use threeds_wire::{CardNumber, NumOrStr, Secret};

/// Largest `amount` (minor units) Paysafe accepts.
pub const MAX_AMOUNT: u64 = 99_999_999_999;

/// The authentication request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticationRequest {
    /// From the JS SDK `start()` or the mobile `/jwt` + Cardinal flow; the only way to get
    /// one is Paysafe's client SDK (Paysafe 3D Secure 2 API blueprint, "Using the API"; Paysafe mobile SDKs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_fingerprinting_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_ref_num: Option<String>,
    /// Minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_purpose: Option<AuthenticationPurpose>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_channel: Option<DeviceChannel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_category: Option<MessageCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requestor_challenge_preference: Option<ChallengePreference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_intent: Option<TransactionIntent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_authorizations_for_instalment_payment: Option<u64>,
    /// RFC 3339 date-time. (Paysafe's prose says `YYYY-MM-DD-THH:MM:SSZ` with a stray
    /// hyphen; every example is plain ISO 8601, Paysafe 3D Secure 2 API blueprint.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_purchase_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_cycle: Option<BillingCycle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub electronic_delivery: Option<ElectronicDelivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_item_details: Option<OrderItemDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchased_gift_card_details: Option<PurchasedGiftCardDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_details: Option<BrowserDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_account_details: Option<UserAccountDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<BillingDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_details: Option<ShippingDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    #[serde(
        rename = "threeDSecureServerTransactionId",
        skip_serializing_if = "Option::is_none"
    )]
    pub three_d_secure_server_transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcc: Option<String>,
}

/// `card`: either a `paymentToken` alone or the card details ("One of" in the blueprint).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Card {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_token: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_num: Option<CardNumber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_expiry: Option<CardExpiry>,
    /// Response only in practice: the first six digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_bin: Option<String>,
    /// Read-only, returned in the response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_digits: Option<String>,
    /// Read-only, returned in the response.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub card_type: Option<CardType>,
}

/// `cardExpiry`. The blueprint's table example has numbers, its object example strings
/// (`"month": "12"`), so both are read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CardExpiry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<NumOrStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<NumOrStr>,
}

/// `billingCycle`: required for recurring and instalment purposes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingCycle {
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Minimum days between authorizations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<u64>,
}

/// `electronicDelivery`: mutually exclusive with `shippingDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElectronicDelivery {
    /// The blueprint's object example sends `"true"` as a string; both are read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_bool"
    )]
    pub is_electronic_delivery: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `orderItemDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderItemDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_order_item_availability_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_order_purchase_indicator: Option<PreOrderPurchaseIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reorder_items_indicator: Option<ReorderItemsIndicator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_indicator: Option<ShippingIndicator>,
}

/// `purchasedGiftCardDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PurchasedGiftCardDetails {
    /// Minor units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// `browserDetails`: every field is required once the object is sent. Not needed when
/// Paysafe's SDK did the device fingerprinting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color_depth_bits: Option<ColorDepthBits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub java_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub javascript_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_height: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screen_width: Option<u64>,
    /// Minutes between UTC and local time, JavaScript `getTimezoneOffset()` sign (the
    /// example's 240 is UTC-4). Negative east of UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone_offset: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// `userAccountDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAccountDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_card_attempts_for_last_day: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_range: Option<ChangedRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_range: Option<CreatedRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_changed_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_changed_range: Option<PasswordChangedRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_account_details: Option<PaymentAccountDetails>,
    #[serde(
        rename = "priorThreeDSAuthentication",
        skip_serializing_if = "Option::is_none"
    )]
    pub prior_three_ds_authentication: Option<PriorThreeDsAuthentication>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_details_usage: Option<ShippingDetailsUsage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspicious_account_activity: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_purchases_six_month_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_count_for_previous_day: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_count_for_previous_year: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub travel_details: Option<TravelDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_login: Option<UserLogin>,
}

/// `paymentAccountDetails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentAccountDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_range: Option<CreatedRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
}

/// `priorThreeDSAuthentication`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriorThreeDsAuthentication {
    /// Reserved; at most 2048 bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<PriorAuthenticationMethod>,
    /// For recurring payments, the id of the first authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// `shippingDetailsUsage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetailsUsage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_holder_name_match: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_usage_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_usage_range: Option<InitialUsageRange>,
}

/// `travelDetails` (Amex-specific). When `isAirTravel` is true every other field is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TravelDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_air_travel: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub airline_carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_last_name: Option<String>,
}

/// `userLogin`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLogin {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_method: Option<LoginAuthenticationMethod>,
    /// At most 2048 bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// `billingDetails`: required when the card is not a `paymentToken`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_as_shipping_address: Option<bool>,
}

/// `shippingDetails`: mutually exclusive with `electronicDelivery`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ship_method: Option<ShipMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
}

/// `profile`. The blueprint's data structure spells the mobile number `cellphone`, its
/// tables and every example `cellPhone`; both are read (kept apart so neither spelling is
/// lost), and `cellPhone` is what [`Profile::cell_phone`] prefers and builders write.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(rename = "cellPhone", skip_serializing_if = "Option::is_none")]
    pub cell_phone: Option<String>,
    #[serde(rename = "cellphone", skip_serializing_if = "Option::is_none")]
    pub cellphone_lowercase: Option<String>,
}

impl Profile {
    /// The mobile number under either spelling.
    pub fn cell_phone(&self) -> Option<&str> {
        self.cell_phone
            .as_deref()
            .or(self.cellphone_lowercase.as_deref())
    }
}

/// Reads `true`, `false`, `"true"` or `"false"`.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Text(t)) => match t.as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom("expected a boolean")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times() {
        assert!(is_date("2014-01-26"));
        assert!(!is_date("2014-13-26"));
        assert!(!is_date("26-01-2014"));
        assert!(is_date_time("2014-01-26T10:32:28Z"));
        assert!(is_date_time("2014-01-21T14:47:31.540Z"));
        assert!(is_date_time("2014-01-21T14:47:31+02:00"));
        assert!(!is_date_time("2014-01-26-T10:32:28Z"));
        assert!(!is_date_time("2014-01-26"));
        assert!(!is_date_time("2014-01-26T10:32:28"));
    }

    #[test]
    fn both_cell_phone_spellings_are_read() {
        let a: Profile = serde_json::from_str(r#"{"cellPhone":"1"}"#).unwrap();
        let b: Profile = serde_json::from_str(r#"{"cellphone":"2"}"#).unwrap();
        assert_eq!((a.cell_phone(), b.cell_phone()), (Some("1"), Some("2")));
    }

    #[test]
    fn electronic_delivery_flag_as_string() {
        let e: ElectronicDelivery =
            serde_json::from_str(r#"{"isElectronicDelivery":"true"}"#).unwrap();
        assert_eq!(e.is_electronic_delivery, Some(true));
    }
}
