//! The retry policy of `threeds_wire::http::Transport`, against a local mock server.

use reqwest::Method;
use std::time::Duration;
use threeds_wire::http::{HttpSettings, Replay, Request, Transport, TransportError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn transport() -> Transport {
    Transport::new(HttpSettings {
        timeout: Duration::from_millis(300),
        connect_timeout: Duration::from_millis(300),
        max_attempts: 3,
        backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(1),
        max_body_bytes: 1024,
    })
    .unwrap()
}

async fn received(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn get_is_retried_after_a_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let r = transport()
        .send(&Request::new(
            Method::GET,
            format!("{}/x", server.uri()),
            "test.get",
        ))
        .await
        .unwrap();
    assert_eq!((r.status, r.attempts), (200, 2));
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn post_without_idempotency_is_not_retried_after_a_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let r = transport()
        .send(&Request::new(Method::POST, server.uri(), "test.post").json_body(b"{}".to_vec()))
        .await
        .unwrap();
    assert_eq!((r.status, r.attempts), (502, 1));
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn idempotent_post_is_retried_after_a_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let request = Request::new(Method::POST, server.uri(), "test.post").replay(Replay::Safe);
    let r = transport().send(&request).await.unwrap();
    assert_eq!((r.status, r.attempts), (500, 3));
}

#[tokio::test]
async fn rate_limit_waits_for_a_short_retry_after_and_returns_a_long_one() {
    let server = MockServer::start().await;
    Mock::given(path("/short"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/short"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/long"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let t = transport();
    let short = t
        .send(&Request::new(
            Method::GET,
            format!("{}/short", server.uri()),
            "test.get",
        ))
        .await
        .unwrap();
    assert_eq!((short.status, short.attempts), (200, 2));
    let long = t
        .send(&Request::new(
            Method::GET,
            format!("{}/long", server.uri()),
            "test.get",
        ))
        .await
        .unwrap();
    assert_eq!((long.status, long.attempts), (429, 1));
    assert_eq!(long.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn a_refused_connection_is_retried_whatever_the_method() {
    // Bind and drop a listener: nothing listens on the port afterwards.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = transport()
        .send(&Request::new(
            Method::POST,
            format!("http://127.0.0.1:{port}/sessions"),
            "test.create",
        ))
        .await
        .unwrap_err();
    match &e {
        TransportError::NotSent { attempts, host, .. } => {
            assert_eq!(*attempts, 3);
            assert_eq!(host, &format!("http://127.0.0.1:{port}"));
        }
        other => panic!("expected NotSent, got {other:?}"),
    }
    assert!(e.to_string().contains("the request was not sent"), "{e}");
}

#[tokio::test]
async fn a_timeout_is_retried_for_get_only() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&server)
        .await;
    let t = transport();
    let post = t
        .send(&Request::new(Method::POST, server.uri(), "test.post"))
        .await
        .unwrap_err();
    assert!(
        matches!(post, TransportError::TimedOut { attempts: 1, .. }),
        "{post:?}"
    );
    assert!(post.to_string().contains("may have processed"), "{post}");
    let get = t
        .send(&Request::new(Method::GET, server.uri(), "test.get"))
        .await
        .unwrap_err();
    assert!(
        matches!(get, TransportError::TimedOut { attempts: 3, .. }),
        "{get:?}"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(4096)))
        .mount(&server)
        .await;
    let e = transport()
        .send(&Request::new(Method::GET, server.uri(), "test.get"))
        .await
        .unwrap_err();
    assert!(
        matches!(e, TransportError::TooLarge { limit: 1024, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn header_values_never_reach_error_messages() {
    let e = Request::new(Method::GET, "http://127.0.0.1:1", "test.get")
        .header("authorization", "Bearer sk_secret\n")
        .err()
        .unwrap();
    assert!(!e.to_string().contains("sk_secret"), "{e}");
    assert!(e.to_string().contains("authorization"), "{e}");
}

#[test]
fn ids_that_are_not_one_path_segment_are_refused_before_sending() {
    use threeds_wire::http::{path_id_problem, path_segment};
    for bad in [
        "", ".", "..", "a/b", "a\\b", "a?b", "a#b", "%2e%2e", "a\nb", "a\u{0}b",
    ] {
        assert!(path_id_problem(bad).is_some(), "{bad:?}");
        match path_segment("test.get", "session id", bad) {
            Err(TransportError::Build { operation, detail }) => {
                assert_eq!(operation, "test.get");
                assert!(detail.contains("session id"), "{detail}");
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    for good in [
        "sid_abc123",
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "a.b",
        "...",
        "é",
    ] {
        assert_eq!(path_id_problem(good), None, "{good:?}");
    }
    assert_eq!(path_segment("t", "id", "a b").unwrap(), "a%20b");
}
