//! `threeds_bridge` for Python: the mapping `threeds-bridge normalize` and `threeds-bridge
//! liability` apply, over the library's offline core, for data jobs (pandas, Polars, Spark)
//! that must answer exactly as the command line does.
//!
//! * `normalize(text, provider=None, as_of=None, explain=False)`: one PSP document to the
//!   dict the command line prints for it (authentication value redacted);
//! * `normalize_many(texts, provider=None, as_of=None, errors="raise")`: many, with the
//!   GIL released while the core works, so that a thread pool scales;
//! * `liability(network, ...)`: the `liability` command's decision.
//!
//! Every document goes through [`threeds_bridge::normalize::normalize_text_checked`] and
//! [`threeds_bridge::output::render`], the functions the command line calls; the dict is
//! read from the rendered line ([`pyjson`]), so it cannot differ from the printed one.

mod pyjson;

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyUserWarning, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::borrow::Cow;
use std::ffi::CString;
use std::sync::OnceLock;
use threeds_bridge::liability::{decide, LiabilityQuery};
use threeds_bridge::model::Provider;
use threeds_bridge::normalize::{normalize_text_checked, Context};
use threeds_bridge::output::{diagnostic_message, render, Options};
use threeds_bridge::Catalog;

create_exception!(
    threeds_bridge,
    NormalizeError,
    PyValueError,
    "A document that could not be normalized. `kind` names the failure (not_json, unknown_document, ambiguous, shape, unsupported, too_deep; missing for a None in normalize_many); `message` is the command line's message; `index` is the document's position in normalize_many."
);
create_exception!(
    threeds_bridge,
    LiabilityError,
    PyValueError,
    "A liability fact the rule tables cannot hold; the message names the argument as the command line's flag."
);
create_exception!(
    threeds_bridge,
    NormalizeWarning,
    PyUserWarning,
    "Something in a normalized document worth a look (an unknown PSP value, ...): what the command line prints on stderr as a warning."
);

/// The built-in catalog, loaded once per process (it is immutable and shared by threads).
fn catalog() -> PyResult<&'static Catalog> {
    static CATALOG: OnceLock<Result<Catalog, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Catalog::builtin().map_err(|e| diagnostic_message(&e)))
        .as_ref()
        .map_err(|e| PyValueError::new_err(format!("built-in catalog: {e}")))
}

/// `provider`: a registered PSP's id, or detection when `None`.
fn provider(name: Option<&str>) -> PyResult<Option<Provider>> {
    let Some(name) = name else { return Ok(None) };
    match threeds_bridge::psp::find(name) {
        Some(psp) => Ok(Some(psp.id())),
        None => Err(PyValueError::new_err(format!(
            "provider: '{}' is not a registered PSP ({})",
            threeds_wire::excerpt(name),
            threeds_bridge::psp::ids_sentence()
        ))),
    }
}

/// `as_of`: a `datetime.date` or a `YYYY-MM-DD` string.
fn as_of(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<chrono::NaiveDate>> {
    let Some(value) = value else { return Ok(None) };
    let text: String = if value.is_instance_of::<PyString>() {
        value.extract()?
    } else if value.hasattr("isoformat")? {
        value.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(
            "as_of: expected a datetime.date or a YYYY-MM-DD string",
        ));
    };
    chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            PyValueError::new_err(format!(
                "as_of: '{}' is not a date as YYYY-MM-DD, e.g. 2026-12-01",
                threeds_wire::excerpt(&text)
            ))
        })
}

/// One document's outcome, computed without the GIL: the rendered line and its warnings,
/// or the failure's kind and message.
type Outcome = Result<(String, Vec<String>), (&'static str, String)>;

/// `text` as the command line's reader hands a file holding it to the normalizer, so that
/// an error's line and column are the ones the command line reports. The reader drops a
/// leading byte order mark and blank lines; when the first line is a document by itself
/// (JSON Lines, or a PSP's query-string document) it hands that line trimmed; otherwise
/// (pretty-printed JSON) the text from the document's first character, lines ended by
/// `\n`. Several documents in one text stay one text here, which the normalizer refuses.
fn as_the_cli_reads(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty());
    let Some(first) = lines.next() else {
        return Cow::Borrowed(text.trim());
    };
    if is_document_line(first.trim()) {
        return if lines.all(|l| l.trim().is_empty()) {
            Cow::Borrowed(first.trim())
        } else {
            Cow::Borrowed(text.trim())
        };
    }
    let mut pretty = String::with_capacity(text.len() + 1);
    for line in std::iter::once(first).chain(lines) {
        pretty.push_str(line);
        pretty.push('\n');
    }
    let start = pretty.len() - pretty.trim_start().len();
    pretty.drain(..start);
    Cow::Owned(pretty)
}

/// Whether the command line's reader takes `line` as a whole document.
fn is_document_line(line: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()
        || threeds_bridge::psp::all()
            .iter()
            .any(|psp| psp.is_text_document(line))
}

/// What the command line does with one document, without printing.
fn normalize_one(
    text: &str,
    provider: Option<Provider>,
    ctx: &Context<'_>,
    options: Options,
) -> Outcome {
    match normalize_text_checked(&as_the_cli_reads(text), provider, ctx) {
        Ok(n) => {
            let warnings = n
                .explain
                .warnings
                .iter()
                .map(|w| diagnostic_message(w))
                .collect();
            Ok((render(&n, options), warnings))
        }
        Err(e) => Err((e.kind(), diagnostic_message(&e))),
    }
}

/// A `NormalizeError` with its attributes set.
fn normalize_error(py: Python<'_>, kind: &str, message: &str, index: Option<usize>) -> PyErr {
    let err = NormalizeError::new_err(message.to_owned());
    let value = err.value(py);
    let set = || -> PyResult<()> {
        value.setattr("kind", kind)?;
        value.setattr("message", message)?;
        value.setattr("index", index)?;
        Ok(())
    };
    match set() {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// Issues each warning as a `NormalizeWarning` (what the command line prints on stderr).
fn warn(py: Python<'_>, warnings: &[String], index: Option<usize>) -> PyResult<()> {
    let category = py.get_type::<NormalizeWarning>().into_any();
    for w in warnings {
        let text = match index {
            Some(i) => format!("document {i}: {w}"),
            None => w.clone(),
        };
        let message = CString::new(text.replace('\0', " "))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        PyErr::warn(py, &category, &message, 2)?;
    }
    Ok(())
}

/// Normalizes one PSP document (JSON text, or a Mangopay hook query string) to the object
/// `threeds-bridge normalize` prints for it, as a dict.
#[pyfunction]
#[pyo3(signature = (text, provider=None, as_of=None, explain=false))]
fn normalize<'py>(
    py: Python<'py>,
    text: &str,
    provider: Option<&str>,
    as_of: Option<&Bound<'py, PyAny>>,
    explain: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let catalog = catalog()?;
    let provider = self::provider(provider)?;
    let ctx = context(catalog, self::as_of(as_of)?);
    let options = Options {
        explain,
        ..Options::default()
    };
    match normalize_one(text, provider, &ctx, options) {
        Ok((line, warnings)) => {
            warn(py, &warnings, None)?;
            pyjson::to_python(py, &line)
        }
        Err((kind, message)) => Err(normalize_error(py, kind, &message, None)),
    }
}

fn context(catalog: &Catalog, as_of: Option<chrono::NaiveDate>) -> Context<'_> {
    let ctx = Context::new(catalog);
    match as_of {
        Some(date) => ctx.as_of(date),
        None => ctx,
    }
}

/// Normalizes many documents, in order, with the GIL released while the core works.
/// `errors="raise"` raises the first failure (`NormalizeError.index` says which);
/// `errors="return"` puts `{"error": {"index", "kind", "message"}}` in its slot. A `None`
/// (a null in a column) is a failure of kind `missing`.
#[pyfunction]
#[pyo3(signature = (texts, provider=None, as_of=None, explain=false, errors="raise"))]
fn normalize_many<'py>(
    py: Python<'py>,
    texts: Vec<Option<String>>,
    provider: Option<&str>,
    as_of: Option<&Bound<'py, PyAny>>,
    explain: bool,
    errors: &str,
) -> PyResult<Bound<'py, PyList>> {
    let stop_at_error = match errors {
        "raise" => true,
        "return" => false,
        other => {
            return Err(PyValueError::new_err(format!(
                "errors: '{}' is not raise or return",
                threeds_wire::excerpt(other)
            )))
        }
    };
    let catalog = catalog()?;
    let provider = self::provider(provider)?;
    let ctx = context(catalog, self::as_of(as_of)?);
    let options = Options {
        explain,
        ..Options::default()
    };
    let outcomes: Vec<Outcome> = py.detach(|| {
        let mut outcomes = Vec::with_capacity(texts.len());
        for text in &texts {
            let outcome = match text {
                Some(text) => normalize_one(text, provider, &ctx, options),
                // A null in a data job's column: reported in its slot, never skipped.
                None => Err(("missing", "no document: the value is None".to_owned())),
            };
            let failed = outcome.is_err();
            outcomes.push(outcome);
            if failed && stop_at_error {
                break;
            }
        }
        outcomes
    });
    let list = PyList::empty(py);
    for (index, outcome) in outcomes.into_iter().enumerate() {
        match outcome {
            Ok((line, warnings)) => {
                warn(py, &warnings, Some(index))?;
                list.append(pyjson::to_python(py, &line)?)?;
            }
            Err((kind, message)) if stop_at_error => {
                return Err(normalize_error(py, kind, &message, Some(index)));
            }
            Err((kind, message)) => {
                let error = PyDict::new(py);
                error.set_item("index", index)?;
                error.set_item("kind", kind)?;
                error.set_item("message", message)?;
                let slot = PyDict::new(py);
                slot.set_item("error", error)?;
                list.append(slot)?;
            }
        }
    }
    Ok(list)
}

/// The liability decision `threeds-bridge liability` prints for the same flags:
/// `{"liability_shift": True | False | None, "rule": ..., "source": ...}`.
#[pyfunction]
// `version`'s default is a literal so that Python's signature shows it: the flag's default,
// `threeds_bridge::liability::DEFAULT_VERSION` (the tests compare the two answers).
#[pyo3(signature = (
    network,
    trans_status=None,
    enrollment=None,
    eci=None,
    version="2.2.0",
    cavv_present=false,
    exemption=None,
    signature=None,
    category=None,
    challenge_indicator=None,
    challenged=None,
    as_of=None,
))]
#[allow(clippy::too_many_arguments)]
fn liability<'py>(
    py: Python<'py>,
    network: String,
    trans_status: Option<String>,
    enrollment: Option<String>,
    eci: Option<String>,
    version: &str,
    cavv_present: bool,
    exemption: Option<String>,
    signature: Option<String>,
    category: Option<String>,
    challenge_indicator: Option<String>,
    challenged: Option<bool>,
    as_of: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let query = LiabilityQuery {
        network,
        trans_status,
        enrollment,
        eci,
        version: version.to_owned(),
        cavv_present,
        exemption,
        signature,
        category,
        challenge_indicator,
        challenged,
        as_of: self::as_of(as_of)?,
    };
    let facts = query
        .facts()
        .map_err(|e| LiabilityError::new_err(diagnostic_message(&e)))?;
    let decision = decide(&facts);
    let line = serde_json::to_string(&decision)
        .map_err(|e| PyValueError::new_err(format!("internal: {e}")))?;
    pyjson::to_python(py, &line)
}

/// The registered PSPs' ids, in the order detection tries them.
#[pyfunction]
fn providers() -> Vec<&'static str> {
    threeds_bridge::psp::providers()
        .into_iter()
        .map(|p| p.as_str())
        .collect()
}

#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(normalize_many, m)?)?;
    m.add_function(wrap_pyfunction!(liability, m)?)?;
    m.add_function(wrap_pyfunction!(providers, m)?)?;
    m.add("NormalizeError", py.get_type::<NormalizeError>())?;
    m.add("LiabilityError", py.get_type::<LiabilityError>())?;
    m.add("NormalizeWarning", py.get_type::<NormalizeWarning>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
