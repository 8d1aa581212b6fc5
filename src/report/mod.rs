//! 3-D Secure performance over a set of normalized records (`threeds-bridge report`): per
//! PSP, per card network, per channel and overall, the frictionless, challenge, challenge
//! success, abandonment, failure, attempted, exempted and liability-shift rates, each with
//! its exact numerator and denominator. `docs/report.md` defines every metric.
//!
//! The report counts records as given: one normalized PSP document is one record. A
//! reconciliation feeds it the latest record of each authentication; records that share a
//! PSP id are each counted, and how many did is reported (`repeated_ids`) so a file holding
//! an authentication's history is noticed rather than silently double counted.
//!
//! Groups are sorted by name (`BTreeMap`) and nothing depends on hashing or the clock beyond
//! the `as_of` date given, so the same records give byte-identical output.

mod metrics;

#[cfg(feature = "sandbox")]
mod html;
#[cfg(feature = "sandbox")]
mod svg;

#[cfg(feature = "sandbox")]
pub use html::render_html;
pub use metrics::{ChallengeCounts, LiabilityCounts, Metrics, Rate, Tally, RATE_DECIMALS};

use crate::model::{Authentication, Provider};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use threeds_wire::excerpt;

/// The group key of a record whose network (or channel) the model does not hold.
pub const NOT_REPORTED: &str = "not_reported";

/// How many `unknown` records are listed one by one; the rest are counted only.
pub const UNKNOWN_LISTED: usize = 100;

/// The record's channel (browser, app, 3RI). The normalized authentication does not carry
/// the device channel (only the request model does), so every record is `not_reported`
/// until it does; the group is kept so the report's shape does not change when it does.
fn channel_of(_a: &Authentication) -> &'static str {
    NOT_REPORTED
}

fn network_of(a: &Authentication) -> &'static str {
    a.network.map_or(NOT_REPORTED, |n| n.as_str())
}

/// Collects records one at a time; [`ReportBuilder::finish`] gives the [`Report`]. Memory
/// is the counts, the PSP ids seen (for `repeated_ids`) and at most [`UNKNOWN_LISTED`]
/// listed records.
#[derive(Debug, Default)]
pub struct ReportBuilder {
    overall: Tally,
    by_provider: BTreeMap<&'static str, Tally>,
    by_network: BTreeMap<&'static str, Tally>,
    by_channel: BTreeMap<&'static str, Tally>,
    bad_records: u64,
    ids: BTreeSet<(Provider, String)>,
    repeated_ids: u64,
    unknown: Vec<UnknownRecord>,
}

impl ReportBuilder {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one normalized record; `place` says where it was read (`file:line`), for the
    /// list of unknown records.
    pub fn add(&mut self, place: &str, a: &Authentication) {
        self.overall.add(a);
        self.by_provider
            .entry(a.provider.as_str())
            .or_default()
            .add(a);
        self.by_network.entry(network_of(a)).or_default().add(a);
        self.by_channel.entry(channel_of(a)).or_default().add(a);
        if let Some(id) = &a.id {
            if !self.ids.insert((a.provider, id.clone())) {
                self.repeated_ids += 1;
            }
        }
        if a.status == crate::model::AuthenticationStatus::Unknown
            && self.unknown.len() < UNKNOWN_LISTED
        {
            self.unknown.push(UnknownRecord::new(place, a));
        }
    }

    /// Counts a document that could not be read or normalized (reported on stderr by the
    /// caller): it is in no group, since nothing about it is known.
    pub fn bad(&mut self) {
        self.bad_records += 1;
    }

    /// The report, dated `as_of` (the date liability was decided at for records without a
    /// date of their own).
    pub fn finish(self, as_of: chrono::NaiveDate) -> Report {
        let groups = |m: BTreeMap<&'static str, Tally>| {
            m.into_iter()
                .map(|(k, t)| (k, t.metrics()))
                .collect::<BTreeMap<_, _>>()
        };
        let overall = self.overall.metrics();
        Report {
            as_of: as_of.format("%Y-%m-%d").to_string(),
            records: overall.volume,
            bad_records: self.bad_records,
            repeated_ids: self.repeated_ids,
            overall,
            by_provider: groups(self.by_provider),
            by_network: groups(self.by_network),
            by_channel: groups(self.by_channel),
            unknown_records: self.unknown,
        }
    }
}

/// The report `threeds-bridge report` prints. Field order is the output order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// The date the liability rules were applied at for records without their own date.
    pub as_of: String,
    /// Records counted (normalized documents).
    pub records: u64,
    /// Documents that could not be read or normalized; counted in no group.
    pub bad_records: u64,
    /// Records whose provider and PSP id an earlier record already had.
    pub repeated_ids: u64,
    /// Every record.
    pub overall: Metrics,
    /// By `provider`.
    pub by_provider: BTreeMap<&'static str, Metrics>,
    /// By `network`; `not_reported` when the model has none.
    pub by_network: BTreeMap<&'static str, Metrics>,
    /// By device channel; `not_reported` (the model does not carry it yet).
    pub by_channel: BTreeMap<&'static str, Metrics>,
    /// The first [`UNKNOWN_LISTED`] records with status `unknown`, in input order, for a
    /// person to investigate; every one is counted in `statuses.unknown`.
    pub unknown_records: Vec<UnknownRecord>,
}

/// A record with status `unknown`: where it was read and what the PSP said. Every value is
/// an excerpt ([`threeds_wire::excerpt`]: cut, card numbers masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UnknownRecord {
    /// `file:line`.
    pub place: String,
    /// The PSP.
    pub provider: &'static str,
    /// The PSP's id of the authentication.
    pub id: Option<String>,
    /// The merchant's reference.
    pub reference: Option<String>,
    /// The PSP's own status word.
    pub raw_status: Option<String>,
    /// The PSP's code beside it.
    pub raw_code: Option<String>,
}

impl UnknownRecord {
    fn new(place: &str, a: &Authentication) -> Self {
        let cut = |v: &Option<String>| v.as_deref().map(|s| excerpt(s).into_owned());
        Self {
            place: excerpt(place).into_owned(),
            provider: a.provider.as_str(),
            id: cut(&a.id),
            reference: cut(&a.reference),
            raw_status: cut(&a.raw.status),
            raw_code: cut(&a.raw.code),
        }
    }
}

impl Report {
    /// The report as pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        // Maps with string keys, numbers and strings: serializing cannot fail; if it ever
        // did, the output says so rather than the program panicking.
        match serde_json::to_string_pretty(self) {
            Ok(mut s) => {
                s.push('\n');
                s
            }
            Err(e) => format!("{{\"error\":\"report serialization failed: {e}\"}}\n"),
        }
    }
}
