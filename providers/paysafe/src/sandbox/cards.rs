//! The simulator's test cards: which PAN gives which outcome.
//!
//! Paysafe's own 3DS2 test-card page could not be retrieved (Paysafe 3DS2 test cards); the 3DS
//! server behind Paysafe is CardinalCommerce, so the simulator answers to Cardinal's staging
//! PANs, the ones a Paysafe sandbox is reported to honour (a third-party QA note citing
//! Paysafe's page for 2503, 2370, 2719 and 4530910000012345, and Cardinal's EMV 3DS test
//! cases for the rest). The 3DS 1.0.2 fallback cards are Cardinal's Centinel 3DS 1.0 test
//! PANs ("Y,Y,Y" = enrolled, PARes Y, signature Y; "N" = not enrolled; "U" = enrollment
//! unavailable), as listed in Cardinal's own sample merchant page
//! (`cardinaldocs.atlassian.net/wiki/spaces/CCen/pages/400654355/3DS+1.0+Test+Cases`). Cardinal
//! notes its mock ACS now routes those PANs as EMV 3DS when the merchant profile has EMV 3DS
//! enabled, so whether a Paysafe sandbox account still falls back with them is unverified.
//!
//! Any other Visa, Mastercard or American Express number authenticates frictionlessly
//! (`Y`), as the blueprint's own example request with `4111111111111111` does
//! (its "Browser flow with 'Frictionless' Authentication" response). Other brands are refused with `5050` (the 2022 blueprint supports 3DS2 for `AM`,
//! `MC` and `VI` only, Paysafe 3D Secure 2 API blueprint).

/// A 3DS2 result letter the simulator produces, with the `statusReason` that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Result2 {
    pub letter: &'static str,
    pub status_reason: Option<&'static str>,
}

impl Result2 {
    pub const Y: Result2 = Result2 {
        letter: "Y",
        status_reason: None,
    };
    pub const A: Result2 = Result2 {
        letter: "A",
        status_reason: None,
    };
    /// Not authenticated; EMV transStatusReason 01 (no Paysafe sample exists; this project's
    /// shape, built from the blueprint's field list).
    pub const N: Result2 = Result2 {
        letter: "N",
        status_reason: Some("CARD_AUTHENTICATION_FAILED"),
    };
    pub const U: Result2 = Result2 {
        letter: "U",
        status_reason: None,
    };
    /// Rejected; EMV transStatusReason 11 (no Paysafe sample exists; this project's
    /// shape, built from the blueprint's field list).
    pub const R: Result2 = Result2 {
        letter: "R",
        status_reason: Some("SUSPECTED_FRAUD"),
    };
}

/// What a card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `COMPLETED` at once with this result.
    Frictionless(Result2),
    /// `PENDING` / `C`; after the challenge (OTP 1234) this result.
    Challenge(Result2),
    /// Cardinal "Bypassed Authentication" (its lookup says `Enrolled = B`, no ECI/CAVV):
    /// no protocol ran. Paysafe documents no bypass value; the simulator answers
    /// `COMPLETED` / `U` without protocol version or directory-server id (its own choice).
    Bypassed,
    /// Cardinal "Authentication Unavailable": `COMPLETED` / `U` with a protocol version.
    Unavailable,
    /// Cardinal's "Error" case: the 3DS server failed. Answered `502` / `1001` ("error with
    /// the external processing gateway", Paysafe 3DS2 errors page).
    GatewayError,
    /// 3DS 1.0.2 fallback, enrolled: `PENDING` / `threeDEnrollment` `Y`; after the
    /// challenge the PARes status given.
    Fallback1Challenge(&'static str),
    /// 3DS 1.0.2 fallback, not enrolled: `COMPLETED` / `threeDEnrollment` `N`.
    Fallback1NotEnrolled,
    /// 3DS 1.0.2 fallback, enrollment unavailable: `COMPLETED` / `threeDEnrollment` `U`.
    Fallback1Unavailable,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct TestCard {
    pub pan: &'static str,
    pub scenario: Scenario,
    /// `threeDSecureVersion` in the answer.
    pub version: &'static str,
    pub description: &'static str,
    pub source: &'static str,
}

const CARDINAL_22: &str =
    "Cardinal EMV 3DS 2.2.0 staging PAN (CardinalCommerce EMV 3DS test cases)";
const CARDINAL_21: &str =
    "Cardinal EMV 3DS 2.1.0 staging PAN (CardinalCommerce EMV 3DS test cases)";
const PAYSAFE_QA: &str =
    "observed on the Paysafe sandbox (third-party QA note citing Paysafe's test-card page)";
const CENTINEL: &str = "Cardinal Centinel 3DS 1.0 test PAN";

/// The table the simulator answers to (also printed by `banner()` and documented in
/// `docs/live/paysafe.md`).
pub const TEST_CARDS: &[TestCard] = &[
    TestCard {
        pan: "4000000000002701",
        scenario: Scenario::Frictionless(Result2::Y),
        version: "2.2.0",
        description: "frictionless, authenticated (Y)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "5200000000002235",
        scenario: Scenario::Frictionless(Result2::Y),
        version: "2.2.0",
        description: "Mastercard frictionless, authenticated (Y, ECI 2)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "340000000002708",
        scenario: Scenario::Frictionless(Result2::Y),
        version: "2.2.0",
        description: "American Express frictionless, authenticated (Y)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "4000000000002719",
        scenario: Scenario::Frictionless(Result2::A),
        version: "2.2.0",
        description: "frictionless, attempted (A)",
        source: PAYSAFE_QA,
    },
    TestCard {
        pan: "4000000000002925",
        scenario: Scenario::Frictionless(Result2::N),
        version: "2.2.0",
        description: "frictionless, not authenticated (N)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "5200000000002276",
        scenario: Scenario::Frictionless(Result2::N),
        version: "2.2.0",
        description: "Mastercard frictionless, not authenticated (N, ECI 0)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "4000000000002313",
        scenario: Scenario::Frictionless(Result2::U),
        version: "2.2.0",
        description: "frictionless, unavailable (U)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "4530910000012345",
        scenario: Scenario::Frictionless(Result2::U),
        version: "2.2.0",
        description: "Paysafe's generic Visa test card: unavailable (U)",
        source: PAYSAFE_QA,
    },
    TestCard {
        pan: "4000000000002537",
        scenario: Scenario::Frictionless(Result2::R),
        version: "2.2.0",
        description: "frictionless, rejected (R)",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "4000000000002503",
        scenario: Scenario::Challenge(Result2::Y),
        version: "2.2.0",
        description: "challenge, then authenticated (Y)",
        source: PAYSAFE_QA,
    },
    TestCard {
        pan: "4000000000002370",
        scenario: Scenario::Challenge(Result2::N),
        version: "2.2.0",
        description: "challenge, then not authenticated (N)",
        source: PAYSAFE_QA,
    },
    TestCard {
        pan: "4000000000002560",
        scenario: Scenario::Bypassed,
        version: "2.2.0",
        description: "bypassed: COMPLETED / U, no version, no DS id",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "4000000000002990",
        scenario: Scenario::Unavailable,
        version: "2.2.0",
        description: "authentication unavailable: COMPLETED / U",
        source: CARDINAL_22,
    },
    TestCard {
        pan: "4000000000001000",
        scenario: Scenario::Frictionless(Result2::Y),
        version: "2.1.0",
        description: "frictionless, authenticated (Y)",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001018",
        scenario: Scenario::Frictionless(Result2::N),
        version: "2.1.0",
        description: "frictionless, not authenticated (N)",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001026",
        scenario: Scenario::Frictionless(Result2::A),
        version: "2.1.0",
        description: "frictionless, attempted (A)",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001034",
        scenario: Scenario::Frictionless(Result2::U),
        version: "2.1.0",
        description: "frictionless, unavailable (U)",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001091",
        scenario: Scenario::Challenge(Result2::Y),
        version: "2.1.0",
        description: "challenge, then authenticated (Y); Paysafe's iOS SDK mocks use it",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001109",
        scenario: Scenario::Challenge(Result2::N),
        version: "2.1.0",
        description: "challenge, then not authenticated (N)",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001117",
        scenario: Scenario::Challenge(Result2::U),
        version: "2.1.0",
        description: "challenge, then step-up unavailable (U)",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000001125",
        scenario: Scenario::GatewayError,
        version: "2.1.0",
        description: "3DS server error: HTTP 502, code 1001",
        source: CARDINAL_21,
    },
    TestCard {
        pan: "4000000000000002",
        scenario: Scenario::Fallback1Challenge("Y"),
        version: "1.0.2",
        description: "3DS 1.0.2 fallback: enrolled, challenge, then PARes Y (signature Y)",
        source: CENTINEL,
    },
    TestCard {
        pan: "5200000000000007",
        scenario: Scenario::Fallback1Challenge("Y"),
        version: "1.0.2",
        description: "Mastercard 3DS 1.0.2 fallback: enrolled, challenge, then PARes Y",
        source: CENTINEL,
    },
    TestCard {
        pan: "4000000000000028",
        scenario: Scenario::Fallback1Challenge("N"),
        version: "1.0.2",
        description: "3DS 1.0.2 fallback: enrolled, challenge, then PARes N",
        source: CENTINEL,
    },
    TestCard {
        pan: "4000000000000051",
        scenario: Scenario::Fallback1NotEnrolled,
        version: "1.0.2",
        description: "3DS 1.0.2 fallback: not enrolled (Visa ECI 6: issuer liability)",
        source: CENTINEL,
    },
    TestCard {
        pan: "5200000000000056",
        scenario: Scenario::Fallback1NotEnrolled,
        version: "1.0.2",
        description: "Mastercard 3DS 1.0.2 fallback: not enrolled (ECI 0: merchant liability)",
        source: CENTINEL,
    },
    TestCard {
        pan: "4000000000000069",
        scenario: Scenario::Fallback1Unavailable,
        version: "1.0.2",
        description: "3DS 1.0.2 fallback: enrollment unavailable (U)",
        source: CENTINEL,
    },
];

/// The row for `pan`, or frictionless `Y` over 3DS 2.2.0 for any other number.
pub fn lookup(pan: &str) -> TestCard {
    TEST_CARDS
        .iter()
        .find(|c| c.pan == pan)
        .copied()
        .unwrap_or(TestCard {
            pan: "",
            scenario: Scenario::Frictionless(Result2::Y),
            version: "2.2.0",
            description: "any other number: frictionless, authenticated (Y)",
            source: "Paysafe 3D Secure 2 API blueprint (its frictionless example uses 4111111111111111)",
        })
}

/// Paysafe `card.type` of a PAN by its prefix; `None` for brands Paysafe's 3DS2 API does not
/// take (Paysafe 3D Secure 2 API blueprint: `AM`, `MC`, `VI` only).
pub fn card_type(pan: &str) -> Option<&'static str> {
    let two: u32 = pan.get(..2)?.parse().ok()?;
    let four: u32 = pan.get(..4)?.parse().ok()?;
    match two {
        40..=49 => Some("VI"),
        51..=55 => Some("MC"),
        22..=27 if (2221..=2720).contains(&four) => Some("MC"),
        34 | 37 => Some("AM"),
        _ => None,
    }
}

/// The ECI Paysafe's liability matrix pairs with a 3DS2 result (Paysafe 3D Secure 2 API blueprint, "3D Secure 2 Results and Liability Shift"): Visa and
/// Amex 5 / 6 / 7, Mastercard 2 / 1 / 0.
pub fn eci(card_type: &str, letter: &str) -> u8 {
    let mastercard = card_type == "MC";
    match (letter, mastercard) {
        ("Y", false) => 5,
        ("A", false) => 6,
        (_, false) => 7,
        ("Y", true) => 2,
        ("A", true) => 1,
        (_, true) => 0,
    }
}

/// The ECI of a 3DS 1.0.2 "not enrolled" answer (the blueprint's liability matrix, 3DS 1.0.2 tables): Visa 6 (the one
/// row that shifts liability), Mastercard 0, Amex 7.
pub fn eci_not_enrolled(card_type: &str) -> u8 {
    match card_type {
        "VI" => 6,
        "MC" => 0,
        _ => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_card_is_a_supported_brand_and_unique() {
        for card in TEST_CARDS {
            assert!(card_type(card.pan).is_some(), "{}", card.pan);
            assert_eq!(
                TEST_CARDS.iter().filter(|c| c.pan == card.pan).count(),
                1,
                "{}",
                card.pan
            );
            assert!(
                threeds_wire::luhn_valid(card.pan),
                "{} fails the Luhn check",
                card.pan
            );
        }
    }

    #[test]
    fn brands_and_ecis() {
        assert_eq!(card_type("4111111111111111"), Some("VI"));
        assert_eq!(card_type("2221000000000009"), Some("MC"));
        assert_eq!(card_type("5500000000000004"), Some("MC"));
        assert_eq!(card_type("371449635398431"), Some("AM"));
        assert_eq!(card_type("6011000000000004"), None);
        assert_eq!(card_type("2720990000000007"), Some("MC"));
        assert_eq!(card_type("2721000000000005"), None);
        assert_eq!(card_type("4"), None);
        assert_eq!((eci("VI", "Y"), eci("MC", "Y"), eci("AM", "A")), (5, 2, 6));
        assert_eq!((eci("MC", "R"), eci("VI", "U")), (0, 7));
        assert_eq!(
            lookup("4111111111111111").scenario,
            Scenario::Frictionless(Result2::Y)
        );
    }
}
