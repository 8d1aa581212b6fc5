//! The outbox worker: delivers `authentication.updated` events to the merchant's webhook
//! URL, signed (`Threeds-Signature`), at least once.
//!
//! Each event is claimed with a lease ([`Store::claim_due`]): while the lease runs no other
//! worker (on this or another instance) takes it; a worker that dies mid-delivery leaves
//! it to come back when the lease ends, with the same event id, so the merchant's endpoint
//! may see it twice and de-duplicates on the id. A delivery counts when the endpoint
//! answers 2xx; anything else (another status, a timeout, a refused connection) puts the
//! event back after [`crate::store::backoff`] of its attempts.

use super::api::sign_webhook;
use super::config::WebhookTarget;
use crate::store::{Event, Store};
use chrono::Utc;
use std::sync::Arc;
use std::time::Duration;
use threeds_wire::excerpt;
use tokio::sync::{watch, Notify};

/// How long one delivery may take by default (`serve --webhook-timeout`).
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);
/// How much longer than the delivery timeout a claimed event stays reserved: a worker
/// that is still inside its try when the lease ends would otherwise race a second one.
const LEASE_MARGIN: Duration = Duration::from_secs(5);
/// How often the worker looks for due events when nothing woke it.
pub const POLL: Duration = Duration::from_millis(500);
/// Events claimed at once.
const BATCH: u32 = 16;

/// Runs until `shutdown` turns true; `wake` is notified after every committed change.
/// Each delivery may take `timeout`; a claimed event is leased for that and a margin.
pub async fn run(
    store: Arc<Store>,
    target: WebhookTarget,
    timeout: Duration,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let lease = timeout + LEASE_MARGIN;
    let client = match reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("outbox: no HTTP client: {e}; events stay in the outbox");
            return;
        }
    };
    loop {
        if *shutdown.borrow() {
            return;
        }
        let claimed = match store.claim_due(Utc::now(), BATCH, lease).await {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!("outbox: claim failed: {e}");
                Vec::new()
            }
        };
        let busy = claimed.len() as u32 == BATCH;
        for event in claimed {
            deliver(&store, &client, &target, &event).await;
        }
        if busy {
            continue;
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// One delivery try of a claimed event.
async fn deliver(store: &Store, client: &reqwest::Client, target: &WebhookTarget, event: &Event) {
    let failure = match post(client, target, event).await {
        Ok(()) => match store.mark_delivered(&event.id, Utc::now()).await {
            Ok(()) => {
                tracing::info!(event = %event.id, attempts = event.attempts, "webhook delivered");
                return;
            }
            // Delivered but not marked: it comes back after the lease and is sent again
            // with the same id (at least once).
            Err(e) => format!("delivered, but not marked: {e}"),
        },
        Err(why) => why,
    };
    match store.reschedule(event, Utc::now(), &failure).await {
        Ok(due) => {
            tracing::warn!(event = %event.id, attempts = event.attempts, %due, "webhook not delivered: {}", excerpt(&failure))
        }
        Err(e) => {
            tracing::warn!(event = %event.id, "webhook not delivered ({}), and not rescheduled: {e}", excerpt(&failure))
        }
    }
}

async fn post(
    client: &reqwest::Client,
    target: &WebhookTarget,
    event: &Event,
) -> Result<(), String> {
    let body = serde_json::to_vec(&event.body()).map_err(|e| format!("event body: {e}"))?;
    let timestamp = Utc::now().timestamp();
    let signature =
        sign_webhook(&target.secret, timestamp, &body).map_err(|e| format!("signing: {e}"))?;
    let response = client
        .post(&target.url)
        .header("content-type", "application/json")
        .header(super::api::SIGNATURE_HEADER, signature)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            format!(
                "POST {}: {}",
                excerpt(&target.url),
                threeds_wire::bounded(&e.to_string())
            )
        })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "POST {}: the endpoint answered {status}",
            excerpt(&target.url)
        ))
    }
}
