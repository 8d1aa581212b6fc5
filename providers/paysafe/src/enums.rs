//! Every enumerated value of the Paysafe 3D Secure 2 API, as open enums.
//!
//! Source: the Paysafe Apiary blueprint `paysafegroup/paysafe_api_3dsecure_v2
//! paysafeapi3dsecure2v1-apiary.apib` (2022-03-14), "Common and Complex JSON Objects" and
//! "Data Structures", unless a comment names another. Values Paysafe adds later are kept as
//! `Unknown(String)`; request validation reports them, responses carry them through.

use threeds_wire::open_enum;

open_enum! {
    /// `authentication.status`.
    pub enum Status {
        /// Done: `threeDResult` (or `threeDEnrollment` for 3DS 1.0.2) holds the outcome.
        Completed = "COMPLETED",
        /// Not complete yet: a challenge is needed (or the challenge was never finished; an
        /// abandoned challenge stays PENDING, there is no expired status).
        Pending = "PENDING",
        /// The request failed; the `error` object says why.
        Failed = "FAILED",
    }
}

open_enum! {
    /// `threeDResult`: the EMV transStatus (3DS2) or the PARes status (3DS 1.0.2 fallback).
    pub enum ThreeDResult {
        Y = "Y",
        A = "A",
        N = "N",
        U = "U",
        /// 3DS2 only.
        C = "C",
        /// 3DS2 only.
        R = "R",
        /// Not in the 3DS2 API enum: the Card Payments API `ThreeDResult` enum has it, and
        /// Payments API error 5113 reports "threedResult response is E" (Paysafe card errors page).
        E = "E",
    }
}

open_enum! {
    /// `threeDEnrollment`: the 3DS 1.0.2 VERes `enrolled` value; present only on a fallback.
    pub enum ThreeDEnrollment {
        Y = "Y",
        N = "N",
        U = "U",
    }
}

open_enum! {
    /// `signatureStatus`: the 3DS 1.0.2 PARes signature check.
    pub enum SignatureStatus {
        /// All transaction and signature checks satisfied.
        Y = "Y",
        /// At least one transaction or signature check failed.
        N = "N",
    }
}

open_enum! {
    /// `statusReason` (added June 2021): named equivalents of EMV transStatusReason 01-26 plus
    /// three Paysafe-only values. `DecoupledReqiredButNotRequested` keeps Paysafe's spelling
    /// (missing "U") because that is what the API sends.
    pub enum StatusReason {
        CardAuthenticationFailed = "CARD_AUTHENTICATION_FAILED",
        UnknownDevice = "UNKNOWN_DEVICE",
        UnsupportedDevice = "UNSUPPORTED_DEVICE",
        ExceedsAuthFrequencyLimit = "EXCEEDS_AUTH_FREQUENCY_LIMIT",
        ExpiredCard = "EXPIRED_CARD",
        InvalidCardNumber = "INVALID_CARD_NUMBER",
        InvalidTransaction = "INVALID_TRANSACTION",
        NoCardRecord = "NO_CARD_RECORD",
        SecurityFailure = "SECURITY_FAILURE",
        StolenCard = "STOLEN_CARD",
        SuspectedFraud = "SUSPECTED_FRAUD",
        TransactionNotPermitted = "TRANSACTION_NOT_PERMITTED",
        CardholderNotEnrolled = "CARDHOLDER_NOT_ENROLLED",
        TransactionTimedOutAcs = "TRANSACTION_TIMED_OUT_ACS",
        LowConfidence = "LOW_CONFIDENCE",
        MediumConfidence = "MEDIUM_CONFIDENCE",
        HighConfidence = "HIGH_CONFIDENCE",
        VeryHighConfidence = "VERY_HIGH_CONFIDENCE",
        ExceedsAcsMaxChallenges = "EXCEEDS_ACS_MAX_CHALLENGES",
        NonPaymentTranNotSupported = "NON_PAYMENT_TRAN_NOT_SUPPORTED",
        ThreeRITranNotSupported = "THREE_R_I_TRAN_NOT_SUPPORTED",
        AcsTechnicalIssue = "ACS_TECHNICAL_ISSUE",
        DecoupledReqiredButNotRequested = "DECOUPLED_REQIRED_BUT_NOT_REQUESTED",
        DecoupledMaxExpiryExceeded = "DECOUPLED_MAX_EXPIRY_EXCEEDED",
        InsufficientTimeForDecoupled = "INSUFFICIENT_TIME_FOR_DECOUPLED",
        AuthAttemptedNotPerformed = "AUTH_ATTEMPTED_NOT_PERFORMED",
        NoInformationAvailable = "NO_INFORMATION_AVAILABLE",
        GeneralIssuerError = "GENERAL_ISSUER_ERROR",
        /// Paysafe asks merchants to contact support to have the 3DS setup reviewed.
        MerchantConfigurationError = "MERCHANT_CONFIGURATION_ERROR",
    }
}

open_enum! {
    /// `card.type`, read-only. The 2022 blueprint supports 3DS2 for these three brands only.
    pub enum CardType {
        Am = "AM",
        Mc = "MC",
        Vi = "VI",
    }
}

open_enum! {
    /// `authenticationPurpose`.
    pub enum AuthenticationPurpose {
        PaymentTransaction = "PAYMENT_TRANSACTION",
        RecurringTransaction = "RECURRING_TRANSACTION",
        InstalmentTransaction = "INSTALMENT_TRANSACTION",
        AddCard = "ADD_CARD",
        MaintainCard = "MAINTAIN_CARD",
        EmvTokenVerification = "EMV_TOKEN_VERIFICATION",
    }
}

open_enum! {
    /// `deviceChannel`. The blueprint and the 2024 mobile SDKs use `SDK`; the developer-portal
    /// request page ("Perform a 3D Secure 2 Authentication Request") lists `APP` instead, so both are accepted; `SDK` is sent.
    pub enum DeviceChannel {
        Browser = "BROWSER",
        Sdk = "SDK",
        App = "APP",
        ThreeRi = "3RI",
    }
}

open_enum! {
    /// `messageCategory`.
    pub enum MessageCategory {
        Payment = "PAYMENT",
        NonPayment = "NON_PAYMENT",
    }
}

open_enum! {
    /// `requestorChallengePreference`. Only three values in the 3DS2 API (the Payments API
    /// variant adds `NO_CHALLENGE_REQUESTED`, which this API does not document).
    pub enum ChallengePreference {
        NoPreference = "NO_PREFERENCE",
        ChallengeRequested = "CHALLENGE_REQUESTED",
        ChallengeMandated = "CHALLENGE_MANDATED",
    }
}

open_enum! {
    /// `transactionIntent` (required only in some markets, e.g. Brazil).
    pub enum TransactionIntent {
        GoodsOrServicePurchase = "GOODS_OR_SERVICE_PURCHASE",
        CheckAcceptance = "CHECK_ACCEPTANCE",
        AccountFunding = "ACCOUNT_FUNDING",
        QuasiCashTransaction = "QUASI_CASH_TRANSACTION",
        PrepaidActivation = "PREPAID_ACTIVATION",
    }
}

open_enum! {
    /// `shippingDetails.shipMethod`.
    pub enum ShipMethod {
        /// Next day / overnight.
        N = "N",
        /// Two-day service.
        T = "T",
        /// Lowest cost.
        C = "C",
        /// Other.
        O = "O",
        /// Same day.
        S = "S",
    }
}

open_enum! {
    /// `orderItemDetails.preOrderPurchaseIndicator`.
    pub enum PreOrderPurchaseIndicator {
        MerchandiseAvailable = "MERCHANDISE_AVAILABLE",
        FutureAvailability = "FUTURE_AVAILABILITY",
    }
}

open_enum! {
    /// `orderItemDetails.reorderItemsIndicator`.
    pub enum ReorderItemsIndicator {
        FirstTimeOrder = "FIRST_TIME_ORDER",
        Reorder = "REORDER",
    }
}

open_enum! {
    /// `orderItemDetails.shippingIndicator`.
    pub enum ShippingIndicator {
        ShipToBillingAddress = "SHIP_TO_BILLING_ADDRESS",
        ShipToVerifiedAddress = "SHIP_TO_VERIFIED_ADDRESS",
        ShipToDifferentAddress = "SHIP_TO_DIFFERENT_ADDRESS",
        ShipToStore = "SHIP_TO_STORE",
        DigitalGoods = "DIGITAL_GOODS",
        TravelAndEventTickets = "TRAVEL_AND_EVENT_TICKETS",
        Other = "OTHER",
    }
}

open_enum! {
    /// `userAccountDetails.createdRange` and `paymentAccountDetails.createdRange`.
    pub enum CreatedRange {
        NoAccount = "NO_ACCOUNT",
        DuringTransaction = "DURING_TRANSACTION",
        LessThanThirtyDays = "LESS_THAN_THIRTY_DAYS",
        ThirtyToSixtyDays = "THIRTY_TO_SIXTY_DAYS",
        MoreThanSixtyDays = "MORE_THAN_SIXTY_DAYS",
    }
}

open_enum! {
    /// `userAccountDetails.changedRange` (no `NO_ACCOUNT`, unlike `createdRange`).
    pub enum ChangedRange {
        DuringTransaction = "DURING_TRANSACTION",
        LessThanThirtyDays = "LESS_THAN_THIRTY_DAYS",
        ThirtyToSixtyDays = "THIRTY_TO_SIXTY_DAYS",
        MoreThanSixtyDays = "MORE_THAN_SIXTY_DAYS",
    }
}

open_enum! {
    /// `userAccountDetails.passwordChangedRange`. (The developer-portal page fuses the first
    /// two values into `NO_CHANGEDURING_TRANSACTION`, a rendering slip; the blueprint lists
    /// them apart.)
    pub enum PasswordChangedRange {
        NoChange = "NO_CHANGE",
        DuringTransaction = "DURING_TRANSACTION",
        LessThanThirtyDays = "LESS_THAN_THIRTY_DAYS",
        ThirtyToSixtyDays = "THIRTY_TO_SIXTY_DAYS",
        MoreThanSixtyDays = "MORE_THAN_SIXTY_DAYS",
    }
}

open_enum! {
    /// `shippingDetailsUsage.initialUsageRange`.
    pub enum InitialUsageRange {
        CurrentTransaction = "CURRENT_TRANSACTION",
        LessThanThirtyDays = "LESS_THAN_THIRTY_DAYS",
        ThirtyToSixtyDays = "THIRTY_TO_SIXTY_DAYS",
        MoreThanSixtyDays = "MORE_THAN_SIXTY_DAYS",
    }
}

open_enum! {
    /// `priorThreeDSAuthentication.method`.
    pub enum PriorAuthenticationMethod {
        FrictionlessAuthentication = "FRICTIONLESS_AUTHENTICATION",
        AcsChallenge = "ACS_CHALLENGE",
        AvsVerified = "AVS_VERIFIED",
        OtherIssuerMethod = "OTHER_ISSUER_METHOD",
    }
}

open_enum! {
    /// `userLogin.authenticationMethod`. The developer-portal page misspells one value as
    /// `THIRD_PARY_AUTHENTICATION`; the blueprint's `THIRD_PARTY_AUTHENTICATION` is used.
    pub enum LoginAuthenticationMethod {
        NoLogin = "NO_LOGIN",
        InternalCredentials = "INTERNAL_CREDENTIALS",
        FederatedId = "FEDERATED_ID",
        IssuerCredentials = "ISSUER_CREDENTIALS",
        ThirdPartyAuthentication = "THIRD_PARTY_AUTHENTICATION",
        FidoAuthenticator = "FIDO_AUTHENTICATOR",
    }
}

open_enum! {
    /// `browserDetails.colorDepthBits`: a string enum of bit depths (Paysafe sends the other
    /// browser numbers as JSON numbers, this one as a string; a number is accepted too).
    pub enum ColorDepthBits {
        Bits1 = "1",
        Bits4 = "4",
        Bits8 = "8",
        Bits15 = "15",
        Bits16 = "16",
        Bits24 = "24",
        Bits32 = "32",
        Bits48 = "48",
    }
}

open_enum! {
    /// `sdk.type` of the mobile SDK JWT request (`POST /threedsecure/v2/jwt`).
    pub enum SdkType {
        Android = "ANDROID",
        Ios = "IOS",
        Browser = "BROWSER",
    }
}
