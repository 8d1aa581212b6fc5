//! `normalize --format parquet`: one row per normalized document.
//!
//! The rows are read back from the JSON lines `normalize` prints ([`LineSink`] is the
//! `Write` the command prints into), so every value is the JSON Lines output's, secrets
//! redacted (or revealed) exactly as there, and the command has one way of rendering a
//! document. Nested objects are flattened (`amount_value`, `amount_currency`, `raw_status`,
//! ...); `next_action` and `explain` stay JSON text.

use super::{Cell, Column, Kind, Table};
use serde_json::Value;
use std::borrow::Cow;
use std::io::{self, Write};

/// Where a column's value is in the JSON object: a member, or a member of a member.
enum At {
    Top(&'static str),
    In(&'static str, &'static str),
}

const fn text(name: &'static str, required: bool) -> Column {
    Column::new(name, Kind::Text, required)
}

/// The columns, in the JSON object's order (`docs/parquet.md`).
pub static COLUMNS: [Column; 28] = [
    text("provider", true),
    text("kind", true),
    text("id", false),
    text("reference", false),
    text("status", true),
    text("reason", false),
    Column::new("liability_shift", Kind::Bool, false),
    text("next_step", true),
    text("trans_status", false),
    text("trans_status_reason", false),
    text("eci", false),
    text("network", false),
    text("protocol_version", false),
    Column::new("challenged", Kind::Bool, false),
    Column::new("amount_value", Kind::Unsigned, false),
    text("amount_currency", false),
    text("ds_trans_id", false),
    text("three_ds_server_trans_id", false),
    text("acs_trans_id", false),
    text("next_action", false),
    text("raw_status", false),
    text("raw_code", false),
    text("raw_message", false),
    text("retry", false),
    text("exemption", false),
    text("authenticated_at", false),
    text("authentication_value", false),
    text("explain", false),
];

const PLACES: [At; 28] = [
    At::Top("provider"),
    At::Top("kind"),
    At::Top("id"),
    At::Top("reference"),
    At::Top("status"),
    At::Top("reason"),
    At::Top("liability_shift"),
    At::Top("next_step"),
    At::Top("trans_status"),
    At::Top("trans_status_reason"),
    At::Top("eci"),
    At::Top("network"),
    At::Top("protocol_version"),
    At::Top("challenged"),
    At::In("amount", "value"),
    At::In("amount", "currency"),
    At::Top("ds_trans_id"),
    At::Top("three_ds_server_trans_id"),
    At::Top("acs_trans_id"),
    At::Top("next_action"),
    At::In("raw", "status"),
    At::In("raw", "code"),
    At::In("raw", "message"),
    At::Top("retry"),
    At::Top("exemption"),
    At::Top("authenticated_at"),
    At::Top("authentication_value"),
    At::Top("explain"),
];

/// A `Write` that takes `normalize`'s JSON lines and writes them as Parquet rows. A line
/// that cannot be a row is an error kept for [`LineSink::finish`], which the command's
/// writes do not check.
pub struct LineSink<W: Write + Send> {
    table: Option<Table<W>>,
    pending: Vec<u8>,
    error: Option<io::Error>,
    rows: u64,
}

impl<W: Write + Send> LineSink<W> {
    pub fn new(out: W) -> io::Result<LineSink<W>> {
        Ok(LineSink {
            table: Some(Table::new(out, &COLUMNS)?),
            pending: Vec::new(),
            error: None,
            rows: 0,
        })
    }

    fn line(&mut self, line: &[u8]) -> io::Result<()> {
        let value: Value = serde_json::from_slice(line)
            .map_err(|e| io::Error::other(format!("a normalized line is not JSON: {e}")))?;
        let texts: Vec<Option<Cow<'_, str>>> =
            PLACES.iter().map(|at| text_at(&value, at)).collect();
        let mut cells = Vec::with_capacity(COLUMNS.len());
        for ((column, at), text) in COLUMNS.iter().zip(&PLACES).zip(&texts) {
            let v = lookup(&value, at);
            cells.push(match (column.kind, v) {
                (_, None | Some(Value::Null)) => Cell::Null,
                (Kind::Bool, Some(Value::Bool(b))) => Cell::Bool(*b),
                (Kind::Unsigned, Some(Value::Number(n))) => match n.as_u64() {
                    Some(n) => Cell::Unsigned(n),
                    None => {
                        return Err(io::Error::other(format!(
                            "'{}' is not a whole number",
                            column.name
                        )))
                    }
                },
                (Kind::Text, Some(_)) => text.as_deref().map_or(Cell::Null, Cell::Text),
                _ => {
                    return Err(io::Error::other(format!(
                        "'{}' has an unexpected type",
                        column.name
                    )))
                }
            });
        }
        match &mut self.table {
            Some(table) => table.push(&cells)?,
            None => return Err(io::Error::other("the Parquet file is already finished")),
        }
        self.rows += 1;
        Ok(())
    }

    /// Writes the file's last rows and footer; returns how many rows it has, or the first
    /// error met.
    pub fn finish(mut self) -> io::Result<u64> {
        if !self.pending.is_empty() {
            let last = std::mem::take(&mut self.pending);
            if let Err(e) = self.line(&last) {
                self.error.get_or_insert(e);
            }
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut out = match self.table.take() {
            Some(table) => table.finish()?,
            None => return Err(io::Error::other("the Parquet file is already finished")),
        };
        out.flush()?;
        Ok(self.rows)
    }
}

impl<W: Write + Send> Write for LineSink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            self.pending.extend_from_slice(&rest[..end]);
            let line = std::mem::take(&mut self.pending);
            if self.error.is_none() && !line.is_empty() {
                if let Err(e) = self.line(&line) {
                    self.error = Some(e);
                }
            }
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn lookup<'v>(value: &'v Value, at: &At) -> Option<&'v Value> {
    match at {
        At::Top(k) => value.get(k),
        At::In(k, j) => value.get(k).and_then(|v| v.get(j)),
    }
}

/// A text column's value: a string as it is, an object or array as its JSON text.
fn text_at<'v>(value: &'v Value, at: &At) -> Option<Cow<'v, str>> {
    match lookup(value, at)? {
        Value::Null => None,
        Value::String(s) => Some(Cow::Borrowed(s)),
        other => Some(Cow::Owned(other.to_string())),
    }
}
