//! The simulator's magic card numbers.
//!
//! PXP publishes no Unity 3DS test cards, so these are **this project's choice**.
//! Two series, Visa `444400000000000d` and Mastercard `555500000000000d` (the 15th digit
//! picks the scenario, the 16th is the Luhn check digit), behave the same way; the scheme
//! only changes the ECI (Visa 05/06, Mastercard 02/01, the scheme ECI tables). The series avoids the
//! cards of PXP's older platform (PXP Solutions 3DS test scripts); those are accepted too and mirror the meaning PXP
//! Solutions gave them. Any other Luhn-valid number authenticates frictionlessly (Y).

/// What happens to an authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Frictionless Y, and the issuer has no 3DS Method (empty fingerprint fields).
    FrictionlessNoMethod,
    /// Frictionless Y (ECI 05 / 02, CAVV).
    FrictionlessY,
    /// Frictionless attempt, EMV A (ECI 06 / 01, CAVV).
    FrictionlessA,
    /// EMV N: `AuthenticationFailed`, stateData 01.
    FrictionlessN,
    /// EMV U: `AuthenticationFailed` (PXP folds U into it, developer.pxp.io/guides/3ds/states), stateData 22.
    FrictionlessU,
    /// EMV R: `AuthenticationRejected`, stateData 11.
    FrictionlessR,
    /// A challenge; the documented password gives Y, a wrong one R.
    Challenge,
    /// A challenge that ends in N whatever the cardholder does.
    ChallengeN,
    /// Pre-initiate answers `threeDSecureSupported: false`.
    NotSupported,
    /// Initiate answers `AuthenticationError`.
    Error,
}

/// The card scheme, for the ECI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Visa,
    Mastercard,
    Amex,
    Diners,
    Other,
}

impl Scheme {
    /// From the PAN's leading digits (enough for the simulator; not a BIN table).
    pub fn of(pan: &str) -> Scheme {
        let two = pan.get(..2).unwrap_or("");
        match pan.get(..1).unwrap_or("") {
            "4" => Scheme::Visa,
            "5" => Scheme::Mastercard,
            "2" if ("22".."28").contains(&two) => Scheme::Mastercard,
            "3" if two == "34" || two == "37" => Scheme::Amex,
            "3" if two == "36" || two == "38" || two == "30" => Scheme::Diners,
            _ => Scheme::Other,
        }
    }

    /// The `cardScheme` value (spelling of PXP's transactions API; unconfirmed here).
    pub fn name(self) -> Option<&'static str> {
        match self {
            Scheme::Visa => Some("Visa"),
            Scheme::Mastercard => Some("Mastercard"),
            Scheme::Amex => Some("AmericanExpress"),
            Scheme::Diners => Some("Diners"),
            Scheme::Other => None,
        }
    }

    /// ECI of a full authentication (Y).
    pub fn eci_authenticated(self) -> &'static str {
        match self {
            Scheme::Mastercard => "02",
            _ => "05",
        }
    }

    /// ECI of an attempt (A).
    pub fn eci_attempted(self) -> &'static str {
        match self {
            Scheme::Mastercard => "01",
            _ => "06",
        }
    }
}

/// One magic card, as documented in `docs/live/pxp.md`.
#[derive(Debug, Clone, Copy)]
pub struct MagicCard {
    pub pan: &'static str,
    pub scenario: Scenario,
    pub outcome: &'static str,
}

/// Every magic card. Each number passes the Luhn check (tested).
pub const MAGIC_CARDS: &[MagicCard] = &[
    MagicCard { pan: "4444000000000006", scenario: Scenario::FrictionlessNoMethod, outcome: "frictionless Y, no 3DS Method (empty fingerprint fields)" },
    MagicCard { pan: "4444000000000014", scenario: Scenario::FrictionlessY, outcome: "frictionless Y, ECI 05" },
    MagicCard { pan: "4444000000000022", scenario: Scenario::FrictionlessA, outcome: "frictionless A (attempt), ECI 06" },
    MagicCard { pan: "4444000000000030", scenario: Scenario::FrictionlessN, outcome: "AuthenticationFailed, transStatus N, stateData 01" },
    MagicCard { pan: "4444000000000048", scenario: Scenario::FrictionlessU, outcome: "AuthenticationFailed, transStatus U, stateData 22" },
    MagicCard { pan: "4444000000000055", scenario: Scenario::FrictionlessR, outcome: "AuthenticationRejected, transStatus R, stateData 11" },
    MagicCard { pan: "4444000000000063", scenario: Scenario::Challenge, outcome: "challenge: password -> Y (ECI 05), wrong password -> Rejected, Cancel -> Failed (challengeCancel 01)" },
    MagicCard { pan: "4444000000000071", scenario: Scenario::ChallengeN, outcome: "challenge -> AuthenticationFailed, transStatus N, stateData 01" },
    MagicCard { pan: "4444000000000089", scenario: Scenario::NotSupported, outcome: "threeDSecureSupported: false" },
    MagicCard { pan: "4444000000000097", scenario: Scenario::Error, outcome: "initiate -> AuthenticationError" },
    MagicCard { pan: "5555000000000008", scenario: Scenario::FrictionlessNoMethod, outcome: "as 4444000000000006, Mastercard" },
    MagicCard { pan: "5555000000000016", scenario: Scenario::FrictionlessY, outcome: "frictionless Y, ECI 02" },
    MagicCard { pan: "5555000000000024", scenario: Scenario::FrictionlessA, outcome: "frictionless A, ECI 01" },
    MagicCard { pan: "5555000000000032", scenario: Scenario::FrictionlessN, outcome: "as 4444000000000030, Mastercard" },
    MagicCard { pan: "5555000000000040", scenario: Scenario::FrictionlessU, outcome: "as 4444000000000048, Mastercard" },
    MagicCard { pan: "5555000000000057", scenario: Scenario::FrictionlessR, outcome: "as 4444000000000055, Mastercard" },
    MagicCard { pan: "5555000000000065", scenario: Scenario::Challenge, outcome: "as 4444000000000063, ECI 02" },
    MagicCard { pan: "5555000000000073", scenario: Scenario::ChallengeN, outcome: "as 4444000000000071, Mastercard" },
    MagicCard { pan: "5555000000000081", scenario: Scenario::NotSupported, outcome: "as 4444000000000089, Mastercard" },
    MagicCard { pan: "5555000000000099", scenario: Scenario::Error, outcome: "as 4444000000000097, Mastercard" },
    // PXP Solutions (the older platform) test cards (developer.pxp-solutions.com/docs/3d-secure-test-scripts), with the meaning PXP
    // gave them there.
    MagicCard { pan: "4012006822076852", scenario: Scenario::Challenge, outcome: "PXP Solutions manual-challenge Visa: challenge" },
    MagicCard { pan: "5266001057658656", scenario: Scenario::Challenge, outcome: "PXP Solutions manual-challenge Mastercard: challenge" },
    MagicCard { pan: "3811111111111116", scenario: Scenario::Challenge, outcome: "PXP Solutions manual-challenge Diners: challenge" },
    MagicCard { pan: "378881111444441", scenario: Scenario::Challenge, outcome: "PXP Solutions manual-challenge Amex: challenge" },
    MagicCard { pan: "4012002436599751", scenario: Scenario::FrictionlessY, outcome: "PXP Solutions automated Visa: frictionless authenticated" },
    MagicCard { pan: "4713747730076631", scenario: Scenario::FrictionlessNoMethod, outcome: "PXP Solutions automated Visa: frictionless, issuer without 3DS Method" },
];

/// The scenario of a card number: its magic card, else frictionless Y.
pub fn scenario(pan: &str) -> Scenario {
    MAGIC_CARDS
        .iter()
        .find(|c| c.pan == pan)
        .map_or(Scenario::FrictionlessY, |c| c.scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_magic_card_passes_luhn_and_is_unique() {
        for c in MAGIC_CARDS {
            assert!(threeds_wire::luhn_valid(c.pan), "{}", c.pan);
        }
        let mut pans: Vec<_> = MAGIC_CARDS.iter().map(|c| c.pan).collect();
        pans.sort_unstable();
        pans.dedup();
        assert_eq!(pans.len(), MAGIC_CARDS.len());
        assert!(!threeds_wire::luhn_valid("4444000000000019"));
        assert!(!threeds_wire::luhn_valid("44440000000000a6"));
        assert!(!threeds_wire::luhn_valid(""));
    }

    #[test]
    fn schemes_and_default() {
        assert_eq!(Scheme::of("4444000000000014"), Scheme::Visa);
        assert_eq!(Scheme::of("5555000000000016"), Scheme::Mastercard);
        assert_eq!(Scheme::of("2223000048400011"), Scheme::Mastercard);
        assert_eq!(Scheme::of("378881111444441"), Scheme::Amex);
        assert_eq!(Scheme::of("3811111111111116"), Scheme::Diners);
        assert_eq!(Scheme::of("6011000000000004"), Scheme::Other);
        assert_eq!(scenario("4111111111111111"), Scenario::FrictionlessY);
        assert_eq!(scenario("4444000000000063"), Scenario::Challenge);
    }
}
