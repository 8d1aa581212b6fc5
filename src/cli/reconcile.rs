//! `threeds-bridge reconcile`: a ledger against PSP records, one finding per line.
//!
//! PSP records are read with `normalize`'s reader and normalized with its entry points; a
//! document that is a list (a bare array, or a PSP's paginated envelope: see
//! [`crate::psp::list_documents`]) gives one record per item. Each record is kept as its
//! compact [`Record`] for matching, and its rendered normalized object goes to a scratch
//! file, read back for the findings that show it: a million records cost about a hundred
//! bytes each in memory, not their whole objects.

use super::input::{for_each_document, Document, DEFAULT_MAX_LINE_BYTES};
use super::records::{each_normalized, place};
use super::{diagnostic, exit};
use crate::catalog::Catalog;
use crate::normalize::{Context, NormalizeError};
use crate::output::{render, Options as RenderOptions};
use crate::reconcile::finding::{write_json_line, Flat, PspSide, Sides};
use crate::reconcile::{
    ledger, reconcile, Finding, FindingKind, Key, LedgerFormat, Options, Record,
};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

pub const AFTER_HELP: &str = "\
Exit codes:
  0  every ledger row and PSP record matched
  1  a discrepancy was found (any finding other than matched)
  2  usage, or a ledger row or PSP document that could not be read (each is reported on
     stderr with its file and line; the rest is still reconciled)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KeyArg {
    /// The merchant's reference.
    Reference,
    /// The PSP's id (the ledger's `psp_id`).
    Id,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ledger: CSV with a header row, or JSON Lines; columns reference, provider
    /// (optional), psp_id (optional), amount (minor units), currency, booked.
    #[arg(long, value_name = "FILE")]
    ledger: PathBuf,
    /// What rows and records are matched on.
    #[arg(long, value_enum, default_value_t = KeyArg::Reference)]
    key: KeyArg,
    /// The largest amount difference, in minor units, that still matches.
    #[arg(long, value_name = "MINOR", default_value_t = 0)]
    amount_tolerance: u64,
    /// Where the findings go: `.jsonl` (the default format, on stdout without --out),
    /// `.csv` or `.parquet`, by extension.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The date liability rules are applied at for records without a date of their own
    /// (YYYY-MM-DD). Default: today. Give it for output that is the same on every day.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// A catalog CSV adding or overriding codes, as for `normalize`. May be repeated.
    #[arg(long = "codes", value_name = "FILE")]
    codes: Vec<PathBuf>,
    /// The longest input line, and the largest pretty-printed document, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = super::parse_max_bytes)]
    max_line_bytes: usize,
    /// PSP records: anything `normalize` reads, and list responses; `-` or none for stdin.
    psp_records: Vec<PathBuf>,
}

/// The output format, from `--out`'s extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    Csv,
    #[cfg(feature = "parquet")]
    Parquet,
}

fn format_of(out: Option<&Path>) -> Result<Format, String> {
    let Some(path) = out else {
        return Ok(Format::JsonLines);
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "ndjson" | "json") => Ok(Format::JsonLines),
        Some("csv") => Ok(Format::Csv),
        #[cfg(feature = "parquet")]
        Some("parquet") => Ok(Format::Parquet),
        #[cfg(not(feature = "parquet"))]
        Some("parquet") => Err("Parquet output needs the `parquet` feature".to_owned()),
        _ => Err("--out must end in .jsonl, .csv or .parquet".to_owned()),
    }
}

pub fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let format = match format_of(args.out.as_deref()) {
        Ok(f) => f,
        Err(message) => {
            diagnostic(err, "error", "--out", &message);
            return exit::USAGE;
        }
    };
    let mut catalog = match Catalog::builtin() {
        Ok(c) => c,
        Err(e) => {
            diagnostic(err, "error", "built-in catalog", &e);
            return exit::USAGE;
        }
    };
    for file in &args.codes {
        if let Err(e) = catalog.extend_from_file(file) {
            diagnostic(err, "error", "--codes", &e);
            return exit::USAGE;
        }
    }
    let mut ctx = Context::new(&catalog);
    if let Some(date) = args.as_of {
        ctx = ctx.as_of(date);
    }
    let key = match args.key {
        KeyArg::Reference => Key::Reference,
        KeyArg::Id => Key::Id,
    };
    let progress = Progress::new();
    let mut bad_input = false;

    // The ledger.
    let ledger_name = args.ledger.display().to_string();
    let rows = match read_ledger(&args.ledger, key) {
        Ok((rows, errors)) => {
            for e in &errors {
                diagnostic(err, "error", &format!("{ledger_name}:{}", e.line()), e);
            }
            bad_input |= !errors.is_empty();
            rows
        }
        Err(e) => {
            diagnostic(err, "error", &ledger_name, &e);
            return exit::USAGE;
        }
    };

    // The PSP records.
    let keep_json = format != Format::Csv;
    let mut store = match Store::new(keep_json) {
        Ok(s) => s,
        Err(e) => {
            diagnostic(err, "error", "scratch file", &e);
            return exit::USAGE;
        }
    };
    let mut intake = Intake {
        ctx,
        store: &mut store,
        warnings: Warnings::default(),
        bad_input: false,
        failure: None,
        workers: std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8),
        progress: &progress,
        pending: Vec::with_capacity(BATCH),
        name: String::new(),
        file_index: 0,
    };
    for (file_index, path) in super::inputs(&args.psp_records).iter().enumerate() {
        let name = path.display().to_string();
        intake.store.files.push(name.clone());
        intake.name = name.clone();
        intake.file_index = file_index;
        let result = for_each_document(path, args.max_line_bytes, |item| match item {
            Ok(doc) => {
                intake.pending.push(doc);
                if intake.pending.len() == BATCH {
                    intake.flush(err);
                }
            }
            Err(skipped) => {
                // Reported in input order: the documents before it first.
                intake.flush(err);
                intake.bad_input = true;
                diagnostic(
                    err,
                    "error",
                    &format!("{name}:{}", skipped.line()),
                    &skipped,
                );
            }
        });
        intake.flush(err);
        if let Some(e) = intake.failure.take() {
            diagnostic(err, "error", "scratch file", &e);
            return exit::USAGE;
        }
        match result {
            Ok(0) => {
                intake.bad_input = true;
                diagnostic(err, "error", &name, &"no documents");
            }
            Ok(_) => {}
            Err(e) => {
                intake.bad_input = true;
                diagnostic(err, "error", &name, &e);
            }
        }
    }
    bad_input |= intake.bad_input;
    let warnings = std::mem::take(&mut intake.warnings);
    drop(intake);
    warnings.finish(err);
    progress.phase("writing findings");

    // The findings.
    let options = Options {
        key,
        amount_tolerance: args.amount_tolerance,
    };
    let records = std::mem::take(&mut store.records);
    let sides = Sides {
        ledger: &rows,
        records: &records,
    };
    let mut counts = [0u64; FindingKind::ALL.len()];
    let written = match store.finish() {
        Ok(mut psp) => write_findings(
            format,
            args.out.as_deref(),
            out,
            sides,
            &mut psp,
            &options,
            &mut counts,
            &progress,
        ),
        Err(e) => Err(e),
    };
    progress.finish();
    if let Err(e) = written {
        let place = args
            .out
            .as_ref()
            .map_or("output".to_owned(), |p| p.display().to_string());
        diagnostic(err, "error", &place, &e);
        return exit::USAGE;
    }
    summary(err, rows.len(), records.len(), &counts);
    if bad_input {
        exit::USAGE
    } else if counts[FindingKind::Matched.index()] == counts.iter().sum::<u64>() {
        exit::OK
    } else {
        exit::DISCREPANCIES
    }
}

fn read_ledger(
    path: &Path,
    key: Key,
) -> io::Result<(
    Vec<crate::reconcile::LedgerRow>,
    Vec<crate::reconcile::LedgerError>,
)> {
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path)?)
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let format = LedgerFormat::detect(path, reader.fill_buf()?);
    ledger::read(reader, format, key)
}

/// Documents normalized together, on every core: normalizing and rendering are most of
/// the time, and each document is independent of the others.
const BATCH: usize = 4096;

/// What normalizing one record gave, prepared off the main thread.
struct Prepared {
    record: Record,
    /// The rendered normalized object, when the output shows it.
    json: Option<String>,
    warnings: Vec<String>,
}

/// One document's records: a list gives several, each with its item number.
type Outcomes = Vec<(Option<usize>, Result<Prepared, NormalizeError>)>;

fn prepare(doc: &Document, ctx: &Context<'_>, keep_json: bool) -> Outcomes {
    let mut out = Vec::new();
    each_normalized(doc, ctx, |item, result| {
        out.push((
            item,
            result.map(|n| Prepared {
                record: Record::of(&n.authentication),
                json: keep_json.then(|| render(&n, RenderOptions::default())),
                warnings: n.explain.warnings,
            }),
        ));
    });
    out
}

/// [`prepare`] for every document, in order, split over `workers` threads.
fn prepare_all(
    docs: &[Document],
    ctx: &Context<'_>,
    keep_json: bool,
    workers: usize,
) -> Vec<Outcomes> {
    if workers <= 1 || docs.len() < 64 {
        return docs.iter().map(|d| prepare(d, ctx, keep_json)).collect();
    }
    let chunk = docs.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let parts: Vec<_> = docs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|d| prepare(d, ctx, keep_json))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The PSP records as they are read: documents wait in `pending` until a batch is full.
struct Intake<'r> {
    ctx: Context<'r>,
    store: &'r mut Store,
    warnings: Warnings,
    bad_input: bool,
    failure: Option<io::Error>,
    workers: usize,
    progress: &'r Progress,
    pending: Vec<Document>,
    name: String,
    file_index: usize,
}

impl Intake<'_> {
    /// Normalizes the pending documents and keeps their records, reporting what failed.
    fn flush(&mut self, err: &mut dyn Write) {
        if self.pending.is_empty() {
            return;
        }
        let docs = std::mem::take(&mut self.pending);
        if self.failure.is_none() {
            let keep_json = self.store.json.is_some();
            let outcomes = prepare_all(&docs, &self.ctx, keep_json, self.workers);
            for (doc, outcomes) in docs.iter().zip(outcomes) {
                for (item, result) in outcomes {
                    self.keep(err, doc, item, result);
                }
            }
        }
        self.pending = docs;
        self.pending.clear();
    }

    fn keep(
        &mut self,
        err: &mut dyn Write,
        doc: &Document,
        item: Option<usize>,
        result: Result<Prepared, NormalizeError>,
    ) {
        match result {
            Ok(mut prepared) => {
                for w in std::mem::take(&mut prepared.warnings) {
                    self.warnings
                        .report(err, &place(&self.name, doc.line, item), &w);
                }
                if self.failure.is_none() {
                    if let Err(e) = self.store.push(prepared, self.file_index, doc.line, item) {
                        self.failure = Some(e);
                    }
                }
                self.progress.tick(self.store.records.len());
            }
            Err(e) => {
                self.bad_input = true;
                let line = match &e {
                    NormalizeError::NotJson { line, .. } => doc.line + line - 1,
                    _ => doc.line,
                };
                diagnostic(err, "error", &place(&self.name, line, item), &e);
            }
        }
    }
}

/// Where each record was read, and its rendered object in a scratch file.
struct Store {
    files: Vec<String>,
    records: Vec<Record>,
    sources: Vec<Source>,
    /// The rendered objects, one after another; `None` when the output needs none (CSV).
    json: Option<BufWriter<File>>,
    spans: Vec<(u64, u32)>,
    written: u64,
}

#[derive(Clone, Copy)]
struct Source {
    file: u32,
    line: u32,
    item: Option<u32>,
}

impl Store {
    fn new(keep_json: bool) -> io::Result<Store> {
        let json = if keep_json {
            Some(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?))
        } else {
            None
        };
        Ok(Store {
            files: Vec::new(),
            records: Vec::new(),
            sources: Vec::new(),
            json,
            spans: Vec::new(),
            written: 0,
        })
    }

    fn push(
        &mut self,
        prepared: Prepared,
        file: usize,
        line: usize,
        item: Option<usize>,
    ) -> io::Result<()> {
        self.records.push(prepared.record);
        self.sources.push(Source {
            file: file as u32,
            line: line.try_into().unwrap_or(u32::MAX),
            item: item.map(|i| i.try_into().unwrap_or(u32::MAX)),
        });
        if let (Some(json), Some(text)) = (&mut self.json, prepared.json) {
            json.write_all(text.as_bytes())?;
            let len = text.len() as u32;
            self.spans.push((self.written, len));
            self.written += u64::from(len);
        }
        Ok(())
    }

    fn finish(self) -> io::Result<Stored> {
        let json = match self.json {
            Some(w) => Some(w.into_inner().map_err(io::IntoInnerError::into_error)?),
            None => None,
        };
        Ok(Stored {
            files: self.files,
            sources: self.sources,
            json,
            spans: self.spans,
        })
    }
}

/// The records' sources and rendered objects, read back for the findings.
struct Stored {
    files: Vec<String>,
    sources: Vec<Source>,
    json: Option<File>,
    spans: Vec<(u64, u32)>,
}

impl PspSide for Stored {
    fn write_json(&mut self, index: usize, out: &mut Vec<u8>) -> io::Result<()> {
        let (Some(file), Some(&(offset, len))) = (&self.json, self.spans.get(index)) else {
            return Err(io::Error::other(
                "a record's normalized object was not kept",
            ));
        };
        let start = out.len();
        out.resize(start + len as usize, 0);
        read_at(file, &mut out[start..], offset)
    }

    fn source(&self, index: usize) -> String {
        match self.sources.get(index) {
            Some(s) => {
                let name = self.files.get(s.file as usize).map_or("?", String::as_str);
                place(name, s.line as usize, s.item.map(|i| i as usize))
            }
            None => String::new(),
        }
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

#[allow(clippy::too_many_arguments)]
fn write_findings(
    format: Format,
    path: Option<&Path>,
    stdout: &mut dyn Write,
    sides: Sides<'_>,
    psp: &mut Stored,
    options: &Options,
    counts: &mut [u64],
    progress: &Progress,
) -> io::Result<()> {
    let mut n = 0usize;
    let mut count = |f: &Finding| {
        counts[f.kind.index()] += 1;
        n += 1;
        progress.tick(n);
    };
    #[cfg(feature = "parquet")]
    if format == Format::Parquet {
        let path = path.ok_or_else(|| io::Error::other("Parquet output needs --out"))?;
        let file = BufWriter::with_capacity(1 << 20, File::create(path)?);
        let mut writer = crate::parquet::findings::Writer::new(file)?;
        reconcile(sides.ledger, sides.records, options, |f| {
            count(&f);
            writer.push(&f, sides, psp)
        })?;
        return writer.finish()?.flush();
    }
    let mut file;
    let out: &mut dyn Write = match path {
        Some(p) => {
            file = BufWriter::with_capacity(1 << 20, File::create(p)?);
            &mut file
        }
        None => stdout,
    };
    if format == Format::Csv {
        let mut csv = csv::Writer::from_writer(&mut *out);
        csv.write_record(crate::reconcile::CSV_COLUMNS)?;
        reconcile(sides.ledger, sides.records, options, |f| {
            count(&f);
            csv.write_record(Flat::of(&f, sides, psp).fields())
                .map_err(io::Error::from)
        })?;
        csv.flush()?;
    } else {
        let mut buf = Vec::with_capacity(4096);
        reconcile(sides.ledger, sides.records, options, |f| {
            count(&f);
            write_json_line(out, &f, sides, psp, &mut buf)
        })?;
    }
    out.flush()
}

fn summary(err: &mut dyn Write, rows: usize, records: usize, counts: &[u64]) {
    let _ = writeln!(err, "summary: {rows} ledger rows, {records} PSP records");
    for kind in FindingKind::ALL {
        let _ = writeln!(err, "summary: {kind} {}", counts[kind.index()]);
    }
}

/// Normalization warnings: the first few in full, then only how many more there were.
#[derive(Default)]
struct Warnings {
    count: usize,
}

impl Warnings {
    const SHOWN: usize = 20;

    fn report(&mut self, err: &mut dyn Write, place: &str, warning: &str) {
        self.count += 1;
        if self.count <= Self::SHOWN {
            diagnostic(err, "warning", place, &warning);
        }
    }

    fn finish(&self, err: &mut dyn Write) {
        if self.count > Self::SHOWN {
            let more = self.count - Self::SHOWN;
            diagnostic(
                err,
                "warning",
                "",
                &format!("{more} more normalization warnings not shown"),
            );
        }
    }
}

/// A spinner on stderr, only when stderr is a terminal.
struct Progress(indicatif::ProgressBar);

impl Progress {
    fn new() -> Progress {
        use std::io::IsTerminal;
        if !io::stderr().is_terminal() {
            return Progress(indicatif::ProgressBar::hidden());
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{spinner} {msg}: {pos}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        bar.set_style(style);
        bar.set_message("reading PSP records");
        Progress(bar)
    }

    fn tick(&self, n: usize) {
        if n.is_multiple_of(4096) {
            self.0.set_position(n as u64);
        }
    }

    fn phase(&self, message: &'static str) {
        self.0.set_position(0);
        self.0.set_message(message);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
