//! Checkout's values for the challenge indicator and the card scheme <-> the model's.

use crate::model::Network;
use crate::request::{quoted, ChallengePreference, RequestError};
use threeds_checkout::{ChallengeIndicator as CI, Scheme};

use super::value_error;

pub(crate) fn challenge_to_model(c: &CI) -> Result<ChallengePreference, RequestError> {
    Ok(match c {
        CI::NoPreference => ChallengePreference::NoPreference,
        CI::NoChallengeRequested => ChallengePreference::NoChallengeRequested,
        CI::ChallengeRequested => ChallengePreference::ChallengeRequested,
        CI::ChallengeRequestedMandate => ChallengePreference::ChallengeMandated,
        CI::TransactionRiskAssessment => ChallengePreference::TransactionRiskAssessment,
        CI::DataShare => ChallengePreference::DataShareOnly,
        CI::TrustedListing => ChallengePreference::TrustedListing,
        CI::TrustedListingPrompt => ChallengePreference::TrustedListingPrompt,
        CI::LowValue => ChallengePreference::LowValue,
        CI::Unknown(v) => {
            return Err(value_error(
                "challenge_indicator",
                format!("{} is not a Checkout challenge indicator", quoted(v)),
            ))
        }
    })
}

/// `None` for 07 (SCA already performed), which Checkout's sessions have no value for.
pub(super) fn challenge_to_wire(c: ChallengePreference) -> Option<CI> {
    Some(match c {
        ChallengePreference::NoPreference => CI::NoPreference,
        ChallengePreference::NoChallengeRequested => CI::NoChallengeRequested,
        ChallengePreference::ChallengeRequested => CI::ChallengeRequested,
        ChallengePreference::ChallengeMandated => CI::ChallengeRequestedMandate,
        ChallengePreference::TransactionRiskAssessment => CI::TransactionRiskAssessment,
        ChallengePreference::DataShareOnly => CI::DataShare,
        ChallengePreference::TrustedListing => CI::TrustedListing,
        ChallengePreference::TrustedListingPrompt => CI::TrustedListingPrompt,
        ChallengePreference::LowValue => CI::LowValue,
        ChallengePreference::ScaAlreadyPerformed => return None,
    })
}

pub(super) fn scheme_to_network(s: &Scheme) -> Result<Network, RequestError> {
    Network::from_psp(s.as_str()).ok_or_else(|| {
        value_error(
            "source.scheme",
            format!("{} is not a known network", quoted(s.as_str())),
        )
    })
}

/// `None` for Maestro, which Checkout sessions take no scheme value for (`SessionRequest.yaml` `source.scheme`).
pub(super) fn network_to_scheme(n: Network) -> Option<Scheme> {
    Some(match n {
        Network::Visa => Scheme::Visa,
        Network::Mastercard => Scheme::Mastercard,
        Network::Amex => Scheme::Amex,
        Network::Discover => Scheme::Discover,
        Network::Diners => Scheme::Diners,
        Network::Jcb => Scheme::Jcb,
        Network::CartesBancaires => Scheme::CartesBancaires,
        Network::Unionpay => Scheme::Upi,
        Network::Maestro => return None,
    })
}
