//! The demo merchant's notification endpoint: answers 200 to every webhook and callback
//! and keeps them, so the demo can hand them to `handle_notification` as a merchant's
//! server would. (Checkout's `complete` fails with `callback_failed` unless the callback
//! URL answers 2xx, so the demo needs a real endpoint, not a placeholder URL.)

use crate::flow::Notification;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::Router;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// A running receiver.
pub struct Receiver {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Notification>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Starts on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(record).with_state(received.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receiver {
            addr,
            received,
            task,
        })
    }

    /// `http://ADDR/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Notification> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(received): State<Arc<Mutex<Vec<Notification>>>>,
    request: Request,
) -> StatusCode {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::PAYLOAD_TOO_LARGE;
    };
    let notification = Notification {
        method: parts.method.to_string(),
        headers: parts
            .headers
            .iter()
            .filter_map(|(n, v)| Some((n.to_string(), v.to_str().ok()?.to_owned())))
            .collect(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        body: body.to_vec(),
    };
    if let Ok(mut r) = received.lock() {
        r.push(notification);
    }
    StatusCode::OK
}
