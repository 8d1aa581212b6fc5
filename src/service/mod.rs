//! The authentication service's HTTP API (`threeds-bridge serve`): its request and answer
//! types, errors, merchant-webhook signatures ([`api`]) and the OpenAPI 3.1 document of
//! every path ([`openapi`]). `docs/service-api.md` describes the same API for a reader.

pub mod api;
pub mod openapi;
