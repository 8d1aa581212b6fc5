//! `threeds-bridge translate`.

use super::input::{for_each_document, DEFAULT_MAX_LINE_BYTES};
use super::{diagnostic, exit};
use crate::translate::{translate_formats, Format, Translation};
use std::io::Write;
use std::path::PathBuf;

/// `--from` / `--to`: a registered PSP's id, or `model` (the normalized request, the body
/// of the service's `POST /v1/authentications`).
fn side_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, TypedValueParser};
    let names = crate::psp::all()
        .into_iter()
        .map(|psp| PossibleValue::new(psp.id().as_str()).help(psp.name()))
        .chain([PossibleValue::new("model").help(
            "The normalized request (the body of the service's `POST /v1/authentications`)",
        )]);
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| crate::psp::find(&name).map_or(Format::Model, |psp| Format::Psp(psp.id())))
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Whose request the input is. `pxp` takes PXP's pre-initiate body, or
    /// `{"preInitiate": ..., "browserAuthentication": ...}` for both calls.
    #[arg(long, value_parser = side_parser())]
    from: Format,
    /// Whose request to build.
    #[arg(long, value_parser = side_parser())]
    to: Format,
    /// Exit 3 when a field could not be carried over or the target request is incomplete.
    #[arg(long)]
    strict: bool,
    /// Supply a target field the source lacks: `path=value` (dotted JSON path in the target
    /// request; the value is JSON, or else a string). May be repeated.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Print card numbers and other secrets in the translated request (needed to send it).
    #[arg(long)]
    reveal_secrets: bool,
    /// The longest input line, and the largest pretty-printed document, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = super::parse_max_bytes)]
    max_line_bytes: usize,
    /// The source request (one JSON document); `-` or none for stdin.
    file: Option<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let path = args.file.clone().unwrap_or_else(|| PathBuf::from("-"));
    let name = path.display().to_string();
    let mut code = exit::OK;
    let mut seen = false;
    let result = for_each_document(&path, args.max_line_bytes, |item| {
        let doc = match item {
            Ok(doc) => doc,
            Err(skipped) => {
                diagnostic(
                    err,
                    "error",
                    &format!("{name}:{}", skipped.line()),
                    &skipped,
                );
                code = code.max(exit::BAD_INPUT);
                return;
            }
        };
        if seen {
            diagnostic(
                err,
                "error",
                &format!("{name}:{}", doc.line),
                &"translate takes one request; this document is ignored",
            );
            code = code.max(exit::BAD_INPUT);
            return;
        }
        seen = true;
        code = code.max(translate_one(args, &name, doc.line, &doc.text, out, err));
    });
    if let Err(e) = result {
        diagnostic(err, "error", &name, &e);
        return exit::BAD_INPUT;
    }
    if !seen && code == exit::OK {
        diagnostic(err, "error", &name, &"no request to translate");
        return exit::BAD_INPUT;
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
    let place = &format!("{name}:{line}");
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let at = format!("{name}:{}", line + e.line() - 1);
            let message = format!("not JSON: {}", crate::normalize::scrub(&e.to_string()));
            diagnostic(err, "error", &at, &message);
            return exit::BAD_INPUT;
        }
    };
    let (from, to) = (args.from, args.to);
    let t = match translate_formats(&value, from, to, &args.sets) {
        Ok(t) => t,
        Err(e) => {
            diagnostic(err, "error", place, &e);
            return if e.is_usage() {
                exit::USAGE
            } else {
                exit::BAD_INPUT
            };
        }
    };
    report_losses(&t, from, to, err);
    let rendered = match t.rendered(args.reveal_secrets) {
        Ok(v) => v,
        Err(e) => {
            diagnostic(err, "error", place, &e);
            return exit::BAD_INPUT;
        }
    };
    match serde_json::to_string_pretty(&rendered) {
        Ok(json) => {
            let _ = writeln!(out, "{json}");
        }
        Err(e) => {
            diagnostic(err, "error", place, &e);
            return exit::BAD_INPUT;
        }
    }
    let lost = t.dropped.len() + t.not_representable.len();
    if args.strict && (lost > 0 || !t.violations.is_empty()) {
        let message = format!(
            "the translation is incomplete ({lost} dropped, {} target problems)",
            t.violations.len()
        );
        diagnostic(err, "error", "--strict", &message);
        return exit::STRICT_LOSS;
    }
    exit::OK
}

/// One line per source field not carried, model field the target cannot hold, and target
/// violation.
fn report_losses(t: &Translation, from: Format, to: Format, err: &mut dyn Write) {
    for d in &t.dropped {
        let what = if d.changed {
            "changed in translation"
        } else {
            "not carried over"
        };
        diagnostic(err, "dropped", &format!("{from} {}", d.path), &what);
    }
    for d in &t.not_representable {
        let what = if d.changed {
            "changed"
        } else {
            "has no field for it"
        };
        diagnostic(err, "dropped", &format!("{to} {what}"), &d.path);
    }
    for v in &t.violations {
        diagnostic(err, "target", "", &format!("{to} {v}"));
    }
}
