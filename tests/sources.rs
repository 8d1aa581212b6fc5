//! Every citation in the repository names a public source (see `docs/sources.md`), never a
//! file outside the repository: the project's notes are not published, so a comment, a
//! catalog `source` cell or a doc page that cites them (and `--explain`, which prints the
//! catalog's sources) sends a reader nowhere.

use std::path::{Path, PathBuf};

/// The trees and files whose text is checked, relative to the workspace root.
const CHECKED: &[&str] = &[
    "src",
    "providers",
    "tests",
    "fixtures",
    "docs",
    "benches",
    "scripts",
    "examples",
    ".ci",
    "README.md",
    "CHANGELOG.md",
    "Cargo.toml",
];

/// Extensions of text files that can carry a citation.
const TEXT: &[&str] = &[
    "rs", "md", "csv", "json", "py", "sh", "toml", "query", "txt",
];

/// Substrings that only ever appear in a citation of an unpublished file.
const FORBIDDEN: &[&str] = &[
    "design.md",
    "shared/",
    "corpus/",
    "checkout-paysafe.md",
    "mangopay-pxp-emvco.md",
    "anchors.md",
    "/work/",
    "[inference]",
];

/// Why `line` cites something outside the repository, if it does.
fn offence(line: &str) -> Option<String> {
    if let Some(s) = FORBIDDEN.iter().find(|s| line.contains(*s)) {
        return Some(format!("cites {s:?}"));
    }
    let lower = line.to_ascii_lowercase();
    if let Some(rest) = after_each(&lower, "reference ").find(|r| names_a_section(r)) {
        return Some(format!("cites a reference section ({:?})", excerpt(rest)));
    }
    if after_each(line, "PART ").any(|r| section_letter(r).is_some_and(|t| !starts_word(t))) {
        return Some("cites a PART of a reference".into());
    }
    if after_each(&lower, "seed ").any(|r| r.starts_with('0') && r[1..].starts_with(digit)) {
        return Some("cites a seed document".into());
    }
    None
}

/// The text after each occurrence of `needle` in `hay`.
fn after_each<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    hay.match_indices(needle)
        .map(move |(i, _)| &hay[i + needle.len()..])
}

/// `A2`, `a.3`, `part b5`, `"not found" 3`: a section of the project's notes, not an API
/// reference page name such as "API reference GetSessionResponse.yaml".
fn names_a_section(rest: &str) -> bool {
    let rest = rest.strip_prefix("part ").unwrap_or(rest);
    if rest.starts_with("\"not found") {
        return true;
    }
    section_letter(rest).is_some_and(|t| {
        let t = t.strip_prefix('.').unwrap_or(t);
        t.starts_with(digit)
    })
}

/// The text after a leading section letter (`A` to `D`, either case).
fn section_letter(s: &str) -> Option<&str> {
    let first = s.chars().next()?;
    "ABCDabcd".contains(first).then(|| &s[1..])
}

fn starts_word(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn excerpt(s: &str) -> String {
    s.chars().take(20).collect()
}

fn text_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        if path.file_name().is_some_and(|n| n == "target") {
            return;
        }
        let entries = std::fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for entry in entries {
            text_files(&entry.expect("directory entry").path(), out);
        }
    } else if path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT.contains(&e))
    {
        out.push(path.to_path_buf());
    }
}

#[test]
fn no_file_cites_anything_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for entry in CHECKED {
        let path = root.join(entry);
        assert!(path.exists(), "{entry} is missing");
        text_files(&path, &mut files);
    }
    let this_file = root.join("tests/sources.rs");
    let mut offences = Vec::new();
    for file in files.iter().filter(|f| **f != this_file) {
        let relative = file.strip_prefix(root).unwrap_or(file);
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if let Some(why) = offence(line) {
                offences.push(format!("{}:{}: {why}", relative.display(), n + 1));
            }
        }
    }
    assert!(files.len() > 100, "only {} files found", files.len());
    assert!(
        offences.is_empty(),
        "cite the public source (docs/sources.md) instead:\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_check_tells_citations_from_ordinary_words() {
    for cited in [
        "Error answers follow reference A5: `401`",
        "Reference A2, [SDK] node test",
        "see reference Part B.4",
        "(reference B.8), so these",
        "(reference \"Not found\" 3)",
        "as collected in the project's reference (PART B).",
        "the request page (seed 003) lists `APP`",
        "(design.md: \"null when ...\")",
        "(`/work/shared/corpus/mangopay/`)",
        "run without browser data [inference]",
    ] {
        assert!(offence(cited).is_some(), "not caught: {cited}");
    }
    for fine in [
        "Checkout.com API reference: GetSessionResponse.yaml status enum",
        "Checkout.com API reference, `ChannelData.yaml` example",
        "\"reference\": \"ORD-5023-4E89\",",
        "the merchant reference number is missing",
        "EMV 3DS 2.2 Table A.4 error codes",
        "PART of the flow; PARTIAL capture",
        "a fixed seed, printed at the start; seed from the commit",
        "Each input is a corpus entry",
        "let mut rng = Rng(seed | 1);",
        "shared among the targets",
    ] {
        assert_eq!(offence(fine), None, "false positive: {fine}");
    }
}
