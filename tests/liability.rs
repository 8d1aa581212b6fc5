//! The liability rule tables against their sources.
//!
//! `paysafe_matrix_*` encode every row of Paysafe's published matrix (reference Part B5)
//! as data and check the engine agrees with each. The other tests cover the scheme tables of
//! reference C.4 and the unknown-network rules.

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

fn facts(c: &Case) -> LiabilityFacts {
    LiabilityFacts {
        network: Some(c.network),
        protocol_version: Some(c.version.to_owned()),
        trans_status: c.result.map(TransStatus::from),
        enrollment: c.enrollment.map(Enrollment::from),
        eci: Eci::parse(c.eci),
        authentication_value_present: Some(c.cavv),
        signature_verified: c.signature,
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
    for (n, y_eci, a_eci) in [
        (Network::Discover, "05", "06"),
        (Network::Diners, "05", "06"),
        (Network::Jcb, "05", "06"),
        (Network::Unionpay, "05", "06"),
        (Network::CartesBancaires, "05", "06"),
    ] {
        check(&[
            v2(n, "Y", y_eci, true, true),
            v2(n, "A", a_eci, true, true),
            v2(n, "N", "07", false, false),
            v2(n, "R", "07", false, false),
        ]);
        assert!(
            !decide(&facts(&v2(n, "Y", y_eci, true, true)))
                .rule
                .starts_with("any"),
            "{n:?} has its own row"
        );
    }
}

#[test]
fn cartes_bancaires_frictionless_after_requesting_no_challenge_stays_with_the_merchant() {
    let mut f = facts(&v2(Network::CartesBancaires, "Y", "05", true, true));
    f.challenge_indicator = Some("02".into());
    f.challenged = Some(false);
    assert_eq!(decide(&f).liability_shift, Some(false));
    f.challenged = Some(true);
    assert_eq!(decide(&f).liability_shift, Some(true));
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
