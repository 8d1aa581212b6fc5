//! EMV 3-D Secure vocabulary: transStatus, ECI and card networks.

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

threeds_wire::open_enum! {
    /// EMVCo `transStatus`, as the PSP reported it.
    #[non_exhaustive]
    pub enum TransStatus {
        /// Authentication / account verification successful.
        Y = "Y",
        /// Not authenticated; transaction denied.
        N = "N",
        /// Authentication could not be performed (technical or other problem).
        U = "U",
        /// Attempts processing performed; proof of attempt provided.
        A = "A",
        /// Challenge required.
        C = "C",
        /// Challenge required; decoupled authentication confirmed.
        D = "D",
        /// Rejected; the issuer asks that authorization not be attempted.
        R = "R",
        /// Informational only; the requestor's challenge preference was acknowledged.
        I = "I",
        /// Challenge using Secure Payment Confirmation (3DS 2.3).
        S = "S",
    }
}

/// An Electronic Commerce Indicator, normalized to two characters: the value the
/// authorization must carry, which tells the network how the cardholder was authenticated
/// (Visa, Amex, Discover: 05 authenticated, 06 attempted, 07 not authenticated; Mastercard:
/// 02, 01, 00; 06 and 07 mark exemptions at Mastercard).
///
/// PSPs send `5`, `"5"` or `"05"`; all become `"05"`. Non-numeric values that schemes define
/// (`N0`, `N2` for Mastercard non-payment) are kept upper-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct Eci(String);

impl Eci {
    /// Normalizes a raw ECI; `None` for an empty value.
    pub fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        if t.len() < 2 && t.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Self(format!("{t:0>2}")));
        }
        Some(Self(t.to_ascii_uppercase()))
    }

    /// The normalized two-character spelling (`"05"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Eci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Eci {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A card network, in the contract's spelling (`network`). The liability rules are chosen
/// by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Network {
    /// Visa (`visa`).
    Visa,
    /// Mastercard (`mastercard`).
    Mastercard,
    /// American Express (`amex`).
    Amex,
    /// Discover (`discover`); shares Discover's liability rules with Diners.
    Discover,
    /// Diners Club (`diners`).
    Diners,
    /// JCB (`jcb`): no public liability table, so its 3DS2 successes give null.
    Jcb,
    /// Cartes Bancaires (`cartes_bancaires`).
    CartesBancaires,
    /// UnionPay (`unionpay`): no public liability table, so its 3DS2 successes give null.
    Unionpay,
    /// Maestro (`maestro`); follows Mastercard's liability rules.
    Maestro,
}

impl Network {
    /// Every network, in declaration order.
    pub const ALL: &'static [Network] = &[
        Network::Visa,
        Network::Mastercard,
        Network::Amex,
        Network::Discover,
        Network::Diners,
        Network::Jcb,
        Network::CartesBancaires,
        Network::Unionpay,
        Network::Maestro,
    ];

    /// The contract spelling (`cartes_bancaires`).
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Visa => "visa",
            Network::Mastercard => "mastercard",
            Network::Amex => "amex",
            Network::Discover => "discover",
            Network::Diners => "diners",
            Network::Jcb => "jcb",
            Network::CartesBancaires => "cartes_bancaires",
            Network::Unionpay => "unionpay",
            Network::Maestro => "maestro",
        }
    }

    /// Reads a PSP's spelling of a network: Checkout `visa`/`upi`/`cartes_bancaires`,
    /// Paysafe `VI`/`MC`/`AM`, Mangopay `VISA`/`MASTERCARD`/`CB`/`MAESTRO`, and the contract
    /// spelling. `None` for anything else; the caller keeps and reports the raw value.
    pub fn from_psp(raw: &str) -> Option<Self> {
        let key: String = raw
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        Some(match key.as_str() {
            "visa" | "vi" => Network::Visa,
            "mastercard" | "mc" => Network::Mastercard,
            "amex" | "am" | "americanexpress" => Network::Amex,
            "discover" => Network::Discover,
            "diners" | "dinersclub" | "dci" => Network::Diners,
            "jcb" => Network::Jcb,
            "cartesbancaires" | "cb" => Network::CartesBancaires,
            "unionpay" | "upi" | "cup" | "chinaunionpay" => Network::Unionpay,
            "maestro" => Network::Maestro,
            _ => return None,
        })
    }
}

impl fmt::Display for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eci_is_zero_padded() {
        assert_eq!(Eci::parse("5").unwrap().as_str(), "05");
        assert_eq!(Eci::parse("05").unwrap().as_str(), "05");
        assert_eq!(Eci::parse("n2").unwrap().as_str(), "N2");
        assert_eq!(Eci::parse(" "), None);
    }

    #[test]
    fn networks_from_every_psp_spelling() {
        for (raw, n) in [
            ("VI", Network::Visa),
            ("mastercard", Network::Mastercard),
            ("AM", Network::Amex),
            ("upi", Network::Unionpay),
            ("CB", Network::CartesBancaires),
            ("cartes_bancaires", Network::CartesBancaires),
            ("MAESTRO", Network::Maestro),
        ] {
            assert_eq!(Network::from_psp(raw), Some(n), "{raw}");
        }
        assert_eq!(Network::from_psp("ELO"), None);
        for n in Network::ALL {
            assert_eq!(Network::from_psp(n.as_str()), Some(*n));
        }
    }
}
