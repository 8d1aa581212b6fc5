//! What `submit_device_data` sends: the browser data as Checkout's `channel_data`, and the
//! 3DS Method outcome as `three_ds_method_completion`.

use crate::flow::{DeviceData, MethodOutcome};
use crate::psp::checkout::request::CheckoutCodec;
use crate::request::{AuthenticationRequest, RequestCodec};
use threeds_checkout::{Channel, ChannelData, ThreeDsMethodCompletion};

/// `three_ds_method_completion` for a 3DS Method outcome. Checkout's own rule differs from
/// EMV's for a timeout: "default to `U` if the 3DS Method URL does not respond within 10
/// seconds" (Checkout.com API reference, `ThreeDsMethodCompletion.yaml`). `N` is kept for a method that
/// exists but was not run.
pub(super) fn method_completion(
    outcome: &MethodOutcome,
    method_url: bool,
) -> ThreeDsMethodCompletion {
    match outcome {
        MethodOutcome::Completed { .. } => ThreeDsMethodCompletion::Y,
        MethodOutcome::TimedOut => ThreeDsMethodCompletion::U,
        MethodOutcome::NotRun if method_url => ThreeDsMethodCompletion::N,
        MethodOutcome::NotRun => ThreeDsMethodCompletion::U,
    }
}

/// Browser data as Checkout's `channel_data` (numbers as strings, `ChannelData.yaml`).
pub(super) fn browser_channel(
    data: &DeviceData,
    completion: Option<ThreeDsMethodCompletion>,
) -> Option<ChannelData> {
    let browser = data.browser.clone()?;
    let request = AuthenticationRequest {
        browser: Some(browser),
        ..AuthenticationRequest::default()
    };
    let mut channel = CheckoutCodec::from_model(&request).ok()?.channel_data?;
    channel.channel = Some(Channel::Browser);
    channel.three_ds_method_completion = completion;
    Some(channel)
}
