//! `threeds-bridge normalize`.

use super::input::{for_each_document, Document, Item, DEFAULT_MAX_LINE_BYTES};
use super::{diagnostic, exit};
use crate::catalog::Catalog;
use crate::model::Provider;
use crate::normalize::{
    detect, matches, normalize_text, normalize_value, Context, NormalizeError, Normalized,
};
use crate::output::{render, Options};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The PSP the documents come from; detected from each document's shape when absent.
    /// A document that is not this PSP's is an error (exit 1), not normalized as if it were.
    #[arg(long, value_parser = super::provider_parser())]
    provider: Option<Provider>,
    /// Add an `explain` object: the mapping rule, catalog row and liability rule used.
    #[arg(long)]
    explain: bool,
    /// Print the authentication value (CAVV / cryptogram) instead of "[redacted]".
    #[arg(long)]
    reveal_secrets: bool,
    /// A catalog CSV (`provider,table,code,message,status,reason,next_step,retry,source`)
    /// adding or overriding codes. May be repeated.
    #[arg(long = "codes", value_name = "FILE")]
    codes: Vec<PathBuf>,
    /// The date liability rules are applied at for documents that carry no date of their
    /// own (YYYY-MM-DD). Default: today. A document's own date (`authenticated_at`) wins.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// The longest input line, and the largest pretty-printed document, in bytes; a longer
    /// one is reported and skipped without being held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = super::parse_max_bytes)]
    max_line_bytes: usize,
    #[cfg(feature = "parquet")]
    #[command(flatten)]
    output: super::parquet_output::OutputArgs,
    /// Files holding JSON Lines, or one or more (concatenated) pretty-printed JSON documents;
    /// `-` or none for stdin.
    files: Vec<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    #[cfg(feature = "parquet")]
    if let Some(code) =
        super::parquet_output::redirect(&args.output, err, |o, e| run_lines(args, o, e))
    {
        return code;
    }
    run_lines(args, out, err)
}

/// The command, printing one JSON line per document into `out`.
fn run_lines(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => {
            diagnostic(err, "error", "built-in catalog", &e);
            return exit::BAD_INPUT;
        }
    };
    for file in &args.codes {
        if let Err(e) = catalog.extend_from_file(file) {
            diagnostic(err, "error", "--codes", &e);
            return exit::BAD_INPUT;
        }
    }
    let mut ctx = Context::new(&catalog);
    if let Some(date) = args.as_of {
        ctx = ctx.as_of(date);
    }
    let options = Options {
        explain: args.explain,
        reveal_secrets: args.reveal_secrets,
        pretty: false,
    };
    let mut bad = false;
    for path in super::inputs(&args.files) {
        let name = path.display().to_string();
        let result = for_each_document(&path, args.max_line_bytes, |item: Item| {
            let doc = match item {
                Ok(doc) => doc,
                Err(skipped) => {
                    bad = true;
                    let place = format!("{name}:{}", skipped.line());
                    diagnostic(err, "error", &place, &skipped);
                    return;
                }
            };
            match normalize_document(&doc, args.provider, &ctx) {
                Ok(n) => {
                    let place = format!("{name}:{}", doc.line);
                    // What was decided, never a value of the document.
                    tracing::debug!(
                        place = %threeds_wire::excerpt(&place),
                        provider = %n.authentication.provider,
                        status = %n.authentication.status,
                        next_step = %n.authentication.next_step,
                        "normalized"
                    );
                    for w in &n.explain.warnings {
                        diagnostic(err, "warning", &place, w);
                    }
                    let _ = writeln!(out, "{}", render(&n, options));
                }
                Err(e) => {
                    bad = true;
                    let line = match &e {
                        NormalizeError::NotJson { line, .. } => doc.line + line - 1,
                        _ => doc.line,
                    };
                    diagnostic(err, "error", &format!("{name}:{line}"), &e);
                }
            }
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
    if bad {
        exit::BAD_INPUT
    } else {
        exit::OK
    }
}

/// Normalizes one document. With `--provider`, a JSON document that does not have that
/// PSP's shape is an error naming the PSP it looks like, so a wrong flag never yields an
/// outcome read with another PSP's meanings.
fn normalize_document(
    doc: &Document,
    provider: Option<Provider>,
    ctx: &Context<'_>,
) -> Result<Normalized, NormalizeError> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&doc.text) else {
        // Not JSON: a Mangopay hook query string, or the parser's error with its position.
        return normalize_text(&doc.text, provider, ctx);
    };
    if let Some(p) = provider {
        if !matches(p, &value) {
            let looks = match detect(&value) {
                Ok(other) => format!("it looks like a {other} document"),
                Err(_) => "it matches no known PSP document".to_owned(),
            };
            return Err(NormalizeError::Unsupported {
                provider: p,
                message: format!("not a {p} document ({looks}); check --provider"),
            });
        }
    }
    normalize_value(&value, provider, ctx)
}
