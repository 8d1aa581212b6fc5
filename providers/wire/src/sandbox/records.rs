//! What each simulator created, as the sandbox lists it for reports.
//!
//! A routing simulation (or any test) counts outcomes from the PSP's side: which
//! authentications, sessions and pay-ins exist, how each ended and which merchant
//! reference it carries. A client's own account of what it did can be wrong in exactly the
//! cases that matter (a lost answer, a pay-in created twice), so these lists come from the
//! simulators' state, never from what clients report.

use serde::Serialize;
use std::time::Instant;

/// What kind of object a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordKind {
    /// An authentication or authentication session: no money moves with it.
    Authentication,
    /// A payment that authenticates and takes the funds in the same call (Mangopay).
    PayIn,
}

/// How an object stands, read from the simulator's own state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordOutcome {
    /// Still waiting (for device data, a challenge, the cardholder).
    Open,
    /// Ended authenticated (EMV `Y`), or a pay-in that succeeded.
    Authenticated,
    /// Ended with attempts processing (EMV `A`).
    Attempted,
    /// Ended any other way (failed, rejected, unavailable, expired, declined, error).
    NotAuthenticated,
}

impl RecordOutcome {
    /// Authenticated or attempted: what a merchant may authorize on.
    pub fn succeeded(self) -> bool {
        matches!(
            self,
            RecordOutcome::Authenticated | RecordOutcome::Attempted
        )
    }
}

/// One object a simulator created.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// The simulator's name (`checkout`, `mangopay`, ...).
    pub simulator: &'static str,
    pub kind: RecordKind,
    /// The PSP's id of the object.
    pub id: String,
    /// The merchant's reference the object carries, where the PSP's API has one.
    pub reference: Option<String>,
    /// The PSP's own status of the object, verbatim.
    pub state: String,
    pub outcome: RecordOutcome,
    /// Whether the object took, or may still take, the cardholder's money: a pay-in that
    /// did not fail. Two of these for one intended payment are a double charge.
    pub moves_money: bool,
    /// When the simulator created it (the simulators' clock).
    #[serde(skip)]
    pub created: Instant,
}
