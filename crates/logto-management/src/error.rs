use serde::Deserialize;

/// Why a Management API call failed.
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    /// The token endpoint refused the client credentials request: OAuth 2.0's error (RFC 6749 §5.2;
    /// RFC 8707's `invalid_target`, an unknown resource, is [`TokenErrorKind::Extension`], see
    /// [`INVALID_TARGET`]).
    #[error("Logto refused the machine-to-machine token request: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenRefused {
        /// The OAuth error.
        error: TokenErrorKind,
        /// Logto's description of it.
        description: Option<String>,
    },
    /// The token endpoint refused a token exchange (`invalid_grant`: the subject token is unknown,
    /// used or expired; `invalid_request`: the app may not exchange tokens; `invalid_target`: an
    /// unknown resource; `access_denied`: not a member of the organization).
    #[error("Logto refused the token exchange: {error}{}", .description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    ExchangeRefused {
        /// The OAuth error code.
        error: String,
        /// Logto's description of it.
        description: Option<String>,
    },
    /// Logto gave a token without the `all` scope: the application has no machine-to-machine role
    /// with the Management API's `all` permission.
    #[error(
        "the machine-to-machine token has no `all` scope: give the application a machine-to-machine role with \
         the Management API's `all` permission"
    )]
    NoAllScope,
    /// The Management API answered with an error body.
    #[error("the Management API answered {status} {code}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// Logto's error code (`entity.not_exists_with_id`, …).
        code: String,
        /// Logto's message.
        message: String,
    },
    /// Logto could not be reached or the connection failed.
    #[error("Logto is unreachable at {url}: {reason}")]
    Unreachable {
        /// What was asked.
        url: String,
        /// The network's reason, with its causes.
        reason: String,
    },
    /// Logto answered with something that is not the expected JSON.
    #[error("unexpected answer from {url}: {reason}")]
    Decode {
        /// What was asked.
        url: String,
        /// What did not parse.
        reason: String,
    },
    /// The configuration cannot work (a malformed URL).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// The kinds of token errors OAuth 2.0 defines, as the `oauth2` crate types them.
pub use oauth2::basic::BasicErrorResponseType as TokenErrorKind;

/// RFC 8707's error for a resource the authorization server does not know (Logto: a wrong
/// Management API resource, e.g. a self-hosted one against Logto Cloud).
pub const INVALID_TARGET: &str = "invalid_target";

/// An error with its causes, outermost first (`a: b: c`), each said once: reqwest's and oauth2's own
/// messages ("client error", "error sending request") leave out why, which their sources say
/// (connection refused, name not resolved, certificate invalid).
pub fn causes(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

/// Logto's error body (`RequestError.toBody`).
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn causes_keep_the_reason() {
        let e = Outer(std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused"));
        assert_eq!(causes(&e), "client error: Connection refused");
    }
}
