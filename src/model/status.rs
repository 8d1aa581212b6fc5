//! The one status enum and the merchant's next step.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where an authentication stands, in one vocabulary for every PSP.
///
/// `attempted` is never folded into `failed` and `exempted` never into `pending`: both are
/// final outcomes that usually allow authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationStatus {
    /// Started; waiting for device data, the 3DS Method, or the PSP.
    Pending,
    /// The cardholder must complete a challenge.
    ChallengeRequired,
    /// EMV `Y`.
    Authenticated,
    /// EMV `A`: attempts processing, proof of attempt provided.
    Attempted,
    /// EMV `I`, or an honoured exemption: no authentication took place.
    Exempted,
    /// EMV `N`.
    Failed,
    /// EMV `R`: the issuer asks that authorization not be attempted.
    Rejected,
    /// EMV `U`: authentication could not be performed.
    Unavailable,
    /// The session or challenge timed out or was abandoned.
    Expired,
    /// The card or issuer does not take part in 3DS.
    NotEnrolled,
    /// The PSP authorized in the same call and the payment was declined.
    Declined,
    /// The request or the PSP failed.
    Error,
    /// A PSP value this version does not know. Never guessed as success.
    Unknown,
}

/// What the merchant should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    CompleteDeviceData,
    ChallengeCardholder,
    Wait,
    Authorize,
    AuthorizeAtOwnRisk,
    RetryAuthentication,
    RetryWithChallenge,
    DoNotAuthorize,
    FixRequest,
    /// The PSP already completed the payment.
    None,
    /// An unknown value: a person should look.
    Investigate,
}

/// Whether a new attempt at the authentication can help, and where. `next_step` says what
/// to do with this authentication now; `retry` is what a router or a merchant's retry logic
/// needs. Null (`None`) for a success, a pending state or an unknown value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    pub what: &'static str,
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
