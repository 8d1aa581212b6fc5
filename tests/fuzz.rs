//! Mutational fuzzing on the stable toolchain: one target per parser family, seeded from
//! `fixtures/`, asserting no panic and bounded messages.
//!
//! Each target mutates corpus inputs (bit flips, byte insertions and deletions, splices of
//! two inputs, interesting tokens, and JSON-aware edits: a node replaced by another
//! document's subtree, a long or multibyte string, a card number, deep nesting; a key
//! renamed or removed) and runs them through the public entry point. A failing input is
//! written to `target/fuzz-failures/` and named in the panic message.
//!
//! `cargo test` runs a short deterministic pass (`FUZZ_ITERATIONS`, default 150 per target).
//! `scripts/fuzz.sh SECONDS` runs every target for a time budget with a fresh seed
//! (`FUZZ_SECONDS` per target, `FUZZ_SEED`). See docs/fuzzing.md.

use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use threeds_bridge::model::Provider;
use threeds_bridge::request::codec;
use threeds_bridge::translate::translate;
use threeds_bridge::{normalize_text, normalize_value, Catalog, Context};

/// The most bytes a warning or error message may have (`threeds_wire::MESSAGE_BYTES` plus
/// the surrounding template and the `…(N bytes)…` marker).
const MESSAGE_LIMIT: usize = 1100;

const PAN: &str = "4000000000009995";

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus of one fixture directory: its documents (`.json`, `.query`), golden files and
/// manifests excluded.
fn corpus(dir: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures").join(dir))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap_or_default().to_string_lossy();
            (n.ends_with(".json") || n.ends_with(".query"))
                && !n.ends_with(".golden.json")
                && n != "manifest.json"
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "-0",
    "1e999",
    "0.0000001",
    "é",
    "2é",
    "\u{0}",
    "\\u0000",
    "\\ud800",
    "%",
    "%zz",
    "&",
    "=",
    PAN,
    "18446744073709551616",
    "  ",
];

fn interesting_value(rng: &mut Rng, others: &[Value]) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => json!(""),
        2 => json!("é".repeat(1 + rng.below(300))),
        3 => json!("x".repeat(rng.below(20_000))),
        4 => json!(PAN.parse::<u64>().unwrap_or(0)),
        5 => json!(format!("a {PAN} b")),
        6 => json!(rng.pick(&["Y", "N", "A", "C", "R", "U", "I", "D", "05", "07", "00"])),
        7 => json!(rng.pick(&[-1.5, 0.0, 1e300, 29.99, -0.0])),
        8 => {
            let mut v = Value::Null;
            for _ in 0..(100 + rng.below(60)) {
                v = json!([v]);
            }
            v
        }
        9 => json!({}),
        10 => json!([1, "2", {"a": null}]),
        _ => {
            let from = rng_pick_value(rng, others);
            random_node(rng, from).clone()
        }
    }
}

fn rng_pick_value<'a>(rng: &mut Rng, others: &'a [Value]) -> &'a Value {
    static NULL: Value = Value::Null;
    if others.is_empty() {
        &NULL
    } else {
        rng.pick(others)
    }
}

/// A random node of `v` (pre-order walk, stopping at a random point).
fn random_node<'a>(rng: &mut Rng, mut v: &'a Value) -> &'a Value {
    loop {
        let children: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => return v,
        };
        if children.is_empty() || rng.below(3) == 0 {
            return v;
        }
        v = *rng.pick(&children);
    }
}

/// One JSON-aware edit somewhere in `v`.
fn mutate_json(rng: &mut Rng, v: &mut Value, others: &[Value]) {
    let descend = rng.below(3) != 0;
    match v {
        Value::Object(m) if descend && !m.is_empty() => {
            let key = m
                .keys()
                .nth(rng.below(m.len()))
                .cloned()
                .unwrap_or_default();
            match rng.below(6) {
                0 => {
                    m.remove(&key);
                }
                1 => {
                    if let Some(child) = m.remove(&key) {
                        let new_key = match rng.below(3) {
                            0 => PAN.to_owned(),
                            1 => format!("{key}é"),
                            _ => key.to_uppercase(),
                        };
                        m.insert(new_key, child);
                    }
                }
                _ => {
                    if let Some(child) = m.get_mut(&key) {
                        mutate_json(rng, child, others);
                    }
                }
            }
        }
        Value::Array(a) if descend && !a.is_empty() => {
            let i = rng.below(a.len());
            mutate_json(rng, &mut a[i], others);
        }
        _ => *v = interesting_value(rng, others),
    }
}

/// One byte-level edit of `text`, kept valid UTF-8.
fn mutate_bytes(rng: &mut Rng, text: &str, others: &[String]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = rng.below(bytes.len() + 1);
    match rng.below(6) {
        0 if !bytes.is_empty() => {
            let i = at.min(bytes.len() - 1);
            bytes[i] ^= 1 << rng.below(8);
        }
        1 => {
            let token = rng.pick(TOKENS).as_bytes();
            bytes.splice(at..at, token.iter().copied());
        }
        2 => {
            let end = (at + rng.below(16)).min(bytes.len());
            bytes.drain(at..end);
        }
        3 => {
            let other = rng.pick(others).as_bytes();
            let from = rng.below(other.len() + 1);
            bytes.truncate(at);
            bytes.extend_from_slice(&other[from..]);
        }
        4 => {
            let end = (at + rng.below(64)).min(bytes.len());
            let chunk = bytes[at..end].to_vec();
            bytes.splice(at..at, chunk);
        }
        _ => bytes.insert(at.min(bytes.len()), rng.below(256) as u8),
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A mutated input: one to four edits, JSON-aware when the input is JSON.
fn mutant(rng: &mut Rng, seeds: &[String], values: &[Value]) -> String {
    let mut text = rng.pick(seeds).clone();
    for _ in 0..(1 + rng.below(4)) {
        text = match serde_json::from_str::<Value>(&text) {
            Ok(mut v) if rng.below(2) == 0 => {
                mutate_json(rng, &mut v, values);
                v.to_string()
            }
            _ => mutate_bytes(rng, &text, seeds),
        };
    }
    text
}

/// Runs `target` on mutants of `seeds` for the configured budget; a panic or a broken
/// invariant saves the input and fails with its path.
fn fuzz(name: &str, seeds: Vec<String>, target: impl Fn(&str)) {
    fuzz_scaled(name, seeds, 1, target);
}

/// [`fuzz`] for a target whose inputs each cost about `cost` ordinary ones: the iteration
/// count is divided by it.
fn fuzz_scaled(name: &str, seeds: Vec<String>, cost: u64, target: impl Fn(&str)) {
    assert!(!seeds.is_empty(), "{name}: empty corpus");
    let values: Vec<Value> = seeds
        .iter()
        .filter_map(|s| serde_json::from_str(s).ok())
        .collect();
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("FUZZ_SEED").unwrap_or(0x5EED) ^ fnv(name);
    let deadline = env("FUZZ_SECONDS").map(|s| Instant::now() + Duration::from_secs(s));
    let iterations = env("FUZZ_ITERATIONS").unwrap_or(150) / cost.max(1);
    let mut rng = Rng(seed | 1);
    let mut runs = 0u64;
    loop {
        match deadline {
            Some(d) if Instant::now() >= d => break,
            None if runs >= iterations => break,
            _ => {}
        }
        let input = if runs < seeds.len() as u64 {
            seeds[runs as usize].clone()
        } else {
            mutant(&mut rng, &seeds, &values)
        };
        runs += 1;
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(&input))) {
            let dir = root().join("target").join("fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("{name}-{seed:x}-{runs}.txt"));
            let _ = std::fs::write(&path, &input);
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("{name}: input {} failed: {what}", path.display());
        }
    }
    eprintln!("fuzz {name}: {runs} inputs, seed {seed:#x}");
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A message is short and shows no card number.
fn check_message(message: &str) {
    assert!(
        message.len() <= MESSAGE_LIMIT,
        "a {}-byte message",
        message.len()
    );
    assert!(
        threeds_wire::mask_pans(message) == message,
        "a card number in a message: {}",
        threeds_wire::excerpt(message)
    );
}

fn normalize_target(provider: Provider) -> impl Fn(&str) {
    let catalog = Catalog::builtin().expect("catalog");
    move |text: &str| {
        let ctx = Context::new(&catalog);
        for p in [None, Some(provider)] {
            match normalize_text(text, p, &ctx) {
                Ok(n) => n.explain.warnings.iter().for_each(|w| check_message(w)),
                Err(e) => check_message(&e.to_string()),
            }
        }
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            let _ = normalize_value(&value, Some(provider), &ctx);
        }
    }
}

#[test]
fn fuzz_normalize_checkout() {
    fuzz(
        "normalize_checkout",
        corpus("checkout"),
        normalize_target(Provider::CHECKOUT),
    );
}

#[test]
fn fuzz_normalize_paysafe() {
    fuzz(
        "normalize_paysafe",
        corpus("paysafe"),
        normalize_target(Provider::PAYSAFE),
    );
}

#[test]
fn fuzz_normalize_mangopay() {
    let seeds: Vec<String> = corpus("mangopay")
        .into_iter()
        .filter(|s| serde_json::from_str::<Value>(s).is_ok())
        .collect();
    fuzz(
        "normalize_mangopay",
        seeds,
        normalize_target(Provider::MANGOPAY),
    );
}

#[test]
fn fuzz_normalize_mangopay_hook_query() {
    let seeds: Vec<String> = corpus("mangopay")
        .into_iter()
        .filter(|s| serde_json::from_str::<Value>(s).is_err() && s.contains("EventType="))
        .map(|s| s.trim().to_owned())
        .collect();
    fuzz(
        "normalize_mangopay_hook_query",
        seeds,
        normalize_target(Provider::MANGOPAY),
    );
}

#[test]
fn fuzz_normalize_pxp() {
    fuzz(
        "normalize_pxp",
        corpus("pxp"),
        normalize_target(Provider::PXP),
    );
}

/// The request fixtures of one PSP (`fixtures/requests/<psp>_*.json`).
fn requests(provider: Provider) -> Vec<String> {
    let prefix = format!("{}_", provider.as_str());
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures").join("requests"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn translate_target(from: Provider) -> impl Fn(&str) {
    move |text: &str| {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return;
        };
        // No panic. (The length of translate's messages is not checked yet: a rejected
        // request's message can quote the request at length.)
        for to in threeds_bridge::psp::providers() {
            let _ = translate(&value, from, to, &[]);
        }
        let c = codec(from).unwrap();
        if let Ok(model) = c.read(&value) {
            if let Ok(built) = c.write(&model) {
                let _ = c.validate(&built);
            }
        }
    }
}

#[test]
fn fuzz_translate_from_checkout() {
    fuzz(
        "translate_checkout",
        requests(Provider::CHECKOUT),
        translate_target(Provider::CHECKOUT),
    );
}

#[test]
fn fuzz_translate_from_paysafe() {
    fuzz(
        "translate_paysafe",
        requests(Provider::PAYSAFE),
        translate_target(Provider::PAYSAFE),
    );
}

#[test]
fn fuzz_translate_from_mangopay() {
    fuzz(
        "translate_mangopay",
        requests(Provider::MANGOPAY),
        translate_target(Provider::MANGOPAY),
    );
}

#[test]
fn fuzz_translate_from_pxp() {
    fuzz(
        "translate_pxp",
        requests(Provider::PXP),
        translate_target(Provider::PXP),
    );
}

/// `liability` arguments, one per line (`--flag value`), run through the real binary: it
/// exits with a documented code (never a panic's 101 or a signal), and its messages are
/// bounded.
#[test]
fn fuzz_liability_args() {
    let seeds = vec![
        "--network visa\n--trans-status Y\n--eci 05\n--cavv-present".to_owned(),
        "--network mastercard\n--trans-status A\n--eci 01\n--version 2.2.0".to_owned(),
        "--network visa\n--version 1.0.2\n--enrollment Y\n--trans-status Y\n--signature Y\n--eci 05"
            .to_owned(),
        "--network cartes_bancaires\n--trans-status Y\n--challenge-indicator 04\n--challenged true"
            .to_owned(),
        "--network amex\n--trans-status I\n--exemption low_value\n--category non_payment".to_owned(),
    ];
    // Each input starts a process: a fifth of the other targets' iterations.
    fuzz_scaled("liability_args", seeds, 5, |text: &str| {
        // An argument cannot hold a NUL byte (the OS takes C strings).
        let text = text.replace('\0', "");
        let args: Vec<&str> = text.lines().flat_map(|l| l.splitn(2, ' ')).collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
            .arg("liability")
            .args(&args)
            .output()
            .expect("binary runs");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "exit {code:?}: {}",
            threeds_wire::bounded(&String::from_utf8_lossy(&out.stderr))
        );
        // Length only: a usage error quotes the caller's own argument back, card number or
        // not.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let longest = stderr.lines().map(str::len).max().unwrap_or(0);
        assert!(
            longest <= MESSAGE_LIMIT + text.len(),
            "a {longest}-byte message"
        );
    });
}

/// Webhook signature inputs: any key, body, id, timestamp and signature text is checked
/// without panicking, and a genuine signature verifies for its own inputs only.
#[test]
fn fuzz_webhook_signatures() {
    use threeds_pxp::client::signing_unverified::{
        timestamp_fresh, verify_webhook, webhook_signature,
    };
    use threeds_wire::signature::{sign_base64, sign_hex, verify_base64, verify_hex};
    let seeds: Vec<String> = ["checkout", "paysafe", "pxp"]
        .iter()
        .flat_map(|p| corpus(p).into_iter().take(3))
        .collect();
    fuzz("webhook_signatures", seeds.clone(), |text: &str| {
        let (id, rest) = text.split_at(text.char_indices().nth(8).map_or(0, |(i, _)| i));
        let key = "whsec_test";
        let body = rest.as_bytes();
        let ts = "1700000000";
        for sig in [text, id, rest] {
            let _ = verify_hex("key", key.as_bytes(), &[body], sig);
            let _ = verify_base64("key", text.as_bytes(), &[body], sig);
            let _ = verify_webhook(key, id, sig, body, sig);
            let _ = timestamp_fresh(sig, std::time::SystemTime::now());
        }
        let hex = sign_hex("key", key.as_bytes(), &[body]).unwrap();
        assert_eq!(verify_hex("key", key.as_bytes(), &[body], &hex), Ok(true));
        let b64 = sign_base64("key", key.as_bytes(), &[body]).unwrap();
        assert_eq!(
            verify_base64("key", key.as_bytes(), &[body], &b64),
            Ok(true)
        );
        let pxp = webhook_signature(key, id, ts, body).unwrap();
        assert_eq!(verify_webhook(key, id, ts, body, &pxp), Ok(true));
        let tampered: Vec<u8> = body.iter().copied().chain(*b" ").collect();
        assert_eq!(
            verify_hex("key", key.as_bytes(), &[&tampered], &hex),
            Ok(false)
        );
        assert_eq!(verify_webhook(key, id, ts, &tampered, &pxp), Ok(false));
    });
    assert!(!seeds.is_empty());
}
