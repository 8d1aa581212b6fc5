//! `threeds-bridge simulate-routing`: run a router config against the in-process sandbox
//! through an outage, with failover and without, and report what the PSPs saw.

use crate::router::RouterConfig;
use crate::simulate::{self, Outage, OutageMode, Plan};
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::PathBuf;

/// What every `<credential>_env` variable of the config reads as here: the accounts are
/// pointed at the sandbox with its test credentials, so the file's are never needed.
const IGNORED_CREDENTIAL: &str = "ignored-by-simulate-routing";

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// The router config (TOML, as for the router); its credentials are not read.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// How many routed authentications each run sends.
    #[arg(long, default_value_t = 100, value_name = "N")]
    authentications: usize,
    /// An account that fails for authentications START to END (1-based, inclusive), or
    /// for the whole run without a range: `checkout-eu:20-60`.
    #[arg(long, value_name = "ACCOUNT[:START-END]")]
    outage: Option<String>,
    /// How the --outage account fails: down (every request 503), flapping (down and up
    /// every 2 authentications) or slow (every request outlasts the 1 s attempt timeout).
    #[arg(long, default_value = "down", value_name = "MODE")]
    outage_mode: OutageMode,
    /// The share of authentications (0 to 1) that also get one random fault (503,
    /// timeout, reset, or an answer lost after the PSP acted) at a random account.
    #[arg(long, default_value_t = 0.0, value_name = "RATE")]
    faults: f64,
    /// Seeds the random faults and the router's weighted orders (same seed, same run).
    #[arg(long, default_value_t = 1, value_name = "N")]
    seed: u64,
    /// Print `{"with_failover": R, "without_failover": R}` instead of the table.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained HTML page charting success rate over time.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let config_name = args.config.display().to_string();
    let text = match std::fs::read_to_string(&args.config) {
        Ok(t) => t,
        Err(e) => {
            super::diagnostic(err, "error", &config_name, &e);
            return super::exit::BAD_INPUT;
        }
    };
    let config = match RouterConfig::from_toml(&text, &|_| Some(IGNORED_CREDENTIAL.to_owned())) {
        Ok(c) => c,
        Err(e) => {
            super::diagnostic(err, "error", &config_name, &e);
            return super::exit::BAD_INPUT;
        }
    };
    let outage = match args
        .outage
        .as_deref()
        .map(|o| Outage::parse(o, args.outage_mode))
        .transpose()
    {
        Ok(o) => o,
        Err(e) => {
            super::diagnostic(err, "error", "", &e);
            return super::exit::USAGE;
        }
    };
    let plan = Plan {
        authentications: args.authentications,
        outage,
        fault_rate: args.faults,
        seed: args.seed,
    };
    let Some(runtime) = super::runtime(err) else {
        return super::exit::BAD_INPUT;
    };
    let simulation = match runtime.block_on(simulate::simulate(&config, &plan)) {
        Ok(s) => s,
        Err(
            e @ (simulate::SimulateError::UnknownAccount { .. } | simulate::SimulateError::Rate(_)),
        ) => {
            super::diagnostic(err, "error", "", &e);
            return super::exit::USAGE;
        }
        Err(e) => {
            super::diagnostic(err, "error", "", &e);
            return super::exit::BAD_INPUT;
        }
    };
    let _ = if args.json {
        writeln!(out, "{}", simulation.json())
    } else {
        write!(out, "{}", simulate::text(&simulation))
    };
    let mut code = super::exit::OK;
    if let Some(path) = &args.html {
        let page = simulate::html::render(&simulation, &config_name);
        if let Err(e) = std::fs::write(path, page) {
            super::diagnostic(err, "error", &path.display().to_string(), &e);
            code = super::exit::BAD_INPUT;
        }
    }
    for violation in simulation.violations() {
        super::diagnostic(err, "error", "simulate-routing", &violation);
        code = super::exit::BAD_INPUT;
    }
    code
}
