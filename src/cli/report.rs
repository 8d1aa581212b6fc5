//! `threeds-bridge report`: 3-D Secure performance per PSP, network and channel over PSP
//! records, as JSON (stdout or `--json FILE`) and, with `--html FILE`, one self-contained
//! page with charts. The metrics are defined in `docs/report.md`.

use super::input::{for_each_document, Item, DEFAULT_MAX_LINE_BYTES};
use super::records::{each_normalized, place};
use super::{diagnostic, exit};
use crate::catalog::Catalog;
use crate::normalize::{Context, NormalizeError};
use crate::report::{render_html, ReportBuilder};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also write the report as one self-contained HTML page (inline CSS and SVG charts).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the JSON report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// The date liability rules are applied at for records that carry no date of their
    /// own (YYYY-MM-DD). Default: today. A record's own date (`authenticated_at`) wins.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// The longest input line, and the largest pretty-printed document, in bytes; a longer
    /// one is reported and skipped without being held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = super::parse_max_bytes)]
    max_line_bytes: usize,
    /// PSP records: anything `normalize` reads (JSON Lines, or one or more pretty-printed
    /// JSON documents per file); `-` or none for stdin.
    records: Vec<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => {
            diagnostic(err, "error", "built-in catalog", &e);
            return exit::BAD_INPUT;
        }
    };
    let mut ctx = Context::new(&catalog);
    if let Some(date) = args.as_of {
        ctx = ctx.as_of(date);
    }
    let files = super::inputs(&args.records);
    let mut builder = ReportBuilder::new();
    let bad = read_records(&files, args.max_line_bytes, &ctx, &mut builder, err);
    let report = builder.finish(ctx.as_of);
    let mut failed = bad;
    let json = report.to_json();
    match &args.json {
        Some(path) => failed |= !write_file(path, &json, err),
        None => {
            let _ = out.write_all(json.as_bytes());
        }
    }
    if let Some(path) = &args.html {
        let sources: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        failed |= !write_file(path, &render_html(&report, &sources), err);
    }
    if failed {
        exit::BAD_INPUT
    } else {
        exit::OK
    }
}

/// Reads every record of `files` into `builder`, the way `normalize` reads them (the same
/// reader, the same normalize entry point, the same diagnostics on stderr naming file and
/// line). Returns true when any document was bad or a file had none; the bad ones are
/// counted in the report and the rest are read.
fn read_records(
    files: &[PathBuf],
    max_bytes: usize,
    ctx: &Context<'_>,
    builder: &mut ReportBuilder,
    err: &mut dyn Write,
) -> bool {
    let mut bad = false;
    for path in files {
        let name = path.display().to_string();
        let result = for_each_document(path, max_bytes, |item: Item| {
            let doc = match item {
                Ok(doc) => doc,
                Err(skipped) => {
                    bad = true;
                    builder.bad();
                    diagnostic(
                        err,
                        "error",
                        &format!("{name}:{}", skipped.line()),
                        &skipped,
                    );
                    return;
                }
            };
            // A list response gives one record per item, placed `file:line[i]`.
            each_normalized(&doc, ctx, |item, result| match result {
                Ok(n) => {
                    let place = place(&name, doc.line, item);
                    for w in &n.explain.warnings {
                        diagnostic(err, "warning", &place, w);
                    }
                    builder.add(&place, &n.authentication);
                }
                Err(e) => {
                    bad = true;
                    builder.bad();
                    let line = match &e {
                        NormalizeError::NotJson { line, .. } => doc.line + line - 1,
                        _ => doc.line,
                    };
                    diagnostic(err, "error", &place(&name, line, item), &e);
                }
            });
        });
        match result {
            Ok(0) => {
                bad = true;
                diagnostic(err, "error", &name, &"no documents");
            }
            Ok(_) => {}
            Err(e) => {
                bad = true;
                diagnostic(err, "error", &name, &e);
            }
        }
    }
    bad
}

/// Writes `contents` to `path`; false after reporting why it could not.
fn write_file(path: &Path, contents: &str, err: &mut dyn Write) -> bool {
    match std::fs::write(path, contents) {
        Ok(()) => true,
        Err(e) => {
            diagnostic(
                err,
                "error",
                &path.display().to_string(),
                &format!("cannot write: {e}"),
            );
            false
        }
    }
}
