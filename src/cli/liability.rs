//! `threeds-bridge liability`.

use crate::liability::{
    decide, Enrollment, LiabilityQuery, CATEGORY_VALUES, DEFAULT_VERSION, SIGNATURE_VALUES,
};
use crate::model::TransStatus;
use clap::builder::PossibleValuesParser;
use std::io::Write;

/// `--network` values: every network's contract spelling, and `unknown`.
fn network_values() -> PossibleValuesParser {
    PossibleValuesParser::new(LiabilityQuery::network_values())
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card network; `unknown` lets the ECI decide where it can.
    #[arg(long, value_parser = network_values())]
    network: String,
    /// EMV transStatus; with --version 1.0.2 the PARes status.
    #[arg(long, value_parser = PossibleValuesParser::new(TransStatus::KNOWN))]
    trans_status: Option<String>,
    /// 3DS 1.0.2 VERes enrollment.
    #[arg(long, value_parser = PossibleValuesParser::new(Enrollment::KNOWN))]
    enrollment: Option<String>,
    /// The Electronic Commerce Indicator as the PSP returned it (`05`, `5`, `02`, ...).
    #[arg(long)]
    eci: Option<String>,
    /// Protocol version.
    #[arg(long, default_value = DEFAULT_VERSION)]
    version: String,
    /// An authentication value (CAVV / AAV) came back.
    #[arg(long)]
    cavv_present: bool,
    /// The merchant-requested exemption that was applied (low_value,
    /// transaction_risk_assessment, secure_corporate_payment, trusted_listing, ...).
    #[arg(long)]
    exemption: Option<String>,
    /// 3DS 1.0.2 PARes signature check: Y (verified) or N (failed).
    #[arg(long, value_parser = PossibleValuesParser::new(SIGNATURE_VALUES))]
    signature: Option<String>,
    /// The EMV message category (default payment).
    #[arg(long, value_parser = PossibleValuesParser::new(CATEGORY_VALUES))]
    category: Option<String>,
    /// The EMV challenge indicator sent (two digits); Cartes Bancaires depends on it.
    #[arg(long)]
    challenge_indicator: Option<String>,
    /// Whether the cardholder was challenged (true/false).
    #[arg(long)]
    challenged: Option<bool>,
    /// The authentication's date (YYYY-MM-DD): scheme rules are applied as they stood
    /// then. Default: today.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<chrono::NaiveDate>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match query(args).facts() {
        Ok(facts) => {
            let decision = decide(&facts);
            match serde_json::to_string(&decision) {
                Ok(json) => {
                    let _ = writeln!(out, "{json}");
                    0
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    1
                }
            }
        }
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

/// The question the flags ask; the library checks each value.
fn query(args: &Args) -> LiabilityQuery {
    LiabilityQuery {
        network: args.network.clone(),
        trans_status: args.trans_status.clone(),
        enrollment: args.enrollment.clone(),
        eci: args.eci.clone(),
        version: args.version.clone(),
        cavv_present: args.cavv_present,
        exemption: args.exemption.clone(),
        signature: args.signature.clone(),
        category: args.category.clone(),
        challenge_indicator: args.challenge_indicator.clone(),
        challenged: args.challenged,
        as_of: args.as_of,
    }
}
