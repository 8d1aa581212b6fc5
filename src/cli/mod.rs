//! The `threeds-bridge` command line: `normalize`, `translate`, `liability`, `summary`,
//! `sandbox`, `demo`.
//!
//! Every command writes results to stdout and diagnostics to stderr, one line each, naming
//! the file and line. Exit codes: 0 success, 1 bad input (the other documents are still
//! processed), 2 an incomplete translation under `--strict`.

mod demo;
mod input;
mod liability;
mod normalize;
mod sandbox;
mod summary;
mod translate;

use crate::model::Provider;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "threeds-bridge",
    version,
    about = "One normalized 3-D Secure model for Checkout.com, Paysafe, Mangopay and PXP"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Normalize PSP documents (one JSON document or JSON Lines per file) to JSON Lines.
    Normalize(normalize::Args),
    /// Translate one PSP's authentication request into another's.
    Translate(translate::Args),
    /// Decide liability shift from authentication facts.
    Liability(liability::Args),
    /// Normalize the bundled fixtures and print a summary table.
    Summary(summary::Args),
    /// Run authentications through every PSP against the in-process sandbox.
    Demo(demo::Args),
    /// Serve local simulators of the four PSP APIs on one loopback listener.
    Sandbox(sandbox::Args),
}

/// Parses `std::env::args` and runs the command.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Not locked for the whole run: the sandbox logs requests from its worker threads.
    let mut err = std::io::stderr();
    let code = match cli.command {
        Command::Normalize(args) => normalize::run(&args, &mut out, &mut err),
        Command::Translate(args) => translate::run(&args, &mut out, &mut err),
        Command::Liability(args) => liability::run(&args, &mut out, &mut err),
        Command::Summary(args) => summary::run(&args, &mut out, &mut err),
        Command::Sandbox(args) => sandbox::run(&args, &mut out, &mut err),
        Command::Demo(args) => demo::run(&args, &mut out, &mut err),
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

fn parse_provider(s: &str) -> Result<Provider, String> {
    s.parse()
}

/// `--as-of`: a calendar date, `YYYY-MM-DD`.
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| "expected a date as YYYY-MM-DD, e.g. 2026-12-01".to_owned())
}

/// `-` or no file means stdin.
fn inputs(files: &[PathBuf]) -> Vec<PathBuf> {
    if files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        files.to_vec()
    }
}
