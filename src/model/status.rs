//! The one status enum and the merchant's next step.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where an authentication stands, in one vocabulary for every PSP (`status`).
///
/// Each variant says what happened; what the merchant does is [`NextStep`] beside it, and
/// whether a new attempt can help is [`Retry`]. `attempted` is never folded into `failed`
/// and `exempted` never into `pending`: both are final outcomes that usually allow
/// authorization. [`AuthenticationStatus::is_final`] separates the two waiting states from
/// the outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuthenticationStatus {
    /// Started; waiting for device data, the 3DS Method, or the PSP. The merchant completes
    /// the device data step (`complete_device_data`, with `next_action`) or waits for the
    /// PSP (`wait`: fetch again or await its webhook). Liability is null until final.
    Pending,
    /// The issuer asks for a challenge: the merchant shows it to the cardholder
    /// (`challenge_cardholder`, `next_action` says how) and then reports it to the flow.
    ChallengeRequired,
    /// EMV `Y`: the cardholder was authenticated. The merchant authorizes with the
    /// authentication value and ECI (`authorize`; `none` when the PSP already took the
    /// payment); liability usually shifts to the issuer, per the network's rule.
    Authenticated,
    /// EMV `A`: attempts processing, proof of attempt provided (the issuer or its ACS did
    /// not authenticate, but the network stood in). The merchant may authorize; whether
    /// liability shifts depends on the network and the date.
    Attempted,
    /// EMV `I`, or an exemption the issuer honoured: no authentication took place. The
    /// merchant may authorize; liability generally stays with the merchant.
    Exempted,
    /// EMV `N`: the cardholder was not authenticated. The merchant does not authorize
    /// (`do_not_authorize`); `retry` says whether a new attempt can help.
    Failed,
    /// EMV `R`: the issuer rejected the authentication and asks that authorization not be
    /// attempted (`do_not_authorize`).
    Rejected,
    /// EMV `U`: authentication could not be performed (a technical problem at the ACS or
    /// directory server). The merchant may authorize at its own risk
    /// (`authorize_at_own_risk`: no liability shift) or retry later.
    Unavailable,
    /// The session or challenge timed out or was abandoned (also EMV `N` with
    /// transStatusReason 14). A new authentication with the cardholder present may succeed.
    Expired,
    /// The card or issuer does not take part in 3-D Secure. The merchant may authorize,
    /// usually at its own risk; retrying will not enrol the card.
    NotEnrolled,
    /// The PSP authorized in the same call and the payment was declined (Mangopay pay-ins).
    /// Nothing is left to authorize; `next_step` says whether to retry with a challenge.
    Declined,
    /// The request or the PSP failed: no authentication outcome exists. `next_step` says
    /// whether to fix the request, retry, wait or investigate.
    Error,
    /// A PSP value this version does not know, or a contradiction between the PSP's
    /// fields. Never guessed as success: a person investigates (`investigate`), and the
    /// value is kept in `raw`.
    Unknown,
}

/// What the merchant should do now with this authentication (`next_step`). The same EMV
/// meaning gets the same next step at every PSP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NextStep {
    /// Run the 3DS Method or collect the browser's data as `next_action` says, then submit
    /// the device data to the PSP.
    CompleteDeviceData,
    /// Show the challenge `next_action` describes to the cardholder, then report it.
    ChallengeCardholder,
    /// Nothing to do now: the PSP or the cardholder has not finished. Fetch the
    /// authentication again later or await the PSP's webhook; do not start a new one.
    Wait,
    /// Authorize the payment with this authentication's value, ECI and `ds_trans_id`.
    Authorize,
    /// Authorization is possible but no liability shift protects it: the merchant decides
    /// whether to take the fraud risk.
    AuthorizeAtOwnRisk,
    /// Start a new authentication; `retry` says whether at the same PSP, another, or later.
    RetryAuthentication,
    /// Start a new authentication asking for a challenge (the issuer's soft decline "SCA
    /// required").
    RetryWithChallenge,
    /// Do not send this payment to authorization.
    DoNotAuthorize,
    /// The PSP refused the request as invalid: correct it (`reason` and `raw` name the
    /// problem) before trying again.
    FixRequest,
    /// Nothing to do: the PSP already completed the payment (Mangopay pay-ins), or the
    /// authentication was not for a payment.
    None,
    /// An unknown value, a contradiction or an unsure outcome: a person should look before
    /// anything else is done.
    Investigate,
}

/// Whether a new attempt at the authentication can help, and where. `next_step` says what
/// to do with this authentication now; `retry` is what a router or a merchant's retry logic
/// needs. Null (`None`) for a success, a pending state or an unknown value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Retry {
    /// A new attempt at the same PSP may succeed, with the cardholder present (challenge
    /// abandoned or expired, ACS timeout, card authentication failed).
    SamePsp,
    /// The failure was the PSP's own: another PSP, or the same one later, may succeed (PSP
    /// 5xx, PSP technical error, a request never sent).
    OtherPsp,
    /// Only after a delay, at any PSP (amount or frequency limits, velocity, a directory
    /// server outage: every PSP reaches the same DS).
    Later,
    /// Retry asking for a challenge (a soft decline "SCA required").
    WithChallenge,
    /// Retrying anywhere will not help (rejected, fraud, lost or stolen card, not permitted,
    /// not enrolled, a request the PSP refuses as invalid).
    Never,
}

/// A word that is not one of the enum's spellings (from a catalog file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{word}' is not a known {what}")]
pub struct UnknownWord {
    /// Which vocabulary was expected (`authentication status`, `next step`, `retry`).
    pub what: &'static str,
    /// The word as it was given.
    pub word: String,
}

macro_rules! snake_case_words {
    ($ty:ident, $what:literal, $($variant:ident = $word:literal),+ $(,)?) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The contract spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $word),+ }
            }
        }

        impl FromStr for $ty {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, UnknownWord> {
                match s {
                    $($word => Ok($ty::$variant),)+
                    other => Err(UnknownWord { what: $what, word: other.to_owned() }),
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

snake_case_words!(
    AuthenticationStatus,
    "authentication status",
    Pending = "pending",
    ChallengeRequired = "challenge_required",
    Authenticated = "authenticated",
    Attempted = "attempted",
    Exempted = "exempted",
    Failed = "failed",
    Rejected = "rejected",
    Unavailable = "unavailable",
    Expired = "expired",
    NotEnrolled = "not_enrolled",
    Declined = "declined",
    Error = "error",
    Unknown = "unknown",
);

snake_case_words!(
    NextStep,
    "next step",
    CompleteDeviceData = "complete_device_data",
    ChallengeCardholder = "challenge_cardholder",
    Wait = "wait",
    Authorize = "authorize",
    AuthorizeAtOwnRisk = "authorize_at_own_risk",
    RetryAuthentication = "retry_authentication",
    RetryWithChallenge = "retry_with_challenge",
    DoNotAuthorize = "do_not_authorize",
    FixRequest = "fix_request",
    None = "none",
    Investigate = "investigate",
);

snake_case_words!(
    Retry,
    "retry",
    SamePsp = "same_psp",
    OtherPsp = "other_psp",
    Later = "later",
    WithChallenge = "with_challenge",
    Never = "never",
);

impl AuthenticationStatus {
    /// True once the authentication has an outcome that will not change.
    pub fn is_final(self) -> bool {
        !matches!(self, Self::Pending | Self::ChallengeRequired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_serde_spelling() {
        for s in AuthenticationStatus::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<AuthenticationStatus>().unwrap(), *s);
        }
        for s in NextStep::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<NextStep>().unwrap(), *s);
        }
        for s in Retry::ALL {
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(s.as_str().parse::<Retry>().unwrap(), *s);
        }
    }

    #[test]
    fn unknown_words_are_errors() {
        let err = "succeeded".parse::<AuthenticationStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "'succeeded' is not a known authentication status"
        );
    }
}
