//! The Parquet files `normalize --format parquet` and `reconcile --out x.parquet` write,
//! read back with DuckDB (its Python package, installed by `scripts/duckdb.sh` into a venv
//! under target/): row counts, column types, and every value equal to the JSON Lines
//! output of the same run. Nothing is skipped: when DuckDB cannot be installed, the test
//! fails.
#![cfg(feature = "parquet")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv's python with duckdb, installed on first use.
fn duckdb_python() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(Path::new(root).join("scripts/duckdb.sh"))
        .current_dir(root)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "scripts/duckdb.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .last()
        .expect("the script prints the python")
        .to_owned()
}

/// Runs a DuckDB check in Python; its stdout.
fn check(script: &str, args: &[&Path]) -> String {
    let out = Command::new(duckdb_python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "the DuckDB check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("parquet")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Every fixture document of every PSP (not the goldens, not the deliberately broken ones).
fn fixture_files() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    for psp in ["checkout", "paysafe", "mangopay", "pxp"] {
        let mut names: Vec<PathBuf> = std::fs::read_dir(root.join(psp))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        for p in names {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".json")
                && !name.ends_with(".golden.json")
                && name != "manifest.json"
                && !name.starts_with("bad_real_")
            {
                files.push(p.to_string_lossy().into_owned());
            }
        }
    }
    files
}

const NORMALIZED_CHECK: &str = r#"
import duckdb, json, sys
jsonl, parquet = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(jsonl)]
con = duckdb.connect()
types = dict(con.execute(f"select column_name, column_type from (describe select * from read_parquet('{parquet}'))").fetchall())
want = {"provider": "VARCHAR", "status": "VARCHAR", "liability_shift": "BOOLEAN",
        "challenged": "BOOLEAN", "amount_value": "UBIGINT", "amount_currency": "VARCHAR",
        "next_action": "VARCHAR", "authentication_value": "VARCHAR"}
for k, v in want.items():
    assert types[k] == v, (k, types[k])
rel = con.execute(f"select * from read_parquet('{parquet}')")
names = [d[0] for d in rel.description]
rows = [dict(zip(names, r)) for r in rel.fetchall()]
assert len(rows) == len(lines), (len(rows), len(lines))
flat = {"amount_value": ("amount", "value"), "amount_currency": ("amount", "currency"),
        "raw_status": ("raw", "status"), "raw_code": ("raw", "code"), "raw_message": ("raw", "message")}
compared = 0
for row, line in zip(rows, lines):
    for name, value in row.items():
        if name in flat:
            outer, inner = flat[name]
            want = (line.get(outer) or {}).get(inner)
        else:
            want = line.get(name)
        if isinstance(want, (dict, list)):
            value = json.loads(value) if value is not None else None
        assert value == want, (name, value, want)
        compared += 1
    assert set(line) - {"amount", "raw"} <= set(row), set(line) - set(row)
print("rows", len(rows), "values", compared)
print("statuses", ",".join(sorted(set(r["status"] for r in rows))))
print("redacted", sum(1 for r in rows if r["authentication_value"] == "[redacted]"))
"#;

#[test]
fn normalize_writes_parquet_that_duckdb_reads_as_the_json_lines() {
    let d = dir("normalize");
    let files = fixture_files();
    assert!(files.len() > 80, "{} fixtures", files.len());
    let jsonl = d.join("out.jsonl");
    let parquet = d.join("out.parquet");
    let mut args = vec!["normalize", "--as-of", "2026-12-01", "--out"];
    let jsonl_s = jsonl.to_string_lossy().into_owned();
    let parquet_s = parquet.to_string_lossy().into_owned();
    let file_refs: Vec<&str> = files.iter().map(String::as_str).collect();
    let mut as_jsonl = args.clone();
    as_jsonl.push(&jsonl_s);
    as_jsonl.extend_from_slice(&file_refs);
    let out = common::bin(&as_jsonl, "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "--out takes the output");
    args.push(&parquet_s);
    args.extend_from_slice(&["--format", "parquet"]);
    args.extend_from_slice(&file_refs);
    let out = common::bin(&args, "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = check(NORMALIZED_CHECK, &[&jsonl, &parquet]);
    let lines = std::fs::read_to_string(&jsonl).unwrap().lines().count();
    assert!(
        report.starts_with(&format!("rows {lines} values ")),
        "{report}"
    );
    // Every status of the fixtures is there, and the CAVVs are redacted as in the JSON.
    assert!(
        report.contains("authenticated,challenge_required,declined,error,exempted,expired,failed"),
        "{report}"
    );
    let redacted = std::fs::read_to_string(&jsonl)
        .unwrap()
        .matches("\"[redacted]\"")
        .count();
    assert!(redacted > 5);
    assert!(
        report.contains(&format!("redacted {redacted}\n")),
        "{report}"
    );
}

#[test]
fn parquet_without_out_is_a_usage_error() {
    let out = common::bin(&["normalize", "--format", "parquet"], "{}");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format parquet: needs --out FILE"));
}

const FINDINGS_CHECK: &str = r#"
import duckdb, json, sys
jsonl, parquet = sys.argv[1], sys.argv[2]
lines = [json.loads(l) for l in open(jsonl)]
con = duckdb.connect()
types = dict(con.execute(f"select column_name, column_type from (describe select * from read_parquet('{parquet}'))").fetchall())
for k, v in {"finding": "VARCHAR", "ledger_line": "UBIGINT", "ledger_amount": "UBIGINT",
             "psp_count": "UBIGINT", "psp": "VARCHAR", "detail": "VARCHAR"}.items():
    assert types[k] == v, (k, types[k])
rel = con.execute(f"select * from read_parquet('{parquet}')")
names = [d[0] for d in rel.description]
rows = [dict(zip(names, r)) for r in rel.fetchall()]
assert len(rows) == len(lines), (len(rows), len(lines))
for row, line in zip(rows, lines):
    assert row["finding"] == line["finding"]
    assert row["reference"] == line["reference"]
    assert row["detail"] == line["detail"]
    assert json.loads(row["psp"]) == line["psp"]
    assert row["psp_count"] == len(line["psp"])
    assert row["psp_sources"] == ";".join(line["psp_sources"])
    assert row["psp_statuses"] == ";".join(p["status"] for p in line["psp"])
    ledger = line["ledger"] or {}
    for col in ["line", "provider", "psp_id", "amount", "currency", "booked"]:
        assert row["ledger_" + col] == ledger.get(col), (col, row["ledger_" + col], ledger.get(col))
counts = con.execute(f"select finding, count(*) from read_parquet('{parquet}') group by finding order by finding").fetchall()
print(" ".join(f"{k}={v}" for k, v in counts))
"#;

#[test]
fn reconcile_writes_parquet_that_duckdb_reads_as_the_json_lines() {
    let d = dir("reconcile");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let records: String = [
        "checkout/session_approved_frictionless_node.json",
        // The same session (same id) as the approved one, but unavailable: a contradiction.
        "checkout/session_unavailable_variant.json",
        "paysafe/auth_frictionless_y_blueprint.json",
        "mangopay/payin_failed_101304_expired.json",
        "pxp/get_authentication_successful_eci05_variant.json",
    ]
    .iter()
    .map(|f| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join(f)).unwrap()).unwrap();
        format!("{v}\n")
    })
    .collect();
    let records_path = d.join("records.jsonl");
    std::fs::write(&records_path, records).unwrap();
    let ledger = d.join("ledger.csv");
    std::fs::write(
        &ledger,
        "reference,provider,amount,currency,booked\n\
         ORD-5023-4E89,checkout,100,USD,captured\n\
         Ref-1234,paysafe,150,EUR,captured\n\
         Book ID:54457,,2000,EUR,declined\n\
         ORD-404,,1,EUR,captured\n",
    )
    .unwrap();
    let mut outputs = Vec::new();
    for ext in ["jsonl", "parquet"] {
        let path = d.join(format!("findings.{ext}"));
        let out = common::bin(
            &[
                "reconcile",
                "--as-of",
                "2026-12-01",
                "--ledger",
                ledger.to_str().unwrap(),
                "--out",
                path.to_str().unwrap(),
                records_path.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(path);
    }
    let report = check(FINDINGS_CHECK, &[&outputs[0], &outputs[1]]);
    assert_eq!(
        report.trim(),
        "amount_mismatch=1 matched=1 missing_at_psp=1 missing_in_ledger=1 status_mismatch=1"
    );
}
