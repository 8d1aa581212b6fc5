//! Risk data: `account_info` and `merchant_risk_info` (Checkout API reference,
//! `POST /sessions`) <-> the model's account and merchant risk indicator.

use crate::model::currency_exponent;
use crate::request::{
    quoted, AccountInfo, DeliveryTimeframe, GiftCard, MerchantRisk, Recency, RequestError,
    ShippingIndicator,
};
use threeds_checkout as cko;
use threeds_wire::NumOrStr;

use super::value_error;

/// A Checkout date-time (`2024-01-31T10:00:00Z`) as the model's date (`2024-01-31`).
fn date_of(d: &Option<String>) -> Option<String> {
    d.as_deref()
        .map(|d| d.split('T').next().unwrap_or(d).to_owned())
}

/// A model date as a Checkout date-time (start of the day, UTC); a date-time is kept.
fn datetime_of(d: &Option<String>) -> Option<String> {
    d.as_deref().map(|d| {
        if d.contains('T') {
            d.to_owned()
        } else {
            format!("{d}T00:00:00Z")
        }
    })
}

fn age_indicator(path: &str, a: &cko::AgeIndicator) -> Result<Recency, RequestError> {
    Ok(match a {
        cko::AgeIndicator::ThisTransaction => Recency::ThisTransaction,
        cko::AgeIndicator::LessThanThirtyDays => Recency::LessThan30Days,
        cko::AgeIndicator::ThirtyToSixtyDays => Recency::From30To60Days,
        cko::AgeIndicator::MoreThanSixtyDays => Recency::MoreThan60Days,
        cko::AgeIndicator::Unknown(v) => {
            return Err(value_error(
                path,
                format!("{} is not a Checkout age indicator", quoted(v)),
            ))
        }
    })
}

/// `None` for [`Recency::Never`], which these indicators have no value for.
fn write_age_indicator(r: Recency) -> Option<cko::AgeIndicator> {
    Some(match r {
        Recency::Never => return None,
        Recency::ThisTransaction => cko::AgeIndicator::ThisTransaction,
        Recency::LessThan30Days => cko::AgeIndicator::LessThanThirtyDays,
        Recency::From30To60Days => cko::AgeIndicator::ThirtyToSixtyDays,
        Recency::MoreThan60Days => cko::AgeIndicator::MoreThanSixtyDays,
    })
}

/// The account age: `cardholder_account_age_indicator`, or the older `account_age` (both
/// are EMV `chAccAgeInd`).
fn account_age(a: &cko::AccountInfo) -> Result<Option<Recency>, RequestError> {
    use cko::AccountAge as Old;
    use cko::CardholderAccountAgeIndicator as New;
    if let Some(n) = &a.cardholder_account_age_indicator {
        return Ok(Some(match n {
            New::NoAccount => Recency::Never,
            New::ThisTransaction => Recency::ThisTransaction,
            New::LessThanThirtyDays => Recency::LessThan30Days,
            New::ThirtyToSixtyDays => Recency::From30To60Days,
            New::MoreThanSixtyDays => Recency::MoreThan60Days,
            New::Unknown(v) => {
                return Err(value_error(
                    "account_info.cardholder_account_age_indicator",
                    format!("{} is not a Checkout account age", quoted(v)),
                ))
            }
        }));
    }
    a.account_age
        .as_ref()
        .map(|o| match o {
            Old::NoAccount => Ok(Recency::Never),
            Old::CreatedDuringTransaction => Ok(Recency::ThisTransaction),
            Old::LessThanThirtyDays => Ok(Recency::LessThan30Days),
            Old::ThirtyToSixtyDays => Ok(Recency::From30To60Days),
            Old::MoreThanSixtyDays => Ok(Recency::MoreThan60Days),
            Old::Unknown(v) => Err(value_error(
                "account_info.account_age",
                format!("{} is not a Checkout account age", quoted(v)),
            )),
        })
        .transpose()
}

pub(super) fn read_account(a: &cko::AccountInfo) -> Result<AccountInfo, RequestError> {
    use cko::PasswordChangeIndicator as Pw;
    Ok(AccountInfo {
        age: account_age(a)?,
        created: date_of(&a.account_date),
        changed_age: a
            .account_change_indicator
            .as_ref()
            .map(|i| age_indicator("account_info.account_change_indicator", i))
            .transpose()?,
        changed: date_of(&a.account_change),
        password_changed_age: a
            .account_password_change_indicator
            .as_ref()
            .map(|i| match i {
                Pw::NoChange => Ok(Recency::Never),
                Pw::ThisTransaction => Ok(Recency::ThisTransaction),
                Pw::LessThanThirtyDays => Ok(Recency::LessThan30Days),
                Pw::ThirtyToSixtyDays => Ok(Recency::From30To60Days),
                Pw::MoreThanSixtyDays => Ok(Recency::MoreThan60Days),
                Pw::Unknown(v) => Err(value_error(
                    "account_info.account_password_change_indicator",
                    format!("{} is not a Checkout password change indicator", quoted(v)),
                )),
            })
            .transpose()?,
        password_changed: date_of(&a.account_password_change),
        payment_account_age: None,
        payment_account_added: date_of(&a.payment_account_age),
        shipping_address_age: a
            .shipping_address_age
            .as_ref()
            .map(|i| age_indicator("account_info.shipping_address_age", i))
            .transpose()?,
        shipping_address_first_used: date_of(&a.shipping_address_usage),
        shipping_name_matches: a.account_name_matches_shipping_name,
        suspicious_activity: a.suspicious_account_activity,
        purchases_last_6_months: a.purchase_count,
        add_card_attempts_last_day: a.add_card_attempts,
        transactions_last_day: a.transactions_today,
        transactions_last_year: a.transactions_per_year,
    })
}

/// Writes both spellings of the account age, as the same EMV field.
pub(super) fn write_account(a: &AccountInfo) -> cko::AccountInfo {
    use cko::AccountAge as Old;
    use cko::CardholderAccountAgeIndicator as New;
    use cko::PasswordChangeIndicator as Pw;
    cko::AccountInfo {
        purchase_count: a.purchases_last_6_months,
        account_age: a.age.map(|r| match r {
            Recency::Never => Old::NoAccount,
            Recency::ThisTransaction => Old::CreatedDuringTransaction,
            Recency::LessThan30Days => Old::LessThanThirtyDays,
            Recency::From30To60Days => Old::ThirtyToSixtyDays,
            Recency::MoreThan60Days => Old::MoreThanSixtyDays,
        }),
        cardholder_account_age_indicator: a.age.map(|r| match r {
            Recency::Never => New::NoAccount,
            Recency::ThisTransaction => New::ThisTransaction,
            Recency::LessThan30Days => New::LessThanThirtyDays,
            Recency::From30To60Days => New::ThirtyToSixtyDays,
            Recency::MoreThan60Days => New::MoreThanSixtyDays,
        }),
        add_card_attempts: a.add_card_attempts_last_day,
        shipping_address_age: a.shipping_address_age.and_then(write_age_indicator),
        account_name_matches_shipping_name: a.shipping_name_matches,
        suspicious_account_activity: a.suspicious_activity,
        transactions_today: a.transactions_last_day,
        account_change: datetime_of(&a.changed),
        account_change_indicator: a.changed_age.and_then(write_age_indicator),
        account_date: datetime_of(&a.created),
        account_password_change: datetime_of(&a.password_changed),
        account_password_change_indicator: a.password_changed_age.map(|r| match r {
            Recency::Never => Pw::NoChange,
            Recency::ThisTransaction => Pw::ThisTransaction,
            Recency::LessThan30Days => Pw::LessThanThirtyDays,
            Recency::From30To60Days => Pw::ThirtyToSixtyDays,
            Recency::MoreThan60Days => Pw::MoreThanSixtyDays,
        }),
        transactions_per_year: a.transactions_last_year,
        payment_account_age: datetime_of(&a.payment_account_added),
        shipping_address_usage: datetime_of(&a.shipping_address_first_used),
        ..cko::AccountInfo::default()
    }
}

pub(super) fn read_risk(r: &cko::MerchantRiskInfo) -> Result<MerchantRisk, RequestError> {
    use cko::DeliveryTimeframe as D;
    use cko::ShippingIndicator as S;
    let path = |f: &str| format!("merchant_risk_info.{f}");
    let unknown = |f: &str, v: &str| {
        value_error(
            &path(f),
            format!("{} is not a documented Checkout value", quoted(v)),
        )
    };
    let reorder = match &r.reorder_items_indicator {
        Some(cko::ReorderItemsIndicator::FirstTimeOrdered) => Some(false),
        Some(cko::ReorderItemsIndicator::Reordered) => Some(true),
        Some(cko::ReorderItemsIndicator::Unknown(v)) => {
            return Err(unknown("reorder_items_indicator", v))
        }
        None => r.is_reorder,
    };
    let pre_order = match &r.pre_order_purchase_indicator {
        Some(cko::PreOrderPurchaseIndicator::MerchandiseAvailable) => Some(false),
        Some(cko::PreOrderPurchaseIndicator::FutureAvailability) => Some(true),
        Some(cko::PreOrderPurchaseIndicator::Unknown(v)) => {
            return Err(unknown("pre_order_purchase_indicator", v))
        }
        None => r.is_preorder,
    };
    let gift_card = (r.gift_card_amount.is_some()
        || r.gift_card_currency.is_some()
        || r.gift_card_count.is_some())
    .then(|| GiftCard {
        // Whole major units at Checkout; without a currency there is no exponent to
        // convert with, so the amount is left out (and reported) rather than guessed.
        amount: r.gift_card_amount.as_ref().and_then(|a| {
            let major: u64 = a.as_str().trim().parse().ok()?;
            let currency = r.gift_card_currency.as_deref()?;
            major.checked_mul(10u64.checked_pow(currency_exponent(currency))?)
        }),
        currency: r.gift_card_currency.clone(),
        count: r
            .gift_card_count
            .as_ref()
            .and_then(|c| c.as_str().trim().parse().ok()),
    });
    Ok(MerchantRisk {
        shipping_indicator: r
            .shipping_indicator
            .as_ref()
            .map(|s| {
                Ok(match s {
                    S::BillingAddress => ShippingIndicator::BillingAddress,
                    S::AnotherAddressOnFile => ShippingIndicator::VerifiedAddress,
                    S::NotOnFile => ShippingIndicator::OtherAddress,
                    S::StorePickUp => ShippingIndicator::StorePickup,
                    S::DigitalGoods => ShippingIndicator::DigitalGoods,
                    S::TravelAndEventNoShipping => ShippingIndicator::TravelAndEvent,
                    S::Other => ShippingIndicator::Other,
                    S::Unknown(v) => return Err(unknown("shipping_indicator", v)),
                })
            })
            .transpose()?,
        delivery_timeframe: r
            .delivery_timeframe
            .as_ref()
            .map(|d| {
                Ok(match d {
                    D::ElectronicDelivery => DeliveryTimeframe::Electronic,
                    D::SameDay => DeliveryTimeframe::SameDay,
                    D::Overnight => DeliveryTimeframe::Overnight,
                    D::TwoDayOrMore => DeliveryTimeframe::TwoDaysOrMore,
                    D::Unknown(v) => return Err(unknown("delivery_timeframe", v)),
                })
            })
            .transpose()?,
        delivery_email: r.delivery_email.clone(),
        reorder,
        pre_order,
        pre_order_date: date_of(&r.pre_order_date),
        gift_card,
    })
}

/// Writes both the indicators and Checkout's booleans for reorder and pre-order.
pub(super) fn write_risk(r: &MerchantRisk) -> cko::MerchantRiskInfo {
    use cko::DeliveryTimeframe as D;
    use cko::ShippingIndicator as S;
    let gift = r.gift_card.clone().unwrap_or_default();
    cko::MerchantRiskInfo {
        delivery_email: r.delivery_email.clone(),
        delivery_timeframe: r.delivery_timeframe.map(|d| match d {
            DeliveryTimeframe::Electronic => D::ElectronicDelivery,
            DeliveryTimeframe::SameDay => D::SameDay,
            DeliveryTimeframe::Overnight => D::Overnight,
            DeliveryTimeframe::TwoDaysOrMore => D::TwoDayOrMore,
        }),
        is_preorder: r.pre_order,
        is_reorder: r.reorder,
        shipping_indicator: r.shipping_indicator.map(|s| match s {
            ShippingIndicator::BillingAddress => S::BillingAddress,
            ShippingIndicator::VerifiedAddress => S::AnotherAddressOnFile,
            ShippingIndicator::OtherAddress => S::NotOnFile,
            ShippingIndicator::StorePickup => S::StorePickUp,
            ShippingIndicator::DigitalGoods => S::DigitalGoods,
            ShippingIndicator::TravelAndEvent => S::TravelAndEventNoShipping,
            ShippingIndicator::Other => S::Other,
        }),
        reorder_items_indicator: r.reorder.map(|re| {
            if re {
                cko::ReorderItemsIndicator::Reordered
            } else {
                cko::ReorderItemsIndicator::FirstTimeOrdered
            }
        }),
        pre_order_purchase_indicator: r.pre_order.map(|p| {
            if p {
                cko::PreOrderPurchaseIndicator::FutureAvailability
            } else {
                cko::PreOrderPurchaseIndicator::MerchandiseAvailable
            }
        }),
        pre_order_date: datetime_of(&r.pre_order_date),
        // Whole major units, truncated (EMV `giftCardAmount`); translation reports the
        // change when minor units are lost.
        gift_card_amount: gift.amount.and_then(|minor| {
            let currency = gift.currency.as_deref()?;
            let unit = 10u64.checked_pow(currency_exponent(currency))?;
            Some(NumOrStr::string((minor / unit).to_string()))
        }),
        gift_card_currency: gift.currency.clone(),
        gift_card_count: gift.count.map(|c| NumOrStr::string(c.to_string())),
    }
}
