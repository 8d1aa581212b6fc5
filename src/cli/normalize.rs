//! `threeds-bridge normalize`.

use super::input::{for_each_document, Document};
use crate::adapters::{normalize_text, Context, NormalizeError};
use crate::catalog::Catalog;
use crate::model::Provider;
use crate::output::{render, Options};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The PSP the documents come from; detected from each document's shape when absent.
    #[arg(long, value_parser = super::parse_provider)]
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
    /// Files holding one JSON document or JSON Lines; `-` or none for stdin.
    files: Vec<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => return fail(err, &format!("built-in catalog: {e}")),
    };
    for file in &args.codes {
        if let Err(e) = catalog.extend_from_file(file) {
            return fail(err, &format!("--codes {e}"));
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
        let result = for_each_document(&path, |doc: Document| {
            match normalize_text(&doc.text, args.provider, &ctx) {
                Ok(n) => {
                    for w in &n.explain.warnings {
                        let _ = writeln!(err, "warning: {name}:{}: {w}", doc.line);
                    }
                    let _ = writeln!(out, "{}", render(&n, options));
                }
                Err(e) => {
                    bad = true;
                    let line = match &e {
                        NormalizeError::NotJson { line, .. } => doc.line + line - 1,
                        _ => doc.line,
                    };
                    let _ = writeln!(err, "error: {name}:{line}: {e}");
                }
            }
        });
        if let Err(e) = result {
            bad = true;
            let _ = writeln!(err, "error: {name}: {e}");
        }
    }
    u8::from(bad)
}

fn fail(err: &mut dyn Write, message: &str) -> u8 {
    let _ = writeln!(err, "error: {message}");
    1
}
