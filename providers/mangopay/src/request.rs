//! `POST /v2.01/{ClientId}/payins/card/direct`: the Direct Card PayIn request (docs.mangopay.com/api-reference/direct-card-payins/create-direct-card-payin,
//! from Mangopay/docs `create-direct-card-payin.mdx` and its body snippets).

use crate::common::{
    as_i64, BillingOrShipping, BrowserInfo, CardNetwork, Money, PaymentCategory, SecureMode,
    ThreeDsVersion,
};
use serde::{Deserialize, Serialize};
use threeds_wire::validate::join;
use threeds_wire::{FieldViolation, NumOrStr, Problem, Validate, Violations};

/// The Direct Card PayIn request. Every field is optional so a translation can build a
/// partial request; [`Validate`] reports what Mangopay requires.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectCardPayInRequest {
    /// Free metadata, at most 255 characters; commonly the platform's order reference.
    #[serde(rename = "Tag", default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Required. The user paying; must own the card (else ResultCode 001023).
    #[serde(rename = "AuthorId", default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    /// Defaults to the owner of the credited wallet.
    #[serde(
        rename = "CreditedUserId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credited_user_id: Option<String>,
    /// Required. Minor units; the currency must match the card's and the wallet's (else HTTP
    /// 400 `currency_incompatibility`).
    #[serde(
        rename = "DebitedFunds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub debited_funds: Option<Money>,
    /// Required. The platform's fee; `CreditedFunds = DebitedFunds - Fees`.
    #[serde(rename = "Fees", default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<Money>,
    /// Required.
    #[serde(
        rename = "CreditedWalletId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credited_wallet_id: Option<String>,
    #[serde(
        rename = "SecureMode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub secure_mode: Option<SecureMode>,
    /// Required. The card registered through a Card Registration. An object id, not a
    /// secret: it appears on every pay-in and in the dashboard, and charges only with the
    /// platform's API credentials.
    #[serde(rename = "CardId", default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    /// Required, at most 255 characters. Mangopay appends `?transactionId=<PayInId>`.
    #[serde(
        rename = "SecureModeReturnURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub secure_mode_return_url: Option<String>,
    /// Deprecated (defaults to `EN`); kept so old requests still parse and round-trip.
    #[serde(rename = "Culture", default, skip_serializing_if = "Option::is_none")]
    pub culture: Option<String>,
    /// At most 10 characters, alphanumeric and spaces only.
    #[serde(
        rename = "StatementDescriptor",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub statement_descriptor: Option<String>,
    /// Required, with every child.
    #[serde(
        rename = "BrowserInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub browser_info: Option<BrowserInfo>,
    /// Required. IPv4 or IPv6.
    #[serde(rename = "IpAddress", default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    #[serde(rename = "Billing", default, skip_serializing_if = "Option::is_none")]
    pub billing: Option<BillingOrShipping>,
    /// When given, `Address` is required inside it.
    #[serde(rename = "Shipping", default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<BillingOrShipping>,
    #[serde(
        rename = "PreferredCardNetwork",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub preferred_card_network: Option<CardNetwork>,
    #[serde(
        rename = "PaymentCategory",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub payment_category: Option<PaymentCategory>,
    /// Fraud-profiling session reference; not echoed back on the pay-in.
    #[serde(
        rename = "ProfilingAttemptReference",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub profiling_attempt_reference: Option<String>,
    /// Legacy: no longer documented as a body parameter (only returned), still a property of
    /// the PHP SDK, which sends `V2_1` in its 3DS test.
    #[serde(
        rename = "Requested3DSVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub requested_3ds_version: Option<ThreeDsVersion>,
}

/// Colour depths the how-to guide allows.
pub const COLOR_DEPTHS: &[i64] = &[1, 4, 8, 15, 16, 24, 30, 32, 48];

/// `^[a-zA-Z]{2}(-[a-zA-Z]{2})?$`, Mangopay's pattern for `BrowserInfo.Language`.
pub fn is_valid_language(s: &str) -> bool {
    let b = s.as_bytes();
    let two = |x: &[u8]| x.len() == 2 && x.iter().all(u8::is_ascii_alphabetic);
    match b.len() {
        2 => two(b),
        5 => two(&b[..2]) && b[2] == b'-' && two(&b[3..]),
        _ => false,
    }
}

/// At most 10 characters of ASCII letters, digits and spaces.
pub fn is_valid_statement_descriptor(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
}

fn check_money(v: &mut Violations, path: &str, money: Option<&Money>) {
    v.require(path, money);
    let Some(m) = money else { return };
    let currency = join(path, "Currency");
    v.require(&currency, m.currency.as_ref());
    v.check(
        &currency,
        m.currency.as_deref(),
        "an ISO 4217 code (3 upper-case letters)",
        |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
    );
    let amount = join(path, "Amount");
    v.require(&amount, m.amount.as_ref());
    v.check(
        &amount,
        m.amount.as_ref(),
        "a non-negative integer in minor units",
        |a: &NumOrStr| a.as_u64().is_some(),
    );
}

fn check_int(v: &mut Violations, path: &str, value: Option<&NumOrStr>) {
    v.require(path, value);
    v.check(path, value, "an integer", |n: &NumOrStr| {
        as_i64(n).is_some()
    });
}

fn check_browser(v: &mut Violations, b: Option<&BrowserInfo>) {
    const P: &str = "BrowserInfo";
    v.require(P, b);
    let Some(b) = b else { return };
    v.require(&join(P, "AcceptHeader"), b.accept_header.as_ref());
    v.require(&join(P, "JavaEnabled"), b.java_enabled.as_ref());
    v.require(&join(P, "JavascriptEnabled"), b.javascript_enabled.as_ref());
    let language = join(P, "Language");
    v.require(&language, b.language.as_ref());
    v.check(
        &language,
        b.language.as_deref(),
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$ (e.g. en or en-US)",
        is_valid_language,
    );
    let depth = join(P, "ColorDepth");
    v.require(&depth, b.color_depth.as_ref());
    v.check(
        &depth,
        b.color_depth.as_ref(),
        "one of 1, 4, 8, 15, 16, 24, 30, 32, 48",
        |d: &NumOrStr| as_i64(d).is_some_and(|d| COLOR_DEPTHS.contains(&d)),
    );
    for (name, value) in [
        ("ScreenHeight", b.screen_height.as_ref()),
        ("ScreenWidth", b.screen_width.as_ref()),
    ] {
        let path = join(P, name);
        check_int(v, &path, value);
        if let Some(n) = value.filter(|n| as_i64(n).is_some()) {
            v.length(&path, Some(n.as_str().trim()), 0, 6);
        }
    }
    check_int(v, &join(P, "TimeZoneOffset"), b.time_zone_offset.as_ref());
    let ua = join(P, "UserAgent");
    v.require(&ua, b.user_agent.as_ref());
    v.length(&ua, b.user_agent.as_deref(), 0, 255);
}

impl Validate for DirectCardPayInRequest {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        v.length("Tag", self.tag.as_deref(), 0, 255);
        v.require("AuthorId", self.author_id.as_ref());
        check_money(&mut v, "DebitedFunds", self.debited_funds.as_ref());
        check_money(&mut v, "Fees", self.fees.as_ref());
        if let (Some(d), Some(f)) = (
            self.debited_funds
                .as_ref()
                .and_then(|m| m.currency.as_deref()),
            self.fees.as_ref().and_then(|m| m.currency.as_deref()),
        ) {
            if d != f {
                v.push(
                    "Fees.Currency",
                    Problem::Invalid {
                        expected: format!("the DebitedFunds currency {}", threeds_wire::excerpt(d)),
                    },
                );
            }
        }
        v.require("CreditedWalletId", self.credited_wallet_id.as_ref());
        v.documented("SecureMode", self.secure_mode.as_ref());
        v.require("CardId", self.card_id.as_ref());
        v.require("SecureModeReturnURL", self.secure_mode_return_url.as_ref());
        v.length(
            "SecureModeReturnURL",
            self.secure_mode_return_url.as_deref(),
            1,
            255,
        );
        v.length(
            "StatementDescriptor",
            self.statement_descriptor.as_deref(),
            0,
            10,
        );
        v.check(
            "StatementDescriptor",
            self.statement_descriptor.as_deref(),
            "letters, digits and spaces only",
            is_valid_statement_descriptor,
        );
        check_browser(&mut v, self.browser_info.as_ref());
        v.require("IpAddress", self.ip_address.as_ref());
        v.check(
            "IpAddress",
            self.ip_address.as_deref(),
            "an IPv4 or IPv6 address",
            |ip: &str| ip.parse::<std::net::IpAddr>().is_ok(),
        );
        for (name, party) in [("Billing", &self.billing), ("Shipping", &self.shipping)] {
            let Some(party) = party else { continue };
            if name == "Shipping" {
                v.require("Shipping.Address", party.address.as_ref());
            }
            if let Some(address) = &party.address {
                v.check(
                    &format!("{name}.Address.Country"),
                    address.country.as_deref(),
                    "an ISO 3166-1 alpha-2 code",
                    |c: &str| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()),
                );
            }
        }
        v.documented("PreferredCardNetwork", self.preferred_card_network.as_ref());
        v.documented("PaymentCategory", self.payment_category.as_ref());
        v.documented("Requested3DSVersion", self.requested_3ds_version.as_ref());
        v.into_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_pattern() {
        for ok in ["en", "en-US", "FR-FR", "fr-fr"] {
            assert!(is_valid_language(ok), "{ok}");
        }
        for bad in ["eng", "en_US", "en-USA", "e1", "", "en-"] {
            assert!(!is_valid_language(bad), "{bad}");
        }
    }

    #[test]
    fn statement_descriptor_charset() {
        assert!(is_valid_statement_descriptor("Mangopay 1"));
        assert!(!is_valid_statement_descriptor("Shop-1"));
        assert!(!is_valid_statement_descriptor("Café"));
    }

    #[test]
    fn an_empty_request_reports_every_required_field() {
        let paths: Vec<String> = DirectCardPayInRequest::default()
            .validate()
            .into_iter()
            .map(|v| v.path)
            .collect();
        assert_eq!(
            paths,
            [
                "AuthorId",
                "DebitedFunds",
                "Fees",
                "CreditedWalletId",
                "CardId",
                "SecureModeReturnURL",
                "BrowserInfo",
                "IpAddress"
            ]
        );
    }

    #[test]
    fn unknown_enum_values_are_invalid_in_a_request() {
        let r = DirectCardPayInRequest {
            secure_mode: Some(SecureMode::from("ALWAYS")),
            ..Default::default()
        };
        assert!(r
            .validate()
            .iter()
            .any(|v| v.path == "SecureMode" && matches!(v.problem, Problem::Invalid { .. })));
    }
}
