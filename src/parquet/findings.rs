//! `reconcile --out x.parquet`: one row per finding, the CSV output's columns typed, and
//! the PSP side whole as JSON text (`psp`).

use super::{Cell, Column, Kind, Table};
use crate::reconcile::finding::{Flat, PspSide, Sides};
use crate::reconcile::Finding;
use std::io::{self, Write};

const fn text(name: &'static str, required: bool) -> Column {
    Column::new(name, Kind::Text, required)
}

const fn number(name: &'static str, required: bool) -> Column {
    Column::new(name, Kind::Unsigned, required)
}

/// The columns (`docs/parquet.md`): the CSV columns, then `psp`.
pub static COLUMNS: [Column; 18] = [
    text("finding", true),
    text("reference", false),
    number("ledger_line", false),
    text("ledger_provider", false),
    text("ledger_psp_id", false),
    number("ledger_amount", false),
    text("ledger_currency", false),
    text("ledger_booked", false),
    number("psp_count", true),
    text("psp_providers", true),
    text("psp_ids", true),
    text("psp_statuses", true),
    text("psp_liability_shifts", true),
    text("psp_amounts", true),
    text("psp_currencies", true),
    text("psp_sources", true),
    text("detail", true),
    text("psp", true),
];

/// Findings written as Parquet rows.
pub struct Writer<W: Write + Send> {
    table: Table<W>,
    buf: Vec<u8>,
}

impl<W: Write + Send> Writer<W> {
    pub fn new(out: W) -> io::Result<Writer<W>> {
        Ok(Writer {
            table: Table::new(out, &COLUMNS)?,
            buf: Vec::new(),
        })
    }

    /// Adds one finding.
    pub fn push(
        &mut self,
        finding: &Finding,
        sides: Sides<'_>,
        psp: &mut dyn PspSide,
    ) -> io::Result<()> {
        self.buf.clear();
        self.buf.push(b'[');
        for (n, &i) in finding.records.iter().enumerate() {
            if n > 0 {
                self.buf.push(b',');
            }
            psp.write_json(i, &mut self.buf)?;
        }
        self.buf.push(b']');
        let json = std::str::from_utf8(&self.buf)
            .map_err(|_| io::Error::other("a normalized record is not UTF-8"))?;
        let f = Flat::of(finding, sides, psp);
        fn t(v: Option<&str>) -> Cell<'_> {
            v.map_or(Cell::Null, Cell::Text)
        }
        fn n(v: Option<u64>) -> Cell<'static> {
            v.map_or(Cell::Null, Cell::Unsigned)
        }
        self.table.push(&[
            Cell::Text(f.finding),
            t(f.reference),
            n(f.ledger_line),
            t(f.ledger_provider),
            t(f.ledger_psp_id),
            n(f.ledger_amount),
            t(f.ledger_currency),
            t(f.ledger_booked),
            Cell::Unsigned(f.psp_count),
            Cell::Text(&f.psp_providers),
            Cell::Text(&f.psp_ids),
            Cell::Text(&f.psp_statuses),
            Cell::Text(&f.psp_liability_shifts),
            Cell::Text(&f.psp_amounts),
            Cell::Text(&f.psp_currencies),
            Cell::Text(&f.psp_sources),
            Cell::Text(f.detail),
            Cell::Text(json),
        ])
    }

    /// Writes the last rows and the footer; returns the output.
    pub fn finish(self) -> io::Result<W> {
        self.table.finish()
    }
}
