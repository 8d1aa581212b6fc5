//! The `threeds-bridge` command line: `normalize`, `translate`, `liability`, `summary`,
//! `sandbox`, `serve`, `demo`, `export-3ds`, `simulate-routing`, `report`, `reconcile`.
//!
//! Every command writes results to stdout and diagnostics to stderr, one line each, naming
//! the file and line. A diagnostic quotes at most [`threeds_wire::EXCERPT_CHARS`] characters
//! of any value and masks card numbers wherever they stand ([`diagnostic`]).
//!
//! Exit codes ([`exit`]) are distinct so that scripts can tell a bad document from a bad
//! command line: 0 success, 1 bad input (the other documents are still processed), 2 usage
//! (clap's own code, also used for flag values only we can check), 3 an incomplete
//! translation under `--strict`.

mod demo;
mod export;
mod input;
mod liability;
mod listen;
mod normalize;
#[cfg(feature = "parquet")]
mod parquet_output;
mod reconcile;
mod records;
mod report;
mod sandbox;
mod serve;
mod simulate;
mod summary;
mod translate;

use crate::model::Provider;
use clap::{Parser, Subcommand};
use std::fmt::Display;
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit codes, documented in `--help` and the README.
pub mod exit {
    /// Every document was processed.
    pub const OK: u8 = 0;
    /// Some input was bad (not JSON, not the PSP's, too long, ...); the rest was processed.
    pub const BAD_INPUT: u8 = 1;
    /// The command line is wrong (clap exits with the same code).
    pub const USAGE: u8 = 2;
    /// `translate --strict`: a field was not carried over or the target is incomplete.
    pub const STRICT_LOSS: u8 = 3;
    /// `reconcile`: a finding other than `matched` (a ledger row or PSP record that could
    /// not be read is [`USAGE`] there, so that scripts tell bad input from discrepancies).
    pub const DISCREPANCIES: u8 = 1;
}

const AFTER_HELP: &str = "\
Exit codes:
  0  success
  1  bad input: a document could not be read or normalized (the others still were)
  2  usage: an unknown flag or a bad flag value
  3  translate --strict: a field was not carried over, or the target request is incomplete";

#[derive(Debug, Parser)]
#[command(
    name = "threeds-bridge",
    version,
    about = "One normalized 3-D Secure model for Checkout.com, Paysafe, Mangopay and PXP",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Log more on stderr: -v info, -vv debug, -vvv trace (default: warnings only, or what
    /// RUST_LOG says when it is set and no -v is given). Output on stdout is unchanged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Normalize PSP documents (one JSON document or JSON Lines per file) to JSON Lines.
    #[command(after_help = AFTER_HELP)]
    Normalize(normalize::Args),
    /// Translate one PSP's authentication request into another's.
    #[command(after_help = AFTER_HELP)]
    Translate(translate::Args),
    /// Decide liability shift from authentication facts.
    #[command(after_help = AFTER_HELP)]
    Liability(liability::Args),
    /// Normalize the bundled fixtures and print a summary table.
    #[command(after_help = AFTER_HELP)]
    Summary(summary::Args),
    /// Run authentications through every PSP against the in-process sandbox.
    #[command(after_help = AFTER_HELP)]
    Demo(demo::Args),
    /// Serve the local simulator of every PSP API on one loopback listener.
    #[command(after_help = AFTER_HELP)]
    Sandbox(sandbox::Args),
    /// Serve the authentication API over every PSP account: routing, a durable store,
    /// idempotency, webhooks in and out, threeds.js and a demo page.
    #[command(after_help = AFTER_HELP)]
    Serve(serve::Args),
    /// Write a normalized authentication's 3DS result as another PSP's external-3DS fields.
    #[command(name = "export-3ds", after_help = export::AFTER_HELP)]
    Export3ds(export::Args),
    /// Route authentications through an outage against the sandbox, with failover and without.
    #[command(name = "simulate-routing", after_help = AFTER_HELP)]
    SimulateRouting(simulate::Args),
    /// 3-D Secure performance per PSP, network and channel over PSP records, as JSON and
    /// an HTML page with charts.
    #[command(after_help = AFTER_HELP)]
    Report(report::Args),
    /// Reconcile a ledger against PSP records: one finding per line, a summary on stderr.
    #[command(after_help = reconcile::AFTER_HELP)]
    Reconcile(reconcile::Args),
}

/// Parses `std::env::args` and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Not locked for the whole run: the sandbox logs requests from its worker threads.
    let mut err = std::io::stderr();
    install_logging(cli.verbose, &mut err);
    let code = match cli.command {
        Command::Normalize(args) => normalize::run(&args, &mut out, &mut err),
        Command::Translate(args) => translate::run(&args, &mut out, &mut err),
        Command::Liability(args) => liability::run(&args, &mut out, &mut err),
        Command::Summary(args) => summary::run(&args, &mut out, &mut err),
        Command::Sandbox(args) => sandbox::run(&args, &mut out, &mut err),
        Command::Serve(args) => serve::run(&args, &mut out, &mut err),
        Command::Demo(args) => demo::run(&args, &mut out, &mut err),
        Command::Export3ds(args) => export::run(&args, &mut out, &mut err),
        Command::SimulateRouting(args) => simulate::run(&args, &mut out, &mut err),
        Command::Report(args) => report::run(&args, &mut out, &mut err),
        Command::Reconcile(args) => reconcile::run(&args, &mut out, &mut err),
    };
    if let Err(e) = std::io::Write::flush(&mut out) {
        // A closed pipe (`| head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            let _ =
                std::io::Write::write_fmt(&mut err, format_args!("error: writing output: {e}\n"));
            return ExitCode::from(1);
        }
    }
    ExitCode::from(code)
}

/// Sends `tracing` events to stderr, never stdout, which carries only the command's output.
/// `-v`s choose the level when given (an explicit flag wins over the environment);
/// otherwise `RUST_LOG` does when set, with the usual `target=level` directives; otherwise
/// warnings only. A `RUST_LOG` that cannot be read is reported and warnings are logged.
fn install_logging(verbose: u8, err: &mut dyn std::io::Write) {
    use tracing_subscriber::EnvFilter;
    let filter = match (verbose, std::env::var("RUST_LOG")) {
        (0, Ok(directives)) if !directives.trim().is_empty() => EnvFilter::try_new(&directives)
            .unwrap_or_else(|e| {
                let message = format!("cannot be read ({e}); logging warnings only");
                diagnostic(err, "warning", "RUST_LOG", &message);
                EnvFilter::new("warn")
            }),
        (0, _) => EnvFilter::new("warn"),
        (1, _) => EnvFilter::new("info"),
        (2, _) => EnvFilter::new("debug"),
        _ => EnvFilter::new("trace"),
    };
    // Fails only when a subscriber is already installed, which then keeps logging.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The async runtime of `sandbox` and `demo`; `None` after reporting why it could not start.
fn runtime(err: &mut dyn std::io::Write) -> Option<tokio::runtime::Runtime> {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            None
        }
    }
}

/// `--provider`: a registered PSP's id. clap lists the ids in `--help` and rejects others
/// with a usage error.
fn provider_parser() -> impl clap::builder::TypedValueParser<Value = Provider> {
    use clap::builder::{PossibleValue, TypedValueParser};
    let ids = crate::psp::all()
        .into_iter()
        .map(|psp| PossibleValue::new(psp.id().as_str()).help(psp.name()));
    clap::builder::PossibleValuesParser::new(ids)
        .map(|id| crate::psp::find(&id).map(|psp| psp.id()))
        .try_map(|found| found.ok_or(FlagError::UnregisteredPsp))
}

/// Why a flag's value was refused. clap prints it after the flag and the value it quotes
/// (`invalid value '0' for '--max-line-bytes <BYTES>': must be at least 1`), which say
/// where; these say what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum FlagError {
    #[error("not a registered PSP")]
    UnregisteredPsp,
    #[error("must be at least 1")]
    Zero,
    #[error("not a number of bytes: {0}")]
    NotANumber(#[from] std::num::ParseIntError),
    #[error("expected a date as YYYY-MM-DD, e.g. 2026-12-01")]
    NotADate,
    #[error("expected a positive number and a unit (d, h, m or s), e.g. 90d or 36h")]
    NotAnAge,
    #[error("expected an RFC 3339 time, e.g. 2026-05-01T12:00:00Z")]
    NotATime,
}

/// `--max-line-bytes`: a positive number of bytes.
fn parse_max_bytes(s: &str) -> Result<usize, FlagError> {
    match s.parse::<usize>()? {
        0 => Err(FlagError::Zero),
        n => Ok(n),
    }
}

/// Writes one diagnostic line, `{kind}: {place}: {message}`, the message bounded by
/// [`crate::output::diagnostic_message`]. Every command reports through it, so no value in
/// any message, whoever formatted it, reaches the terminal whole.
fn diagnostic(err: &mut dyn std::io::Write, kind: &str, place: &str, message: &dyn Display) {
    let message = crate::output::diagnostic_message(message);
    let place = threeds_wire::excerpt(place);
    let _ = if place.is_empty() {
        writeln!(err, "{kind}: {message}")
    } else {
        writeln!(err, "{kind}: {place}: {message}")
    };
}

/// `--as-of`: a calendar date, `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, FlagError> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| FlagError::NotADate)
}

/// `-` or no file means stdin.
fn inputs(files: &[PathBuf]) -> Vec<PathBuf> {
    if files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        files.to_vec()
    }
}
