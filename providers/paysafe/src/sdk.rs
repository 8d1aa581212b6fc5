//! The mobile-SDK endpoints: `POST /threedsecure/v2/jwt` and
//! `POST .../authentications/{id}/finalize`.
//!
//! Not in the 2022 blueprint; shapes from Paysafe's 2024 mobile SDKs
//! (`paysafegroup/paysafe_sdk_android_payments_api` `ThreeDSJwtRequest.kt`,
//! `ThreeDSJwtResponse.kt`, `FinalizeThreeDSAuthenticationRequest.kt`; iOS
//! `JWTResponse+JSON.swift`). The JWT initialises the Cardinal SDK, which yields the
//! `deviceFingerprintingId` the authentication request needs.

use crate::enums::SdkType;
use serde::{Deserialize, Serialize};
use threeds_wire::Secret;

/// `POST /threedsecure/v2/jwt` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<JwtCard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<SdkInfo>,
}

/// `POST /threedsecure/v2/jwt` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Initialises the Cardinal SDK: a bearer credential, so a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_fingerprinting_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<JwtCard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sdk: Option<SdkInfo>,
}

/// `card` of the JWT calls: the BIN only (6 to 8 digits).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtCard {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_bin: Option<String>,
}

/// `sdk` of the JWT calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SdkInfo {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub sdk_type: Option<SdkType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `POST .../authentications/{authenticationId}/finalize` body; the response is an empty
/// 2xx, after which the server GETs the authentication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FinalizeRequest {
    /// The Cardinal `serverJwt` from the challenge validation: a secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Secret>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_response_mock_parses_and_redacts_the_jwt() {
        // paysafe_sdk_ios_payments_api Tests/.../JWTResponse+JSON.swift (Paysafe mobile SDKs).
        let r: JwtResponse = serde_json::from_str(
            r#"{"sdk":{"version":"version","type":"type"},"id":"id","accountId":"accountId",
                "jwt":"jwt","card":{"cardBin":"cardBin"},
                "deviceFingerprintingId":"deviceFingerprintingId"}"#,
        )
        .unwrap();
        assert_eq!(
            r.device_fingerprinting_id.as_deref(),
            Some("deviceFingerprintingId")
        );
        assert_eq!(r.jwt.as_ref().map(Secret::expose), Some("jwt"));
        assert!(!r.sdk.unwrap().sdk_type.unwrap().is_known());
        let f = FinalizeRequest {
            payload: Some(Secret::new("server.jwt.value")),
        };
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"payload":"[redacted]"}"#
        );
    }
}
