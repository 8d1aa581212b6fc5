//! Pxp request codec (to be written).

use super::{AuthenticationRequest, RequestCodec, RequestError};
use crate::model::Provider;

/// Reads and writes Pxp authentication requests.
pub struct PxpCodec;

impl RequestCodec for PxpCodec {
    type Wire = threeds_wire::validate::Placeholder;
    const PROVIDER: Provider = Provider::Pxp;
    const DOCUMENT: &'static str = "pxp.request";

    fn to_model(_wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        Ok(AuthenticationRequest::default())
    }

    fn from_model(_request: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        Ok(Default::default())
    }
}
