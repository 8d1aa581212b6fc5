//! The demo's service rows: the same scenarios through `threeds-bridge serve --sandbox`'s
//! HTTP API, in process, with [`ServiceFlow`] as the flow. The rows show that the service
//! answers what the PSP's own flow answers, with its store, idempotency and events behind.

use super::browser::Browser;
use super::{drive, DemoError, Run};
use crate::model::Provider;
use crate::service::client::{ServiceFlow, SERVICE};
use crate::service::{start, ServeOptions};
use std::net::SocketAddr;

/// Each PSP's frictionless and challenge-passed scenarios through the service, at the
/// account named after the PSP.
pub async fn rows() -> Result<Vec<(Provider, String, Run)>, DemoError> {
    let fail = |e: &dyn std::fmt::Display| DemoError::new(SERVICE, e);
    let service = start(ServeOptions {
        sandbox: true,
        listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
        ..ServeOptions::default()
    })
    .await
    .map_err(|e| fail(&e))?;
    let result = run(&service).await;
    service.shutdown().await;
    result
}

async fn run(
    service: &crate::service::RunningService,
) -> Result<Vec<(Provider, String, Run)>, DemoError> {
    let fail = |e: &dyn std::fmt::Display| DemoError::new(SERVICE, e);
    let sandbox = service
        .sandbox()
        .ok_or_else(|| fail(&"the service has no sandbox"))?;
    let key = service
        .api_key
        .clone()
        .ok_or_else(|| fail(&"the service printed no API key"))?;
    let receiver = super::merchant::Receiver::start()
        .await
        .map_err(|e| fail(&e))?;
    let catalog = std::sync::Arc::new(crate::Catalog::builtin().map_err(|e| fail(&e))?);
    let demos = super::setup::all(sandbox, &receiver, catalog).await?;
    let browser = Browser::new(&format!("http://{}/", sandbox.addr)).map_err(|e| fail(&e))?;
    let mut rows = Vec::new();
    for demo in &demos {
        let flow = ServiceFlow::new(&service.base_url, key.clone())
            .map_err(|e| fail(&e))?
            .through(vec![demo.provider.to_string()]);
        for scenario in demo
            .scenarios
            .iter()
            .filter(|s| s.name == "frictionless" || s.name == "challenge passed")
        {
            let run = drive(&flow, &browser, scenario).await;
            rows.push((
                demo.provider,
                format!("via service: {}", scenario.name),
                run,
            ));
        }
    }
    Ok(rows)
}
