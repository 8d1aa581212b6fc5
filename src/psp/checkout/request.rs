//! Checkout `POST /sessions` request <-> the normalized request.
//!
//! Units and types: `amount` is minor units on both sides; browser numbers (`color_depth`,
//! `screen_*`, `timezone`) are strings at Checkout (`ChannelData.yaml`) and numbers in the model; phone numbers
//! are `{country_code, number}` at Checkout and one E.164 string in the model; recurring
//! expiry is `yyyyMMdd` at Checkout and `YYYY-MM-DD` in the model.
//!
//! `account_info` and `merchant_risk_info` are the model's account and merchant risk data
//! (EMV `acctInfo`, `merchantRiskIndicator`); their dates are date-times at Checkout and
//! dates in the model (EMV carries dates only), and `gift_card_amount` is whole major units
//! at Checkout, minor units in the model.
//!
//! Not carried by the model (reported by `translate`): `processing_channel_id`,
//! `marketplace`, `account_info.account_type` / `account_id` / `authentication_method` /
//! `three_ds_requestor_authentication_info`, `shipping_address_matches_billing`,
//! `optimization`, `google_spa`, `preferred_experiences`, `device_information`,
//! `source.stored`, the app channel's `sdk_*` fields, browser `three_ds_method_completion`,
//! `iframe_payment_allowed`, `user_agent_client_hint`, and
//! `initial_transaction.initial_session_id`.

use crate::model::{currency_exponent, Network, Provider};
use crate::request::{
    quoted, AccountInfo, Address, AuthenticationRequest, Browser, Card, CardReference, Cardholder,
    ChallengePreference, Channel, DeliveryTimeframe, GiftCard, MerchantRisk, MessageCategory,
    PriorAuthentication, PriorMethod, Purpose, Recency, RequestCodec, RequestError,
    ShippingIndicator, TransactionType, Urls,
};
use threeds_checkout as cko;
use threeds_checkout::{
    AuthenticationCategory as Cat, AuthenticationType as AType, ChallengeIndicator as CI,
    CompletionType, InitialAuthenticationMethod as IAM, MerchantInitiatedRequestType as Mit,
    Scheme, SourceType,
};
use threeds_wire::{NumOrStr, Secret};

/// Reads and writes Checkout authentication requests.
pub struct CheckoutCodec;

const P: Provider = Provider::CHECKOUT;

fn value_error(path: &str, message: impl Into<String>) -> RequestError {
    RequestError::Value {
        provider: P,
        path: path.to_owned(),
        message: message.into(),
    }
}

impl RequestCodec for CheckoutCodec {
    type Wire = cko::SessionRequest;
    const PROVIDER: Provider = P;
    const DOCUMENT: &'static str = "checkout.session_request";
    /// Required `source` and `completion`, and the fields only a session request has
    /// (`amount` and `currency` are every PSP's).
    const IDENTIFYING: &'static [&'static str] = &[
        "source",
        "completion",
        "processing_channel_id",
        "channel_data",
        "authentication_type",
        "authentication_category",
        "challenge_indicator",
        "billing_descriptor",
        "shipping_address",
        "account_info",
        "merchant_risk_info",
        "initial_transaction",
        "prior_transaction_reference",
        "installment",
    ];

    /// `processing_channel_id` is required unless the OAuth token is bound to one
    /// (Checkout API reference, `POST /sessions`); the model does not carry it, so a
    /// translated request always lacks it and `--set processing_channel_id=pc_...` supplies
    /// it. The live flow adds it from its settings.
    fn translation_violations(w: &Self::Wire) -> Vec<threeds_wire::FieldViolation> {
        let mut v = threeds_wire::Violations::new();
        v.require("processing_channel_id", w.processing_channel_id.as_ref());
        v.into_vec()
    }

    fn to_model(w: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        let mut m = AuthenticationRequest {
            amount: w.amount,
            currency: w.currency.clone(),
            reference: w.reference.clone(),
            ..AuthenticationRequest::default()
        };
        if let Some(s) = &w.source {
            read_source(s, &mut m)?;
        }
        m.shipping_address = w.shipping_address.as_ref().map(address_to_model);
        m.purpose = w
            .authentication_type
            .as_ref()
            .map(|t| match t {
                AType::Regular => Ok(Purpose::Payment),
                AType::Recurring => Ok(Purpose::Recurring),
                AType::Installment => Ok(Purpose::Installment),
                AType::AddCard => Ok(Purpose::AddCard),
                AType::MaintainCard => Ok(Purpose::MaintainCard),
                AType::Unknown(v) => Err(value_error(
                    "authentication_type",
                    format!("{} is not a Checkout authentication type", quoted(v)),
                )),
            })
            .transpose()?;
        if let Some(c) = &w.channel_data {
            read_channel(c, &mut m)?;
        }
        m.message_category = w
            .authentication_category
            .as_ref()
            .map(|c| match c {
                Cat::Payment => Ok(MessageCategory::Payment),
                Cat::NonPayment => Ok(MessageCategory::NonPayment),
                Cat::Unknown(v) => Err(value_error(
                    "authentication_category",
                    format!("{} is not a Checkout authentication category", quoted(v)),
                )),
            })
            .transpose()?;
        m.challenge_preference = w
            .challenge_indicator
            .as_ref()
            .map(challenge_to_model)
            .transpose()?;
        m.transaction_type = w
            .transaction_type
            .as_ref()
            .map(|t| match t {
                cko::TransactionType::GoodsService => Ok(TransactionType::GoodsService),
                cko::TransactionType::CheckAcceptance => Ok(TransactionType::CheckAcceptance),
                cko::TransactionType::AccountFunding => Ok(TransactionType::AccountFunding),
                cko::TransactionType::QuasiCardTransaction
                | cko::TransactionType::QuashiCardTransaction => Ok(TransactionType::QuasiCash),
                cko::TransactionType::PrepaidActivationAndLoad => {
                    Ok(TransactionType::PrepaidActivation)
                }
                cko::TransactionType::Unknown(v) => Err(value_error(
                    "transaction_type",
                    format!("{} is not a Checkout transaction type", quoted(v)),
                )),
            })
            .transpose()?;
        // Checkout ignores `recurring` unless the type is recurring, and `installment` unless
        // it is installment; the model has one set of terms.
        if let Some(i) = &w.installment {
            m.recurring = Some(crate::request::Recurring {
                frequency_days: i.days_between_payments,
                expiry_date: i
                    .expiry
                    .as_deref()
                    .map(|e| date_to_model("installment.expiry", e))
                    .transpose()?,
                max_payments: i.number_of_payments,
            });
        } else if let Some(r) = &w.recurring {
            m.recurring = Some(crate::request::Recurring {
                frequency_days: r.days_between_payments,
                expiry_date: r
                    .expiry
                    .as_deref()
                    .map(|e| date_to_model("recurring.expiry", e))
                    .transpose()?,
                max_payments: None,
            });
        }
        m.merchant.name = w.billing_descriptor.as_ref().and_then(|b| b.name.clone());
        if let Some(c) = &w.completion {
            m.urls = Urls {
                return_url: c.success_url.clone(),
                failure_url: c.failure_url.clone(),
                callback_url: c.callback_url.clone(),
                challenge_notification_url: c.challenge_notification_url.clone(),
                method_notification_url: None,
            };
        }
        if let Some(t) = &w.initial_transaction {
            m.prior_authentication = Some(PriorAuthentication {
                reference: t.acs_transaction_id.clone(),
                method: match &t.authentication_method {
                    None => None,
                    Some(IAM::FrictionlessAuthentication) => Some(PriorMethod::Frictionless),
                    Some(IAM::ChallengeOccurred) => Some(PriorMethod::Challenge),
                    Some(IAM::AvsVerified) => Some(PriorMethod::AvsVerified),
                    Some(IAM::OtherIssuerMethods) => Some(PriorMethod::Other),
                    Some(IAM::Unknown(v)) => {
                        return Err(value_error(
                            "initial_transaction.authentication_method",
                            format!("{} is not a Checkout authentication method", quoted(v)),
                        ))
                    }
                },
                timestamp: t.authentication_timestamp.clone(),
                data: t.authentication_data.clone(),
            });
        } else if let Some(r) = &w.prior_transaction_reference {
            m.prior_authentication = Some(PriorAuthentication {
                reference: Some(r.clone()),
                ..PriorAuthentication::default()
            });
        }
        m.account = w.account_info.as_ref().map(read_account).transpose()?;
        m.merchant_risk = w.merchant_risk_info.as_ref().map(read_risk).transpose()?;
        Ok(m)
    }

    fn from_model(m: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        let mut w = cko::SessionRequest {
            amount: m.amount,
            currency: m.currency.clone(),
            reference: m.reference.clone(),
            source: write_source(m)?,
            shipping_address: m.shipping_address.as_ref().map(address_to_wire),
            channel_data: write_channel(m),
            ..cko::SessionRequest::default()
        };
        // A purpose Checkout cannot express is left out; translation reports it.
        w.authentication_type = m.purpose.and_then(|p| match p {
            Purpose::Payment => Some(AType::Regular),
            Purpose::Recurring => Some(AType::Recurring),
            Purpose::Installment => Some(AType::Installment),
            Purpose::AddCard => Some(AType::AddCard),
            Purpose::MaintainCard => Some(AType::MaintainCard),
            Purpose::EmvTokenVerification => None,
        });
        w.authentication_category = m.message_category.map(|c| match c {
            MessageCategory::Payment => Cat::Payment,
            MessageCategory::NonPayment => Cat::NonPayment,
        });
        w.challenge_indicator = m.challenge_preference.and_then(challenge_to_wire);
        w.transaction_type = m.transaction_type.map(|t| match t {
            TransactionType::GoodsService => cko::TransactionType::GoodsService,
            TransactionType::CheckAcceptance => cko::TransactionType::CheckAcceptance,
            TransactionType::AccountFunding => cko::TransactionType::AccountFunding,
            TransactionType::QuasiCash => cko::TransactionType::QuasiCardTransaction,
            TransactionType::PrepaidActivation => cko::TransactionType::PrepaidActivationAndLoad,
        });
        if let Some(r) = &m.recurring {
            let field = if m.purpose == Some(Purpose::Installment) {
                "installment.expiry"
            } else {
                "recurring.expiry"
            };
            let expiry = r
                .expiry_date
                .as_deref()
                .map(|d| date_to_wire(field, d))
                .transpose()?;
            if m.purpose == Some(Purpose::Installment) {
                w.installment = Some(cko::Installment {
                    number_of_payments: r.max_payments,
                    days_between_payments: r.frequency_days,
                    expiry,
                });
            } else if m.purpose == Some(Purpose::Recurring) {
                // Checkout's `recurring` has no payment count; translation reports the
                // count as not carried (model comparison), it is not an error.
                w.recurring = Some(cko::Recurring {
                    days_between_payments: r.frequency_days,
                    expiry,
                });
            }
            // Any other purpose: Checkout uses `recurring`/`installment` only with those
            // authentication types (Checkout.com API reference, `SessionRequest.yaml`), so the terms are left out and reported.
        }
        w.billing_descriptor = m
            .merchant
            .name
            .clone()
            .map(|name| cko::BillingDescriptor { name: Some(name) });
        w.completion = write_completion(&m.urls);
        w.initial_transaction = m
            .prior_authentication
            .as_ref()
            .map(|p| cko::InitialTransaction {
                acs_transaction_id: p.reference.clone(),
                authentication_method: p.method.map(|m| match m {
                    PriorMethod::Frictionless => IAM::FrictionlessAuthentication,
                    PriorMethod::Challenge => IAM::ChallengeOccurred,
                    PriorMethod::AvsVerified => IAM::AvsVerified,
                    PriorMethod::Other => IAM::OtherIssuerMethods,
                }),
                authentication_timestamp: p.timestamp.clone(),
                authentication_data: p.data.clone(),
                initial_session_id: None,
            });
        w.account_info = m.account.as_ref().map(write_account);
        w.merchant_risk_info = m.merchant_risk.as_ref().map(write_risk);
        Ok(w)
    }
}

pub(crate) fn challenge_to_model(c: &CI) -> Result<ChallengePreference, RequestError> {
    Ok(match c {
        CI::NoPreference => ChallengePreference::NoPreference,
        CI::NoChallengeRequested => ChallengePreference::NoChallengeRequested,
        CI::ChallengeRequested => ChallengePreference::ChallengeRequested,
        CI::ChallengeRequestedMandate => ChallengePreference::ChallengeMandated,
        CI::TransactionRiskAssessment => ChallengePreference::TransactionRiskAssessment,
        CI::DataShare => ChallengePreference::DataShareOnly,
        CI::TrustedListing => ChallengePreference::TrustedListing,
        CI::TrustedListingPrompt => ChallengePreference::TrustedListingPrompt,
        CI::LowValue => ChallengePreference::LowValue,
        CI::Unknown(v) => {
            return Err(value_error(
                "challenge_indicator",
                format!("{} is not a Checkout challenge indicator", quoted(v)),
            ))
        }
    })
}

/// `None` for 07 (SCA already performed), which Checkout's sessions have no value for.
fn challenge_to_wire(c: ChallengePreference) -> Option<CI> {
    Some(match c {
        ChallengePreference::NoPreference => CI::NoPreference,
        ChallengePreference::NoChallengeRequested => CI::NoChallengeRequested,
        ChallengePreference::ChallengeRequested => CI::ChallengeRequested,
        ChallengePreference::ChallengeMandated => CI::ChallengeRequestedMandate,
        ChallengePreference::TransactionRiskAssessment => CI::TransactionRiskAssessment,
        ChallengePreference::DataShareOnly => CI::DataShare,
        ChallengePreference::TrustedListing => CI::TrustedListing,
        ChallengePreference::TrustedListingPrompt => CI::TrustedListingPrompt,
        ChallengePreference::LowValue => CI::LowValue,
        ChallengePreference::ScaAlreadyPerformed => return None,
    })
}

fn scheme_to_network(s: &Scheme) -> Result<Network, RequestError> {
    Network::from_psp(s.as_str()).ok_or_else(|| {
        value_error(
            "source.scheme",
            format!("{} is not a known network", quoted(s.as_str())),
        )
    })
}

/// `None` for Maestro, which Checkout sessions take no scheme value for (`SessionRequest.yaml` `source.scheme`).
fn network_to_scheme(n: Network) -> Option<Scheme> {
    Some(match n {
        Network::Visa => Scheme::Visa,
        Network::Mastercard => Scheme::Mastercard,
        Network::Amex => Scheme::Amex,
        Network::Discover => Scheme::Discover,
        Network::Diners => Scheme::Diners,
        Network::Jcb => Scheme::Jcb,
        Network::CartesBancaires => Scheme::CartesBancaires,
        Network::Unionpay => Scheme::Upi,
        Network::Maestro => return None,
    })
}

fn read_source(s: &cko::Source, m: &mut AuthenticationRequest) -> Result<(), RequestError> {
    let kind = s.source_type.clone().unwrap_or(SourceType::Card);
    let reference = |kind: &str, value: Option<&Secret>| {
        value.map(|v| CardReference {
            provider: P,
            kind: kind.to_owned(),
            value: v.clone(),
        })
    };
    match &kind {
        SourceType::Card => {}
        SourceType::Id => {
            m.card_reference = reference("instrument", s.id.clone().map(Secret::new).as_ref())
        }
        SourceType::Token => m.card_reference = reference("token", s.token.as_ref()),
        SourceType::NetworkToken => m.card_reference = reference("network_token", s.token.as_ref()),
        SourceType::Unknown(v) => {
            return Err(value_error(
                "source.type",
                format!("{} is not a Checkout source type", quoted(v)),
            ))
        }
    }
    let preferred_network = s.scheme.as_ref().map(scheme_to_network).transpose()?;
    let card = Card {
        number: s.number.clone(),
        expiry_month: s.expiry_month,
        expiry_year: s.expiry_year,
        holder_name: s.name.clone(),
        cvv: None,
        preferred_network,
    };
    if kind == SourceType::Card || card != Card::default() {
        m.card = Some(card);
    }
    m.cardholder = Cardholder {
        email: s.email.clone(),
        home_phone: s.home_phone.as_ref().map(phone_to_model),
        mobile_phone: s.mobile_phone.as_ref().map(phone_to_model),
        work_phone: s.work_phone.as_ref().map(phone_to_model),
    };
    m.billing_address = s.billing_address.as_ref().map(address_to_model);
    Ok(())
}

fn write_source(m: &AuthenticationRequest) -> Result<Option<cko::Source>, RequestError> {
    let mut s = cko::Source::default();
    let card = m.card.clone().unwrap_or_default();
    // Another PSP's card reference means nothing here: it is left out (translation reports
    // it) and the card details, if any, are used.
    match m.card_reference.as_ref().filter(|r| r.provider == P) {
        Some(r) => match r.kind.as_str() {
            "instrument" | "id" => {
                s.source_type = Some(SourceType::Id);
                s.id = Some(r.value.expose().to_owned());
            }
            "token" => {
                s.source_type = Some(SourceType::Token);
                s.token = Some(r.value.clone());
            }
            "network_token" => {
                s.source_type = Some(SourceType::NetworkToken);
                s.token = Some(r.value.clone());
            }
            other => {
                return Err(value_error(
                    "source.type",
                    format!("Checkout has no source for a {} reference", quoted(other)),
                ))
            }
        },
        None => s.source_type = Some(SourceType::Card),
    }
    s.number = card.number;
    s.expiry_month = card.expiry_month;
    s.expiry_year = card.expiry_year;
    // `id` and `token` sources take no cardholder name (`SessionRequest.yaml` source objects).
    if !matches!(s.source_type, Some(SourceType::Id | SourceType::Token)) {
        s.name = card.holder_name;
    }
    s.scheme = card.preferred_network.and_then(network_to_scheme);
    s.email = m.cardholder.email.clone();
    s.home_phone = m.cardholder.home_phone.as_deref().map(phone_to_wire);
    s.mobile_phone = m.cardholder.mobile_phone.as_deref().map(phone_to_wire);
    s.work_phone = m.cardholder.work_phone.as_deref().map(phone_to_wire);
    s.billing_address = m.billing_address.as_ref().map(address_to_wire);
    let empty = cko::Source {
        source_type: Some(SourceType::Card),
        ..cko::Source::default()
    };
    Ok((s != empty || m.card.is_some()).then_some(s))
}

fn address_to_model(a: &cko::Address) -> Address {
    Address {
        first_name: None,
        last_name: None,
        line1: a.address_line1.clone(),
        line2: a.address_line2.clone(),
        line3: a.address_line3.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        postal_code: a.zip.clone(),
        country: a.country.clone(),
    }
}

fn address_to_wire(a: &Address) -> cko::Address {
    cko::Address {
        address_line1: a.line1.clone(),
        address_line2: a.line2.clone(),
        address_line3: a.line3.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        zip: a.postal_code.clone(),
        country: a.country.clone(),
    }
}

fn phone_to_model(p: &cko::Phone) -> String {
    match (&p.country_code, &p.number) {
        (Some(cc), Some(n)) => format!("+{cc}{n}"),
        (Some(cc), None) => format!("+{cc}"),
        (None, Some(n)) => n.clone(),
        (None, None) => String::new(),
    }
}

/// ITU-T E.164 country calling codes are prefix-free: `1` and `7` are one digit, these are
/// two, every other assigned code is three.
const TWO_DIGIT_CALLING_CODES: &[&str] = &[
    "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47",
    "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
    "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
];

/// Splits `+<country code><number>` (spaces, dashes, dots and brackets ignored). A number
/// without `+` has no country code to split off and goes to `number` as written.
fn phone_to_wire(text: &str) -> cko::Phone {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let Some(digits) = compact.strip_prefix('+') else {
        return cko::Phone {
            country_code: None,
            number: Some(compact),
        };
    };
    let cc_len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else if digits
        .get(..2)
        .is_some_and(|two| TWO_DIGIT_CALLING_CODES.contains(&two))
    {
        2
    } else {
        3
    };
    // Counted in characters and split on a character boundary: the text may hold anything
    // (`+2é`), and validation then names the field.
    let cut = digits
        .char_indices()
        .nth(cc_len)
        .map_or(digits.len(), |(i, _)| i);
    let (cc, number) = digits.split_at(cut);
    cko::Phone {
        country_code: Some(cc.to_owned()),
        number: (!number.is_empty()).then(|| number.to_owned()),
    }
}

fn parse_num<T: std::str::FromStr>(
    path: &str,
    v: Option<&NumOrStr>,
) -> Result<Option<T>, RequestError> {
    v.map(|n| {
        n.as_str()
            .trim()
            .parse::<T>()
            .map_err(|_| value_error(path, format!("{} is not a number", quoted(n.as_str()))))
    })
    .transpose()
}

fn read_channel(c: &cko::ChannelData, m: &mut AuthenticationRequest) -> Result<(), RequestError> {
    let channel = c.channel.clone().unwrap_or(cko::Channel::Browser);
    m.channel = Some(match channel {
        cko::Channel::Browser => Channel::Browser,
        cko::Channel::App => Channel::App,
        cko::Channel::MerchantInitiated => Channel::ThreeRi,
        cko::Channel::Unknown(v) => {
            return Err(value_error(
                "channel_data.channel",
                format!("{} is not a Checkout channel", quoted(v)),
            ))
        }
    });
    if m.channel == Some(Channel::Browser) {
        m.browser = Some(Browser {
            accept_header: c.accept_header.clone(),
            java_enabled: c.java_enabled,
            javascript_enabled: c.javascript_enabled,
            language: c.language.clone(),
            color_depth: parse_num("channel_data.color_depth", c.color_depth.as_ref())?,
            screen_height: parse_num("channel_data.screen_height", c.screen_height.as_ref())?,
            screen_width: parse_num("channel_data.screen_width", c.screen_width.as_ref())?,
            timezone_offset_minutes: parse_num("channel_data.timezone", c.timezone.as_ref())?,
            user_agent: c.user_agent.clone(),
            ip_address: c.ip_address.clone(),
        });
    }
    if m.channel == Some(Channel::ThreeRi) && m.purpose.is_none() {
        // Purpose comes from authentication_type when present; the 3RI request type is the
        // only other place Checkout says it.
        m.purpose = match c.request_type {
            Some(Mit::RecurringTransaction) => Some(Purpose::Recurring),
            Some(Mit::InstallmentTransaction) => Some(Purpose::Installment),
            Some(Mit::AddCard) => Some(Purpose::AddCard),
            Some(Mit::MaintainCardInformation) => Some(Purpose::MaintainCard),
            _ => None,
        };
    }
    Ok(())
}

fn write_channel(m: &AuthenticationRequest) -> Option<cko::ChannelData> {
    let channel = m
        .channel
        .or_else(|| m.browser.as_ref().map(|_| Channel::Browser))?;
    let mut c = cko::ChannelData::default();
    match channel {
        Channel::Browser => {
            c.channel = Some(cko::Channel::Browser);
            if let Some(b) = &m.browser {
                c.accept_header = b.accept_header.clone();
                c.java_enabled = b.java_enabled;
                c.javascript_enabled = b.javascript_enabled;
                c.language = b.language.clone();
                // Checkout takes these as strings (`ChannelData.yaml`).
                c.color_depth = b.color_depth.map(|v| NumOrStr::string(v.to_string()));
                c.screen_height = b.screen_height.map(|v| NumOrStr::string(v.to_string()));
                c.screen_width = b.screen_width.map(|v| NumOrStr::string(v.to_string()));
                c.timezone = b
                    .timezone_offset_minutes
                    .map(|v| NumOrStr::string(v.to_string()));
                c.user_agent = b.user_agent.clone();
                c.ip_address = b.ip_address.clone();
            }
        }
        Channel::App => c.channel = Some(cko::Channel::App),
        Channel::ThreeRi => {
            c.channel = Some(cko::Channel::MerchantInitiated);
            c.request_type = match m.purpose {
                Some(Purpose::Recurring) => Some(Mit::RecurringTransaction),
                Some(Purpose::Installment) => Some(Mit::InstallmentTransaction),
                Some(Purpose::AddCard) => Some(Mit::AddCard),
                Some(Purpose::MaintainCard) => Some(Mit::MaintainCardInformation),
                _ => None,
            };
        }
    }
    Some(c)
}

/// `non_hosted` when a callback or challenge notification URL is given, `hosted` when only
/// the cardholder return URLs are.
fn write_completion(u: &Urls) -> Option<cko::Completion> {
    if u.callback_url.is_some() || u.challenge_notification_url.is_some() {
        Some(cko::Completion {
            completion_type: Some(CompletionType::NonHosted),
            callback_url: u.callback_url.clone(),
            challenge_notification_url: u.challenge_notification_url.clone(),
            ..cko::Completion::default()
        })
    } else if u.return_url.is_some() || u.failure_url.is_some() {
        Some(cko::Completion {
            completion_type: Some(CompletionType::Hosted),
            success_url: u.return_url.clone(),
            failure_url: u.failure_url.clone(),
            ..cko::Completion::default()
        })
    } else {
        None
    }
}

/// `yyyyMMdd` -> `YYYY-MM-DD`.
fn date_to_model(path: &str, d: &str) -> Result<String, RequestError> {
    // All ASCII digits, so the byte slices are character boundaries.
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        Ok(format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]))
    } else {
        Err(value_error(path, format!("{} is not yyyyMMdd", quoted(d))))
    }
}

/// `YYYY-MM-DD` -> `yyyyMMdd`.
fn date_to_wire(path: &str, d: &str) -> Result<String, RequestError> {
    let compact: String = d.chars().filter(|c| *c != '-').collect();
    if d.len() == 10 && compact.len() == 8 && compact.bytes().all(|b| b.is_ascii_digit()) {
        Ok(compact)
    } else {
        Err(value_error(
            path,
            format!("{} is not YYYY-MM-DD", quoted(d)),
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Risk data: `account_info` and `merchant_risk_info` (Checkout API reference,
// `POST /sessions`) <-> the model's account and merchant risk indicator.
// ---------------------------------------------------------------------------------------

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

fn read_account(a: &cko::AccountInfo) -> Result<AccountInfo, RequestError> {
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
fn write_account(a: &AccountInfo) -> cko::AccountInfo {
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

fn read_risk(r: &cko::MerchantRiskInfo) -> Result<MerchantRisk, RequestError> {
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
fn write_risk(r: &MerchantRisk) -> cko::MerchantRiskInfo {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_split_on_e164_calling_codes() {
        for (text, cc, n) in [
            ("+447700900123", "44", "7700900123"),
            ("+1 415 555 0100", "1", "4155550100"),
            ("+353-1-234-5678", "353", "12345678"),
            ("+7 495 1234567", "7", "4951234567"),
            ("+2é", "2é", ""),
            ("+é1234", "é12", "34"),
        ] {
            let p = phone_to_wire(text);
            assert_eq!(p.country_code.as_deref(), Some(cc), "{text}");
            assert_eq!(p.number.as_deref(), (!n.is_empty()).then_some(n), "{text}");
        }
        assert_eq!(phone_to_wire("07700900123").country_code, None);
        let p = cko::Phone {
            country_code: Some("44".into()),
            number: Some("7700900123".into()),
        };
        assert_eq!(phone_to_wire(&phone_to_model(&p)), p);
    }

    #[test]
    fn dates_convert_both_ways() {
        assert_eq!(date_to_model("x", "99991231").unwrap(), "9999-12-31");
        assert_eq!(date_to_wire("x", "9999-12-31").unwrap(), "99991231");
        assert!(date_to_wire("x", "31/12/9999").is_err());
        assert!(date_to_model("x", "9999-12-31").is_err());
    }
}
