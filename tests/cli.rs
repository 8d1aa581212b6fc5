//! The command line, end to end, through the real binary.

mod common;

use common::bin;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)).expect("fixture")
}

fn compact(path: &str) -> String {
    let v: Value = serde_json::from_str(&fixture(path)).expect("fixture is JSON");
    v.to_string()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn json_lines_keep_going_after_a_bad_line_and_exit_1() {
    let input = format!(
        "{}\n{{\"id\": \"sid_x\", \n{}\n",
        compact("fixtures/checkout/session_approved_frictionless_node.json"),
        compact("fixtures/mangopay/payin_failed_101304_expired.json"),
    );
    let out = bin(&["normalize"], &input);
    assert_eq!(out.status.code(), Some(1));
    let docs = lines(&out);
    assert_eq!(docs.len(), 2, "both good documents are normalized");
    assert_eq!(docs[0]["provider"], "checkout");
    assert_eq!(docs[1]["status"], "expired");
    assert!(
        stderr(&out).contains("error: -:2: not JSON"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_shape_error_names_file_line_and_json_path() {
    let mut doc: Value = serde_json::from_str(&fixture(
        "fixtures/checkout/session_approved_frictionless_node.json",
    ))
    .unwrap();
    doc["acs"] = Value::from(5);
    let input = format!(
        "{}\n{}\n",
        compact("fixtures/checkout/session_approved_frictionless_node.json"),
        doc
    );
    let out = bin(&["normalize", "-"], &input);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error: -:2: checkout") && err.contains("at acs"),
        "{err}"
    );
    assert_eq!(lines(&out).len(), 1);
}

#[test]
fn an_invalid_pretty_document_is_reported_with_its_file_and_line() {
    let out = bin(
        &[
            "normalize",
            "fixtures/paysafe/bad_real_blueprint_missing_commas.json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: fixtures/paysafe/bad_real_blueprint_missing_commas.json:"),
        "{err}"
    );
    assert!(err.contains("not JSON"), "{err}");
}

#[test]
fn a_document_of_no_psp_is_an_error_not_a_guess() {
    let out = bin(&["normalize"], "{\"hello\": \"world\"}\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("matches no known PSP document"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_codes_are_reported_and_codes_files_override_them() {
    let mut doc: Value = serde_json::from_str(&fixture(
        "fixtures/mangopay/payin_failed_101304_expired.json",
    ))
    .unwrap();
    doc["ResultCode"] = Value::from("999998");
    let input = doc.to_string() + "\n";
    let out = bin(&["normalize"], &input);
    assert_eq!(out.status.code(), Some(0));
    let d = &lines(&out)[0];
    assert_eq!(
        (d["status"].as_str(), d["next_step"].as_str()),
        (Some("unknown"), Some("investigate"))
    );
    assert_eq!(d["raw"]["code"], "999998");
    assert!(
        stderr(&out).contains("warning: -:1:") && stderr(&out).contains("999998"),
        "{}",
        stderr(&out)
    );

    let dir = std::env::temp_dir().join(format!("threeds-codes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let codes = dir.join("codes.csv");
    std::fs::write(
        &codes,
        "provider,table,code,message,status,reason,next_step,retry,source\n\
         mangopay,result_code,999998,Issuer declined (new),declined,issuer_declined,do_not_authorize,never,ops ticket 1\n",
    )
    .unwrap();
    let out = bin(
        &["normalize", "--explain", "--codes", codes.to_str().unwrap()],
        &input,
    );
    let d = &lines(&out)[0];
    assert_eq!(d["status"], "declined");
    assert!(
        d["explain"]["catalog_row"]
            .as_str()
            .unwrap()
            .contains("codes.csv"),
        "{d}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn explain_names_the_status_rule_and_the_liability_rule() {
    let out = bin(
        &[
            "normalize",
            "--explain",
            "fixtures/checkout/session_approved_frictionless_node.json",
        ],
        "",
    );
    let d = &lines(&out)[0];
    assert_eq!(d["status"], "authenticated");
    assert!(
        d["explain"]["status_rule"]
            .as_str()
            .unwrap()
            .starts_with("catalog:checkout/"),
        "{d}"
    );
    assert_eq!(d["explain"]["liability"]["rule"], "visa.v2.y");
    assert_eq!(d["liability_shift"], true);
}

#[test]
fn mangopay_hook_query_lines_are_documents() {
    let out = bin(
        &["normalize"],
        "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=123456&Date=1548806400\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d = &lines(&out)[0];
    assert_eq!(
        (d["provider"].as_str(), d["kind"].as_str(), d["id"].as_str()),
        (Some("mangopay"), Some("webhook"), Some("123456"))
    );
}

#[test]
fn liability_command_prints_rule_and_source_and_rejects_bad_flags() {
    let visa_3ds1_not_enrolled_eci6 = |extra: &[&str]| -> Value {
        let mut args = vec![
            "liability",
            "--network",
            "visa",
            "--version",
            "1.0.2",
            "--enrollment",
            "N",
            "--eci",
            "6",
        ];
        args.extend_from_slice(extra);
        serde_json::from_slice(&bin(&args, "").stdout).unwrap()
    };
    let d = visa_3ds1_not_enrolled_eci6(&["--as-of", "2020-06-01"]);
    assert_eq!(d["liability_shift"], true);
    assert_eq!(d["rule"], "visa.v1.not_enrolled_eci06");
    assert!(d["source"].as_str().unwrap().contains("Paysafe"));
    // The same facts dated after Visa retired 3DS 1.0.2 (default: today) do not shift.
    let d = visa_3ds1_not_enrolled_eci6(&[]);
    assert_eq!(d["liability_shift"], false);
    assert_eq!(d["rule"], "visa.v1.retired");
    let out = bin(
        &[
            "liability",
            "--network",
            "mastercard",
            "--trans-status",
            "A",
            "--eci",
            "01",
            "--cavv-present",
        ],
        "",
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap()["liability_shift"],
        true
    );
    let out = bin(
        &["liability", "--network", "visa", "--trans-status", "Q"],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad flag value is a usage error"
    );
    assert!(
        stderr(&out).contains("'Q'") && stderr(&out).contains("--trans-status"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn translate_names_what_it_drops_and_what_the_target_needs() {
    let src = "fixtures/requests/paysafe_authentication_request_blueprint.json";
    let out = bin(
        &["translate", "--from", "paysafe", "--to", "checkout", src],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("dropped: checkout has no field for it: device_session_id"),
        "{err}"
    );
    assert!(err.contains("target: checkout completion"), "{err}");
    // Carried into the model but not expressible at Checkout (its recurring terms exist only
    // for authentication_type recurring, and it has no MCC field).
    assert!(
        err.contains("dropped: checkout has no field for it: recurring.max_payments"),
        "{err}"
    );
    assert!(
        err.contains("dropped: checkout has no field for it: merchant.mcc"),
        "{err}"
    );
    let req: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(req["amount"], 123, "minor units carried as minor units");
    assert_eq!(
        req["source"]["number"], "411111******1111",
        "card number masked"
    );

    let strict = bin(
        &[
            "translate",
            "--from",
            "paysafe",
            "--to",
            "checkout",
            "--strict",
            src,
        ],
        "",
    );
    assert_eq!(
        strict.status.code(),
        Some(3),
        "strict loss has its own exit code"
    );

    let set = bin(
        &[
            "translate",
            "--from",
            "paysafe",
            "--to",
            "checkout",
            src,
            "--set",
            "completion.type=non_hosted",
            "--set",
            "completion.callback_url=https://example.com/cb",
        ],
        "",
    );
    assert!(
        !stderr(&set).contains("target: checkout completion"),
        "{}",
        stderr(&set)
    );
    let req: Value = serde_json::from_slice(&set.stdout).unwrap();
    assert_eq!(req["completion"]["type"], "non_hosted");

    let bad = bin(
        &[
            "translate",
            "--from",
            "paysafe",
            "--to",
            "checkout",
            src,
            "--set",
            "no_such_field=1",
        ],
        "",
    );
    assert_eq!(bad.status.code(), Some(2), "a bad --set is a usage error");
    assert!(
        stderr(&bad).contains("--set no_such_field: not a field of the checkout request"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn translate_converts_units_to_pxp_major_decimals_and_back() {
    let out = bin(
        &[
            "translate",
            "--from",
            "checkout",
            "--to",
            "pxp",
            "fixtures/requests/checkout_session_request_node_sdk.json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let req: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        req["preInitiate"]["amount"]["transactionValue"].as_f64(),
        Some(1.0),
        "100 minor units of USD are 1 major unit"
    );
    assert_eq!(req["preInitiate"]["amount"]["currencyCode"], "USD");

    let out = bin(
        &[
            "translate",
            "--from",
            "pxp",
            "--to",
            "mangopay",
            "fixtures/requests/pxp_standalone_request_docs.json",
        ],
        "",
    );
    let req: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(req["DebitedFunds"]["Amount"], 2999);
    assert!(
        stderr(&out).contains("target: mangopay CardId"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn summary_prints_a_table_of_every_fixture() {
    let out = bin(&["summary", "fixtures"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("provider"));
    for p in ["checkout", "paysafe", "mangopay", "pxp"] {
        assert!(
            text.lines().any(|l| l.starts_with(p)),
            "{p} missing from the summary"
        );
    }
    assert!(text.contains("documents:"));
}

/// `demo` runs every PSP through the in-process sandbox; each row is one authentication.
#[test]
fn demo_authenticates_through_every_psp() {
    let out = bin(&["demo"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let row = |psp: &str, scenario: &str| -> Vec<String> {
        table
            .lines()
            .find(|l| l.starts_with(psp) && l.contains(scenario))
            .unwrap_or_else(|| panic!("no {psp} {scenario} row in\n{table}"))
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    for psp in ["checkout", "paysafe", "mangopay", "pxp"] {
        let passed = row(psp, "challenge passed");
        assert_eq!(passed[2], "authenticated", "{passed:?}");
        assert_eq!(passed[5], "yes", "{passed:?}");
        assert!(
            passed.last().unwrap().contains("report_challenge"),
            "{passed:?}"
        );
        let failed = row(psp, "challenge failed");
        assert!(
            ["failed", "rejected"].contains(&failed[2].as_str()),
            "{failed:?}"
        );
        assert_eq!(failed[5], "no", "{failed:?}");
        assert_eq!(row(psp, "frictionless")[2], "authenticated");
    }
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("threeds-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn a_5_mb_field_is_quoted_as_an_excerpt_in_every_message() {
    let big = "7".repeat(5 * 1024 * 1024);
    // A Mangopay pay-in with a 5 MB result code (normalize), and a Checkout request with a
    // 5 MB enum value and a 5 MB unknown key (translate).
    let mut doc: Value = serde_json::from_str(&fixture(
        "fixtures/mangopay/payin_failed_101304_expired.json",
    ))
    .unwrap();
    doc["ResultCode"] = Value::from(big.clone());
    let out = bin(&["normalize"], &(doc.to_string() + "\n"));
    let err = stderr(&out);
    assert!(!err.is_empty());
    for line in err.lines() {
        assert!(line.len() < 2000, "a {}-byte message", line.len());
    }

    let mut req: Value = serde_json::from_str(&fixture(
        "fixtures/requests/checkout_session_request_node_sdk.json",
    ))
    .unwrap();
    req["transaction_type"] = Value::from(big.clone());
    let out = bin(
        &["translate", "--from", "checkout", "--to", "paysafe"],
        &req.to_string(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("transaction_type") && err.contains("bytes)"),
        "{}",
        &err[..err.len().min(600)]
    );
    assert!(err.len() < 2000, "{} bytes of messages", err.len());

    let mut req: Value = serde_json::from_str(&fixture(
        "fixtures/requests/checkout_session_request_node_sdk.json",
    ))
    .unwrap();
    req[big.as_str()] = Value::from(1);
    let out = bin(
        &["translate", "--from", "checkout", "--to", "paysafe"],
        &req.to_string(),
    );
    let err = stderr(&out);
    assert!(
        err.contains("not carried over"),
        "{}",
        &err[..err.len().min(600)]
    );
    for line in err.lines() {
        assert!(line.len() < 2000, "a {}-byte message", line.len());
    }
}

#[test]
fn a_line_over_the_limit_is_reported_and_skipped_and_the_rest_is_read() {
    let good = compact("fixtures/mangopay/payin_failed_101304_expired.json");
    let input = format!("{good}\n\"{}\"\n{good}\n", "x".repeat(3_000_000));
    let out = bin(&["normalize", "--max-line-bytes", "100000"], &input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lines(&out).len(), 2, "the lines around it are normalized");
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: -:2: the line of 3000002 bytes is longer than --max-line-bytes 100000; skipped"
        ),
        "{err}"
    );
    let zero = bin(&["normalize", "--max-line-bytes", "0"], "");
    assert_eq!(zero.status.code(), Some(2));
}

#[test]
fn empty_input_is_an_error_and_a_bom_is_accepted() {
    let out = bin(&["normalize"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: -: no documents"),
        "{}",
        stderr(&out)
    );
    let out = bin(&["normalize"], "\n  \n");
    assert_eq!(out.status.code(), Some(1));

    let bom = format!(
        "\u{feff}{}",
        fixture("fixtures/checkout/session_approved_frictionless_node.json")
    );
    let path = temp_file("bom.json", bom.as_bytes());
    let out = bin(&["normalize", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&out)[0]["provider"], "checkout");
}

#[test]
fn concatenated_pretty_documents_are_each_normalized_with_their_lines() {
    let a = fixture("fixtures/checkout/session_approved_frictionless_node.json");
    let b = fixture("fixtures/mangopay/payin_failed_101304_expired.json");
    let mut broken: Value = serde_json::from_str(&a).unwrap();
    broken["acs"] = Value::from(5);
    let broken = serde_json::to_string_pretty(&broken).unwrap();
    let input = format!("{}\n{}\n{}\n", a.trim(), b.trim(), broken);
    let out = bin(&["normalize"], &input);
    let docs = lines(&out);
    assert_eq!(docs.len(), 2, "{}", stderr(&out));
    assert_eq!(docs[0]["provider"], "checkout");
    assert_eq!(docs[1]["provider"], "mangopay");
    let third = a.trim().lines().count() + b.trim().lines().count() + 1;
    assert!(
        stderr(&out).contains(&format!("error: -:{third}: checkout")),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn provider_flag_on_another_psps_document_is_an_error() {
    let doc = compact("fixtures/mangopay/payin_failed_101304_expired.json");
    let out = bin(
        &["normalize", "--provider", "checkout"],
        &(doc.clone() + "\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(lines(&out).is_empty());
    assert!(
        stderr(&out).contains(
            "error: -:1: checkout: not a checkout document (it looks like a mangopay document)"
        ),
        "{}",
        stderr(&out)
    );
    let ok = bin(&["normalize", "--provider", "mangopay"], &(doc + "\n"));
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let bad = bin(&["normalize", "--provider", "stripe"], "");
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn translate_refuses_documents_that_are_not_requests_of_from() {
    let out = bin(
        &["translate", "--from", "checkout", "--to", "paysafe"],
        "{}",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: -:1: not a checkout.session_request"),
        "{}",
        stderr(&out)
    );
    let paysafe = fixture("fixtures/requests/paysafe_authentication_request_blueprint.json");
    let out = bin(
        &["translate", "--from", "checkout", "--to", "pxp"],
        &paysafe,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("it looks like a paysafe request"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn translate_reads_pxps_own_pre_initiate_body() {
    let envelope: Value = serde_json::from_str(&fixture(
        "fixtures/requests/pxp_standalone_request_docs.json",
    ))
    .unwrap();
    let pre = envelope["preInitiate"].to_string();
    let out = bin(&["translate", "--from", "pxp", "--to", "checkout"], &pre);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let req: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(req["amount"], 2999);
    assert_eq!(req["currency"], "EUR");
    assert_eq!(req["source"]["number"], "411111******1111");
    // Paths as the body spells them, not the envelope's.
    assert!(
        stderr(&out).contains("dropped: pxp acquirerProfileId: not carried over"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn translate_to_checkout_reports_the_missing_processing_channel_id() {
    let src = "fixtures/requests/paysafe_authentication_request_blueprint.json";
    let out = bin(
        &["translate", "--from", "paysafe", "--to", "checkout", src],
        "",
    );
    assert!(
        stderr(&out).contains("target: checkout processing_channel_id: required"),
        "{}",
        stderr(&out)
    );
    let set = bin(
        &[
            "translate",
            "--from",
            "paysafe",
            "--to",
            "checkout",
            src,
            "--set",
            "processing_channel_id=pc_zs5fqhybzc2e3jmq3efvybybpq",
        ],
        "",
    );
    assert!(
        !stderr(&set).contains("processing_channel_id"),
        "{}",
        stderr(&set)
    );
}

#[test]
fn translate_writes_and_reads_the_model() {
    let src = "fixtures/requests/paysafe_authentication_request_blueprint.json";
    let out = bin(
        &["translate", "--from", "paysafe", "--to", "model", src],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let model: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(model["amount"], 123);
    assert_eq!(model["cardholder_account"]["purchases_last_6_months"], 1);
    assert_eq!(
        model["merchant_risk"]["shipping_indicator"],
        "billing_address"
    );
    assert_ne!(
        model["card"]["number"], "4111111111111111",
        "redacted without --reveal-secrets"
    );

    let revealed = bin(
        &[
            "translate",
            "--from",
            "paysafe",
            "--to",
            "model",
            "--reveal-secrets",
            src,
        ],
        "",
    );
    let model = String::from_utf8_lossy(&revealed.stdout).into_owned();
    assert!(model.contains("4111111111111111"));
    let back = bin(
        &["translate", "--from", "model", "--to", "checkout"],
        &model,
    );
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    let req: Value = serde_json::from_slice(&back.stdout).unwrap();
    assert_eq!(req["account_info"]["purchase_count"], 1);
    assert!(
        !stderr(&back).contains("dropped: model"),
        "{}",
        stderr(&back)
    );

    let bad = bin(
        &["translate", "--from", "model", "--to", "checkout"],
        "{\"amount\": \"x\"}",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("model: at amount"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn help_lists_flag_values_and_exit_codes() {
    let out = bin(&["--help"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Exit codes:") && text.contains("3  translate --strict"),
        "{text}"
    );
    let out = bin(&["translate", "--help"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("- pxp") && text.contains("- model:"),
        "{text}"
    );
    assert!(text.contains("Exit codes:"), "{text}");
    let out = bin(&["liability", "--help"], "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("cartes_bancaires") && text.contains("unknown"),
        "{text}"
    );
    let out = bin(&["normalize", "--no-such-flag"], "");
    assert_eq!(out.status.code(), Some(2));
}

/// `-v` (repeatable, anywhere on the line) and `RUST_LOG` choose what is logged; logs go to
/// stderr only, so stdout is the same normalized output with or without them, and the
/// default logs nothing for a clean run.
#[test]
fn verbose_logs_go_to_stderr_and_leave_stdout_alone() {
    let input = compact("fixtures/checkout/session_approved_frictionless_node.json");
    let quiet = bin(&["normalize"], &input);
    let verbose = bin(&["normalize", "-vv"], &input);
    let before = bin(&["-vv", "normalize"], &input);
    let info = bin(&["normalize", "-v"], &input);
    for out in [&quiet, &verbose, &before, &info] {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
        assert_eq!(out.stdout, quiet.stdout);
    }
    assert_eq!(stderr(&quiet), "");
    assert_eq!(stderr(&info), "", "the event is a debug one");
    for out in [&verbose, &before] {
        let log = stderr(out);
        assert!(log.contains("DEBUG"), "{log}");
        assert!(
            log.contains("normalized place=-:1 provider=checkout status=authenticated"),
            "{log}"
        );
    }

    let from_env = std::process::Command::new(env!("CARGO_BIN_EXE_threeds-bridge"))
        .args([
            "normalize",
            "fixtures/checkout/session_approved_frictionless_node.json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "threeds_bridge=debug")
        .output()
        .expect("binary runs");
    assert_eq!(from_env.stdout, quiet.stdout);
    assert!(
        stderr(&from_env).contains("normalized place="),
        "{}",
        stderr(&from_env)
    );
}
