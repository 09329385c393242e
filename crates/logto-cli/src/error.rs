//! Failures, each explained with what to change.

use logto_management::{ManagementError, TokenErrorKind, INVALID_TARGET};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Logto(String),
    #[error("{0}")]
    Usage(String),
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
}

/// What was being talked to, so errors can name the setting to fix.
pub struct Context<'a> {
    pub endpoint: &'a str,
    pub management_resource: &'a str,
}

impl CliError {
    /// Turns a Management API failure into a sentence that names the fix.
    pub fn explain(error: ManagementError, ctx: &Context<'_>) -> Self {
        let text = match &error {
            ManagementError::TokenRefused { error: TokenErrorKind::InvalidClient, .. } => format!(
                "Logto refused the machine-to-machine credentials ({error}). Check LOGTO_M2M_APP_ID and \
                 LOGTO_M2M_APP_SECRET: they must be a machine-to-machine application's id and secret at {}.",
                ctx.endpoint
            ),
            ManagementError::TokenRefused { error: TokenErrorKind::Extension(kind), .. } if kind == INVALID_TARGET => {
                format!(
                    "Logto does not know the Management API resource {} ({error}). For Logto Cloud pass --tenant \
                 <tenant-id> (the resource is https://<tenant-id>.logto.app/api); for self-hosted Logto leave \
                 --tenant out (https://default.logto.app/api).",
                    ctx.management_resource
                )
            }
            ManagementError::NoAllScope => format!(
                "The machine-to-machine token has no `all` scope. In the Logto Console, assign the application \
                 a machine-to-machine role with the Management API's `all` permission (Logto's default is \
                 \"Logto Management API access\"). ({error})"
            ),
            ManagementError::Api { code, .. } if code == "auth.forbidden" => format!(
                "The Management API refused the token ({error}): give the application a role with the \
                 Management API's `all` permission."
            ),
            ManagementError::Api { code, .. } if code == "connector.not_found" => {
                "Logto has no email connector to send the invitation with: set one up (Console → Connectors → \
                 Email), or invite without --send and give the invitee the link yourself."
                    .to_string()
            }
            ManagementError::Api { code, .. } if code == "organization.require_membership" => {
                "That user is not a member of the organization: add them first with `orgs members add <org> \
                 --user <id>`, then give them the role."
                    .to_string()
            }
            ManagementError::ExchangeRefused { error: kind, .. }
                if kind == "invalid_client" || kind == "invalid_request" || kind == "unauthorized_client" =>
            {
                format!(
                    "{error}. LOGTO_EXCHANGE_APP_ID and LOGTO_EXCHANGE_APP_SECRET must be an application allowed to \
                     exchange tokens (`provision` creates one and writes them to the env file)."
                )
            }
            ManagementError::ExchangeRefused { error: kind, .. } if kind == INVALID_TARGET => {
                format!("{error}. Logto knows no API resource with that indicator (`--resource`).")
            }
            ManagementError::ExchangeRefused { error: kind, .. } if kind == "access_denied" => {
                format!("{error}. The user is not a member of that organization.")
            }
            ManagementError::Unreachable { .. } => {
                format!("{error}. Is Logto running, and is LOGTO_ENDPOINT ({}) its endpoint?", ctx.endpoint)
            }
            _ => error.to_string(),
        };
        CliError::Logto(text)
    }
}
