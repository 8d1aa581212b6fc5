//! `threeds-bridge report` through the binary, on the PSPs' fixtures.
//!
//! The expected counts are computed here from `normalize`'s output for the same files, with
//! the definitions of `docs/report.md` written out again, so a report that counts anything
//! other than what `normalize` says fails.

mod common;

use common::bin;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

const PSPS: [&str; 4] = ["checkout", "paysafe", "mangopay", "pxp"];
const AS_OF: &str = "2026-05-01";

/// Every status of the contract (`docs/contract.md`).
const STATUSES: [&str; 13] = [
    "pending",
    "challenge_required",
    "authenticated",
    "attempted",
    "exempted",
    "failed",
    "rejected",
    "unavailable",
    "expired",
    "not_enrolled",
    "declined",
    "error",
    "unknown",
];

const HOSTILE: &str = "fixtures/report/paysafe_unknown_status_script_reference_variant.json";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The PSP documents of `fixtures/<psp>/` (not the golden outputs, not the manifest), as
/// paths relative to the package root, sorted.
fn fixtures(psp: &str) -> Vec<String> {
    let dir = root().join("fixtures").join(psp);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".golden.json") && n != "manifest.json")
        .map(|n| format!("fixtures/{psp}/{n}"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures for {psp}");
    files
}

fn all_fixtures() -> Vec<String> {
    PSPS.iter().flat_map(|p| fixtures(p)).collect()
}

fn run(args: &[&str], files: &[String], stdin: &str) -> std::process::Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(files.iter().map(String::as_str));
    bin(&all, stdin)
}

/// `normalize`'s records for `files`, one JSON value each.
fn normalized(files: &[String], extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["normalize", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    let out = run(&args, files, "");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("normalize prints JSON lines"))
        .collect()
}

/// `normalize`'s record for each file it could read: a fixture file is one document, and
/// the files it could not read are the ones its diagnostics name.
fn normalized_by_file(files: &[String]) -> Vec<(String, Value)> {
    let out = run(&["normalize", "--as-of", AS_OF], files, "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let good: Vec<String> = files
        .iter()
        .filter(|f| !stderr.contains(&format!("error: {f}:")))
        .cloned()
        .collect();
    let records: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(good.len(), records.len(), "one record per readable file");
    good.into_iter().zip(records).collect()
}

fn report(files: &[String]) -> (Value, std::process::Output) {
    let out = run(&["report", "--as-of", AS_OF], files, "");
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "report printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out)
}

fn rate(count: usize, of: usize) -> Value {
    let share = if of == 0 {
        Value::Null
    } else {
        json!((count as f64 / of as f64 * 10_000.0).round() / 10_000.0)
    };
    json!({"count": count, "of": of, "rate": share})
}

/// A group's metrics by the definitions of `docs/report.md`, from normalized records.
fn expected(records: &[&Value]) -> Value {
    let status = |a: &Value| a["status"].as_str().unwrap_or_default().to_owned();
    let outcomes: Vec<&Value> = records
        .iter()
        .copied()
        .filter(|a| !matches!(status(a).as_str(), "pending" | "challenge_required"))
        .collect();
    let count = |f: &dyn Fn(&Value) -> bool| outcomes.iter().filter(|a| f(a)).count();
    let is = |words: &'static [&'static str]| move |a: &Value| words.contains(&status(a).as_str());
    let challenged = |a: &Value| a["challenged"] == json!(true);
    let mut statuses = Map::new();
    for s in STATUSES {
        let n = records.iter().filter(|a| status(a) == s).count();
        statuses.insert(s.to_owned(), json!(n));
    }
    let o = outcomes.len();
    let n_challenged = count(&challenged);
    json!({
        "volume": records.len(),
        "in_progress": records.len() - o,
        "outcomes": o,
        "statuses": statuses,
        "challenge": {
            "challenged": n_challenged,
            "not_challenged": count(&|a| a["challenged"] == json!(false)),
            "not_reported": count(&|a| a["challenged"].is_null()),
        },
        "liability": {
            "shifted": count(&|a| a["liability_shift"] == json!(true)),
            "not_shifted": count(&|a| a["liability_shift"] == json!(false)),
            "not_known": count(&|a| a["liability_shift"].is_null()),
        },
        "frictionless": rate(
            count(&|a| is(&["authenticated", "attempted"])(a) && a["challenged"] == json!(false)),
            o
        ),
        "challenge_rate": rate(n_challenged, o),
        "challenge_success": rate(
            count(&|a| challenged(a) && status(a) == "authenticated"),
            n_challenged
        ),
        "abandonment": rate(count(&is(&["expired"])), o),
        "failure": rate(count(&is(&["failed", "rejected"])), o),
        "attempted": rate(count(&is(&["attempted"])), o),
        "exempted": rate(count(&is(&["exempted"])), o),
        "liability_shift": rate(count(&|a| a["liability_shift"] == json!(true)), o),
        "unknown": rate(count(&is(&["unknown"])), o),
    })
}

fn group<'a>(records: &'a [Value], key: &str, value: &str) -> Vec<&'a Value> {
    records
        .iter()
        .filter(|a| a[key].as_str().unwrap_or("not_reported") == value)
        .collect()
}

#[test]
fn counts_and_rates_equal_normalizes_statuses_for_every_psp() {
    let files = all_fixtures();
    let records = normalized(&files, &[]);
    let (report, out) = report(&files);
    // Each fixture file is one document: the ones normalize could not read are bad.
    let bad = files.len() - records.len();
    assert!(bad > 0, "the fixtures include broken documents");
    assert_eq!(report["records"], json!(records.len()));
    assert_eq!(report["bad_records"], json!(bad));
    assert_eq!(
        out.status.code(),
        Some(1),
        "bad documents exit 1 as in normalize"
    );
    assert_eq!(report["as_of"], AS_OF);

    let every: Vec<&Value> = records.iter().collect();
    assert_eq!(report["overall"], expected(&every));
    for psp in PSPS {
        let g = group(&records, "provider", psp);
        assert!(!g.is_empty(), "{psp} has records");
        assert_eq!(report["by_provider"][psp], expected(&g), "{psp}");
    }
    assert_eq!(
        report["by_provider"].as_object().map(Map::len),
        Some(PSPS.len())
    );

    let mut networks: Vec<String> = records
        .iter()
        .map(|a| a["network"].as_str().unwrap_or("not_reported").to_owned())
        .collect();
    networks.sort();
    networks.dedup();
    let keys: Vec<String> = report["by_network"]
        .as_object()
        .expect("by_network")
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, networks, "one group per network, sorted");
    for n in &networks {
        assert_eq!(
            report["by_network"][n],
            expected(&group(&records, "network", n)),
            "{n}"
        );
    }
    // The model has no channel: every record is in one group.
    assert_eq!(report["by_channel"]["not_reported"], expected(&every));

    // The fixtures hold PSP ids used by several documents (a session's history).
    let mut seen = std::collections::BTreeSet::new();
    let repeated = records
        .iter()
        .filter(|a| !a["id"].is_null())
        .filter(|a| !seen.insert((a["provider"].to_string(), a["id"].to_string())))
        .count();
    assert_eq!(report["repeated_ids"], json!(repeated));
}

#[test]
fn unknown_statuses_are_counted_and_listed_never_as_success() {
    let files = all_fixtures();
    let unknown: Vec<String> = normalized_by_file(&files)
        .into_iter()
        .filter(|(_, a)| a["status"] == "unknown")
        .map(|(f, _)| f)
        .collect();
    assert!(unknown.len() >= 3, "{unknown:?}");
    let (report, out) = report(&unknown);
    assert_eq!(
        out.status.code(),
        Some(0),
        "an unknown status is not a bad document"
    );
    let overall = &report["overall"];
    assert_eq!(overall["statuses"]["unknown"], json!(unknown.len()));
    assert_eq!(overall["unknown"], rate(unknown.len(), unknown.len()));
    for success in [
        "frictionless",
        "challenge_success",
        "attempted",
        "exempted",
        "liability_shift",
    ] {
        assert_eq!(overall[success]["count"], 0, "{success}");
    }
    let listed = report["unknown_records"]
        .as_array()
        .expect("unknown_records");
    let places: Vec<&str> = listed.iter().filter_map(|u| u["place"].as_str()).collect();
    let want: Vec<String> = unknown.iter().map(|f| format!("{f}:1")).collect();
    assert_eq!(
        places, want,
        "each listed where it was read, in input order"
    );
    assert!(listed
        .iter()
        .all(|u| !u["raw_status"].is_null() || !u["raw_code"].is_null()));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("warning:"),
        "the unknown values are reported on stderr as normalize reports them"
    );
}

#[test]
fn empty_input_is_reported_and_the_report_is_empty() {
    let out = bin(&["report", "--as-of", AS_OF], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: -: no documents"));
    let report: Value = serde_json::from_slice(&out.stdout).expect("a report even so");
    assert_eq!(report["records"], 0);
    assert_eq!(report["overall"], expected(&[]));
    assert_eq!(report["overall"]["frictionless"]["rate"], Value::Null);
    assert_eq!(report["by_provider"], json!({}));
}

#[test]
fn a_bad_line_is_reported_with_its_line_and_the_rest_is_counted() {
    let compact = |path: &str| {
        let text = std::fs::read_to_string(root().join(path)).expect("fixture");
        serde_json::from_str::<Value>(&text)
            .expect("JSON")
            .to_string()
    };
    let good = [
        "fixtures/checkout/session_approved_frictionless_node.json",
        "fixtures/mangopay/payin_failed_101304_expired.json",
    ];
    let input = format!(
        "{}\n{{\"id\": \"sid_x\", \n{}\n",
        compact(good[0]),
        compact(good[1])
    );
    let out = bin(&["report", "--as-of", AS_OF, "-"], &input);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: -:2: not JSON"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (report["records"].clone(), report["bad_records"].clone()),
        (json!(2), json!(1))
    );
    let records = normalized(&good.map(String::from), &[]);
    let every: Vec<&Value> = records.iter().collect();
    assert_eq!(report["overall"], expected(&every));
    assert_eq!(
        report["overall"]["abandonment"]["count"], 1,
        "Mangopay 101304 is abandonment"
    );
}

fn temp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn reruns_are_byte_identical_and_json_file_equals_stdout() {
    let files = all_fixtures();
    let mut outputs = Vec::new();
    for i in 0..2 {
        let (json, html) = (
            temp(&format!("rerun{i}.json")),
            temp(&format!("rerun{i}.html")),
        );
        let (j, h) = (json.display().to_string(), html.display().to_string());
        let out = run(
            &["report", "--as-of", AS_OF, "--json", &j, "--html", &h],
            &files,
            "",
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "the fixtures include broken documents"
        );
        assert!(out.stdout.is_empty(), "--json FILE leaves stdout empty");
        outputs.push((read(&json), read(&html)));
    }
    assert_eq!(outputs[0].0, outputs[1].0, "JSON reruns identical");
    assert_eq!(outputs[0].1, outputs[1].1, "HTML reruns identical");
    let (_, out) = report(&files);
    assert_eq!(
        out.stdout, outputs[0].0,
        "stdout and --json FILE carry the same report"
    );
}

/// The page as text, after a run over the four PSPs' fixtures and the hostile variant.
fn page_over(files: &[String], name: &str) -> String {
    let html = temp(name);
    let h = html.display().to_string();
    let json = temp(&format!("{name}.json"));
    let j = json.display().to_string();
    run(
        &["report", "--as-of", AS_OF, "--html", &h, "--json", &j],
        files,
        "",
    );
    String::from_utf8(read(&html)).expect("UTF-8 page")
}

#[test]
fn html_escapes_a_hostile_reference_and_fetches_nothing() {
    let mut files = all_fixtures();
    files.push(HOSTILE.to_owned());
    let page = page_over(&files, "hostile.html");
    assert!(
        page.contains(
            "&lt;script&gt;alert(&quot;ref&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        ),
        "the reference is shown as text"
    );
    let lower = page.to_ascii_lowercase();
    for tag in [
        "<script",
        "<img",
        "<link",
        "<iframe",
        "<object",
        "<embed",
        "<base",
        "<meta http-equiv",
    ] {
        assert!(!lower.contains(tag), "no {tag} in the page");
    }
    for fetch in [
        "http:", "https:", "//", "url(", "@import", "href=", "src=\"", "data:",
    ] {
        // `src=x` is in the escaped reference, as text; no attribute fetches anything.
        assert!(!lower.contains(fetch), "no {fetch:?} in the page");
    }
    assert!(page.contains("<title>3-D Secure performance report</title>"));
    assert_eq!(page.matches("<svg ").count(), 2);
    assert_eq!(page.matches("role=\"img\"").count(), 2);
    // Both charts have a <title> and a table of the same numbers after them.
    assert!(page.contains("<title id=\"outcomes-by-psp-title\">"));
    assert!(page.contains("<title id=\"liability-by-psp-title\">"));
    assert_eq!(page.matches("<table class=\"fallback\">").count(), 2);
}

#[test]
fn no_authentication_value_reaches_the_json_or_the_page() {
    let files = all_fixtures();
    let cavvs: Vec<String> = normalized(&files, &["--reveal-secrets"])
        .iter()
        .filter_map(|a| a["authentication_value"].as_str().map(str::to_owned))
        .collect();
    assert!(
        cavvs.len() >= 5,
        "the fixtures carry authentication values: {cavvs:?}"
    );
    let page = page_over(&files, "secrets.html");
    let json = String::from_utf8(read(&temp("secrets.html.json"))).expect("UTF-8");
    for cavv in &cavvs {
        assert!(!page.contains(cavv.as_str()), "a CAVV in the page");
        assert!(!json.contains(cavv.as_str()), "a CAVV in the JSON");
    }
    assert!(!page.contains("[redacted]") && !json.contains("authentication_value"));
}

#[test]
fn a_list_response_counts_each_of_its_items_as_the_documents_alone() {
    // Mangopay's list endpoints answer with a bare array of pay-ins: the report over one
    // such list equals the report over its pay-ins one file each.
    let good: Vec<String> = normalized_by_file(&fixtures("mangopay"))
        .into_iter()
        .map(|(file, _)| file)
        .filter(|f| f.contains("payin_"))
        .collect();
    assert!(good.len() > 5, "the Mangopay pay-in fixtures: {good:?}");
    let items: Vec<Value> = good
        .iter()
        .map(|f| serde_json::from_slice(&read(Path::new(f))).expect("fixture JSON"))
        .collect();
    let list = temp("mangopay_payin_list.json");
    std::fs::write(&list, serde_json::to_vec_pretty(&items).expect("list")).expect("write");
    let (alone, _) = report(&good);
    let (listed, out) = report(&[list.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for key in [
        "records",
        "bad_records",
        "repeated_ids",
        "overall",
        "by_provider",
        "by_network",
    ] {
        assert_eq!(listed[key], alone[key], "{key}");
    }
    assert_eq!(listed["records"], json!(good.len()));
    // Each unknown record is placed by its item in the list.
    for unknown in listed["unknown_records"].as_array().expect("array") {
        let place = unknown["place"].as_str().expect("place");
        assert!(place.contains("mangopay_payin_list.json:1["), "{place}");
    }
}
