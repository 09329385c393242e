use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    /// The token endpoint refused the client credentials request.
    #[error("Logto refused the machine-to-machine token request: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenRefused { error: String, description: Option<String> },
    /// The Management API answered with an error body.
    #[error("the Management API answered {status} {code}: {message}")]
    Api { status: u16, code: String, message: String },
    /// Logto could not be reached or the connection failed.
    #[error("Logto is unreachable at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// Logto answered with something that is not the expected JSON.
    #[error("unexpected answer from {url}: {reason}")]
    Decode { url: String, reason: String },
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Logto's error body (`RequestError.toBody`).
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
}
