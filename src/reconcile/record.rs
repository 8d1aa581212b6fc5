//! What matching needs of one normalized authentication.
//!
//! Reconciling a million PSP records keeps a million of these, so a record holds only the
//! fields the rules read (about 100 bytes with its strings), not the whole
//! [`Authentication`]. The full normalized object a finding shows is the caller's to keep
//! (the CLI writes it to a scratch file and reads it back for the finding).

use crate::model::{Authentication, AuthenticationStatus, DocumentKind, Provider};

/// One PSP record, reduced to what the matching rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The PSP it came from.
    pub provider: Provider,
    /// What the document was.
    pub kind: DocumentKind,
    /// The PSP's id of the authentication (or pay-in, or session).
    pub id: Option<Box<str>>,
    /// The merchant's reference, where the PSP carries one.
    pub reference: Option<Box<str>>,
    /// The normalized status.
    pub status: AuthenticationStatus,
    /// Whether liability shifted to the issuer.
    pub liability_shift: Option<bool>,
    /// The amount in minor units, where the document has one.
    pub amount: Option<u64>,
    /// The amount's currency, upper case.
    pub currency: Option<Box<str>>,
}

impl Record {
    /// The fields of `auth` the rules read.
    pub fn of(auth: &Authentication) -> Record {
        Record {
            provider: auth.provider,
            kind: auth.kind,
            id: auth.id.as_deref().map(Box::from),
            reference: auth.reference.as_deref().map(Box::from),
            status: auth.status,
            liability_shift: auth.liability_shift,
            amount: auth.amount.as_ref().map(|m| m.value),
            currency: auth
                .amount
                .as_ref()
                .map(|m| m.currency.to_ascii_uppercase().into_boxed_str()),
        }
    }
}
