//! The rule tables (filled in below).

use super::{LiabilityDecision, LiabilityFacts};

/// One row of a network's table.
#[derive(Debug, Clone, Copy)]
pub struct RuleRow {
    pub id: &'static str,
    pub source: &'static str,
}

pub static TABLES: &[RuleRow] = &[];

/// Decides liability shift for `facts`.
pub fn decide(_facts: &LiabilityFacts) -> LiabilityDecision {
    LiabilityDecision {
        liability_shift: None,
        rule: "todo",
        source: "todo",
    }
}
