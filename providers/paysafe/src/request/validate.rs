//! What Paysafe requires of the authentication request:
//! [`Validate`](threeds_wire::Validate) against every documented limit (the smaller one
//! where the blueprint's tables and data structures disagree).

use super::{
    AuthenticationRequest, BillingDetails, BrowserDetails, Card, OrderItemDetails, ShippingDetails,
    UserAccountDetails, MAX_AMOUNT,
};
use crate::enums::*;
use threeds_wire::validate::join;
use threeds_wire::{CardNumber, FieldViolation, NumOrStr, Problem, Validate, Violations};

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, `Z` or `±HH:MM`.
pub fn is_date_time(s: &str) -> bool {
    if s.len() < 20 || !s.is_char_boundary(10) || !is_date(&s[..10]) {
        return false;
    }
    let rest = &s[10..];
    let b = rest.as_bytes();
    if b[0] != b'T' && b[0] != b't' {
        return false;
    }
    let time = &b[1..];
    let two =
        |i: usize| time.len() > i + 1 && time[i].is_ascii_digit() && time[i + 1].is_ascii_digit();
    if !(two(0) && time.get(2) == Some(&b':') && two(3) && time.get(5) == Some(&b':') && two(6)) {
        return false;
    }
    let mut zone = &time[8..];
    if zone.first() == Some(&b'.') {
        let n = zone[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        zone = &zone[1 + n..];
    }
    match zone {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn is_alpha(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase())
}

fn date(v: &mut Violations, path: &str, value: Option<&String>) {
    v.check(
        path,
        value.map(String::as_str),
        "a date YYYY-MM-DD",
        is_date,
    );
}

fn date_time(v: &mut Violations, path: &str, value: Option<&String>) {
    v.check(
        path,
        value.map(String::as_str),
        "an RFC 3339 date-time (2014-01-26T10:32:28Z)",
        is_date_time,
    );
}

fn max(v: &mut Violations, path: &str, value: Option<u64>, max: u64) {
    if let Some(actual) = value {
        if actual > max {
            v.push(
                path,
                Problem::OutOfRange {
                    min: 0,
                    max: i64::try_from(max).unwrap_or(i64::MAX),
                    actual: i64::try_from(actual).unwrap_or(i64::MAX),
                },
            );
        }
    }
}

fn bytes(v: &mut Violations, path: &str, value: Option<&String>, max: usize) {
    if let Some(s) = value {
        if s.len() > max {
            v.push(
                path,
                Problem::Invalid {
                    expected: format!("at most {max} bytes (has {})", s.len()),
                },
            );
        }
    }
}

fn len(v: &mut Violations, path: &str, value: Option<&String>, min: usize, max: usize) {
    v.length(path, value.map(String::as_str), min, max);
}

impl Validate for AuthenticationRequest {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        let p = |f: &str| f.to_owned();

        v.require(
            "deviceFingerprintingId",
            self.device_fingerprinting_id.as_ref(),
        );
        len(
            &mut v,
            "deviceFingerprintingId",
            self.device_fingerprinting_id.as_ref(),
            1,
            36,
        );
        v.require("merchantRefNum", self.merchant_ref_num.as_ref());
        len(
            &mut v,
            "merchantRefNum",
            self.merchant_ref_num.as_ref(),
            1,
            255,
        );
        v.require("amount", self.amount.as_ref());
        max(&mut v, "amount", self.amount, MAX_AMOUNT);
        v.require("currency", self.currency.as_ref());
        v.check(
            "currency",
            self.currency.as_deref(),
            "an ISO 4217 code (3 upper-case letters)",
            |c: &str| is_alpha(c, 3),
        );
        v.require("card", self.card.as_ref());
        if let Some(card) = &self.card {
            card.check("card", &mut v);
        }
        v.require("merchantUrl", self.merchant_url.as_ref());
        len(&mut v, "merchantUrl", self.merchant_url.as_ref(), 1, 2048);
        v.require(
            "authenticationPurpose",
            self.authentication_purpose.as_ref(),
        );
        v.documented(
            "authenticationPurpose",
            self.authentication_purpose.as_ref(),
        );
        v.require("deviceChannel", self.device_channel.as_ref());
        v.documented("deviceChannel", self.device_channel.as_ref());
        v.require("messageCategory", self.message_category.as_ref());
        v.documented("messageCategory", self.message_category.as_ref());
        v.documented(
            "requestorChallengePreference",
            self.requestor_challenge_preference.as_ref(),
        );
        v.documented("transactionIntent", self.transaction_intent.as_ref());

        // Conditional requirements (blueprint "Common and Complex JSON Objects" notes).
        let purpose = self.authentication_purpose.as_ref();
        let instalment = purpose == Some(&AuthenticationPurpose::InstalmentTransaction);
        let recurring = purpose == Some(&AuthenticationPurpose::RecurringTransaction);
        if instalment {
            v.require(
                "maxAuthorizationsForInstalmentPayment",
                self.max_authorizations_for_instalment_payment.as_ref(),
            );
        }
        max(
            &mut v,
            "maxAuthorizationsForInstalmentPayment",
            self.max_authorizations_for_instalment_payment,
            999,
        );
        if (instalment || recurring)
            && self.message_category.as_ref() == Some(&MessageCategory::NonPayment)
        {
            v.require("initialPurchaseTime", self.initial_purchase_time.as_ref());
        }
        date_time(
            &mut v,
            "initialPurchaseTime",
            self.initial_purchase_time.as_ref(),
        );
        if instalment || recurring {
            v.require("billingCycle", self.billing_cycle.as_ref());
        }
        if let Some(bc) = &self.billing_cycle {
            v.require("billingCycle.endDate", bc.end_date.as_ref());
            date(&mut v, "billingCycle.endDate", bc.end_date.as_ref());
            v.require("billingCycle.frequency", bc.frequency.as_ref());
            max(&mut v, "billingCycle.frequency", bc.frequency, 9999);
        }
        if let Some(ed) = &self.electronic_delivery {
            v.require(
                "electronicDelivery.isElectronicDelivery",
                ed.is_electronic_delivery.as_ref(),
            );
            len(
                &mut v,
                "electronicDelivery.email",
                ed.email.as_ref(),
                0,
                240,
            );
            if self.shipping_details.is_some() {
                v.push(
                    "electronicDelivery",
                    Problem::Invalid {
                        expected: "either electronicDelivery or shippingDetails, not both \
                                   (the blueprint documents them as mutually exclusive)"
                            .to_owned(),
                    },
                );
            }
        }
        if let Some(o) = &self.order_item_details {
            o.check("orderItemDetails", &mut v);
        }
        if let Some(g) = &self.purchased_gift_card_details {
            max(
                &mut v,
                "purchasedGiftCardDetails.amount",
                g.amount,
                MAX_AMOUNT,
            );
            max(&mut v, "purchasedGiftCardDetails.count", g.count, 99);
            v.check(
                "purchasedGiftCardDetails.currency",
                g.currency.as_deref(),
                "an ISO 4217 code (3 upper-case letters)",
                |c: &str| is_alpha(c, 3),
            );
        }
        if let Some(b) = &self.browser_details {
            b.check("browserDetails", &mut v);
        }
        if let Some(u) = &self.user_account_details {
            u.check("userAccountDetails", &mut v);
        }
        let tokenized = self
            .card
            .as_ref()
            .is_some_and(|c| c.payment_token.is_some());
        if self.card.is_some() && !tokenized {
            v.require("billingDetails", self.billing_details.as_ref());
        }
        if let Some(b) = &self.billing_details {
            b.check("billingDetails", &mut v);
        }
        if let Some(s) = &self.shipping_details {
            s.check("shippingDetails", &mut v);
        }
        if let Some(pr) = &self.profile {
            len(&mut v, "profile.email", pr.email.as_ref(), 0, 255);
            len(&mut v, "profile.phone", pr.phone.as_ref(), 0, 40);
            len(&mut v, "profile.cellPhone", pr.cell_phone.as_ref(), 0, 40);
            len(
                &mut v,
                "profile.cellphone",
                pr.cellphone_lowercase.as_ref(),
                0,
                40,
            );
        }
        len(
            &mut v,
            &p("threeDSecureServerTransactionId"),
            self.three_d_secure_server_transaction_id.as_ref(),
            36,
            36,
        );
        len(&mut v, "merchantName", self.merchant_name.as_ref(), 1, 25);
        v.check(
            "mcc",
            self.mcc.as_deref(),
            "a 4-digit merchant category code",
            |m: &str| m.len() == 4 && m.bytes().all(|b| b.is_ascii_digit()),
        );
        v.into_vec()
    }
}

impl Card {
    fn check(&self, path: &str, v: &mut Violations) {
        let at = |f: &str| join(path, f);
        if let Some(token) = &self.payment_token {
            v.length(&at("paymentToken"), Some(token.expose()), 1, 80);
            if self.card_num.is_some() || self.card_expiry.is_some() {
                v.push(
                    at("paymentToken"),
                    Problem::Invalid {
                        expected: "either paymentToken or card details (cardNum, cardExpiry), \
                                   not both"
                            .to_owned(),
                    },
                );
            }
            return;
        }
        v.require(&at("holderName"), self.holder_name.as_ref());
        len(v, &at("holderName"), self.holder_name.as_ref(), 1, 45);
        v.require(&at("cardNum"), self.card_num.as_ref());
        v.check(
            &at("cardNum"),
            self.card_num.as_ref(),
            "8 to 20 digits",
            |n: &CardNumber| {
                let n = n.expose();
                (8..=20).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
            },
        );
        v.require(&at("cardExpiry"), self.card_expiry.as_ref());
        if let Some(exp) = &self.card_expiry {
            v.require(&at("cardExpiry.month"), exp.month.as_ref());
            v.check(
                &at("cardExpiry.month"),
                exp.month.as_ref(),
                "a month 1 to 12",
                |m: &NumOrStr| m.as_u64().is_some_and(|m| (1..=12).contains(&m)),
            );
            v.require(&at("cardExpiry.year"), exp.year.as_ref());
            v.check(
                &at("cardExpiry.year"),
                exp.year.as_ref(),
                "a four-digit year",
                |y: &NumOrStr| {
                    let t = y.as_str().trim();
                    t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())
                },
            );
        }
        len(v, &at("cardBin"), self.card_bin.as_ref(), 0, 6);
        len(v, &at("lastDigits"), self.last_digits.as_ref(), 4, 4);
        v.documented(&at("type"), self.card_type.as_ref());
    }
}

impl OrderItemDetails {
    fn check(&self, path: &str, v: &mut Violations) {
        let at = |f: &str| join(path, f);
        date(
            v,
            &at("preOrderItemAvailabilityDate"),
            self.pre_order_item_availability_date.as_ref(),
        );
        v.documented(
            &at("preOrderPurchaseIndicator"),
            self.pre_order_purchase_indicator.as_ref(),
        );
        v.documented(
            &at("reorderItemsIndicator"),
            self.reorder_items_indicator.as_ref(),
        );
        v.documented(&at("shippingIndicator"), self.shipping_indicator.as_ref());
    }
}

impl BrowserDetails {
    fn check(&self, path: &str, v: &mut Violations) {
        let at = |f: &str| join(path, f);
        v.require(&at("acceptHeader"), self.accept_header.as_ref());
        len(v, &at("acceptHeader"), self.accept_header.as_ref(), 1, 2048);
        v.require(&at("colorDepthBits"), self.color_depth_bits.as_ref());
        v.documented(&at("colorDepthBits"), self.color_depth_bits.as_ref());
        v.require(&at("customerIp"), self.customer_ip.as_ref());
        v.check(
            &at("customerIp"),
            self.customer_ip.as_deref(),
            "a valid IPv4 or IPv6 address",
            |ip: &str| ip.parse::<std::net::IpAddr>().is_ok(),
        );
        v.require(&at("javaEnabled"), self.java_enabled.as_ref());
        v.require(&at("javascriptEnabled"), self.javascript_enabled.as_ref());
        v.require(&at("language"), self.language.as_ref());
        len(v, &at("language"), self.language.as_ref(), 1, 8);
        v.require(&at("screenHeight"), self.screen_height.as_ref());
        max(v, &at("screenHeight"), self.screen_height, 999_999);
        v.require(&at("screenWidth"), self.screen_width.as_ref());
        max(v, &at("screenWidth"), self.screen_width, 999_999);
        v.require(&at("timezoneOffset"), self.timezone_offset.as_ref());
        // Documented as `max=99999`; offsets east of UTC are negative in the JavaScript
        // convention Paysafe follows, so the bound is read as five digits either side.
        v.range(&at("timezoneOffset"), self.timezone_offset, -99_999, 99_999);
        v.require(&at("userAgent"), self.user_agent.as_ref());
        len(v, &at("userAgent"), self.user_agent.as_ref(), 1, 256);
    }
}

impl UserAccountDetails {
    fn check(&self, path: &str, v: &mut Violations) {
        let at = |f: &str| join(path, f);
        max(
            v,
            &at("addCardAttemptsForLastDay"),
            self.add_card_attempts_for_last_day,
            999,
        );
        date(v, &at("changedDate"), self.changed_date.as_ref());
        v.documented(&at("changedRange"), self.changed_range.as_ref());
        date(v, &at("createdDate"), self.created_date.as_ref());
        v.documented(&at("createdRange"), self.created_range.as_ref());
        date(
            v,
            &at("passwordChangedDate"),
            self.password_changed_date.as_ref(),
        );
        v.documented(
            &at("passwordChangedRange"),
            self.password_changed_range.as_ref(),
        );
        if let Some(pa) = &self.payment_account_details {
            let at = |f: &str| join(&join(path, "paymentAccountDetails"), f);
            v.documented(&at("createdRange"), pa.created_range.as_ref());
            date(v, &at("createdDate"), pa.created_date.as_ref());
        }
        if let Some(prior) = &self.prior_three_ds_authentication {
            let at = |f: &str| join(&join(path, "priorThreeDSAuthentication"), f);
            bytes(v, &at("data"), prior.data.as_ref(), 2048);
            v.documented(&at("method"), prior.method.as_ref());
            len(v, &at("id"), prior.id.as_ref(), 1, 36);
            date_time(v, &at("time"), prior.time.as_ref());
        }
        if let Some(usage) = &self.shipping_details_usage {
            let at = |f: &str| join(&join(path, "shippingDetailsUsage"), f);
            date(
                v,
                &at("initialUsageDate"),
                usage.initial_usage_date.as_ref(),
            );
            v.documented(&at("initialUsageRange"), usage.initial_usage_range.as_ref());
        }
        max(
            v,
            &at("totalPurchasesSixMonthCount"),
            self.total_purchases_six_month_count,
            9999,
        );
        max(
            v,
            &at("transactionCountForPreviousDay"),
            self.transaction_count_for_previous_day,
            999,
        );
        max(
            v,
            &at("transactionCountForPreviousYear"),
            self.transaction_count_for_previous_year,
            999,
        );
        if let Some(t) = &self.travel_details {
            let at = |f: &str| join(&join(path, "travelDetails"), f);
            if t.is_air_travel == Some(true) {
                v.require(&at("airlineCarrier"), t.airline_carrier.as_ref());
                v.require(&at("departureDate"), t.departure_date.as_ref());
                v.require(&at("destination"), t.destination.as_ref());
                v.require(&at("origin"), t.origin.as_ref());
                v.require(&at("passengerFirstName"), t.passenger_first_name.as_ref());
                v.require(&at("passengerLastName"), t.passenger_last_name.as_ref());
            }
            len(v, &at("airlineCarrier"), t.airline_carrier.as_ref(), 1, 256);
            date(v, &at("departureDate"), t.departure_date.as_ref());
            len(v, &at("destination"), t.destination.as_ref(), 1, 5);
            len(v, &at("origin"), t.origin.as_ref(), 1, 5);
            len(
                v,
                &at("passengerFirstName"),
                t.passenger_first_name.as_ref(),
                1,
                99,
            );
            len(
                v,
                &at("passengerLastName"),
                t.passenger_last_name.as_ref(),
                1,
                99,
            );
        }
        if let Some(login) = &self.user_login {
            let at = |f: &str| join(&join(path, "userLogin"), f);
            v.documented(
                &at("authenticationMethod"),
                login.authentication_method.as_ref(),
            );
            bytes(v, &at("data"), login.data.as_ref(), 2048);
            date_time(v, &at("time"), login.time.as_ref());
        }
    }
}

pub(super) fn country(v: &mut Violations, path: &str, value: Option<&String>) {
    v.check(
        path,
        value.map(String::as_str),
        "an ISO 3166-1 alpha-2 country code",
        |c: &str| is_alpha(c, 2),
    );
}

impl BillingDetails {
    fn check(&self, path: &str, v: &mut Violations) {
        let at = |f: &str| join(path, f);
        len(v, &at("street"), self.street.as_ref(), 0, 50);
        len(v, &at("street2"), self.street2.as_ref(), 0, 50);
        len(v, &at("city"), self.city.as_ref(), 0, 40);
        // Table: <=40; data structure: exactly 2 (US/CA state codes). The smaller is sent.
        len(v, &at("state"), self.state.as_ref(), 0, 2);
        country(v, &at("country"), self.country.as_ref());
        len(v, &at("zip"), self.zip.as_ref(), 0, 10);
    }
}

impl ShippingDetails {
    fn check(&self, path: &str, v: &mut Violations) {
        let at = |f: &str| join(path, f);
        v.documented(&at("shipMethod"), self.ship_method.as_ref());
        len(v, &at("street"), self.street.as_ref(), 0, 50);
        // Table and portal: <=255; data structure: <=50. The smaller is sent.
        len(v, &at("street2"), self.street2.as_ref(), 0, 50);
        len(v, &at("city"), self.city.as_ref(), 0, 40);
        len(v, &at("state"), self.state.as_ref(), 0, 40);
        country(v, &at("country"), self.country.as_ref());
        len(v, &at("zip"), self.zip.as_ref(), 0, 10);
    }
}
