//! What Checkout requires of the request bodies: [`Validate`](threeds_wire::Validate) for
//! the session, channel-data and issuer-fingerprint bodies, with the Checkout.com .NET SDK's
//! limits (its doc comments and `SessionRequest.yaml`).

use super::{
    AccountInfo, Address, ChannelData, Completion, IssuerFingerprintRequest, MerchantRiskInfo,
    Phone, SessionRequest, Source,
};
use crate::enums::*;
use threeds_wire::validate::join;
use threeds_wire::{CardNumber, FieldViolation, NumOrStr, Problem, Secret, Validate, Violations};

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `^(prefix)_(\w{n})$`.
pub(super) fn prefixed_word(s: &str, prefix: &str, n: usize) -> bool {
    s.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|rest| {
            rest.chars().count() == n && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

pub(super) fn yyyymmdd(s: &str) -> bool {
    s.len() == 8
        && digits(s)
        && matches!(s[4..6].parse::<u8>(), Ok(1..=12))
        && matches!(s[6..8].parse::<u8>(), Ok(1..=31))
}

fn exact_len(v: &mut Violations, path: &str, value: Option<&str>, n: usize) {
    v.length(path, value, n, n);
}

fn text_num(
    v: &mut Violations,
    path: &str,
    value: Option<&NumOrStr>,
    min: usize,
    max: usize,
    signed: bool,
) {
    if let Some(n) = value {
        let s = n.as_str();
        v.length(path, Some(s), min, max);
        let body = if signed {
            s.strip_prefix('-').unwrap_or(s)
        } else {
            s
        };
        v.check(path, Some(body), "digits", |b: &str| digits(b));
    }
}

impl Address {
    fn check(&self, v: &mut Violations, at: &str) {
        v.length(
            &join(at, "address_line1"),
            self.address_line1.as_deref(),
            0,
            50,
        );
        v.length(
            &join(at, "address_line2"),
            self.address_line2.as_deref(),
            0,
            50,
        );
        v.length(
            &join(at, "address_line3"),
            self.address_line3.as_deref(),
            0,
            50,
        );
        v.length(&join(at, "city"), self.city.as_deref(), 0, 50);
        v.length(&join(at, "state"), self.state.as_deref(), 1, 3);
        v.length(&join(at, "zip"), self.zip.as_deref(), 0, 16);
        exact_len(v, &join(at, "country"), self.country.as_deref(), 2);
    }
}

impl Phone {
    fn check(&self, v: &mut Violations, at: &str) {
        let cc = join(at, "country_code");
        v.check(
            &cc,
            self.country_code.as_deref(),
            "1 to 3 digits",
            |s: &str| digits(s) && s.len() <= 3,
        );
        let number = join(at, "number");
        v.require(&number, self.number.as_ref());
        v.check(
            &number,
            self.number.as_deref(),
            "1 to 15 digits",
            |s: &str| digits(s) && s.len() <= 15,
        );
    }
}

impl Source {
    fn check(&self, v: &mut Violations) {
        let at = "source";
        let kind = self.source_type.clone().unwrap_or(SourceType::Card);
        v.documented(&join(at, "type"), Some(&kind));
        let p = |f: &str| join(at, f);
        match kind {
            SourceType::Card => {
                v.require(&p("number"), self.number.as_ref());
                v.require(&p("expiry_month"), self.expiry_month.as_ref());
                v.require(&p("expiry_year"), self.expiry_year.as_ref());
            }
            SourceType::Id => {
                v.require(&p("id"), self.id.as_ref());
                v.length(&p("id"), self.id.as_deref(), 1, 100);
            }
            SourceType::Token => {
                v.require(&p("token"), self.token.as_ref());
                v.length(&p("token"), self.token.as_ref().map(Secret::expose), 1, 100);
            }
            SourceType::NetworkToken => {
                v.require(&p("token"), self.token.as_ref());
                v.require(&p("expiry_month"), self.expiry_month.as_ref());
                v.require(&p("expiry_year"), self.expiry_year.as_ref());
                let token = self.token.as_ref().map(Secret::expose);
                v.length(&p("token"), token, 9, 19);
                v.check(&p("token"), token, "digits", |s: &str| digits(s));
            }
            SourceType::Unknown(_) => {}
        }
        let number = self.number.as_ref().map(CardNumber::expose);
        v.length(&p("number"), number, 13, 19);
        v.check(&p("number"), number, "digits", |s: &str| digits(s));
        v.range(&p("expiry_month"), self.expiry_month.map(i64::from), 1, 12);
        v.range(
            &p("expiry_year"),
            self.expiry_year.map(i64::from),
            1000,
            9999,
        );
        v.length(&p("name"), self.name.as_deref(), 2, 45);
        v.length(&p("email"), self.email.as_deref(), 0, 254);
        v.documented(&p("scheme"), self.scheme.as_ref());
        if let Some(a) = &self.billing_address {
            a.check(v, &p("billing_address"));
        }
        for (name, phone) in [
            ("home_phone", &self.home_phone),
            ("mobile_phone", &self.mobile_phone),
            ("work_phone", &self.work_phone),
        ] {
            if let Some(phone) = phone {
                phone.check(v, &p(name));
            }
        }
    }
}

impl Completion {
    fn check(&self, v: &mut Violations, app_channel: bool) {
        let at = "completion";
        let p = |f: &str| join(at, f);
        v.require(&p("type"), self.completion_type.as_ref());
        v.documented(&p("type"), self.completion_type.as_ref());
        match self.completion_type {
            Some(CompletionType::Hosted) => {
                v.require(&p("success_url"), self.success_url.as_ref());
                v.require(&p("failure_url"), self.failure_url.as_ref());
                if app_channel {
                    v.push(
                        p("type"),
                        Problem::Invalid {
                            expected:
                                "non_hosted with app channel data (hosted_not_supported_for_app)"
                                    .into(),
                        },
                    );
                }
            }
            Some(CompletionType::NonHosted) => {}
            _ => {}
        }
        for (name, url) in [
            ("success_url", &self.success_url),
            ("failure_url", &self.failure_url),
            ("callback_url", &self.callback_url),
            (
                "challenge_notification_url",
                &self.challenge_notification_url,
            ),
        ] {
            v.length(&p(name), url.as_deref(), 1, 256);
            v.check(&p(name), url.as_deref(), "an absolute URI", |s: &str| {
                s.starts_with("https://") || s.starts_with("http://")
            });
        }
    }
}

impl ChannelData {
    /// Checks the channel data at `at` (`channel_data` in a session request, empty for a
    /// `PUT /collect-data` body).
    pub fn check(&self, v: &mut Violations, at: &str) {
        let p = |f: &str| join(at, f);
        let channel = self.channel.clone().unwrap_or(Channel::Browser);
        v.documented(&p("channel"), Some(&channel));
        match channel {
            Channel::Browser => {
                v.require(&p("accept_header"), self.accept_header.as_ref());
                v.require(&p("java_enabled"), self.java_enabled.as_ref());
                v.require(&p("language"), self.language.as_ref());
                v.require(&p("color_depth"), self.color_depth.as_ref());
                v.require(&p("screen_height"), self.screen_height.as_ref());
                v.require(&p("screen_width"), self.screen_width.as_ref());
                v.require(&p("timezone"), self.timezone.as_ref());
                v.require(&p("user_agent"), self.user_agent.as_ref());
                v.require(&p("ip_address"), self.ip_address.as_ref());
            }
            Channel::App => {
                v.require(&p("sdk_app_id"), self.sdk_app_id.as_ref());
                v.require(&p("sdk_max_timeout"), self.sdk_max_timeout.as_ref());
                v.require(&p("sdk_ephem_pub_key"), self.sdk_ephem_pub_key.as_ref());
                v.require(&p("sdk_encrypted_data"), self.sdk_encrypted_data.as_ref());
                v.require(
                    &p("sdk_reference_number"),
                    self.sdk_reference_number.as_ref(),
                );
                v.require(&p("sdk_transaction_id"), self.sdk_transaction_id.as_ref());
                v.require(&p("sdk_interface_type"), self.sdk_interface_type.as_ref());
                v.require(&p("sdk_ui_elements"), self.sdk_ui_elements.as_ref());
            }
            Channel::MerchantInitiated => {
                v.require(&p("request_type"), self.request_type.as_ref());
            }
            Channel::Unknown(_) => {}
        }
        v.length(&p("accept_header"), self.accept_header.as_deref(), 1, 2048);
        v.length(&p("language"), self.language.as_deref(), 1, 12);
        text_num(v, &p("color_depth"), self.color_depth.as_ref(), 1, 2, false);
        text_num(
            v,
            &p("screen_height"),
            self.screen_height.as_ref(),
            1,
            6,
            false,
        );
        text_num(
            v,
            &p("screen_width"),
            self.screen_width.as_ref(),
            1,
            6,
            false,
        );
        text_num(v, &p("timezone"), self.timezone.as_ref(), 1, 5, true);
        v.length(&p("user_agent"), self.user_agent.as_deref(), 1, 2048);
        v.length(&p("ip_address"), self.ip_address.as_deref(), 1, 45);
        v.documented(
            &p("three_ds_method_completion"),
            self.three_ds_method_completion.as_ref(),
        );
        exact_len(v, &p("sdk_app_id"), self.sdk_app_id.as_deref(), 36);
        v.range(
            &p("sdk_max_timeout"),
            self.sdk_max_timeout.map(i64::from),
            5,
            99,
        );
        if let Some(key) = &self.sdk_ephem_pub_key {
            let k = |f: &str| join(&p("sdk_ephem_pub_key"), f);
            v.require(&k("kty"), key.kty.as_ref());
            v.check(&k("kty"), key.kty.as_deref(), "EC", |s: &str| s == "EC");
            v.require(&k("crv"), key.crv.as_ref());
            v.length(&k("crv"), key.crv.as_deref(), 1, 40);
            v.require(&k("x"), key.x.as_ref());
            v.length(&k("x"), key.x.as_deref(), 1, 100);
            v.require(&k("y"), key.y.as_ref());
            v.length(&k("y"), key.y.as_deref(), 1, 100);
        }
        v.length(
            &p("sdk_encrypted_data"),
            self.sdk_encrypted_data.as_ref().map(Secret::expose),
            1,
            64000,
        );
        v.length(
            &p("sdk_reference_number"),
            self.sdk_reference_number.as_deref(),
            1,
            32,
        );
        exact_len(
            v,
            &p("sdk_transaction_id"),
            self.sdk_transaction_id.as_deref(),
            36,
        );
        v.documented(&p("sdk_interface_type"), self.sdk_interface_type.as_ref());
        for (i, e) in self.sdk_ui_elements.iter().flatten().enumerate() {
            v.documented(&format!("{}[{i}]", p("sdk_ui_elements")), Some(e));
        }
        v.documented(&p("request_type"), self.request_type.as_ref());
    }
}

impl Validate for ChannelData {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        self.check(&mut v, "");
        v.into_vec()
    }
}

impl Validate for IssuerFingerprintRequest {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        v.require(
            "three_ds_method_completion",
            self.three_ds_method_completion.as_ref(),
        );
        v.documented(
            "three_ds_method_completion",
            self.three_ds_method_completion.as_ref(),
        );
        v.into_vec()
    }
}

impl AccountInfo {
    fn check(&self, v: &mut Violations) {
        let p = |f: &str| join("account_info", f);
        v.range(
            &p("purchase_count"),
            self.purchase_count.map(i64::from),
            0,
            9999,
        );
        v.range(
            &p("add_card_attempts"),
            self.add_card_attempts.map(i64::from),
            0,
            999,
        );
        v.range(
            &p("transactions_today"),
            self.transactions_today.map(i64::from),
            0,
            999,
        );
        v.range(
            &p("transactions_per_year"),
            self.transactions_per_year.map(i64::from),
            0,
            999,
        );
        v.length(&p("account_id"), self.account_id.as_deref(), 0, 64);
        v.documented(&p("account_age"), self.account_age.as_ref());
        v.documented(
            &p("shipping_address_age"),
            self.shipping_address_age.as_ref(),
        );
        v.documented(
            &p("authentication_method"),
            self.authentication_method.as_ref(),
        );
        v.documented(
            &p("cardholder_account_age_indicator"),
            self.cardholder_account_age_indicator.as_ref(),
        );
        v.documented(
            &p("account_change_indicator"),
            self.account_change_indicator.as_ref(),
        );
        v.documented(
            &p("account_password_change_indicator"),
            self.account_password_change_indicator.as_ref(),
        );
        v.documented(&p("account_type"), self.account_type.as_ref());
        if let Some(info) = &self.three_ds_requestor_authentication_info {
            let q = |f: &str| join(&p("three_ds_requestor_authentication_info"), f);
            v.documented(
                &q("three_ds_req_auth_method"),
                info.three_ds_req_auth_method.as_ref(),
            );
            v.length(
                &q("three_ds_req_auth_data"),
                info.three_ds_req_auth_data.as_deref(),
                0,
                20000,
            );
        }
    }
}

impl MerchantRiskInfo {
    fn check(&self, v: &mut Violations) {
        let p = |f: &str| join("merchant_risk_info", f);
        v.length(&p("delivery_email"), self.delivery_email.as_deref(), 0, 254);
        v.documented(&p("delivery_timeframe"), self.delivery_timeframe.as_ref());
        v.documented(&p("shipping_indicator"), self.shipping_indicator.as_ref());
        v.documented(
            &p("reorder_items_indicator"),
            self.reorder_items_indicator.as_ref(),
        );
        v.documented(
            &p("pre_order_purchase_indicator"),
            self.pre_order_purchase_indicator.as_ref(),
        );
        text_num(
            v,
            &p("gift_card_amount"),
            self.gift_card_amount.as_ref(),
            1,
            15,
            false,
        );
        exact_len(
            v,
            &p("gift_card_currency"),
            self.gift_card_currency.as_deref(),
            3,
        );
        text_num(
            v,
            &p("gift_card_count"),
            self.gift_card_count.as_ref(),
            1,
            2,
            false,
        );
    }
}

impl Validate for SessionRequest {
    fn validate(&self) -> Vec<FieldViolation> {
        let mut v = Violations::new();
        v.require("source", self.source.as_ref());
        if let Some(source) = &self.source {
            source.check(&mut v);
        }
        v.require("currency", self.currency.as_ref());
        v.check(
            "currency",
            self.currency.as_deref(),
            "3 upper-case letters (ISO 4217)",
            |c: &str| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()),
        );
        v.range(
            "amount",
            self.amount.map(|a| i64::try_from(a).unwrap_or(i64::MAX)),
            0,
            i64::MAX,
        );
        if matches!(
            self.authentication_type,
            Some(AuthenticationType::Recurring | AuthenticationType::Installment)
        ) {
            v.require("amount", self.amount.as_ref());
            v.check(
                "amount",
                self.amount.as_ref(),
                "greater than zero for recurring and installment",
                |a: &u64| *a > 0,
            );
        }
        v.check(
            "processing_channel_id",
            self.processing_channel_id.as_deref(),
            "pc_ followed by 26 word characters",
            |s: &str| prefixed_word(s, "pc", 26),
        );
        v.documented("authentication_type", self.authentication_type.as_ref());
        v.documented(
            "authentication_category",
            self.authentication_category.as_ref(),
        );
        if let Some(c) = &self.challenge_indicator {
            v.length("challenge_indicator", Some(c.as_str()), 1, 50);
        }
        v.documented("challenge_indicator", self.challenge_indicator.as_ref());
        if let Some(d) = &self.billing_descriptor {
            v.length("billing_descriptor.name", d.name.as_deref(), 1, 40);
            v.check(
                "billing_descriptor.name",
                d.name.as_deref(),
                "letters, digits, spaces and . ! * - = _ @",
                |s: &str| {
                    s.chars()
                        .all(|c| c.is_alphanumeric() || " .!*-=_@".contains(c))
                },
            );
        }
        v.length("reference", self.reference.as_deref(), 0, 100);
        v.length(
            "prior_transaction_reference",
            self.prior_transaction_reference.as_deref(),
            0,
            36,
        );
        v.documented("transaction_type", self.transaction_type.as_ref());
        if let Some(a) = &self.shipping_address {
            a.check(&mut v, "shipping_address");
        }
        let app = matches!(
            self.channel_data.as_ref().and_then(|c| c.channel.as_ref()),
            Some(Channel::App)
        );
        v.require("completion", self.completion.as_ref());
        if let Some(c) = &self.completion {
            c.check(&mut v, app);
        }
        if let Some(c) = &self.channel_data {
            c.check(&mut v, "channel_data");
        }
        if let Some(r) = &self.recurring {
            v.check(
                "recurring.expiry",
                r.expiry.as_deref(),
                "yyyyMMdd",
                yyyymmdd,
            );
        }
        if let Some(i) = &self.installment {
            v.require(
                "installment.number_of_payments",
                i.number_of_payments.as_ref(),
            );
            v.range(
                "installment.number_of_payments",
                i.number_of_payments.map(i64::from),
                2,
                999,
            );
            v.check(
                "installment.expiry",
                i.expiry.as_deref(),
                "yyyyMMdd",
                yyyymmdd,
            );
        }
        if let Some(t) = &self.initial_transaction {
            let p = |f: &str| join("initial_transaction", f);
            exact_len(
                &mut v,
                &p("acs_transaction_id"),
                t.acs_transaction_id.as_deref(),
                36,
            );
            v.documented(
                &p("authentication_method"),
                t.authentication_method.as_ref(),
            );
            v.length(
                &p("authentication_data"),
                t.authentication_data.as_deref(),
                0,
                2048,
            );
            exact_len(
                &mut v,
                &p("initial_session_id"),
                t.initial_session_id.as_deref(),
                30,
            );
        }
        if let Some(a) = &self.account_info {
            a.check(&mut v);
        }
        if let Some(m) = &self.merchant_risk_info {
            m.check(&mut v);
        }
        for (i, e) in self.preferred_experiences.iter().flatten().enumerate() {
            v.documented(&format!("preferred_experiences[{i}]"), Some(e));
        }
        if let Some(d) = &self.device_information {
            v.check(
                "device_information.device_session_id",
                d.device_session_id.as_deref(),
                "dsid_ followed by 26 word characters",
                |s: &str| prefixed_word(s, "dsid", 26),
            );
        }
        v.into_vec()
    }
}
