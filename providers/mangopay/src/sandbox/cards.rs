//! What drives the simulated outcomes: Mangopay's documented sandbox cards, its documented
//! mocks, and the few values this project chose where the docs give none.
//!
//! | input | outcome | source |
//! |---|---|---|
//! | card `4970107111111119` | 3DS2 frictionless: `SUCCEEDED 000000`, `SecureModeNeeded: false` (with `SecureMode: FORCE`: a challenge) | docs.mangopay.com/testing/payment-methods |
//! | card `4970105181818183` | 3DS2 challenge: `CREATED` + `SecureModeRedirectURL` | docs.mangopay.com/testing/payment-methods |
//! | card `5033951000000004` (Maestro), `375989111111119` (Amex, CVC `1234`) | challenge | docs.mangopay.com/testing/payment-methods |
//! | any other card that passes the Luhn check | `FAILED 009199` (a card that is not a 3DS test card) | Mangopay legacy error table on 009199 |
//! | challenge page: Authenticate | `SUCCEEDED 000000` | docs.mangopay.com/testing/payment-methods |
//! | challenge page: No / Rejected / Unavailable / Cancel | `FAILED 101301` | docs.mangopay.com/errors/codes/101301 ("Testing") |
//! | challenge left for `challenge_ttl` | `FAILED 101304`, `SecureModeRedirectURL: null` | docs.mangopay.com/errors/codes/101304 |
//! | `DebitedFunds.Amount` 33501 + `Billing.Address.AddressLine2` `01100` / `01116` / `01125` / `03022` | `101101` / `101199` / `101106` / `101301` | docs.mangopay.com/testing/mocks/recurring-card-payments, applied to direct pay-ins |
//! | same with `AddressLine2` `01305` | `FAILED 101305` soft decline (`SecureModeNeeded: false`) | this project's choice (the recurring mocks have `01131` for MITs only) |
//! | same with `AddressLine2` `01399` | `FAILED 101399` 3DS unavailable (`Applied3DSVersion: null`) | this project's choice |
//! | same with `AddressLine2` `01302` | `FAILED 101302` card not enrolled | this project's choice |
//! | legacy amounts (`DebitedFunds.Amount` 33305, 33351, ...) | the legacy decline codes, after authentication | Mangopay legacy error table (`Mangopay/api-docs page/20_errors.md`, 2020) |
//! | `Fees` >= `DebitedFunds` | `FAILED 001014` | docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin |
//! | card deactivated (`PUT /cards/{Id}` `Active: false`) | `FAILED 101410` | docs.mangopay.com/errors/codes/101410 |
//! | `AuthorId` not the card's owner | `FAILED 001023` | docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin |
//! | `Tag` containing `[sandbox:lost-answer]` | the pay-in is created and its answer recorded for the idempotency key, then the connection is held open: the client times out | this project's choice (to test recovery through `GET /responses/{key}`) |

/// How a card's issuer behaves in the simulated directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Authenticates without a challenge unless the platform asks for SCA.
    Frictionless,
    /// Always challenges.
    Challenge,
    /// Not a 3DS test card.
    Unknown,
}

/// A documented sandbox card.
pub struct TestCard {
    pub number: &'static str,
    pub behaviour: Behaviour,
    pub brand: &'static str,
    pub card_type: &'static str,
    pub what: &'static str,
}

/// Mangopay testing pages (docs.mangopay.com/testing/payment-methods).
pub const TEST_CARDS: &[TestCard] = &[
    TestCard {
        number: "4970107111111119",
        behaviour: Behaviour::Frictionless,
        brand: "VISA",
        card_type: "CB_VISA_MASTERCARD",
        what: "3DS2 frictionless (SecureMode DEFAULT or NO_CHOICE)",
    },
    TestCard {
        number: "4970105181818183",
        behaviour: Behaviour::Challenge,
        brand: "VISA",
        card_type: "CB_VISA_MASTERCARD",
        what: "3DS2 challenge (SecureMode FORCE or NO_CHOICE)",
    },
    TestCard {
        number: "5033951000000004",
        behaviour: Behaviour::Challenge,
        brand: "MAESTRO",
        card_type: "MAESTRO",
        what: "Maestro, challenge",
    },
    TestCard {
        number: "375989111111119",
        behaviour: Behaviour::Challenge,
        brand: "AMEX",
        card_type: "AMEX",
        what: "Amex, challenge (CVC 1234)",
    },
];

/// The behaviour and brand of a card number.
pub fn classify(number: &str) -> (Behaviour, &'static str) {
    match TEST_CARDS.iter().find(|c| c.number == number) {
        Some(c) => (c.behaviour, c.brand),
        None => (Behaviour::Unknown, brand_of(number)),
    }
}

fn brand_of(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "VISA",
        Some(b'5') | Some(b'2') => "MASTERCARD",
        Some(b'3') => "AMEX",
        _ => "UNKNOWN",
    }
}

/// A plausible card number: 12 to 19 digits passing the Luhn check.
pub fn luhn_ok(number: &str) -> bool {
    (12..=19).contains(&number.len()) && threeds_wire::luhn_valid(number)
}

/// The amount that arms the `AddressLine2` mocks (docs.mangopay.com/testing/mocks/recurring-card-payments).
pub const MOCK_AMOUNT: u64 = 33501;

/// `Billing.Address.AddressLine2` mocks: the documented recurring mocks plus three of this project's choice.
pub fn address_mock(line2: &str) -> Option<&'static str> {
    Some(match line2.trim() {
        "01100" => "101101",
        "01116" => "101199",
        "01125" => "101106",
        "03022" => "101301",
        "01305" => "101305",
        "01399" => "101399",
        "01302" => "101302",
        _ => return None,
    })
}

/// Legacy magic amounts (Mangopay legacy error table, 2020) that give a pay-in result code.
/// The two tokenizer codes (333.12, 333.33) and the JS-kit one (333.57) are not pay-in
/// outcomes and are left out.
pub fn legacy_amount(amount: u64) -> Option<&'static str> {
    Some(match amount {
        33313 => "001013",
        33314 => "105101",
        33355 => "105103",
        33305 => "101101",
        33351 => "101102",
        33358 => "101103",
        33360 => "101104",
        33338 => "101111",
        33361 => "101115",
        33341 => "008002",
        33343 => "008003",
        33363 => "008005",
        33334 => "008006",
        33303 => "009103",
        33394 => "009199",
        33391 => "009499",
        _ => return None,
    })
}

/// The documented message of each code the simulator produces (docs.mangopay.com/errors/codes; the wording
/// of the API examples where one exists, since real responses use it).
pub fn result_message(code: &str) -> &'static str {
    match code {
        "000000" => "Success",
        "001013" => "Invalid transaction amount",
        "001014" => "CreditedFunds must be more than 0 (DebitedFunds can not equal Fees)",
        "001023" => "Author is not the card owner",
        "008002" => "Lost Card",
        "008003" => "Stolen Card",
        "008005" => "Security violation",
        "008006" => "Fraud suspected by the bank",
        "009103" => "PSP configuration error",
        "009199" => "PSP technical error",
        "009499" => "Bank technical error",
        "101101" => "Transaction refused by the bank (Do not honor)",
        "101102" => "Transaction refused by the bank (Amount limit)",
        "101103" => "Transaction refused by the terminal",
        "101104" => "Transaction refused by the bank (card limit reached)",
        "101106" => "The card is inactive",
        "101111" => "Maximum number of attempts reached",
        "101115" => "Debit limit exceeded",
        "101199" => "Transaction refused",
        "101301" => "Secure mode: The 3DSecure authentication has failed",
        "101302" => "Secure mode: The card is not enrolled with 3DSecure",
        "101303" => "Secure mode: The card is not compatible with 3DSecure",
        "101304" => "Secure mode: The 3DSecure authentication session has expired",
        "101305" => "Soft decline",
        "101399" => "Secure mode: 3DSecure authentication is not available",
        "101410" => "The card is not active",
        "105101" => "Invalid card number",
        "105103" => "Invalid PIN code",
        "105202" => "Card number: invalid format",
        "105203" => "Expiry date: missing or invalid format",
        "105204" => "CVV: missing or invalid format",
        "105206" => "Registration data : Invalid format",
        "105299" => "Token input Error",
        _ => "Transaction refused",
    }
}

/// Where in the payment a result code stops it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Before 3DS: no authentication ran (`Applied3DSVersion: null`).
    BeforeAuthentication,
    /// 3DS itself failed without a challenge (`SecureModeNeeded: false`, `V2_1`).
    Authentication,
    /// After a successful authentication: the authorization was declined.
    Authorization,
}

/// When a mocked code applies.
pub fn stage_of(code: &str) -> Stage {
    match code {
        "101399" | "101302" | "101303" | "001014" | "001023" | "101410" => {
            Stage::BeforeAuthentication
        }
        "101301" | "101305" => Stage::Authentication,
        _ => Stage::Authorization,
    }
}

/// The tokenization server's error codes (legacy Payline codes, our choice of which) and
/// the Card Registration `ResultCode` each becomes.
pub fn registration_error(error_code: &str) -> &'static str {
    match error_code {
        "02625" => "105202",
        "02624" | "02626" => "105203",
        "02627" => "105204",
        _ => "105299",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_cards_pass_luhn_and_classify() {
        for card in TEST_CARDS {
            assert!(luhn_ok(card.number), "{}", card.number);
        }
        assert_eq!(classify("4970107111111119").0, Behaviour::Frictionless);
        assert_eq!(classify("4970105181818183").0, Behaviour::Challenge);
        assert_eq!(classify("4111111111111111"), (Behaviour::Unknown, "VISA"));
        assert!(!luhn_ok("4970107111111118"));
        assert!(!luhn_ok("49701071111x1119"));
    }

    #[test]
    fn mocks_and_stages() {
        assert_eq!(address_mock("01399"), Some("101399"));
        assert_eq!(address_mock("Appartement 3"), None);
        assert_eq!(stage_of("101399"), Stage::BeforeAuthentication);
        assert_eq!(stage_of("101305"), Stage::Authentication);
        assert_eq!(
            stage_of(legacy_amount(33305).unwrap()),
            Stage::Authorization
        );
    }
}
