//! The matching rules: which PSP records belong to which ledger row, and what each pairing
//! is.
//!
//! Records are matched to a row on the row's reference (or, with [`Key::Id`], its PSP id)
//! and, when the row names a PSP, only among that PSP's records. Several records for one
//! row are normal: a webhook and a GET of the same authentication, or retries. Records with
//! the same PSP id are one authentication seen several times; records with different ids
//! (or none) are separate attempts. Then, for each row:
//!
//! 1. no record: `missing_at_psp`;
//! 2. more than one attempt succeeded (`authenticated` or `attempted`):
//!    `duplicate_authentication` (several failed attempts and one success is retrying, and
//!    matches);
//! 3. the *deciding* attempt is the successful one (the first, with duplicates), else an
//!    exempted one, else the last attempt in input order (the latest retry);
//! 4. its amount against the row's: `currency_mismatch` when a record's currency differs,
//!    else `amount_mismatch` when a record's amount differs by more than the tolerance (a
//!    record without an amount is not compared, and `matched` says so);
//! 5. its status against what was booked ([`judge`]; the table is in `docs/reconcile.md`):
//!    `status_mismatch`, `captured_without_authentication` or `no_liability_shift`.
//!
//! A row gets one finding per discrepancy, or one `matched`. Records no row claims are
//! `missing_in_ledger`, one finding per key (all its unclaimed records together), and a
//! record without the key is one finding alone.
//!
//! Order is deterministic: the rows' findings in ledger order (and for one row in the order
//! above), then the `missing_in_ledger` findings in the order of their first record; a
//! finding's records are in input order. No hash map's iteration order reaches the output.

use super::finding::FindingKind;
use super::ledger::{Booked, LedgerRow};
use super::record::Record;
use crate::model::{AuthenticationStatus as S, Provider};
use std::collections::HashMap;
use threeds_wire::excerpt;

/// What ledger rows and PSP records are matched on (`--key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Key {
    /// The merchant's reference (`reference` in both).
    #[default]
    Reference,
    /// The PSP's id (`psp_id` in the ledger, `id` in the record).
    Id,
}

impl Key {
    /// The record's value for this key.
    pub fn of(self, record: &Record) -> Option<&str> {
        match self {
            Key::Reference => record.reference.as_deref(),
            Key::Id => record.id.as_deref(),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Key::Reference => "reference",
            Key::Id => "PSP id",
        }
    }
}

/// How to match.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub key: Key,
    /// The largest difference between the ledger's and the PSP's amount, in minor units,
    /// that still matches.
    pub amount_tolerance: u64,
}

/// One finding: a kind, the ledger row (index into the ledger; `None` for
/// `missing_in_ledger`), the PSP records (indices into the records, in input order) and a
/// sentence saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub ledger: Option<usize>,
    pub records: Vec<usize>,
    pub detail: String,
}

/// Reconciles `ledger` against `records`, handing each finding to `each` in the order
/// described in the module documentation. Stops at the first error `each` returns.
pub fn reconcile<E>(
    ledger: &[LedgerRow],
    records: &[Record],
    options: &Options,
    mut each: impl FnMut(Finding) -> Result<(), E>,
) -> Result<(), E> {
    let key = options.key;
    // Record indices with a key, sorted by key (stable: input order within a key).
    let mut by_key: Vec<u32> = (0..records.len())
        .filter(|&i| key.of(&records[i]).is_some())
        .map(|i| i as u32)
        .collect();
    let key_at = |i: u32| key.of(&records[i as usize]).unwrap_or_default();
    by_key.sort_by(|&a, &b| key_at(a).cmp(key_at(b)));
    let mut claimed = vec![false; records.len()];
    let mut matched: Vec<usize> = Vec::new();
    for (row_index, row) in ledger.iter().enumerate() {
        matched.clear();
        if let Some(k) = row.key(key) {
            let start = by_key.partition_point(|&i| key_at(i) < k);
            let end = start + by_key[start..].partition_point(|&i| key_at(i) == k);
            matched.extend(
                by_key[start..end]
                    .iter()
                    .map(|&i| i as usize)
                    .filter(|&i| row.provider.is_none_or(|p| records[i].provider == p)),
            );
        }
        for &i in &matched {
            claimed[i] = true;
        }
        for (kind, detail) in judge_row(row, &matched, records, options) {
            each(Finding {
                kind,
                ledger: Some(row_index),
                records: matched.clone(),
                detail,
            })?;
        }
    }
    // What no row claimed: per key, then the records without one, by first record.
    let mut ledger_keys: Vec<&str> = ledger.iter().filter_map(|r| r.key(key)).collect();
    ledger_keys.sort_unstable();
    ledger_keys.dedup();
    let mut missing: Vec<(Vec<usize>, String)> = Vec::new();
    let mut start = 0;
    while start < by_key.len() {
        let k = key_at(by_key[start]);
        let end = start + by_key[start..].partition_point(|&i| key_at(i) == k);
        let group: Vec<usize> = by_key[start..end]
            .iter()
            .map(|&i| i as usize)
            .filter(|&i| !claimed[i])
            .collect();
        if !group.is_empty() {
            let detail = if ledger_keys.binary_search(&k).is_ok() {
                format!("the ledger rows with this {} name another PSP", key.noun())
            } else {
                format!("no ledger row has this {}", key.noun())
            };
            missing.push((group, detail));
        }
        start = end;
    }
    for (i, record) in records.iter().enumerate() {
        if key.of(record).is_none() {
            let detail = format!(
                "the {} {} record has no {} to match on",
                record.provider,
                kind_word(record),
                key.noun()
            );
            missing.push((vec![i], detail));
        }
    }
    missing.sort_by_key(|(group, _)| group.first().copied());
    for (records, detail) in missing {
        each(Finding {
            kind: FindingKind::MissingInLedger,
            ledger: None,
            records,
            detail,
        })?;
    }
    Ok(())
}

fn kind_word(record: &Record) -> &'static str {
    match record.kind {
        crate::model::DocumentKind::Authentication => "authentication",
        crate::model::DocumentKind::Error => "error",
        crate::model::DocumentKind::Webhook => "webhook",
    }
}

/// One authentication as the row's records show it: all records with the same PSP id.
struct Attempt {
    records: Vec<usize>,
    outcome: Outcome,
    liability_shift: Option<bool>,
    id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Status(S),
    /// The records give different final statuses for one authentication.
    Contradicted(Vec<S>),
}

impl Attempt {
    fn status(&self) -> Option<S> {
        match &self.outcome {
            Outcome::Status(s) => Some(*s),
            Outcome::Contradicted(_) => None,
        }
    }

    fn succeeded(&self) -> bool {
        matches!(self.status(), Some(S::Authenticated | S::Attempted))
    }
}

/// The row's records as attempts, in the order of their first record.
fn attempts(matched: &[usize], records: &[Record]) -> Vec<Attempt> {
    let mut index: HashMap<(Provider, &str), usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in matched {
        let record = &records[i];
        match record.id.as_deref() {
            Some(id) => {
                let at = *index.entry((record.provider, id)).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[at].push(i);
            }
            None => groups.push(vec![i]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let mut finals: Vec<S> = Vec::new();
            for &i in &group {
                let s = records[i].status;
                if s.is_final() && !finals.contains(&s) {
                    finals.push(s);
                }
            }
            let outcome = match finals.as_slice() {
                [] => Outcome::Status(group.last().map_or(S::Unknown, |&i| records[i].status)),
                [one] => Outcome::Status(*one),
                _ => Outcome::Contradicted(finals.clone()),
            };
            // Liability as the records with the outcome's status know it; a false anywhere
            // wins over a true (never the more positive reading of a contradiction).
            let known: Vec<bool> = group
                .iter()
                .map(|&i| &records[i])
                .filter(|r| Outcome::Status(r.status) == outcome)
                .filter_map(|r| r.liability_shift)
                .collect();
            let liability_shift = if known.is_empty() {
                None
            } else {
                Some(known.iter().all(|&b| b))
            };
            let id = group
                .first()
                .and_then(|&i| records[i].id.as_deref())
                .map(|id| excerpt(id).into_owned());
            Attempt {
                records: group,
                outcome,
                liability_shift,
                id,
            }
        })
        .collect()
}

/// The findings of one row: its discrepancies, or `matched`.
fn judge_row(
    row: &LedgerRow,
    matched: &[usize],
    records: &[Record],
    options: &Options,
) -> Vec<(FindingKind, String)> {
    if matched.is_empty() {
        let at = row.provider.map(|p| format!(" at {p}")).unwrap_or_default();
        return vec![(
            FindingKind::MissingAtPsp,
            format!("no PSP record{at} has this {}", options.key.noun()),
        )];
    }
    let attempts = attempts(matched, records);
    let mut found = Vec::new();
    let successes: Vec<&Attempt> = attempts.iter().filter(|a| a.succeeded()).collect();
    if successes.len() > 1 {
        let ids: Vec<&str> = successes
            .iter()
            .map(|a| a.id.as_deref().unwrap_or("without id"))
            .collect();
        found.push((
            FindingKind::DuplicateAuthentication,
            format!(
                "{} authentications succeeded for one payment ({})",
                successes.len(),
                ids.join(", ")
            ),
        ));
    }
    let deciding = successes
        .first()
        .copied()
        .or_else(|| attempts.iter().find(|a| a.status() == Some(S::Exempted)))
        .or(attempts.last());
    let Some(deciding) = deciding else {
        return found;
    };
    let amounts = compare_amounts(row, deciding, records, options.amount_tolerance);
    if let Some(mismatch) = amounts.mismatch {
        found.push(mismatch);
    }
    if let Some(status) = judge(row.booked, &deciding.outcome, deciding.liability_shift) {
        found.push(status);
    }
    if found.is_empty() {
        let status = deciding.status().map_or("contradicted", S::as_str);
        let mut detail = format!("booked {}, PSP {status}", row.booked);
        if attempts.len() > 1 {
            detail.push_str(&format!(" after {} attempts", attempts.len()));
        }
        match deciding.liability_shift {
            Some(true) => detail.push_str("; liability shifted"),
            _ if status == "exempted" => detail.push_str("; liability stays with the merchant"),
            _ => {}
        }
        if !amounts.compared {
            detail.push_str("; the PSP records carry no amount to compare");
        }
        found.push((FindingKind::Matched, detail));
    }
    found
}

struct Amounts {
    compared: bool,
    mismatch: Option<(FindingKind, String)>,
}

/// The deciding attempt's amounts against the row's. A currency that differs makes the
/// amounts incomparable, so it is the one finding then.
fn compare_amounts(
    row: &LedgerRow,
    attempt: &Attempt,
    records: &[Record],
    tolerance: u64,
) -> Amounts {
    let mut compared = false;
    for &i in &attempt.records {
        let r = &records[i];
        let (Some(amount), Some(currency)) = (r.amount, r.currency.as_deref()) else {
            continue;
        };
        compared = true;
        if currency != &*row.currency {
            return Amounts {
                compared,
                mismatch: Some((
                    FindingKind::CurrencyMismatch,
                    format!(
                        "ledger {} {}, PSP {amount} {}",
                        row.amount,
                        row.currency,
                        excerpt(currency)
                    ),
                )),
            };
        }
        let difference = amount.abs_diff(row.amount);
        if difference > tolerance {
            return Amounts {
                compared,
                mismatch: Some((
                    FindingKind::AmountMismatch,
                    format!(
                        "ledger {} {cur}, PSP {amount} {cur}: {difference} apart, tolerance {tolerance}",
                        row.amount,
                        cur = row.currency
                    ),
                )),
            };
        }
    }
    Amounts {
        compared,
        mismatch: None,
    }
}

/// What was booked against the deciding attempt's outcome: `None` when they agree. The
/// table in `docs/reconcile.md` is this function.
fn judge(
    booked: Booked,
    outcome: &Outcome,
    liability_shift: Option<bool>,
) -> Option<(FindingKind, String)> {
    let status = match outcome {
        Outcome::Status(s) => *s,
        Outcome::Contradicted(statuses) => {
            let words: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
            return Some((
                FindingKind::StatusMismatch,
                format!(
                    "the PSP's records of one authentication disagree ({})",
                    words.join(", ")
                ),
            ));
        }
    };
    let mismatch = |why: String| Some((FindingKind::StatusMismatch, why));
    if status == S::Unknown {
        return mismatch(format!(
            "booked {booked}, PSP status unknown to this version (its own status is kept in raw)"
        ));
    }
    let succeeded = matches!(status, S::Authenticated | S::Attempted);
    let allowed = succeeded || status == S::Exempted;
    let without = matches!(status, S::Unavailable | S::NotEnrolled);
    let unfinished = !status.is_final();
    match booked {
        Booked::Authorized | Booked::Captured | Booked::Refunded | Booked::Voided => {
            let taken = matches!(booked, Booked::Authorized | Booked::Captured);
            if succeeded && taken && liability_shift != Some(true) {
                let why = match liability_shift {
                    Some(_) => "liability did not shift to the issuer",
                    None => "whether liability shifted cannot be known from the PSP's records",
                };
                return Some((
                    FindingKind::NoLiabilityShift,
                    format!("booked {booked} after {status}, but {why}"),
                ));
            }
            if allowed {
                return None;
            }
            if without {
                // A void took no money: authorizing at one's own risk and voiding is fine.
                return (booked != Booked::Voided).then(|| {
                    (
                        FindingKind::CapturedWithoutAuthentication,
                        format!("booked {booked}, but at the PSP no authentication took place ({status})"),
                    )
                });
            }
            if unfinished {
                return mismatch(format!(
                    "booked {booked}, but the authentication is not finished at the PSP ({status})"
                ));
            }
            // Failed, rejected, expired, declined or error.
            mismatch(format!("booked {booked}, but the PSP reports {status}"))
        }
        Booked::Declined => allowed.then(|| {
            (
                FindingKind::StatusMismatch,
                format!(
                    "booked declined, but the PSP reports {status} (if the issuer declined the authorization after it, check that authorization)"
                ),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DocumentKind;

    fn row(reference: &str, amount: u64, booked: Booked) -> LedgerRow {
        LedgerRow {
            line: 2,
            reference: Some(reference.into()),
            provider: None,
            psp_id: None,
            amount,
            currency: "EUR".into(),
            booked,
        }
    }

    fn record(id: &str, reference: &str, status: S, liability: Option<bool>) -> Record {
        Record {
            provider: Provider::new("checkout"),
            kind: DocumentKind::Authentication,
            id: Some(id.into()),
            reference: Some(reference.into()),
            status,
            liability_shift: liability,
            amount: Some(100),
            currency: Some("EUR".into()),
        }
    }

    fn run(ledger: &[LedgerRow], records: &[Record], options: Options) -> Vec<Finding> {
        let mut out = Vec::new();
        reconcile(ledger, records, &options, |f| {
            out.push(f);
            Ok::<(), ()>(())
        })
        .unwrap();
        out
    }

    fn kinds(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.kind.as_str()).collect()
    }

    #[test]
    fn retries_with_one_success_match_and_two_successes_are_a_duplicate() {
        let records = [
            record("a", "R1", S::Failed, Some(false)),
            record("b", "R1", S::Authenticated, Some(true)),
            record("c", "R2", S::Authenticated, Some(true)),
            record("d", "R2", S::Attempted, Some(true)),
        ];
        let ledger = [
            row("R1", 100, Booked::Captured),
            row("R2", 100, Booked::Captured),
        ];
        let found = run(&ledger, &records, Options::default());
        assert_eq!(kinds(&found), ["matched", "duplicate_authentication"]);
        assert_eq!(found[0].records, [0, 1]);
        assert_eq!(
            found[0].detail,
            "booked captured, PSP authenticated after 2 attempts; liability shifted"
        );
        assert_eq!(
            found[1].detail,
            "2 authentications succeeded for one payment (c, d)"
        );
    }

    #[test]
    fn one_authentication_seen_twice_is_one_attempt() {
        // A webhook without the liability and the session with it: one attempt, shifted.
        let records = [
            record("a", "R1", S::Pending, None),
            record("a", "R1", S::Authenticated, None),
            record("a", "R1", S::Authenticated, Some(true)),
        ];
        let found = run(
            &[row("R1", 100, Booked::Captured)],
            &records,
            Options::default(),
        );
        assert_eq!(kinds(&found), ["matched"]);
        assert_eq!(found[0].records, [0, 1, 2]);
    }

    #[test]
    fn a_contradiction_in_one_authentication_is_never_the_better_reading() {
        let records = [
            record("a", "R1", S::Authenticated, Some(true)),
            record("a", "R1", S::Failed, Some(false)),
        ];
        let found = run(
            &[row("R1", 100, Booked::Captured)],
            &records,
            Options::default(),
        );
        assert_eq!(kinds(&found), ["status_mismatch"]);
        assert!(
            found[0].detail.contains("disagree (authenticated, failed)"),
            "{}",
            found[0].detail
        );
        // Two records of one success that disagree on liability: not shifted.
        let records = [
            record("a", "R1", S::Authenticated, Some(true)),
            record("a", "R1", S::Authenticated, Some(false)),
        ];
        let found = run(
            &[row("R1", 100, Booked::Captured)],
            &records,
            Options::default(),
        );
        assert_eq!(kinds(&found), ["no_liability_shift"]);
    }

    #[test]
    fn amounts_within_the_tolerance_match_and_currency_comes_first() {
        let mut r = record("a", "R1", S::Authenticated, Some(true));
        r.amount = Some(103);
        let ledger = [row("R1", 100, Booked::Authorized)];
        let strict = run(&ledger, std::slice::from_ref(&r), Options::default());
        assert_eq!(kinds(&strict), ["amount_mismatch"]);
        assert_eq!(
            strict[0].detail,
            "ledger 100 EUR, PSP 103 EUR: 3 apart, tolerance 0"
        );
        let lenient = Options {
            amount_tolerance: 3,
            ..Options::default()
        };
        assert_eq!(
            kinds(&run(&ledger, std::slice::from_ref(&r), lenient)),
            ["matched"]
        );
        r.currency = Some("USD".into());
        assert_eq!(kinds(&run(&ledger, &[r], lenient)), ["currency_mismatch"]);
    }

    #[test]
    fn the_status_table() {
        use Booked::*;
        let cases = [
            (Captured, S::Authenticated, Some(true), None),
            (
                Captured,
                S::Authenticated,
                Some(false),
                Some("no_liability_shift"),
            ),
            (Authorized, S::Attempted, None, Some("no_liability_shift")),
            (Captured, S::Exempted, Some(false), None),
            (
                Captured,
                S::Unavailable,
                Some(false),
                Some("captured_without_authentication"),
            ),
            (
                Captured,
                S::NotEnrolled,
                Some(false),
                Some("captured_without_authentication"),
            ),
            (Voided, S::Unavailable, Some(false), None),
            (Captured, S::Failed, Some(false), Some("status_mismatch")),
            (Captured, S::Declined, None, Some("status_mismatch")),
            (
                Captured,
                S::ChallengeRequired,
                None,
                Some("status_mismatch"),
            ),
            (Refunded, S::Authenticated, Some(false), None),
            (
                Declined,
                S::Authenticated,
                Some(true),
                Some("status_mismatch"),
            ),
            (Declined, S::Failed, Some(false), None),
            (Declined, S::Expired, Some(false), None),
            (Declined, S::Pending, None, None),
            (Declined, S::Unknown, None, Some("status_mismatch")),
            (Captured, S::Unknown, None, Some("status_mismatch")),
        ];
        for (booked, status, liability, want) in cases {
            let got = judge(booked, &Outcome::Status(status), liability).map(|(k, _)| k.as_str());
            assert_eq!(got, want, "{booked} {status} {liability:?}");
        }
    }

    #[test]
    fn unclaimed_records_are_missing_in_ledger_by_key_in_input_order() {
        let mut no_reference = record("z", "x", S::Error, None);
        no_reference.reference = None;
        no_reference.kind = DocumentKind::Error;
        let records = [
            record("b", "R9", S::Authenticated, Some(true)),
            no_reference,
            record("a", "R1", S::Authenticated, Some(true)),
            record("c", "R9", S::Failed, Some(false)),
        ];
        let mut other = row("R1", 100, Booked::Captured);
        other.provider = Some(Provider::new("paysafe"));
        let found = run(
            &[other, row("R2", 5, Booked::Declined)],
            &records,
            Options::default(),
        );
        assert_eq!(
            kinds(&found),
            [
                "missing_at_psp",
                "missing_at_psp",
                "missing_in_ledger",
                "missing_in_ledger",
                "missing_in_ledger"
            ]
        );
        assert_eq!(
            found[0].detail,
            "no PSP record at paysafe has this reference"
        );
        let groups: Vec<&[usize]> = found[2..].iter().map(|f| f.records.as_slice()).collect();
        assert_eq!(groups, [&[0, 3][..], &[1], &[2]]);
        assert_eq!(
            found[3].detail,
            "the checkout error record has no reference to match on"
        );
        assert_eq!(
            found[4].detail,
            "the ledger rows with this reference name another PSP"
        );
    }

    #[test]
    fn key_id_matches_on_the_psp_id() {
        let records = [record("pay_1", "other", S::Authenticated, Some(true))];
        let mut r = row("R1", 100, Booked::Captured);
        r.psp_id = Some("pay_1".into());
        let options = Options {
            key: Key::Id,
            ..Options::default()
        };
        assert_eq!(kinds(&run(&[r.clone()], &records, options)), ["matched"]);
        assert_eq!(
            kinds(&run(&[r], &records, Options::default())),
            ["missing_at_psp", "missing_in_ledger"]
        );
    }

    #[test]
    fn several_rows_may_claim_one_record() {
        let records = [record("a", "R1", S::Authenticated, Some(true))];
        let ledger = [
            row("R1", 100, Booked::Authorized),
            row("R1", 100, Booked::Captured),
        ];
        let found = run(&ledger, &records, Options::default());
        assert_eq!(kinds(&found), ["matched", "matched"]);
        assert_eq!(found[1].ledger, Some(1));
    }
}
