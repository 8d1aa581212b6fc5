//! Paysafe request codec: `POST /threedsecure/v2/accounts/{account_id}/authentications`.
//!
//! What the model cannot hold (and so is not carried when translating away from Paysafe):
//! `deviceFingerprintingId` (only Paysafe's client SDK can produce one), `initialPurchaseTime`,
//! `electronicDelivery`, `orderItemDetails`, `purchasedGiftCardDetails`,
//! `threeDSecureServerTransactionId`, `billingDetails.useAsShippingAddress`,
//! `shippingDetails.shipMethod`, and all of `userAccountDetails` except
//! `priorThreeDSAuthentication`. `deviceChannel` `APP` (portal spelling) is read as the app
//! channel and written back as the blueprint's `SDK`.
//!
//! What Paysafe cannot take from the model and is left out when building: card CVV (not part
//! of a 3DS request), preferred network, work phone, address names and third line, merchant
//! country, and every URL (Paysafe's JS SDK handles the challenge and 3DS Method itself).
//! A challenge preference outside Paysafe's three values, a card reference that is not a
//! Paysafe payment token, or a colour depth outside Paysafe's enum are errors.

use super::{
    Address, AuthenticationRequest, Browser, Card, CardReference, Cardholder, ChallengePreference,
    Channel, Merchant, MessageCategory, PriorAuthentication, PriorMethod, Purpose, Recurring,
    RequestCodec, RequestError, TransactionType,
};
use crate::model::Provider;
use threeds_paysafe::enums as ps;
use threeds_paysafe::request as wire;
use threeds_wire::NumOrStr;

/// Reads and writes Paysafe authentication requests.
pub struct PaysafeCodec;

fn value_error(path: &str, message: impl Into<String>) -> RequestError {
    RequestError::Value {
        provider: Provider::Paysafe,
        path: path.to_owned(),
        message: message.into(),
    }
}

fn unknown(path: &str, value: &str) -> RequestError {
    value_error(path, format!("'{value}' is not a documented Paysafe value"))
}

fn number<T: TryFrom<u64>>(path: &str, value: Option<u64>) -> Result<Option<T>, RequestError> {
    value
        .map(|v| T::try_from(v).map_err(|_| value_error(path, format!("{v} is out of range"))))
        .transpose()
}

impl RequestCodec for PaysafeCodec {
    type Wire = wire::AuthenticationRequest;
    const PROVIDER: Provider = Provider::Paysafe;
    const DOCUMENT: &'static str = "paysafe.authentication_request";

    fn to_model(w: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        let card = w.card.as_ref().map(read_card).transpose()?.flatten();
        let card_reference = w
            .card
            .as_ref()
            .and_then(|c| c.payment_token.clone())
            .map(|value| CardReference {
                provider: Provider::Paysafe,
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
        })
    }

    fn from_model(r: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        let mut card = r.card.as_ref().map(write_card);
        // Only a Paysafe payment token can be sent; another PSP's card reference is left
        // out (translation reports it) and the card details, if any, are used.
        if let Some(reference) = r
            .card_reference
            .as_ref()
            .filter(|c| c.provider == Provider::Paysafe && c.kind == "payment_token")
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
            electronic_delivery: None,
            order_item_details: None,
            purchased_gift_card_details: None,
            browser_details: r.browser.as_ref().map(write_browser).transpose()?,
            user_account_details: prior.map(|p| wire::UserAccountDetails {
                prior_three_ds_authentication: Some(p),
                ..Default::default()
            }),
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
                .ok_or_else(|| value_error(path, format!("'{n}' is not a number")))
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
