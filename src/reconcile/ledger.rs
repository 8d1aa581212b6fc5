//! The merchant's ledger: one row per payment as the merchant booked it.
//!
//! CSV with a header row, or JSON Lines (one object per line), with the columns
//! `reference`, `provider` (optional), `psp_id` (optional), `amount` (integer minor units),
//! `currency` (ISO 4217 alphabetic) and `booked` (`authorized`, `captured`, `declined`,
//! `refunded`, `voided`). Other columns are the merchant's own and are not read. A row that
//! cannot be read is reported with its line and never dropped silently: the caller gets
//! every good row and every bad one.

use super::matcher::Key;
use crate::model::Provider;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::str::FromStr;
use threeds_wire::excerpt;

/// What the merchant booked for the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Booked {
    /// Authorized, not yet captured.
    Authorized,
    /// Captured (money taken).
    Captured,
    /// The merchant booked the payment as declined.
    Declined,
    /// Captured, then refunded.
    Refunded,
    /// Authorized, then voided before capture.
    Voided,
}

impl Booked {
    /// Every value, in declaration order.
    pub const ALL: [Booked; 5] = [
        Booked::Authorized,
        Booked::Captured,
        Booked::Declined,
        Booked::Refunded,
        Booked::Voided,
    ];

    /// The ledger's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Booked::Authorized => "authorized",
            Booked::Captured => "captured",
            Booked::Declined => "declined",
            Booked::Refunded => "refunded",
            Booked::Voided => "voided",
        }
    }
}

impl fmt::Display for Booked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Booked {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Booked::ALL.into_iter().find(|b| b.as_str() == s).ok_or(())
    }
}

/// One ledger row. Strings are boxed: a million rows are held at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// The line the row is on (the header is line 1 of a CSV file).
    pub line: usize,
    /// The merchant's reference, as sent to the PSP.
    pub reference: Option<Box<str>>,
    /// The PSP the payment went through, when the ledger says; only that PSP's records
    /// match the row then.
    pub provider: Option<Provider>,
    /// The PSP's id of the authentication or payment, when the ledger has it.
    pub psp_id: Option<Box<str>>,
    /// The amount in minor units.
    pub amount: u64,
    /// The ISO 4217 alphabetic code, upper case.
    pub currency: Box<str>,
    /// What the merchant booked.
    pub booked: Booked,
}

impl LedgerRow {
    /// The value matched on under `key`.
    pub fn key(&self, key: Key) -> Option<&str> {
        match key {
            Key::Reference => self.reference.as_deref(),
            Key::Id => self.psp_id.as_deref(),
        }
    }
}

/// How the ledger is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LedgerFormat {
    /// Comma-separated, with a header row naming the columns.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl LedgerFormat {
    /// By the file's extension (`.csv`; `.jsonl`, `.ndjson`, `.json`), else by its first
    /// non-blank byte: `{` is JSON Lines, anything else CSV.
    pub fn detect(path: &Path, head: &[u8]) -> LedgerFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => LedgerFormat::Csv,
            Some("jsonl" | "ndjson" | "json") => LedgerFormat::JsonLines,
            _ => match head.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{') => LedgerFormat::JsonLines,
                _ => LedgerFormat::Csv,
            },
        }
    }
}

/// Why a ledger row (or the whole ledger) could not be read. Values are quoted as short
/// excerpts only; the message does not repeat the line, which [`LedgerError::line`] gives
/// (the CLI prints `file:line: message`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The CSV header lacks a required column.
    #[error("the header has no '{column}' column (expected reference, provider, psp_id, amount, currency, booked)")]
    NoColumn { column: &'static str },
    /// The line is not CSV or not a JSON object.
    #[error("{}", excerpt(.message))]
    Syntax { line: usize, message: String },
    /// A required value is missing or empty.
    #[error("'{column}' is missing or empty")]
    Missing { line: usize, column: &'static str },
    /// A value of the wrong type or spelling.
    #[error("'{column}' {expected}, not '{}'", excerpt(.value))]
    Invalid {
        line: usize,
        column: &'static str,
        expected: &'static str,
        value: String,
    },
}

impl LedgerError {
    /// The line the error is on.
    pub fn line(&self) -> usize {
        match self {
            LedgerError::NoColumn { .. } => 1,
            LedgerError::Syntax { line, .. }
            | LedgerError::Missing { line, .. }
            | LedgerError::Invalid { line, .. } => *line,
        }
    }
}

/// Reads every row of a ledger. Good rows and bad ones come back together, in line order;
/// `key` says which of `reference` and `psp_id` each row must have. Only an I/O error ends
/// the reading early.
pub fn read(
    reader: impl Read,
    format: LedgerFormat,
    key: Key,
) -> io::Result<(Vec<LedgerRow>, Vec<LedgerError>)> {
    match format {
        LedgerFormat::Csv => read_csv(reader, key),
        LedgerFormat::JsonLines => read_json_lines(reader, key),
    }
}

/// The raw values of one row, as text, before they are checked.
#[derive(Default)]
struct Fields<'a> {
    reference: Option<&'a str>,
    provider: Option<&'a str>,
    psp_id: Option<&'a str>,
    amount: Option<&'a str>,
    currency: Option<&'a str>,
    booked: Option<&'a str>,
}

/// Checks one row's values.
fn row<'a>(line: usize, f: Fields<'a>, key: Key) -> Result<LedgerRow, LedgerError> {
    fn present(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|s| !s.is_empty())
    }
    let required =
        |v: Option<&'a str>, column| present(v).ok_or(LedgerError::Missing { line, column });
    let invalid = |column, expected, value: &str| LedgerError::Invalid {
        line,
        column,
        expected,
        value: value.to_owned(),
    };
    let reference = present(f.reference);
    let psp_id = present(f.psp_id);
    match key {
        Key::Reference => {
            required(f.reference, "reference")?;
        }
        Key::Id => {
            required(f.psp_id, "psp_id")?;
        }
    }
    let provider = match present(f.provider) {
        None => None,
        Some(p) => Some(
            p.parse::<Provider>()
                .map_err(|_| invalid("provider", "must be a registered PSP's id", p))?,
        ),
    };
    let amount = required(f.amount, "amount")?;
    let amount = if amount.bytes().all(|b| b.is_ascii_digit()) {
        amount.parse::<u64>().ok()
    } else {
        None
    }
    .ok_or_else(|| invalid("amount", "must be a whole number of minor units", amount))?;
    let currency = required(f.currency, "currency")?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(invalid(
            "currency",
            "must be a three-letter ISO 4217 code",
            currency,
        ));
    }
    let booked = required(f.booked, "booked")?;
    let booked = booked.parse::<Booked>().map_err(|()| {
        invalid(
            "booked",
            "must be authorized, captured, declined, refunded or voided",
            booked,
        )
    })?;
    Ok(LedgerRow {
        line,
        reference: reference.map(Box::from),
        provider,
        psp_id: psp_id.map(Box::from),
        amount,
        currency: currency.to_ascii_uppercase().into_boxed_str(),
        booked,
    })
}

fn read_csv(reader: impl Read, key: Key) -> io::Result<(Vec<LedgerRow>, Vec<LedgerError>)> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let headers = match csv.headers() {
        Ok(h) => h.clone(),
        Err(e) => return csv_failure(e, rows, errors),
    };
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let [reference, provider, psp_id, amount, currency, booked] = [
        "reference",
        "provider",
        "psp_id",
        "amount",
        "currency",
        "booked",
    ]
    .map(column);
    let key_column = match key {
        Key::Reference => ("reference", reference),
        Key::Id => ("psp_id", psp_id),
    };
    for (name, found) in [
        key_column,
        ("amount", amount),
        ("currency", currency),
        ("booked", booked),
    ] {
        if found.is_none() {
            errors.push(LedgerError::NoColumn { column: name });
        }
    }
    if !errors.is_empty() {
        return Ok((rows, errors));
    }
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return csv_failure(e, rows, errors);
                }
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(LedgerError::Syntax {
                    line,
                    message: "not a CSV row".to_owned(),
                });
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| record.get(i));
        let fields = Fields {
            reference: get(reference),
            provider: get(provider),
            psp_id: get(psp_id),
            amount: get(amount),
            currency: get(currency),
            booked: get(booked),
        };
        match row(line, fields, key) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
    }
    Ok((rows, errors))
}

/// An I/O error inside the CSV reader is the caller's; anything else is a syntax error.
fn csv_failure(
    e: csv::Error,
    rows: Vec<LedgerRow>,
    mut errors: Vec<LedgerError>,
) -> io::Result<(Vec<LedgerRow>, Vec<LedgerError>)> {
    let line = e.position().map_or(1, |p| p.line() as usize);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Err(io),
        _ => {
            errors.push(LedgerError::Syntax {
                line,
                message: "not a CSV header".to_owned(),
            });
            Ok((rows, errors))
        }
    }
}

fn read_json_lines(reader: impl Read, key: Key) -> io::Result<(Vec<LedgerRow>, Vec<LedgerError>)> {
    use serde_json::Value;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut reader = BufReader::new(reader);
    let mut text = String::new();
    let mut line = 0;
    loop {
        text.clear();
        if reader.read_line(&mut text)? == 0 {
            break;
        }
        line += 1;
        let trimmed = text.trim().trim_start_matches('\u{feff}');
        if trimmed.is_empty() {
            continue;
        }
        let map = match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                errors.push(LedgerError::Syntax {
                    line,
                    message: "not a JSON object".to_owned(),
                });
                continue;
            }
            Err(e) => {
                errors.push(LedgerError::Syntax {
                    line,
                    message: format!("not JSON ({e})"),
                });
                continue;
            }
        };
        // An amount may be a JSON number or a string of digits; `row` checks the digits, so
        // 1.5 and -1 are refused there with the value quoted. Every other member is a string.
        let amount = match map.get("amount") {
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let fields = (|| -> Result<Fields<'_>, LedgerError> {
            let text = |column: &'static str| -> Result<Option<&str>, LedgerError> {
                match map.get(column) {
                    None | Some(Value::Null) => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s)),
                    Some(Value::Number(_)) if column == "amount" => Ok(amount.as_deref()),
                    Some(other) => Err(LedgerError::Invalid {
                        line,
                        column,
                        expected: "must be a string",
                        value: other.to_string(),
                    }),
                }
            };
            Ok(Fields {
                reference: text("reference")?,
                provider: text("provider")?,
                psp_id: text("psp_id")?,
                amount: text("amount")?,
                currency: text("currency")?,
                booked: text("booked")?,
            })
        })();
        match fields.and_then(|f| row(line, f, key)) {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
    }
    Ok((rows, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> (Vec<LedgerRow>, Vec<LedgerError>) {
        read(text.as_bytes(), LedgerFormat::Csv, Key::Reference).expect("no I/O error")
    }

    #[test]
    fn csv_rows_are_read_and_bad_ones_reported_by_line() {
        let (rows, errors) = csv("reference,amount,currency,booked,note\n\
             ORD-1,100,usd,captured,x\n\
             ORD-2,1.50,EUR,captured,\n\
             ,100,EUR,captured,\n\
             ORD-4,100,EUR,shipped,\n\
             ORD-5,100,EURO,authorized,\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(&*rows[0].currency, "USD");
        assert_eq!(rows[0].booked, Booked::Captured);
        let lines: Vec<usize> = errors.iter().map(LedgerError::line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
        assert_eq!(
            errors[0].to_string(),
            "'amount' must be a whole number of minor units, not '1.50'"
        );
        assert_eq!(errors[1].to_string(), "'reference' is missing or empty");
    }

    #[test]
    fn a_missing_column_is_reported_once() {
        let (rows, errors) = csv("reference,amount,booked\nORD-1,100,captured\n");
        assert!(rows.is_empty());
        assert_eq!(errors, [LedgerError::NoColumn { column: "currency" }]);
    }

    #[test]
    fn json_lines_take_numbers_and_refuse_other_types() {
        let text = "{\"reference\":\"A\",\"amount\":100,\"currency\":\"EUR\",\"booked\":\"voided\",\"provider\":\"checkout\"}\n\
                    \n\
                    {\"reference\":\"B\",\"amount\":1.5,\"currency\":\"EUR\",\"booked\":\"voided\"}\n\
                    {\"reference\":7,\"amount\":1,\"currency\":\"EUR\",\"booked\":\"voided\"}\n\
                    [1]\n\
                    {\"reference\":\"C\",\"amount\":1,\"currency\":\"EUR\",\"booked\":\"voided\",\"provider\":\"stripe\"}\n";
        let (rows, errors) =
            read(text.as_bytes(), LedgerFormat::JsonLines, Key::Reference).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].provider.map(Provider::as_str), Some("checkout"));
        let lines: Vec<usize> = errors.iter().map(LedgerError::line).collect();
        assert_eq!(lines, [3, 4, 5, 6]);
    }

    #[test]
    fn key_id_needs_psp_id() {
        let (rows, errors) = read(
            "reference,psp_id,amount,currency,booked\nA,,1,EUR,captured\nB,pay_1,1,EUR,captured\n"
                .as_bytes(),
            LedgerFormat::Csv,
            Key::Id,
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(errors[0].to_string(), "'psp_id' is missing or empty");
    }

    #[test]
    fn the_format_is_detected_by_extension_then_content() {
        assert_eq!(
            LedgerFormat::detect(Path::new("l.csv"), b"{"),
            LedgerFormat::Csv
        );
        assert_eq!(
            LedgerFormat::detect(Path::new("l.jsonl"), b"a"),
            LedgerFormat::JsonLines
        );
        assert_eq!(
            LedgerFormat::detect(Path::new("l"), b"  {\"a\":1}"),
            LedgerFormat::JsonLines
        );
        assert_eq!(
            LedgerFormat::detect(Path::new("-"), b"reference,"),
            LedgerFormat::Csv
        );
    }
}
