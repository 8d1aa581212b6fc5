//! pxp's documents for each EMV outcome.

use super::{Built, Outcome};

/// The document pxp sends for `o`, or why it cannot send one.
pub fn document(_o: &Outcome) -> Built {
    Err("not built yet")
}
