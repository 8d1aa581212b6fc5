//! `threeds-bridge summary`: the README's main job. Normalizes every bundled fixture and
//! prints a table a person can read, then counts per status.

use crate::catalog::Catalog;
use crate::normalize::{normalize_text, Context};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The fixtures directory (one sub-directory per PSP).
    #[arg(default_value = "fixtures")]
    dir: PathBuf,
}

struct Row {
    provider: String,
    file: String,
    status: String,
    reason: String,
    liability: String,
    next_step: String,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "error: built-in catalog: {e}");
            return 1;
        }
    };
    let ctx = Context::new(&catalog);
    let mut rows = Vec::new();
    let mut bad = false;
    for provider in crate::psp::providers() {
        let dir = args.dir.join(provider.as_str());
        for path in fixture_files(&dir) {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    let _ = writeln!(err, "error: {}: {e}", path.display());
                    bad = true;
                    continue;
                }
            };
            let row = match normalize_text(&text, None, &ctx) {
                Ok(n) => {
                    let a = &n.authentication;
                    Row {
                        provider: a.provider.to_string(),
                        file,
                        status: a.status.to_string(),
                        reason: a.reason.clone().unwrap_or_else(|| "-".into()),
                        liability: a.liability_shift.map_or("null".into(), |b| b.to_string()),
                        next_step: a.next_step.to_string(),
                    }
                }
                Err(e) => Row {
                    provider: provider.to_string(),
                    file,
                    status: "(rejected)".into(),
                    reason: truncate(&e.to_string(), 48),
                    liability: "-".into(),
                    next_step: "-".into(),
                },
            };
            rows.push(row);
        }
    }
    if rows.is_empty() {
        let _ = writeln!(err, "error: no fixtures under {}", args.dir.display());
        return 1;
    }
    print_table(out, &rows);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        *counts.entry(r.status.as_str()).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let _ = writeln!(out, "\n{} documents: {}", rows.len(), summary.join(", "));
    u8::from(bad)
}

fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            name != "manifest.json" && !name.ends_with(".golden.json") && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    files
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

fn print_table(out: &mut dyn Write, rows: &[Row]) {
    let headers = [
        "provider",
        "fixture",
        "status",
        "reason",
        "liability",
        "next_step",
    ];
    let cells = |r: &Row| {
        [
            r.provider.clone(),
            r.file.clone(),
            r.status.clone(),
            r.reason.clone(),
            r.liability.clone(),
            r.next_step.clone(),
        ]
    };
    let mut widths = headers.map(str::len);
    for r in rows {
        for (w, c) in widths.iter_mut().zip(cells(r)) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |values: [String; 6]| {
        values
            .iter()
            .zip(widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let _ = writeln!(out, "{}", line(headers.map(str::to_owned)));
    let _ = writeln!(out, "{}", line(widths.map(|w| "-".repeat(w))));
    for r in rows {
        let _ = writeln!(out, "{}", line(cells(r)));
    }
}
