//! Mangopay request codec (to be written).

use super::{AuthenticationRequest, RequestCodec, RequestError};
use crate::model::Provider;

/// Reads and writes Mangopay authentication requests.
pub struct MangopayCodec;

impl RequestCodec for MangopayCodec {
    type Wire = threeds_wire::validate::Placeholder;
    const PROVIDER: Provider = Provider::Mangopay;
    const DOCUMENT: &'static str = "mangopay.request";

    fn to_model(_wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        Ok(AuthenticationRequest::default())
    }

    fn from_model(_request: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        Ok(Default::default())
    }
}
