//! `threeds-bridge demo`: start the sandbox in-process and run authentications through
//! every PSP, printing the normalized outcomes.

use crate::demo::browser::Browser;
use crate::demo::setup;
use crate::demo::table::{render, Row};
use crate::demo::{drive, Run};
use crate::sandbox::{start, SandboxOptions};
use clap::Args as ClapArgs;
use std::io::Write;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Also print each outcome's normalized JSON with `explain` (secrets redacted).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(runtime) = super::runtime(err) else {
        return 1;
    };
    runtime.block_on(async {
        let sandbox = match start(SandboxOptions::default()).await {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(err, "error: cannot start the sandbox: {e}");
                return 1;
            }
        };
        let receiver = match crate::demo::merchant::Receiver::start().await {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(err, "error: cannot start the demo merchant endpoint: {e}");
                return 1;
            }
        };
        let catalog = match crate::Catalog::builtin() {
            Ok(c) => std::sync::Arc::new(c),
            Err(e) => {
                let _ = writeln!(err, "error: built-in catalog: {e}");
                return 1;
            }
        };
        let demos = match setup::all(&sandbox, &receiver, catalog.clone()).await {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return 1;
            }
        };
        let _ = writeln!(
            out,
            "threeds-bridge demo: sandbox on http://{} (in-process), one authentication per row\n",
            sandbox.addr
        );
        let mut results: Vec<(crate::model::Provider, String, Run)> = Vec::new();
        let mut code = 0;
        for demo in &demos {
            let browser = match Browser::new(&sandbox.base(demo.provider.as_str())) {
                Ok(b) => b,
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    return 1;
                }
            };
            for scenario in &demo.scenarios {
                let run = drive(demo.flow.as_ref(), &browser, scenario).await;
                if let Some(problem) = &run.browser_error {
                    let _ = writeln!(
                        err,
                        "warning: {} {}: {problem}",
                        demo.provider, scenario.name
                    );
                    code = 1;
                }
                results.push((demo.provider, scenario.name.to_owned(), run));
            }
        }
        // One more row: the first PSP's account down, the router failing over to the second.
        let failover = match Browser::new(&format!("http://{}/", sandbox.addr)) {
            Ok(browser) => {
                crate::demo::failover::row(&sandbox, &browser, &demos, catalog.clone()).await
            }
            Err(e) => {
                let _ = writeln!(err, "warning: failover row: {e}");
                code = 1;
                None
            }
        };
        match failover {
            Some(Ok(row)) => results.push(row),
            Some(Err(e)) => {
                let _ = writeln!(err, "warning: failover row: {e}");
                code = 1;
            }
            None => {}
        }
        // The same scenarios through the service's HTTP API (`serve --sandbox`).
        match crate::demo::service::rows().await {
            Ok(rows) => {
                for (_, scenario, run) in &rows {
                    if let Some(problem) = &run.browser_error {
                        let _ = writeln!(err, "warning: {scenario}: {problem}");
                        code = 1;
                    }
                }
                results.extend(rows);
            }
            Err(e) => {
                let _ = writeln!(err, "warning: service rows: {e}");
                code = 1;
            }
        }
        let rows: Vec<Row<'_>> = results
            .iter()
            .map(|(provider, scenario, run)| Row {
                provider: *provider,
                scenario,
                run,
            })
            .collect();
        let _ = write!(out, "{}", render(&rows));
        if args.json {
            for (_, _, run) in &results {
                let options = crate::output::Options {
                    explain: true,
                    ..Default::default()
                };
                let _ = writeln!(out, "{}", crate::output::render(&run.outcome, options));
            }
        }
        sandbox.shutdown().await;
        code
    })
}
