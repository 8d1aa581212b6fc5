//! A final status (or event type) against the `response_code` beside it: never more
//! positive than either of the two.

use crate::model::{AuthenticationStatus as St, NextStep, TransStatus};
use crate::normalize::Draft;
use threeds_checkout::ResponseCode;
use threeds_wire::excerpt;

/// Which document reported a final status that `response_code` is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reporter {
    /// A session (or callback): Checkout's own record of the authentication.
    Session,
    /// A workflow webhook: a notification whose `response_code` Checkout's own samples get
    /// wrong (an `authentication_attempted` event with `Y`), so the session is the authority.
    Webhook,
}

/// How a final status (or event type) and the `response_code` beside it go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// They agree, or `response_code` is absent.
    Agree,
    /// The code makes the status more precise without making it more positive.
    Refine(St, NextStep, &'static str),
    /// The status is the more negative of the two and stands; the code is reported.
    StatusWins,
    /// Neither can be trusted: taking the status would claim more than the code, or would
    /// fold an attempt into a failure or lose a rejection.
    Contradiction,
}

/// The rule for a final status, as the EMV transStatus it stands for, and the
/// `response_code` beside it. Never more positive than either of the two:
/// * `I` (informational, no authentication) refines `approved`/`attempted` into
///   `exempted`, never a failure, rejection or unavailability;
/// * `A` within `approved` is an attempt (Checkout reports attempts inside `approved` at
///   times); `A` beside a failure, rejection or unavailability is a contradiction, as an
///   attempt is never folded into a failure;
/// * `R` beside any other status is a contradiction (a rejection is never lost); a
///   `rejected` status stands against any other code;
/// * a success beside `N` or `U`, and `unavailable` beside `N`, are contradictions;
/// * otherwise the more negative status stands (`declined` with `Y`, `attempted` with `Y`).
fn verdict(status: &TransStatus, code: &ResponseCode) -> Verdict {
    use ResponseCode as C;
    use TransStatus as T;
    match (status, code) {
        (T::Y, C::Y) | (T::A, C::A) | (T::N, C::N) | (T::R, C::R) | (T::U, C::U) => Verdict::Agree,
        (T::Y | T::A, C::I) => Verdict::Refine(
            St::Exempted,
            NextStep::Authorize,
            "rule:checkout.response_code_i_exempted",
        ),
        (T::Y, C::A) => Verdict::Refine(
            St::Attempted,
            NextStep::Authorize,
            "rule:checkout.approved_response_code_a_attempted",
        ),
        (T::R, _) => Verdict::StatusWins,
        (_, C::R) | (T::N | T::U, C::A) | (T::Y | T::A, C::N | C::U) | (T::U, C::N) => {
            Verdict::Contradiction
        }
        _ => Verdict::StatusWins,
    }
}

/// Cross-checks `response_code` against the final status the catalog gave (see [`verdict`]).
/// A contradiction is `unknown`: a session says `investigate`; a webhook says `wait`, as the
/// session it notifies about is the authority and is fetched again.
pub(super) fn check_response_code(d: &mut Draft, code: Option<&ResponseCode>, by: Reporter) {
    let (Some(code), Some(status)) = (code, crate::normalize::implied_trans_status(d.auth.status))
    else {
        return;
    };
    let what = match by {
        Reporter::Session => "session status",
        Reporter::Webhook => "event type",
    };
    match verdict(&status, code) {
        Verdict::Agree => {}
        Verdict::Refine(status, step, rule) => d.set_status(status, step, rule),
        Verdict::StatusWins => {
            d.warn(format!(
                "checkout {what} disagrees with response_code '{}'; the {what} wins, being \
                 the more negative",
                excerpt(code.as_str())
            ));
            d.facts.trans_status = Some(status);
            d.facts.trans_status_implied = true;
        }
        Verdict::Contradiction => {
            let (step, advice) = match by {
                Reporter::Session => (NextStep::Investigate, "investigate"),
                Reporter::Webhook => (NextStep::Wait, "fetch the session again"),
            };
            d.warn(format!(
                "checkout {what} '{}' contradicts response_code '{}'; reported as unknown, \
                 {advice}",
                d.auth
                    .raw
                    .status
                    .as_deref()
                    .map(excerpt)
                    .unwrap_or_default(),
                excerpt(code.as_str())
            ));
            d.set_status(
                St::Unknown,
                step,
                "rule:checkout.status_contradicts_response_code",
            );
            d.auth.reason = Some("contradictory_outcome".to_owned());
            d.auth.retry = None;
        }
    }
}
