//! PSP code catalogs: what each PSP status, result code and error code means.
//!
//! The rows live as CSV data in each provider crate (`providers/<psp>/catalog.csv`) and are
//! compiled in. [`Catalog::builtin`] checks every row's normalized words; a file given with
//! `normalize --codes FILE` adds rows or overrides built-in ones at run time, for codes a PSP
//! adds before this project does. Its format is the catalog CSV with a leading `provider`
//! column.

use crate::model::{AuthenticationStatus, NextStep, Provider, Retry};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use threeds_wire::catalog::{self, CatalogRow};

/// One validated catalog row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub provider: Provider,
    pub table: String,
    pub code: String,
    pub message: String,
    /// `None` when the row does not decide the status (a reason code whose status comes
    /// from another field).
    pub status: Option<AuthenticationStatus>,
    pub reason: Option<String>,
    pub next_step: Option<NextStep>,
    /// Where a new attempt can help; `None` when the row does not decide it.
    pub retry: Option<Retry>,
    pub source: String,
    /// Where the row was loaded from: `builtin` or the override file's path.
    pub origin: String,
}

impl Entry {
    /// `provider/table/code`, the id `--explain` shows.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.provider, self.table, self.code)
    }
}

/// A catalog file or row that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    #[error(transparent)]
    Csv(#[from] catalog::CatalogError),
    #[error("{origin}: row {provider}/{table}/{code}: {message}")]
    Row {
        origin: String,
        provider: String,
        table: String,
        code: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Io { path: String, message: String },
}

/// Every catalog row, keyed by provider, table and code: one map level per key, so that a
/// lookup borrows the table and code it is given instead of building an owned key.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    rows: BTreeMap<Provider, BTreeMap<String, BTreeMap<String, Entry>>>,
}

impl Catalog {
    /// The catalogs of every registered PSP (see [`crate::psp`]). Fails only if a shipped
    /// row is invalid, which the test suite rules out for the built-in PSPs.
    pub fn builtin() -> Result<Self, CatalogError> {
        let mut catalog = Catalog::default();
        for psp in crate::psp::all() {
            let provider = psp.id();
            let origin = format!("the {provider} catalog ({})", psp.name());
            for row in catalog::parse(&origin, psp.catalog_csv())? {
                catalog.insert(provider, row, "builtin")?;
            }
        }
        Ok(catalog)
    }

    /// Adds or overrides rows from an override file (`provider,table,code,...`).
    pub fn extend_from_file(&mut self, path: &Path) -> Result<usize, CatalogError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| CatalogError::Io {
            path: origin.clone(),
            message: e.to_string(),
        })?;
        self.extend_from_text(&origin, &text)
    }

    /// Adds or overrides rows from override CSV text; `origin` names it in errors.
    pub fn extend_from_text(&mut self, origin: &str, text: &str) -> Result<usize, CatalogError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut count = 0;
        for record in reader.deserialize::<OverrideRow>() {
            let row = record.map_err(|e| catalog::CatalogError {
                origin: origin.to_owned(),
                line: e.position().map_or(0, csv::Position::line),
                message: e.to_string(),
            })?;
            let provider: Provider =
                row.provider
                    .parse()
                    .map_err(|e: crate::model::UnknownProvider| CatalogError::Row {
                        origin: origin.to_owned(),
                        provider: row.provider.clone(),
                        table: row.table.clone(),
                        code: row.code.clone(),
                        message: e.to_string(),
                    })?;
            let row = CatalogRow {
                table: row.table,
                code: row.code,
                message: row.message,
                status: row.status,
                reason: row.reason,
                next_step: row.next_step,
                retry: row.retry,
                source: row.source,
            };
            self.insert(provider, row, origin)?;
            count += 1;
        }
        Ok(count)
    }

    fn insert(
        &mut self,
        provider: Provider,
        row: CatalogRow,
        origin: &str,
    ) -> Result<(), CatalogError> {
        let fail = |message: String| CatalogError::Row {
            origin: origin.to_owned(),
            provider: provider.to_string(),
            table: row.table.clone(),
            code: row.code.clone(),
            message,
        };
        let status = optional(&row.status)
            .map(str::parse)
            .transpose()
            .map_err(|e| fail(format!("{e}")))?;
        let next_step = optional(&row.next_step)
            .map(str::parse)
            .transpose()
            .map_err(|e| fail(format!("{e}")))?;
        let retry = optional(&row.retry)
            .map(str::parse)
            .transpose()
            .map_err(|e| fail(format!("{e}")))?;
        if let Some(reason) = optional(&row.reason) {
            if !is_snake_case(reason) {
                return Err(fail(format!("reason '{reason}' is not snake_case")));
            }
        }
        if row.table.is_empty() || row.code.is_empty() {
            return Err(fail("table and code must not be empty".into()));
        }
        let entry = Entry {
            provider,
            table: row.table.clone(),
            code: row.code.clone(),
            message: row.message.clone(),
            status,
            reason: optional(&row.reason).map(str::to_owned),
            next_step,
            retry,
            source: row.source.clone(),
            origin: origin.to_owned(),
        };
        self.rows
            .entry(provider)
            .or_default()
            .entry(row.table)
            .or_default()
            .insert(row.code, entry);
        Ok(())
    }

    /// The row for a PSP value, if the catalog knows it.
    pub fn lookup(&self, provider: Provider, table: &str, code: &str) -> Option<&Entry> {
        self.rows.get(&provider)?.get(table)?.get(code)
    }

    /// Every row of one provider, ordered by table and code.
    pub fn rows(&self, provider: Provider) -> impl Iterator<Item = &Entry> {
        self.rows
            .get(&provider)
            .into_iter()
            .flat_map(|tables| tables.values().flat_map(BTreeMap::values))
    }

    pub fn len(&self) -> usize {
        self.rows
            .values()
            .flat_map(BTreeMap::values)
            .map(BTreeMap::len)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.id(), self.origin)
    }
}

/// An override file row: the catalog columns behind a `provider` column. (Spelt out rather
/// than `#[serde(flatten)]`, which makes the CSV reader guess types and read `101304` as a
/// number.)
#[derive(serde::Deserialize)]
struct OverrideRow {
    provider: String,
    table: String,
    code: String,
    message: String,
    status: String,
    reason: String,
    next_step: String,
    retry: String,
    source: String,
}

fn optional(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn is_snake_case(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.starts_with('_')
        && !s.ends_with('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "provider,table,code,message,status,reason,next_step,retry,source\n";

    #[test]
    fn builtin_catalogs_load_and_every_row_is_valid() {
        let catalog = Catalog::builtin().unwrap();
        for p in crate::psp::providers() {
            assert!(catalog.rows(p).count() > 0, "{p} ships no catalog rows");
        }
    }

    #[test]
    fn override_rows_replace_builtin_ones() {
        let mut catalog = Catalog::builtin().unwrap();
        let text = format!("{HEADER}mangopay,result_code,999998,New code,declined,issuer_declined,do_not_authorize,never,ops\n");
        assert_eq!(catalog.extend_from_text("extra.csv", &text).unwrap(), 1);
        let e = catalog
            .lookup(Provider::MANGOPAY, "result_code", "999998")
            .unwrap();
        assert_eq!(e.status, Some(AuthenticationStatus::Declined));
        assert_eq!(e.origin, "extra.csv");
    }

    #[test]
    fn override_rows_with_unknown_words_are_rejected_with_their_location() {
        let mut catalog = Catalog::default();
        let text = format!("{HEADER}pxp,state,Foo,m,succeeded,,authorize,,x\n");
        let err = catalog
            .extend_from_text("extra.csv", &text)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "extra.csv: row pxp/state/Foo: 'succeeded' is not a known authentication status"
        );
        let text = format!("{HEADER}adyen,state,Foo,m,pending,,wait,,x\n");
        assert!(catalog
            .extend_from_text("extra.csv", &text)
            .unwrap_err()
            .to_string()
            .contains("unknown provider 'adyen'"));
        let text = format!("{HEADER}pxp,state,Foo,m,pending,Bad Reason,wait,,x\n");
        assert!(catalog
            .extend_from_text("extra.csv", &text)
            .unwrap_err()
            .to_string()
            .contains("not snake_case"));
    }
}
