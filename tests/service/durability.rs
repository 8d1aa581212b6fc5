//! What survives: a restart on SQLite, two instances on one PostgreSQL, and a SIGKILL in
//! the middle of a webhook delivery. The PSPs are one sandbox that outlives the service
//! instances (as real PSPs do), reached through a config file's accounts.

use super::db::{postgres_db, sqlite_db, Db};
use super::support::*;
use serde_json::Value;
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use threeds_bridge::sandbox::{RunningSandbox, SandboxOptions};
use threeds_bridge::service::{start, RunningService, ServeOptions, ServiceConfig};

async fn psp_sandbox() -> RunningSandbox {
    threeds_bridge::sandbox::start(SandboxOptions::default())
        .await
        .expect("the sandbox starts")
}

/// A free loopback port. A restarted instance listens where the first did: the PSPs
/// were given its URLs (callbacks, notification pages), as a deployment's stable public
/// URL would be.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

async fn instance(sandbox: &RunningSandbox, db: &Db, port: u16) -> RunningService {
    let config = ServiceConfig::from_toml(&config_toml(sandbox), &config_env).expect("config");
    start(ServeOptions {
        listen: Some(SocketAddr::from(([127, 0, 0, 1], port))),
        db: Some(db.url.clone()),
        config: Some(config),
        ..ServeOptions::default()
    })
    .await
    .expect("the service starts")
}

/// Creates Checkout's challenge scenario and drives it up to the challenge.
async fn up_to_the_challenge(api: &Api, sandbox: &RunningSandbox, key: &str) -> Value {
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let scenario = at_account(&scenarios, "checkout", "challenge passed", "checkout-eu");
    let created = api
        .post_keyed("/v1/authentications", &create_body(&scenario), key)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let (waiting, calls) = drive(api, sandbox, created.body, None).await;
    assert_eq!(
        waiting["status"], "challenge_required",
        "{calls:?}: {waiting}"
    );
    waiting
}

async fn finish(api: &Api, sandbox: &RunningSandbox, waiting: Value) -> Value {
    let (scenarios, _receiver) = scenarios(sandbox).await;
    let cardholder = find(&scenarios, "checkout", "challenge passed")
        .cardholder
        .clone();
    let (done, calls) = drive(api, sandbox, waiting, cardholder.as_ref()).await;
    assert_eq!(done["status"], "authenticated", "{calls:?}: {done}");
    done
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_nothing() {
    let sandbox = psp_sandbox().await;
    let db = sqlite_db();
    let port = free_port();
    let first = instance(&sandbox, &db, port).await;
    let api = Api::new(&first.base_url, API_KEY);
    let waiting = up_to_the_challenge(&api, &sandbox, "restart-1").await;
    let id = waiting["id"].as_str().unwrap().to_owned();
    let events_before = api.get("/v1/events?limit=100").await.body;
    first.shutdown().await;

    let second = instance(&sandbox, &db, port).await;
    let api = Api::new(&second.base_url, API_KEY);
    let read = api.get(&format!("/v1/authentications/{id}")).await;
    assert_eq!(read.status, 200);
    for field in [
        "status",
        "next_action",
        "psp_id",
        "attempts",
        "client_secret",
        "created_at",
    ] {
        assert_eq!(
            read.body[field], waiting[field],
            "{field} after the restart"
        );
    }
    assert_eq!(api.get("/v1/events?limit=100").await.body, events_before);
    // The idempotency record survived too: the same create is answered, not re-run.
    let (scenarios, _receiver) = scenarios(&sandbox).await;
    let scenario = at_account(&scenarios, "checkout", "challenge passed", "checkout-eu");
    let requests = sandbox.requests().len();
    let replay = api
        .post_keyed("/v1/authentications", &create_body(&scenario), "restart-1")
        .await;
    assert_eq!(
        replay.status, 422,
        "another body (a new reference) under the same key"
    );
    assert_eq!(sandbox.requests().len(), requests);
    // The authentication goes on where it stopped, with the handle's client secret.
    let done = finish(&api, &sandbox, read.body).await;
    assert_eq!(done["id"], waiting["id"]);
    second.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_serve_one_authentication() {
    // The PSP's webhooks go to the second instance, which did not start the
    // authentication and has two accounts of that PSP: only the store can say which.
    let port = free_port();
    let sandbox = threeds_bridge::sandbox::start(SandboxOptions {
        webhook_url: Some(format!("http://127.0.0.1:{port}/v1/notifications")),
        ..SandboxOptions::default()
    })
    .await
    .expect("the sandbox starts");
    let db = postgres_db().await;
    let (one, two) = (
        instance(&sandbox, &db, 0).await,
        instance(&sandbox, &db, port).await,
    );
    let (api_one, api_two) = (
        Api::new(&one.base_url, API_KEY),
        Api::new(&two.base_url, API_KEY),
    );
    let waiting = up_to_the_challenge(&api_one, &sandbox, "pg-1").await;
    let id = waiting["id"].as_str().unwrap().to_owned();
    // The second instance reads it, and a key used on the first is known on the second.
    let read = api_two.get(&format!("/v1/authentications/{id}")).await;
    assert_eq!(read.body["status"], "challenge_required");
    let (scenarios, _receiver) = scenarios(&sandbox).await;
    let scenario = at_account(&scenarios, "checkout", "challenge passed", "checkout-eu");
    let requests = sandbox.requests().len();
    let same_key = api_two
        .post_keyed("/v1/authentications", &create_body(&scenario), "pg-1")
        .await;
    assert_eq!(same_key.status, 422);
    assert_eq!(
        sandbox.requests().len(),
        requests,
        "no PSP call for a used key"
    );
    // Finished on the second instance, seen as finished on the first.
    let done = finish(&api_two, &sandbox, read.body).await;
    let seen = api_one.get(&format!("/v1/authentications/{id}")).await;
    assert_eq!(seen.body["status"], "authenticated");
    assert_eq!(seen.body["updated_at"], done["updated_at"]);
    let events_one = api_one
        .get(&format!("/v1/events?authentication={id}&limit=100"))
        .await;
    let events_two = api_two
        .get(&format!("/v1/events?authentication={id}&limit=100"))
        .await;
    assert_eq!(events_one.body, events_two.body, "one outbox");
    let sent = every_webhook_taken(&sandbox).await;
    assert!(
        sent.iter().any(|d| d["source"] == "checkout"),
        "Checkout sent webhooks"
    );
    one.shutdown().await;
    two.shutdown().await;
}

/// A service process, killed when dropped (a failing test leaves none running).
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `threeds-bridge serve` as a process, and its base URL from its banner.
fn spawn_service(config: &std::path::Path, db: &Db, hooks: &Hooks, port: u16) -> (Served, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_threeds-bridge"));
    command
        .args(["serve", "--webhook-timeout", "3"])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--config")
        .arg(config)
        .args(["--db", &db.url, "--webhook-url", &hooks.url])
        .env("THREEDS_BRIDGE_WEBHOOK_SECRET", webhook_secret().expose())
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for name in [
        "T_CKO_ID",
        "T_CKO_SECRET",
        "T_CKO_WH",
        "T_MGP_ID",
        "T_MGP_KEY",
        "T_STORE_KEY",
    ] {
        command.env(name, config_env(name).expect("set"));
    }
    let mut child = Served(command.spawn().expect("the binary starts"));
    let stdout = child.0.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let base = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(base) = line.strip_prefix("base_url: ") {
                    break base.to_owned();
                }
            }
            other => panic!("serve printed no base_url ({other:?})"),
        }
    };
    (child, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_mid_delivery_loses_no_event_and_the_redelivery_has_the_same_id() {
    let sandbox = psp_sandbox().await;
    let db = sqlite_db();
    let dir = std::env::temp_dir().join(super::db::unique("threeds_service_kill"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("service.toml");
    std::fs::write(&config, config_toml(&sandbox)).expect("config written");
    let hooks = Hooks::start().await;
    hooks.then(&[Mode::Hang]);

    let port = free_port();
    let (mut first, base) = spawn_service(&config, &db, &hooks, port);
    let api = Api::new(&base, API_KEY);
    let waiting = up_to_the_challenge(&api, &sandbox, "kill-1").await;
    // The first delivery is in flight (the endpoint holds it): kill the service now.
    hooks
        .wait_until("a delivery in flight", |b| !b.is_empty())
        .await;
    first.0.kill().expect("SIGKILL");
    first.0.wait().expect("reaped");
    let in_flight = hooks.bodies()[0]["id"].as_str().unwrap().to_owned();

    let (second, base) = spawn_service(&config, &db, &hooks, port);
    let api = Api::new(&base, API_KEY);
    let read = api
        .get(&format!(
            "/v1/authentications/{}",
            waiting["id"].as_str().unwrap()
        ))
        .await;
    finish(&api, &sandbox, read.body).await;
    let ids = event_ids(&api).await;
    assert!(ids.contains(&in_flight));
    // The killed delivery's lease runs out (3 s timeout + 5 s) and it is sent again.
    hooks
        .wait_until("every event delivered after the kill", |bodies| {
            let got: Vec<&str> = bodies.iter().filter_map(|b| b["id"].as_str()).collect();
            ids.iter().all(|id| got.contains(&id.as_str()))
                && got.iter().filter(|id| **id == in_flight).count() >= 2
        })
        .await;
    let bodies = hooks.bodies();
    let copies: Vec<&Value> = bodies
        .iter()
        .filter(|b| b["id"] == in_flight.as_str())
        .collect();
    assert!(
        copies.windows(2).all(|w| w[0] == w[1]),
        "a duplicate is the same event"
    );
    every_delivery_signed(&hooks);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}
