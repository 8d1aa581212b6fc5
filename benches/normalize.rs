//! Throughput of `normalize` over the bundled fixtures: `cargo bench --bench normalize`.
//!
//! Measures the library path the CLI takes per document (parse, detect, map, liability,
//! render), so a regression in any adapter or in the rule engine shows up here.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;
use threeds_bridge::output::{render, Options};
use threeds_bridge::{normalize_text, Catalog, Context};

fn documents() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut docs = Vec::new();
    for p in ["checkout", "paysafe", "mangopay", "pxp"] {
        let Ok(entries) = std::fs::read_dir(root.join(p)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.ends_with(".golden.json") && name != "manifest.json"
            {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                        docs.push(v.to_string());
                    }
                }
            }
        }
    }
    docs
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin().expect("catalog");
    let ctx = Context::new(&catalog);
    let docs = documents();
    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("all_fixtures_detect_map_render", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for d in &docs {
                if let Ok(n) = normalize_text(d, None, &ctx) {
                    bytes += render(&n, Options::default()).len();
                }
            }
            bytes
        })
    });
    group.bench_function("catalog_load", |b| {
        b.iter(|| Catalog::builtin().map(|c| c.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
