//! Each injected fault, seen through the client transport: every one ends in a defined
//! outcome (an HTTP status or a classified `TransportError`), none hangs or panics.

use axum::routing::get;
use axum::Router;
use reqwest::Method;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use threeds_wire::http::{HttpSettings, Request, Transport, TransportError};
use threeds_wire::sandbox::{faults, Fault, Faults};

async fn serve(queue: Faults) -> String {
    let app = Router::new()
        .route("/ok", get(|| async { "{\"ok\":true}" }))
        .layer(axum::middleware::from_fn_with_state(queue, faults::inject));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/ok")
}

fn transport() -> Transport {
    Transport::new(HttpSettings {
        timeout: Duration::from_millis(400),
        max_attempts: 1,
        ..HttpSettings::default()
    })
    .unwrap()
}

async fn get_with(url: &str, fault: &str) -> Result<threeds_wire::http::Response, TransportError> {
    let request = Request::new(Method::GET, url, "test.get")
        .header("x-sandbox-fault", fault)
        .unwrap();
    transport().send(&request).await
}

#[tokio::test]
async fn every_fault_has_a_defined_outcome() {
    let url = serve(Faults::default()).await;
    assert_eq!(get_with(&url, "status=503").await.unwrap().status, 503);
    let limited = get_with(&url, "rate_limit=7").await.unwrap();
    assert_eq!(
        (limited.status, limited.retry_after()),
        (429, Some(Duration::from_secs(7)))
    );
    let malformed = get_with(&url, "malformed").await.unwrap();
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&malformed.body).is_err());
    assert!(matches!(
        get_with(&url, "reset").await,
        Err(TransportError::Interrupted { .. })
    ));
    assert!(matches!(
        get_with(&url, "timeout").await,
        Err(TransportError::TimedOut { .. })
    ));
    let started = Instant::now();
    assert_eq!(get_with(&url, "latency=100").await.unwrap().status, 200);
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(get_with(&url, "explode").await.unwrap().status, 400);
}

#[tokio::test]
async fn queued_faults_hit_the_next_requests_then_stop() {
    let queue = Faults::default();
    let url = serve(queue.clone()).await;
    queue.push(Fault::Status(502), 2, None);
    let t = transport();
    let get = || Request::new(Method::GET, &url, "test.get");
    assert_eq!(t.send(&get()).await.unwrap().status, 502);
    assert_eq!(t.send(&get()).await.unwrap().status, 502);
    assert_eq!(t.send(&get()).await.unwrap().status, 200);
}

/// A server whose one route counts the requests it processed, behind the fault layer and
/// a request log written with [`faults::logged_status`].
async fn counting_server(queue: Faults) -> (String, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
    let acted = Arc::new(AtomicUsize::new(0));
    let log = Arc::new(Mutex::new(Vec::new()));
    let counter = acted.clone();
    let lines = log.clone();
    let app = Router::new()
        .route(
            "/act",
            get(move || {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, Ordering::SeqCst);
                    "{\"done\":true}"
                }
            }),
        )
        .layer(axum::middleware::from_fn_with_state(queue, faults::inject))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let lines = lines.clone();
                async move {
                    let response = next.run(request).await;
                    if let Ok(mut l) = lines.lock() {
                        l.push(faults::logged_status(&response));
                    }
                    response
                }
            },
        ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/act"), acted, log)
}

#[tokio::test]
async fn reset_after_lets_the_server_act_then_breaks_the_answer_and_is_not_logged_as_200() {
    let queue = Faults::default();
    let (url, acted, log) = counting_server(queue.clone()).await;
    let outcome = get_with(&url, "reset_after").await;
    assert!(
        matches!(outcome, Err(TransportError::Interrupted { .. })),
        "{outcome:?}"
    );
    queue.settled().await;
    assert_eq!(acted.load(Ordering::SeqCst), 1);
    let lines = log.lock().unwrap().clone();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("then reset"), "{lines:?}");
    assert_ne!(lines[0], "200");
}

#[tokio::test]
async fn hold_after_lets_the_server_act_then_the_client_times_out() {
    let queue = Faults::default();
    let (url, acted, _) = counting_server(queue.clone()).await;
    let outcome = get_with(&url, "hold_after").await;
    assert!(
        matches!(outcome, Err(TransportError::TimedOut { .. })),
        "{outcome:?}"
    );
    assert_eq!(acted.load(Ordering::SeqCst), 1);
    queue.release_held();
}

#[tokio::test]
async fn a_late_request_is_processed_after_its_client_gave_up() {
    let queue = Faults::default();
    let (url, acted, _) = counting_server(queue.clone()).await;
    // From the queue, as an SDK that cannot add headers would meet it.
    queue.push(
        Fault::Late(Duration::from_millis(700)),
        1,
        Some("/act".into()),
    );
    let outcome = transport()
        .send(&Request::new(Method::GET, &url, "test.get"))
        .await;
    assert!(
        matches!(outcome, Err(TransportError::TimedOut { .. })),
        "{outcome:?}"
    );
    // The client (400 ms timeout) is gone; the original has not landed yet.
    assert_eq!(acted.load(Ordering::SeqCst), 0);
    queue.settled().await;
    assert_eq!(acted.load(Ordering::SeqCst), 1);

    // Within the client's patience it is only a slow answer.
    let slow = get_with(&url, "late=50").await.unwrap();
    assert_eq!(slow.status, 200);
    assert_eq!(acted.load(Ordering::SeqCst), 2);
}
