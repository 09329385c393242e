//! The two error families the emulator answers with, in Logto's shapes:
//! OIDC errors (`{code: "oidc.<error>", message, error, error_description}`) and Management API errors
//! (`{code, message, data?}`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// Marks a response refused for its origin: the client-based CORS layer (`oidc::cors`) adds no CORS
/// headers to it. Here, beside the error that sets it, so that errors depend on no route module.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OriginRefused;

/// An oidc-provider error as Logto's `koaOidcErrorHandler` renders it.
#[derive(Debug, Clone)]
pub struct OidcError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The OAuth error code (`invalid_grant`, …).
    pub error: &'static str,
    /// The `error_description`.
    pub description: String,
    /// `realm` for the `WWW-Authenticate` header, set where Logto sends one.
    pub www_authenticate: Option<(&'static str, String)>,
    /// The request's origin is not allowed for its client: no CORS headers (see `oidc::cors`).
    pub origin_refused: bool,
    /// The scope an `invalid_scope` or `insufficient_scope` error is about (a `scope` field in the body).
    pub scope: Option<String>,
}

impl OidcError {
    /// An error with no header, CORS and scope extras.
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            www_authenticate: None,
            origin_refused: false,
            scope: None,
        }
    }

    /// 400 `invalid_request`.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// Logto answers every invalid grant with the same generic description.
    pub fn invalid_grant() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", "grant request is invalid")
    }

    /// 400 `invalid_target` (RFC 8707): a resource the client may not ask for.
    pub fn invalid_target(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_target", description)
    }

    /// 400 `invalid_scope`: the request asked for `scope`, which the grant does not hold.
    pub fn invalid_scope(description: impl Into<String>, scope: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid_scope", description);
        e.scope = Some(scope.into());
        e
    }

    /// 403 `insufficient_scope`: the grant lacks `scope`, which the request needs.
    pub fn insufficient_scope(description: impl Into<String>, scope: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::FORBIDDEN, "insufficient_scope", description);
        e.scope = Some(scope.into());
        e
    }

    /// 403 `access_denied` (organization membership).
    pub fn access_denied(description: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "access_denied", description)
    }

    /// 401 `invalid_client` with `WWW-Authenticate: Basic realm=<issuer>`.
    pub fn invalid_client(issuer: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_client",
            description: "client authentication failed".into(),
            www_authenticate: Some(("Basic", issuer.to_string())),
            origin_refused: false,
            scope: None,
        }
    }

    /// 400 `invalid_client` `"invalid client {id}"` for a `client_id` no application has (oidc-provider's
    /// answer, checked on Logto 1.42); an id that is not id-shaped is left out of the text.
    pub fn unknown_client(client_id: &str) -> Self {
        let shaped = !client_id.is_empty()
            && client_id.len() <= 64
            && client_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let description = if shaped { format!("invalid client {client_id}") } else { "invalid client".into() };
        Self::new(StatusCode::BAD_REQUEST, "invalid_client", description)
    }

    /// 401 `invalid_token` with `WWW-Authenticate: Bearer realm=<issuer>`.
    pub fn invalid_token(issuer: &str) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_token",
            description: "invalid token provided".into(),
            www_authenticate: Some(("Bearer", issuer.to_string())),
            origin_refused: false,
            scope: None,
        }
    }

    /// Logto's English phrase for the error (`packages/phrases/src/locales/en/errors/oidc.ts`).
    fn message(&self) -> String {
        match self.error {
            "invalid_grant" => "Grant request is invalid.".into(),
            "invalid_target" => "Invalid resource indicator.".into(),
            "invalid_token" => "Invalid token provided.".into(),
            "invalid_request" => "Request is invalid.".into(),
            // Logto's phrases hold these templates; its error handler leaves them unfilled (recorded).
            "invalid_scope" => "Invalid scope: {{error_description}}.".into(),
            "insufficient_scope" => "Token missing scope `{{scope}}`.".into(),
            "access_denied" => "Access denied.".into(),
            "unsupported_grant_type" => "Unsupported `grant_type` requested.".into(),
            "invalid_redirect_uri" => {
                "The request's `redirect_uri` does not match any of the client's registered `redirect_uris`.".into()
            }
            other => format!("An OIDC error occurred: oidc.{other}."),
        }
    }

    /// The JSON body, as Logto writes it.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "code": format!("oidc.{}", self.error),
            "message": self.message(),
            "error": self.error,
        });
        // oidc-provider leaves the description out when the error has none (`request_uri_not_supported`).
        if !self.description.is_empty() {
            body["error_description"] = json!(self.description);
        }
        if self.error == "invalid_grant" {
            body["error_uri"] = json!("https://openid.sh/debug/invalid_grant");
        }
        if let Some(scope) = &self.scope {
            body["scope"] = json!(scope);
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
            response.extensions_mut().insert(OriginRefused);
        }
        response
    }
}

/// A Management API error (`RequestError.toBody`).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// Logto's error code (`entity.not_found`, …).
    pub code: &'static str,
    /// Logto's English message for it.
    pub message: String,
    /// Extra data Logto adds to some errors.
    pub data: Option<Value>,
    /// What did not fit, for `guard.invalid_input`.
    pub details: Option<String>,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), data: None, details: None }
    }

    /// 400 `guard.invalid_input` for a body that does not fit the route's schema.
    pub fn invalid_body(details: impl std::fmt::Display) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "guard.invalid_input", "The request body is invalid.");
        e.details = Some(details.to_string());
        e
    }

    /// The 501 Logto answers when an email must go out and no email connector is configured.
    pub fn no_email_connector() -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "connector.not_found",
            "Cannot find any available connector for type: Email.",
        )
    }

    /// 422 with a Logto error code.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// Adds `data` to the body.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// 404 `entity.not_found`.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "entity.not_found", "The resource does not exist.")
    }

    /// 400 `guard.invalid_pagination`.
    pub fn invalid_pagination() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "guard.invalid_pagination", "The request pagination value is invalid.")
    }

    /// 400 `request.invalid_input`.
    pub fn invalid_input(details: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "request.invalid_input", format!("Input is invalid. {details}"))
    }

    /// 422: an id in a relation does not exist (Logto's foreign-key error, even for the parent).
    pub fn foreign_key_not_found() -> Self {
        Self::unprocessable(
            "entity.relation_foreign_key_not_found",
            "Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist.",
        )
    }

    /// 422: a name that must be unique is taken.
    pub fn unique_violation() -> Self {
        Self::unprocessable(
            "entity.unique_integrity_violation",
            "The entity already exists. Please check the input and try again.",
        )
    }

    /// 422: a database constraint refused the change (a wrong application or role type).
    pub fn db_constraint() -> Self {
        Self::unprocessable("entity.db_constraint_violated", "Database constraint violated.")
    }

    /// 404 on `GET`/`DELETE` by id (`entity.not_exists_with_id`, named after the table). Logto's
    /// message names the id; one that is not an id's shape (hostile text, 64+ characters) is left
    /// out, so the answer never echoes it.
    pub fn not_exists_with_id(table: &str, id: &str) -> Self {
        let shaped =
            !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let message = if shaped {
            format!("The {table} with ID `{id}` does not exist.")
        } else {
            format!("The {table} with this ID does not exist.")
        };
        Self::new(StatusCode::NOT_FOUND, "entity.not_exists_with_id", message)
    }

    /// 404 on `PATCH` (`entity.not_exists`, named after the entity).
    pub fn not_exists(name: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "entity.not_exists", format!("The {name} does not exist."))
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
        // The file's path and SQLite's words go to the log; the answer says what, in fixed words.
        let source = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
        tracing::error!(error = %e, %source, "could not save the emulator's state");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "emulator.storage", "The change was not saved.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failed save answers in fixed words: the database's path and SQLite's text stay in the log
    /// (the answer used to carry both).
    #[test]
    fn a_failed_save_names_no_path_and_no_sqlite_text() {
        let e = crate::persist::PersistError::Sqlite {
            path: "/home/dev/.logto-emulator/emulator.db".into(),
            source: rusqlite::Error::InvalidQuery,
        };
        let answer = ApiError::from(e);
        assert_eq!((answer.code, answer.message.as_str()), ("emulator.storage", "The change was not saved."));
    }
}
