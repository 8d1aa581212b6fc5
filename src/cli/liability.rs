//! `threeds-bridge liability`.

use crate::liability::{decide, Category, Enrollment, LiabilityFacts};
use crate::model::{Eci, Network, TransStatus};
use clap::builder::PossibleValuesParser;
use std::io::Write;
use threeds_wire::excerpt;

/// `--network` values: every network's contract spelling, and `unknown`.
fn network_values() -> PossibleValuesParser {
    let names = Network::ALL
        .iter()
        .map(|n| n.as_str())
        .chain(std::iter::once("unknown"));
    PossibleValuesParser::new(names)
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
    #[arg(long, default_value = "2.2.0")]
    version: String,
    /// An authentication value (CAVV / AAV) came back.
    #[arg(long)]
    cavv_present: bool,
    /// The merchant-requested exemption that was applied (low_value,
    /// transaction_risk_assessment, secure_corporate_payment, trusted_listing, ...).
    #[arg(long)]
    exemption: Option<String>,
    /// 3DS 1.0.2 PARes signature check: Y (verified) or N (failed).
    #[arg(long, value_parser = ["Y", "N"])]
    signature: Option<String>,
    /// The EMV message category (default payment).
    #[arg(long, value_parser = ["payment", "non_payment"])]
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
    match facts(args) {
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

/// A flag value clap's own checks let through but the facts cannot hold; the message names
/// the flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum FactsError {
    #[error("--network: unknown network '{}'", excerpt(.0))]
    UnknownNetwork(String),
    #[error("--{flag}: '{}' is not one of {}", excerpt(.value), .allowed.join(", "))]
    NotAllowed {
        flag: &'static str,
        value: String,
        allowed: &'static [&'static str],
    },
    #[error("--category: '{}' is not payment or non_payment", excerpt(.0))]
    Category(String),
    #[error("--eci: empty value")]
    EmptyEci,
}

/// `value` when it is one of `allowed`.
fn letter(
    flag: &'static str,
    value: &Option<String>,
    allowed: &'static [&'static str],
) -> Result<Option<String>, FactsError> {
    match value.as_deref() {
        None => Ok(None),
        Some(x) if allowed.contains(&x) => Ok(Some(x.to_owned())),
        Some(x) => Err(FactsError::NotAllowed {
            flag,
            value: x.to_owned(),
            allowed,
        }),
    }
}

fn facts(args: &Args) -> Result<LiabilityFacts, FactsError> {
    let network = match args.network.as_str() {
        "unknown" => None,
        other => Some(
            Network::from_psp(other).ok_or_else(|| FactsError::UnknownNetwork(other.to_owned()))?,
        ),
    };
    let trans_status = letter("trans-status", &args.trans_status, TransStatus::KNOWN)?
        .map(|s| TransStatus::from(s.as_str()));
    let enrollment = letter("enrollment", &args.enrollment, Enrollment::KNOWN)?
        .map(|s| Enrollment::from(s.as_str()));
    let signature_verified = letter("signature", &args.signature, &["Y", "N"])?.map(|s| s == "Y");
    let category = match args.category.as_deref() {
        None | Some("payment") => Some(Category::Payment),
        Some("non_payment") => Some(Category::NonPayment),
        Some(other) => return Err(FactsError::Category(other.to_owned())),
    };
    let eci = match args.eci.as_deref() {
        None => None,
        Some(e) => Some(Eci::parse(e).ok_or(FactsError::EmptyEci)?),
    };
    Ok(LiabilityFacts {
        network,
        protocol_version: Some(args.version.clone()),
        trans_status,
        trans_status_implied: false,
        enrollment,
        eci,
        authentication_value_present: Some(args.cavv_present),
        signature_verified,
        exemption: args.exemption.clone(),
        category,
        challenge_indicator: args.challenge_indicator.clone(),
        challenged: args.challenged,
        authenticated_on: Some(args.as_of.unwrap_or_else(crate::normalize::today)),
    })
}
