//! `export-3ds` and `threeds_bridge::export`: a normalized 3DS result carried to another
//! PSP's external-3DS fields, checked before it is built, tested against each target's
//! published request example (`fixtures/export/`, sources in its `SOURCES.md`).

mod common;

use chrono::{DateTime, Duration, Utc};
use common::bin;
use serde_json::Value;
use std::path::PathBuf;
use threeds_bridge::export::{accepts, export, Check, ExportError, Options, Target};
use threeds_bridge::model::{Authentication, AuthenticationStatus};
use threeds_bridge::{normalize_text, Catalog, Context};
use threeds_wire::Secret;

/// Checkout's frictionless Visa Y: ECI 05, a cryptogram, both transaction ids, no date.
const CHECKOUT_Y: &str = "fixtures/checkout/session_approved_frictionless_node.json";
/// Paysafe's attempted Visa A: ECI 06, a CAVV, dated 2019-01-21T16:28:17.735Z.
const PAYSAFE_A: &str = "fixtures/paysafe/auth_attempted_a_visa_eci6_variant.json";
const CHECKOUT_CRYPTOGRAM: &str = "AAABAVIREQAAAAAAAAAAAAAAAAA=";
const PAYSAFE_CAVV: &str = "Y2FyZGluYWxjb21tZXJjZWF1dGg=";

fn read(path: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn normalized(path: &str) -> Authentication {
    let catalog = Catalog::builtin().expect("catalog");
    normalize_text(&read(path), None, &Context::new(&catalog))
        .expect("fixture normalizes")
        .authentication
}

/// `auth` as `normalize --reveal-secrets` prints it.
fn revealed_line(auth: &Authentication) -> String {
    threeds_wire::with_secrets_revealed(|| serde_json::to_string(auth)).expect("serializes")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// A day after the Paysafe fixture's authentication.
fn paysafe_now() -> DateTime<Utc> {
    at("2019-01-22T16:28:17Z")
}

fn undated(target: Target) -> Options {
    let mut options = Options::new(target, Utc::now());
    options.allow_undated = true;
    options
}

fn block(auth: &Authentication, options: &Options) -> Value {
    let export = export(auth, options).unwrap_or_else(|e| panic!("{}: {e}", options.target));
    serde_json::from_str(&export.to_json().expect("writes")).expect("JSON")
}

fn refused(auth: &Authentication, options: &Options) -> Vec<Check> {
    match export(auth, options) {
        Err(ExportError::Refused { failures, .. }) => failures.iter().map(|f| f.check).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Every field of `built` is a field of `example`, with a value of the same JSON type and,
/// for strings, the same shape (length class, base64 or UUID as the example has it).
fn same_shape(built: &Value, example: &Value, path: &str) {
    match (built, example) {
        (Value::Object(b), Value::Object(e)) => {
            for (key, value) in b {
                let expected = e
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} is not a field of the example"));
                same_shape(value, expected, &format!("{path}.{key}"));
            }
        }
        (Value::String(b), Value::String(e)) => {
            assert_eq!(shape(b), shape(e), "{path}: {b:?} vs the example's {e:?}");
        }
        (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) => {}
        _ => panic!("{path}: {built} has another JSON type than the example's {example}"),
    }
}

/// A string's format class: a one-letter status, two digits, a version, a UUID, a date or
/// other text (base64 values).
fn shape(s: &str) -> &'static str {
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        "status letter"
    } else if s.len() == 2 && digits(s) {
        "two digits"
    } else if s.split('.').count() == 3 && s.split('.').all(|p| !p.is_empty() && digits(p)) {
        "version"
    } else if s.matches('-').count() == 4 && s.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()) {
        "uuid"
    } else if DateTime::parse_from_rfc3339(s).is_ok() {
        "date"
    } else if ["challenged", "frictionless"].contains(&s) {
        "flow"
    } else {
        "text"
    }
}

fn example(file: &str) -> Value {
    serde_json::from_str(&read(&format!("fixtures/export/{file}"))).expect("example is JSON")
}

#[test]
fn checkout_block_has_the_published_fields_and_the_ds_id_in_xid() {
    let auth = normalized(CHECKOUT_Y);
    let built = block(&auth, &undated(Target::Checkout));
    // The schema's `xid` example is a 3DS 1 XID (base64); the guide's 3DS 2 example, which
    // is what is written here, is a UUID.
    let docs = example("checkout_3ds_third_party_docs.json");
    let mut schema = example("checkout_3ds_third_party_schema.json");
    schema["3ds"]["xid"] = docs["3ds"]["xid"].clone();
    same_shape(&built, &schema, "");
    let three_ds = &built["3ds"];
    for required in ["enabled", "eci", "cryptogram", "xid", "version"] {
        assert!(
            three_ds.get(required).is_some(),
            "3ds.{required} is required"
        );
    }
    // The published request example has exactly the required fields; ours has them too.
    for key in docs["3ds"].as_object().expect("object").keys() {
        assert!(
            three_ds.get(key).is_some(),
            "3ds.{key} of the published example"
        );
    }
    assert_eq!(three_ds["enabled"], true);
    assert_eq!(three_ds["eci"], "05");
    assert_eq!(three_ds["cryptogram"], CHECKOUT_CRYPTOGRAM);
    assert_eq!(three_ds["version"], "2.1.0");
    assert_eq!(three_ds["status"], "Y");
    assert_eq!(three_ds["flow_type"], "frictionless");
    assert_eq!(three_ds["authentication_amount"], 100);
    // xid is the directory server's id, never the 3DS Server's (which Checkout's own
    // session answer puts in its xid).
    assert_eq!(three_ds["xid"], auth.ds_trans_id.as_deref().expect("ds id"));
    assert_ne!(
        three_ds["xid"],
        auth.three_ds_server_trans_id
            .as_deref()
            .expect("3DS server id")
    );
}

#[test]
fn paysafe_block_matches_the_published_authentication_object() {
    let auth = normalized(PAYSAFE_A);
    let built = block(&auth, &Options::new(Target::Paysafe, paysafe_now()));
    let published = example("paysafe_external_3ds_docs.json");
    same_shape(&built, &published, "");
    // The same five fields as the published object, no more and no fewer.
    let keys = |v: &Value| {
        let mut k: Vec<String> = v["authentication"]
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&built), keys(&published));
    let a = &built["authentication"];
    assert_eq!(a["eci"], 6, "a number, as published");
    assert_eq!(a["cavv"], PAYSAFE_CAVV);
    assert_eq!(a["threeDResult"], "A");
    assert_eq!(a["threeDSecureVersion"], "2.1.0");
    assert_eq!(
        a["directoryServerTransactionId"],
        auth.ds_trans_id.as_deref().expect("ds id")
    );
}

#[test]
fn adyen_block_has_mpidata_fields_and_a_frictionless_ares_status() {
    let auth = normalized(CHECKOUT_Y);
    let built = block(&auth, &undated(Target::Adyen));
    same_shape(&built, &example("adyen_mpidata_docs.json"), "");
    let mpi = &built["mpiData"];
    assert_eq!(mpi["cavv"], CHECKOUT_CRYPTOGRAM);
    assert_eq!(mpi["eci"], "05");
    assert_eq!(mpi["threeDSVersion"], "2.1.0");
    assert_eq!(
        mpi["dsTransID"],
        auth.ds_trans_id.as_deref().expect("ds id")
    );
    // Frictionless: the ARes carried the final Y, and there was no challenge result.
    assert_eq!(mpi["directoryResponse"], "Y");
    assert!(mpi.get("authenticationResponse").is_none());
}

#[test]
fn adyen_writes_c_and_the_challenge_result_for_a_challenged_flow() {
    let mut auth = normalized(CHECKOUT_Y);
    auth.challenged = Some(true);
    let mpi = block(&auth, &undated(Target::Adyen))["mpiData"].clone();
    assert_eq!(mpi["directoryResponse"], "C");
    assert_eq!(mpi["authenticationResponse"], "Y");
}

#[test]
fn adyen_refuses_when_the_flow_is_unknown_and_the_cavv_is_not_20_bytes() {
    // Paysafe does not say whether the cardholder was challenged.
    let mut auth = normalized(PAYSAFE_A);
    assert_eq!(auth.challenged, None);
    auth.authentication_value = Some(Secret::new("QUJD"));
    let checks = refused(&auth, &Options::new(Target::Adyen, paysafe_now()));
    assert_eq!(checks, vec![Check::Format, Check::Format]);
}

#[test]
fn stripe_block_has_the_documented_fields_and_values() {
    let auth = normalized(CHECKOUT_Y);
    let built = block(&auth, &undated(Target::Stripe));
    same_shape(&built, &example("stripe_three_d_secure_reference.json"), "");
    let t = &built["payment_method_options"]["card"]["three_d_secure"];
    assert_eq!(t["cryptogram"], CHECKOUT_CRYPTOGRAM);
    assert_eq!(t["electronic_commerce_indicator"], "05");
    assert_eq!(
        t["transaction_id"],
        auth.ds_trans_id.as_deref().expect("ds id")
    );
    assert_eq!(t["version"], "2.1.0");
    assert_eq!(t["ares_trans_status"], "Y");
    // Unknown flow: the optional ARes status is left out, never guessed.
    let paysafe = block(
        &normalized(PAYSAFE_A),
        &Options::new(Target::Stripe, paysafe_now()),
    );
    let t = &paysafe["payment_method_options"]["card"]["three_d_secure"];
    assert!(t.get("ares_trans_status").is_none());
    assert_eq!(t["electronic_commerce_indicator"], "06");
}

#[test]
fn a_status_other_than_authenticated_or_attempted_is_refused_with_its_reason() {
    let auth = normalized("fixtures/paysafe/auth_not_authenticated_n_mastercard_variant.json");
    assert_eq!(auth.status, AuthenticationStatus::Failed);
    let err = export(
        &auth,
        &Options::new(Target::Checkout, at("2024-01-01T11:00:00Z")),
    )
    .expect_err("refused");
    let text = err.to_string();
    assert!(text.contains("status is failed"), "{text}");
    assert!(text.contains("card_authentication_failed"), "{text}");
    assert!(err.failures().iter().any(|f| f.check == Check::Status));
}

#[test]
fn every_failed_check_is_listed_at_once() {
    // Checkout's approved webhook: no authentication value, and ECI 02 for a Visa card.
    let auth = normalized("fixtures/checkout/webhook_authentication_approved_docs.json");
    let checks = refused(
        &auth,
        &Options::new(Target::Stripe, at("2023-04-27T00:00:00Z")),
    );
    assert_eq!(checks, vec![Check::Value, Check::Eci]);
}

#[test]
fn an_eci_that_contradicts_the_network_is_refused() {
    let mut auth = normalized(CHECKOUT_Y);
    auth.eci = threeds_bridge::model::Eci::parse("02");
    let err = export(&auth, &undated(Target::Paysafe)).expect_err("refused");
    assert!(err
        .to_string()
        .contains("ECI 02 does not say authenticated at visa (expected 05)"));
    // The same ECI is Mastercard's "authenticated".
    auth.network = Some(threeds_bridge::model::Network::Mastercard);
    assert!(export(&auth, &undated(Target::Paysafe)).is_ok());
    // An attempted result must carry the attempt ECI.
    auth.status = AuthenticationStatus::Attempted;
    assert_eq!(refused(&auth, &undated(Target::Paysafe)), vec![Check::Eci]);
}

#[test]
fn a_result_older_than_the_window_is_refused() {
    let auth = normalized(PAYSAFE_A);
    // Visa's 90 days by default.
    let day_89 = at("2019-04-20T16:00:00Z");
    assert!(export(&auth, &Options::new(Target::Checkout, day_89)).is_ok());
    let day_91 = at("2019-04-22T17:00:00Z");
    let err = export(&auth, &Options::new(Target::Checkout, day_91)).expect_err("too old");
    assert!(
        err.to_string().contains("validity window of 90 days"),
        "{err}"
    );
    // A configured window wins.
    let mut options = Options::new(Target::Checkout, paysafe_now());
    options.max_age = Some(Duration::hours(1));
    assert_eq!(refused(&auth, &options), vec![Check::Age]);
    // A date after now is a contradiction, not a fresh result.
    let before = Options::new(Target::Checkout, at("2019-01-20T00:00:00Z"));
    assert_eq!(refused(&auth, &before), vec![Check::Age]);
}

#[test]
fn an_undated_result_is_refused_unless_allowed() {
    let auth = normalized(CHECKOUT_Y);
    assert_eq!(auth.authenticated_at, None);
    assert_eq!(
        refused(&auth, &Options::new(Target::Checkout, Utc::now())),
        vec![Check::Age]
    );
    assert!(export(&auth, &undated(Target::Checkout)).is_ok());
}

#[test]
fn a_redacted_value_is_refused_with_the_flag_to_use() {
    let mut auth = normalized(CHECKOUT_Y);
    auth.authentication_value = Some(Secret::new("[redacted]"));
    let err = export(&auth, &undated(Target::Adyen)).expect_err("redacted");
    assert_eq!(err.failures()[0].check, Check::Redacted);
    assert!(err.to_string().contains("--reveal-secrets"));
}

#[test]
fn a_3ds1_result_is_refused_as_retired() {
    let auth = normalized("fixtures/checkout/session_threeds1_approved_variant.json");
    assert_eq!(auth.protocol_version.as_deref(), Some("1.0.2"));
    let err = export(&auth, &undated(Target::Stripe)).expect_err("retired");
    assert!(err.to_string().contains("retired"), "{err}");
    assert!(err.failures().iter().any(|f| f.check == Check::Version));
}

#[test]
fn a_missing_ds_transaction_id_is_refused() {
    let mut auth = normalized(CHECKOUT_Y);
    auth.ds_trans_id = None;
    assert_eq!(
        refused(&auth, &undated(Target::Checkout)),
        vec![Check::TransactionId]
    );
}

#[test]
fn mangopay_and_pxp_say_why_not() {
    let auth = normalized(CHECKOUT_Y);
    let mangopay = export(&auth, &undated(Target::Mangopay)).expect_err("no external 3DS");
    assert!(matches!(mangopay, ExportError::NotAccepted { .. }));
    assert!(mangopay.to_string().contains("Create a Direct Card PayIn"));
    let pxp = export(&auth, &undated(Target::Pxp)).expect_err("unknown");
    assert!(matches!(pxp, ExportError::Unknown { .. }));
    assert!(accepts(Target::Stripe).is_ok());
    assert!(accepts(Target::Mangopay).is_err());
}

#[test]
fn the_block_keeps_the_value_secret_until_written() {
    let export = export(&normalized(CHECKOUT_Y), &undated(Target::Checkout)).expect("export");
    assert!(!format!("{export:?}").contains(CHECKOUT_CRYPTOGRAM));
    assert!(export
        .to_json()
        .expect("json")
        .contains(CHECKOUT_CRYPTOGRAM));
}

// The command line.

fn now_flag() -> String {
    paysafe_now().to_rfc3339()
}

#[test]
fn cli_exports_json_lines_and_exits_0() {
    let input = format!(
        "{}\n{}\n",
        revealed_line(&normalized(PAYSAFE_A)),
        revealed_line(&normalized(PAYSAFE_A))
    );
    let out = bin(
        &["export-3ds", "--to", "paysafe", "--now", &now_flag()],
        &input,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2);
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).expect("JSON line");
        assert_eq!(v["authentication"]["cavv"], PAYSAFE_CAVV);
    }
    assert!(out.stderr.is_empty());
}

#[test]
fn cli_reads_what_normalize_reveal_secrets_prints() {
    let normalized = bin(&["normalize", "--reveal-secrets", CHECKOUT_Y], "");
    assert_eq!(normalized.status.code(), Some(0));
    let input = String::from_utf8_lossy(&normalized.stdout).into_owned();
    let out = bin(
        &["export-3ds", "--to", "checkout", "--allow-undated", "-"],
        &input,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["3ds"]["cryptogram"], CHECKOUT_CRYPTOGRAM);
}

#[test]
fn cli_refused_documents_exit_1_and_never_print_the_value() {
    let good = normalized(PAYSAFE_A);
    let mut failed = good.clone();
    failed.status = AuthenticationStatus::Failed;
    let mut redacted_input = serde_json::to_string(&good).expect("redacted line");
    redacted_input.push('\n');
    let input = format!(
        "{}\n{}\n{redacted_input}not json {PAYSAFE_CAVV}\n",
        revealed_line(&good),
        revealed_line(&failed)
    );
    let out = bin(
        &["export-3ds", "--to", "stripe", "--now", &now_flag()],
        &input,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        1,
        "only the good document is exported"
    );
    assert!(stdout.contains(PAYSAFE_CAVV));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert!(
        stderr.contains("-:2: refused for stripe: status: status is failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("-:3: refused for stripe: redacted:"),
        "{stderr}"
    );
    assert!(
        stderr.contains("-:4: not a normalized authentication"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(PAYSAFE_CAVV),
        "stderr never carries the value: {stderr}"
    );
}

#[test]
fn cli_usage_errors_exit_2() {
    let input = revealed_line(&normalized(PAYSAFE_A));
    for args in [
        &["export-3ds", "--to", "worldpay"][..],
        &["export-3ds", "--to", "stripe", "--max-age", "ninety"],
        &["export-3ds", "--to", "stripe", "--now", "yesterday"],
        &["export-3ds"],
    ] {
        let out = bin(args, &input);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
    for (target, says) in [
        ("mangopay", "takes no external 3-D Secure result"),
        ("pxp", "unknown whether pxp takes"),
    ] {
        let out = bin(&["export-3ds", "--to", target], &input);
        assert_eq!(out.status.code(), Some(2), "{target}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(!stderr.contains(PAYSAFE_CAVV));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn cli_max_age_flag_sets_the_window() {
    let input = revealed_line(&normalized(PAYSAFE_A));
    let now = now_flag();
    let ok = bin(
        &[
            "export-3ds",
            "--to",
            "checkout",
            "--now",
            &now,
            "--max-age",
            "2d",
        ],
        &input,
    );
    assert_eq!(ok.status.code(), Some(0));
    let old = bin(
        &[
            "export-3ds",
            "--to",
            "checkout",
            "--now",
            &now,
            "--max-age",
            "12h",
        ],
        &input,
    );
    assert_eq!(old.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&old.stderr).contains("age: authenticated 23 hours ago"));
}

#[test]
fn help_says_the_output_carries_the_value() {
    let out = bin(&["export-3ds", "--help"], "");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("carries the authentication value"), "{help}");
    for target in ["checkout", "paysafe", "adyen", "stripe", "mangopay", "pxp"] {
        assert!(help.contains(target), "{target}");
    }
}
