//! Property tests: arbitrary and mutated documents never panic any parser.
//!
//! Every outcome is an `Ok` or a typed error (the signatures guarantee the type; these tests
//! guarantee there is an outcome). Mutations start from the real fixtures so they reach deep
//! into each PSP's document shapes rather than failing at the first field.

use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use threeds_bridge::model::Provider;
use threeds_bridge::request::codec;
use threeds_bridge::{normalize_text, normalize_value, Catalog, Context};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[ -~]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Y"),
            Just("A"),
            Just("05"),
            Just("pending"),
            Just("COMPLETED"),
            Just("FAILED"),
            Just("101304"),
            Just("AuthenticationSuccessful")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-zA-Z_]{1,10}",
                    Just("status".to_owned()),
                    Just("Status".to_owned()),
                    Just("state".to_owned()),
                    Just("error".to_owned()),
                    Just("eci".to_owned()),
                    Just("amount".to_owned()),
                    Just("data".to_owned()),
                    Just("_links".to_owned()),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn fixtures() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for p in threeds_bridge::psp::providers() {
        let Ok(entries) = std::fs::read_dir(root.join(p.as_str())) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !name.ends_with(".golden.json") && name != "manifest.json"
            {
                if let Ok(v) = serde_json::from_str::<Value>(
                    &std::fs::read_to_string(e.path()).unwrap_or_default(),
                ) {
                    out.push(v);
                }
            }
        }
    }
    let requests = root.join("requests");
    if let Ok(entries) = std::fs::read_dir(requests) {
        for e in entries.flatten() {
            if let Ok(v) = serde_json::from_str::<Value>(
                &std::fs::read_to_string(e.path()).unwrap_or_default(),
            ) {
                out.push(v);
            }
        }
    }
    out
}

/// Replaces the `pick`-th node (pre-order) of `doc` with `replacement`, or deletes it from its
/// object when `replacement` is `None`.
fn mutate(doc: &mut Value, pick: usize, replacement: Option<Value>) {
    fn walk(v: &mut Value, pick: usize, seen: &mut usize, replacement: &Option<Value>) -> bool {
        match v {
            Value::Object(map) => {
                let keys: Vec<String> = map.keys().cloned().collect();
                for k in keys {
                    if *seen == pick {
                        match replacement {
                            Some(r) => {
                                map.insert(k, r.clone());
                            }
                            None => {
                                map.remove(&k);
                            }
                        }
                        return true;
                    }
                    *seen += 1;
                    if let Some(child) = map.get_mut(&k) {
                        if walk(child, pick, seen, replacement) {
                            return true;
                        }
                    }
                }
                false
            }
            Value::Array(items) => items.iter_mut().any(|c| {
                *seen += 1;
                walk(c, pick, seen, replacement)
            }),
            _ => false,
        }
    }
    let mut seen = 0;
    walk(doc, pick, &mut seen, &replacement);
}

fn run_everything(value: &Value, catalog: &Catalog) {
    let ctx = Context::new(catalog);
    let _ = normalize_value(value, None, &ctx);
    for p in threeds_bridge::psp::providers() {
        let _ = normalize_value(value, Some(p), &ctx);
        let c = codec(p).unwrap();
        if let Ok(model) = c.read(value) {
            if let Ok(built) = c.write(&model) {
                let _ = c.validate(&built);
                let _ = c.render(&built);
            }
        }
        let _ = c.validate(value);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(value in arb_json()) {
        let catalog = Catalog::builtin().expect("catalog");
        run_everything(&value, &catalog);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let catalog = Catalog::builtin().expect("catalog");
        let ctx = Context::new(&catalog);
        let _ = normalize_text(&text, None, &ctx);
        let _ = normalize_text(&text, Some(Provider::MANGOPAY), &ctx);
    }

    #[test]
    fn mutated_fixtures_never_panic(index in any::<prop::sample::Index>(), pick in 0usize..400, replacement in proptest::option::of(arb_json())) {
        let catalog = Catalog::builtin().expect("catalog");
        let docs = fixtures();
        prop_assume!(!docs.is_empty());
        let mut doc = docs[index.index(docs.len())].clone();
        mutate(&mut doc, pick, replacement);
        run_everything(&doc, &catalog);
    }
}

/// Every documented request, with phone numbers added where the PSP takes them (a
/// multibyte character in a phone once panicked the Checkout codec), and the `--from` side
/// it is read as.
fn request_documents() -> Vec<(threeds_bridge::translate::Format, Value)> {
    use threeds_bridge::translate::Format;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/requests");
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(f)).expect("fixture"))
            .expect("fixture is JSON")
    };
    let mut checkout = read("checkout_session_request_node_sdk.json");
    for phone in ["home_phone", "mobile_phone", "work_phone"] {
        checkout["source"][phone] = json!({"country_code": "44", "number": "7700900123"});
    }
    checkout["source"]["billing_address"] = checkout["shipping_address"].clone();
    let paysafe = read("paysafe_authentication_request_blueprint.json");
    let pxp = read("pxp_standalone_request_docs.json");
    let pre_initiate = pxp["preInitiate"].clone();
    let model =
        threeds_bridge::translate::translate(&paysafe, Provider::PAYSAFE, Provider::PAYSAFE, &[])
            .map(|t| serde_json::to_value(&t.model).expect("model JSON"))
            .expect("the blueprint translates");
    vec![
        (Format::Psp(Provider::CHECKOUT), checkout),
        (Format::Psp(Provider::PAYSAFE), paysafe),
        (
            Format::Psp(Provider::MANGOPAY),
            read("mangopay_direct_payin_request_docs.json"),
        ),
        (Format::Psp(Provider::PXP), pxp),
        (Format::Psp(Provider::PXP), pre_initiate),
        (Format::Model, model),
    ]
}

/// Replaces every string leaf, in document order, with the next of `words` (cycling).
fn replace_strings(v: &mut Value, words: &[String], next: &mut usize) {
    match v {
        Value::String(s) => {
            *s = words[*next % words.len()].clone();
            *next += 1;
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| replace_strings(i, words, next)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|i| replace_strings(i, words, next)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Multibyte text in every string field of every `--from` codec's request, translated
    /// to every target: an outcome, never a panic.
    #[test]
    fn translate_never_panics_on_multibyte_strings(
        words in prop::collection::vec("[+]?(\\PC|[éß€😀]){0,6}", 1..24),
    ) {
        use threeds_bridge::translate::{translate_formats, Format};
        let targets = threeds_bridge::psp::providers()
            .into_iter()
            .map(Format::Psp)
            .chain(std::iter::once(Format::Model));
        let targets: Vec<Format> = targets.collect();
        for (from, mut doc) in request_documents() {
            replace_strings(&mut doc, &words, &mut 0);
            for &to in &targets {
                if let Ok(t) = translate_formats(&doc, from, to, &[]) {
                    let _ = t.rendered(false);
                    let _ = format!("{t:?}");
                }
            }
        }
    }
}

/// A value built in memory has no parser depth limit: translation refuses it at once.
#[test]
fn translate_refuses_a_value_nested_ten_thousand_levels_deep() {
    use threeds_bridge::translate::{translate, TranslateError};
    let mut deep = json!({"x": 1});
    for _ in 0..10_000 {
        // Not `json!`, which serializes its argument recursively.
        let mut map = serde_json::Map::new();
        map.insert("source".to_owned(), deep);
        deep = Value::Object(map);
    }
    for from in threeds_bridge::psp::providers() {
        for to in threeds_bridge::psp::providers() {
            assert_eq!(
                translate(&deep, from, to, &[]).unwrap_err(),
                TranslateError::TooDeep
            );
        }
    }
    // serde_json drops values recursively; a 10,000-level drop is the test's, not the
    // library's, and is skipped.
    std::mem::forget(deep);
}

/// `depth` arrays nested in each other, built without recursion.
fn nested(depth: usize) -> Value {
    let mut v = Value::Null;
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

/// Takes a deep value apart one level at a time: serde_json's `Drop` is recursive, and the
/// test must not overflow where the library does not.
fn dismantle(mut v: Value) {
    loop {
        v = match v {
            Value::Array(mut items) => match items.pop() {
                Some(inner) => inner,
                None => return,
            },
            _ => return,
        };
    }
}

#[test]
fn values_nested_beyond_the_limit_are_refused_without_overflowing_the_stack() {
    let catalog = Catalog::builtin().expect("catalog");
    let ctx = Context::new(&catalog);
    for depth in [10_000, 100_000] {
        // Deep inside a document every PSP would otherwise read.
        let mut doc = json!({"authenticationId": "a", "state": "AuthenticationSuccessful",
                             "eventCategory": "Authentication"});
        doc["eventData"] = nested(depth);
        for provider in [None, Some(Provider::PXP), Some(Provider::CHECKOUT)] {
            let err = normalize_value(&doc, provider, &ctx).expect_err("too deep");
            assert_eq!(
                err.to_string(),
                "the document nests deeper than 127 levels of arrays and objects"
            );
        }
        let bare = nested(depth);
        assert!(normalize_value(&bare, None, &ctx).is_err());
        dismantle(bare);
        dismantle(doc["eventData"].take());
    }
}

#[test]
fn the_value_depth_limit_is_the_text_parsers_limit() {
    let catalog = Catalog::builtin().expect("catalog");
    let ctx = Context::new(&catalog);
    let text = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // What the parser accepts as text is accepted as a value, and one level more is refused
    // both ways.
    let deepest = (1..200)
        .take_while(|d| serde_json::from_str::<Value>(&text(*d)).is_ok())
        .last()
        .expect("shallow arrays parse");
    let ok = normalize_value(&nested(deepest), None, &ctx).expect_err("an array is no document");
    assert!(
        matches!(ok, threeds_bridge::NormalizeError::UnknownDocument { .. }),
        "{ok}"
    );
    let deep = normalize_value(&nested(deepest + 1), None, &ctx).expect_err("too deep");
    assert!(
        matches!(deep, threeds_bridge::NormalizeError::TooDeep { limit: 127 }),
        "{deep}"
    );
    assert!(normalize_text(&text(deepest + 1), None, &ctx).is_err());
}
