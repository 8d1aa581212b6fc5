//! `threeds-bridge simulate-routing` through the binary: routed authentications against
//! the in-process sandbox through an outage, counted from the sandbox's records.
#![cfg(feature = "cli")]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/routing/failover.toml")
}

/// Runs the command; returns the exit code, stdout and stderr.
fn simulate(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
        .arg("simulate-routing")
        .args(args)
        // No credential is read from the environment: an empty one must do.
        .env_clear()
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The parsed report and the line as printed.
fn json_run(args: &[&str]) -> (Value, String) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = simulate(&all);
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (value, stdout)
}

const KEYS: [&str; 7] = [
    "authentications",
    "succeeded",
    "failovers",
    "failovers_after_cardholder_step",
    "duplicate_payins",
    "p50_added_ms",
    "p95_added_ms",
];

fn number(report: &Value, key: &str) -> u64 {
    report[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {report}"))
}

#[test]
fn an_outage_of_the_first_account_costs_nothing_with_failover_and_its_window_without() {
    let config = fixture();
    let (report, printed) = json_run(&[
        "--config",
        config.to_str().unwrap(),
        "--authentications",
        "30",
        "--outage",
        "checkout-eu:5-20",
    ]);
    let top: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, ["with_failover", "without_failover"], "{report}");
    // Printed in the documented order.
    let at: Vec<usize> = KEYS
        .iter()
        .map(|k| printed.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{printed}");
    for run in ["with_failover", "without_failover"] {
        let mut keys: Vec<&str> = report[run]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = KEYS.to_vec();
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{run}");
        assert_eq!(number(&report[run], "authentications"), 30);
        assert_eq!(
            number(&report[run], "failovers_after_cardholder_step"),
            0,
            "{run}"
        );
        assert_eq!(number(&report[run], "duplicate_payins"), 0, "{run}");
    }
    let with = &report["with_failover"];
    let without = &report["without_failover"];
    // Every request of the fixture is one the second account (PXP) can authenticate.
    assert_eq!(number(with, "succeeded"), 30, "{report}");
    assert!(number(with, "failovers") >= 1, "{report}");
    assert!(with["p50_added_ms"].is_u64() && with["p95_added_ms"].is_u64());
    // Without failover the 16 authentications of the window fail; the four before succeed.
    let ok = number(without, "succeeded");
    assert!((4..=14).contains(&ok), "{report}");
    assert_eq!(number(without, "failovers"), 0);
    assert!(without["p50_added_ms"].is_null(), "{report}");
}

#[test]
fn lost_answers_at_a_pay_in_psp_never_charge_twice() {
    // Mangopay first: its pay-ins authenticate and take the money in one call. With this
    // seed, faults lose the answer to a card registration (safe to fail over: no pay-in
    // exists) and to a pay-in creation (resolved at Mangopay through its idempotency key,
    // never failed over).
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/routing/payins.toml");
    let (report, _) = json_run(&[
        "--config",
        config.to_str().unwrap(),
        "--authentications",
        "10",
        "--faults",
        "0.6",
        "--seed",
        "2",
    ]);
    for run in ["with_failover", "without_failover"] {
        assert_eq!(number(&report[run], "duplicate_payins"), 0, "{report}");
        assert_eq!(
            number(&report[run], "failovers_after_cardholder_step"),
            0,
            "{report}"
        );
    }
    assert!(
        number(&report["with_failover"], "failovers") >= 1,
        "{report}"
    );
    assert!(
        number(&report["with_failover"], "succeeded")
            > number(&report["without_failover"], "succeeded"),
        "{report}"
    );
}

/// Checks that `text` is well-formed XML as far as tags go (every element closed, in
/// order); returns the names of the elements seen.
fn balanced_tags(text: &str) -> Vec<String> {
    let mut open: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').expect("an unclosed tag");
        let tag = &after[..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name.trim()), "closing {name}");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        seen.push(name.clone());
        if !tag.ends_with('/') {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "left open: {open:?}");
    seen
}

#[test]
fn the_html_page_charts_both_runs_through_the_shaded_outage() {
    let page = std::env::temp_dir().join(format!("simulate-{}.html", std::process::id()));
    let config = fixture();
    let (code, stdout, stderr) = simulate(&[
        "--config",
        config.to_str().unwrap(),
        "--authentications",
        "12",
        "--outage",
        "checkout-eu:3-8",
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("with failover") && stdout.contains("duplicate pay-ins"));
    let html = std::fs::read_to_string(&page).unwrap();
    let _ = std::fs::remove_file(&page);
    let tags = balanced_tags(&html);
    assert!(tags.iter().any(|t| t == "svg"), "{tags:?}");
    // Self-contained: no script, and nothing loaded from anywhere.
    for needle in ["<script", "src=", "href=", "url("] {
        assert!(!html.contains(needle), "{needle}");
    }
    for series in ["with_failover", "without_failover"] {
        let at = html
            .find(&format!("id=\"{series}\""))
            .unwrap_or_else(|| panic!("no {series} series"));
        let points = html[at..].split("points=\"").nth(1).unwrap();
        let points = &points[..points.find('"').unwrap()];
        assert!(points.split(' ').count() >= 2, "{series}: {points}");
    }
    assert!(html.contains("id=\"outage\""), "the outage is shaded");
    assert!(html.contains("success rate") && html.contains("authentication ("));
}

#[test]
fn bad_flags_and_configs_say_what_and_where() {
    let config = fixture();
    let config = config.to_str().unwrap();
    let (code, _, stderr) = simulate(&["--config", config, "--outage", "nobody-eu"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("'nobody-eu'") && stderr.contains("checkout-eu"),
        "{stderr}"
    );
    let (code, _, stderr) = simulate(&["--config", config, "--outage", "checkout-eu:9-3"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("START <= END"), "{stderr}");
    let (code, _, stderr) = simulate(&["--config", "/nonexistent/routing.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("/nonexistent/routing.toml"), "{stderr}");
}
