//! One finding as output: a JSON line (both sides whole), or a flat row (CSV, Parquet).

use super::ledger::LedgerRow;
use super::matcher::Finding;
use super::record::Record;
use std::fmt;
use std::io::{self, Write};

/// What a ledger row and the PSP records of the same payment say together. The rule behind
/// each is in `docs/reconcile.md` and in [`super::matcher`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FindingKind {
    /// The row and its records agree.
    Matched,
    /// No PSP record for the row.
    MissingAtPsp,
    /// PSP records no ledger row claims.
    MissingInLedger,
    /// The amounts differ by more than the tolerance.
    AmountMismatch,
    /// The currencies differ.
    CurrencyMismatch,
    /// The PSP's outcome contradicts what was booked (or is unknown, or the PSP's own
    /// records of one authentication disagree).
    StatusMismatch,
    /// More than one authentication succeeded for the row.
    DuplicateAuthentication,
    /// Booked as authorized or captured, but the PSP says no authentication could take
    /// place (unavailable, not enrolled).
    CapturedWithoutAuthentication,
    /// Booked as authorized or captured after a successful authentication, but liability
    /// did not shift to the issuer (or cannot be known).
    NoLiabilityShift,
}

impl FindingKind {
    /// Every kind, in the order the summary lists them.
    pub const ALL: [FindingKind; 9] = [
        FindingKind::Matched,
        FindingKind::MissingAtPsp,
        FindingKind::MissingInLedger,
        FindingKind::AmountMismatch,
        FindingKind::CurrencyMismatch,
        FindingKind::StatusMismatch,
        FindingKind::DuplicateAuthentication,
        FindingKind::CapturedWithoutAuthentication,
        FindingKind::NoLiabilityShift,
    ];

    /// The contract spelling (`finding`).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Matched => "matched",
            FindingKind::MissingAtPsp => "missing_at_psp",
            FindingKind::MissingInLedger => "missing_in_ledger",
            FindingKind::AmountMismatch => "amount_mismatch",
            FindingKind::CurrencyMismatch => "currency_mismatch",
            FindingKind::StatusMismatch => "status_mismatch",
            FindingKind::DuplicateAuthentication => "duplicate_authentication",
            FindingKind::CapturedWithoutAuthentication => "captured_without_authentication",
            FindingKind::NoLiabilityShift => "no_liability_shift",
        }
    }

    /// Its position in [`FindingKind::ALL`] (for counting).
    pub fn index(self) -> usize {
        FindingKind::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or_default()
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The PSP side of the findings: each record's whole normalized object, kept by the caller.
pub trait PspSide {
    /// Appends record `index`'s normalized JSON object, as `normalize` prints it (secrets
    /// redacted).
    fn write_json(&mut self, index: usize, out: &mut Vec<u8>) -> io::Result<()>;
    /// Where record `index` was read: `file:line`, or `file:line[i]` for a list's item.
    fn source(&self, index: usize) -> String;
}

/// Everything a finding line needs.
#[derive(Clone, Copy)]
pub struct Sides<'a> {
    pub ledger: &'a [LedgerRow],
    pub records: &'a [Record],
}

impl<'a> Sides<'a> {
    /// The reference a finding is about: the ledger row's, else its first record's.
    pub fn reference(&self, finding: &Finding) -> Option<&'a str> {
        match finding.ledger {
            Some(i) => self.ledger.get(i).and_then(|r| r.reference.as_deref()),
            None => finding
                .records
                .first()
                .and_then(|&i| self.records.get(i))
                .and_then(|r| r.reference.as_deref()),
        }
    }
}

/// Writes one finding as a JSON line:
/// `{"finding", "reference", "ledger", "psp", "psp_sources", "detail"}`.
pub fn write_json_line(
    out: &mut dyn Write,
    finding: &Finding,
    sides: Sides<'_>,
    psp: &mut dyn PspSide,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    buf.clear();
    buf.extend_from_slice(b"{\"finding\":\"");
    buf.extend_from_slice(finding.kind.as_str().as_bytes());
    buf.extend_from_slice(b"\",\"reference\":");
    json_value(buf, &sides.reference(finding))?;
    buf.extend_from_slice(b",\"ledger\":");
    match finding.ledger.and_then(|i| sides.ledger.get(i)) {
        None => buf.extend_from_slice(b"null"),
        Some(row) => {
            let ledger = LedgerJson {
                line: row.line,
                reference: row.reference.as_deref(),
                provider: row.provider.map(|p| p.as_str()),
                psp_id: row.psp_id.as_deref(),
                amount: row.amount,
                currency: &row.currency,
                booked: row.booked.as_str(),
            };
            serde_json::to_writer(&mut *buf, &ledger).map_err(io::Error::other)?;
        }
    }
    buf.extend_from_slice(b",\"psp\":[");
    for (n, &i) in finding.records.iter().enumerate() {
        if n > 0 {
            buf.push(b',');
        }
        psp.write_json(i, buf)?;
    }
    buf.extend_from_slice(b"],\"psp_sources\":");
    let sources: Vec<String> = finding.records.iter().map(|&i| psp.source(i)).collect();
    json_value(buf, &sources)?;
    buf.extend_from_slice(b",\"detail\":");
    json_value(buf, &finding.detail)?;
    buf.extend_from_slice(b"}\n");
    out.write_all(buf)
}

/// The ledger row of a finding line, in the ledger's column order.
#[derive(serde::Serialize)]
struct LedgerJson<'a> {
    line: usize,
    reference: Option<&'a str>,
    provider: Option<&'static str>,
    psp_id: Option<&'a str>,
    amount: u64,
    currency: &'a str,
    booked: &'static str,
}

fn json_value(buf: &mut Vec<u8>, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(buf, value).map_err(io::Error::other)
}

/// The flat columns of a finding (CSV, Parquet), in order. Lists of the PSP side are joined
/// with `;` in the finding's record order; an absent value is empty.
pub const CSV_COLUMNS: [&str; 17] = [
    "finding",
    "reference",
    "ledger_line",
    "ledger_provider",
    "ledger_psp_id",
    "ledger_amount",
    "ledger_currency",
    "ledger_booked",
    "psp_count",
    "psp_providers",
    "psp_ids",
    "psp_statuses",
    "psp_liability_shifts",
    "psp_amounts",
    "psp_currencies",
    "psp_sources",
    "detail",
];

/// One finding as flat values: [`CSV_COLUMNS`] in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flat<'a> {
    pub finding: &'static str,
    pub reference: Option<&'a str>,
    pub ledger_line: Option<u64>,
    pub ledger_provider: Option<&'static str>,
    pub ledger_psp_id: Option<&'a str>,
    pub ledger_amount: Option<u64>,
    pub ledger_currency: Option<&'a str>,
    pub ledger_booked: Option<&'static str>,
    pub psp_count: u64,
    pub psp_providers: String,
    pub psp_ids: String,
    pub psp_statuses: String,
    pub psp_liability_shifts: String,
    pub psp_amounts: String,
    pub psp_currencies: String,
    pub psp_sources: String,
    pub detail: &'a str,
}

impl<'a> Flat<'a> {
    /// The flat values of `finding`.
    pub fn of(finding: &'a Finding, sides: Sides<'a>, psp: &dyn PspSide) -> Flat<'a> {
        let row = finding.ledger.and_then(|i| sides.ledger.get(i));
        let records: Vec<&Record> = finding
            .records
            .iter()
            .filter_map(|&i| sides.records.get(i))
            .collect();
        let join = |f: &dyn Fn(&Record) -> String| {
            records.iter().map(|r| f(r)).collect::<Vec<_>>().join(";")
        };
        let opt = |v: Option<&str>| v.unwrap_or_default().to_owned();
        Flat {
            finding: finding.kind.as_str(),
            reference: sides.reference(finding),
            ledger_line: row.map(|r| r.line as u64),
            ledger_provider: row.and_then(|r| r.provider).map(|p| p.as_str()),
            ledger_psp_id: row.and_then(|r| r.psp_id.as_deref()),
            ledger_amount: row.map(|r| r.amount),
            ledger_currency: row.map(|r| &*r.currency),
            ledger_booked: row.map(|r| r.booked.as_str()),
            psp_count: records.len() as u64,
            psp_providers: join(&|r| r.provider.as_str().to_owned()),
            psp_ids: join(&|r| opt(r.id.as_deref())),
            psp_statuses: join(&|r| r.status.as_str().to_owned()),
            psp_liability_shifts: join(&|r| {
                r.liability_shift.map(|b| b.to_string()).unwrap_or_default()
            }),
            psp_amounts: join(&|r| r.amount.map(|a| a.to_string()).unwrap_or_default()),
            psp_currencies: join(&|r| opt(r.currency.as_deref())),
            psp_sources: finding
                .records
                .iter()
                .map(|&i| psp.source(i))
                .collect::<Vec<_>>()
                .join(";"),
            detail: &finding.detail,
        }
    }

    /// The values as CSV fields, in [`CSV_COLUMNS`] order.
    pub fn fields(&self) -> [String; 17] {
        let o = |v: Option<&str>| v.unwrap_or_default().to_owned();
        let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        [
            self.finding.to_owned(),
            o(self.reference),
            n(self.ledger_line),
            o(self.ledger_provider),
            o(self.ledger_psp_id),
            n(self.ledger_amount),
            o(self.ledger_currency),
            o(self.ledger_booked),
            self.psp_count.to_string(),
            self.psp_providers.clone(),
            self.psp_ids.clone(),
            self.psp_statuses.clone(),
            self.psp_liability_shifts.clone(),
            self.psp_amounts.clone(),
            self.psp_currencies.clone(),
            self.psp_sources.clone(),
            self.detail.to_owned(),
        ]
    }
}
