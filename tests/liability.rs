//! The liability rule tables against their sources.
//!
//! `paysafe_matrix_*` encode every row of Paysafe's published matrix ("3D Secure 2 Results
//! and Liability Shift") as data and check the engine agrees with each, at a date the matrix
//! was in force. The other tests cover the scheme tables (IXOPAY brand guidelines), the dates
//! the schemes changed their rules on, and the unknown-network rules.

use chrono::NaiveDate;
use threeds_bridge::liability::{decide, Category, Enrollment, LiabilityFacts};
use threeds_bridge::model::{Eci, Network, TransStatus};

struct Case {
    network: Network,
    version: &'static str,
    enrollment: Option<&'static str>,
    result: Option<&'static str>,
    eci: &'static str,
    cavv: bool,
    signature: Option<bool>,
    issuer_liable: bool,
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A day when Paysafe's 3DS 1.0.2 matrix was the schemes' rule: before Mastercard (1 Oct
/// 2021) and Visa (16 Oct 2021) stopped 3DS 1.0.2 attempts.
fn matrix_era() -> Option<NaiveDate> {
    day(2020, 6, 1)
}

fn facts(c: &Case) -> LiabilityFacts {
    LiabilityFacts {
        network: Some(c.network),
        protocol_version: Some(c.version.to_owned()),
        trans_status: c.result.map(TransStatus::from),
        enrollment: c.enrollment.map(Enrollment::from),
        eci: Eci::parse(c.eci),
        authentication_value_present: Some(c.cavv),
        signature_verified: c.signature,
        authenticated_on: if c.version.starts_with('1') {
            matrix_era()
        } else {
            None
        },
        ..LiabilityFacts::default()
    }
}

fn check(cases: &[Case]) {
    let mut failures = Vec::new();
    for c in cases {
        let d = decide(&facts(c));
        if d.liability_shift != Some(c.issuer_liable) {
            failures.push(format!(
                "{:?} v{} enrollment {:?} result {:?} eci {} cavv {} signature {:?}: expected {}, got {:?} by {}",
                c.network, c.version, c.enrollment, c.result, c.eci, c.cavv, c.signature, c.issuer_liable, d.liability_shift, d.rule
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const fn v2(
    network: Network,
    result: &'static str,
    eci: &'static str,
    cavv: bool,
    issuer_liable: bool,
) -> Case {
    Case {
        network,
        version: "2.1.0",
        enrollment: None,
        result: Some(result),
        eci,
        cavv,
        signature: None,
        issuer_liable,
    }
}

const fn v1(
    network: Network,
    enrollment: &'static str,
    result: Option<&'static str>,
    eci: &'static str,
    cavv: bool,
    signature: bool,
    issuer_liable: bool,
) -> Case {
    Case {
        network,
        version: "1.0.2",
        enrollment: Some(enrollment),
        result,
        eci,
        cavv,
        signature: Some(signature),
        issuer_liable,
    }
}

#[test]
fn paysafe_matrix_3ds2_mastercard() {
    use Network::Mastercard as MC;
    check(&[
        v2(MC, "Y", "2", true, true),
        v2(MC, "A", "1", true, true),
        v2(MC, "N", "0", false, false),
        v2(MC, "U", "0", false, false),
        v2(MC, "R", "0", false, false),
    ]);
}

#[test]
fn paysafe_matrix_3ds2_visa_and_amex() {
    for n in [Network::Visa, Network::Amex] {
        check(&[
            v2(n, "Y", "5", true, true),
            v2(n, "A", "6", true, true),
            v2(n, "N", "7", false, false),
            v2(n, "U", "7", false, false),
            v2(n, "R", "7", false, false),
        ]);
    }
}

#[test]
fn paysafe_matrix_3ds1_mastercard() {
    use Network::Mastercard as MC;
    check(&[
        v1(MC, "Y", Some("Y"), "2", true, true, true),
        v1(MC, "Y", Some("A"), "1", true, true, true),
        v1(MC, "Y", Some("N"), "0", false, true, false),
        v1(MC, "Y", Some("U"), "0", false, true, false),
        v1(MC, "N", None, "0", false, true, false),
        v1(MC, "U", None, "0", false, true, false),
        // "any" ECI / CAVV / status with a failed signature.
        v1(MC, "Y", Some("Y"), "2", true, false, false),
        v1(MC, "Y", Some("A"), "1", true, false, false),
    ]);
}

#[test]
fn paysafe_matrix_3ds1_visa_including_not_enrolled_eci_6() {
    use Network::Visa as V;
    check(&[
        v1(V, "Y", Some("Y"), "5", true, true, true),
        v1(V, "Y", Some("A"), "6", true, true, true),
        v1(V, "N", None, "6", false, true, true),
        v1(V, "Y", Some("N"), "7", false, true, false),
        v1(V, "Y", Some("U"), "7", false, true, false),
        v1(V, "U", None, "7", false, true, false),
        v1(V, "Y", Some("Y"), "5", true, false, false),
    ]);
}

#[test]
fn paysafe_matrix_3ds1_amex() {
    use Network::Amex as AX;
    check(&[
        v1(AX, "Y", Some("Y"), "5", true, true, true),
        v1(AX, "Y", Some("A"), "6", true, true, true),
        v1(AX, "Y", Some("N"), "7", false, true, false),
        v1(AX, "Y", Some("U"), "7", false, true, false),
        v1(AX, "N", None, "7", false, true, false),
        v1(AX, "U", None, "7", false, true, false),
        v1(AX, "Y", Some("Y"), "5", true, false, false),
    ]);
}

#[test]
fn visa_secure_table_exemptions_and_attempts_without_cavv() {
    // IXO Visa Secure: TRA flagged by the merchant gives ECI 07 and merchant liability.
    let mut f = facts(&v2(Network::Visa, "Y", "07", true, false));
    assert_eq!(decide(&f).liability_shift, Some(false));
    f.eci = None;
    f.exemption = Some("transaction_risk_assessment".into());
    assert_eq!(decide(&f).rule, "visa.v2.y_merchant_exemption");
    f.exemption = Some("none".into());
    assert_eq!(decide(&f).liability_shift, Some(true));
    // A without a CAVV: merchant; A where the document does not say: not guessed.
    let mut a = facts(&v2(Network::Visa, "A", "06", false, false));
    assert_eq!(decide(&a).liability_shift, Some(false));
    a.authentication_value_present = None;
    assert_eq!(decide(&a).liability_shift, None);
    assert_eq!(
        decide(&facts(&v2(Network::Visa, "I", "07", true, false))).liability_shift,
        Some(false)
    );
}

#[test]
fn mastercard_identity_check_specials() {
    // Recurring / 3RI Y with ECI 07 shifts; ECI 06 (acquirer exemption) and 04 (data only) do not.
    assert_eq!(
        decide(&facts(&v2(Network::Mastercard, "Y", "07", true, true))).liability_shift,
        Some(true)
    );
    assert_eq!(
        decide(&facts(&v2(Network::Mastercard, "I", "06", true, false))).liability_shift,
        Some(false)
    );
    assert_eq!(
        decide(&facts(&v2(Network::Mastercard, "U", "04", true, false))).liability_shift,
        Some(false)
    );
    // Maestro uses the Mastercard table.
    assert_eq!(
        decide(&facts(&v2(Network::Maestro, "A", "01", false, true))).rule,
        "mastercard.v2.a"
    );
}

#[test]
fn other_networks_have_tables() {
    for n in [Network::Discover, Network::Diners] {
        check(&[
            v2(n, "Y", "05", true, true),
            v2(n, "A", "06", true, true),
            v2(n, "N", "07", false, false),
            v2(n, "R", "07", false, false),
        ]);
        assert!(decide(&facts(&v2(n, "Y", "05", true, true)))
            .rule
            .starts_with("discover"));
    }
    check(&[
        v2(Network::CartesBancaires, "Y", "05", true, true),
        v2(Network::CartesBancaires, "N", "07", false, false),
    ]);
}

#[test]
fn networks_without_a_public_source_give_null_not_a_guess() {
    for (n, ts) in [
        (Network::Jcb, "Y"),
        (Network::Jcb, "A"),
        (Network::Unionpay, "Y"),
        (Network::Unionpay, "A"),
        (Network::CartesBancaires, "A"),
    ] {
        let d = decide(&facts(&v2(n, ts, "05", true, true)));
        assert_eq!(d.liability_shift, None, "{n:?} {ts}: {}", d.rule);
        assert!(d.rule.ends_with("no_public_source"), "{}", d.rule);
    }
    // N and R still leave liability with the merchant: every network agrees on that.
    for n in [Network::Jcb, Network::Unionpay] {
        check(&[
            v2(n, "N", "07", false, false),
            v2(n, "R", "07", false, false),
        ]);
    }
}

#[test]
fn cartes_bancaires_frictionless_after_requesting_no_challenge_stays_with_the_merchant() {
    // Every EMV challenge indicator: the "no challenge" family keeps the merchant liable
    // when the issuer went frictionless; no preference and "challenge requested" do not.
    let indicators = [
        ("01", true),
        ("02", false),
        ("03", true),
        ("04", true),
        ("05", false),
        ("06", false),
        ("07", false),
        ("08", false),
        ("09", true),
        ("10", false),
    ];
    for (indicator, issuer_liable) in indicators {
        let mut f = facts(&v2(Network::CartesBancaires, "Y", "05", true, true));
        f.challenge_indicator = Some(indicator.into());
        f.challenged = Some(false);
        assert_eq!(
            decide(&f).liability_shift,
            Some(issuer_liable),
            "indicator {indicator}"
        );
        f.challenged = Some(true);
        assert_eq!(
            decide(&f).liability_shift,
            Some(true),
            "indicator {indicator}, challenged"
        );
    }
}

#[test]
fn visa_y_shifts_only_with_a_cavv() {
    let mut f = facts(&v2(Network::Visa, "Y", "05", true, true));
    assert_eq!(decide(&f).liability_shift, Some(true));
    f.authentication_value_present = Some(false);
    assert_eq!(decide(&f).rule, "visa.v2.y_without_cavv");
    assert_eq!(decide(&f).liability_shift, Some(false));
    f.authentication_value_present = None;
    assert_eq!(decide(&f).liability_shift, None);
}

#[test]
fn dated_rules_follow_the_schemes_calendar() {
    let at = |c: &Case, on: Option<NaiveDate>| {
        let mut f = facts(c);
        f.authenticated_on = on;
        decide(&f)
    };
    // Visa 3DS 1.0.2 "not enrolled" with ECI 06 (the Attempts Server) shifted until
    // 15 Oct 2021 and no longer from 16 Oct 2021.
    let not_enrolled = v1(Network::Visa, "N", None, "6", false, true, true);
    assert_eq!(
        at(&not_enrolled, day(2021, 10, 15)).liability_shift,
        Some(true)
    );
    let after = at(&not_enrolled, day(2021, 10, 16));
    assert_eq!(after.liability_shift, Some(false));
    assert_eq!(after.rule, "visa.v1.not_enrolled_after_attempts_end");
    // Mastercard 3DS 1.0.2 attempts ended 1 Oct 2021.
    let mc_attempt = v1(Network::Mastercard, "Y", Some("A"), "1", true, true, true);
    assert_eq!(
        at(&mc_attempt, day(2021, 9, 30)).liability_shift,
        Some(true)
    );
    assert_eq!(at(&mc_attempt, day(2021, 10, 1)).liability_shift, None);
    // 3DS 1.0.2 retired: Visa on 15 Oct 2022, with regional exceptions to 12 Oct 2023.
    let visa_y = v1(Network::Visa, "Y", Some("Y"), "5", true, true, true);
    assert_eq!(at(&visa_y, day(2022, 10, 14)).liability_shift, Some(true));
    assert_eq!(at(&visa_y, day(2022, 10, 15)).liability_shift, None);
    assert_eq!(at(&visa_y, day(2023, 10, 12)).liability_shift, Some(false));
    assert_eq!(at(&visa_y, day(2026, 12, 1)).rule, "visa.v1.retired");
    let mc_y = v1(Network::Mastercard, "Y", Some("Y"), "2", true, true, true);
    assert_eq!(at(&mc_y, day(2022, 10, 17)).liability_shift, Some(true));
    assert_eq!(at(&mc_y, day(2022, 10, 18)).liability_shift, None);
    assert_eq!(at(&mc_y, day(2023, 10, 3)).liability_shift, Some(false));
    // Amex keeps an India exception with no published end: never a guess.
    let amex_y = v1(Network::Amex, "Y", Some("Y"), "5", true, true, true);
    assert_eq!(at(&amex_y, day(2026, 12, 1)).liability_shift, None);
    // 3DS2 rows are in force at any date.
    let visa_v2 = v2(Network::Visa, "Y", "05", true, true);
    assert_eq!(at(&visa_v2, day(2019, 1, 1)).liability_shift, Some(true));
    assert_eq!(at(&visa_v2, day(2026, 12, 1)).liability_shift, Some(true));
}

#[test]
fn unknown_network_lets_the_eci_decide_only_when_unambiguous() {
    let unknown = |ts: Option<&str>, eci: &str| LiabilityFacts {
        trans_status: ts.map(TransStatus::from),
        eci: Eci::parse(eci),
        ..LiabilityFacts::default()
    };
    assert_eq!(
        decide(&unknown(Some("Y"), "05")).liability_shift,
        Some(true)
    );
    assert_eq!(
        decide(&unknown(Some("Y"), "02")).liability_shift,
        Some(true)
    );
    assert_eq!(decide(&unknown(None, "01")).liability_shift, Some(true));
    assert_eq!(decide(&unknown(None, "00")).liability_shift, Some(false));
    // 06 is Visa-family "attempted" but Mastercard "exemption"; 07 is Visa "not
    // authenticated" but Mastercard "authenticated recurring": not guessed.
    assert_eq!(decide(&unknown(Some("A"), "06")).liability_shift, None);
    assert_eq!(decide(&unknown(Some("Y"), "07")).liability_shift, None);
    // Y with no ECI: Visa-with-exemption and Cartes Bancaires disagree with the rest.
    assert_eq!(decide(&unknown(Some("Y"), "")).liability_shift, None);
    // N, R, U: every table agrees.
    assert_eq!(decide(&unknown(Some("R"), "")).rule, "any.n_r_u");
}

#[test]
fn no_authentication_data_and_non_payment() {
    assert_eq!(
        decide(&LiabilityFacts::default()).rule,
        "any.no_authentication_data"
    );
    assert_eq!(
        decide(&LiabilityFacts::default()).liability_shift,
        Some(false)
    );
    let f = LiabilityFacts {
        category: Some(Category::NonPayment),
        ..facts(&v2(Network::Visa, "Y", "05", true, true))
    };
    assert_eq!(decide(&f).liability_shift, None);
}

#[test]
fn every_rule_id_is_unique_and_names_a_source() {
    let mut ids: Vec<&str> = threeds_bridge::liability::RULES
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(threeds_bridge::liability::RULES
        .iter()
        .all(|r| !r.source.is_empty()));
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
}
