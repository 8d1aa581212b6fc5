//! What the router tried, and the failover decision table that chose each next move.
//!
//! Every try at an account is one [`Attempt`]: the account, the outcome it gave, how long
//! it took, and the [`Decision`] the router took on it with its [`Why`]. The decision is a
//! pure function of the normalized outcome ([`verdict`]), so the table of what fails over
//! is tested on its own, without a PSP.
//!
//! Failover is allowed only when all three hold (switches that fail over later risk a
//! second charge or a second challenge for the cardholder):
//!
//! 1. no cardholder-facing step happened: the outcome hands no `next_action` to the front
//!    end (no 3DS Method URL, no challenge) and the cardholder was not challenged;
//! 2. no money can have moved: a Mangopay pay-in whose creation is unsure (reason
//!    `payin_outcome_unknown`) is resolved at its own account first and never failed over;
//! 3. the PSP's outcome says another PSP can help: `retry` is `other_psp`.
//!
//! It is never done on status `unknown`, on retry `never` or `later` (a directory-server
//! outage or a velocity limit is the same at every PSP), or after a cardholder-facing step.

use crate::model::{Authentication, AuthenticationStatus, NextStep, Provider, Retry};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One try at one account (or one account skipped) within a routed authentication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// The account's name from the config.
    pub account: String,
    pub provider: Provider,
    /// The outcome's status; null when the account was skipped.
    pub status: Option<AuthenticationStatus>,
    /// The outcome's next step; null when the account was skipped.
    pub next_step: Option<NextStep>,
    /// The outcome's retry; null when it had none or the account was skipped.
    pub retry: Option<Retry>,
    /// The outcome's normalized reason (`psp_unavailable`, `transport_timed_out`, ...).
    pub reason: Option<String>,
    /// The PSP's id of what this try created, when it created something.
    pub psp_id: Option<String>,
    /// Wall time of the try, the resolution of an unsure pay-in included.
    pub elapsed_ms: u64,
    /// True when the try asked the issuer for a challenge (a step-up after a soft decline).
    pub challenge_requested: bool,
    /// How many times an unsure outcome was read again at the same account before the
    /// router decided (0 unless the PSP's creation outcome was unsure).
    pub resolution_reads: u32,
    /// What the router did next.
    pub decision: Decision,
    /// Why.
    pub why: Why,
}

/// What the router did after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// Stopped here: this attempt's outcome is the routed authentication's outcome.
    Stopped,
    /// Moved on to the next account of the route.
    FailedOver,
    /// Tried the same account again, asking for a challenge.
    SteppedUp,
    /// Did not call the account.
    Skipped,
}

/// Why the router took its [`Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Why {
    /// The PSP gave an outcome the merchant acts on (a success, a step for the front end,
    /// a decline, a request to fix): nothing another account would do better.
    Outcome,
    /// The outcome hands a 3DS Method or a challenge to the front end, or the cardholder
    /// was challenged: another account would show the cardholder a second one.
    CardholderStep,
    /// The outcome is `unknown`: never guessed, never failed over.
    StatusUnknown,
    /// The creation may have moved money (an unsure Mangopay pay-in): resolved at this
    /// account, never failed over.
    MoneyMayHaveMoved,
    /// `retry` is `later`: every PSP would meet the same limit or outage.
    RetryLater,
    /// `retry` is `never`.
    RetryNever,
    /// `retry` is `other_psp`: the PSP (or this account) failed and nothing moved money.
    PspFailure,
    /// `retry` is `with_challenge` (a soft decline, "SCA required").
    SoftDecline,
    /// A second soft decline after the step-up: it is tried only once.
    StepUpUsed,
    /// The account would have been failed over, but the router was built without failover.
    FailoverDisabled,
    /// The account would have been failed over, but the route has no account left.
    NoAccountLeft,
    /// The account's circuit breaker is open.
    BreakerOpen,
}

impl Why {
    /// The snake_case word (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Outcome => "outcome",
            Why::CardholderStep => "cardholder_step",
            Why::StatusUnknown => "status_unknown",
            Why::MoneyMayHaveMoved => "money_may_have_moved",
            Why::RetryLater => "retry_later",
            Why::RetryNever => "retry_never",
            Why::PspFailure => "psp_failure",
            Why::SoftDecline => "soft_decline",
            Why::StepUpUsed => "step_up_used",
            Why::FailoverDisabled => "failover_disabled",
            Why::NoAccountLeft => "no_account_left",
            Why::BreakerOpen => "breaker_open",
        }
    }

    /// The sentence the attempt's line prints.
    fn sentence(self) -> &'static str {
        match self {
            Why::Outcome => "an outcome to act on",
            Why::CardholderStep => "a cardholder-facing step was handed out",
            Why::StatusUnknown => "status unknown is never failed over",
            Why::MoneyMayHaveMoved => {
                "the creation may have moved money: resolved here, never failed over"
            }
            Why::RetryLater => "retry later: every PSP would meet the same limit",
            Why::RetryNever => "retry never",
            Why::PspFailure => "retry other_psp before any cardholder-facing step",
            Why::SoftDecline => "soft decline: retried once asking for a challenge",
            Why::StepUpUsed => "soft decline again after the step-up",
            Why::FailoverDisabled => "failover is disabled",
            Why::NoAccountLeft => "no account left in the route",
            Why::BreakerOpen => "breaker open",
        }
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Decision {
    /// The snake_case word (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Stopped => "stopped",
            Decision::FailedOver => "failed_over",
            Decision::SteppedUp => "stepped_up",
            Decision::Skipped => "skipped",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `checkout-eu (checkout): error retry_authentication other_psp [psp_unavailable] 12 ms -> failed_over: retry other_psp before any cardholder-facing step`.
impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): ", self.account, self.provider)?;
        match (self.status, self.next_step) {
            (Some(status), Some(next)) => write!(f, "{status} {next}")?,
            _ => f.write_str("not called")?,
        }
        if let Some(retry) = self.retry {
            write!(f, " {retry}")?;
        }
        if let Some(reason) = &self.reason {
            write!(f, " [{}]", threeds_wire::excerpt(reason))?;
        }
        write!(
            f,
            " {} ms -> {}: {}",
            self.elapsed_ms,
            self.decision,
            self.why.sentence()
        )
    }
}

/// Where the outcome [`verdict`] judges came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stage {
    /// The answer to `start`, before anything reached the front end.
    Start,
    /// Any later call: the front end already had a 3DS Method or a challenge.
    AfterCardholderStep,
}

/// What the router does with one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// Try the next account of the route.
    FailOver,
    /// Try the same account again, asking for a challenge.
    StepUp,
    /// Stop; the outcome is the routed one.
    Stop(Why),
}

/// The failover decision table (module docs): what an outcome at `stage` allows.
pub fn verdict(auth: &Authentication, stage: Stage) -> Verdict {
    if auth.status == AuthenticationStatus::Unknown {
        return Verdict::Stop(Why::StatusUnknown);
    }
    if money_may_have_moved(auth) {
        return Verdict::Stop(Why::MoneyMayHaveMoved);
    }
    let cardholder_step = stage == Stage::AfterCardholderStep
        || auth.next_action.is_some()
        || auth.challenged == Some(true);
    match auth.retry {
        Some(Retry::OtherPsp | Retry::WithChallenge) if cardholder_step => {
            Verdict::Stop(Why::CardholderStep)
        }
        Some(Retry::OtherPsp) => Verdict::FailOver,
        Some(Retry::WithChallenge) => Verdict::StepUp,
        Some(Retry::Later) => Verdict::Stop(Why::RetryLater),
        Some(Retry::Never) => Verdict::Stop(Why::RetryNever),
        Some(Retry::SamePsp) | None if cardholder_step => Verdict::Stop(Why::CardholderStep),
        Some(Retry::SamePsp) | None => Verdict::Stop(Why::Outcome),
    }
}

/// A creation whose outcome is unsure and that may have charged the card: the Mangopay
/// flow reports it with reason `payin_outcome_unknown` (`wait` while its idempotency key
/// can still settle it, `investigate` once nothing can).
pub fn money_may_have_moved(auth: &Authentication) -> bool {
    auth.reason.as_deref() == Some(UNSURE_PAYIN)
}

/// The reason the Mangopay flow gives a pay-in whose creation is unsure.
pub const UNSURE_PAYIN: &str = "payin_outcome_unknown";

/// Whether an outcome is the PSP's own failure, which counts towards opening the
/// account's circuit breaker: status `error` with retry `other_psp` or `later`, or any
/// transport failure (whose retry is null on a later call).
pub fn psp_side_failure(auth: &Authentication) -> bool {
    auth.status == AuthenticationStatus::Error
        && (matches!(auth.retry, Some(Retry::OtherPsp | Retry::Later))
            || auth
                .reason
                .as_deref()
                .is_some_and(|r| r.starts_with("transport_") || r == "psp_unavailable"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocumentKind, NextAction};

    fn outcome(status: AuthenticationStatus, retry: Option<Retry>) -> Authentication {
        let mut auth = Authentication::new(Provider::new("test_psp"), DocumentKind::Error);
        auth.status = status;
        auth.retry = retry;
        auth
    }

    /// Every status × retry × stage: failover only at `start`, only with `other_psp`,
    /// never on `unknown`; step-up only at `start` with `with_challenge`.
    #[test]
    fn the_failover_table() {
        let retries = [
            None,
            Some(Retry::SamePsp),
            Some(Retry::OtherPsp),
            Some(Retry::Later),
            Some(Retry::WithChallenge),
            Some(Retry::Never),
        ];
        for &status in AuthenticationStatus::ALL {
            for retry in retries {
                for stage in [Stage::Start, Stage::AfterCardholderStep] {
                    let got = verdict(&outcome(status, retry), stage);
                    let expected = if status == AuthenticationStatus::Unknown {
                        Verdict::Stop(Why::StatusUnknown)
                    } else {
                        match (retry, stage) {
                            (Some(Retry::OtherPsp), Stage::Start) => Verdict::FailOver,
                            (Some(Retry::WithChallenge), Stage::Start) => Verdict::StepUp,
                            (Some(Retry::Later), _) => Verdict::Stop(Why::RetryLater),
                            (Some(Retry::Never), _) => Verdict::Stop(Why::RetryNever),
                            (_, Stage::AfterCardholderStep) => Verdict::Stop(Why::CardholderStep),
                            _ => Verdict::Stop(Why::Outcome),
                        }
                    };
                    assert_eq!(got, expected, "{status} {retry:?} {stage:?}");
                }
            }
        }
    }

    #[test]
    fn a_step_for_the_front_end_or_a_challenge_stops_failover() {
        let mut auth = outcome(AuthenticationStatus::Error, Some(Retry::OtherPsp));
        auth.next_action = Some(NextAction::CollectDeviceData);
        assert_eq!(
            verdict(&auth, Stage::Start),
            Verdict::Stop(Why::CardholderStep)
        );
        auth.next_action = None;
        auth.challenged = Some(true);
        assert_eq!(
            verdict(&auth, Stage::Start),
            Verdict::Stop(Why::CardholderStep)
        );
    }

    #[test]
    fn an_unsure_payin_is_never_failed_over_whatever_its_retry() {
        for retry in [None, Some(Retry::OtherPsp)] {
            let mut auth = outcome(AuthenticationStatus::Error, retry);
            auth.next_step = NextStep::Wait;
            auth.reason = Some(UNSURE_PAYIN.to_owned());
            assert_eq!(
                verdict(&auth, Stage::Start),
                Verdict::Stop(Why::MoneyMayHaveMoved)
            );
        }
    }

    #[test]
    fn psp_side_failures_are_told_from_answers() {
        assert!(psp_side_failure(&outcome(
            AuthenticationStatus::Error,
            Some(Retry::OtherPsp)
        )));
        assert!(psp_side_failure(&outcome(
            AuthenticationStatus::Error,
            Some(Retry::Later)
        )));
        let mut later_timeout = outcome(AuthenticationStatus::Error, None);
        later_timeout.reason = Some("transport_timed_out".into());
        assert!(psp_side_failure(&later_timeout));
        // The PSP answered: a request to fix, or a decline, is not the PSP failing.
        assert!(!psp_side_failure(&outcome(
            AuthenticationStatus::Error,
            Some(Retry::Never)
        )));
        assert!(!psp_side_failure(&outcome(
            AuthenticationStatus::Declined,
            Some(Retry::OtherPsp)
        )));
    }
}
