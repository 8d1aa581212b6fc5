//! The README's generated tables agree with the catalogs and the liability rules.
//! `UPDATE_README=1 cargo test --test readme` rewrites them.

use threeds_bridge::docs::{catalog_markdown, liability_markdown, replace_section};
use threeds_bridge::Catalog;

#[test]
fn readme_tables_match_the_data() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let original = std::fs::read_to_string(&path).expect("README.md");
    let catalog = Catalog::builtin().expect("catalog");
    let mut doc = original.clone();
    for p in threeds_bridge::psp::providers() {
        let name = format!("catalog-{p}");
        doc = replace_section(&doc, &name, &catalog_markdown(&catalog, p))
            .unwrap_or_else(|| panic!("README lacks the {name} markers"));
    }
    doc = replace_section(&doc, "liability", &liability_markdown())
        .expect("README lacks the liability markers");
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, &doc).expect("write README");
    } else {
        assert!(
            doc == original,
            "README tables are out of date: run UPDATE_README=1 cargo test --test readme"
        );
    }
}
