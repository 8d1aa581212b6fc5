//! A Mangopay card pay-in: the fields every status shares (ids, amount, network, dates,
//! category); its `Status` is read in `status`.

use crate::liability::Category;
use crate::model::timestamp::from_unix_seconds;
use crate::model::{DocumentKind, Money, Network};
use crate::normalize::{parse_as, Context, Document, Draft, NormalizeError, Normalized};
use threeds_mangopay::{
    ExecutionType, PayIn, PayInStatus, PaymentType, ThreeDsVersion, TransactionType,
};

use super::status::{created, failed, mark_unknown, succeeded};
use super::P;

pub(super) fn normalize_payin(
    doc: Document<'_>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let p: PayIn = parse_as(doc, P, "mangopay.payin")?;
    let document = if p.is_web() {
        "mangopay.web_payin"
    } else {
        "mangopay.payin"
    };
    let mut d = Draft::new(P, DocumentKind::Authentication, document);
    d.facts.category = Some(Category::Payment);
    fill_common(&mut d, &p);

    let Some(status) = &p.status else {
        mark_unknown(&mut d, "status:missing", "the pay-in has no Status");
        return Ok(d.finish_in(ctx));
    };
    if d.apply_catalog(ctx, "status", status.as_str()).is_none() {
        return Ok(d.finish_in(ctx));
    }
    match status {
        PayInStatus::Created => created(&mut d, &p),
        PayInStatus::Succeeded => succeeded(&mut d, &p, ctx),
        PayInStatus::Failed => failed(&mut d, &p, ctx),
        // A Status added through a catalog override: its row decided.
        PayInStatus::Unknown(_) => {}
    }
    Ok(d.finish_in(ctx))
}

/// Fields every pay-in carries whatever its status.
fn fill_common(d: &mut Draft, p: &PayIn) {
    d.auth.id.clone_from(&p.id);
    // `Tag` is the only merchant-supplied free text on a pay-in; platforms put their order
    // reference there (docs examples: "Book ID:54457"). The request codec maps it both ways.
    d.auth.reference.clone_from(&p.tag);
    d.auth.raw.status = p.status.as_ref().map(|s| s.as_str().to_owned());
    d.auth.raw.code.clone_from(&p.result_code);
    d.auth.raw.message.clone_from(&p.result_message);
    d.auth.amount = amount(d, p);
    d.auth.network = network(d, p);
    d.auth.authenticated_at = authenticated_at(d, p);
    d.auth.protocol_version = match &p.applied_3ds_version {
        None => None,
        // Mangopay's only 3DS2 value, named after the version it launched 3DS2 with; its docs
        // call it "the version of the 3DS protocol used". The minor version Mangopay actually
        // runs today is not reported.
        Some(ThreeDsVersion::V2_1) => Some("2.1.0".to_owned()),
        // 3DS1 as run by schemes was 1.0.2; Mangopay's V1 predates its 3DS2 launch.
        Some(ThreeDsVersion::V1) => Some("1.0.2".to_owned()),
        Some(ThreeDsVersion::Unknown(v)) => {
            d.warn(format!(
                "mangopay Applied3DSVersion '{v}' is not known; protocol_version left null"
            ));
            None
        }
    };
    if let Some(t) = p.payment_type.as_ref().filter(|t| **t != PaymentType::Card) {
        d.warn(format!(
            "mangopay PaymentType '{t}' is not CARD: this adapter knows card pay-ins"
        ));
    }
    if let Some(t) = p
        .transaction_type
        .as_ref()
        .filter(|t| **t != TransactionType::Payin)
    {
        d.warn(format!("mangopay Type '{t}' is not PAYIN"));
    }
    if let Some(ExecutionType::Unknown(v)) = &p.execution_type {
        d.warn(format!("mangopay ExecutionType '{v}' is not known"));
    }
    if let Some(m) = p.secure_mode.as_ref().filter(|m| !m.is_known()) {
        d.warn(format!("mangopay SecureMode '{m}' is not known"));
    }
    if let Some(c) = p.payment_category.as_ref().filter(|c| !c.is_known()) {
        d.warn(format!("mangopay PaymentCategory '{c}' is not known"));
    }
}

/// `CreationDate` (Unix seconds), the one date every pay-in carries whatever its status.
///
/// Mangopay sends the 3DS authentication request while it creates the pay-in (a frictionless
/// outcome comes back in the creation call itself), and a challenge must be completed within
/// the 3DS session, which otherwise fails with 101304; the authentication therefore falls on
/// the creation date save for a challenge finished across midnight. `ExecutionDate` is when
/// the payment succeeded, after authorization, and is null on every FAILED or CREATED pay-in,
/// so it cannot date a failed authentication; one field dates them all.
fn authenticated_at(d: &mut Draft, p: &PayIn) -> Option<String> {
    let raw = p.creation_date.as_ref()?;
    let at = raw
        .as_u64()
        .and_then(|s| i64::try_from(s).ok())
        .and_then(from_unix_seconds);
    if at.is_none() {
        d.warn(format!(
            "mangopay CreationDate '{}' is not Unix seconds; authenticated_at left null",
            threeds_wire::excerpt(raw.as_str())
        ));
    }
    at
}

/// `DebitedFunds`: what the cardholder pays, in minor units. `Fees` and `CreditedFunds` are
/// the platform's split and have no model field.
fn amount(d: &mut Draft, p: &PayIn) -> Option<Money> {
    let funds = p.debited_funds.as_ref()?;
    let (Some(currency), Some(raw)) = (funds.currency.as_deref(), funds.amount.as_ref()) else {
        d.warn("mangopay DebitedFunds lacks Currency or Amount; amount left null");
        return None;
    };
    match raw.as_u64() {
        Some(value) => Some(Money {
            value,
            currency: currency.to_owned(),
        }),
        None => {
            d.warn(format!(
                "mangopay DebitedFunds.Amount '{raw}' is not an integer in minor units; amount left null"
            ));
            None
        }
    }
}

/// `CardInfo.Brand` is the card's brand and wins; `PreferredCardNetwork` is only what the
/// platform asked for a co-branded card, used when Mangopay returned no `CardInfo`.
fn network(d: &mut Draft, p: &PayIn) -> Option<Network> {
    let brand = p
        .card_info
        .as_ref()
        .and_then(|c| c.brand.as_deref())
        .filter(|b| !b.trim().is_empty());
    let preferred = p.preferred_card_network.as_ref().map(|n| n.as_str());
    let from = |d: &mut Draft, field: &str, raw: &str| {
        let n = Network::from_psp(raw);
        if n.is_none() {
            d.warn(format!(
                "mangopay {field} '{raw}' is not a known network; network left null"
            ));
        }
        n
    };
    match (brand, preferred) {
        (Some(b), pref) => {
            let n = from(d, "CardInfo.Brand", b);
            if let (Some(n), Some(pref)) = (n, pref) {
                if Network::from_psp(pref).is_some_and(|pn| pn != n) {
                    d.warn(format!(
                        "mangopay CardInfo.Brand '{b}' differs from PreferredCardNetwork '{pref}'; \
                         network taken from the brand, the payment may have been routed on {pref}"
                    ));
                }
            }
            n
        }
        (None, Some(pref)) => from(d, "PreferredCardNetwork", pref),
        (None, None) => None,
    }
}
