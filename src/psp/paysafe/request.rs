//! Paysafe request codec: `POST /threedsecure/v2/accounts/{account_id}/authentications`.
//!
//! What the model cannot hold (and so is not carried when translating away from Paysafe):
//! `deviceFingerprintingId` (only Paysafe's client SDK can produce one), `initialPurchaseTime`,
//! `threeDSecureServerTransactionId`, `billingDetails.useAsShippingAddress`,
//! `shippingDetails.shipMethod` (a carrier service level, not EMV's delivery timeframe), and
//! `userAccountDetails.travelDetails` / `userLogin`. The rest of `userAccountDetails`,
//! `orderItemDetails`, `electronicDelivery` and `purchasedGiftCardDetails` are the model's
//! account and merchant risk data. `deviceChannel` `APP` (portal spelling) is read as the app
//! channel and written back as the blueprint's `SDK`.
//!
//! What Paysafe cannot take from the model and is left out when building: card CVV (not part
//! of a 3DS request), preferred network, work phone, address names and third line, merchant
//! country, and every URL (Paysafe's JS SDK handles the challenge and 3DS Method itself).
//! A challenge preference outside Paysafe's three values, a card reference that is not a
//! Paysafe payment token, or a colour depth outside Paysafe's enum are errors.

use crate::model::Provider;
use crate::request::{
    quoted, AccountInfo, Address, AuthenticationRequest, Browser, Card, CardReference, Cardholder,
    ChallengePreference, Channel, DeliveryTimeframe, GiftCard, Merchant, MerchantRisk,
    MessageCategory, PriorAuthentication, PriorMethod, Purpose, Recency, Recurring, RequestCodec,
    RequestError, ShippingIndicator, TransactionType,
};
use threeds_paysafe::enums as ps;
use threeds_paysafe::request as wire;
use threeds_wire::NumOrStr;

/// Reads and writes Paysafe authentication requests.
pub struct PaysafeCodec;

fn value_error(path: &str, message: impl Into<String>) -> RequestError {
    RequestError::Value {
        provider: Provider::PAYSAFE,
        path: path.to_owned(),
        message: message.into(),
    }
}

fn unknown(path: &str, value: &str) -> RequestError {
    value_error(
        path,
        format!("{} is not a documented Paysafe value", quoted(value)),
    )
}

fn number<T: TryFrom<u64>>(path: &str, value: Option<u64>) -> Result<Option<T>, RequestError> {
    value
        .map(|v| T::try_from(v).map_err(|_| value_error(path, format!("{v} is out of range"))))
        .transpose()
}

impl RequestCodec for PaysafeCodec {
    type Wire = wire::AuthenticationRequest;
    const PROVIDER: Provider = Provider::PAYSAFE;
    const DOCUMENT: &'static str = "paysafe.authentication_request";
    /// The required fields only Paysafe's request has (`amount`, `currency` and `card` are
    /// other PSPs' too), and its own objects.
    const IDENTIFYING: &'static [&'static str] = &[
        "merchantRefNum",
        "merchantUrl",
        "deviceFingerprintingId",
        "authenticationPurpose",
        "deviceChannel",
        "messageCategory",
        "requestorChallengePreference",
        "transactionIntent",
        "billingDetails",
        "shippingDetails",
        "browserDetails",
        "userAccountDetails",
        "orderItemDetails",
        "electronicDelivery",
        "purchasedGiftCardDetails",
        "profile",
    ];

    fn to_model(w: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        let card = w.card.as_ref().map(read_card).transpose()?.flatten();
        let card_reference = w
            .card
            .as_ref()
            .and_then(|c| c.payment_token.clone())
            .map(|value| CardReference {
                provider: Provider::PAYSAFE,
                kind: "payment_token".to_owned(),
                value,
            });
        let profile = w.profile.clone().unwrap_or_default();
        let cardholder = Cardholder {
            email: profile.email.clone(),
            home_phone: profile.phone.clone(),
            mobile_phone: profile.cell_phone().map(str::to_owned),
            work_phone: None,
        };
        let recurring = match (
            &w.billing_cycle,
            w.max_authorizations_for_instalment_payment,
        ) {
            (None, None) => None,
            (cycle, max) => Some(Recurring {
                frequency_days: number(
                    "billingCycle.frequency",
                    cycle.as_ref().and_then(|c| c.frequency),
                )?,
                expiry_date: cycle.as_ref().and_then(|c| c.end_date.clone()),
                max_payments: number("maxAuthorizationsForInstalmentPayment", max)?,
            }),
        };
        Ok(AuthenticationRequest {
            amount: w.amount,
            currency: w.currency.clone(),
            reference: w.merchant_ref_num.clone(),
            card,
            card_reference,
            cardholder,
            billing_address: w.billing_details.as_ref().map(|b| Address {
                line1: b.street.clone(),
                line2: b.street2.clone(),
                city: b.city.clone(),
                state: b.state.clone(),
                postal_code: b.zip.clone(),
                country: b.country.clone(),
                ..Address::default()
            }),
            shipping_address: w.shipping_details.as_ref().map(|s| Address {
                line1: s.street.clone(),
                line2: s.street2.clone(),
                city: s.city.clone(),
                state: s.state.clone(),
                postal_code: s.zip.clone(),
                country: s.country.clone(),
                ..Address::default()
            }),
            browser: w.browser_details.as_ref().map(read_browser).transpose()?,
            channel: w
                .device_channel
                .as_ref()
                .map(|c| match c {
                    ps::DeviceChannel::Browser => Ok(Channel::Browser),
                    ps::DeviceChannel::Sdk | ps::DeviceChannel::App => Ok(Channel::App),
                    ps::DeviceChannel::ThreeRi => Ok(Channel::ThreeRi),
                    ps::DeviceChannel::Unknown(v) => Err(unknown("deviceChannel", v)),
                })
                .transpose()?,
            purpose: w
                .authentication_purpose
                .as_ref()
                .map(|p| match p {
                    ps::AuthenticationPurpose::PaymentTransaction => Ok(Purpose::Payment),
                    ps::AuthenticationPurpose::RecurringTransaction => Ok(Purpose::Recurring),
                    ps::AuthenticationPurpose::InstalmentTransaction => Ok(Purpose::Installment),
                    ps::AuthenticationPurpose::AddCard => Ok(Purpose::AddCard),
                    ps::AuthenticationPurpose::MaintainCard => Ok(Purpose::MaintainCard),
                    ps::AuthenticationPurpose::EmvTokenVerification => {
                        Ok(Purpose::EmvTokenVerification)
                    }
                    ps::AuthenticationPurpose::Unknown(v) => {
                        Err(unknown("authenticationPurpose", v))
                    }
                })
                .transpose()?,
            message_category: w
                .message_category
                .as_ref()
                .map(|m| match m {
                    ps::MessageCategory::Payment => Ok(MessageCategory::Payment),
                    ps::MessageCategory::NonPayment => Ok(MessageCategory::NonPayment),
                    ps::MessageCategory::Unknown(v) => Err(unknown("messageCategory", v)),
                })
                .transpose()?,
            challenge_preference: w
                .requestor_challenge_preference
                .as_ref()
                .map(|c| match c {
                    ps::ChallengePreference::NoPreference => Ok(ChallengePreference::NoPreference),
                    ps::ChallengePreference::ChallengeRequested => {
                        Ok(ChallengePreference::ChallengeRequested)
                    }
                    ps::ChallengePreference::ChallengeMandated => {
                        Ok(ChallengePreference::ChallengeMandated)
                    }
                    ps::ChallengePreference::Unknown(v) => {
                        Err(unknown("requestorChallengePreference", v))
                    }
                })
                .transpose()?,
            transaction_type: w
                .transaction_intent
                .as_ref()
                .map(|t| match t {
                    ps::TransactionIntent::GoodsOrServicePurchase => {
                        Ok(TransactionType::GoodsService)
                    }
                    ps::TransactionIntent::CheckAcceptance => Ok(TransactionType::CheckAcceptance),
                    ps::TransactionIntent::AccountFunding => Ok(TransactionType::AccountFunding),
                    ps::TransactionIntent::QuasiCashTransaction => Ok(TransactionType::QuasiCash),
                    ps::TransactionIntent::PrepaidActivation => {
                        Ok(TransactionType::PrepaidActivation)
                    }
                    ps::TransactionIntent::Unknown(v) => Err(unknown("transactionIntent", v)),
                })
                .transpose()?,
            recurring,
            merchant: Merchant {
                name: w.merchant_name.clone(),
                url: w.merchant_url.clone(),
                mcc: w.mcc.clone(),
                country: None,
            },
            urls: Default::default(),
            prior_authentication: w
                .user_account_details
                .as_ref()
                .and_then(|u| u.prior_three_ds_authentication.as_ref())
                .map(read_prior)
                .transpose()?,
            device_session_id: w.device_fingerprinting_id.clone(),
            account: w
                .user_account_details
                .as_ref()
                .map(read_account)
                .transpose()?
                .flatten(),
            merchant_risk: read_risk(w)?,
        })
    }

    fn from_model(r: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        let mut card = r.card.as_ref().map(write_card);
        // Only a Paysafe payment token can be sent; another PSP's card reference is left
        // out (translation reports it) and the card details, if any, are used.
        if let Some(reference) = r
            .card_reference
            .as_ref()
            .filter(|c| c.provider == Provider::PAYSAFE && c.kind == "payment_token")
        {
            card.get_or_insert_with(wire::Card::default).payment_token =
                Some(reference.value.clone());
        }
        let ch = &r.cardholder;
        let profile = (ch.email.is_some() || ch.home_phone.is_some() || ch.mobile_phone.is_some())
            .then(|| wire::Profile {
                email: ch.email.clone(),
                phone: ch.home_phone.clone(),
                cell_phone: ch.mobile_phone.clone(),
                cellphone_lowercase: None,
            });
        let recurring = r.recurring.as_ref();
        let billing_cycle = recurring
            .filter(|rc| rc.frequency_days.is_some() || rc.expiry_date.is_some())
            .map(|rc| wire::BillingCycle {
                end_date: rc.expiry_date.clone(),
                frequency: rc.frequency_days.map(u64::from),
            });
        let prior = r.prior_authentication.as_ref().map(write_prior);
        let risk = r.merchant_risk.clone().unwrap_or_default();
        let mut user_account_details = r.account.as_ref().map(write_account);
        if let Some(p) = prior {
            user_account_details
                .get_or_insert_with(wire::UserAccountDetails::default)
                .prior_three_ds_authentication = Some(p);
        }
        Ok(wire::AuthenticationRequest {
            device_fingerprinting_id: r.device_session_id.clone(),
            merchant_ref_num: r.reference.clone(),
            amount: r.amount,
            currency: r.currency.clone(),
            card,
            merchant_url: r.merchant.url.clone(),
            authentication_purpose: r.purpose.map(|p| match p {
                Purpose::Payment => ps::AuthenticationPurpose::PaymentTransaction,
                Purpose::Recurring => ps::AuthenticationPurpose::RecurringTransaction,
                Purpose::Installment => ps::AuthenticationPurpose::InstalmentTransaction,
                Purpose::AddCard => ps::AuthenticationPurpose::AddCard,
                Purpose::MaintainCard => ps::AuthenticationPurpose::MaintainCard,
                Purpose::EmvTokenVerification => ps::AuthenticationPurpose::EmvTokenVerification,
            }),
            device_channel: r.channel.map(|c| match c {
                Channel::Browser => ps::DeviceChannel::Browser,
                // The blueprint's and the mobile SDKs' spelling.
                Channel::App => ps::DeviceChannel::Sdk,
                Channel::ThreeRi => ps::DeviceChannel::ThreeRi,
            }),
            message_category: r.message_category.map(|m| match m {
                MessageCategory::Payment => ps::MessageCategory::Payment,
                MessageCategory::NonPayment => ps::MessageCategory::NonPayment,
            }),
            // The 3DS2 API takes NO_PREFERENCE, CHALLENGE_REQUESTED or CHALLENGE_MANDATED
            // only; other preferences are left out and reported by translation.
            requestor_challenge_preference: r.challenge_preference.and_then(|c| match c {
                ChallengePreference::NoPreference => Some(ps::ChallengePreference::NoPreference),
                ChallengePreference::ChallengeRequested => {
                    Some(ps::ChallengePreference::ChallengeRequested)
                }
                ChallengePreference::ChallengeMandated => {
                    Some(ps::ChallengePreference::ChallengeMandated)
                }
                _ => None,
            }),
            transaction_intent: r.transaction_type.map(|t| match t {
                TransactionType::GoodsService => ps::TransactionIntent::GoodsOrServicePurchase,
                TransactionType::CheckAcceptance => ps::TransactionIntent::CheckAcceptance,
                TransactionType::AccountFunding => ps::TransactionIntent::AccountFunding,
                TransactionType::QuasiCash => ps::TransactionIntent::QuasiCashTransaction,
                TransactionType::PrepaidActivation => ps::TransactionIntent::PrepaidActivation,
            }),
            max_authorizations_for_instalment_payment: recurring
                .and_then(|rc| rc.max_payments)
                .map(u64::from),
            initial_purchase_time: None,
            billing_cycle,
            electronic_delivery: write_electronic_delivery(&risk, r.shipping_address.is_some()),
            order_item_details: write_order_items(&risk),
            purchased_gift_card_details: risk.gift_card.as_ref().map(|g| {
                wire::PurchasedGiftCardDetails {
                    amount: g.amount,
                    count: g.count.map(u64::from),
                    currency: g.currency.clone(),
                }
            }),
            browser_details: r.browser.as_ref().map(write_browser).transpose()?,
            user_account_details,
            billing_details: r.billing_address.as_ref().map(|a| wire::BillingDetails {
                street: a.line1.clone(),
                street2: a.line2.clone(),
                city: a.city.clone(),
                state: a.state.clone(),
                country: a.country.clone(),
                zip: a.postal_code.clone(),
                use_as_shipping_address: None,
            }),
            shipping_details: r.shipping_address.as_ref().map(|a| wire::ShippingDetails {
                ship_method: None,
                street: a.line1.clone(),
                street2: a.line2.clone(),
                city: a.city.clone(),
                state: a.state.clone(),
                country: a.country.clone(),
                zip: a.postal_code.clone(),
            }),
            profile,
            three_d_secure_server_transaction_id: None,
            merchant_name: r.merchant.name.clone(),
            mcc: r.merchant.mcc.clone(),
        })
    }
}

/// Card details, or `None` for a card given only as a payment token.
fn read_card(c: &wire::Card) -> Result<Option<Card>, RequestError> {
    let expiry = c.card_expiry.as_ref();
    let parse = |path: &str, v: Option<&NumOrStr>| -> Result<Option<u64>, RequestError> {
        v.map(|n| {
            n.as_u64()
                .ok_or_else(|| value_error(path, format!("{} is not a number", quoted(n))))
        })
        .transpose()
    };
    let month = parse(
        "card.cardExpiry.month",
        expiry.and_then(|e| e.month.as_ref()),
    )?;
    let year = parse("card.cardExpiry.year", expiry.and_then(|e| e.year.as_ref()))?;
    if c.card_num.is_none() && c.holder_name.is_none() && month.is_none() && year.is_none() {
        return Ok(None);
    }
    Ok(Some(Card {
        number: c.card_num.clone(),
        expiry_month: number("card.cardExpiry.month", month)?,
        expiry_year: number("card.cardExpiry.year", year)?,
        holder_name: c.holder_name.clone(),
        cvv: None,
        preferred_network: None,
    }))
}

fn write_card(c: &Card) -> wire::Card {
    let expiry = (c.expiry_month.is_some() || c.expiry_year.is_some()).then(|| wire::CardExpiry {
        month: c.expiry_month.map(|m| NumOrStr::number(u64::from(m))),
        year: c.expiry_year.map(|y| NumOrStr::number(u64::from(y))),
    });
    wire::Card {
        holder_name: c.holder_name.clone(),
        card_num: c.number.clone(),
        card_expiry: expiry,
        ..wire::Card::default()
    }
}

fn read_browser(b: &wire::BrowserDetails) -> Result<Browser, RequestError> {
    let color_depth = b
        .color_depth_bits
        .as_ref()
        .map(|c| {
            c.as_str()
                .parse::<u8>()
                .map_err(|_| unknown("browserDetails.colorDepthBits", c.as_str()))
        })
        .transpose()?;
    let timezone = b
        .timezone_offset
        .map(|t| {
            i32::try_from(t)
                .map_err(|_| value_error("browserDetails.timezoneOffset", "out of range"))
        })
        .transpose()?;
    Ok(Browser {
        accept_header: b.accept_header.clone(),
        java_enabled: b.java_enabled,
        javascript_enabled: b.javascript_enabled,
        language: b.language.clone(),
        color_depth,
        screen_height: number("browserDetails.screenHeight", b.screen_height)?,
        screen_width: number("browserDetails.screenWidth", b.screen_width)?,
        timezone_offset_minutes: timezone,
        user_agent: b.user_agent.clone(),
        ip_address: b.customer_ip.clone(),
    })
}

fn write_browser(b: &Browser) -> Result<wire::BrowserDetails, RequestError> {
    // A depth outside Paysafe's enum is left out; validation then names the field.
    let color_depth_bits = b
        .color_depth
        .map(|d| ps::ColorDepthBits::from(d.to_string().as_str()))
        .filter(ps::ColorDepthBits::is_known);
    Ok(wire::BrowserDetails {
        accept_header: b.accept_header.clone(),
        color_depth_bits,
        customer_ip: b.ip_address.clone(),
        java_enabled: b.java_enabled,
        javascript_enabled: b.javascript_enabled,
        language: b.language.clone(),
        screen_height: b.screen_height.map(u64::from),
        screen_width: b.screen_width.map(u64::from),
        timezone_offset: b.timezone_offset_minutes.map(i64::from),
        user_agent: b.user_agent.clone(),
    })
}

fn read_prior(p: &wire::PriorThreeDsAuthentication) -> Result<PriorAuthentication, RequestError> {
    let path = "userAccountDetails.priorThreeDSAuthentication.method";
    Ok(PriorAuthentication {
        reference: p.id.clone(),
        method: p
            .method
            .as_ref()
            .map(|m| match m {
                ps::PriorAuthenticationMethod::FrictionlessAuthentication => {
                    Ok(PriorMethod::Frictionless)
                }
                ps::PriorAuthenticationMethod::AcsChallenge => Ok(PriorMethod::Challenge),
                ps::PriorAuthenticationMethod::AvsVerified => Ok(PriorMethod::AvsVerified),
                ps::PriorAuthenticationMethod::OtherIssuerMethod => Ok(PriorMethod::Other),
                ps::PriorAuthenticationMethod::Unknown(v) => Err(unknown(path, v)),
            })
            .transpose()?,
        timestamp: p.time.clone(),
        data: p.data.clone(),
    })
}

fn write_prior(p: &PriorAuthentication) -> wire::PriorThreeDsAuthentication {
    wire::PriorThreeDsAuthentication {
        data: p.data.clone(),
        method: p.method.map(|m| match m {
            PriorMethod::Frictionless => ps::PriorAuthenticationMethod::FrictionlessAuthentication,
            PriorMethod::Challenge => ps::PriorAuthenticationMethod::AcsChallenge,
            PriorMethod::AvsVerified => ps::PriorAuthenticationMethod::AvsVerified,
            PriorMethod::Other => ps::PriorAuthenticationMethod::OtherIssuerMethod,
        }),
        id: p.reference.clone(),
        time: p.timestamp.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Risk data: `userAccountDetails` <-> the model's account, `orderItemDetails`,
// `electronicDelivery` and `purchasedGiftCardDetails` <-> its merchant risk indicator
// (Paysafe 3D Secure 2 API blueprint, "Authentications" request attributes).
// ---------------------------------------------------------------------------------------

const UAD: &str = "userAccountDetails";

fn created_range(path: &str, r: &ps::CreatedRange) -> Result<Recency, RequestError> {
    Ok(match r {
        ps::CreatedRange::NoAccount => Recency::Never,
        ps::CreatedRange::DuringTransaction => Recency::ThisTransaction,
        ps::CreatedRange::LessThanThirtyDays => Recency::LessThan30Days,
        ps::CreatedRange::ThirtyToSixtyDays => Recency::From30To60Days,
        ps::CreatedRange::MoreThanSixtyDays => Recency::MoreThan60Days,
        ps::CreatedRange::Unknown(v) => return Err(unknown(path, v)),
    })
}

fn write_created_range(r: Recency) -> ps::CreatedRange {
    match r {
        Recency::Never => ps::CreatedRange::NoAccount,
        Recency::ThisTransaction => ps::CreatedRange::DuringTransaction,
        Recency::LessThan30Days => ps::CreatedRange::LessThanThirtyDays,
        Recency::From30To60Days => ps::CreatedRange::ThirtyToSixtyDays,
        Recency::MoreThan60Days => ps::CreatedRange::MoreThanSixtyDays,
    }
}

/// Account data, or `None` when `userAccountDetails` holds only what the model keeps
/// elsewhere (the prior authentication).
fn read_account(u: &wire::UserAccountDetails) -> Result<Option<AccountInfo>, RequestError> {
    let path = |f: &str| format!("{UAD}.{f}");
    let changed_age = u
        .changed_range
        .as_ref()
        .map(|r| match r {
            ps::ChangedRange::DuringTransaction => Ok(Recency::ThisTransaction),
            ps::ChangedRange::LessThanThirtyDays => Ok(Recency::LessThan30Days),
            ps::ChangedRange::ThirtyToSixtyDays => Ok(Recency::From30To60Days),
            ps::ChangedRange::MoreThanSixtyDays => Ok(Recency::MoreThan60Days),
            ps::ChangedRange::Unknown(v) => Err(unknown(&path("changedRange"), v)),
        })
        .transpose()?;
    let password_changed_age = u
        .password_changed_range
        .as_ref()
        .map(|r| match r {
            ps::PasswordChangedRange::NoChange => Ok(Recency::Never),
            ps::PasswordChangedRange::DuringTransaction => Ok(Recency::ThisTransaction),
            ps::PasswordChangedRange::LessThanThirtyDays => Ok(Recency::LessThan30Days),
            ps::PasswordChangedRange::ThirtyToSixtyDays => Ok(Recency::From30To60Days),
            ps::PasswordChangedRange::MoreThanSixtyDays => Ok(Recency::MoreThan60Days),
            ps::PasswordChangedRange::Unknown(v) => Err(unknown(&path("passwordChangedRange"), v)),
        })
        .transpose()?;
    let usage = u.shipping_details_usage.as_ref();
    let shipping_address_age = usage
        .and_then(|s| s.initial_usage_range.as_ref())
        .map(|r| match r {
            ps::InitialUsageRange::CurrentTransaction => Ok(Recency::ThisTransaction),
            ps::InitialUsageRange::LessThanThirtyDays => Ok(Recency::LessThan30Days),
            ps::InitialUsageRange::ThirtyToSixtyDays => Ok(Recency::From30To60Days),
            ps::InitialUsageRange::MoreThanSixtyDays => Ok(Recency::MoreThan60Days),
            ps::InitialUsageRange::Unknown(v) => {
                Err(unknown(&path("shippingDetailsUsage.initialUsageRange"), v))
            }
        })
        .transpose()?;
    let payment = u.payment_account_details.as_ref();
    let account = AccountInfo {
        age: u
            .created_range
            .as_ref()
            .map(|r| created_range(&path("createdRange"), r))
            .transpose()?,
        created: u.created_date.clone(),
        changed_age,
        changed: u.changed_date.clone(),
        password_changed_age,
        password_changed: u.password_changed_date.clone(),
        payment_account_age: payment
            .and_then(|p| p.created_range.as_ref())
            .map(|r| created_range(&path("paymentAccountDetails.createdRange"), r))
            .transpose()?,
        payment_account_added: payment.and_then(|p| p.created_date.clone()),
        shipping_address_age,
        shipping_address_first_used: usage.and_then(|s| s.initial_usage_date.clone()),
        shipping_name_matches: usage.and_then(|s| s.card_holder_name_match),
        suspicious_activity: u.suspicious_account_activity,
        purchases_last_6_months: number(
            &path("totalPurchasesSixMonthCount"),
            u.total_purchases_six_month_count,
        )?,
        add_card_attempts_last_day: number(
            &path("addCardAttemptsForLastDay"),
            u.add_card_attempts_for_last_day,
        )?,
        transactions_last_day: number(
            &path("transactionCountForPreviousDay"),
            u.transaction_count_for_previous_day,
        )?,
        transactions_last_year: number(
            &path("transactionCountForPreviousYear"),
            u.transaction_count_for_previous_year,
        )?,
    };
    Ok((account != AccountInfo::default()).then_some(account))
}

/// Paysafe takes dates (`YYYY-MM-DD`); a date-time keeps its date.
fn date_only(d: &Option<String>) -> Option<String> {
    d.as_deref()
        .map(|d| d.split('T').next().unwrap_or(d).to_owned())
}

fn write_account(a: &AccountInfo) -> wire::UserAccountDetails {
    let recency = |r: Recency| match r {
        Recency::Never => None,
        Recency::ThisTransaction => Some(ps::ChangedRange::DuringTransaction),
        Recency::LessThan30Days => Some(ps::ChangedRange::LessThanThirtyDays),
        Recency::From30To60Days => Some(ps::ChangedRange::ThirtyToSixtyDays),
        Recency::MoreThan60Days => Some(ps::ChangedRange::MoreThanSixtyDays),
    };
    let usage = wire::ShippingDetailsUsage {
        card_holder_name_match: a.shipping_name_matches,
        initial_usage_date: date_only(&a.shipping_address_first_used),
        // "Never" has no usage range; left out and reported.
        initial_usage_range: a.shipping_address_age.and_then(|r| match r {
            Recency::Never => None,
            Recency::ThisTransaction => Some(ps::InitialUsageRange::CurrentTransaction),
            Recency::LessThan30Days => Some(ps::InitialUsageRange::LessThanThirtyDays),
            Recency::From30To60Days => Some(ps::InitialUsageRange::ThirtyToSixtyDays),
            Recency::MoreThan60Days => Some(ps::InitialUsageRange::MoreThanSixtyDays),
        }),
    };
    let payment = wire::PaymentAccountDetails {
        created_range: a.payment_account_age.map(write_created_range),
        created_date: date_only(&a.payment_account_added),
    };
    wire::UserAccountDetails {
        add_card_attempts_for_last_day: a.add_card_attempts_last_day.map(u64::from),
        changed_date: date_only(&a.changed),
        changed_range: a.changed_age.and_then(recency),
        created_date: date_only(&a.created),
        created_range: a.age.map(write_created_range),
        password_changed_date: date_only(&a.password_changed),
        password_changed_range: a.password_changed_age.map(|r| match r {
            Recency::Never => ps::PasswordChangedRange::NoChange,
            Recency::ThisTransaction => ps::PasswordChangedRange::DuringTransaction,
            Recency::LessThan30Days => ps::PasswordChangedRange::LessThanThirtyDays,
            Recency::From30To60Days => ps::PasswordChangedRange::ThirtyToSixtyDays,
            Recency::MoreThan60Days => ps::PasswordChangedRange::MoreThanSixtyDays,
        }),
        payment_account_details: (payment != wire::PaymentAccountDetails::default())
            .then_some(payment),
        prior_three_ds_authentication: None,
        shipping_details_usage: (usage != wire::ShippingDetailsUsage::default()).then_some(usage),
        suspicious_account_activity: a.suspicious_activity,
        total_purchases_six_month_count: a.purchases_last_6_months.map(u64::from),
        transaction_count_for_previous_day: a.transactions_last_day.map(u64::from),
        transaction_count_for_previous_year: a.transactions_last_year.map(u64::from),
        travel_details: None,
        user_login: None,
    }
}

fn read_risk(w: &wire::AuthenticationRequest) -> Result<Option<MerchantRisk>, RequestError> {
    let mut risk = MerchantRisk::default();
    if let Some(o) = &w.order_item_details {
        let path = |f: &str| format!("orderItemDetails.{f}");
        risk.pre_order_date = o.pre_order_item_availability_date.clone();
        risk.pre_order = o
            .pre_order_purchase_indicator
            .as_ref()
            .map(|p| match p {
                ps::PreOrderPurchaseIndicator::MerchandiseAvailable => Ok(false),
                ps::PreOrderPurchaseIndicator::FutureAvailability => Ok(true),
                ps::PreOrderPurchaseIndicator::Unknown(v) => {
                    Err(unknown(&path("preOrderPurchaseIndicator"), v))
                }
            })
            .transpose()?;
        risk.reorder = o
            .reorder_items_indicator
            .as_ref()
            .map(|r| match r {
                ps::ReorderItemsIndicator::FirstTimeOrder => Ok(false),
                ps::ReorderItemsIndicator::Reorder => Ok(true),
                ps::ReorderItemsIndicator::Unknown(v) => {
                    Err(unknown(&path("reorderItemsIndicator"), v))
                }
            })
            .transpose()?;
        risk.shipping_indicator = o
            .shipping_indicator
            .as_ref()
            .map(|s| {
                Ok(match s {
                    ps::ShippingIndicator::ShipToBillingAddress => {
                        ShippingIndicator::BillingAddress
                    }
                    ps::ShippingIndicator::ShipToVerifiedAddress => {
                        ShippingIndicator::VerifiedAddress
                    }
                    ps::ShippingIndicator::ShipToDifferentAddress => {
                        ShippingIndicator::OtherAddress
                    }
                    ps::ShippingIndicator::ShipToStore => ShippingIndicator::StorePickup,
                    ps::ShippingIndicator::DigitalGoods => ShippingIndicator::DigitalGoods,
                    ps::ShippingIndicator::TravelAndEventTickets => {
                        ShippingIndicator::TravelAndEvent
                    }
                    ps::ShippingIndicator::Other => ShippingIndicator::Other,
                    ps::ShippingIndicator::Unknown(v) => {
                        return Err(unknown(&path("shippingIndicator"), v))
                    }
                })
            })
            .transpose()?;
    }
    if let Some(e) = &w.electronic_delivery {
        risk.delivery_email = e.email.clone();
        // `false` says only "not electronic", which no timeframe expresses.
        if e.is_electronic_delivery == Some(true) {
            risk.delivery_timeframe = Some(DeliveryTimeframe::Electronic);
        }
    }
    if let Some(g) = &w.purchased_gift_card_details {
        risk.gift_card = Some(GiftCard {
            amount: g.amount,
            currency: g.currency.clone(),
            count: number("purchasedGiftCardDetails.count", g.count)?,
        });
    }
    Ok((risk != MerchantRisk::default()).then_some(risk))
}

/// `electronicDelivery` for electronic delivery, or for a delivery e-mail when nothing is
/// shipped: Paysafe refuses it next to `shippingDetails`.
fn write_electronic_delivery(
    risk: &MerchantRisk,
    shipped: bool,
) -> Option<wire::ElectronicDelivery> {
    let electronic = risk.delivery_timeframe == Some(DeliveryTimeframe::Electronic);
    (electronic || (risk.delivery_email.is_some() && !shipped)).then(|| wire::ElectronicDelivery {
        is_electronic_delivery: Some(electronic),
        email: risk.delivery_email.clone(),
    })
}

fn write_order_items(risk: &MerchantRisk) -> Option<wire::OrderItemDetails> {
    let o = wire::OrderItemDetails {
        pre_order_item_availability_date: date_only(&risk.pre_order_date),
        pre_order_purchase_indicator: risk.pre_order.map(|p| {
            if p {
                ps::PreOrderPurchaseIndicator::FutureAvailability
            } else {
                ps::PreOrderPurchaseIndicator::MerchandiseAvailable
            }
        }),
        reorder_items_indicator: risk.reorder.map(|r| {
            if r {
                ps::ReorderItemsIndicator::Reorder
            } else {
                ps::ReorderItemsIndicator::FirstTimeOrder
            }
        }),
        shipping_indicator: risk.shipping_indicator.map(|s| match s {
            ShippingIndicator::BillingAddress => ps::ShippingIndicator::ShipToBillingAddress,
            ShippingIndicator::VerifiedAddress => ps::ShippingIndicator::ShipToVerifiedAddress,
            ShippingIndicator::OtherAddress => ps::ShippingIndicator::ShipToDifferentAddress,
            ShippingIndicator::StorePickup => ps::ShippingIndicator::ShipToStore,
            ShippingIndicator::DigitalGoods => ps::ShippingIndicator::DigitalGoods,
            ShippingIndicator::TravelAndEvent => ps::ShippingIndicator::TravelAndEventTickets,
            ShippingIndicator::Other => ps::ShippingIndicator::Other,
        }),
    };
    (o != wire::OrderItemDetails::default()).then_some(o)
}
