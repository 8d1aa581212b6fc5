//! The liability rule tables.
//!
//! Rows are tried in order; the first whose every condition holds decides. A condition left
//! `Any` does not look at that fact; a condition on a fact the PSP did not report does not
//! hold (absent is not "anything"). Global rows come first (non-payment, 3DS1 signature
//! failure), then the network's own table, then rules every network agrees on, then the ECI
//! alone for an unknown network. When nothing matches the answer is null.

use super::{Category, Enrollment, LiabilityDecision, LiabilityFacts};
use crate::model::{Network, TransStatus};

/// Which networks a row applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetworkSel {
    /// Every network, known or not.
    All,
    /// Only when the network is not known.
    Unknown,
    Visa,
    /// Mastercard and Maestro (one Identity Check table).
    Mastercard,
    Amex,
    /// Discover and Diners Club (ProtectBuy).
    DiscoverDiners,
    Jcb,
    Unionpay,
    CartesBancaires,
}

/// 3DS2 or the 3DS 1.0.2 fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Protocol {
    Any,
    V2,
    V1,
}

/// A condition on one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cond {
    /// The fact is not looked at.
    Any,
    /// The fact is reported and is one of these values.
    OneOf(&'static [&'static str]),
    /// The fact is not reported.
    Absent,
    /// The fact is absent or one of these values.
    AbsentOr(&'static [&'static str]),
}

/// A condition on the authentication value (CAVV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cavv {
    Any,
    Present,
    /// Reported as not present (not merely unreported).
    NotPresent,
}

/// One row of a table.
#[derive(Debug, Clone, Copy)]
pub struct RuleRow {
    pub id: &'static str,
    pub network: NetworkSel,
    pub protocol: Protocol,
    /// EMV transStatus (3DS2) or PARes status (3DS 1.0.2).
    pub trans_status: Cond,
    /// 3DS 1.0.2 VERes enrollment.
    pub enrollment: Cond,
    pub eci: Cond,
    pub cavv: Cavv,
    /// `Some(true)`: a merchant-requested exemption was applied; `Some(false)`: none was.
    pub exemption: Option<bool>,
    pub liability_shift: Option<bool>,
    pub source: &'static str,
    /// The first day the row is in force (`20211016`), `None` for "since 3-D Secure began".
    pub from: Option<Ymd>,
    /// The first day the row is no longer in force, `None` for "still in force".
    pub until: Option<Ymd>,
}

/// A calendar date written as the number `yyyymmdd` (`20221015`), so rows stay one line
/// each and compare as numbers.
pub type Ymd = u32;

/// `date` as [`Ymd`].
pub fn ymd(date: chrono::NaiveDate) -> Ymd {
    use chrono::Datelike;
    // Years before 0 or after 9999 do not occur in PSP documents; they clamp, never wrap.
    let year = date.year().clamp(0, 9999) as u32;
    year * 10_000 + date.month() * 100 + date.day()
}

const PAYSAFE_MATRIX: &str = "Paysafe 3D Secure 2 API blueprint (github.com/paysafegroup/paysafe_api_3dsecure_v2), '3D Secure 2 Results and Liability Shift'";
/// A table of the IXOPAY 3DS brand-specific guidelines.
macro_rules! ixopay {
    ($table:literal) => {
        concat!(
            "IXOPAY 3DS brand-specific guidelines (documentation.ixopay.com/modules/docs/tokenex/3ds-brand-specific-guidelines), ",
            $table
        )
    };
}
const IXO_VISA: &str = ixopay!("Visa Secure");
const IXO_MC: &str = ixopay!("Mastercard Identity Check");
const IXO_AMEX: &str = ixopay!("American Express SafeKey");
const IXO_DISCOVER: &str = ixopay!("Discover ProtectBuy");
const IXO_CB: &str = ixopay!("Cartes Bancaires FAST'R");
const NO_SOURCE: &str =
    "no public scheme source states this network's liability rule; the shift is not guessed";
const GENERAL: &str = "Worldpay 'What is liability shift' and Monext '3D-Secure - Liability shift': a shift needs authentication data";
const ECI_TABLE: &str = "ECI values by scheme (checkout.com/docs/developer-resources/codes/eci-values); the ECI alone identifies the outcome";
const NPA: &str = "EMV 3DS message category 02 (non-payment): no authorization follows, so no chargeback liability";
const V1_TABLE: &str = "3DS 1.0.2 VERes/PARes liability: Worldpay 'What is liability shift'; Paysafe 3DS 1.0.2 matrix (developer.paysafe.com, 3D Secure Results and Liability Shift)";
const VISA_V1_ATTEMPTS_END: &str = "Visa: from 16 Oct 2021 no 3DS 1.0.2 Attempts Server for non-participating issuers, ECI 07 and merchant liability (Trust Payments 'Changes to liability'; Visa Business News via 3dsecurempi.com, 3 Sep 2021)";
const MC_V1_ATTEMPTS_END: &str = "Mastercard: from 1 Oct 2021 no Attempts transactions from the 3DS 1.0 network (Trust Payments 'Changes to liability'); an attempt dated later has no published rule";
const V1_SUNSET: &str = "3DS 1.0.2 deprecation dates per scheme and regional exceptions (Adyen, '3DS1 deprecation FAQ and deadlines', adyen.help article 5784659444124)";
const Y: &[&str] = &["Y"];
const A: &[&str] = &["A"];
const N: &[&str] = &["N"];
const R: &[&str] = &["R"];
const U: &[&str] = &["U"];
const I: &[&str] = &["I"];
const NRU: &[&str] = &["N", "R", "U"];

const fn row(
    id: &'static str,
    network: NetworkSel,
    protocol: Protocol,
    trans_status: Cond,
    eci: Cond,
    liability_shift: Option<bool>,
    source: &'static str,
) -> RuleRow {
    RuleRow {
        id,
        network,
        protocol,
        trans_status,
        enrollment: Cond::Any,
        eci,
        cavv: Cavv::Any,
        exemption: None,
        liability_shift,
        source,
        from: None,
        until: None,
    }
}

const fn v1(
    id: &'static str,
    network: NetworkSel,
    enrollment: &'static [&'static str],
    pares: Cond,
    eci: Cond,
    liability_shift: Option<bool>,
) -> RuleRow {
    RuleRow {
        id,
        network,
        protocol: Protocol::V1,
        trans_status: pares,
        enrollment: Cond::OneOf(enrollment),
        eci,
        cavv: Cavv::Any,
        exemption: None,
        liability_shift,
        source: V1_TABLE,
        from: None,
        until: None,
    }
}

/// A 3DS 1.0.2 row for `network` from `from` on, whatever the enrollment and PARes: the
/// scheme's retirement of the protocol.
const fn v1_retired(
    id: &'static str,
    network: NetworkSel,
    from: Ymd,
    until: Option<Ymd>,
    liability_shift: Option<bool>,
    source: &'static str,
) -> RuleRow {
    RuleRow {
        id,
        network,
        protocol: Protocol::V1,
        trans_status: Cond::Any,
        enrollment: Cond::Any,
        eci: Cond::Any,
        cavv: Cavv::Any,
        exemption: None,
        liability_shift,
        source,
        from: Some(from),
        until,
    }
}

use Cond::{AbsentOr, Any, OneOf};
use NetworkSel as Net;
use Protocol::{V1, V2};

/// Every rule, in the order they are tried. Columns of `row`: id, network, protocol,
/// transStatus (PARes status for 1.0.2), ECI, liability shift, source; `v1` takes the VERes
/// enrollment after the network. Kept one row per line so the table reads as a table.
#[rustfmt::skip]
#[allow(clippy::inconsistent_digit_grouping)] // dates read as yyyy_mm_dd
pub static RULES: &[RuleRow] = &[
    // --- Visa Secure, EMV 3DS: Y and A shift only with a CAVV (Visa reclassifies ECI 05/06
    //     without one to 07) ---
    RuleRow { exemption: Some(true), ..row("visa.v2.y_merchant_exemption", Net::Visa, V2, OneOf(Y), AbsentOr(&["07"]), Some(false), IXO_VISA) },
    row("visa.v2.y_eci07", Net::Visa, V2, OneOf(Y), OneOf(&["07"]), Some(false), IXO_VISA),
    RuleRow { cavv: Cavv::Present, ..row("visa.v2.y", Net::Visa, V2, OneOf(Y), AbsentOr(&["05"]), Some(true), PAYSAFE_MATRIX) },
    RuleRow { cavv: Cavv::NotPresent, ..row("visa.v2.y_without_cavv", Net::Visa, V2, OneOf(Y), Any, Some(false), IXO_VISA) },
    row("visa.v2.y_cavv_not_reported", Net::Visa, V2, OneOf(Y), Any, None, IXO_VISA),
    RuleRow { cavv: Cavv::Present, ..row("visa.v2.a_with_cavv", Net::Visa, V2, OneOf(A), AbsentOr(&["06"]), Some(true), PAYSAFE_MATRIX) },
    RuleRow { cavv: Cavv::NotPresent, ..row("visa.v2.a_without_cavv", Net::Visa, V2, OneOf(A), Any, Some(false), IXO_VISA) },
    row("visa.v2.a_cavv_not_reported", Net::Visa, V2, OneOf(A), Any, None, IXO_VISA),
    row("visa.v2.n", Net::Visa, V2, OneOf(N), Any, Some(false), PAYSAFE_MATRIX),
    row("visa.v2.r", Net::Visa, V2, OneOf(R), Any, Some(false), PAYSAFE_MATRIX),
    row("visa.v2.u", Net::Visa, V2, OneOf(U), Any, Some(false), PAYSAFE_MATRIX),
    row("visa.v2.i", Net::Visa, V2, OneOf(I), Any, Some(false), IXO_VISA),
    // --- Mastercard Identity Check (also Maestro): Stand-In Y/02 and A/01 shift without an AAV ---
    row("mastercard.v2.y", Net::Mastercard, V2, OneOf(Y), AbsentOr(&["02", "07"]), Some(true), PAYSAFE_MATRIX),
    row("mastercard.v2.a", Net::Mastercard, V2, OneOf(A), AbsentOr(&["01"]), Some(true), PAYSAFE_MATRIX),
    row("mastercard.v2.i", Net::Mastercard, V2, OneOf(I), Any, Some(false), IXO_MC),
    row("mastercard.v2.eci_06_exemption", Net::Mastercard, V2, Any, OneOf(&["06"]), Some(false), IXO_MC),
    row("mastercard.v2.eci_04_data_only", Net::Mastercard, V2, Any, OneOf(&["04"]), Some(false), IXO_MC),
    row("mastercard.v2.n", Net::Mastercard, V2, OneOf(N), Any, Some(false), PAYSAFE_MATRIX),
    row("mastercard.v2.r", Net::Mastercard, V2, OneOf(R), Any, Some(false), PAYSAFE_MATRIX),
    row("mastercard.v2.u", Net::Mastercard, V2, OneOf(U), Any, Some(false), PAYSAFE_MATRIX),
    // --- American Express SafeKey ---
    row("amex.v2.y", Net::Amex, V2, OneOf(Y), AbsentOr(&["05"]), Some(true), PAYSAFE_MATRIX),
    row("amex.v2.a", Net::Amex, V2, OneOf(A), AbsentOr(&["06"]), Some(true), PAYSAFE_MATRIX),
    row("amex.v2.n_r_u", Net::Amex, V2, OneOf(NRU), Any, Some(false), PAYSAFE_MATRIX),
    row("amex.v2.i", Net::Amex, V2, OneOf(I), Any, Some(false), IXO_AMEX),
    // --- Discover / Diners ProtectBuy ---
    row("discover.v2.y", Net::DiscoverDiners, V2, OneOf(Y), AbsentOr(&["05"]), Some(true), IXO_DISCOVER),
    row("discover.v2.a", Net::DiscoverDiners, V2, OneOf(A), AbsentOr(&["06"]), Some(true), IXO_DISCOVER),
    row("discover.v2.n_r_u_i", Net::DiscoverDiners, V2, OneOf(&["N", "R", "U", "I"]), Any, Some(false), IXO_DISCOVER),
    // --- JCB J/Secure and UnionPay International: no public liability table; N/R/U fall to
    //     the rule every network agrees on ---
    row("jcb.v2.y_a_no_public_source", Net::Jcb, V2, OneOf(&["Y", "A", "I"]), Any, None, NO_SOURCE),
    row("unionpay.v2.y_a_no_public_source", Net::Unionpay, V2, OneOf(&["Y", "A", "I"]), Any, None, NO_SOURCE),
    // --- Cartes Bancaires FAST'R (the challenge-indicator rule runs first, in `decide`) ---
    RuleRow { exemption: Some(true), ..row("cartes_bancaires.v2.y_merchant_exemption", Net::CartesBancaires, V2, OneOf(Y), Any, Some(false), IXO_CB) },
    row("cartes_bancaires.v2.y", Net::CartesBancaires, V2, OneOf(Y), AbsentOr(&["05", "02"]), Some(true), IXO_CB),
    row("cartes_bancaires.v2.a_no_public_source", Net::CartesBancaires, V2, OneOf(A), Any, None, NO_SOURCE),
    row("cartes_bancaires.v2.n_r_u_i", Net::CartesBancaires, V2, OneOf(&["N", "R", "U", "I"]), Any, Some(false), IXO_CB),
    // --- 3DS 1.0.2 retired: every scheme in October 2022; Visa and Mastercard kept
    //     regional exceptions (South Asia, India and Bangladesh) to October 2023, and Amex one
    //     for India with no published end. The region is not in the facts, so those windows
    //     give null ---
    v1_retired("visa.v1.retired_regional_exceptions", Net::Visa, 2022_10_15, Some(2023_10_12), None, V1_SUNSET),
    v1_retired("visa.v1.retired", Net::Visa, 2023_10_12, None, Some(false), V1_SUNSET),
    v1_retired("mastercard.v1.retired_regional_exceptions", Net::Mastercard, 2022_10_18, Some(2023_10_03), None, V1_SUNSET),
    v1_retired("mastercard.v1.retired", Net::Mastercard, 2023_10_03, None, Some(false), V1_SUNSET),
    v1_retired("amex.v1.retired_india_exception", Net::Amex, 2022_10_14, None, None, V1_SUNSET),
    v1_retired("discover.v1.retired", Net::DiscoverDiners, 2022_10_14, None, Some(false), V1_SUNSET),
    v1_retired("jcb.v1.retired", Net::Jcb, 2022_10_18, None, Some(false), V1_SUNSET),
    v1_retired("cartes_bancaires.v1.retired", Net::CartesBancaires, 2022_10_15, None, Some(false), V1_SUNSET),
    v1_retired("any.v1.retired", Net::All, 2022_10_18, None, None, V1_SUNSET),
    // --- 3DS 1.0.2 fallback (VERes enrollment, PARes status), as the rows stood before ---
    v1("visa.v1.y", Net::Visa, Y, OneOf(Y), AbsentOr(&["05"]), Some(true)),
    v1("visa.v1.a", Net::Visa, Y, OneOf(A), AbsentOr(&["06"]), Some(true)),
    RuleRow { until: Some(2021_10_16), ..v1("visa.v1.not_enrolled_eci06", Net::Visa, N, Any, AbsentOr(&["06"]), Some(true)) },
    RuleRow { from: Some(2021_10_16), source: VISA_V1_ATTEMPTS_END, ..v1("visa.v1.not_enrolled_after_attempts_end", Net::Visa, N, Any, Any, Some(false)) },
    v1("visa.v1.not_enrolled_eci07", Net::Visa, N, Any, OneOf(&["07"]), Some(false)),
    v1("visa.v1.n_u", Net::Visa, Y, OneOf(&["N", "U"]), Any, Some(false)),
    v1("visa.v1.enrollment_unavailable", Net::Visa, U, Any, Any, Some(false)),
    v1("mastercard.v1.y", Net::Mastercard, Y, OneOf(Y), AbsentOr(&["02"]), Some(true)),
    RuleRow { until: Some(2021_10_01), ..v1("mastercard.v1.a", Net::Mastercard, Y, OneOf(A), AbsentOr(&["01"]), Some(true)) },
    RuleRow { from: Some(2021_10_01), source: MC_V1_ATTEMPTS_END, ..v1("mastercard.v1.a_after_attempts_end", Net::Mastercard, Y, OneOf(A), Any, None) },
    v1("mastercard.v1.n_u", Net::Mastercard, Y, OneOf(&["N", "U"]), Any, Some(false)),
    v1("mastercard.v1.not_enrolled_or_unavailable", Net::Mastercard, &["N", "U"], Any, Any, Some(false)),
    v1("amex.v1.y", Net::Amex, Y, OneOf(Y), AbsentOr(&["05"]), Some(true)),
    v1("amex.v1.a", Net::Amex, Y, OneOf(A), AbsentOr(&["06"]), Some(true)),
    v1("amex.v1.n_u", Net::Amex, Y, OneOf(&["N", "U"]), Any, Some(false)),
    v1("amex.v1.not_enrolled_or_unavailable", Net::Amex, &["N", "U"], Any, Any, Some(false)),
    v1("any.v1.y", Net::All, Y, OneOf(Y), Any, Some(true)),
    v1("any.v1.a", Net::All, Y, OneOf(A), Any, Some(true)),
    v1("any.v1.n_u", Net::All, Y, OneOf(&["N", "U"]), Any, Some(false)),
    v1("any.v1.enrollment_unavailable", Net::All, U, Any, Any, Some(false)),
    // --- Every network agrees ---
    row("any.n_r_u", Net::All, Protocol::Any, OneOf(NRU), Any, Some(false), GENERAL),
    RuleRow { enrollment: Cond::Absent, ..row("any.no_authentication_data", Net::All, Protocol::Any, Cond::Absent, Cond::Absent, Some(false), GENERAL) },
    // --- Unknown network: the ECI alone, where it is unambiguous ---
    row("unknown_network.eci05_authenticated", Net::Unknown, V2, AbsentOr(&["Y"]), OneOf(&["05"]), Some(true), ECI_TABLE),
    row("unknown_network.eci02_authenticated", Net::Unknown, V2, AbsentOr(&["Y"]), OneOf(&["02"]), Some(true), ECI_TABLE),
    row("unknown_network.eci01_attempted", Net::Unknown, V2, AbsentOr(&["A"]), OneOf(&["01"]), Some(true), ECI_TABLE),
    row("unknown_network.eci00_not_authenticated", Net::Unknown, Protocol::Any, Any, OneOf(&["00"]), Some(false), ECI_TABLE),
    row("unknown_network.eci04_data_only", Net::Unknown, Protocol::Any, Any, OneOf(&["04"]), Some(false), ECI_TABLE),
    RuleRow { until: Some(2021_10_01), ..row("unknown_network.v1_eci05_02_01_06", Net::Unknown, V1, Any, OneOf(&["05", "02", "01", "06"]), Some(true), ECI_TABLE) },
    RuleRow { from: Some(2021_10_01), until: Some(2022_10_14), ..row("unknown_network.v1_eci05_02", Net::Unknown, V1, Any, OneOf(&["05", "02"]), Some(true), ECI_TABLE) },
    row("unknown_network.v1_eci07", Net::Unknown, V1, Any, OneOf(&["07"]), Some(false), ECI_TABLE),
];

/// Decides liability shift for `facts`.
pub fn decide(facts: &LiabilityFacts) -> LiabilityDecision {
    if facts.category == Some(Category::NonPayment) {
        return LiabilityDecision {
            liability_shift: None,
            rule: "any.non_payment",
            source: NPA,
        };
    }
    if facts.is_3ds1() && facts.signature_verified == Some(false) {
        return LiabilityDecision {
            liability_shift: Some(false),
            rule: "any.v1.signature_failed",
            source: PAYSAFE_MATRIX,
        };
    }
    if facts.network == Some(Network::CartesBancaires) {
        if let Some(decision) = cartes_bancaires_frictionless_requested(facts) {
            return decision;
        }
    }
    RULES
        .iter()
        .find(|r| matches(r, facts))
        .map(|r| LiabilityDecision {
            liability_shift: r.liability_shift,
            rule: r.id,
            source: r.source,
        })
        .unwrap_or(LiabilityDecision {
            liability_shift: None,
            rule: "no_rule",
            source: "no table row covers these facts; the shift is not guessed",
        })
}

/// The EMV `threeDSRequestorChallengeInd` values that ask for no challenge: 02 no challenge
/// requested, 05 TRA already performed, 06 data share only, 07 SCA already performed, 08
/// trust-list exemption, 10 low-value exemption. 01 (no preference), 03, 04 and 09 (challenge
/// requested) leave the issuer liable.
pub const NO_CHALLENGE_REQUESTED: &[&str] = &["02", "05", "06", "07", "08", "10"];

/// Cartes Bancaires leaves liability with the merchant when the merchant asked for no
/// challenge and the issuer went frictionless.
fn cartes_bancaires_frictionless_requested(facts: &LiabilityFacts) -> Option<LiabilityDecision> {
    let asked_no_challenge = facts
        .challenge_indicator
        .as_deref()
        .is_some_and(|i| NO_CHALLENGE_REQUESTED.contains(&i));
    let frictionless = facts.challenged == Some(false);
    let authenticated = facts.trans_status == Some(TransStatus::Y);
    (!facts.is_3ds1() && asked_no_challenge && frictionless && authenticated).then_some(
        LiabilityDecision {
            liability_shift: Some(false),
            rule: "cartes_bancaires.v2.y_frictionless_requested",
            source: IXO_CB,
        },
    )
}

fn matches(r: &RuleRow, f: &LiabilityFacts) -> bool {
    let network_ok = match (r.network, f.network) {
        (Net::All, _) => true,
        (Net::Unknown, n) => n.is_none(),
        (_, None) => false,
        (sel, Some(n)) => sel == select(n),
    };
    let protocol_ok = match r.protocol {
        Protocol::Any => true,
        V1 => f.is_3ds1(),
        V2 => !f.is_3ds1(),
    };
    let cavv_ok = match r.cavv {
        Cavv::Any => true,
        Cavv::Present => f.authentication_value_present == Some(true),
        Cavv::NotPresent => f.authentication_value_present == Some(false),
    };
    let exemption_ok = r
        .exemption
        .is_none_or(|want| want == f.applied_exemption().is_some());
    let on = f
        .authenticated_on
        .map_or_else(|| ymd(crate::normalize::today()), ymd);
    let in_force = r.from.is_none_or(|from| on >= from) && r.until.is_none_or(|until| on < until);
    in_force
        && network_ok
        && protocol_ok
        && cavv_ok
        && exemption_ok
        && cond(
            r.trans_status,
            f.trans_status.as_ref().map(TransStatus::as_str),
        )
        && cond(r.enrollment, f.enrollment.as_ref().map(Enrollment::as_str))
        && cond(r.eci, f.eci.as_ref().map(|e| e.as_str()))
}

fn select(n: Network) -> NetworkSel {
    match n {
        Network::Visa => Net::Visa,
        Network::Mastercard | Network::Maestro => Net::Mastercard,
        Network::Amex => Net::Amex,
        Network::Discover | Network::Diners => Net::DiscoverDiners,
        Network::Jcb => Net::Jcb,
        Network::Unionpay => Net::Unionpay,
        Network::CartesBancaires => Net::CartesBancaires,
    }
}

fn cond(c: Cond, value: Option<&str>) -> bool {
    match (c, value) {
        (Cond::Any, _) => true,
        (Cond::Absent, v) => v.is_none(),
        (Cond::OneOf(set), Some(v)) | (Cond::AbsentOr(set), Some(v)) => set.contains(&v),
        (Cond::OneOf(_), None) => false,
        (Cond::AbsentOr(_), None) => true,
    }
}
