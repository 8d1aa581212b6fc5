//! Cost bounded by size: normalizing a document costs a small multiple of its size in memory,
//! whatever its shape, and time grows linearly with it.
//!
//! A counting global allocator records the peak of live heap bytes allocated by the current
//! thread while one document is normalized (the test harness runs tests on several threads;
//! counting per thread keeps them apart). The documents are the worst shapes for a generic
//! JSON tree: long arrays of tiny objects, where a tree node costs far more than the text it
//! came from, in the fields each PSP's documents carry and in fields nobody reads.
//!
//! `cargo test -p threeds-bridge --test cost -- --nocapture --test-threads=1` prints the
//! table recorded in docs/performance.md.

use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};
use threeds_bridge::{normalize_text, Catalog, Context};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak heap bytes held above what was live before, and the time taken, while `f` runs.
fn measure<T>(f: impl FnOnce() -> T) -> (usize, Duration) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    drop(out);
    let peak = PEAK.with(Cell::get) - base;
    (peak.max(0) as usize, took)
}

/// `template` with `"FILL"` replaced by an array of `{"a":1}` objects, or its member
/// `"MEMBERS": 0` by members `"m0":0,"m1":0,...`, making the text about `bytes` long.
fn inflate(template: &Value, bytes: usize) -> String {
    let text = template.to_string();
    let (slot, item): (&str, fn(usize) -> String) = if text.contains("\"MEMBERS\":0") {
        ("\"MEMBERS\":0", |i| format!("\"m{i}\":0,"))
    } else {
        ("\"FILL\"", |_| r#"{"a":1},"#.to_owned())
    };
    let mut fill = String::with_capacity(bytes);
    let mut i = 0;
    while text.len() + fill.len() < bytes {
        fill.push_str(&item(i));
        i += 1;
    }
    fill.pop();
    if slot == "\"FILL\"" {
        fill = format!("[{fill}]");
    }
    text.replacen(slot, &fill, 1)
}

/// The documents measured: (name, template with one `"FILL"`).
fn shapes() -> Vec<(&'static str, Value)> {
    vec![
        (
            "paysafe error, fieldErrors",
            json!({"error": {"code": "5068", "message": "Field error(s)", "fieldErrors": "FILL"}}),
        ),
        (
            "paysafe error, liveMode",
            json!({"error": {"code": "5068"}, "liveMode": "FILL"}),
        ),
        (
            "paysafe authentication, unknown field",
            json!({"id": "a", "merchantRefNum": "r", "status": "COMPLETED", "threeDResult": "Y",
                   "eci": 5, "cavv": "AAAB", "extra": "FILL"}),
        ),
        (
            "pxp webhook, eventData",
            json!({"eventCategory": "Authentication", "eventData": {
                "authenticationId": "a", "state": "AuthenticationSuccessful",
                "electronicCommerceIndicator": "05", "extra": "FILL"}}),
        ),
        (
            "pxp authentication, unknown field",
            json!({"authenticationId": "a", "state": "AuthenticationSuccessful", "extra": "FILL"}),
        ),
        (
            "checkout session, unknown field",
            json!({"id": "sid_a", "status": "approved", "_links": {"self": {"href": "x"}},
                   "authentication_type": "regular", "extra": "FILL"}),
        ),
        (
            "checkout session, many members",
            json!({"id": "sid_a", "status": "approved", "MEMBERS": 0}),
        ),
        (
            "checkout webhook, data",
            json!({"id": "evt_a", "type": "authentication_approved", "created_on": "2024-01-01T00:00:00Z",
                   "data": {"session_id": "sid_a", "extra": "FILL"}}),
        ),
        (
            "checkout error, error_codes",
            json!({"request_id": "r", "error_type": "request_invalid", "error_codes": "FILL"}),
        ),
        (
            "mangopay payin, unknown field",
            json!({"Id": "1", "Status": "SUCCEEDED", "PaymentType": "CARD", "ExecutionType": "DIRECT",
                   "ResultCode": "000000", "SecureModeNeeded": false, "extra": "FILL"}),
        ),
        (
            "mangopay api error, errors",
            json!({"Message": "One or several required parameters are missing or incorrect.",
                   "Type": "param_error", "Id": "x", "Date": 1, "errors": "FILL"}),
        ),
        (
            "mangopay api error, one field's message",
            json!({"Message": "One or several required parameters are missing or incorrect.",
                   "Type": "param_error", "Id": "x", "Date": 1, "errors": {"DebitedFunds": "FILL"}}),
        ),
    ]
}

/// Normalizing costs at most ten times the text, plus a little for the catalog's strings and
/// the output: the adapters read their wire types from the text, skipping what they do not
/// know, and classify by a skeleton of the top-level members (not a tree, which for tiny
/// objects is 80 times the text). The skeleton of a document of many top-level members is
/// that many map entries: the costliest shape left, at about ten times. Prints the numbers
/// recorded in docs/performance.md.
#[test]
fn normalizing_costs_a_small_multiple_of_the_text() {
    let catalog = Catalog::builtin().expect("catalog");
    let ctx = Context::new(&catalog);
    for (name, template) in shapes() {
        for size in [256 * 1024, 2 * 1024 * 1024] {
            let text = inflate(&template, size);
            let (tree, _) = measure(|| serde_json::from_str::<Value>(&text));
            let (peak, took) = measure(|| normalize_text(&text, None, &ctx));
            let outcome = match normalize_text(&text, None, &ctx) {
                Ok(n) => n.explain.document.to_owned(),
                Err(e) => e.to_string().chars().take(40).collect(),
            };
            println!(
                "{name:38} {:>5} KiB: tree {:>5.1}x, normalize {:>5.1}x, {:>6.1} ms ({outcome})",
                text.len() / 1024,
                tree as f64 / text.len() as f64,
                peak as f64 / text.len() as f64,
                took.as_secs_f64() * 1000.0
            );
            assert!(
                peak <= 10 * text.len() + (64 << 10),
                "{name}: {peak} bytes for a {}-byte text",
                text.len()
            );
        }
    }
}

/// A document the size of the largest real PSP documents' long fields: a long message.
#[test]
fn a_long_string_costs_a_few_times_its_size() {
    let catalog = Catalog::builtin().expect("catalog");
    let ctx = Context::new(&catalog);
    let message = "x".repeat(2 << 20);
    let text = json!({"error": {"code": "5068", "message": message}}).to_string();
    let (peak, _) = measure(|| normalize_text(&text, None, &ctx));
    println!(
        "paysafe error, 2 MiB message: normalize {:.1}x",
        peak as f64 / text.len() as f64
    );
    assert!(peak <= 4 * text.len(), "{peak} bytes for {}", text.len());
}
