use threeds_checkout as cko;

use super::source::{phone_to_model, phone_to_wire};
use super::{date_to_model, date_to_wire};

#[test]
fn phones_split_on_e164_calling_codes() {
    for (text, cc, n) in [
        ("+447700900123", "44", "7700900123"),
        ("+1 415 555 0100", "1", "4155550100"),
        ("+353-1-234-5678", "353", "12345678"),
        ("+7 495 1234567", "7", "4951234567"),
        ("+2é", "2é", ""),
        ("+é1234", "é12", "34"),
    ] {
        let p = phone_to_wire(text);
        assert_eq!(p.country_code.as_deref(), Some(cc), "{text}");
        assert_eq!(p.number.as_deref(), (!n.is_empty()).then_some(n), "{text}");
    }
    assert_eq!(phone_to_wire("07700900123").country_code, None);
    let p = cko::Phone {
        country_code: Some("44".into()),
        number: Some("7700900123".into()),
    };
    assert_eq!(phone_to_wire(&phone_to_model(&p)), p);
}

#[test]
fn dates_convert_both_ways() {
    assert_eq!(date_to_model("x", "99991231").unwrap(), "9999-12-31");
    assert_eq!(date_to_wire("x", "9999-12-31").unwrap(), "99991231");
    assert!(date_to_wire("x", "31/12/9999").is_err());
    assert!(date_to_model("x", "9999-12-31").is_err());
}
