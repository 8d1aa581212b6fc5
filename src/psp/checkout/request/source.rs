//! Checkout `source` (the card, a stored card or token, its billing address) <-> the model's
//! card and card reference; addresses and phone numbers both ways.

use crate::request::{
    quoted, Address, AuthenticationRequest, Card, CardReference, Cardholder, RequestError,
};
use threeds_checkout as cko;
use threeds_checkout::SourceType;
use threeds_wire::Secret;

use super::words::{network_to_scheme, scheme_to_network};
use super::{value_error, P};

pub(super) fn read_source(
    s: &cko::Source,
    m: &mut AuthenticationRequest,
) -> Result<(), RequestError> {
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

pub(super) fn write_source(m: &AuthenticationRequest) -> Result<Option<cko::Source>, RequestError> {
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

pub(super) fn address_to_model(a: &cko::Address) -> Address {
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

pub(super) fn address_to_wire(a: &Address) -> cko::Address {
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

pub(super) fn phone_to_model(p: &cko::Phone) -> String {
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
pub(super) fn phone_to_wire(text: &str) -> cko::Phone {
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
