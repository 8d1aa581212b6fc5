//! Each injected fault, seen through the client transport: every one ends in a defined
//! outcome (an HTTP status or a classified `TransportError`), none hangs or panics.
#![cfg(feature = "sandbox")]

use axum::routing::get;
use axum::Router;
use reqwest::Method;
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
