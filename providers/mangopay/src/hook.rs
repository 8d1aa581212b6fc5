//! Mangopay hooks: an HTTP GET to the platform's URL with
//! `?EventType=<EventType>&RessourceId=<Id>&Date=<unix>` (https://docs.mangopay.com/webhooks).
//!
//! The hook carries no outcome and no signature: Mangopay says to GET the resource to
//! check the event. Parameter order varies (a real capture, Mangopay/mangopay issue #54:
//! `?Date=1548806400&EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=123456`), and dashboard test
//! pings can arrive with an empty `RessourceId` (issue #24).

use serde::{Deserialize, Serialize};

/// The hook's query parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookQuery {
    #[serde(rename = "EventType", default)]
    pub event_type: Option<String>,
    /// `RessourceId` as Mangopay spells it in hooks; `ResourceId` (the Event object's
    /// spelling) is accepted too.
    #[serde(rename = "RessourceId", alias = "ResourceId", default)]
    pub ressource_id: Option<String>,
    /// Unix seconds, as text.
    #[serde(rename = "Date", default)]
    pub date: Option<String>,
}

/// A query string without `EventType`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Mangopay hook query: no EventType parameter")]
pub struct HookQueryError;

impl HookQuery {
    /// Parses `EventType=..&RessourceId=..&Date=..`, with or without a leading `?` (or a
    /// whole URL / request line before it), in any order, percent-decoded (`+` is a space).
    /// Unknown parameters are ignored; a repeated parameter keeps its first value.
    pub fn parse(text: &str) -> Result<Self, HookQueryError> {
        let query = query_part(text);
        let mut hook = HookQuery::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            let slot = match percent_decode(key).as_str() {
                "EventType" => &mut hook.event_type,
                "RessourceId" | "ResourceId" => &mut hook.ressource_id,
                "Date" => &mut hook.date,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value);
            }
        }
        if hook.event_type.is_none() {
            return Err(HookQueryError);
        }
        Ok(hook)
    }
}

/// The query part of `text`: after the first `?` when there is one, else the whole
/// (trimmed) text.
fn query_part(text: &str) -> &str {
    let t = text.trim();
    let t = t.split_once('?').map_or(t, |(_, q)| q);
    // A request line ends with the HTTP version: `GET /hook?a=b HTTP/1.1`.
    t.split_once(' ').map_or(t, |(q, _)| q)
}

/// Decodes `%XX` escapes and `+` (form encoding). Malformed escapes are kept literally;
/// invalid UTF-8 is replaced, never an error.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_capture_in_any_order() {
        let h = HookQuery::parse(
            "?Date=1548806400&EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=123456",
        )
        .unwrap();
        assert_eq!(h.event_type.as_deref(), Some("PAYIN_NORMAL_SUCCEEDED"));
        assert_eq!(h.ressource_id.as_deref(), Some("123456"));
        assert_eq!(h.date.as_deref(), Some("1548806400"));
        let h2 = HookQuery::parse(
            "EventType=PAYIN_NORMAL_SUCCEEDED&Date=1548806400&RessourceId=123456\n",
        )
        .unwrap();
        assert_eq!(h, h2);
    }

    #[test]
    fn accepts_resource_id_urls_and_percent_encoding() {
        let h = HookQuery::parse(
            "GET /hooks/mangopay?EventType=PAYIN%5FNORMAL%5FFAILED&ResourceId=wt%5Fab+c&x=1 HTTP/1.1",
        )
        .unwrap();
        assert_eq!(h.event_type.as_deref(), Some("PAYIN_NORMAL_FAILED"));
        assert_eq!(h.ressource_id.as_deref(), Some("wt_ab c"));
        assert_eq!(h.date, None);
    }

    #[test]
    fn empty_ressource_id_and_missing_event_type() {
        let h = HookQuery::parse("EventType=PAYIN_NORMAL_CREATED&RessourceId=&Date=1").unwrap();
        assert_eq!(h.ressource_id.as_deref(), Some(""));
        assert_eq!(
            HookQuery::parse("RessourceId=1&Date=2"),
            Err(HookQueryError)
        );
    }

    #[test]
    fn malformed_escapes_are_kept() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
