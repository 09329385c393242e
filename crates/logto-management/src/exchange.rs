//! Logto's token-exchange grant (RFC 8693): a subject token (`POST /api/subject-tokens`) or a
//! personal access token traded for an access token of that user, by an application created with
//! `customClientMetadata.allowTokenExchange`. The `oauth2` crate has no RFC 8693 request, so this
//! is one form post with the app's credentials in HTTP Basic, as RFC 6749 §2.3.1 asks.

use oauth2::ClientSecret;
use serde::{Deserialize, Serialize};

use crate::client::ManagementClient;
use crate::error::ManagementError;
use crate::ids::OrganizationId;

/// The grant type.
pub const TOKEN_EXCHANGE_GRANT: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// What the subject token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectTokenType {
    /// A subject token (`sub_…`, single use) or an access token of the user.
    AccessToken,
    /// A personal access token (`pat_…`, reusable until deleted or expired).
    PersonalAccessToken,
}

impl SubjectTokenType {
    /// Its URN on the wire.
    pub fn as_urn(self) -> &'static str {
        match self {
            Self::AccessToken => "urn:ietf:params:oauth:token-type:access_token",
            Self::PersonalAccessToken => "urn:logto:token-type:personal_access_token",
        }
    }
}

/// One exchange: the subject, and what the token is for. No resource and no organization: an
/// opaque token for the OIDC scopes asked.
#[derive(Debug, Clone)]
pub struct TokenExchange {
    /// The token standing for the user (never logged).
    pub subject_token: ClientSecret,
    /// Its type.
    pub subject_token_type: SubjectTokenType,
    /// The API resource (a JWT for it), if any.
    pub resource: Option<String>,
    /// The scopes asked; Logto grants those the user holds.
    pub scopes: Vec<String>,
    /// An organization: an organization token (with `resource`, an organization-level API token).
    pub organization_id: Option<OrganizationId>,
}

/// The token endpoint's answer. Its `Debug` hides the token.
#[derive(Clone, Serialize, Deserialize)]
pub struct ExchangedToken {
    /// The access token of the user.
    pub access_token: String,
    /// Its lifetime in seconds.
    pub expires_in: i64,
    /// The scopes granted, space-separated (may be empty).
    #[serde(default)]
    pub scope: String,
    /// `Bearer`.
    pub token_type: String,
}

impl std::fmt::Debug for ExchangedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExchangedToken")
            .field("access_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish()
    }
}

#[derive(Deserialize)]
struct OauthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl ManagementClient {
    /// Trades `request`'s subject token at Logto's token endpoint, as the application `app_id`
    /// (one allowed to exchange tokens; a public app has no secret: pass `None`).
    pub async fn exchange_token(
        &self,
        app_id: &str,
        app_secret: Option<&ClientSecret>,
        request: &TokenExchange,
    ) -> Result<ExchangedToken, ManagementError> {
        let url = format!("{}/oidc/token", self.endpoint());
        let mut form = vec![
            ("grant_type", TOKEN_EXCHANGE_GRANT.to_string()),
            ("subject_token", request.subject_token.secret().clone()),
            ("subject_token_type", request.subject_token_type.as_urn().to_string()),
        ];
        if !request.scopes.is_empty() {
            form.push(("scope", request.scopes.join(" ")));
        }
        if let Some(resource) = &request.resource {
            form.push(("resource", resource.clone()));
        }
        if let Some(org) = &request.organization_id {
            form.push(("organization_id", org.to_string()));
        }
        let http = self.http().post(&url);
        let http = match app_secret {
            Some(secret) => http.basic_auth(app_id, Some(secret.secret())),
            None => {
                form.push(("client_id", app_id.to_string()));
                http
            }
        };
        let unreachable =
            |e: reqwest::Error| ManagementError::Unreachable { url: url.clone(), reason: crate::error::causes(&e) };
        let response = http.form(&form).send().await.map_err(unreachable)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unreachable)?;
        let decode = |e: serde_json::Error| ManagementError::Decode { url: url.clone(), reason: e.to_string() };
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(decode);
        }
        let refused: OauthError = serde_json::from_slice(&body).map_err(decode)?;
        Err(ManagementError::ExchangeRefused { error: refused.error, description: refused.error_description })
    }
}
