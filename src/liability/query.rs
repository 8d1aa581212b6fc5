//! Liability facts as a person states them: each fact as text, the way the
//! `threeds-bridge liability` flags and the Python package's `liability()` arguments take
//! them, checked and turned into [`LiabilityFacts`] here so that every front end accepts
//! and refuses the same values with the same messages.

use super::{Category, Enrollment, LiabilityFacts};
use crate::model::{Eci, Network, TransStatus};
use chrono::NaiveDate;
use threeds_wire::excerpt;

/// The protocol version assumed when none is given.
pub const DEFAULT_VERSION: &str = "2.2.0";

/// The accepted `signature` values: Y (verified) or N (failed).
pub const SIGNATURE_VALUES: &[&str] = &["Y", "N"];

/// The accepted `category` values.
pub const CATEGORY_VALUES: &[&str] = &["payment", "non_payment"];

/// One liability question, each fact as given. Field names are the `liability` flags'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiabilityQuery {
    /// A network's contract spelling ([`Network::as_str`]) or `unknown`, which lets the ECI
    /// decide where it can.
    pub network: String,
    /// EMV transStatus ([`TransStatus::KNOWN`]); with version 1.0.2 the PARes status.
    pub trans_status: Option<String>,
    /// 3DS 1.0.2 VERes enrollment ([`Enrollment::KNOWN`]).
    pub enrollment: Option<String>,
    /// The ECI as the PSP returned it (`05`, `5`, `02`, ...).
    pub eci: Option<String>,
    /// The protocol version ([`DEFAULT_VERSION`] when the caller gives none).
    pub version: String,
    /// Whether an authentication value (CAVV / AAV) came back.
    pub cavv_present: bool,
    /// The merchant-requested exemption that was applied.
    pub exemption: Option<String>,
    /// 3DS 1.0.2 PARes signature check ([`SIGNATURE_VALUES`]).
    pub signature: Option<String>,
    /// The EMV message category ([`CATEGORY_VALUES`]; payment when absent).
    pub category: Option<String>,
    /// The EMV challenge indicator sent (two digits).
    pub challenge_indicator: Option<String>,
    /// Whether the cardholder was challenged.
    pub challenged: Option<bool>,
    /// The authentication's date; today when absent.
    pub as_of: Option<NaiveDate>,
}

impl LiabilityQuery {
    /// A question about `network` with every other fact absent (version [`DEFAULT_VERSION`],
    /// no authentication value).
    pub fn new(network: impl Into<String>) -> Self {
        Self {
            network: network.into(),
            trans_status: None,
            enrollment: None,
            eci: None,
            version: DEFAULT_VERSION.to_owned(),
            cavv_present: false,
            exemption: None,
            signature: None,
            category: None,
            challenge_indicator: None,
            challenged: None,
            as_of: None,
        }
    }

    /// The network values accepted: every network's contract spelling, and `unknown`.
    pub fn network_values() -> impl Iterator<Item = &'static str> {
        Network::ALL
            .iter()
            .map(|n| n.as_str())
            .chain(std::iter::once("unknown"))
    }

    /// The facts the rule tables read, or which value cannot be one of them.
    pub fn facts(&self) -> Result<LiabilityFacts, QueryError> {
        let network = match self.network.as_str() {
            "unknown" => None,
            other => Some(
                Network::ALL
                    .iter()
                    .copied()
                    .find(|n| n.as_str() == other)
                    .ok_or_else(|| QueryError::UnknownNetwork(other.to_owned()))?,
            ),
        };
        let trans_status = letter("trans-status", &self.trans_status, TransStatus::KNOWN)?
            .map(|s| TransStatus::from(s.as_str()));
        let enrollment = letter("enrollment", &self.enrollment, Enrollment::KNOWN)?
            .map(|s| Enrollment::from(s.as_str()));
        let signature_verified =
            letter("signature", &self.signature, SIGNATURE_VALUES)?.map(|s| s == "Y");
        let category = match self.category.as_deref() {
            None | Some("payment") => Some(Category::Payment),
            Some("non_payment") => Some(Category::NonPayment),
            Some(other) => return Err(QueryError::Category(other.to_owned())),
        };
        let eci = match self.eci.as_deref() {
            None => None,
            Some(e) => Some(Eci::parse(e).ok_or(QueryError::EmptyEci)?),
        };
        Ok(LiabilityFacts {
            network,
            protocol_version: Some(self.version.clone()),
            trans_status,
            trans_status_implied: false,
            enrollment,
            eci,
            authentication_value_present: Some(self.cavv_present),
            signature_verified,
            exemption: self.exemption.clone(),
            category,
            challenge_indicator: self.challenge_indicator.clone(),
            challenged: self.challenged,
            authenticated_on: Some(self.as_of.unwrap_or_else(crate::normalize::today)),
        })
    }
}

/// A fact whose value the rule tables cannot hold; the message names the `liability` flag
/// (the Python argument of the same name, with `_` for `-`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    #[error("--network: unknown network '{}'", excerpt(.0))]
    UnknownNetwork(String),
    #[error("--{flag}: '{}' is not one of {}", excerpt(.value), .allowed.join(", "))]
    NotAllowed {
        flag: &'static str,
        value: String,
        allowed: &'static [&'static str],
    },
    #[error("--category: '{}' is not payment or non_payment", excerpt(.0))]
    Category(String),
    #[error("--eci: empty value")]
    EmptyEci,
}

/// `value` when it is one of `allowed`.
fn letter(
    flag: &'static str,
    value: &Option<String>,
    allowed: &'static [&'static str],
) -> Result<Option<String>, QueryError> {
    match value.as_deref() {
        None => Ok(None),
        Some(x) if allowed.contains(&x) => Ok(Some(x.to_owned())),
        Some(x) => Err(QueryError::NotAllowed {
            flag,
            value: x.to_owned(),
            allowed,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_spelling_is_a_network_and_another_spelling_is_refused() {
        let facts = LiabilityQuery::new("cartes_bancaires")
            .facts()
            .expect("facts");
        assert_eq!(facts.network, Some(Network::CartesBancaires));
        // `Network::from_psp` would read "VISA"; the question takes the contract spelling
        // only, as the command line's flag does.
        assert_eq!(
            LiabilityQuery::new("VISA").facts(),
            Err(QueryError::UnknownNetwork("VISA".into()))
        );
        assert_eq!(
            LiabilityQuery::new("unknown")
                .facts()
                .expect("facts")
                .network,
            None
        );
    }

    #[test]
    fn a_letter_outside_the_list_is_refused_with_its_flag() {
        let query = LiabilityQuery {
            trans_status: Some("Z".into()),
            ..LiabilityQuery::new("visa")
        };
        let err = query.facts().expect_err("refused");
        assert!(err
            .to_string()
            .starts_with("--trans-status: 'Z' is not one of Y"));
    }
}
