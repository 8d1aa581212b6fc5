//! The counts kept per group and the rates computed from them. Every definition is also in
//! `docs/report.md`, with its numerator and denominator.

use crate::model::{Authentication, AuthenticationStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rates are rounded half up to this many decimal places (`0.4286`), in integers, so the
/// same counts print the same digits on every machine.
pub const RATE_DECIMALS: u32 = 4;

/// What one group's records add up to. Counts only: the rates are derived in
/// [`Tally::metrics`], so merging or re-deriving never compounds a rounding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    volume: u64,
    by_status: BTreeMap<&'static str, u64>,
    challenged: u64,
    not_challenged: u64,
    challenge_not_reported: u64,
    frictionless: u64,
    challenged_authenticated: u64,
    shifted: u64,
    not_shifted: u64,
    liability_not_known: u64,
}

impl Tally {
    /// Counts one normalized record.
    pub fn add(&mut self, a: &Authentication) {
        self.volume += 1;
        *self.by_status.entry(a.status.as_str()).or_default() += 1;
        // A record still waiting (pending, challenge required) has no outcome yet: it is
        // in the volume and `in_progress`, and in none of the outcome counts below.
        if !a.status.is_final() {
            return;
        }
        match a.challenged {
            Some(true) => {
                self.challenged += 1;
                if a.status == AuthenticationStatus::Authenticated {
                    self.challenged_authenticated += 1;
                }
            }
            Some(false) => {
                self.not_challenged += 1;
                if matches!(
                    a.status,
                    AuthenticationStatus::Authenticated | AuthenticationStatus::Attempted
                ) {
                    self.frictionless += 1;
                }
            }
            None => self.challenge_not_reported += 1,
        }
        match a.liability_shift {
            Some(true) => self.shifted += 1,
            Some(false) => self.not_shifted += 1,
            None => self.liability_not_known += 1,
        }
    }

    fn status(&self, status: AuthenticationStatus) -> u64 {
        self.by_status.get(status.as_str()).copied().unwrap_or(0)
    }

    /// The group's metrics.
    pub fn metrics(&self) -> Metrics {
        use AuthenticationStatus as S;
        let in_progress = self.status(S::Pending) + self.status(S::ChallengeRequired);
        let outcomes = self.volume - in_progress;
        // Every status is listed, zeros included, so each group has the same keys.
        let statuses = S::ALL
            .iter()
            .map(|s| (s.as_str(), self.status(*s)))
            .collect();
        Metrics {
            volume: self.volume,
            in_progress,
            outcomes,
            statuses,
            challenge: ChallengeCounts {
                challenged: self.challenged,
                not_challenged: self.not_challenged,
                not_reported: self.challenge_not_reported,
            },
            liability: LiabilityCounts {
                shifted: self.shifted,
                not_shifted: self.not_shifted,
                not_known: self.liability_not_known,
            },
            frictionless: Rate::new(self.frictionless, outcomes),
            challenge_rate: Rate::new(self.challenged, outcomes),
            challenge_success: Rate::new(self.challenged_authenticated, self.challenged),
            abandonment: Rate::new(self.status(S::Expired), outcomes),
            failure: Rate::new(self.status(S::Failed) + self.status(S::Rejected), outcomes),
            attempted: Rate::new(self.status(S::Attempted), outcomes),
            exempted: Rate::new(self.status(S::Exempted), outcomes),
            liability_shift: Rate::new(self.shifted, outcomes),
            unknown: Rate::new(self.status(S::Unknown), outcomes),
        }
    }
}

/// One group's metrics, as `report` prints them. Field order is the output order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Metrics {
    /// Every record of the group.
    pub volume: u64,
    /// Records still waiting: status `pending` or `challenge_required`.
    pub in_progress: u64,
    /// Records with a final status (`volume - in_progress`): the denominator of the rates
    /// except `challenge_success`. `unknown` and `error` are outcomes, so they lower every
    /// rate rather than vanish from it.
    pub outcomes: u64,
    /// Records per status, every status listed (zeros included), sorted by name.
    pub statuses: BTreeMap<&'static str, u64>,
    /// Outcomes by the model's `challenged`: true, false, or null (the PSP does not say).
    pub challenge: ChallengeCounts,
    /// Outcomes by the model's `liability_shift`: true, false, or null (not known).
    pub liability: LiabilityCounts,
    /// Outcomes `authenticated` or `attempted` with `challenged` false.
    pub frictionless: Rate,
    /// Outcomes with `challenged` true.
    pub challenge_rate: Rate,
    /// Of the outcomes with `challenged` true, those `authenticated`.
    pub challenge_success: Rate,
    /// Outcomes `expired` (session or challenge timed out or abandoned).
    pub abandonment: Rate,
    /// Outcomes `failed` (EMV N) or `rejected` (EMV R).
    pub failure: Rate,
    /// Outcomes `attempted` (EMV A).
    pub attempted: Rate,
    /// Outcomes `exempted` (EMV I, or an exemption honoured).
    pub exempted: Rate,
    /// Outcomes with `liability_shift` true.
    pub liability_shift: Rate,
    /// Outcomes `unknown`: a value this version does not know, never counted as success.
    pub unknown: Rate,
}

/// Outcomes by `challenged`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ChallengeCounts {
    /// `challenged` true.
    pub challenged: u64,
    /// `challenged` false.
    pub not_challenged: u64,
    /// `challenged` null: the PSP's document does not say.
    pub not_reported: u64,
}

/// Outcomes by `liability_shift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LiabilityCounts {
    /// `liability_shift` true.
    pub shifted: u64,
    /// `liability_shift` false.
    pub not_shifted: u64,
    /// `liability_shift` null: the rules cannot know.
    pub not_known: u64,
}

/// `count` of `of`, and the share rounded to [`RATE_DECIMALS`] places; `rate` is null when
/// `of` is zero (no share of nothing). `count` and `of` are the exact fraction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// The numerator.
    pub count: u64,
    /// The denominator.
    pub of: u64,
    /// `count / of`, rounded half up; null when `of` is zero.
    pub rate: Option<f64>,
}

impl Rate {
    /// `count` of `of`.
    pub fn new(count: u64, of: u64) -> Self {
        Self {
            count,
            of,
            rate: rounded(count, of),
        }
    }

    /// The share in percent with one decimal (`42.9%`), or `n/a`.
    pub fn percent(&self) -> String {
        match rounded_scaled(self.count, self.of, 1000) {
            Some(tenths) => format!("{}.{}%", tenths / 10, tenths % 10),
            None => "n/a".to_owned(),
        }
    }
}

/// `count / of` rounded half up to [`RATE_DECIMALS`] places. The rounding is done in
/// integers and the result is `k / 10^RATE_DECIMALS`, whose shortest decimal spelling is the
/// rounded value itself, so JSON prints `0.4286`, never `0.42860000000000004`.
fn rounded(count: u64, of: u64) -> Option<f64> {
    let scale = 10u64.pow(RATE_DECIMALS);
    rounded_scaled(count, of, scale).map(|k| k as f64 / scale as f64)
}

/// `count * scale / of`, rounded half up, in 128-bit integers (no overflow for any u64
/// counts); `None` when `of` is zero.
fn rounded_scaled(count: u64, of: u64, scale: u64) -> Option<u64> {
    if of == 0 {
        return None;
    }
    let (count, of, scale) = (u128::from(count), u128::from(of), u128::from(scale));
    let k = (2 * count * scale + of) / (2 * of);
    u64::try_from(k).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocumentKind, Provider};

    fn record(status: AuthenticationStatus, challenged: Option<bool>) -> Authentication {
        let mut a = Authentication::new(Provider::new("test"), DocumentKind::Authentication);
        a.status = status;
        a.challenged = challenged;
        a
    }

    #[test]
    fn rates_round_half_up_in_integers() {
        assert_eq!(Rate::new(3, 7).rate, Some(0.4286));
        assert_eq!(Rate::new(1, 8).rate, Some(0.125));
        assert_eq!(Rate::new(1, 3).rate, Some(0.3333));
        assert_eq!(Rate::new(2, 3).rate, Some(0.6667));
        assert_eq!(Rate::new(1, 20_000).rate, Some(0.0001));
        assert_eq!(Rate::new(0, 5).rate, Some(0.0));
        assert_eq!(Rate::new(0, 0).rate, None);
        assert_eq!(Rate::new(u64::MAX, u64::MAX).rate, Some(1.0));
        assert_eq!(
            serde_json::to_string(&Rate::new(3, 7)).unwrap(),
            r#"{"count":3,"of":7,"rate":0.4286}"#
        );
        assert_eq!(Rate::new(3, 7).percent(), "42.9%");
        assert_eq!(Rate::new(0, 0).percent(), "n/a");
    }

    #[test]
    fn waiting_records_are_volume_but_no_outcome() {
        use AuthenticationStatus as S;
        let mut t = Tally::default();
        t.add(&record(S::ChallengeRequired, Some(true)));
        t.add(&record(S::Pending, None));
        t.add(&record(S::Authenticated, Some(true)));
        t.add(&record(S::Failed, Some(true)));
        t.add(&record(S::Authenticated, Some(false)));
        t.add(&record(S::Unknown, None));
        let m = t.metrics();
        assert_eq!((m.volume, m.in_progress, m.outcomes), (6, 2, 4));
        assert_eq!(m.challenge_rate, Rate::new(2, 4));
        assert_eq!(m.challenge_success, Rate::new(1, 2));
        assert_eq!(m.frictionless, Rate::new(1, 4));
        assert_eq!(m.failure, Rate::new(1, 4));
        assert_eq!(m.unknown, Rate::new(1, 4));
        assert_eq!(m.challenge.not_reported, 1);
        assert_eq!(m.statuses.len(), S::ALL.len());
    }
}
