//! Parquet output (feature `parquet`): `normalize --format parquet` ([`normalized`]) and
//! `reconcile --out x.parquet` ([`findings`]).
//!
//! Both are flat tables of optional columns written with the `parquet` crate's column
//! writers (no Arrow): text as `BYTE_ARRAY` annotated `STRING`, amounts and counts as
//! `INT64` annotated unsigned, flags as `BOOLEAN`, Snappy-compressed, in row groups of
//! [`ROW_GROUP_ROWS`] rows so that memory stays bounded whatever the input's size. The
//! schemas are documented column by column in `docs/parquet.md`.

pub mod findings;
pub mod normalized;

use ::parquet::basic::{Compression, IntType, LogicalType, Repetition, Type as Physical};
use ::parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int64Type};
use ::parquet::file::properties::WriterProperties;
use ::parquet::file::writer::SerializedFileWriter;
use ::parquet::schema::types::Type;
use std::io::{self, Write};
use std::sync::Arc;

/// Rows per row group: a group's values are held in memory until it is written.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// A column's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// UTF-8 text (`BYTE_ARRAY`, logical type `STRING`).
    Text,
    /// An unsigned 64-bit integer (`INT64`, logical type `INTEGER(64, false)`).
    Unsigned,
    /// `BOOLEAN`.
    Bool,
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// `REQUIRED` (never null) or `OPTIONAL`.
    pub required: bool,
}

impl Column {
    pub const fn new(name: &'static str, kind: Kind, required: bool) -> Column {
        Column {
            name,
            kind,
            required,
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    Null,
    Text(&'a str),
    Unsigned(u64),
    Bool(bool),
}

enum Values {
    Text(Vec<ByteArray>),
    Unsigned(Vec<i64>),
    Bool(Vec<bool>),
}

/// A column's values of the current row group, and each row's definition level (1 for a
/// value, 0 for a null).
struct Buffer {
    values: Values,
    defs: Vec<i16>,
}

/// A Parquet file being written, row by row.
pub struct Table<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: &'static [Column],
    buffers: Vec<Buffer>,
    rows: usize,
}

fn parquet_error(e: ::parquet::errors::ParquetError) -> io::Error {
    io::Error::other(format!("writing Parquet: {e}"))
}

impl<W: Write + Send> Table<W> {
    /// Starts a file with `columns` on `out`.
    pub fn new(out: W, columns: &'static [Column]) -> io::Result<Table<W>> {
        let fields = columns
            .iter()
            .map(|c| {
                let (physical, logical) = match c.kind {
                    Kind::Text => (Physical::BYTE_ARRAY, Some(LogicalType::String)),
                    Kind::Unsigned => (
                        Physical::INT64,
                        Some(LogicalType::Integer(IntType {
                            bit_width: 64,
                            is_signed: false,
                        })),
                    ),
                    Kind::Bool => (Physical::BOOLEAN, None),
                };
                let repetition = if c.required {
                    Repetition::REQUIRED
                } else {
                    Repetition::OPTIONAL
                };
                Type::primitive_type_builder(c.name, physical)
                    .with_repetition(repetition)
                    .with_logical_type(logical)
                    .build()
                    .map(Arc::new)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(parquet_error)?;
        let schema = Type::group_type_builder("schema")
            .with_fields(fields)
            .build()
            .map_err(parquet_error)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(properties))
            .map_err(parquet_error)?;
        let buffers = columns
            .iter()
            .map(|c| Buffer {
                values: match c.kind {
                    Kind::Text => Values::Text(Vec::new()),
                    Kind::Unsigned => Values::Unsigned(Vec::new()),
                    Kind::Bool => Values::Bool(Vec::new()),
                },
                defs: Vec::new(),
            })
            .collect();
        Ok(Table {
            writer,
            columns,
            buffers,
            rows: 0,
        })
    }

    /// Adds one row: a cell per column, in order. A cell of the wrong type, or a null in a
    /// required column, is an error and adds nothing.
    pub fn push(&mut self, row: &[Cell<'_>]) -> io::Result<()> {
        if row.len() != self.columns.len() {
            return Err(io::Error::other(format!(
                "a row of {} values for {} columns",
                row.len(),
                self.columns.len()
            )));
        }
        for (column, cell) in self.columns.iter().zip(row) {
            let fits = matches!(
                (column.kind, cell),
                (_, Cell::Null)
                    | (Kind::Text, Cell::Text(_))
                    | (Kind::Unsigned, Cell::Unsigned(_))
                    | (Kind::Bool, Cell::Bool(_))
            );
            if !fits || (column.required && *cell == Cell::Null) {
                return Err(io::Error::other(format!(
                    "column '{}' cannot hold {}",
                    column.name,
                    match cell {
                        Cell::Null => "a null",
                        _ => "this type of value",
                    }
                )));
            }
        }
        for (buffer, cell) in self.buffers.iter_mut().zip(row) {
            match (&mut buffer.values, *cell) {
                (_, Cell::Null) => buffer.defs.push(0),
                (Values::Text(v), Cell::Text(s)) => {
                    v.push(ByteArray::from(s));
                    buffer.defs.push(1);
                }
                (Values::Unsigned(v), Cell::Unsigned(n)) => {
                    // Stored as the same 64 bits; the logical type says they are unsigned.
                    v.push(n as i64);
                    buffer.defs.push(1);
                }
                (Values::Bool(v), Cell::Bool(b)) => {
                    v.push(b);
                    buffer.defs.push(1);
                }
                // Checked above.
                _ => {}
            }
        }
        self.rows += 1;
        if self.rows == ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(parquet_error)?;
        for (buffer, column) in self.buffers.iter_mut().zip(self.columns) {
            let Some(mut writer) = group.next_column().map_err(parquet_error)? else {
                return Err(io::Error::other(
                    "the schema has fewer columns than the table",
                ));
            };
            let defs = (!column.required).then_some(buffer.defs.as_slice());
            match &mut buffer.values {
                Values::Text(v) => writer
                    .typed::<ByteArrayType>()
                    .write_batch(v, defs, None)
                    .map(drop),
                Values::Unsigned(v) => writer
                    .typed::<Int64Type>()
                    .write_batch(v, defs, None)
                    .map(drop),
                Values::Bool(v) => writer
                    .typed::<BoolType>()
                    .write_batch(v, defs, None)
                    .map(drop),
            }
            .map_err(parquet_error)?;
            writer.close().map_err(parquet_error)?;
            match &mut buffer.values {
                Values::Text(v) => v.clear(),
                Values::Unsigned(v) => v.clear(),
                Values::Bool(v) => v.clear(),
            }
            buffer.defs.clear();
        }
        group.close().map_err(parquet_error)?;
        self.rows = 0;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush()?;
        self.writer.into_inner().map_err(parquet_error)
    }
}
