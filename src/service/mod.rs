//! The authentication service (`threeds-bridge serve`): one HTTP API over every PSP
//! account and the router, with durable state, idempotency, webhooks in and out, and the
//! browser side. `docs/service-api.md` describes it for a reader.
//!
//! * [`api`]: the request and answer types, errors and merchant-webhook signatures;
//! * [`openapi`]: the OpenAPI 3.1 document of every path (`GET /v1/openapi.json`);
//! * [`config`]: the `[service]` table beside the router's accounts and routes;
//! * [`keys`]: secret keys (kept hashed) and the browser's per-authentication secrets;
//! * [`engine`]: the operations, apart from HTTP (which calls reach a PSP, concurrent
//!   writers, notifications);
//! * [`http`]: the routes, callers, idempotency, request ids and logs;
//! * [`outbox`]: the worker that delivers merchant webhooks at least once;
//! * [`pages`]: the notification pages, the redirect return page and `/demo`;
//! * [`server`]: starting it (with the sandbox for `--sandbox`) and stopping it gracefully;
//! * [`client`]: [`client::ServiceFlow`], the API as an [`crate::flow::AuthenticationFlow`].

pub mod api;
pub mod client;
pub mod config;
pub mod engine;
pub mod http;
pub mod keys;
pub mod openapi;
pub mod outbox;
pub mod pages;
pub mod server;

pub use config::{ServiceConfig, ServiceConfigError, WebhookTarget};
pub use server::{start, RunningService, ServeError, ServeOptions};
