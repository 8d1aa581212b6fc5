//! `threeds-bridge normalize`.

mod ordered;

use super::input::{for_each_document, Item, DEFAULT_MAX_LINE_BYTES};
use super::{diagnostic, exit};
use crate::catalog::Catalog;
use crate::model::Provider;
use crate::normalize::{normalize_text_checked, Context, NormalizeError, Normalized};
use crate::output::{render_into, Options};
use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The PSP the documents come from; detected from each document's shape when absent.
    /// A document that is not this PSP's is an error (exit 1), not normalized as if it were.
    #[arg(long, value_parser = super::provider_parser())]
    provider: Option<Provider>,
    /// Add an `explain` object: the mapping rule, catalog row and liability rule used.
    #[arg(long)]
    explain: bool,
    /// Print the authentication value (CAVV / cryptogram) instead of "[redacted]".
    #[arg(long)]
    reveal_secrets: bool,
    /// A catalog CSV (`provider,table,code,message,status,reason,next_step,retry,source`)
    /// adding or overriding codes. May be repeated.
    #[arg(long = "codes", value_name = "FILE")]
    codes: Vec<PathBuf>,
    /// The date liability rules are applied at for documents that carry no date of their
    /// own (YYYY-MM-DD). Default: today. A document's own date (`authenticated_at`) wins.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// The longest input line, and the largest pretty-printed document, in bytes; a longer
    /// one is reported and skipped without being held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = super::parse_max_bytes)]
    max_line_bytes: usize,
    /// Threads normalizing documents (default: the machine's cores). Output and
    /// diagnostics are the same, in the same order, whatever the number; 1 uses no threads.
    #[arg(long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
    #[cfg(feature = "parquet")]
    #[command(flatten)]
    output: super::parquet_output::OutputArgs,
    /// Files holding JSON Lines, or one or more (concatenated) pretty-printed JSON documents;
    /// `-` or none for stdin.
    files: Vec<PathBuf>,
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    #[cfg(feature = "parquet")]
    if let Some(code) =
        super::parquet_output::redirect(&args.output, err, |o, e| run_lines(args, o, e))
    {
        return code;
    }
    run_lines(args, out, err)
}

/// The command, printing one JSON line per document into `out`.
fn run_lines(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => {
            diagnostic(err, "error", "built-in catalog", &e);
            return exit::BAD_INPUT;
        }
    };
    for file in &args.codes {
        if let Err(e) = catalog.extend_from_file(file) {
            diagnostic(err, "error", "--codes", &e);
            return exit::BAD_INPUT;
        }
    }
    let mut ctx = Context::new(&catalog);
    if let Some(date) = args.as_of {
        ctx = ctx.as_of(date);
    }
    let settings = Settings {
        provider: args.provider,
        options: Options {
            explain: args.explain,
            reveal_secrets: args.reveal_secrets,
            pretty: false,
        },
        ctx,
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        NonZeroUsize::get,
    );
    let files = super::inputs(&args.files);
    let max_bytes = args.max_line_bytes;
    let mut bad = false;
    ordered::run(
        jobs,
        2 * jobs,
        |hand| read_units(&files, max_bytes, hand),
        |unit| settings.process(unit),
        |done: Done| {
            bad |= done.bad;
            done.write(out, err);
        },
    );
    if bad {
        exit::BAD_INPUT
    } else {
        exit::OK
    }
}

/// Documents handed to a worker at once: enough to make the hand-over cheap, few enough to
/// keep the memory in flight small.
const BATCH_DOCUMENTS: usize = 256;
/// A batch is also closed once its documents hold this many bytes of text.
const BATCH_BYTES: usize = 256 * 1024;

/// A unit of work: documents of one file in input order, or the end of a file (what the
/// reader says about the file as a whole is reported after its documents).
enum Unit {
    Batch {
        name: Arc<str>,
        items: Vec<Item>,
    },
    End {
        name: Arc<str>,
        read: io::Result<usize>,
    },
}

/// Reads every file in turn and hands its documents over in batches, then its end.
fn read_units(files: &[PathBuf], max_bytes: usize, hand: &mut dyn FnMut(Unit)) {
    for path in files {
        let name: Arc<str> = path.display().to_string().into();
        let mut items = Vec::with_capacity(BATCH_DOCUMENTS);
        let mut bytes = 0;
        let read = for_each_document(path, max_bytes, |item: Item| {
            bytes += item.as_ref().map_or(0, |doc| doc.text.len());
            items.push(item);
            if items.len() == BATCH_DOCUMENTS || bytes >= BATCH_BYTES {
                let full = std::mem::replace(&mut items, Vec::with_capacity(BATCH_DOCUMENTS));
                hand(Unit::Batch {
                    name: Arc::clone(&name),
                    items: full,
                });
                bytes = 0;
            }
        });
        if !items.is_empty() {
            hand(Unit::Batch {
                name: Arc::clone(&name),
                items,
            });
        }
        hand(Unit::End { name, read });
    }
}

/// What every document is normalized with.
struct Settings<'a> {
    provider: Option<Provider>,
    options: Options,
    ctx: Context<'a>,
}

/// A unit's output and diagnostics, in the order one thread writes them: for each
/// document, its diagnostics then its line.
#[derive(Default)]
struct Done {
    out: Vec<u8>,
    err: Vec<u8>,
    /// Where each document's diagnostics and output end in `err` and `out`.
    ends: Vec<(usize, usize)>,
    bad: bool,
}

impl Done {
    /// Closes the current document's part.
    fn mark(&mut self) {
        self.ends.push((self.err.len(), self.out.len()));
    }

    fn write(&self, out: &mut dyn Write, err: &mut dyn Write) {
        let (mut e0, mut o0) = (0, 0);
        for &(e1, o1) in &self.ends {
            if e1 > e0 {
                let _ = err.write_all(&self.err[e0..e1]);
            }
            if o1 > o0 {
                let _ = out.write_all(&self.out[o0..o1]);
            }
            (e0, o0) = (e1, o1);
        }
    }
}

impl Settings<'_> {
    fn process(&self, unit: Unit) -> Done {
        let mut done = Done::default();
        match unit {
            Unit::Batch { name, items } => {
                for item in items {
                    done.bad |= !self.document(&name, item, &mut done);
                    done.mark();
                }
            }
            Unit::End { name, read } => {
                match read {
                    Ok(0) => {
                        done.bad = true;
                        diagnostic(&mut done.err, "error", &name, &"no documents");
                    }
                    Ok(_) => {}
                    Err(e) => {
                        done.bad = true;
                        diagnostic(&mut done.err, "error", &name, &e);
                    }
                }
                done.mark();
            }
        }
        done
    }

    /// Normalizes one document of file `name` into `done`; false when it was bad.
    fn document(&self, name: &str, item: Item, done: &mut Done) -> bool {
        let doc = match item {
            Ok(doc) => doc,
            Err(skipped) => {
                let place = format!("{name}:{}", skipped.line());
                diagnostic(&mut done.err, "error", &place, &skipped);
                return false;
            }
        };
        match normalize_text_checked(&doc.text, self.provider, &self.ctx) {
            Ok(n) => {
                let place = || format!("{name}:{}", doc.line);
                if tracing::enabled!(tracing::Level::DEBUG) {
                    // What was decided, never a value of the document.
                    tracing::debug!(
                        place = %threeds_wire::excerpt(&place()),
                        provider = %n.authentication.provider,
                        status = %n.authentication.status,
                        next_step = %n.authentication.next_step,
                        "normalized"
                    );
                }
                if !n.explain.warnings.is_empty() {
                    let place = place();
                    for w in &n.explain.warnings {
                        diagnostic(&mut done.err, "warning", &place, w);
                    }
                }
                write_normalized(&n, self.options, &mut done.out);
                true
            }
            Err(e) => {
                let line = match &e {
                    NormalizeError::NotJson { line, .. } => doc.line + line - 1,
                    _ => doc.line,
                };
                diagnostic(&mut done.err, "error", &format!("{name}:{line}"), &e);
                false
            }
        }
    }
}

/// The one place a normalized document becomes output: its JSON line.
fn write_normalized(n: &Normalized, options: Options, out: &mut Vec<u8>) {
    render_into(n, options, out);
    out.push(b'\n');
}
