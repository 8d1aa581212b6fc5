//! `normalize --format parquet --out FILE` (and `--out FILE` for JSON Lines): where
//! `normalize`'s lines go. The command prints JSON lines as always; for Parquet they go
//! into a [`LineSink`], which writes each as a row (`docs/parquet.md`).

use super::{diagnostic, exit};
use crate::parquet::normalized::LineSink;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines (on stdout unless --out is given).
    Jsonl,
    /// Parquet, into --out.
    Parquet,
}

#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Write the output to FILE instead of stdout (required for --format parquet).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `lines` (the command, printing JSON lines) into the file and format the flags
/// ask for; `None` when they ask for JSON Lines on stdout, which the caller does itself.
pub fn redirect(
    args: &OutputArgs,
    err: &mut dyn Write,
    lines: impl FnOnce(&mut dyn Write, &mut dyn Write) -> u8,
) -> Option<u8> {
    let path = match (&args.out, args.format) {
        (None, Format::Jsonl) => return None,
        (None, Format::Parquet) => {
            diagnostic(err, "error", "--format parquet", &"needs --out FILE");
            return Some(exit::USAGE);
        }
        (Some(path), _) => path,
    };
    let place = path.display().to_string();
    let file = match File::create(path) {
        Ok(f) => BufWriter::with_capacity(1 << 20, f),
        Err(e) => {
            diagnostic(err, "error", &place, &e);
            return Some(exit::USAGE);
        }
    };
    let written = match args.format {
        Format::Jsonl => {
            let mut file = file;
            let code = lines(&mut file, err);
            file.flush().map(|()| code)
        }
        Format::Parquet => match LineSink::new(file) {
            Ok(mut sink) => {
                let code = lines(&mut sink, err);
                sink.finish().map(|_| code)
            }
            Err(e) => Err(e),
        },
    };
    Some(match written {
        Ok(code) => code,
        Err(e) => {
            diagnostic(err, "error", &place, &e);
            exit::BAD_INPUT
        }
    })
}
