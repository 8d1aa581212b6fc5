//! `threeds-bridge report --html` in real headless Chromium: the page written from the four
//! PSPs' fixtures is opened from `file://`, and the test checks that both charts draw (a
//! non-zero box, one bar per PSP and series with a rate, each bar with a size where its rate
//! is above zero), that each chart is an accessible image with a title, that the page makes
//! no request but its own file and logs no error, and keeps a screenshot at
//! `target/report.png`.
//!
//! `scripts/browser.sh` installs Chromium and playwright-core when they are missing; the
//! test fails (never skips) when it cannot.

#[path = "../common/mod.rs"]
mod common;
#[path = "../browser/driver.rs"]
mod driver;

use driver::{manifest_dir, target_dir};
use serde_json::{json, Value};

const OUTCOME_RATES: [&str; 4] = ["frictionless", "challenge_rate", "failure", "abandonment"];

/// The PSP documents under `fixtures/<psp>/`, relative to the package root.
fn fixtures() -> Vec<String> {
    let mut files = Vec::new();
    for psp in ["checkout", "paysafe", "mangopay", "pxp"] {
        let dir = manifest_dir().join("fixtures").join(psp);
        for entry in std::fs::read_dir(&dir).expect("fixtures dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.ends_with(".golden.json") && name != "manifest.json"
            {
                files.push(format!("fixtures/{psp}/{name}"));
            }
        }
    }
    files.sort();
    files
}

/// How many bars a chart of `rates` per PSP draws (a rate with no denominator draws none),
/// and how many of them have a size (a rate above zero).
fn bars(report: &Value, rates: &[&str]) -> (usize, usize) {
    let mut all = 0;
    let mut sized = 0;
    for m in report["by_provider"]
        .as_object()
        .expect("by_provider")
        .values()
    {
        for r in rates {
            if !m[r]["rate"].is_null() {
                all += 1;
                if m[r]["count"].as_u64() > Some(0) {
                    sized += 1;
                }
            }
        }
    }
    (all, sized)
}

#[test]
fn the_report_page_draws_its_charts_and_fetches_nothing() {
    let html = target_dir().join("report.html");
    let json = target_dir().join("report.json");
    let screenshot = target_dir().join("report.png");
    let _ = std::fs::remove_file(&screenshot);
    let (h, j) = (html.display().to_string(), json.display().to_string());
    let mut args = vec![
        "report",
        "--as-of",
        "2026-05-01",
        "--html",
        &h,
        "--json",
        &j,
    ];
    let files = fixtures();
    args.extend(files.iter().map(String::as_str));
    let out = common::bin(&args, "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the fixtures include broken documents"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("JSON written")).expect("JSON report");

    let url = format!("file://{}", html.display());
    let config = json!({"scenarios": [{"name": "report", "url": url, "screenshot": screenshot}]});
    let results = driver::drive(
        &manifest_dir().join("tests/report_browser/render.cjs"),
        config,
    );
    let page = &results["report"];
    assert!(page["failure"].is_null(), "{}", page["failure"]);
    assert_eq!(page["title"], "3-D Secure performance report");
    assert_eq!(page["errors"], json!([]), "no page or console error");
    assert_eq!(
        page["requests"],
        json!([url]),
        "the page asks for nothing but itself"
    );

    let charts = page["charts"].as_array().expect("charts");
    let ids: Vec<&str> = charts.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["outcomes-by-psp", "liability-by-psp"]);
    let providers: Vec<String> = report["by_provider"]
        .as_object()
        .expect("by_provider")
        .keys()
        .cloned()
        .collect();
    for (chart, rates) in charts
        .iter()
        .zip([&OUTCOME_RATES[..], &["liability_shift"][..]])
    {
        let id = &chart["id"];
        assert_eq!(chart["role"], "img", "{id}");
        assert_eq!(
            chart["namespace"], "http://www.w3.org/2000/svg",
            "{id} is SVG"
        );
        assert!(
            chart["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{id} has a title"
        );
        assert!(chart["width"].as_f64() > Some(100.0), "{id}: {chart}");
        assert!(chart["height"].as_f64() > Some(100.0), "{id}: {chart}");
        let (all, sized) = bars(&report, rates);
        assert!(sized > 0, "{id}: some rate above zero");
        assert_eq!(chart["bars"], json!(all), "{id}: one bar per PSP and rate");
        assert_eq!(
            chart["drawn"],
            json!(sized),
            "{id}: bars above zero have a size"
        );
        assert_eq!(chart["groups"], json!(providers), "{id}: one group per PSP");
    }
    assert!(
        page["tables"].as_u64() >= Some(7),
        "table fallbacks and the metric tables"
    );
    let png = std::fs::metadata(&screenshot).expect("screenshot written");
    assert!(png.len() > 10_000, "a screenshot of a drawn page");
}
