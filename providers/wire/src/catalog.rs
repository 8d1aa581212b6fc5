//! The CSV format of a PSP's code catalog.
//!
//! Each provider crate ships `catalog.csv`: one row per PSP code or status value, saying what
//! it means for a merchant. The provider crate only carries the data; the bridge validates the
//! normalized words (status, next step) and uses the rows to map documents. Keeping the
//! meaning in data makes it reviewable row by row, testable row by row, and overridable at
//! run time when a PSP adds a code.
//!
//! Columns: `table,code,message,status,reason,next_step,retry,source`.
//! * `table` groups codes of one PSP field (`result_code`, `error_code`, `state`, ...);
//! * `code` is the PSP value, verbatim;
//! * `message` is the PSP's documented message;
//! * `status`, `reason`, `next_step` are the normalized words (empty when the row does not
//!   decide them, e.g. a reason code whose status comes from another field);
//! * `retry` is where a new attempt can help (`same_psp`, `other_psp`, `later`,
//!   `with_challenge`, `never`), empty when the row does not decide it (a success, a pending
//!   state, a reason code that leaves it to the status);
//! * `source` names the document the row comes from.

use serde::{Deserialize, Serialize};

/// One catalog row, exactly as written in the CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogRow {
    pub table: String,
    pub code: String,
    pub message: String,
    pub status: String,
    pub reason: String,
    pub next_step: String,
    pub retry: String,
    pub source: String,
}

/// A catalog file that does not parse, with the line it failed on.
#[derive(Debug, thiserror::Error)]
#[error("{origin}: line {line}: {message}")]
pub struct CatalogError {
    pub origin: String,
    pub line: u64,
    pub message: String,
}

/// Parses catalog CSV text. `origin` names the file in errors.
pub fn parse(origin: &str, text: &str) -> Result<Vec<CatalogRow>, CatalogError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.deserialize::<CatalogRow>() {
        match record {
            Ok(row) => rows.push(row),
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(CatalogError {
                    origin: origin.to_owned(),
                    line,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rows_and_quoted_commas() {
        let text = "table,code,message,status,reason,next_step,retry,source\n\
                    result_code,101304,\"Secure mode: session expired, retry\",expired,session_expired,retry_authentication,same_psp,docs\n";
        let rows = parse("t.csv", text).unwrap();
        assert_eq!(rows[0].message, "Secure mode: session expired, retry");
        assert_eq!(rows[0].retry, "same_psp");
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let text =
            "table,code,message,status,reason,next_step,retryable,source\nx,1,m,s,r,n,maybe,src\n";
        let err = parse("t.csv", text).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("t.csv: line 2:"));
    }
}
