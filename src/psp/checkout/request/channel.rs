//! Checkout `channel_data` (browser, app, 3RI) and `completion` <-> the model's channel,
//! browser and URLs; browser numbers are strings at Checkout, numbers in the model.

use crate::request::{
    quoted, AuthenticationRequest, Browser, Channel, Purpose, RequestError, Urls,
};
use threeds_checkout as cko;
use threeds_checkout::{CompletionType, MerchantInitiatedRequestType as Mit};
use threeds_wire::NumOrStr;

use super::value_error;

fn parse_num<T: std::str::FromStr>(
    path: &str,
    v: Option<&NumOrStr>,
) -> Result<Option<T>, RequestError> {
    v.map(|n| {
        n.as_str()
            .trim()
            .parse::<T>()
            .map_err(|_| value_error(path, format!("{} is not a number", quoted(n.as_str()))))
    })
    .transpose()
}

pub(super) fn read_channel(
    c: &cko::ChannelData,
    m: &mut AuthenticationRequest,
) -> Result<(), RequestError> {
    let channel = c.channel.clone().unwrap_or(cko::Channel::Browser);
    m.channel = Some(match channel {
        cko::Channel::Browser => Channel::Browser,
        cko::Channel::App => Channel::App,
        cko::Channel::MerchantInitiated => Channel::ThreeRi,
        cko::Channel::Unknown(v) => {
            return Err(value_error(
                "channel_data.channel",
                format!("{} is not a Checkout channel", quoted(v)),
            ))
        }
    });
    if m.channel == Some(Channel::Browser) {
        m.browser = Some(Browser {
            accept_header: c.accept_header.clone(),
            java_enabled: c.java_enabled,
            javascript_enabled: c.javascript_enabled,
            language: c.language.clone(),
            color_depth: parse_num("channel_data.color_depth", c.color_depth.as_ref())?,
            screen_height: parse_num("channel_data.screen_height", c.screen_height.as_ref())?,
            screen_width: parse_num("channel_data.screen_width", c.screen_width.as_ref())?,
            timezone_offset_minutes: parse_num("channel_data.timezone", c.timezone.as_ref())?,
            user_agent: c.user_agent.clone(),
            ip_address: c.ip_address.clone(),
        });
    }
    if m.channel == Some(Channel::ThreeRi) && m.purpose.is_none() {
        // Purpose comes from authentication_type when present; the 3RI request type is the
        // only other place Checkout says it.
        m.purpose = match c.request_type {
            Some(Mit::RecurringTransaction) => Some(Purpose::Recurring),
            Some(Mit::InstallmentTransaction) => Some(Purpose::Installment),
            Some(Mit::AddCard) => Some(Purpose::AddCard),
            Some(Mit::MaintainCardInformation) => Some(Purpose::MaintainCard),
            _ => None,
        };
    }
    Ok(())
}

pub(super) fn write_channel(m: &AuthenticationRequest) -> Option<cko::ChannelData> {
    let channel = m
        .channel
        .or_else(|| m.browser.as_ref().map(|_| Channel::Browser))?;
    let mut c = cko::ChannelData::default();
    match channel {
        Channel::Browser => {
            c.channel = Some(cko::Channel::Browser);
            if let Some(b) = &m.browser {
                c.accept_header = b.accept_header.clone();
                c.java_enabled = b.java_enabled;
                c.javascript_enabled = b.javascript_enabled;
                c.language = b.language.clone();
                // Checkout takes these as strings (`ChannelData.yaml`).
                c.color_depth = b.color_depth.map(|v| NumOrStr::string(v.to_string()));
                c.screen_height = b.screen_height.map(|v| NumOrStr::string(v.to_string()));
                c.screen_width = b.screen_width.map(|v| NumOrStr::string(v.to_string()));
                c.timezone = b
                    .timezone_offset_minutes
                    .map(|v| NumOrStr::string(v.to_string()));
                c.user_agent = b.user_agent.clone();
                c.ip_address = b.ip_address.clone();
            }
        }
        Channel::App => c.channel = Some(cko::Channel::App),
        Channel::ThreeRi => {
            c.channel = Some(cko::Channel::MerchantInitiated);
            c.request_type = match m.purpose {
                Some(Purpose::Recurring) => Some(Mit::RecurringTransaction),
                Some(Purpose::Installment) => Some(Mit::InstallmentTransaction),
                Some(Purpose::AddCard) => Some(Mit::AddCard),
                Some(Purpose::MaintainCard) => Some(Mit::MaintainCardInformation),
                _ => None,
            };
        }
    }
    Some(c)
}

/// `non_hosted` when a callback or challenge notification URL is given, `hosted` when only
/// the cardholder return URLs are.
pub(super) fn write_completion(u: &Urls) -> Option<cko::Completion> {
    if u.callback_url.is_some() || u.challenge_notification_url.is_some() {
        Some(cko::Completion {
            completion_type: Some(CompletionType::NonHosted),
            callback_url: u.callback_url.clone(),
            challenge_notification_url: u.challenge_notification_url.clone(),
            ..cko::Completion::default()
        })
    } else if u.return_url.is_some() || u.failure_url.is_some() {
        Some(cko::Completion {
            completion_type: Some(CompletionType::Hosted),
            success_url: u.return_url.clone(),
            failure_url: u.failure_url.clone(),
            ..cko::Completion::default()
        })
    } else {
        None
    }
}
