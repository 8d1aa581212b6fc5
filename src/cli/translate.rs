//! `threeds-bridge translate`.

use super::input::for_each_document;
use crate::model::Provider;
use crate::translate::translate;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_parser = super::parse_provider)]
    from: Provider,
    #[arg(long, value_parser = super::parse_provider)]
    to: Provider,
    /// Exit 2 when a field could not be carried over or the target request is incomplete.
    #[arg(long)]
    strict: bool,
    /// Supply a target field the source lacks: `path=value` (dotted JSON path in the target
    /// request; the value is JSON, or else a string). May be repeated.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Print card numbers and other secrets in the translated request (needed to send it).
    #[arg(long)]
    reveal_secrets: bool,
    /// The source request (one JSON document); `-` or none for stdin.
    file: Option<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let path = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let name = path.display().to_string();
    let mut code = 0;
    let mut seen = false;
    let result = for_each_document(&path, |doc| {
        if seen {
            let _ = writeln!(
                err,
                "error: {name}:{}: translate takes one request; this document is ignored",
                doc.line
            );
            code = 1;
            return;
        }
        seen = true;
        code = translate_one(args, &name, doc.line, &doc.text, out, err);
    });
    if let Err(e) = result {
        let _ = writeln!(err, "error: {name}: {e}");
        return 1;
    }
    if !seen {
        let _ = writeln!(err, "error: {name}: no request to translate");
        return 1;
    }
    code
}

fn translate_one(
    args: &Args,
    name: &str,
    line: usize,
    text: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = line + e.line() - 1;
            let _ = writeln!(
                err,
                "error: {name}:{at}: not JSON: {}",
                crate::adapters::scrub(&e.to_string())
            );
            return 1;
        }
    };
    let t = match translate(&value, args.from, args.to, &args.sets) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: {name}:{line}: {e}");
            return 1;
        }
    };
    for d in &t.dropped {
        let what = if d.changed {
            "changed in translation"
        } else {
            "not carried over"
        };
        let _ = writeln!(err, "dropped: {} {}: {what}", args.from, d.path);
    }
    for d in &t.not_representable {
        let what = if d.changed {
            "changed"
        } else {
            "has no field for it"
        };
        let _ = writeln!(err, "dropped: {} {what}: {}", args.to, d.path);
    }
    for v in &t.violations {
        let _ = writeln!(err, "target: {} {v}", args.to);
    }
    match t
        .rendered(args.reveal_secrets)
        .map(|v| serde_json::to_string_pretty(&v))
    {
        Ok(Ok(json)) => {
            let _ = writeln!(out, "{json}");
        }
        Ok(Err(e)) => {
            let _ = writeln!(err, "error: {name}:{line}: {e}");
            return 1;
        }
        Err(e) => {
            let _ = writeln!(err, "error: {name}:{line}: {e}");
            return 1;
        }
    }
    if args.strict
        && (!t.dropped.is_empty() || !t.not_representable.is_empty() || !t.violations.is_empty())
    {
        let _ = writeln!(
            err,
            "error: --strict: the translation is incomplete ({} dropped, {} target problems)",
            t.dropped.len() + t.not_representable.len(),
            t.violations.len()
        );
        return 2;
    }
    0
}
