//! Mangopay request codec: the Direct Card PayIn request (`POST /payins/card/direct`,
//! docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin) to and from the normalized request.
//!
//! Mangopay authenticates inside the pay-in, so its request is a payment request: the model
//! holds the amount, the card reference (`CardId`), the browser, the addresses, the return URL
//! and the challenge preference (`SecureMode`). It cannot hold the platform's money routing
//! (`AuthorId`, `CreditedUserId`, `CreditedWalletId`, `Fees`), `StatementDescriptor`,
//! `Culture`, `PaymentCategory`, `ProfilingAttemptReference` or `Requested3DSVersion`;
//! `translate` reports those as not carried.

use crate::model::{Network, Provider};
use crate::request::{
    quoted, Address, AuthenticationRequest, Browser, Card, CardReference, ChallengePreference,
    Channel, MessageCategory, Purpose, RequestCodec, RequestError,
};
use threeds_mangopay::common::as_i64;
use threeds_mangopay::{
    Address as MpAddress, BillingOrShipping, BrowserInfo, CardNetwork, DirectCardPayInRequest,
    Money, SecureMode,
};
use threeds_wire::{NumOrStr, Secret};

/// Reads and writes Mangopay authentication requests.
pub struct MangopayCodec;

/// The `CardReference::kind` of a Mangopay `CardId`.
pub const CARD_ID_KIND: &str = "card_id";

fn value_error(path: &str, message: impl Into<String>) -> RequestError {
    RequestError::Value {
        provider: Provider::MANGOPAY,
        path: path.to_owned(),
        message: message.into(),
    }
}

impl RequestCodec for MangopayCodec {
    type Wire = DirectCardPayInRequest;
    const PROVIDER: Provider = Provider::MANGOPAY;
    const DOCUMENT: &'static str = "mangopay.payin_request";
    /// The Direct Card PayIn's required fields.
    const IDENTIFYING: &'static [&'static str] = &[
        "AuthorId",
        "DebitedFunds",
        "Fees",
        "CreditedWalletId",
        "CardId",
        "SecureModeReturnURL",
        "BrowserInfo",
        "IpAddress",
        "SecureMode",
    ];

    fn to_model(wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        let mut m = AuthenticationRequest {
            reference: wire.tag.clone(),
            // Every Direct Card PayIn is a browser-based payment: BrowserInfo is required.
            channel: Some(Channel::Browser),
            purpose: Some(Purpose::Payment),
            message_category: Some(MessageCategory::Payment),
            ..Default::default()
        };
        if let Some(funds) = &wire.debited_funds {
            m.currency.clone_from(&funds.currency);
            m.amount = match &funds.amount {
                None => None,
                Some(a) => Some(a.as_u64().ok_or_else(|| {
                    value_error(
                        "DebitedFunds.Amount",
                        format!("{} is not an integer in minor units", quoted(a)),
                    )
                })?),
            };
        }
        m.card_reference = wire.card_id.as_ref().map(|id| CardReference {
            provider: Provider::MANGOPAY,
            kind: CARD_ID_KIND.to_owned(),
            value: Secret::new(id.clone()),
        });
        if let Some(network) = &wire.preferred_card_network {
            let n = Network::from_psp(network.as_str()).ok_or_else(|| {
                value_error(
                    "PreferredCardNetwork",
                    format!("{} is not a known network", quoted(network)),
                )
            })?;
            m.card = Some(Card {
                preferred_network: Some(n),
                ..Default::default()
            });
        }
        m.browser = browser_to_model(wire.browser_info.as_ref(), wire.ip_address.as_deref())?;
        m.billing_address = wire.billing.as_ref().map(address_to_model);
        m.shipping_address = wire.shipping.as_ref().map(address_to_model);
        m.challenge_preference = match &wire.secure_mode {
            None => None,
            Some(SecureMode::Default) => Some(ChallengePreference::NoChallengeRequested),
            Some(SecureMode::NoChoice) => Some(ChallengePreference::NoPreference),
            Some(SecureMode::Force) => Some(ChallengePreference::ChallengeMandated),
            Some(SecureMode::Unknown(v)) => {
                return Err(value_error(
                    "SecureMode",
                    format!("{} is not DEFAULT, FORCE or NO_CHOICE", quoted(v)),
                ))
            }
        };
        m.urls.return_url.clone_from(&wire.secure_mode_return_url);
        Ok(m)
    }

    fn from_model(request: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        check_scope(request)?;
        let mut w = DirectCardPayInRequest {
            tag: request.reference.clone(),
            secure_mode_return_url: request.urls.return_url.clone(),
            ..Default::default()
        };
        if request.amount.is_some() || request.currency.is_some() {
            w.debited_funds = Some(Money {
                currency: request.currency.clone(),
                amount: request.amount.map(NumOrStr::number),
            });
        }
        // A card held by another PSP, or a raw card number, cannot be used here: Mangopay
        // takes only a CardId from its own card registration. Left out, so validation reports
        // CardId as missing (it can be supplied with `translate --set CardId=...`).
        w.card_id = request
            .card_reference
            .as_ref()
            .filter(|r| r.provider == Provider::MANGOPAY && r.kind == CARD_ID_KIND)
            .map(|r| r.value.expose().to_owned());
        // Mangopay routes co-branded cards on VISA, MASTERCARD, CB or MAESTRO only; another
        // preferred network is left out and reported by translation.
        w.preferred_card_network = request
            .card
            .as_ref()
            .and_then(|c| c.preferred_network)
            .and_then(|n| match n {
                Network::Visa => Some(CardNetwork::Visa),
                Network::Mastercard => Some(CardNetwork::Mastercard),
                Network::CartesBancaires => Some(CardNetwork::Cb),
                Network::Maestro => Some(CardNetwork::Maestro),
                _ => None,
            });
        if let Some(b) = &request.browser {
            w.ip_address.clone_from(&b.ip_address);
            w.browser_info = browser_from_model(b);
        }
        w.billing = request.billing_address.as_ref().map(address_from_model);
        w.shipping = request.shipping_address.as_ref().map(address_from_model);
        w.secure_mode = match request.challenge_preference {
            None => None,
            Some(ChallengePreference::NoPreference) => Some(SecureMode::NoChoice),
            // DEFAULT asks Mangopay to request an exemption / frictionless flow; Mangopay
            // itself chooses low value or TRA (docs.mangopay.com/guides/payment-methods/card/3ds, scope).
            Some(
                ChallengePreference::NoChallengeRequested
                | ChallengePreference::TransactionRiskAssessment
                | ChallengePreference::LowValue,
            ) => Some(SecureMode::Default),
            Some(
                ChallengePreference::ChallengeRequested | ChallengePreference::ChallengeMandated,
            ) => Some(SecureMode::Force),
            // 06-09 have no SecureMode: left out (Mangopay then applies DEFAULT) and reported.
            Some(_) => None,
        };
        Ok(w)
    }
}

/// What a Direct Card PayIn cannot be: an app or 3RI authentication, a non-payment
/// authentication, or a recurring or instalment series (those are other Mangopay
/// endpoints). Building a one-off charge from them would change what the request does, so
/// these are errors; recurring terms on a one-off payment are merely left out (and
/// reported by translation).
fn check_scope(r: &AuthenticationRequest) -> Result<(), RequestError> {
    if let Some(c @ (Channel::App | Channel::ThreeRi)) = r.channel {
        return Err(value_error(
            "BrowserInfo",
            format!("a Direct Card PayIn authenticates in a browser only, not channel {c:?}"),
        ));
    }
    if let Some(p) = r.purpose.filter(|p| *p != Purpose::Payment) {
        return Err(value_error(
            "DebitedFunds",
            format!("a Direct Card PayIn is a one-off payment, not purpose {p:?}"),
        ));
    }
    if r.message_category == Some(MessageCategory::NonPayment) {
        return Err(value_error(
            "DebitedFunds",
            "a Direct Card PayIn is a payment; non-payment authentications use other Mangopay endpoints",
        ));
    }
    Ok(())
}

fn int<T: TryFrom<i64>>(path: &str, v: Option<&NumOrStr>) -> Result<Option<T>, RequestError> {
    v.map(|n| {
        as_i64(n)
            .and_then(|i| T::try_from(i).ok())
            .ok_or_else(|| value_error(path, format!("{} is out of range", quoted(n))))
    })
    .transpose()
}

fn browser_to_model(
    b: Option<&BrowserInfo>,
    ip: Option<&str>,
) -> Result<Option<Browser>, RequestError> {
    if b.is_none() && ip.is_none() {
        return Ok(None);
    }
    let mut out = Browser {
        ip_address: ip.map(str::to_owned),
        ..Default::default()
    };
    if let Some(b) = b {
        out.accept_header.clone_from(&b.accept_header);
        out.java_enabled = b.java_enabled;
        out.javascript_enabled = b.javascript_enabled;
        out.language.clone_from(&b.language);
        out.color_depth = int("BrowserInfo.ColorDepth", b.color_depth.as_ref())?;
        out.screen_height = int("BrowserInfo.ScreenHeight", b.screen_height.as_ref())?;
        out.screen_width = int("BrowserInfo.ScreenWidth", b.screen_width.as_ref())?;
        // Same sign convention as the model (JavaScript getTimezoneOffset()).
        out.timezone_offset_minutes =
            int("BrowserInfo.TimeZoneOffset", b.time_zone_offset.as_ref())?;
        out.user_agent.clone_from(&b.user_agent);
    }
    Ok(Some(out))
}

fn browser_from_model(b: &Browser) -> Option<BrowserInfo> {
    let info = BrowserInfo {
        accept_header: b.accept_header.clone(),
        java_enabled: b.java_enabled,
        language: b.language.clone(),
        color_depth: b.color_depth.map(|n| NumOrStr::number(n.into())),
        screen_height: b.screen_height.map(|n| NumOrStr::number(n.into())),
        screen_width: b.screen_width.map(|n| NumOrStr::number(n.into())),
        time_zone_offset: b.timezone_offset_minutes.map(signed),
        user_agent: b.user_agent.clone(),
        javascript_enabled: b.javascript_enabled,
    };
    (info != BrowserInfo::default()).then_some(info)
}

/// A signed number read as a JSON number (`NumOrStr::number` takes only unsigned values);
/// the wire type writes it back as a number.
fn signed(n: i32) -> NumOrStr {
    match u64::try_from(n) {
        Ok(u) => NumOrStr::number(u),
        Err(_) => serde_json::from_value(serde_json::Value::from(n))
            .unwrap_or_else(|_| NumOrStr::string(n.to_string())),
    }
}

fn address_to_model(p: &BillingOrShipping) -> Address {
    let a = p.address.clone().unwrap_or_default();
    Address {
        first_name: p.first_name.clone(),
        last_name: p.last_name.clone(),
        line1: a.address_line1,
        line2: a.address_line2,
        line3: None,
        city: a.city,
        state: a.region,
        postal_code: a.postal_code,
        country: a.country,
    }
}

fn address_from_model(a: &Address) -> BillingOrShipping {
    // Mangopay has two address lines; a third is appended to the second rather than lost.
    let line2 = match (&a.line2, &a.line3) {
        (Some(l2), Some(l3)) => Some(format!("{l2}, {l3}")),
        (l2, l3) => l2.clone().or_else(|| l3.clone()),
    };
    let address = MpAddress {
        address_line1: a.line1.clone(),
        address_line2: line2,
        city: a.city.clone(),
        region: a.state.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
    };
    BillingOrShipping {
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone(),
        address: (address != MpAddress::default()).then_some(address),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_mode_maps_both_ways() {
        for (mode, pref) in [
            (
                SecureMode::Default,
                ChallengePreference::NoChallengeRequested,
            ),
            (SecureMode::NoChoice, ChallengePreference::NoPreference),
            (SecureMode::Force, ChallengePreference::ChallengeMandated),
        ] {
            let wire = DirectCardPayInRequest {
                secure_mode: Some(mode.clone()),
                ..Default::default()
            };
            let m = MangopayCodec::to_model(&wire).unwrap();
            assert_eq!(m.challenge_preference, Some(pref));
            assert_eq!(
                MangopayCodec::from_model(&m).unwrap().secure_mode,
                Some(mode)
            );
        }
        let m = AuthenticationRequest {
            challenge_preference: Some(ChallengePreference::DataShareOnly),
            ..Default::default()
        };
        // 06 has no SecureMode: left out, for translation to report.
        assert_eq!(MangopayCodec::from_model(&m).unwrap().secure_mode, None);
    }

    #[test]
    fn negative_timezone_offsets_stay_numbers() {
        let b = browser_from_model(&Browser {
            timezone_offset_minutes: Some(-180),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"TimeZoneOffset":-180}"#
        );
    }

    #[test]
    fn out_of_scope_requests_are_value_errors() {
        for m in [
            AuthenticationRequest {
                channel: Some(Channel::App),
                ..Default::default()
            },
            AuthenticationRequest {
                purpose: Some(Purpose::AddCard),
                ..Default::default()
            },
            AuthenticationRequest {
                message_category: Some(MessageCategory::NonPayment),
                ..Default::default()
            },
        ] {
            assert!(MangopayCodec::from_model(&m).is_err());
        }
    }

    #[test]
    fn networks_mangopay_cannot_route_are_left_out() {
        let m = AuthenticationRequest {
            card: Some(Card {
                preferred_network: Some(Network::Amex),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            MangopayCodec::from_model(&m)
                .unwrap()
                .preferred_card_network,
            None
        );
    }

    #[test]
    fn foreign_card_references_are_left_out() {
        let m = AuthenticationRequest {
            card_reference: Some(CardReference {
                provider: Provider::CHECKOUT,
                kind: "instrument".into(),
                value: Secret::new("src_x"),
            }),
            ..Default::default()
        };
        assert_eq!(MangopayCodec::from_model(&m).unwrap().card_id, None);
    }
}
