//! Secrets canary: known values pushed through every fixture, every error path, `--explain`
//! and `translate` must never appear in any output, except where `--reveal-secrets` asks.
//!
//! Secret fields of each fixture are overwritten with canaries (and, for the error paths,
//! with malformed canaries: wrong JSON types, and canaries placed in fields of other types),
//! the real binary is run, and stdout and stderr are searched.

mod common;

use common::bin;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;

const PAN: &str = "4000000000009995";
const CVV: &str = "7319";
const CAVV: &str = "Q0FOQVJZQ0FWVkNBTkFSWUNBVlY=";
const SESSION_SECRET: &str = "sek_CANARYsecretCANARYsecretCANARYsecretCANARY0=";
const TOKEN: &str = "tok_canarycanarycanarycanary";
const NEVER_SHOWN: &[&str] = &[PAN, CVV, CAVV, SESSION_SECRET, TOKEN];

/// Keys holding secrets, with the canary to put there. `number` only under a card source.
fn canary_for(parent: &str, key: &str) -> Option<&'static str> {
    Some(match key {
        "cryptogram" | "cavv" | "cardholderAuthenticationVerificationValue" => CAVV,
        "session_secret" => SESSION_SECRET,
        "cardNum" | "primaryAccountNumber" => PAN,
        "number" if matches!(parent, "source" | "card") => PAN,
        "cardVerificationCode" | "cvv" | "cvc" => CVV,
        "paymentToken" => TOKEN,
        "token" if parent == "source" => TOKEN,
        _ => return None,
    })
}

fn plant(v: &mut Value, parent: &str, malformed: bool) -> usize {
    let mut planted = 0;
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if let Some(canary) = canary_for(parent, k) {
                    *child = if malformed {
                        json!({ "nested": canary })
                    } else {
                        json!(canary)
                    };
                    planted += 1;
                } else {
                    planted += plant(child, k, malformed);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                planted += plant(item, parent, malformed);
            }
        }
        _ => {}
    }
    planted
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        let n = p
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        n.ends_with(".json") && !n.ends_with(".golden.json") && n != "manifest.json"
    });
    files.sort();
    files
}

fn fixture_documents() -> Vec<Value> {
    ["checkout", "paysafe", "mangopay", "pxp"]
        .iter()
        .flat_map(|p| json_files(&root().join("fixtures").join(p)))
        .filter_map(|p| serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok())
        .collect()
}

fn leaks(output: &Output) -> Vec<&'static str> {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    NEVER_SHOWN
        .iter()
        .copied()
        .filter(|c| text.contains(c))
        .collect()
}

fn jsonl(docs: &[Value]) -> String {
    docs.iter().map(|d| d.to_string() + "\n").collect()
}

#[test]
fn normalize_never_prints_planted_secrets_and_reveals_the_cavv_only_when_asked() {
    let mut docs = fixture_documents();
    let planted: usize = docs.iter_mut().map(|d| plant(d, "", false)).sum();
    assert!(
        planted > 10,
        "too few secret fields found in fixtures ({planted})"
    );
    let input = jsonl(&docs);
    for args in [&["normalize"][..], &["normalize", "--explain"][..]] {
        let out = bin(args, &input);
        assert!(leaks(&out).is_empty(), "{args:?} leaked {:?}", leaks(&out));
        assert!(!out.stdout.is_empty());
    }
    let revealed = bin(&["normalize", "--reveal-secrets", "--explain"], &input);
    let text = String::from_utf8_lossy(&revealed.stdout);
    assert!(
        text.contains(CAVV),
        "--reveal-secrets prints the authentication value"
    );
    assert!(
        !text.contains(SESSION_SECRET) && !text.contains(PAN),
        "--reveal-secrets reveals only the authentication value"
    );
}

#[test]
fn error_paths_never_print_planted_secrets() {
    let mut broken = Vec::new();
    for doc in fixture_documents() {
        // The secret fields themselves malformed (an object where a string belongs).
        let mut malformed = doc.clone();
        if plant(&mut malformed, "", true) > 0 {
            broken.push(malformed);
        }
        // Secrets planted in place, and the document broken elsewhere: a wrong type in a
        // structural field (a shape error), or an unknown value in a status field (a
        // warning). Neither report may carry the secrets along.
        let mut planted = doc.clone();
        if plant(&mut planted, "", false) == 0 {
            continue;
        }
        if let Value::Object(map) = &planted {
            for key in [
                "amount",
                "eci",
                "DebitedFunds",
                "card",
                "acs",
                "ds",
                "data",
                "error",
                "stateData",
                "_links",
                "source",
            ] {
                if map.contains_key(key) {
                    let mut m = map.clone();
                    m.insert(key.to_owned(), json!([true]));
                    broken.push(Value::Object(m));
                }
            }
            for key in [
                "status",
                "Status",
                "state",
                "threeDResult",
                "response_code",
                "ResultCode",
                "type",
            ] {
                if map.contains_key(key) {
                    let mut m = map.clone();
                    m.insert(key.to_owned(), json!("NOT_A_KNOWN_VALUE"));
                    broken.push(Value::Object(m));
                }
            }
        }
    }
    assert!(
        broken.len() > 20,
        "too few broken documents ({})",
        broken.len()
    );
    let mut input = jsonl(&broken);
    // Truncated documents holding canaries: not JSON.
    input.push_str(&format!("{{\"cryptogram\": \"{CAVV}\", \"eci\": \n"));
    input.push_str(&format!("{{\"cardNum\": \"{PAN}\n"));
    let out = bin(&["normalize", "--explain"], &input);
    assert!(leaks(&out).is_empty(), "leaked {:?}", leaks(&out));
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(
        errors.contains("error: -:") && errors.contains("warning: -:"),
        "the broken documents produced errors and warnings"
    );
}

#[test]
fn translate_masks_card_data_unless_revealed() {
    let requests = root().join("fixtures").join("requests");
    let pairs = [
        ("checkout", "checkout_session_request_node_sdk.json"),
        ("paysafe", "paysafe_authentication_request_blueprint.json"),
        ("mangopay", "mangopay_direct_payin_request_docs.json"),
        ("pxp", "pxp_standalone_request_docs.json"),
    ];
    let mut revealed_somewhere = false;
    for (from, file) in pairs {
        let mut doc: Value =
            serde_json::from_str(&std::fs::read_to_string(requests.join(file)).unwrap()).unwrap();
        plant(&mut doc, "", false);
        for to in ["checkout", "paysafe", "mangopay", "pxp", "model"] {
            let out = bin(&["translate", "--from", from, "--to", to], &doc.to_string());
            assert!(
                leaks(&out).is_empty(),
                "{from} -> {to} leaked {:?}",
                leaks(&out)
            );
            let shown = bin(
                &["translate", "--from", from, "--to", to, "--reveal-secrets"],
                &doc.to_string(),
            );
            revealed_somewhere |= String::from_utf8_lossy(&shown.stdout).contains(PAN);
        }
    }
    assert!(
        revealed_somewhere,
        "--reveal-secrets prints the card number needed to send the request"
    );
}

/// The built request holds the card number, CVV and tokens in clear (it is what would be
/// sent); `Translation`'s `Debug`, `Display` of its request and its serialization must show
/// them as `rendered` does, also `Debug` inside a reveal scope. Only the explicit calls
/// (`rendered(true)`, `request.expose()`, serializing inside `with_secrets_revealed`) give
/// them back.
#[test]
fn translation_shows_no_secrets_unless_revealed() {
    let requests = root().join("fixtures").join("requests");
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(requests.join("pxp_standalone_request_docs.json")).unwrap(),
    )
    .unwrap();
    const PAN: &str = "4111111111111111";
    const CVV: &str = "\"123\"";
    let (mut pan_revealed_somewhere, mut cvv_revealed_somewhere) = (false, false);
    for to in threeds_bridge::psp::providers() {
        let t = threeds_bridge::translate::translate(
            &doc,
            threeds_bridge::model::Provider::PXP,
            to,
            &[],
        )
        .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        let shown = [
            format!("{t:?}"),
            t.request.to_string(),
            json.clone(),
            threeds_wire::with_secrets_revealed(|| format!("{t:?} {}", t.request)),
        ];
        for text in &shown {
            assert!(!text.contains(PAN), "{to}: {text}");
            assert!(!text.contains(CVV), "{to}: the CVV in {text}");
        }
        assert!(json.contains("\"dropped\""), "{to}: {json}");
        // Mangopay's pay-in takes a registered card's id, not its number.
        let revealed = t.rendered(true).unwrap().to_string();
        let exposed = t.request.expose().to_string();
        let serialized =
            threeds_wire::with_secrets_revealed(|| serde_json::to_string(&t.request)).unwrap();
        for secret in [PAN, CVV] {
            let carried = revealed.contains(secret);
            assert_eq!(exposed.contains(secret), carried, "{to}: {exposed}");
            assert_eq!(serialized.contains(secret), carried, "{to}: {serialized}");
        }
        pan_revealed_somewhere |= revealed.contains(PAN);
        cvv_revealed_somewhere |= revealed.contains(CVV);
    }
    assert!(
        pan_revealed_somewhere && cvv_revealed_somewhere,
        "the revealed request of a PSP that takes the card number and CVV carries them"
    );
}

/// Runs `threeds-bridge args FILE` with `input` in a temporary file: large inputs would fill
/// the pipes if written to stdin while the binary writes its output.
fn bin_on_file(args: &[&str], input: &str, name: &str) -> Output {
    // Tests run on parallel threads of one process: each call gets its own file, or one
    // test's input would be overwritten or removed under another's run.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("canary-{}-{call}-{name}.jsonl", std::process::id()));
    std::fs::write(&path, input).expect("input written");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
        .args(args)
        .arg(&path)
        .output()
        .expect("binary runs");
    let _ = std::fs::remove_file(&path);
    out
}

/// Every way a card number can sit where no card number belongs in `doc`: as an integer and
/// inside other text in each top-level field, as a key name at the top and in each nested
/// object, and as the key of a one-field document nothing recognises.
fn pans_in_wrong_places(doc: &Value) -> Vec<Value> {
    let pan_number: u64 = PAN.parse().expect("digits");
    let mut out = vec![json!({ PAN: {"x": 1} })];
    let Value::Object(map) = doc else {
        return out;
    };
    for key in map.keys() {
        for wrong in [
            json!(pan_number),
            json!(format!("NOT_KNOWN {PAN} value")),
            json!({ PAN: PAN }),
            json!([pan_number]),
        ] {
            let mut m = map.clone();
            m.insert(key.clone(), wrong);
            out.push(Value::Object(m));
        }
    }
    let mut with_key = map.clone();
    with_key.insert(PAN.to_owned(), json!(1));
    for child in with_key.values_mut() {
        if let Value::Object(inner) = child {
            inner.insert(PAN.to_owned(), json!(pan_number));
        }
    }
    out.push(Value::Object(with_key));
    out
}

#[test]
fn a_card_number_in_a_wrong_field_key_or_text_is_masked_wherever_it_is_reported() {
    for provider in ["checkout", "paysafe", "mangopay", "pxp"] {
        let docs: Vec<Value> = json_files(&root().join("fixtures").join(provider))
            .into_iter()
            .filter_map(|p| serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok())
            .flat_map(|d: Value| pans_in_wrong_places(&d))
            .collect();
        assert!(docs.len() > 50, "{provider}: {} documents", docs.len());
        let input = jsonl(&docs);
        for args in [
            &["normalize", "--explain"][..],
            &["normalize", "--provider", provider][..],
        ] {
            let out = bin_on_file(args, &input, provider);
            // Messages: stderr, and the warnings `--explain` repeats on stdout. (The output's
            // data fields carry what the PSP sent, such as an amount, as they are.)
            let stderr = String::from_utf8_lossy(&out.stderr);
            let warnings: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .map(|v| v["explain"]["warnings"].to_string())
                .collect();
            let leak = stderr
                .lines()
                .map(str::to_owned)
                .chain(warnings)
                .find(|l| l.contains(PAN));
            assert!(leak.is_none(), "{provider} {args:?}: {leak:?}");
            assert!(
                stderr.contains("400000******9995"),
                "{provider}: the masked number names what was wrong"
            );
        }
    }
}

#[test]
fn a_five_megabyte_field_never_makes_a_message_over_a_kilobyte() {
    let big = "9".repeat(5 << 20);
    for provider in ["checkout", "paysafe", "mangopay", "pxp"] {
        // Each top-level field name of the PSP's fixtures once, holding the big value, in the
        // first fixture that has it; and the big value as a key.
        let mut seen = std::collections::BTreeSet::new();
        let mut docs = vec![json!({ &big: 1 })];
        for doc in json_files(&root().join("fixtures").join(provider))
            .into_iter()
            .filter_map(|p| serde_json::from_str::<Value>(&std::fs::read_to_string(p).ok()?).ok())
        {
            let Value::Object(map) = &doc else { continue };
            for key in map.keys() {
                if seen.insert(key.clone()) {
                    let mut m = map.clone();
                    m.insert(key.clone(), json!(big));
                    docs.push(Value::Object(m));
                }
            }
            if docs.len() == 2 {
                let mut with_key = map.clone();
                with_key.insert(big.clone(), json!(1));
                docs.push(Value::Object(with_key));
            }
        }
        let out = bin_on_file(&["normalize", "--explain"], &jsonl(&docs), provider);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.lines().count() > 5,
            "{provider}: messages were written"
        );
        let longest = stderr.lines().map(str::len).max().unwrap_or(0);
        assert!(
            longest <= 1100,
            "{provider}: a {longest}-byte message: {}",
            &stderr.lines().find(|l| l.len() == longest).unwrap_or("")[..300]
        );
    }
}
