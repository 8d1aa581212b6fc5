//! Every Checkout value set, as open enums: a value Checkout adds later is kept verbatim
//! (`Unknown`) instead of failing the parse.
//!
//! Spellings follow the current .NET SDK (generated from the OpenAPI; Checkout.com .NET SDK) and the
//! 2021/2023 `checkout-api-reference` spec fragments where the SDK dropped a value
//! (3DS1-era `authenticate`, `veres_*`, `pares_*`, the misspelt `quashi_card_transaction`).

use threeds_wire::open_enum;

open_enum! {
    /// `source.type` (default `card`).
    pub enum SourceType {
        Card = "card",
        Id = "id",
        Token = "token",
        NetworkToken = "network_token",
    }
}

open_enum! {
    /// Card schemes: `source.scheme` (cardholder choice for co-badged cards) and the
    /// response `scheme`.
    pub enum Scheme {
        Amex = "amex",
        CartesBancaires = "cartes_bancaires",
        Diners = "diners",
        Mastercard = "mastercard",
        Visa = "visa",
        Discover = "discover",
        Upi = "upi",
        Jcb = "jcb",
    }
}

open_enum! {
    /// `authentication_type` (request, response) and webhook `data.type`. Note Checkout's
    /// spelling `installment` (two l's).
    pub enum AuthenticationType {
        Regular = "regular",
        Recurring = "recurring",
        Installment = "installment",
        MaintainCard = "maintain_card",
        AddCard = "add_card",
    }
}

open_enum! {
    /// `authentication_category`; omitting `amount` makes a session `non_payment`.
    pub enum AuthenticationCategory {
        Payment = "payment",
        NonPayment = "non_payment",
    }
}

open_enum! {
    /// `challenge_indicator`. The exemption values (`low_value`, `trusted_listing`,
    /// `trusted_listing_prompt`, `transaction_risk_assessment`) are accepted by `/sessions`
    /// only; Checkout falls back to `no_challenge_requested` when it cannot apply them.
    pub enum ChallengeIndicator {
        NoPreference = "no_preference",
        NoChallengeRequested = "no_challenge_requested",
        ChallengeRequested = "challenge_requested",
        ChallengeRequestedMandate = "challenge_requested_mandate",
        LowValue = "low_value",
        TrustedListing = "trusted_listing",
        TrustedListingPrompt = "trusted_listing_prompt",
        TransactionRiskAssessment = "transaction_risk_assessment",
        DataShare = "data_share",
    }
}

open_enum! {
    /// `transaction_type`.
    pub enum TransactionType {
        GoodsService = "goods_service",
        CheckAcceptance = "check_acceptance",
        AccountFunding = "account_funding",
        QuasiCardTransaction = "quasi_card_transaction",
        /// The 2021/2023 spec's misspelling; still accepted when reading.
        QuashiCardTransaction = "quashi_card_transaction",
        PrepaidActivationAndLoad = "prepaid_activation_and_load",
    }
}

open_enum! {
    /// `channel_data.channel` (default `browser`).
    pub enum Channel {
        Browser = "browser",
        App = "app",
        MerchantInitiated = "merchant_initiated",
    }
}

open_enum! {
    /// `three_ds_method_completion` (channel data and `PUT /issuer-fingerprint`): send `U`
    /// when the 3DS Method URL did not answer within 10 seconds.
    pub enum ThreeDsMethodCompletion {
        Y = "Y",
        N = "N",
        U = "U",
    }
}

open_enum! {
    /// App channel `sdk_interface_type`.
    pub enum SdkInterfaceType {
        Native = "native",
        Html = "html",
        Both = "both",
    }
}

open_enum! {
    /// App channel `sdk_ui_elements` items, and `acs.ui_template`.
    pub enum UiElement {
        Text = "text",
        SingleSelect = "single_select",
        MultiSelect = "multi_select",
        Oob = "oob",
        HtmlOther = "html_other",
    }
}

open_enum! {
    /// `channel_data.request_type` for `merchant_initiated` (3RI).
    pub enum MerchantInitiatedRequestType {
        RecurringTransaction = "recurring_transaction",
        InstallmentTransaction = "installment_transaction",
        AddCard = "add_card",
        MaintainCardInformation = "maintain_card_information",
        AccountVerification = "account_verification",
        SplitOrDelayedShipment = "split_or_delayed_shipment",
        TopUp = "top_up",
        MailOrder = "mail_order",
        TelephoneOrder = "telephone_order",
        WhitelistStatusCheck = "whitelist_status_check",
        OtherPayment = "other_payment",
    }
}

open_enum! {
    /// `completion.type`.
    pub enum CompletionType {
        Hosted = "hosted",
        NonHosted = "non_hosted",
    }
}

open_enum! {
    /// `initial_transaction.authentication_method`.
    pub enum InitialAuthenticationMethod {
        FrictionlessAuthentication = "frictionless_authentication",
        ChallengeOccurred = "challenge_occurred",
        AvsVerified = "avs_verified",
        OtherIssuerMethods = "other_issuer_methods",
    }
}

open_enum! {
    /// `preferred_experiences` items and the response `experience`.
    pub enum Experience {
        ThreeDs = "3ds",
        GoogleSpa = "google_spa",
    }
}

open_enum! {
    /// `account_info.account_age`.
    pub enum AccountAge {
        NoAccount = "no_account",
        CreatedDuringTransaction = "created_during_transaction",
        LessThanThirtyDays = "less_than_thirty_days",
        ThirtyToSixtyDays = "thirty_to_sixty_days",
        MoreThanSixtyDays = "more_than_sixty_days",
    }
}

open_enum! {
    /// `account_info.cardholder_account_age_indicator`.
    pub enum CardholderAccountAgeIndicator {
        NoAccount = "no_account",
        ThisTransaction = "this_transaction",
        LessThanThirtyDays = "less_than_thirty_days",
        ThirtyToSixtyDays = "thirty_to_sixty_days",
        MoreThanSixtyDays = "more_than_sixty_days",
    }
}

open_enum! {
    /// `account_info.shipping_address_age` and `account_change_indicator`.
    pub enum AgeIndicator {
        ThisTransaction = "this_transaction",
        LessThanThirtyDays = "less_than_thirty_days",
        ThirtyToSixtyDays = "thirty_to_sixty_days",
        MoreThanSixtyDays = "more_than_sixty_days",
    }
}

open_enum! {
    /// `account_info.account_password_change_indicator`.
    pub enum PasswordChangeIndicator {
        NoChange = "no_change",
        ThisTransaction = "this_transaction",
        LessThanThirtyDays = "less_than_thirty_days",
        ThirtyToSixtyDays = "thirty_to_sixty_days",
        MoreThanSixtyDays = "more_than_sixty_days",
    }
}

open_enum! {
    /// `account_info.authentication_method` (deprecated by Checkout in favour of
    /// `three_ds_requestor_authentication_info`).
    pub enum AccountAuthenticationMethod {
        NoAuthentication = "no_authentication",
        OwnCredentials = "own_credentials",
        FederatedId = "federated_id",
        IssuerCredentials = "issuer_credentials",
        ThirdPartyAuthentication = "third_party_authentication",
        Fido = "fido",
    }
}

open_enum! {
    /// `account_info.account_type`.
    pub enum AccountType {
        NotApplicable = "not_applicable",
        Credit = "credit",
        Debit = "debit",
    }
}

open_enum! {
    /// `three_ds_requestor_authentication_info.three_ds_req_auth_method`. The spelling
    /// `three3ds_requestor_own_credentials` is Checkout's own (sic).
    pub enum ThreeDsReqAuthMethod {
        NoThreedsRequestorAuthenticationOccurred = "no_threeds_requestor_authentication_occurred",
        Three3dsRequestorOwnCredentials = "three3ds_requestor_own_credentials",
        FederatedId = "federated_id",
        IssuerCredentials = "issuer_credentials",
        ThirdPartyAuthentication = "third_party_authentication",
        FidoAuthenticator = "fido_authenticator",
        FidoAuthenticatorFidoAssuranceDataSigned = "fido_authenticator_fido_assurance_data_signed",
        SrcAssuranceData = "src_assurance_data",
    }
}

open_enum! {
    /// `merchant_risk_info.delivery_timeframe`.
    pub enum DeliveryTimeframe {
        ElectronicDelivery = "electronic_delivery",
        SameDay = "same_day",
        Overnight = "overnight",
        TwoDayOrMore = "two_day_or_more",
    }
}

open_enum! {
    /// `merchant_risk_info.shipping_indicator`.
    pub enum ShippingIndicator {
        BillingAddress = "billing_address",
        AnotherAddressOnFile = "another_address_on_file",
        NotOnFile = "not_on_file",
        StorePickUp = "store_pick_up",
        DigitalGoods = "digital_goods",
        TravelAndEventNoShipping = "travel_and_event_no_shipping",
        Other = "other",
    }
}

open_enum! {
    /// `merchant_risk_info.reorder_items_indicator`.
    pub enum ReorderItemsIndicator {
        FirstTimeOrdered = "first_time_ordered",
        Reordered = "reordered",
    }
}

open_enum! {
    /// `merchant_risk_info.pre_order_purchase_indicator`.
    pub enum PreOrderPurchaseIndicator {
        MerchandiseAvailable = "merchandise_available",
        FutureAvailability = "future_availability",
    }
}

open_enum! {
    /// Session `status`. Only `pending`, `processing` and `challenged` are not final.
    pub enum SessionStatus {
        Pending = "pending",
        Processing = "processing",
        Challenged = "challenged",
        ChallengeAbandoned = "challenge_abandoned",
        Expired = "expired",
        Approved = "approved",
        Attempted = "attempted",
        Unavailable = "unavailable",
        Declined = "declined",
        Rejected = "rejected",
    }
}

open_enum! {
    /// Session `status_reason`: which 3DS message set the status. `veres_*`/`pares_*` are
    /// 3DS1-era values of the 2021/2023 spec.
    pub enum StatusReason {
        AresError = "ares_error",
        AresStatus = "ares_status",
        RreqError = "rreq_error",
        RreqStatus = "rreq_status",
        RiskDeclined = "risk_declined",
        VeresError = "veres_error",
        VeresStatus = "veres_status",
        ParesError = "pares_error",
        ParesStatus = "pares_status",
    }
}

open_enum! {
    /// Session `next_actions` items. `authenticate` is the 3DS1 downgrade action of the
    /// 2021/2023 spec (POST `pareq` to `_links.acs_url`).
    pub enum NextActionType {
        CollectChannelData = "collect_channel_data",
        IssuerFingerprint = "issuer_fingerprint",
        ChallengeCardholder = "challenge_cardholder",
        RedirectCardholder = "redirect_cardholder",
        Complete = "complete",
        Authenticate = "authenticate",
    }
}

open_enum! {
    /// `acs.challenge_cancel_reason`.
    pub enum ChallengeCancelReason {
        CardholderCancel = "cardholder_cancel",
        TransactionTimedOut = "transaction_timed_out",
        ChallengeTimedOut = "challenge_timed_out",
        TransactionError = "transaction_error",
        /// Checkout's own `unknown` value (not a value this version does not know).
        UnknownReason = "unknown",
        SdkTimedOut = "sdk_timed_out",
    }
}

open_enum! {
    /// `acs.interface`.
    pub enum AcsInterface {
        NativeUi = "native_ui",
        Html = "html",
    }
}

open_enum! {
    /// `exemption.applied`.
    pub enum ExemptionApplied {
        None = "none",
        LowValue = "low_value",
        TransactionRiskAssessment = "transaction_risk_assessment",
        SecureCorporatePayment = "secure_corporate_payment",
        TrustedListing = "trusted_listing",
        ThreeDsOutage = "3ds_outage",
        ScaDelegation = "sca_delegation",
        OutOfScaScope = "out_of_sca_scope",
        Other = "other",
        LowRiskProgram = "low_risk_program",
    }
}

open_enum! {
    /// `exemption.trusted_beneficiary.status`.
    pub enum TrustedBeneficiaryStatus {
        Y = "Y",
        N = "N",
        E = "E",
        P = "P",
        R = "R",
        U = "U",
    }
}

open_enum! {
    /// `flow_type`.
    pub enum FlowType {
        Challenged = "challenged",
        Frictionless = "frictionless",
        FrictionlessDelegated = "frictionless_delegated",
    }
}

open_enum! {
    /// `preferred_experiences.*.status`.
    pub enum ExperienceStatus {
        Available = "available",
        Unprocessed = "unprocessed",
        Processed = "processed",
        Unavailable = "unavailable",
    }
}

open_enum! {
    /// `card.metadata.card_type`.
    pub enum CardType {
        Credit = "CREDIT",
        Debit = "DEBIT",
        Prepaid = "PREPAID",
        Charge = "CHARGE",
        DeferredDebit = "DEFERRED DEBIT",
    }
}

open_enum! {
    /// `card.metadata.card_category`.
    pub enum CardCategory {
        Consumer = "CONSUMER",
        Commercial = "COMMERCIAL",
    }
}

open_enum! {
    /// Workflow webhook `type` for Standalone sessions.
    pub enum WebhookType {
        AuthenticationStarted = "authentication_started",
        AuthenticationApproved = "authentication_approved",
        AuthenticationAttempted = "authentication_attempted",
        AuthenticationFailed = "authentication_failed",
        AuthenticationExpired = "authentication_expired",
    }
}

open_enum! {
    /// `response_code`: the EMVCo transStatus of the ARes / RReq (3DS2 only).
    pub enum ResponseCode {
        Y = "Y",
        N = "N",
        U = "U",
        A = "A",
        C = "C",
        D = "D",
        R = "R",
        I = "I",
    }
}

open_enum! {
    /// `error_type` of an error body: the Sessions values of `ErrorResponse.yaml` plus
    /// `request_invalid` of the platform `ValidationError.yaml`.
    pub enum ErrorType {
        OperationNotAllowed = "operation_not_allowed",
        NotImplemented = "not_implemented",
        NotFound = "not_found",
        Forbidden = "forbidden",
        CallbackFailed = "callback_failed",
        InternalServerError = "internal_server_error",
        UnprocessableEntity = "unprocessable_entity",
        Conflict = "conflict",
        DuplicateRequestsDetected = "duplicate_requests_detected",
        ServiceNotAvailable = "service_not_available",
        RequestInvalid = "request_invalid",
    }
}
