//! The fixture contract suite.
//!
//! Every PSP has `fixtures/<psp>/manifest.json` listing its fixtures (real PSP payloads, or
//! hand-made variants that say what they change) and the scenarios of the shared matrix each
//! one covers. The suite fails when:
//! * a scenario is neither covered by a fixture nor declared not expressible (with a reason)
//!   for a PSP;
//! * a fixture's normalized output differs from its golden file;
//! * a manifest names a file that does not exist, or a fixture file is not in the manifest;
//! * a fixture's output contradicts the expectations its manifest row states (`expect`: the
//!   `status`, `trans_status`, `liability_shift` and `next_step`, and `retry` where the
//!   document decides it, read from the PSP's document and its published docs, not from the
//!   golden), or a row states none;
//! * a fixture's output contradicts a scenario it is tagged with ([`TAG_RULES`]).
//!
//! A row whose expectation the current mapping does not meet yet records the output it gets
//! under `disagreement`: the suite asserts that output too, so fixing the mapping fails the
//! suite until the row drops its `disagreement`.
//!
//! Goldens are `<fixture stem>.golden.json`. To rewrite them after a deliberate change, run
//! `UPDATE_GOLDEN=1 cargo test --test contract` and review the diff.

use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use threeds_bridge::model::Provider;
use threeds_bridge::output::{render, Options};
use threeds_bridge::{normalize_text, Catalog, Context};

/// The shared scenario matrix.
const SCENARIOS: &[&str] = &[
    "frictionless_y",
    "attempted",
    "challenge_required",
    "challenge_then_y",
    "not_authenticated",
    "rejected",
    "unavailable",
    "informational_exempted",
    "expired_abandoned",
    "not_enrolled",
    "threeds1_fallback",
    "psp_error",
    "validation_error",
    "unknown_value",
    "webhook_callback",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    fixtures: Vec<FixtureEntry>,
    #[serde(default)]
    not_expressible: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureEntry {
    file: String,
    scenarios: Vec<String>,
    /// Where the payload was published.
    source: String,
    /// For a hand-made variant: the real fixture it starts from, and what it changes.
    #[serde(default)]
    variant_of: Option<String>,
    #[serde(default)]
    changes: Option<String>,
    /// What the PSP's document says the normalized output must be.
    #[serde(default)]
    expect: Option<serde_json::Map<String, Value>>,
    /// Why an expectation is what it is, where the document alone does not make it plain.
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
    /// The fields where the current output differs from `expect`, with the value it gives.
    #[serde(default)]
    disagreement: Option<serde_json::Map<String, Value>>,
}

/// The fields every expectation of a normalized document states (`null` included).
const EXPECTED_FIELDS: &[&str] = &["status", "trans_status", "liability_shift", "next_step"];

/// The fields an expectation may state besides [`EXPECTED_FIELDS`].
const OPTIONAL_FIELDS: &[&str] = &["retry"];

/// A field of the output and the values (as JSON) a scenario allows it.
type FieldRule = (&'static str, &'static [&'static str]);

/// What each scenario tag requires of the output: for each field, the values (as JSON) that
/// do not contradict the scenario. Every tag of [`SCENARIOS`] has a row.
const TAG_RULES: &[(&str, &[FieldRule])] = &[
    (
        "frictionless_y",
        &[
            ("status", &["\"authenticated\""]),
            ("challenged", &["false", "null"]),
        ],
    ),
    ("attempted", &[("status", &["\"attempted\""])]),
    (
        "challenge_required",
        &[
            ("status", &["\"challenge_required\""]),
            ("next_step", &["\"challenge_cardholder\""]),
            ("liability_shift", &["null"]),
        ],
    ),
    (
        "challenge_then_y",
        &[
            ("status", &["\"authenticated\""]),
            ("challenged", &["true", "null"]),
        ],
    ),
    (
        "not_authenticated",
        &[
            ("status", &["\"failed\""]),
            ("next_step", &["\"do_not_authorize\""]),
            ("liability_shift", &["false"]),
        ],
    ),
    (
        "rejected",
        &[
            ("status", &["\"rejected\""]),
            ("next_step", &["\"do_not_authorize\""]),
            ("retry", &["\"never\""]),
        ],
    ),
    (
        "unavailable",
        &[
            ("status", &["\"unavailable\""]),
            ("liability_shift", &["false", "null"]),
        ],
    ),
    (
        "informational_exempted",
        &[
            ("status", &["\"exempted\""]),
            ("liability_shift", &["false", "null"]),
        ],
    ),
    (
        "expired_abandoned",
        &[("status", &["\"expired\""]), ("retry", &["\"same_psp\""])],
    ),
    (
        "not_enrolled",
        &[
            ("status", &["\"not_enrolled\""]),
            ("reason", &["\"card_not_enrolled\""]),
        ],
    ),
    (
        "threeds1_fallback",
        &[("protocol_version", &["\"1.0.0\"", "\"1.0.1\"", "\"1.0.2\""])],
    ),
    ("psp_error", &[("status", &["\"error\""])]),
    (
        "validation_error",
        &[
            ("status", &["\"error\""]),
            ("next_step", &["\"fix_request\""]),
            ("retry", &["\"never\""]),
        ],
    ),
    (
        "unknown_value",
        &[
            ("next_step", &["\"investigate\""]),
            ("reason", &["\"unknown_psp_value\""]),
            ("retry", &["null"]),
        ],
    ),
    (
        "webhook_callback",
        &[("kind", &["\"webhook\"", "\"authentication\""])],
    ),
];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The providers under test: all, or the one named by `CONTRACT_PROVIDER` (for working on
/// one PSP at a time).
fn providers() -> Vec<Provider> {
    match std::env::var("CONTRACT_PROVIDER") {
        Ok(name) => vec![name.parse().expect("CONTRACT_PROVIDER names a provider")],
        Err(_) => threeds_bridge::psp::providers(),
    }
}

fn load_manifest(provider: Provider) -> Manifest {
    let path = fixtures_dir().join(provider.as_str()).join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The date goldens are computed at for documents that carry no date of their own, fixed so
/// that a golden file does not change as the calendar moves on.
const AS_OF: (i32, u32, u32) = (2026, 12, 1);

/// The golden form of one fixture: the normalized object, or `{"error": message}`.
fn normalize_fixture(text: &str, catalog: &Catalog) -> Value {
    let (y, m, d) = AS_OF;
    let as_of = chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a calendar date");
    let ctx = Context::new(catalog).as_of(as_of);
    match normalize_text(text, None, &ctx) {
        Ok(n) => serde_json::from_str(&render(&n, Options::default())).expect("output is JSON"),
        Err(e) => serde_json::json!({ "error": e.to_string() }),
    }
}

#[test]
fn every_psp_covers_the_scenario_matrix() {
    let mut problems = Vec::new();
    for provider in providers() {
        let manifest = load_manifest(provider);
        let covered: BTreeSet<&str> = manifest
            .fixtures
            .iter()
            .flat_map(|f| f.scenarios.iter().map(String::as_str))
            .collect();
        for scenario in covered
            .iter()
            .copied()
            .chain(manifest.not_expressible.keys().map(String::as_str))
        {
            if !SCENARIOS.contains(&scenario) {
                problems.push(format!(
                    "{provider}: '{scenario}' is not a scenario of the matrix"
                ));
            }
        }
        for scenario in SCENARIOS {
            let declared = manifest.not_expressible.get(*scenario);
            match (covered.contains(scenario), declared) {
                (false, None) => {
                    problems.push(format!("{provider}: no fixture for scenario '{scenario}'"))
                }
                (true, Some(_)) => problems.push(format!(
                    "{provider}: '{scenario}' is both covered and declared not expressible"
                )),
                (false, Some(reason)) if reason.trim().len() < 20 => problems.push(format!(
                    "{provider}: '{scenario}' declared not expressible without a real reason"
                )),
                _ => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "scenario matrix gaps:\n{}",
        problems.join("\n")
    );
}

#[test]
fn manifests_list_exactly_the_fixture_files_and_variants_say_what_they_change() {
    let mut problems = Vec::new();
    for provider in providers() {
        let dir = fixtures_dir().join(provider.as_str());
        let manifest = load_manifest(provider);
        let listed: BTreeSet<&str> = manifest.fixtures.iter().map(|f| f.file.as_str()).collect();
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n != "manifest.json" && !n.ends_with(".golden.json"))
            .collect();
        for f in &on_disk {
            if !listed.contains(f.as_str()) {
                problems.push(format!("{provider}: {f} is not in the manifest"));
            }
        }
        for entry in &manifest.fixtures {
            if !on_disk.contains(&entry.file) {
                problems.push(format!(
                    "{provider}: manifest names missing file {}",
                    entry.file
                ));
            }
            if entry.source.trim().is_empty() {
                problems.push(format!("{provider}: {} has no source", entry.file));
            }
            let is_variant = entry.file.contains("variant");
            match (&entry.variant_of, &entry.changes, is_variant) {
                (None, None, false) => {}
                (Some(of), Some(changes), true) if !changes.trim().is_empty() => {
                    if !listed.contains(of.as_str()) {
                        problems.push(format!("{provider}: {} is a variant of unknown {of}", entry.file));
                    }
                }
                _ => problems.push(format!(
                    "{provider}: {}: a hand-made variant needs 'variant' in its name, variant_of and changes",
                    entry.file
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_fixture_matches_its_golden_output() {
    let catalog = Catalog::builtin().expect("built-in catalogs load");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut problems = Vec::new();
    let mut count = 0;
    for provider in providers() {
        let dir = fixtures_dir().join(provider.as_str());
        for entry in load_manifest(provider).fixtures {
            let path = dir.join(&entry.file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let actual = normalize_fixture(&text, &catalog);
            if let Some(p) = actual.get("provider").and_then(Value::as_str) {
                if p != provider.as_str() {
                    problems.push(format!("{}: detected as {p}", path.display()));
                }
            }
            let stem = Path::new(&entry.file)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let golden_path = dir.join(format!("{stem}.golden.json"));
            if update {
                let pretty = serde_json::to_string_pretty(&actual).expect("JSON") + "\n";
                std::fs::write(&golden_path, pretty).expect("write golden");
                continue;
            }
            match std::fs::read_to_string(&golden_path) {
                Err(_) => problems.push(format!("{}: no golden file", golden_path.display())),
                Ok(golden) => {
                    let expected: Value = serde_json::from_str(&golden).expect("golden is JSON");
                    if expected != actual {
                        problems.push(format!(
                            "{}: output differs from golden\n  expected: {expected}\n  actual:   {actual}",
                            path.display()
                        ));
                    }
                }
            }
            count += 1;
        }
    }
    assert!(update || count > 0, "no fixtures found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Each fixture's output, checked against its row's expectations and its scenario tags.
#[test]
fn every_fixture_meets_its_stated_expectations_and_scenario_tags() {
    let catalog = Catalog::builtin().expect("built-in catalogs load");
    let mut problems = Vec::new();
    let mut count = 0;
    for provider in providers() {
        let dir = fixtures_dir().join(provider.as_str());
        for entry in load_manifest(provider).fixtures {
            let path = dir.join(&entry.file);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let actual = normalize_fixture(&text, &catalog);
            let at = format!("{provider}/{}", entry.file);
            problems.extend(expectation_problems(&at, &entry, &actual));
            let disputed = entry.disagreement.clone().unwrap_or_default();
            problems.extend(tag_problems(&at, &entry.scenarios, &disputed, &actual));
            count += 1;
        }
    }
    assert!(count > 0, "no fixtures found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Where `actual` departs from the row's `expect` (or its recorded `disagreement`).
fn expectation_problems(at: &str, entry: &FixtureEntry, actual: &Value) -> Vec<String> {
    let Some(expect) = &entry.expect else {
        return vec![format!("{at}: the manifest row states no expectations")];
    };
    if let Some(refused) = expect.get("refused") {
        let refused = refused.as_str().unwrap_or_default();
        let message = actual.get("error").and_then(Value::as_str);
        return match message {
            Some(m) if !refused.is_empty() && m.contains(refused) => Vec::new(),
            _ => vec![format!(
                "{at}: expected a refusal containing '{refused}', got {actual}"
            )],
        };
    }
    let mut problems = Vec::new();
    for field in EXPECTED_FIELDS {
        if !expect.contains_key(*field) {
            problems.push(format!("{at}: expectation states no '{field}'"));
        }
    }
    let disagreement = entry.disagreement.clone().unwrap_or_default();
    for (field, wanted) in expect {
        if !EXPECTED_FIELDS.contains(&field.as_str()) && !OPTIONAL_FIELDS.contains(&field.as_str())
        {
            problems.push(format!("{at}: expectation of unknown field '{field}'"));
            continue;
        }
        let got = actual.get(field).unwrap_or(&Value::Null);
        match disagreement.get(field) {
            None if got != wanted => problems.push(format!(
                "{at}: {field} is {got}, the document says {wanted}"
            )),
            Some(_) if got == wanted => problems.push(format!(
                "{at}: {field} now meets the expectation {wanted}: drop it from 'disagreement'"
            )),
            Some(recorded) if got != recorded => problems.push(format!(
                "{at}: {field} is {got}, neither the expectation {wanted} nor the recorded disagreement {recorded}"
            )),
            _ => {}
        }
    }
    for field in disagreement.keys() {
        if !expect.contains_key(field) {
            problems.push(format!(
                "{at}: disagreement on '{field}', which is not expected"
            ));
        }
    }
    problems
}

/// Where `actual` contradicts one of the row's scenario tags, by [`TAG_RULES`]. A field the
/// row records as a disagreement is left to [`expectation_problems`], which asserts it.
fn tag_problems(
    at: &str,
    scenarios: &[String],
    disputed: &serde_json::Map<String, Value>,
    actual: &Value,
) -> Vec<String> {
    let mut problems = Vec::new();
    for tag in scenarios {
        let Some((_, rules)) = TAG_RULES.iter().find(|(name, _)| name == tag) else {
            problems.push(format!("{at}: scenario '{tag}' has no row in TAG_RULES"));
            continue;
        };
        for (field, allowed) in rules.iter().filter(|(f, _)| !disputed.contains_key(*f)) {
            let got = actual.get(*field).unwrap_or(&Value::Null);
            let allowed: Vec<Value> = allowed
                .iter()
                .map(|a| serde_json::from_str(a).expect("TAG_RULES values are JSON"))
                .collect();
            if !allowed.contains(got) {
                problems.push(format!(
                    "{at}: tagged '{tag}' but {field} is {got} (the scenario allows {})",
                    allowed
                        .iter()
                        .map(Value::to_string)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ));
            }
        }
    }
    problems
}

#[test]
fn every_scenario_of_the_matrix_has_a_tag_rule() {
    let missing: Vec<&str> = SCENARIOS
        .iter()
        .copied()
        .filter(|s| !TAG_RULES.iter().any(|(name, _)| name == s))
        .collect();
    let extra: Vec<&str> = TAG_RULES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !SCENARIOS.contains(name))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "no rule: {missing:?}; not a scenario: {extra:?}"
    );
}
