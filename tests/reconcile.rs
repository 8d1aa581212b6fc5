//! `threeds-bridge reconcile` through the binary, on the PSPs' real fixtures.
//!
//! The PSP records are the repository's fixtures; where a test needs several payments, it
//! changes a fixture's reference, id or amount (each change is named where it is made:
//! [`varied`]), and the ledgers are written by the tests.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2026-12-01";

/// A fixture as one compact JSON line.
fn fixture(path: &str) -> Value {
    let full = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    let text = std::fs::read_to_string(&full).expect("fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

/// A fixture with some members replaced (a JSON pointer and its new value each): the
/// variation a test makes, said where it makes it.
fn varied(path: &str, changes: &[(&str, Value)]) -> Value {
    let mut doc = fixture(path);
    for (pointer, value) in changes {
        *doc.pointer_mut(pointer)
            .unwrap_or_else(|| panic!("{path} has {pointer}")) = value.clone();
    }
    doc
}

fn reference(r: &str) -> (&'static str, Value) {
    ("/reference", Value::from(r))
}

/// A fresh directory for one test's files.
fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("reconcile")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.to_string_lossy().into_owned()
}

fn json_lines(docs: &[Value]) -> String {
    docs.iter().map(|d| format!("{d}\n")).collect()
}

fn run(args: &[&str]) -> Output {
    let mut all = vec!["reconcile", "--as-of", AS_OF];
    all.extend_from_slice(args);
    common::bin(&all, "")
}

fn findings(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn kinds(found: &[Value]) -> Vec<(String, String)> {
    found
        .iter()
        .map(|f| {
            (
                f["finding"].as_str().unwrap_or("?").to_owned(),
                f["reference"].as_str().unwrap_or("null").to_owned(),
            )
        })
        .collect()
}

/// Records for every finding kind, from real Checkout, Paysafe and Mangopay fixtures.
fn every_kind_records() -> Vec<Value> {
    let ok = "checkout/session_approved_frictionless_node.json";
    vec![
        // matched
        varied(ok, &[reference("ORD-A")]),
        // missing_in_ledger
        varied(ok, &[reference("ORD-C")]),
        // amount_mismatch (the ledger says 150)
        varied(ok, &[reference("ORD-D")]),
        // currency_mismatch (the ledger says EUR)
        varied(ok, &[reference("ORD-E")]),
        // status_mismatch: Checkout's declined session (EMV N) booked as captured
        varied(
            "checkout/session_declined_variant.json",
            &[reference("ORD-F")],
        ),
        // duplicate_authentication: two approved sessions (their ids differ)
        varied(ok, &[reference("ORD-G")]),
        varied(
            "checkout/session_issuer_fingerprint_approved_node.json",
            &[reference("ORD-G")],
        ),
        // captured_without_authentication: authentication unavailable (EMV U)
        varied(
            "checkout/session_unavailable_variant.json",
            &[reference("ORD-H")],
        ),
        // no_liability_shift: a 3DS 1.0.2 approval judged in 2026
        varied(
            "checkout/session_threeds1_approved_variant.json",
            &[reference("ORD-I")],
        ),
        // matched, at Paysafe, and a Mangopay expiry booked as declined
        fixture("paysafe/auth_frictionless_y_blueprint.json"),
        fixture("mangopay/payin_failed_101304_expired.json"),
    ]
}

const EVERY_KIND_LEDGER: &str = "\
reference,provider,amount,currency,booked
ORD-A,checkout,100,USD,captured
ORD-B,,100,USD,captured
ORD-D,,150,USD,captured
ORD-E,,100,EUR,authorized
ORD-F,checkout,100,USD,captured
ORD-G,,100,USD,captured
ORD-H,,100,USD,captured
ORD-I,,100,USD,captured
Ref-1234,paysafe,123,EUR,captured
Book ID:54457,mangopay,2000,EUR,declined
";

fn expected_every_kind() -> Vec<(String, String)> {
    [
        ("matched", "ORD-A"),
        ("missing_at_psp", "ORD-B"),
        ("amount_mismatch", "ORD-D"),
        ("currency_mismatch", "ORD-E"),
        ("status_mismatch", "ORD-F"),
        ("duplicate_authentication", "ORD-G"),
        ("captured_without_authentication", "ORD-H"),
        ("no_liability_shift", "ORD-I"),
        ("matched", "Ref-1234"),
        ("matched", "Book ID:54457"),
        ("missing_in_ledger", "ORD-C"),
    ]
    .iter()
    .map(|(k, r)| (k.to_string(), r.to_string()))
    .collect()
}

#[test]
fn every_finding_kind_from_real_fixtures_with_a_csv_ledger() {
    let d = dir("every_kind_csv");
    let ledger = write(&d, "ledger.csv", EVERY_KIND_LEDGER);
    let records = write(&d, "records.jsonl", &json_lines(&every_kind_records()));
    let out = run(&["--ledger", &ledger, &records]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&out);
    assert_eq!(kinds(&found), expected_every_kind());

    // Both sides are in each finding: the ledger row and the normalized records.
    let matched = &found[0];
    assert_eq!(matched["ledger"]["line"], 2);
    assert_eq!(matched["ledger"]["booked"], "captured");
    assert_eq!(matched["psp"][0]["provider"], "checkout");
    assert_eq!(matched["psp"][0]["status"], "authenticated");
    assert_eq!(matched["psp_sources"][0], format!("{records}:1"));
    assert_eq!(found[1]["psp"], Value::Array(vec![]));
    assert_eq!(
        found[2]["detail"],
        "ledger 150 USD, PSP 100 USD: 50 apart, tolerance 0"
    );
    assert_eq!(found[3]["detail"], "ledger 100 EUR, PSP 100 USD");
    assert_eq!(
        found[4]["detail"],
        "booked captured, but the PSP reports failed"
    );
    assert_eq!(found[5]["psp"].as_array().map(Vec::len), Some(2));
    assert!(found[7]["detail"]
        .as_str()
        .unwrap()
        .contains("liability did not shift"));
    let missing = &found[10];
    assert_eq!(missing["ledger"], Value::Null);
    assert_eq!(missing["detail"], "no ledger row has this reference");
    // The Mangopay expiry: booked declined is what an expired authentication leads to.
    assert_eq!(found[9]["psp"][0]["status"], "expired");

    let err = stderr(&out);
    for line in [
        "summary: 10 ledger rows, 11 PSP records",
        "summary: matched 3",
        "summary: missing_at_psp 1",
        "summary: missing_in_ledger 1",
        "summary: amount_mismatch 1",
        "summary: currency_mismatch 1",
        "summary: status_mismatch 1",
        "summary: duplicate_authentication 1",
        "summary: captured_without_authentication 1",
        "summary: no_liability_shift 1",
    ] {
        assert!(err.lines().any(|l| l == line), "{line} in\n{err}");
    }
}

#[test]
fn a_json_lines_ledger_gives_the_same_findings() {
    let d = dir("every_kind_jsonl");
    let mut rows = Vec::new();
    let mut lines = EVERY_KIND_LEDGER.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for line in lines {
        let mut row = serde_json::Map::new();
        for (column, value) in header.iter().zip(line.split(',')) {
            let v = match *column {
                "amount" => Value::from(value.parse::<u64>().unwrap()),
                _ if value.is_empty() => Value::Null,
                _ => Value::from(value),
            };
            row.insert(column.to_string(), v);
        }
        rows.push(Value::Object(row));
    }
    // No extension: the format is told from the content.
    let ledger = write(&d, "ledger", &json_lines(&rows));
    let records = write(&d, "records.jsonl", &json_lines(&every_kind_records()));
    let out = run(&["--ledger", &ledger, &records]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(kinds(&findings(&out)), expected_every_kind());
}

#[test]
fn retries_with_one_success_match() {
    let d = dir("retries");
    let records = [
        // The first attempt failed (its id made different from the second's)...
        varied(
            "checkout/session_declined_variant.json",
            &[
                reference("ORD-R"),
                ("/id", Value::from("sid_first_attempt")),
            ],
        ),
        // ...the second was approved.
        varied(
            "checkout/session_approved_frictionless_node.json",
            &[reference("ORD-R")],
        ),
    ];
    let ledger = write(
        &d,
        "ledger.csv",
        "reference,amount,currency,booked\nORD-R,100,USD,captured\n",
    );
    let records = write(&d, "records.jsonl", &json_lines(&records));
    let out = run(&["--ledger", &ledger, &records]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let found = findings(&out);
    assert_eq!(kinds(&found), [("matched".to_owned(), "ORD-R".to_owned())]);
    assert_eq!(
        found[0]["detail"],
        "booked captured, PSP authenticated after 2 attempts; liability shifted"
    );
}

#[test]
fn the_amount_tolerance_decides_a_small_difference() {
    let d = dir("tolerance");
    let ledger = write(
        &d,
        "ledger.csv",
        "reference,amount,currency,booked\nRef-1234,126,EUR,captured\n",
    );
    let records = write(
        &d,
        "records.json",
        &fixture("paysafe/auth_frictionless_y_blueprint.json").to_string(),
    );
    let strict = run(&["--ledger", &ledger, &records]);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(findings(&strict)[0]["finding"], "amount_mismatch");
    let near = run(&["--ledger", &ledger, "--amount-tolerance", "2", &records]);
    assert_eq!(findings(&near)[0]["finding"], "amount_mismatch");
    let enough = run(&["--ledger", &ledger, "--amount-tolerance", "3", &records]);
    assert_eq!(enough.status.code(), Some(0), "{}", stderr(&enough));
    assert_eq!(findings(&enough)[0]["finding"], "matched");
}

#[test]
fn key_id_matches_pxp_authentications_which_carry_no_reference() {
    let d = dir("key_id");
    let id = "550e8400-e29b-41d4-a716-446655440000";
    let records = [
        fixture("pxp/get_authentication_successful_eci05_variant.json"),
        // PXP's webhook of the same authentication: one authentication, not a duplicate.
        fixture("pxp/webhook_authentication_successful_variant.json"),
    ];
    let ledger = write(
        &d,
        "ledger.csv",
        &format!("reference,psp_id,amount,currency,booked\nORD-P,{id},100,EUR,authorized\n,pxp-other,5,EUR,captured\n"),
    );
    let records = write(&d, "records.jsonl", &json_lines(&records));
    let out = run(&["--ledger", &ledger, "--key", "id", &records]);
    let found = findings(&out);
    assert_eq!(found[0]["finding"], "matched", "{found:?}");
    assert_eq!(found[0]["psp"].as_array().map(Vec::len), Some(2));
    assert_eq!(found[0]["detail"], "booked authorized, PSP authenticated; liability shifted; the PSP records carry no amount to compare");
    assert_eq!(found[1]["finding"], "missing_at_psp");
    assert_eq!(found[1]["detail"], "no PSP record has this PSP id");
    assert_eq!(found.len(), 2);
    // By reference, the same records have nothing to match on.
    let ledger = write(
        &d,
        "by_reference.csv",
        "reference,amount,currency,booked\nORD-P,100,EUR,authorized\n",
    );
    let by_reference = findings(&run(&["--ledger", &ledger, &records]));
    let got: Vec<&str> = by_reference
        .iter()
        .map(|f| f["finding"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        ["missing_at_psp", "missing_in_ledger", "missing_in_ledger"]
    );
    assert_eq!(
        by_reference[1]["detail"],
        "the pxp authentication record has no reference to match on"
    );
}

#[test]
fn list_responses_of_every_psp_are_read_item_by_item() {
    let d = dir("lists");
    // Mangopay's list endpoints answer with a bare array; the other PSPs read one
    // authentication at a time, so their lists are arrays of documents too. Checkout's
    // list envelope (`data` beside `total_count`, `limit`, `skip`) holds two real sessions.
    let mangopay = Value::Array(vec![
        fixture("mangopay/payin_failed_101304_expired.json"),
        fixture("mangopay/payin_succeeded_challenge_variant.json"),
    ]);
    let paysafe = Value::Array(vec![fixture("paysafe/auth_frictionless_y_blueprint.json")]);
    let pxp = Value::Array(vec![varied(
        "pxp/get_authentication_failed_code11_variant.json",
        &[("/authenticationId", Value::from("pxp-failed-1"))],
    )]);
    let checkout = serde_json::json!({
        "limit": 10,
        "skip": 0,
        "total_count": 2,
        "data": [
            varied("checkout/session_approved_frictionless_node.json", &[reference("ORD-L1")]),
            varied("checkout/session_attempted_variant.json", &[reference("ORD-L2")]),
        ],
    });
    // One list per line (JSON Lines), and one pretty-printed list file.
    let lines = write(
        &d,
        "lists.jsonl",
        &json_lines(&[mangopay, paysafe, checkout]),
    );
    let pretty = write(&d, "pxp.json", &serde_json::to_string_pretty(&pxp).unwrap());
    let ledger = write(
        &d,
        "ledger.csv",
        "reference,provider,amount,currency,booked\n\
         Book ID:54457,mangopay,2000,EUR,declined\n\
         Created using Mangopay API Postman Collection,mangopay,57842,EUR,captured\n\
         Ref-1234,paysafe,123,EUR,captured\n\
         ORD-L1,checkout,100,USD,captured\n\
         ORD-L2,checkout,100,USD,authorized\n",
    );
    let out = run(&["--ledger", &ledger, &lines, &pretty]);
    let found = findings(&out);
    let got: Vec<(&str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["finding"].as_str().unwrap(),
                f["psp_sources"][0].as_str().unwrap(),
            )
        })
        .collect();
    let at = |s: &str| format!("{lines}:{s}");
    assert_eq!(
        got,
        [
            ("matched", at("1[0]").as_str()),
            ("matched", at("1[1]").as_str()),
            ("matched", at("2[0]").as_str()),
            ("matched", at("3[0]").as_str()),
            ("matched", at("3[1]").as_str()),
            ("missing_in_ledger", format!("{pretty}:1[0]").as_str()),
        ],
        "{}",
        stderr(&out)
    );
    assert_eq!(found[5]["psp"][0]["provider"], "pxp");
    assert_eq!(found[5]["psp"][0]["status"], "failed");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_rerun_is_byte_identical_in_every_format() {
    let d = dir("rerun");
    let ledger = write(&d, "ledger.csv", EVERY_KIND_LEDGER);
    let records = write(&d, "records.jsonl", &json_lines(&every_kind_records()));
    for ext in ["jsonl", "csv"] {
        let mut outputs = Vec::new();
        for n in 0..2 {
            let path = d
                .join(format!("out{n}.{ext}"))
                .to_string_lossy()
                .into_owned();
            let out = run(&["--ledger", &ledger, "--out", &path, &records]);
            assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
            assert!(out.stdout.is_empty(), "findings go to --out only");
            outputs.push(std::fs::read(&path).expect("output"));
        }
        assert!(!outputs[0].is_empty());
        assert_eq!(outputs[0], outputs[1], "{ext}");
    }
    // Stdout is the JSON Lines file's bytes.
    let stdout = run(&["--ledger", &ledger, &records]).stdout;
    assert_eq!(stdout, std::fs::read(d.join("out0.jsonl")).unwrap());
}

#[test]
fn the_csv_output_has_the_documented_columns() {
    let d = dir("csv");
    let ledger = write(&d, "ledger.csv", EVERY_KIND_LEDGER);
    let records = write(&d, "records.jsonl", &json_lines(&every_kind_records()));
    let path = d.join("findings.csv");
    let out = run(&[
        "--ledger",
        &ledger,
        "--out",
        path.to_str().unwrap(),
        &records,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let mut csv = csv::Reader::from_path(&path).expect("CSV");
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "finding",
            "reference",
            "ledger_line",
            "ledger_provider",
            "ledger_psp_id",
            "ledger_amount",
            "ledger_currency",
            "ledger_booked",
            "psp_count",
            "psp_providers",
            "psp_ids",
            "psp_statuses",
            "psp_liability_shifts",
            "psp_amounts",
            "psp_currencies",
            "psp_sources",
            "detail",
        ]
    );
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), expected_every_kind().len());
    let duplicate = &rows[5];
    assert_eq!(&duplicate[0], "duplicate_authentication");
    assert_eq!(&duplicate[2], "7");
    assert_eq!(&duplicate[8], "2");
    assert_eq!(
        &duplicate[10],
        "sid_kfa2wttsisdude7acvva4irrfm;sid_aurdb2b3yv6eniu7mbrl7nfopm"
    );
    assert_eq!(&duplicate[11], "authenticated;authenticated");
    let missing = &rows[10];
    assert_eq!(
        (&missing[0], &missing[2], &missing[7]),
        ("missing_in_ledger", "", "")
    );
}

#[test]
fn bad_ledger_rows_are_reported_by_line_and_exit_2() {
    let d = dir("bad_rows");
    let ledger = write(
        &d,
        "ledger.csv",
        "reference,amount,currency,booked\nRef-1234,123,EUR,captured\nORD-X,12.30,EUR,captured\nORD-Y,100,EUR,paid\n",
    );
    let records = write(
        &d,
        "records.json",
        &fixture("paysafe/auth_frictionless_y_blueprint.json").to_string(),
    );
    let out = run(&["--ledger", &ledger, &records]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "error: {ledger}:3: 'amount' must be a whole number of minor units, not '12.30'"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("error: {ledger}:4: 'booked' must be authorized, captured, declined, refunded or voided, not 'paid'")), "{err}");
    // The good row is still reconciled.
    assert_eq!(findings(&out)[0]["finding"], "matched");
}

#[test]
fn a_bad_psp_document_is_reported_and_exits_2() {
    let d = dir("bad_doc");
    let ledger = write(
        &d,
        "ledger.csv",
        "reference,amount,currency,booked\nRef-1234,123,EUR,captured\n",
    );
    let text = format!(
        "{}\n{{\"nothing\": 1}}\n",
        fixture("paysafe/auth_frictionless_y_blueprint.json")
    );
    let records = write(&d, "records.jsonl", &text);
    let out = run(&["--ledger", &ledger, &records]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "error: {records}:2: the document matches no known PSP document"
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn exit_codes_say_matched_discrepancy_or_usage() {
    let d = dir("exit");
    let ledger = write(
        &d,
        "ledger.csv",
        "reference,amount,currency,booked\nRef-1234,123,EUR,captured\n",
    );
    let records = write(
        &d,
        "records.json",
        &fixture("paysafe/auth_frictionless_y_blueprint.json").to_string(),
    );
    assert_eq!(run(&["--ledger", &ledger, &records]).status.code(), Some(0));
    let other = write(
        &d,
        "other.csv",
        "reference,amount,currency,booked\nRef-9,123,EUR,captured\n",
    );
    assert_eq!(run(&["--ledger", &other, &records]).status.code(), Some(1));
    let bad_out = run(&["--ledger", &ledger, "--out", "findings.txt", &records]);
    assert_eq!(bad_out.status.code(), Some(2));
    assert!(stderr(&bad_out).contains("--out must end in .jsonl, .csv or .parquet"));
    assert_eq!(
        run(&["--ledger", &ledger, "--key", "name", &records])
            .status
            .code(),
        Some(2)
    );
    let missing = run(&["--ledger", d.join("none.csv").to_str().unwrap(), &records]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn no_authentication_value_reaches_any_output() {
    let d = dir("secrets");
    let ledger = write(&d, "ledger.csv", EVERY_KIND_LEDGER);
    let mut docs = every_kind_records();
    docs.push(fixture("checkout/callback_nonhosted_approved_spec.json"));
    docs.push(fixture(
        "pxp/get_authentication_successful_eci05_variant.json",
    ));
    let records = write(&d, "records.jsonl", &json_lines(&docs));
    let text = json_lines(&docs);
    let secrets = [
        "AAABAVIREQAAAAAAAAAAAAAAAAA=",
        "BwAQATkhGAEAABVIFSEYEGkybeU=",
        "MTIzNDU2Nzg5MDA5ODc2NTQzMjE=",
        "CAVV1234567890",
    ];
    for s in secrets {
        assert!(text.contains(s), "the records carry {s}");
    }
    let csv = d.join("f.csv");
    let outputs = [
        run(&["--ledger", &ledger, &records]),
        run(&[
            "--ledger",
            &ledger,
            "--out",
            csv.to_str().unwrap(),
            &records,
        ]),
    ];
    let mut everything = String::new();
    for out in &outputs {
        everything.push_str(&String::from_utf8_lossy(&out.stdout));
        everything.push_str(&stderr(out));
    }
    everything.push_str(&std::fs::read_to_string(&csv).unwrap());
    assert!(
        everything.contains("[redacted]"),
        "the JSON lines show the value is redacted"
    );
    for s in secrets {
        assert!(!everything.contains(s), "{s} leaked");
    }
}

/// The binary's own `--help` names the command (a registration check, not a format one).
#[test]
fn reconcile_is_a_command() {
    let out = Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
        .args(["reconcile", "--help"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--amount-tolerance"), "{help}");
}
