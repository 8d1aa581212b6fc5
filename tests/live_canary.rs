//! No secret reaches any output, error, `Debug` or log of the live flows.
//!
//! Every PSP runs its demo scenarios (frictionless, challenge passed and failed) and the
//! same scenarios again under injected faults (5xx, a malformed body, a broken
//! connection), with every `tracing` event captured at TRACE level. The credentials the
//! flows authenticate with, the webhook keys, the card numbers, and every authentication
//! value and client secret the flows obtained must appear in none of it.

use std::io::Write;
use std::sync::{Arc, Mutex};
use threeds_bridge::demo::browser::Browser;
use threeds_bridge::demo::merchant::Receiver;
use threeds_bridge::demo::{drive, setup};
use threeds_bridge::flow::Handle;
use threeds_bridge::output::{render, Options};
use threeds_bridge::sandbox::{start, SandboxOptions};
use threeds_wire::sandbox::Fault;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn known_secrets() -> Vec<String> {
    [
        threeds_checkout::sandbox::ACCESS_KEY_SECRET,
        threeds_checkout::sandbox::WEBHOOK_SIGNATURE_KEY,
        threeds_paysafe::sandbox::API_KEY_PASSWORD,
        threeds_paysafe::sandbox::PUBLIC_KEY_PASSWORD,
        threeds_mangopay::sandbox::SANDBOX_API_KEY,
        threeds_pxp::sandbox::TOKEN_VALUE,
        threeds_pxp::sandbox::WEBHOOK_HMAC_KEY,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_flows_never_print_a_secret() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = start(SandboxOptions::default()).await.unwrap();
    let receiver = Receiver::start().await.unwrap();
    let catalog = std::sync::Arc::new(threeds_bridge::Catalog::builtin().unwrap());
    let demos = setup::all(&sandbox, &receiver, catalog).await.unwrap();
    let mut printed = String::new();
    let mut secrets = known_secrets();
    let faults = [
        None,
        Some(Fault::Status(503)),
        Some(Fault::Malformed),
        Some(Fault::Reset),
    ];
    for demo in &demos {
        let browser = Browser::new(&sandbox.base(demo.provider.as_str())).unwrap();
        for fault in &faults {
            for scenario in &demo.scenarios {
                if let Some(number) = scenario
                    .request
                    .card
                    .as_ref()
                    .and_then(|c| c.number.as_ref())
                {
                    secrets.push(number.expose().to_owned());
                }
                if let Some(fault) = fault {
                    let queue = sandbox.faults(demo.provider.as_str()).unwrap();
                    queue.push(fault.clone(), 1, None);
                }
                let run = drive(demo.flow.as_ref(), &browser, scenario).await;
                if let Some(value) = &run.outcome.authentication.authentication_value {
                    secrets.push(value.expose().to_owned());
                }
                let options = Options {
                    explain: true,
                    ..Options::default()
                };
                printed.push_str(&render(&run.outcome, options));
                printed.push_str(&format!("{run:?}\n"));
                if let Some(queue) = sandbox.faults(demo.provider.as_str()) {
                    queue.clear();
                }
            }
        }
        // A read of an unknown authentication through one 503: retried, then the PSP's
        // not-found answer.
        sandbox
            .faults(demo.provider.as_str())
            .unwrap()
            .push(Fault::Status(503), 1, None);
        let step = demo
            .flow
            .fetch(&Handle::new(demo.provider, "no-such-id"))
            .await;
        printed.push_str(&format!("{step:?}\n"));
    }
    sandbox.shutdown().await;
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(printed.contains("authenticated"), "the flows ran");
    assert!(
        logged.contains("retrying"),
        "the transport logged its retries"
    );
    assert!(
        printed.contains("\"status\":\"error\""),
        "the faults were hit"
    );
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        assert!(
            !printed.contains(secret.as_str()),
            "a secret reached the output: {}…",
            &secret[..4]
        );
        assert!(
            !logged.contains(secret.as_str()),
            "a secret reached the logs: {}…",
            &secret[..4]
        );
    }
}
