//! Paysafe request codec (to be written).

use super::{AuthenticationRequest, RequestCodec, RequestError};
use crate::model::Provider;

/// Reads and writes Paysafe authentication requests.
pub struct PaysafeCodec;

impl RequestCodec for PaysafeCodec {
    type Wire = threeds_wire::validate::Placeholder;
    const PROVIDER: Provider = Provider::Paysafe;
    const DOCUMENT: &'static str = "paysafe.request";

    fn to_model(_wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        Ok(AuthenticationRequest::default())
    }

    fn from_model(_request: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        Ok(Default::default())
    }
}
