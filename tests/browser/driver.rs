//! What the browser tests share on the Rust side: installing Chromium and playwright-core
//! (`scripts/browser.sh`) and running a driver script (which uses `launch.cjs`) over a
//! list of scenarios, returning its report by scenario name.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/`, beside the test binaries' scratch directory.
pub fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(PathBuf::from).unwrap_or(tmp)
}

/// Runs `scripts/browser.sh` (installing what is missing) and reads its `name=path` lines.
fn tools() -> HashMap<String, String> {
    let output = Command::new("bash")
        .arg(manifest_dir().join("scripts/browser.sh"))
        .output()
        .unwrap_or_else(|e| panic!("running scripts/browser.sh: {e}"));
    assert!(
        output.status.success(),
        "scripts/browser.sh failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Runs `node script CONFIG` in one Chromium, where CONFIG is `config` plus the tool paths
/// (`chromium`, `playwright_core`), and returns the report by scenario name.
pub fn drive(script: &Path, mut config: Value) -> HashMap<String, Value> {
    let tools = tools();
    let tool = |name: &str| {
        tools
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("scripts/browser.sh printed no {name}="))
    };
    config["chromium"] = Value::String(tool("chromium"));
    config["playwright_core"] = Value::String(tool("playwright_core"));
    let name = script
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.json"));
    std::fs::write(&config_path, config.to_string())
        .unwrap_or_else(|e| panic!("writing {}: {e}", config_path.display()));
    let output = Command::new(tool("node"))
        .arg(script)
        .arg(&config_path)
        .output()
        .unwrap_or_else(|e| panic!("running node: {e}"));
    assert!(
        output.status.success(),
        "{} failed ({}): {}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Vec<Value> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{} printed no JSON report: {e}", script.display()));
    report
        .into_iter()
        .map(|r| (r["name"].as_str().unwrap_or_default().to_owned(), r))
        .collect()
}
