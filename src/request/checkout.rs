//! Checkout request codec (to be written).

use super::{AuthenticationRequest, RequestCodec, RequestError};
use crate::model::Provider;

/// Reads and writes Checkout authentication requests.
pub struct CheckoutCodec;

impl RequestCodec for CheckoutCodec {
    type Wire = threeds_wire::validate::Placeholder;
    const PROVIDER: Provider = Provider::Checkout;
    const DOCUMENT: &'static str = "checkout.request";

    fn to_model(_wire: &Self::Wire) -> Result<AuthenticationRequest, RequestError> {
        Ok(AuthenticationRequest::default())
    }

    fn from_model(_request: &AuthenticationRequest) -> Result<Self::Wire, RequestError> {
        Ok(Default::default())
    }
}
