//! PXP webhooks: one envelope for every event
//! (`https://developer.pxp.io/guides/get-started/about-webhooks`):
//! `{"eventCategory", "eventDate", "eventData", "eventOwner": {"merchantGroup", "merchant",
//! "site"}}`. For `Authentication` events `eventData` is the authentication
//! (`authenticationId`, `state`, ...; merchant-webhook API reference,
//! `/apis/merchant-webhook/other/process-merchant-webhook`).

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

threeds_wire::open_enum! {
    /// `eventCategory`.
    pub enum EventCategory {
        Authentication = "Authentication",
        Token = "Token",
        Transaction = "Transaction",
        Reporting = "Reporting",
    }
}

/// `eventOwner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventOwner {
    #[serde(rename = "merchantGroup", skip_serializing_if = "Option::is_none")]
    pub merchant_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merchant: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// The webhook envelope. `eventData` stays JSON text: its shape depends on the category, and
/// text is read into the category's type without first building (and copying) a tree.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct WebhookEvent {
    #[serde(rename = "eventCategory", skip_serializing_if = "Option::is_none")]
    pub event_category: Option<EventCategory>,
    /// ISO 8601.
    #[serde(rename = "eventDate", skip_serializing_if = "Option::is_none")]
    pub event_date: Option<String>,
    #[serde(rename = "eventData", skip_serializing_if = "Option::is_none")]
    pub event_data: Option<Box<RawValue>>,
    #[serde(rename = "eventOwner", skip_serializing_if = "Option::is_none")]
    pub event_owner: Option<EventOwner>,
    /// Event name, e.g. `challenge-completed` (names from PXP-plugin
    /// `skills/implement-pxp-webhooks/SKILL.md`; the field's name is unconfirmed).
    #[serde(rename = "eventName", skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// Event code (named by the plugin as a duplicate signal; placement unconfirmed).
    #[serde(rename = "eventCode", skip_serializing_if = "Option::is_none")]
    pub event_code: Option<String>,
}

impl WebhookEvent {
    /// The event name from `eventName`, else `eventCode`.
    pub fn name(&self) -> Option<&str> {
        self.event_name
            .as_deref()
            .or(self.event_code.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// True when `eventData` is an authentication (an object with `authenticationId` or
    /// `state`, whatever their values).
    pub fn carries_authentication(&self) -> bool {
        self.event_data.as_ref().is_some_and(|raw| {
            let mut de = serde_json::Deserializer::from_str(raw.get());
            de.deserialize_any(HasAuthenticationKey).unwrap_or(false)
        })
    }
}

/// Whether a JSON value is an object with an `authenticationId` or `state` member, read
/// without keeping any of it.
struct HasAuthenticationKey;

impl<'de> Visitor<'de> for HasAuthenticationKey {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<bool, A::Error> {
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            found |= matches!(key.as_str(), "authenticationId" | "state");
            map.next_value::<IgnoredAny>()?;
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_envelope() {
        let e: WebhookEvent = serde_json::from_str(
            r#"{"eventCategory":"Authentication","eventDate":"2024-10-27T08:51:04.826Z",
                "eventData":{"authenticationId":"a","state":"AuthenticationSuccessful"},
                "eventOwner":{"merchantGroup":"MG","merchant":"M","site":"S"}}"#,
        )
        .unwrap();
        assert_eq!(e.event_category, Some(EventCategory::Authentication));
        assert!(e.carries_authentication());
        assert_eq!(e.event_owner.as_ref().unwrap().site.as_deref(), Some("S"));
        assert_eq!(e.name(), None);
    }
}
