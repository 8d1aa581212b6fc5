//! The sandbox test cards (Checkout.com test cards) and what each one does.
//!
//! Checkout's own test-card page was not readable; the table comes
//! from two agreeing third-party transcriptions of it. Outcomes are decided by the card
//! number alone (any future expiry, any CVV).

/// The issuer's answer: the EMV transStatus of the ARes (frictionless) or the RReq (after a
/// correct challenge password), or a DS failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `Y`: authenticated.
    Y,
    /// `N`: not authenticated.
    N,
    /// `U`: could not be performed.
    U,
    /// `A`: attempts processing.
    A,
    /// `R`: rejected.
    R,
    /// The DS (frictionless) or ACS (challenge) answered with an EMV Erro message.
    SchemeError,
}

/// What a card number does in the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// The ARes decides; `method_url` says whether the issuer has a 3DS Method URL.
    Frictionless { outcome: Outcome, method_url: bool },
    /// The ARes is `C`; with the right password the RReq carries `outcome`.
    Challenge { outcome: Outcome, method_url: bool },
    /// `POST /sessions` answers 422 `card_not_enrolled`.
    CardNotEnrolled,
    /// `POST /sessions` answers 422 `issuer_not_enrolled`.
    IssuerNotEnrolled,
}

impl Scenario {
    pub fn method_url(self) -> bool {
        match self {
            Scenario::Frictionless { method_url, .. } | Scenario::Challenge { method_url, .. } => {
                method_url
            }
            _ => false,
        }
    }
}

use Outcome::*;

const fn f(outcome: Outcome) -> Scenario {
    Scenario::Frictionless {
        outcome,
        method_url: true,
    }
}

const fn c(outcome: Outcome) -> Scenario {
    Scenario::Challenge {
        outcome,
        method_url: true,
    }
}

/// The Checkout.com test cards, row by row. The "No associated 3DS Method URL" rows authenticate (`Y`)
/// without the 3DS Method step.
pub const CARDS: &[(&str, Scenario)] = &[
    // 3DS2 frictionless
    ("4485040371536584", f(Y)),
    ("4543474002249996", f(Y)),
    ("5588686116426417", f(Y)),
    ("5436031030606378", f(Y)),
    ("5199992312641465", f(Y)),
    ("345678901234564", f(Y)),
    ("4539628347117863", f(N)),
    ("5309961755464047", f(N)),
    ("371064645462927", f(N)),
    ("4024007186645015", f(U)),
    ("5234106378657904", f(U)),
    ("4556574722325580", f(A)),
    ("5558468902774508", f(A)),
    ("4275765574319271", f(R)),
    ("5596061690670931", f(R)),
    ("343397288296672", f(R)),
    ("4484070000035519", Scenario::CardNotEnrolled),
    ("5352151570003404", Scenario::CardNotEnrolled),
    ("378282246310005", Scenario::CardNotEnrolled),
    ("4820285375797526", Scenario::IssuerNotEnrolled),
    ("5424583292508738", Scenario::IssuerNotEnrolled),
    ("4452927588210665", f(SchemeError)),
    ("5291144083573579", f(SchemeError)),
    ("4556085951507152", NO_METHOD_F),
    ("5121073611487018", NO_METHOD_F),
    ("340282533032846", NO_METHOD_F),
    ("36747880216043", NO_METHOD_F),
    ("3528982710432481", NO_METHOD_F),
    ("4319863787850170", NO_METHOD_F),
    ("5177328035476275", NO_METHOD_F),
    // 3DS2 challenge (password `Checkout1!`)
    ("4242424242424242", c(Y)),
    ("4010061700000021", c(Y)),
    ("5385308360135181", c(Y)),
    ("372688581899681", c(Y)),
    ("4152868552773614", c(A)),
    ("5518832400606463", c(A)),
    ("346126139326850", c(A)),
    ("4870527017700692", c(R)),
    ("4150561000000019", c(R)),
    ("5484482393204262", c(R)),
    ("375982239796002", c(R)),
    ("4243754271700719", c(N)),
    ("5258901507741160", c(N)),
    ("4447336775378848", c(U)),
    ("5569757734785691", c(U)),
    ("4539929207120660", c(SchemeError)),
    ("5572408422189334", c(SchemeError)),
    ("4485597929486000", NO_METHOD_C),
    ("5259410220714099", NO_METHOD_C),
    ("372310461284948", NO_METHOD_C),
    ("36138956596288", NO_METHOD_C),
    ("3528682570029332", NO_METHOD_C),
    ("4309485283564188", NO_METHOD_C),
    ("5566944761698186", NO_METHOD_C),
];

const NO_METHOD_F: Scenario = Scenario::Frictionless {
    outcome: Y,
    method_url: false,
};

const NO_METHOD_C: Scenario = Scenario::Challenge {
    outcome: Y,
    method_url: false,
};

/// Any other Luhn-valid number: a frictionless `Y` with a 3DS Method URL, so arbitrary
/// test numbers behave like the common "authentication successful" cards.
pub const DEFAULT: Scenario = f(Y);

/// The scenario of a card number.
pub fn scenario(number: &str) -> Scenario {
    CARDS
        .iter()
        .find(|(n, _)| *n == number)
        .map_or(DEFAULT, |(_, s)| *s)
}

/// The scheme Checkout would report, from the BIN (a cardholder's `source.scheme` choice
/// for a co-badged card wins over this).
pub fn scheme(number: &str) -> &'static str {
    let prefix = |n: usize| number.get(..n).and_then(|p| p.parse::<u32>().ok());
    match (prefix(1), prefix(2), prefix(4), prefix(6)) {
        (Some(4), ..) => "visa",
        (_, Some(34 | 37), ..) => "amex",
        (_, Some(51..=55), ..) | (_, _, Some(2221..=2720), _) => "mastercard",
        (_, Some(35), ..) => "jcb",
        (_, Some(36 | 38 | 30), ..) => "diners",
        (_, _, Some(6011), _) | (_, Some(64 | 65), ..) => "discover",
        (_, Some(62), ..) => "upi",
        _ => "visa",
    }
}

/// The ECI a scheme uses for an outcome (EMV / scheme rules: Mastercard 02/01/00, the
/// others 05/06/07).
pub fn eci(scheme: &str, outcome: Outcome) -> &'static str {
    let mastercard = scheme == "mastercard";
    match (outcome, mastercard) {
        (Y, true) => "02",
        (Y, false) => "05",
        (A, true) => "01",
        (A, false) => "06",
        (_, true) => "00",
        (_, false) => "07",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_card_is_luhn_valid_and_listed_once() {
        for (number, _) in CARDS {
            assert!(threeds_wire::luhn_valid(number), "{number}");
            assert_eq!(
                CARDS.iter().filter(|(n, _)| n == number).count(),
                1,
                "{number}"
            );
        }
        assert!(!threeds_wire::luhn_valid("4242424242424241"));
        assert!(!threeds_wire::luhn_valid("42424242x4242424"));
    }

    #[test]
    fn schemes_and_scenarios() {
        assert_eq!(scheme("4242424242424242"), "visa");
        assert_eq!(scheme("5436031030606378"), "mastercard");
        assert_eq!(scheme("2221000000000009"), "mastercard");
        assert_eq!(scheme("345678901234564"), "amex");
        assert_eq!(scheme("36747880216043"), "diners");
        assert_eq!(scheme("3528982710432481"), "jcb");
        assert_eq!(
            scenario("4242424242424242"),
            Scenario::Challenge {
                outcome: Y,
                method_url: true
            }
        );
        assert_eq!(scenario("4000000000000002"), DEFAULT);
        assert!(!scenario("4556085951507152").method_url());
        assert_eq!(eci("mastercard", A), "01");
        assert_eq!(eci("visa", N), "07");
    }
}
