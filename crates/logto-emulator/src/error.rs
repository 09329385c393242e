//! The two error families the emulator answers with, in Logto's shapes:
//! OIDC errors (`{code: "oidc.<error>", message, error, error_description}`) and Management API errors
//! (`{code, message, data?}`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// An oidc-provider error as Logto's `koaOidcErrorHandler` renders it.
#[derive(Debug, Clone)]
pub struct OidcError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    /// `realm` for the `WWW-Authenticate` header, set where Logto sends one.
    pub www_authenticate: Option<(&'static str, String)>,
    /// The request's origin is not allowed for its client: no CORS headers (see `oidc::cors`).
    pub origin_refused: bool,
}

impl OidcError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self { status, error, description: description.into(), www_authenticate: None, origin_refused: false }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// Logto answers every invalid grant with the same generic description.
    pub fn invalid_grant() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", "grant request is invalid")
    }

    pub fn invalid_target(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_target", description)
    }

    pub fn invalid_scope(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description)
    }

    pub fn invalid_client(issuer: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "client authentication failed".into(),
            www_authenticate: Some(("Basic", issuer.to_string())),
            origin_refused: false,
        }
    }

    pub fn invalid_token(issuer: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_token",
            description: "invalid token provided".into(),
            www_authenticate: Some(("Bearer", issuer.to_string())),
            origin_refused: false,
        }
    }

    /// Logto's English phrase for the error (`packages/phrases/src/locales/en/errors/oidc.ts`).
    fn message(&self) -> String {
        match self.error {
            "invalid_grant" => "Grant request is invalid.".into(),
            "invalid_target" => "Invalid resource indicator.".into(),
            "invalid_token" => "Invalid token provided.".into(),
            "invalid_request" => "Request is invalid.".into(),
            "invalid_scope" => format!("Invalid scope: {}", self.description),
            "unsupported_grant_type" => "Unsupported `grant_type` requested.".into(),
            "invalid_redirect_uri" => {
                "The request's `redirect_uri` does not match any of the client's registered `redirect_uris`.".into()
            }
            other => format!("An OIDC error occurred: oidc.{other}."),
        }
    }

    pub fn body(&self) -> Value {
        let mut body = json!({
            "code": format!("oidc.{}", self.error),
            "message": self.message(),
            "error": self.error,
            "error_description": self.description,
        });
        if self.error == "invalid_grant" {
            body["error_uri"] = json!("https://openid.sh/debug/invalid_grant");
        }
        body
    }
}

impl IntoResponse for OidcError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some((scheme, realm)) = &self.www_authenticate {
            let value = format!(
                r#"{scheme} realm="{realm}", error="{}", error_description="{}""#,
                self.error, self.description
            );
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
        }
        if self.origin_refused {
            crate::oidc::mark_origin_refused(&mut response);
        }
        response
    }
}

/// A Management API error (`RequestError.toBody`).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub data: Option<Value>,
    pub details: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), data: None, details: None }
    }

    /// 400 `guard.invalid_input` for a body that does not fit the route's schema.
    pub fn invalid_body(details: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "guard.invalid_input", "The request body is invalid.");
        e.details = Some(details.to_string());
        e
    }

    /// 422 with a Logto error code.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "entity.not_found", "The resource does not exist.")
    }

    pub fn invalid_pagination() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "guard.invalid_pagination", "The request pagination value is invalid.")
    }

    pub fn invalid_input(details: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "request.invalid_input", format!("Input is invalid. {details}"))
    }

    /// 401 `auth.unauthorized` with the jose error Logto puts in `data`.
    pub fn unauthorized(jose_code: &str, jose_name: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "auth.unauthorized",
            "Unauthorized. Please check credentials and its scope.",
        )
        .with_data(json!({"code": jose_code, "name": jose_name}))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"code": self.code, "message": self.message});
        if let Some(data) = self.data {
            body["data"] = data;
        }
        if let Some(details) = self.details {
            body["details"] = json!(details);
        }
        (self.status, Json(body)).into_response()
    }
}

impl From<crate::persist::PersistError> for ApiError {
    fn from(e: crate::persist::PersistError) -> Self {
        tracing::error!(error = %e, "could not save the emulator's state");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "emulator.storage", format!("The change was not saved: {e}"))
    }
}
