//! Checkout.com's list responses: the items under `data`, beside the paging members.
//!
//! Checkout's list endpoints page with `limit` and `skip` and answer
//! `{"limit": 10, "skip": 0, "total_count": 1, "data": [...]}` (Get payment lists,
//! `GET /payments?reference=`: <https://api-reference.checkout.com/#operation/getPaymentList>);
//! the reporting endpoint answers `{"count": 1, "data": [...], "_links": {...}}`
//! (<https://docs.checkout.com/docs/payments-endpoint>). Sessions are read one at a time
//! (`GET /sessions/{id}`), so a list of sessions is an export in the same envelope; each
//! item is detected and normalized on its own, and one that is not a Checkout document is
//! reported, not skipped.

use serde_json::Value;

/// The members an envelope may have besides `data`.
const PAGING: [&str; 5] = ["limit", "skip", "total_count", "count", "_links"];

/// The items of a list envelope: an object with an array `data`, a count (`total_count` or
/// `count`) and nothing but paging members besides. A webhook also has `data`, but as an
/// object beside `type` and `id`, so it is never taken for a list.
pub fn documents(value: &Value) -> Option<&[Value]> {
    let map = value.as_object()?;
    let data = map.get("data")?.as_array()?;
    let counted = map.contains_key("total_count") || map.contains_key("count");
    let only_paging = map
        .keys()
        .all(|k| k == "data" || PAGING.contains(&k.as_str()));
    (counted && only_paging).then_some(data.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_envelope_gives_its_items_and_a_webhook_is_no_list() {
        let list =
            json!({"limit": 10, "skip": 0, "total_count": 2, "data": [{"id": "a"}, {"id": "b"}]});
        assert_eq!(documents(&list).map(<[Value]>::len), Some(2));
        let report = json!({"count": 1, "data": [{"id": "a"}], "_links": {"next": {"href": "x"}}});
        assert_eq!(documents(&report).map(<[Value]>::len), Some(1));
        // No count, or a member that is not paging: not an envelope.
        assert_eq!(documents(&json!({"data": []})), None);
        assert_eq!(
            documents(&json!({"count": 1, "data": [], "type": "x"})),
            None
        );
        let webhook = json!({"id": "evt_1", "type": "authentication_approved", "data": {"session_id": "sid"}});
        assert_eq!(documents(&webhook), None);
    }
}
