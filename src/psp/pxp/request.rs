//! PXP request codec.
//!
//! PXP splits an authentication request over two calls: pre-initiate (card, amount, purpose)
//! and initiate / browser-authentication (merchant, browser, addresses, challenge
//! preference). The wire type is therefore the project's envelope
//! [`AuthenticationRequests`] `{"preInitiate": ..., "browserAuthentication": ...}` (not a PXP
//! body; see its doc). The codec writes the standalone pre-initiate, the flow PXP documents
//! for authentication-only use; integrated-only fields (`site`, `providerId`, `intent`) are
//! read but not carried.
//!
//! Conversions: amounts are minor units in the model and a major-unit JSON number at PXP
//! (`minor_to_major` / `major_to_minor` with the ISO 4217 exponent); countries are ISO 3166-1
//! alpha-2 in the model and numeric at PXP (`threeds_pxp::country`); the recurring expiry is
//! a date in the model and an end-of-day UTC date-time at PXP (the documented example sends
//! `2024-12-31T23:59:59Z`).

use crate::model::{major_to_minor, minor_to_major, Provider};
use crate::request::{
    quoted, Address, AuthenticationRequest, Browser, Card, CardReference, ChallengePreference,
    Channel, Purpose, Recurring, RequestCodec, RequestError,
};
use threeds_pxp::country;
use threeds_pxp::request::{
    Address as PxpAddress, Amount, AuthenticationRequests, BrowserAuthenticationRequest,
    BrowserData, Card as PxpCard, ChallengeIndicator, PreInitiateRequest,
    Recurring as PxpRecurring, RequestorAuthenticationIndicator as Rai,
};
use threeds_pxp::MajorAmount;
use threeds_wire::excerpt;

/// Reads and writes PXP authentication requests (the two-call envelope).
pub struct PxpCodec;

const P: Provider = Provider::PXP;

fn value_error(path: &str, message: impl Into<String>) -> RequestError {
    RequestError::Value {
        provider: P,
        path: path.to_owned(),
        message: message.into(),
    }
}

impl RequestCodec for PxpCodec {
    type Wire = AuthenticationRequests;
    const PROVIDER: Provider = Provider::PXP;
    const DOCUMENT: &'static str = "pxp.request";
    /// The envelope's two keys, and the pre-initiate body's own fields (`amount` and `card`
    /// are other PSPs' too).
    const IDENTIFYING: &'static [&'static str] = &[
        "preInitiate",
        "browserAuthentication",
        "fingerprintCallbackUrl",
        "acquirerProfileId",
        "merchantGroup",
        "requestorAuthenticationIndicator",
        "providerId",
        "site",
        "intent",
    ];

    /// PXP's own pre-initiate body (the first of its two calls, as its standalone and
    /// integrated pre-initiate guides show it) is read as the envelope's `preInitiate`.
    fn canonical(value: &serde_json::Value) -> Option<(serde_json::Value, &'static str)> {
        let map = value.as_object()?;
        if map.contains_key("preInitiate") || map.contains_key("browserAuthentication") {
            return None;
        }
        Some((serde_json::json!({ "preInitiate": value }), "preInitiate."))
    }

    fn to_model(wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        let mut m = AuthenticationRequest::default();
        if let Some(pre) = &wire.pre_initiate {
            read_pre_initiate(pre, &mut m)?;
        }
        if let Some(b) = &wire.browser_authentication {
            read_browser_authentication(b, &mut m)?;
        }
        Ok(m)
    }

    fn from_model(r: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        Ok(AuthenticationRequests {
            pre_initiate: Some(write_pre_initiate(r)?),
            browser_authentication: Some(write_browser_authentication(r)?),
        })
    }
}

fn read_pre_initiate(
    pre: &PreInitiateRequest,
    m: &mut AuthenticationRequest,
) -> Result<(), RequestError> {
    if let Some(amount) = &pre.amount {
        m.currency = amount.currency_code.clone();
        if let Some(value) = &amount.transaction_value {
            let currency = amount.currency_code.as_deref().ok_or_else(|| {
                value_error(
                    "preInitiate.amount.currencyCode",
                    "needed to convert transactionValue to minor units",
                )
            })?;
            let minor = major_to_minor(value.as_str(), currency).map_err(|e| {
                value_error(
                    "preInitiate.amount.transactionValue",
                    excerpt(&e.to_string()),
                )
            })?;
            m.amount = Some(minor);
        }
    }
    m.urls.method_notification_url = pre.fingerprint_callback_url.clone();
    // PXP's indicator list is its own (not EMV's numbering); only the values with a model
    // purpose are carried.
    m.purpose = match pre.requestor_authentication_indicator {
        Some(Rai::Payment) => Some(Purpose::Payment),
        Some(Rai::InitialRecurring) => Some(Purpose::Recurring),
        Some(Rai::StoreCardWithoutPurchase) => Some(Purpose::AddCard),
        Some(Rai::Instalment) => Some(Purpose::Installment),
        _ => None,
    };
    if let Some(card) = &pre.card {
        if card.primary_account_number.is_some() {
            let month = card
                .expiry_month
                .map(u8::try_from)
                .transpose()
                .map_err(|_| value_error("preInitiate.card.expiryMonth", "not a month"))?;
            let year = card
                .expiry_year
                .map(u16::try_from)
                .transpose()
                .map_err(|_| value_error("preInitiate.card.expiryYear", "not a year"))?;
            m.card = Some(Card {
                number: card.primary_account_number.clone(),
                expiry_month: month,
                expiry_year: year,
                holder_name: card.card_holder_name.clone(),
                cvv: card.card_verification_code.clone(),
                preferred_network: None,
            });
        } else if let Some(token) = &card.gateway_token_id {
            m.card_reference = Some(CardReference {
                provider: P,
                kind: "gateway_token".into(),
                value: token.clone(),
            });
        } else if let Some(token) = &card.scheme_token_id {
            m.card_reference = Some(CardReference {
                provider: P,
                kind: "scheme_token".into(),
                value: token.clone(),
            });
        }
        // An external scheme token (token PAN + cryptogram) has no model field.
    }
    Ok(())
}

fn read_browser_authentication(
    b: &BrowserAuthenticationRequest,
    m: &mut AuthenticationRequest,
) -> Result<(), RequestError> {
    m.channel = Some(Channel::Browser);
    m.merchant.mcc = b.merchant_category_code.clone();
    m.merchant.name = b.merchant_legal_name.clone();
    m.merchant.country = b
        .merchant_country_numeric_code
        .as_deref()
        .map(|c| alpha2(c, "browserAuthentication.merchantCountryNumericCode"))
        .transpose()?;
    m.urls.challenge_notification_url = b.challenge_callback_url.clone();
    if let Some(ind) = &b.requestor_challenge_indicator {
        m.challenge_preference = Some(
            ChallengePreference::from_emv_code(ind.as_str()).ok_or_else(|| {
                value_error(
                    "browserAuthentication.requestorChallengeIndicator",
                    format!("{} is not 01..10", quoted(ind)),
                )
            })?,
        );
    }
    if let Some(r) = &b.recurring {
        m.recurring =
            Some(Recurring {
                frequency_days: r.frequency_in_days.map(u32::try_from).transpose().map_err(
                    |_| {
                        value_error(
                            "browserAuthentication.recurring.frequencyInDays",
                            "negative",
                        )
                    },
                )?,
                expiry_date: r
                    .expiration_date
                    .as_deref()
                    .map(|d| date_part(d).to_owned()),
                max_payments: None,
            });
    }
    m.billing_address = b
        .billing_address
        .as_ref()
        .map(|a| read_address(a, "browserAuthentication.billingAddress"))
        .transpose()?;
    m.shipping_address = b
        .shipping_address
        .as_ref()
        .map(|a| read_address(a, "browserAuthentication.shippingAddress"))
        .transpose()?;
    if let Some(bd) = &b.browser_data {
        let path = "browserAuthentication.browserData";
        m.browser = Some(Browser {
            accept_header: bd.accept_header.clone(),
            java_enabled: bd.java_enabled,
            javascript_enabled: bd.java_script_enabled,
            language: bd.language.clone(),
            color_depth: num(bd.color_depth, &format!("{path}.colorDepth"))?,
            screen_height: num(bd.screen_height, &format!("{path}.screenHeight"))?,
            screen_width: num(bd.screen_width, &format!("{path}.screenWidth"))?,
            timezone_offset_minutes: num(
                bd.time_zone_offset_in_minutes,
                &format!("{path}.timeZoneOffsetInMinutes"),
            )?,
            user_agent: bd.user_agent.clone(),
            ip_address: bd.ip_address.clone(),
        });
    }
    Ok(())
}

fn num<T: TryFrom<i64>>(v: Option<i64>, path: &str) -> Result<Option<T>, RequestError> {
    v.map(T::try_from)
        .transpose()
        .map_err(|_| value_error(path, "out of range"))
}

fn alpha2(numeric: &str, path: &str) -> Result<String, RequestError> {
    country::numeric_to_alpha2(numeric)
        .map(str::to_owned)
        .ok_or_else(|| {
            value_error(
                path,
                format!("{} is not an ISO 3166-1 numeric code", quoted(numeric)),
            )
        })
}

fn numeric(alpha2: &str, path: &str) -> Result<String, RequestError> {
    country::alpha2_to_numeric(alpha2)
        .map(str::to_owned)
        .ok_or_else(|| {
            value_error(
                path,
                format!("{} is not an ISO 3166-1 alpha-2 code", quoted(alpha2)),
            )
        })
}

/// `2024-12-31T23:59:59Z` -> `2024-12-31`.
fn date_part(datetime: &str) -> &str {
    datetime.split('T').next().unwrap_or(datetime)
}

fn read_address(a: &PxpAddress, path: &str) -> Result<Address, RequestError> {
    Ok(Address {
        first_name: None,
        last_name: None,
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        line3: a.line3.clone(),
        city: a.city.clone(),
        state: a.state_code.clone(),
        postal_code: a.postal_code.clone(),
        country: a
            .country_numeric_code
            .as_deref()
            .map(|c| alpha2(c, &format!("{path}.countryNumericCode")))
            .transpose()?,
    })
}

fn write_address(a: &Address, path: &str) -> Result<PxpAddress, RequestError> {
    Ok(PxpAddress {
        city: a.city.clone(),
        country_numeric_code: a
            .country
            .as_deref()
            .map(|c| numeric(c, &format!("{path}.country")))
            .transpose()?,
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        line3: a.line3.clone(),
        postal_code: a.postal_code.clone(),
        state_code: a.state.clone(),
    })
}

fn write_pre_initiate(r: &AuthenticationRequest) -> Result<PreInitiateRequest, RequestError> {
    let amount = match (r.amount, &r.currency) {
        (None, None) => None,
        (value, currency) => {
            let transaction_value = match (value, currency) {
                (Some(v), Some(c)) => Some(
                    MajorAmount::new(minor_to_major(v, c))
                        .map_err(|e| value_error("amount", excerpt(&e.to_string())))?,
                ),
                (Some(_), None) => {
                    return Err(value_error(
                        "currency",
                        "PXP takes major units; the currency is needed to convert the amount",
                    ))
                }
                _ => None,
            };
            Some(Amount {
                transaction_value,
                currency_code: currency.clone(),
            })
        }
    };
    let requestor_authentication_indicator = match r.purpose {
        None => None,
        Some(Purpose::Payment) => Some(Rai::Payment),
        Some(Purpose::Recurring) => Some(Rai::InitialRecurring),
        Some(Purpose::Installment) => Some(Rai::Instalment),
        Some(Purpose::AddCard) => Some(Rai::StoreCardWithoutPurchase),
        // No indicator value exists for these; left out and reported by translation.
        Some(Purpose::MaintainCard | Purpose::EmvTokenVerification) => None,
    };
    let card = match (&r.card, &r.card_reference) {
        (Some(c), _) => Some(PxpCard {
            primary_account_number: c.number.clone(),
            card_holder_name: c.holder_name.clone(),
            expiry_month: c.expiry_month.map(i64::from),
            expiry_year: c.expiry_year.map(i64::from),
            card_verification_code: c.cvv.clone(),
            ..PxpCard::default()
        }),
        (None, Some(reference)) if reference.provider == P => match reference.kind.as_str() {
            "gateway_token" => Some(PxpCard {
                gateway_token_id: Some(reference.value.clone()),
                ..PxpCard::default()
            }),
            "scheme_token" => Some(PxpCard {
                scheme_token_id: Some(reference.value.clone()),
                ..PxpCard::default()
            }),
            other => {
                return Err(value_error(
                    "card_reference.kind",
                    format!(
                        "{} is not a PXP card reference (gateway_token, scheme_token)",
                        quoted(other)
                    ),
                ))
            }
        },
        // Another PSP's card reference means nothing at PXP: left out and reported.
        (None, Some(_)) | (None, None) => None,
    };
    Ok(PreInitiateRequest {
        amount,
        fingerprint_callback_url: r.urls.method_notification_url.clone(),
        requestor_authentication_indicator,
        card,
        ..PreInitiateRequest::default()
    })
}

fn write_browser_authentication(
    r: &AuthenticationRequest,
) -> Result<BrowserAuthenticationRequest, RequestError> {
    if let Some(ch @ (Channel::App | Channel::ThreeRi)) = r.channel {
        return Err(value_error(
            "channel",
            format!("PXP documents browser authentication only, not {ch:?}"),
        ));
    }
    let browser_data = r.browser.as_ref().map(browser_data);
    Ok(BrowserAuthenticationRequest {
        merchant_category_code: r.merchant.mcc.clone(),
        merchant_country_numeric_code: r
            .merchant
            .country
            .as_deref()
            .map(|c| numeric(c, "merchant.country"))
            .transpose()?,
        merchant_legal_name: r.merchant.name.clone(),
        requestor_challenge_indicator: r
            .challenge_preference
            .map(|p| ChallengeIndicator::from(p.emv_code())),
        challenge_callback_url: r.urls.challenge_notification_url.clone(),
        recurring: r.recurring.as_ref().map(|rec| PxpRecurring {
            expiration_date: rec.expiry_date.as_ref().map(|d| format!("{d}T23:59:59Z")),
            frequency_in_days: rec.frequency_days.map(i64::from),
        }),
        billing_address: r
            .billing_address
            .as_ref()
            .map(|a| write_address(a, "billing_address"))
            .transpose()?,
        shipping_address: r
            .shipping_address
            .as_ref()
            .map(|a| write_address(a, "shipping_address"))
            .transpose()?,
        browser_data,
        ..BrowserAuthenticationRequest::default()
    })
}

/// `browserData` from the model's browser (also used by the live flow, which receives the
/// browser data after the authentication started).
pub(crate) fn browser_data(b: &Browser) -> BrowserData {
    BrowserData {
        accept_header: b.accept_header.clone(),
        color_depth: b.color_depth.map(i64::from),
        ip_address: b.ip_address.clone(),
        java_enabled: b.java_enabled,
        java_script_enabled: b.javascript_enabled,
        language: b.language.clone(),
        screen_height: b.screen_height.map(i64::from),
        screen_width: b.screen_width.map(i64::from),
        time_zone_offset_in_minutes: b.timezone_offset_minutes.map(i64::from),
        user_agent: b.user_agent.clone(),
    }
}
