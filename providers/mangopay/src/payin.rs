//! The pay-in object returned by `POST /payins/card/direct` and `GET /payins/{PayInId}`
//! (https://docs.mangopay.com/api-reference/direct-card-payins/direct-card-payin-object),
//! including the fields of Web card pay-ins (`ExecutionType: WEB`, the 008511 / 008515
//! examples) and of recurring pay-ins.

use crate::common::{
    BillingOrShipping, BrowserInfo, CardNetwork, Money, PaymentCategory, SecureMode, ThreeDsVersion,
};
use serde::{Deserialize, Serialize};
use threeds_wire::NumOrStr;

threeds_wire::open_enum! {
    /// `Status`. A failed payment is not an HTTP error: the POST answers 200 with `FAILED`
    /// and a `ResultCode` (https://docs.mangopay.com/errors/http-response-codes).
    pub enum PayInStatus {
        Created = "CREATED",
        Succeeded = "SUCCEEDED",
        Failed = "FAILED",
    }
}

threeds_wire::open_enum! {
    /// `Type` of the transaction.
    pub enum TransactionType {
        Payin = "PAYIN",
        Payout = "PAYOUT",
        Transfer = "TRANSFER",
    }
}

threeds_wire::open_enum! {
    /// `Nature`.
    pub enum Nature {
        Regular = "REGULAR",
        Repudiation = "REPUDIATION",
        Refund = "REFUND",
        Settlement = "SETTLEMENT",
    }
}

threeds_wire::open_enum! {
    /// `PaymentType`.
    pub enum PaymentType {
        Card = "CARD",
        DirectDebit = "DIRECT_DEBIT",
        Preauthorized = "PREAUTHORIZED",
        BankWire = "BANK_WIRE",
    }
}

threeds_wire::open_enum! {
    /// `ExecutionType`: `DIRECT` (card pay-in with `CardId`) or `WEB` (hosted payment page).
    pub enum ExecutionType {
        Web = "WEB",
        Direct = "DIRECT",
        ExternalInstruction = "EXTERNAL_INSTRUCTION",
    }
}

threeds_wire::open_enum! {
    /// `SecurityInfo.AVSResult` (UK/US/CA cards only).
    pub enum AvsResult {
        FullMatch = "FULL_MATCH",
        AddressMatchOnly = "ADDRESS_MATCH_ONLY",
        PostalCodeMatchOnly = "POSTAL_CODE_MATCH_ONLY",
        NoMatch = "NO_MATCH",
        NoCheck = "NO_CHECK",
    }
}

threeds_wire::open_enum! {
    /// `CardType` of a Web card pay-in (the hosted page's card family).
    pub enum WebCardType {
        CbVisaMastercard = "CB_VISA_MASTERCARD",
        Diners = "DINERS",
        Masterpass = "MASTERPASS",
        Maestro = "MAESTRO",
        P24 = "P24",
        Ideal = "IDEAL",
        Bcmc = "BCMC",
        Paylib = "PAYLIB",
    }
}

/// `SecurityInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityInfo {
    #[serde(rename = "AVSResult", default, skip_serializing_if = "Option::is_none")]
    pub avs_result: Option<AvsResult>,
}

/// `CardInfo`: what Mangopay knows of the card. `Brand` is the card's brand (`VISA`,
/// `MASTERCARD`, ...), kept as a string: the bridge maps it to a network and reports values
/// it does not know.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardInfo {
    /// The first six digits: not a secret (PCI allows BIN display).
    #[serde(rename = "BIN", default, skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    #[serde(
        rename = "IssuingBank",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub issuing_bank: Option<String>,
    #[serde(
        rename = "IssuerCountryCode",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub issuer_country_code: Option<String>,
    /// `CREDIT`, `DEBIT`, ...
    #[serde(rename = "Type", default, skip_serializing_if = "Option::is_none")]
    pub card_type: Option<String>,
    #[serde(rename = "Brand", default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(rename = "SubType", default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
}

/// A card pay-in (Direct or Web, one-off or recurring). Every field is optional: Mangopay's
/// own examples omit many of them depending on age and pay-in type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayIn {
    /// Opaque: `wt_<uuid>`, `payin_m_...` or older numeric strings.
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    #[serde(rename = "Tag", default)]
    pub tag: Option<String>,
    /// Unix seconds.
    #[serde(rename = "CreationDate", default)]
    pub creation_date: Option<NumOrStr>,
    #[serde(rename = "AuthorId", default)]
    pub author_id: Option<String>,
    #[serde(rename = "CreditedUserId", default)]
    pub credited_user_id: Option<String>,
    #[serde(rename = "DebitedFunds", default)]
    pub debited_funds: Option<Money>,
    #[serde(rename = "CreditedFunds", default)]
    pub credited_funds: Option<Money>,
    #[serde(rename = "Fees", default)]
    pub fees: Option<Money>,
    #[serde(rename = "Status", default)]
    pub status: Option<PayInStatus>,
    /// Six digits; null while `CREATED`, `"000000"` on success.
    #[serde(rename = "ResultCode", default)]
    pub result_code: Option<String>,
    /// Human text whose wording changes between docs and API: never map on it.
    #[serde(rename = "ResultMessage", default)]
    pub result_message: Option<String>,
    /// Unix seconds when the pay-in succeeded; null otherwise.
    #[serde(rename = "ExecutionDate", default)]
    pub execution_date: Option<NumOrStr>,
    #[serde(rename = "Type", default)]
    pub transaction_type: Option<TransactionType>,
    #[serde(rename = "Nature", default)]
    pub nature: Option<Nature>,
    #[serde(rename = "CreditedWalletId", default)]
    pub credited_wallet_id: Option<String>,
    /// Always null for pay-ins.
    #[serde(rename = "DebitedWalletId", default)]
    pub debited_wallet_id: Option<String>,
    #[serde(rename = "PaymentType", default)]
    pub payment_type: Option<PaymentType>,
    #[serde(rename = "ExecutionType", default)]
    pub execution_type: Option<ExecutionType>,
    /// May differ from the request: Mangopay switches to `FORCE` above the Maximum
    /// Frictionless Amount or on risk. Null on recurring pay-ins.
    #[serde(rename = "SecureMode", default)]
    pub secure_mode: Option<SecureMode>,
    #[serde(rename = "CardId", default)]
    pub card_id: Option<String>,
    /// The request's URL with `?transactionId=<Id>` appended.
    #[serde(rename = "SecureModeReturnURL", default)]
    pub secure_mode_return_url: Option<String>,
    /// Where to send the cardholder for 3DS (full-page redirect); null when no redirect is
    /// needed and again once the challenge is over.
    #[serde(rename = "SecureModeRedirectURL", default)]
    pub secure_mode_redirect_url: Option<String>,
    /// Whether a 3DS redirect was (or is) required. Stays true after the challenge ends.
    #[serde(rename = "SecureModeNeeded", default)]
    pub secure_mode_needed: Option<bool>,
    #[serde(rename = "Culture", default)]
    pub culture: Option<String>,
    #[serde(rename = "SecurityInfo", default)]
    pub security_info: Option<SecurityInfo>,
    #[serde(rename = "StatementDescriptor", default)]
    pub statement_descriptor: Option<String>,
    #[serde(rename = "BrowserInfo", default)]
    pub browser_info: Option<BrowserInfo>,
    /// Echoed as given; documentation examples hold placeholders such as `"IPV6"`.
    #[serde(rename = "IpAddress", default)]
    pub ip_address: Option<String>,
    #[serde(rename = "Billing", default)]
    pub billing: Option<BillingOrShipping>,
    #[serde(rename = "Shipping", default)]
    pub shipping: Option<BillingOrShipping>,
    #[serde(rename = "Requested3DSVersion", default)]
    pub requested_3ds_version: Option<ThreeDsVersion>,
    /// The 3DS version used; null when no 3DS ran.
    #[serde(rename = "Applied3DSVersion", default)]
    pub applied_3ds_version: Option<ThreeDsVersion>,
    /// Set on recurring (CIT and MIT) pay-ins.
    #[serde(rename = "RecurringPayinRegistrationId", default)]
    pub recurring_payin_registration_id: Option<String>,
    #[serde(rename = "PreferredCardNetwork", default)]
    pub preferred_card_network: Option<CardNetwork>,
    #[serde(rename = "PaymentCategory", default)]
    pub payment_category: Option<PaymentCategory>,
    #[serde(rename = "CardInfo", default)]
    pub card_info: Option<CardInfo>,
    /// Web pay-in: the hosted payment page to send the cardholder to.
    #[serde(rename = "RedirectURL", default)]
    pub redirect_url: Option<String>,
    /// Web pay-in: where the cardholder comes back.
    #[serde(rename = "ReturnURL", default)]
    pub return_url: Option<String>,
    /// Web pay-in: the platform's page template.
    #[serde(rename = "TemplateURL", default)]
    pub template_url: Option<String>,
    /// Web pay-in: the card family offered on the hosted page.
    #[serde(rename = "CardType", default)]
    pub card_type: Option<WebCardType>,
}

impl PayIn {
    /// True for a Web (hosted page) card pay-in.
    pub fn is_web(&self) -> bool {
        self.execution_type == Some(ExecutionType::Web)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_created_challenge_example() {
        let json = r#"{"Id":"wt_1","Status":"CREATED","ResultCode":null,
            "DebitedFunds":{"Currency":"EUR","Amount":57842},"SecureModeNeeded":true,
            "SecureModeRedirectURL":"https://acs","Applied3DSVersion":"V2_1",
            "CardInfo":{"BIN":"497010","Brand":"VISA","SubType":null},"Extra":1}"#;
        let p: PayIn = serde_json::from_str(json).unwrap();
        assert_eq!(p.status, Some(PayInStatus::Created));
        assert_eq!(p.applied_3ds_version, Some(ThreeDsVersion::V2_1));
        assert_eq!(
            p.debited_funds.unwrap().amount.unwrap().as_u64(),
            Some(57842)
        );
        assert_eq!(p.card_info.unwrap().brand.as_deref(), Some("VISA"));
    }

    #[test]
    fn unknown_values_are_kept() {
        let p: PayIn =
            serde_json::from_str(r#"{"Status":"CANCELED","ExecutionType":"WEB","CardType":"X"}"#)
                .unwrap();
        assert_eq!(p.status, Some(PayInStatus::Unknown("CANCELED".into())));
        assert!(p.is_web());
        assert_eq!(p.card_type, Some(WebCardType::Unknown("X".into())));
    }
}
