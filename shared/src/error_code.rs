//! The `code` of every `{code, message}` refusal the backend sends: one enum for the backend that
//! writes them and the SPA that reads them, instead of the same strings in both. The `auth.*` codes
//! are `logto-jwt`'s (the backend's tests check that every one of its codes is listed here).

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// A refusal's `code`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, for tests and documentation.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it is on the wire: `user.not_found`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The code of a wire string; `None` for a code this version does not know.
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// No `Authorization` header.
    AuthMissingToken = "auth.missing_token",
    /// An `Authorization` header that is not `Bearer`.
    AuthUnsupportedScheme = "auth.unsupported_scheme",
    /// Logto's opaque token (good only at `/oidc/me`) instead of a JWT for the API.
    AuthOpaqueToken = "auth.opaque_token",
    /// Not a valid access token for this API (signature, issuer, audience, expiry, type).
    AuthInvalidToken = "auth.invalid_token",
    /// The token lacks the route's permission.
    AuthInsufficientScope = "auth.insufficient_scope",
    /// The issuer's keys could not be fetched.
    AuthKeysUnavailable = "auth.keys_unavailable",
    /// An organization route called without an organization-level token.
    AuthOrganizationRequired = "auth.organization_required",
    /// An organization-level token for another organization.
    AuthWrongOrganization = "auth.wrong_organization",
    /// An organization-level token on a route for no organization.
    AuthOrganizationToken = "auth.organization_token",
    /// A query or body the route does not take.
    InvalidInput = "guard.invalid_input",
    /// Following oneself.
    SelfFollow = "follows.self",
    /// Logto has no such user.
    UserNotFound = "user.not_found",
    /// Not the shape of a Logto user id.
    InvalidUserId = "user.invalid_id",
    /// Logto has no such organization.
    OrganizationNotFound = "organization.not_found",
    /// Logto could not be asked in time.
    LogtoUnavailable = "logto.unavailable",
    /// The backend's database is unavailable.
    Database = "internal.database",
    /// A webhook delivery whose signature is missing or wrong.
    WebhookInvalidSignature = "webhook.invalid_signature",
    /// Webhooks are off (no signing key configured).
    WebhookNotConfigured = "webhook.not_configured",
    /// Too many requests from this address or token subject.
    RateLimited = "request.rate_limited",
    /// Request headers over the limit.
    HeadersTooLarge = "request.headers_too_large",
    /// A request body over the limit.
    BodyTooLarge = "request.body_too_large",
    /// A request not answered in time.
    Timeout = "request.timeout",
    /// No such route.
    RouteNotFound = "route.not_found",
    /// A known route with a method it does not take.
    MethodNotAllowed = "route.method_not_allowed",
    /// An impersonation token (`act`) on a write the backend keeps for the user's own requests.
    AuthImpersonationRefused = "auth.impersonation_refused",
    /// The caller's organization permission was taken away after their token was issued.
    AuthPermissionRevoked = "auth.permission_revoked",
    /// The invitee is a member already.
    InvitationAlreadyMember = "invitation.already_member",
    /// The address has a pending invitation already.
    InvitationAlreadyInvited = "invitation.already_invited",
    /// No such invitation (in this organization).
    InvitationNotFound = "invitation.not_found",
    /// The invitation was accepted, revoked or has expired.
    InvitationNotPending = "invitation.not_pending",
    /// The signed-in user is not the invitee.
    InvitationWrongUser = "invitation.wrong_user",
    /// Logto cannot send email (no email connector).
    InvitationCannotSend = "invitation.cannot_send",
    /// No such organization role.
    OrganizationUnknownRole = "organization.unknown_role",
    /// The user is not a member of the organization.
    OrganizationNotMember = "organization.not_member",
    /// The change would leave the organization with no one who can manage its members.
    OrganizationLastAdmin = "organization.last_admin",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_parses_back_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
        }
        assert_eq!(ErrorCode::parse("nope.nope"), None);
    }
}
