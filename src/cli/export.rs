//! `threeds-bridge export-3ds`: a normalized authentication's 3DS result as the external-3DS
//! block of another PSP's authorization request.

use super::input::{for_each_document, Document, Item, DEFAULT_MAX_LINE_BYTES};
use super::{diagnostic, exit, FlagError};
use crate::export::{accepts, export, Options, Target};
use crate::model::Authentication;
use chrono::{DateTime, Duration, Utc};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use std::io::Write;
use std::path::PathBuf;

pub const AFTER_HELP: &str = "\
The output carries the authentication value (CAVV / cryptogram) in clear: the target's
request needs it, so printing it is this command's job. Feed it straight into the request
and keep it out of logs. Diagnostics on stderr never contain it.

Input: the JSON Lines `normalize --reveal-secrets` prints. Output without --reveal-secrets
has the value redacted and is refused.

Exit codes:
  0  every document was exported
  1  a document was refused (every failed check is listed) or could not be read
  2  usage: an unknown flag or a bad flag value, or a target that takes no external 3DS
     result (mangopay) or where that is unknown (pxp)";

/// `--to` values: every target, with what it writes.
fn target_parser() -> impl TypedValueParser<Value = Target> {
    let values = Target::ALL
        .iter()
        .map(|t| PossibleValue::new(t.as_str()).help(t.describe()));
    PossibleValuesParser::new(values).try_map(|id| id.parse::<Target>())
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The PSP whose authorization request the block is for.
    #[arg(long, value_parser = target_parser())]
    to: Target,
    /// The oldest authentication to carry, as a number and a unit: `90d`, `36h`, `15m`,
    /// `600s`. Default: the network's validity (Visa 90 days, others 30 days).
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    max_age: Option<Duration>,
    /// Carry authentications without `authenticated_at` (their age cannot be checked).
    #[arg(long)]
    allow_undated: bool,
    /// The time ages are measured at, RFC 3339 (default: now).
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    now: Option<DateTime<Utc>>,
    /// The longest input line, and the largest pretty-printed document, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = super::parse_max_bytes)]
    max_line_bytes: usize,
    /// A file of normalized authentications (JSON Lines or one pretty-printed document);
    /// `-` or none for stdin.
    file: Option<PathBuf>,
}

/// `--max-age`: `<number><d|h|m|s>`, at least one second.
fn parse_age(s: &str) -> Result<Duration, FlagError> {
    let (number, unit) = s.trim().split_at(s.trim().len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| FlagError::NotAnAge)?;
    let age = match unit {
        "d" => Duration::try_days(n),
        "h" => Duration::try_hours(n),
        "m" => Duration::try_minutes(n),
        "s" => Duration::try_seconds(n),
        _ => None,
    };
    age.filter(|a| *a > Duration::zero())
        .ok_or(FlagError::NotAnAge)
}

/// `--now`: an RFC 3339 time.
fn parse_now(s: &str) -> Result<DateTime<Utc>, FlagError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FlagError::NotATime)
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if let Err(e) = accepts(args.to) {
        diagnostic(err, "error", "--to", &e);
        return exit::USAGE;
    }
    let mut options = Options::new(args.to, args.now.unwrap_or_else(Utc::now));
    options.max_age = args.max_age;
    options.allow_undated = args.allow_undated;
    let path = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let name = path.display().to_string();
    let mut bad = false;
    let result = for_each_document(&path, args.max_line_bytes, |item: Item| {
        let outcome = match item {
            Ok(doc) => export_document(&doc, &options)
                .map_err(|message| (format!("{name}:{}", doc.line), message)),
            Err(skipped) => Err((format!("{name}:{}", skipped.line()), skipped.to_string())),
        };
        match outcome {
            Ok(json) => {
                let _ = writeln!(out, "{json}");
            }
            Err((place, message)) => {
                bad = true;
                diagnostic(err, "error", &place, &message);
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
    if bad {
        exit::BAD_INPUT
    } else {
        exit::OK
    }
}

/// One document's block as a JSON line, or why it was refused.
fn export_document(doc: &Document, options: &Options) -> Result<String, String> {
    // serde's message can quote a value of the document (the cryptogram among them), so
    // only the error's category and position are reported.
    let auth: Authentication = serde_json::from_str(&doc.text).map_err(|e| {
        format!(
            "not a normalized authentication ({} error at line {}, column {}); export-3ds \
             reads what `normalize --reveal-secrets` prints",
            category(&e),
            e.line(),
            e.column()
        )
    })?;
    let block = export(&auth, options).map_err(|e| e.to_string())?;
    block
        .to_json()
        .map_err(|e| format!("cannot write the block ({} error)", category(&e)))
}

/// A serde_json error's category, without its message.
fn category(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "end of input",
    }
}
