//! Reconciliation: a merchant's ledger against the PSPs' records of the same payments.
//!
//! * [`ledger`]: the ledger's rows (CSV or JSON Lines), each checked and located by line;
//! * [`record`]: what matching needs of one normalized authentication, kept compact so that
//!   a million records fit in memory beside a million ledger rows;
//! * [`matcher`]: the rules: which records belong to which row, and what each pairing is
//!   (`matched` or a discrepancy), in a deterministic order;
//! * [`finding`]: one finding as a JSON line or a CSV row.
//!
//! `docs/reconcile.md` in the repository is the contract: the finding kinds, the rule for
//! each and the CSV columns.

pub mod finding;
pub mod ledger;
pub mod matcher;
pub mod record;

pub use finding::{FindingKind, CSV_COLUMNS};
pub use ledger::{Booked, LedgerError, LedgerFormat, LedgerRow};
pub use matcher::{reconcile, Finding, Key, Options};
pub use record::Record;
