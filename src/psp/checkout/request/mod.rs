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
//!
//! The codec is here; its parts read and write one part of the request each: `source` (the
//! card, its billing address and phone numbers), `channel` (browser, app or 3RI channel
//! data, and the completion URLs), `risk` (`account_info` and `merchant_risk_info`) and
//! `words` (the challenge indicator and card scheme values).

mod channel;
mod risk;
mod source;
#[cfg(test)]
mod tests;
mod words;

use crate::model::Provider;
use crate::request::{
    quoted, AuthenticationRequest, MessageCategory, PriorAuthentication, PriorMethod, Purpose,
    RequestCodec, RequestError, TransactionType, Urls,
};
use threeds_checkout as cko;
use threeds_checkout::{
    AuthenticationCategory as Cat, AuthenticationType as AType, InitialAuthenticationMethod as IAM,
};

use channel::{read_channel, write_channel, write_completion};
use risk::{read_account, read_risk, write_account, write_risk};
use source::{address_to_model, address_to_wire, read_source, write_source};
pub(crate) use words::challenge_to_model;
use words::challenge_to_wire;

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
