//! Liability shift: one rule table per network.
//!
//! Whether fraud-chargeback liability moves to the issuer depends on the network, the EMV
//! transStatus (or, for a 3DS 1.0.2 fallback, the VERes enrollment and PARes status), the ECI,
//! whether an authentication value (CAVV) came back, and whether a merchant-requested
//! exemption was applied. Each table row has an id and names its source, so `--explain` and
//! `liability` can show why. Where the network is unknown the ECI decides when it can;
//! otherwise the answer is null, never a guess.

mod query;
mod rules;

use crate::model::{Eci, Network, TransStatus};
use chrono::NaiveDate;
use serde::Serialize;

pub use query::{LiabilityQuery, QueryError, CATEGORY_VALUES, DEFAULT_VERSION, SIGNATURE_VALUES};
pub use rules::{
    decide, ymd, Cavv, Cond, NetworkSel, Protocol, RuleRow, Ymd, NO_CHALLENGE_REQUESTED, RULES,
};

threeds_wire::open_enum! {
    /// 3DS 1.0.2 VERes `enrolled`.
    #[non_exhaustive]
    pub enum Enrollment {
        /// Authentication available.
        Y = "Y",
        /// Card not enrolled.
        N = "N",
        /// Enrollment could not be verified.
        U = "U",
    }
}

/// What the authentication was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// A payment authentication: an authorization follows.
    Payment,
    /// A non-payment authentication (add card, verification): no authorization, so no
    /// chargeback liability to shift.
    NonPayment,
}

/// Everything the rule tables look at. Absent facts are `None`; rules that need a fact do
/// not match without it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LiabilityFacts {
    pub network: Option<Network>,
    /// `"2.2.0"`, `"1.0.2"`, ... Absent means 3DS2.
    pub protocol_version: Option<String>,
    /// EMV transStatus; for 1.0.2 the PARes status.
    pub trans_status: Option<TransStatus>,
    /// True when `trans_status` was not reported by the PSP but implied by its status
    /// (Mangopay reports no EMV data).
    pub trans_status_implied: bool,
    /// 3DS 1.0.2 VERes enrollment.
    pub enrollment: Option<Enrollment>,
    pub eci: Option<Eci>,
    pub authentication_value_present: Option<bool>,
    /// 3DS 1.0.2 PARes signature check (Paysafe `signatureStatus`).
    pub signature_verified: Option<bool>,
    /// A merchant-requested exemption the issuer honoured (`low_value`,
    /// `transaction_risk_assessment`, `secure_corporate_payment`, `trusted_listing`, ...).
    /// `None` or `"none"` when no exemption applied.
    pub exemption: Option<String>,
    pub category: Option<Category>,
    /// The EMV challenge indicator the requestor sent (two digits), where the PSP reports
    /// it. Cartes Bancaires liability depends on it.
    pub challenge_indicator: Option<String>,
    /// Whether the cardholder was challenged.
    pub challenged: Option<bool>,
    /// The date of the authentication: rows apply only on the dates they are in force.
    /// Absent means today.
    pub authenticated_on: Option<NaiveDate>,
}

impl LiabilityFacts {
    /// True when the facts describe a 3DS 1.0.2 (fallback) authentication.
    pub fn is_3ds1(&self) -> bool {
        self.protocol_version
            .as_deref()
            .is_some_and(|v| v.starts_with('1'))
            || self.enrollment.is_some()
    }

    /// The applied exemption, ignoring the PSPs' explicit "none".
    pub fn applied_exemption(&self) -> Option<&str> {
        self.exemption
            .as_deref()
            .filter(|e| !e.is_empty() && *e != "none")
    }
}

/// The answer: the shift, and the rule that gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiabilityDecision {
    pub liability_shift: Option<bool>,
    pub rule: &'static str,
    pub source: &'static str,
}
