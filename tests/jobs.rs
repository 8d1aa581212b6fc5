//! `normalize --jobs N` prints exactly what one thread prints: the same stdout and stderr,
//! byte for byte, in the same order, and the same exit code.
//!
//! The input is every fixture document of every PSP (compacted to one line, Mangopay's hook
//! query as it is), several times over so that it spans many batches, with bad lines among
//! them: a truncated document, a line that is not UTF-8, a line over `--max-line-bytes`, a
//! document of no PSP, blank lines; and a second file that is empty ("no documents").
//! Many fixtures carry warnings (unknown PSP values, contradictions), so stderr interleaves
//! warnings and errors throughout.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One line per fixture document: JSON compacted, the hook query as written.
fn fixture_lines() -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for psp in ["checkout", "paysafe", "mangopay", "pxp"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures").join(psp))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let name = path.to_string_lossy().into_owned();
            if name.ends_with(".golden.json") || name.ends_with("manifest.json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("fixture");
            if name.ends_with(".query") {
                lines.push(text.trim().as_bytes().to_vec());
            } else if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                lines.push(v.to_string().into_bytes());
            }
        }
    }
    lines
}

/// The mixed input: the fixtures `rounds` times, a bad line of each kind in every round.
fn mixed_input(rounds: usize) -> Vec<u8> {
    let docs = fixture_lines();
    assert!(docs.len() > 50, "{} fixture documents", docs.len());
    let mut input = Vec::new();
    for round in 0..rounds {
        for (i, doc) in docs.iter().enumerate() {
            input.extend_from_slice(doc);
            input.push(b'\n');
            match (i + round) % 37 {
                0 => input.extend_from_slice(b"{\"id\": \"sid_x\", \n"),
                7 => input.extend_from_slice(b"{\"status\": \"\xff\xfe\"}\n"),
                13 => input.extend_from_slice(format!("\"{}\"\n", "y".repeat(3000)).as_bytes()),
                19 => input.extend_from_slice(b"{\"foo\": 1}\n"),
                29 => input.extend_from_slice(b"\n  \n"),
                _ => {}
            }
        }
    }
    input
}

fn normalize(jobs: &str, extra: &[&str], files: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
        .arg("normalize")
        .args([
            "--jobs",
            jobs,
            "--max-line-bytes",
            "2048",
            "--as-of",
            "2026-01-15",
        ])
        .args(extra)
        .args(files)
        .env_remove("RUST_LOG")
        .output()
        .expect("binary runs")
}

#[test]
fn any_number_of_jobs_prints_what_one_thread_prints() {
    let dir = std::env::temp_dir().join(format!("threeds-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mixed = dir.join("mixed.jsonl");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&mixed, mixed_input(6)).expect("input written");
    std::fs::write(&empty, b"").expect("input written");
    let files = [mixed.as_path(), empty.as_path(), mixed.as_path()];
    for extra in [&[][..], &["--explain"][..], &["--provider", "checkout"][..]] {
        let one = normalize("1", extra, &files);
        let stdout = String::from_utf8_lossy(&one.stdout);
        let stderr = String::from_utf8_lossy(&one.stderr);
        // The input is what it is meant to be: many documents, warnings and errors of
        // each kind, and a bad exit.
        assert_eq!(one.status.code(), Some(1), "{extra:?}");
        let count = stdout.lines().count();
        assert!(count > 250, "{extra:?}: {count} lines");
        for what in [
            "warning: ",
            "not JSON",
            "not UTF-8",
            "longer than --max-line-bytes",
            "empty.jsonl: no documents",
        ] {
            assert!(stderr.contains(what), "{extra:?}: no {what:?} in stderr");
        }
        for jobs in ["2", "4"] {
            let many = normalize(jobs, extra, &files);
            assert_eq!(
                many.status.code(),
                one.status.code(),
                "{extra:?} --jobs {jobs}"
            );
            assert!(
                many.stdout == one.stdout,
                "{extra:?} --jobs {jobs}: stdout differs"
            );
            assert!(
                many.stderr == one.stderr,
                "{extra:?} --jobs {jobs}: stderr differs"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
