//! The documentation agrees with the code and with itself:
//! * the generated tables of `docs/catalogs.md` and `docs/liability.md` agree with the
//!   catalogs and the liability rules (`UPDATE_DOCS=1 cargo test --test docs` rewrites them);
//! * every relative link in `README.md` and `docs/**/*.md` points at a file that exists, so
//!   moving a page cannot leave a reader at a dead link.

use std::path::{Path, PathBuf};
use threeds_bridge::docs::{catalog_markdown, liability_markdown, replace_section};
use threeds_bridge::Catalog;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces each `(section, body)` in the page `relative`; rewrites the page under
/// `UPDATE_DOCS`, otherwise fails when any section differs from its body.
fn check_generated(relative: &str, sections: &[(String, String)]) {
    let path = root().join(relative);
    let original = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    let mut doc = original.clone();
    for (name, body) in sections {
        doc = replace_section(&doc, name, body)
            .unwrap_or_else(|| panic!("{relative} lacks the {name} markers"));
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &doc).unwrap_or_else(|e| panic!("{relative}: {e}"));
    } else {
        assert!(
            doc == original,
            "{relative}: generated tables are out of date: run UPDATE_DOCS=1 cargo test --test docs"
        );
    }
}

#[test]
fn catalog_tables_match_the_catalogs() {
    let catalog = Catalog::builtin().expect("catalog");
    let sections: Vec<(String, String)> = threeds_bridge::psp::providers()
        .into_iter()
        .map(|p| (format!("catalog-{p}"), catalog_markdown(&catalog, p)))
        .collect();
    check_generated("docs/catalogs.md", &sections);
}

#[test]
fn liability_table_matches_the_rules() {
    check_generated(
        "docs/liability.md",
        &[("liability".to_owned(), liability_markdown())],
    );
}

/// `README.md` and every Markdown file under `docs/`.
fn markdown_pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md")];
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

/// The targets of the inline links `[text](target)` in `page`, outside code blocks and code
/// spans, with the line each is on.
fn link_targets(page: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    let mut fenced = false;
    for (n, line) in page.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Code spans are the odd-numbered pieces between backticks.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            let target = rest[..end].split_whitespace().next().unwrap_or("");
            targets.push((n + 1, target.to_owned()));
            rest = &rest[end..];
        }
    }
    targets
}

/// True for a link that leaves the repository or stays on the same page.
fn is_external(target: &str) -> bool {
    target.is_empty()
        || target.starts_with('#')
        || target.starts_with("mailto:")
        || target.contains("://")
}

#[test]
fn every_relative_link_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in markdown_pages() {
        let text = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{page:?}: {e}"));
        let dir = page.parent().expect("a page is in a directory");
        for (line, target) in link_targets(&text) {
            if is_external(&target) {
                continue;
            }
            checked += 1;
            let file = target.split('#').next().unwrap_or("");
            if !dir.join(file).exists() {
                let shown = page.strip_prefix(root()).unwrap_or(&page);
                broken.push(format!("{}:{line}: {target}", shown.display()));
            }
        }
    }
    assert!(
        checked > 10,
        "only {checked} relative links found: the link reader is broken"
    );
    assert!(
        broken.is_empty(),
        "links to missing files:\n{}",
        broken.join("\n")
    );
}

#[test]
fn link_reader_skips_code_and_keeps_the_path() {
    let page = "See [a](docs/a.md#x) and `[not](b.md)`.\n```\n[no](c.md)\n```\n[d](d.md \"t\")";
    assert_eq!(
        link_targets(page),
        vec![(1, "docs/a.md#x".to_owned()), (5, "d.md".to_owned())]
    );
}
