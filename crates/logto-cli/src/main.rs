use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use logto_cli::error::Context;
use logto_cli::{orgs, output, provision, users, CliError};
use logto_management::{ManagementClient, ManagementConfig, NewUser, UserId};

#[derive(Parser)]
#[command(name = "logto-cli", about = "Provision and manage Logto through its Management API")]
struct Cli {
    /// Logto's endpoint (Cloud: https://{tenant-id}.logto.app).
    #[arg(long, env = "LOGTO_ENDPOINT")]
    endpoint: String,
    /// A machine-to-machine application with the Management API's `all` permission.
    #[arg(long, env = "LOGTO_M2M_APP_ID")]
    app_id: String,
    #[arg(long, env = "LOGTO_M2M_APP_SECRET", hide_env_values = true)]
    app_secret: String,
    /// Logto Cloud tenant id: the Management API resource becomes https://{tenant}.logto.app/api.
    #[arg(long, env = "LOGTO_TENANT")]
    tenant: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or find) the API resource, User role, SPA and backend apps; write the configuration.
    Provision {
        /// Print the plan; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Where to write the backend's and the SPA's settings.
        #[arg(long, default_value = ".env")]
        env_file: PathBuf,
        /// The SPA's origin (its redirect URI is {origin}/callback).
        #[arg(long, default_value = "http://localhost:8080")]
        spa_origin: String,
        /// Where Logto posts the backend's webhook (user renamed or deleted).
        #[arg(long, default_value = "http://localhost:3000/api/webhooks/logto")]
        webhook_url: String,
    },
    /// Users: list, get, create, delete, search.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Roles: assign a User role to a user.
    #[command(subcommand)]
    Roles(RolesCommand),
    /// Organizations: list, create, delete; members and their organization roles.
    #[command(subcommand)]
    Orgs(OrgsCommand),
}

#[derive(Subcommand)]
enum OrgsCommand {
    /// Every organization.
    List {
        #[arg(long)]
        json: bool,
    },
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete an organization (by id or exact name).
    Delete { org: String },
    /// Members: list, add, remove.
    #[command(subcommand)]
    Members(MembersCommand),
    /// Organization roles (the template every organization shares): list, create, delete; assign one
    /// to a member.
    #[command(subcommand)]
    Roles(OrgRolesCommand),
    /// Organization permissions (the template's scopes): list, create, delete.
    #[command(subcommand)]
    Scopes(OrgScopesCommand),
    /// Invite someone by email to join an organization, with organization roles.
    Invite {
        /// The organization (id or exact name).
        org: String,
        /// The invitee's email.
        email: String,
        /// An organization role (name or id) the invitee gets on accepting; repeat for more.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// How long the invitation stays valid: `7d`, `12h`, `30m`, `90s`.
        #[arg(long, default_value = "7d", value_parser = orgs::parse_duration_ms)]
        expires: i64,
        /// Have Logto email it (needs an email connector in Logto).
        #[arg(long)]
        send: bool,
        /// The link the email carries (with --send), e.g. your app's invitation page.
        #[arg(long, requires = "send")]
        link: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Invitations: list, revoke.
    #[command(subcommand)]
    Invitations(InvitationsCommand),
}

#[derive(Subcommand)]
enum InvitationsCommand {
    /// Invitations, newest first.
    List {
        /// Only this organization's (id or exact name).
        #[arg(long)]
        org: Option<String>,
        /// Only those in this status.
        #[arg(long, value_enum)]
        status: Option<orgs::Status>,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a pending invitation (by id).
    Revoke { id: String },
}

#[derive(Subcommand)]
enum MembersCommand {
    /// An organization's members with their organization roles.
    List {
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Add users (by id) to an organization; members already in stay.
    Add {
        org: String,
        #[arg(long = "user", required = true, value_parser = orgs::parse_user_id)]
        users: Vec<UserId>,
    },
    Remove {
        org: String,
        #[arg(long, value_parser = orgs::parse_user_id)]
        user: UserId,
    },
}

#[derive(Subcommand)]
enum OrgRolesCommand {
    /// Every organization role with its permissions.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create an organization role, holding the organization permissions named (or with the ids).
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        /// An organization permission (name or id); repeat for more.
        #[arg(long = "scope")]
        scopes: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete an organization role (by name or id): every member holding it loses it.
    Delete { role: String },
    /// Give a member an organization role (by name or id).
    Assign {
        #[arg(long)]
        org: String,
        #[arg(long, value_parser = orgs::parse_user_id)]
        user: UserId,
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
enum OrgScopesCommand {
    /// Every organization permission.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create an organization permission.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long)]
        description: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Delete an organization permission (by name or id): the roles holding it lose it.
    Delete { scope: String },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Every user, newest first.
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100))]
        page_size: u32,
    },
    /// Users whose id, username, name, email or phone contains TEXT.
    Search {
        text: String,
        #[arg(long)]
        json: bool,
    },
    Get {
        #[arg(value_parser = orgs::parse_user_id)]
        id: UserId,
        #[arg(long)]
        json: bool,
    },
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        json: bool,
    },
    Delete {
        #[arg(value_parser = orgs::parse_user_id)]
        id: UserId,
    },
    /// A user's personal access tokens (for Logto's token exchange): create, list, delete.
    #[command(subcommand)]
    Pat(PatCommand),
    /// Print an access token of the user for an API (support staff acting as them), through
    /// Logto's token exchange; the token carries the scopes asked that the user holds.
    Impersonate {
        #[arg(value_parser = orgs::parse_user_id)]
        user: UserId,
        /// The API resource indicator the token is for.
        #[arg(long)]
        resource: String,
        /// A scope to ask for; repeat for more.
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// An organization (id or exact name): an organization-level token for the API.
        #[arg(long)]
        organization: Option<String>,
        /// Why: kept with the subject token in Logto (its `context`).
        #[arg(long)]
        reason: Option<String>,
        /// An application allowed to exchange tokens (`provision` creates one and writes these).
        #[arg(long, env = "LOGTO_EXCHANGE_APP_ID")]
        exchange_app_id: String,
        #[arg(long, env = "LOGTO_EXCHANGE_APP_SECRET", hide_env_values = true)]
        exchange_app_secret: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PatCommand {
    /// A new token; its value is printed (keep it: it stands for the user).
    Create {
        #[arg(value_parser = orgs::parse_user_id)]
        user: UserId,
        #[arg(long)]
        name: String,
        /// How long it stays valid (`30d`, `12h`, …); never expires when absent.
        #[arg(long, value_parser = orgs::parse_duration_ms)]
        expires: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The user's tokens (values shortened; `--json` shows them whole, as Logto does).
    List {
        #[arg(value_parser = orgs::parse_user_id)]
        user: UserId,
        #[arg(long)]
        json: bool,
    },
    Delete {
        #[arg(value_parser = orgs::parse_user_id)]
        user: UserId,
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum RolesCommand {
    /// Give a user a User role (by name or id).
    Assign {
        #[arg(long, value_parser = orgs::parse_user_id)]
        user: UserId,
        #[arg(long)]
        role: String,
    },
}

/// A secret in the `oauth2` crate's type (its `Debug` hides it).
fn oauth2_secret(secret: String) -> logto_management::ClientSecret {
    logto_management::ClientSecret::new(secret)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("logto-cli: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let management_resource = match &cli.tenant {
        Some(tenant) => logto_management::cloud_management_resource(tenant),
        None => logto_management::OSS_MANAGEMENT_RESOURCE.to_string(),
    };
    let mut config = ManagementConfig::new(&cli.endpoint, &cli.app_id, &cli.app_secret);
    config.resource = management_resource.clone();
    let client = ManagementClient::new(config).map_err(|e| CliError::Usage(e.to_string()))?;
    let ctx = Context { endpoint: &cli.endpoint, management_resource: &management_resource };
    let explain = |e| CliError::explain(e, &ctx);
    match cli.command {
        Command::Provision { dry_run, env_file, spa_origin, webhook_url } => {
            let origin = spa_origin.trim_end_matches('/');
            let mut opts = provision::Options::for_stack(&cli.endpoint, &management_resource, &env_file);
            opts.spa_redirect_uris = vec![format!("{origin}/callback")];
            opts.spa_post_logout_uris = vec![format!("{origin}/")];
            opts.dry_run = dry_run;
            opts.webhook_url = webhook_url;
            println!("{} {}", if dry_run { "Plan for" } else { "Provisioning" }, opts.endpoint);
            let report = provision::run(&client, &opts).await?;
            for line in &report.lines {
                println!("{line}");
            }
            if !report.changed {
                println!("Nothing to change.");
            }
        }
        Command::Users(UsersCommand::List { json, page_size }) => {
            let all = users::all_users(&client, None, page_size, &ctx).await?;
            println!("{}", if json { output::json(&all) } else { output::users_table(&all) });
        }
        Command::Users(UsersCommand::Search { text, json }) => {
            let found = users::all_users(&client, Some(&text), 100, &ctx).await?;
            println!("{}", if json { output::json(&found) } else { output::users_table(&found) });
        }
        Command::Users(UsersCommand::Get { id, json }) => {
            let user = client.get_user(&id).await.map_err(explain)?;
            println!("{}", if json { output::json(&user) } else { output::users_table(&[user]) });
        }
        Command::Users(UsersCommand::Create { username, password, name, email, json }) => {
            let new = NewUser { username: Some(username), password, name, primary_email: email };
            let user = users::create(&client, &new, &ctx).await?;
            println!("{}", if json { output::json(&user) } else { output::users_table(&[user]) });
        }
        Command::Users(UsersCommand::Delete { id }) => {
            client.delete_user(&id).await.map_err(explain)?;
            println!("deleted {id}");
        }
        Command::Users(UsersCommand::Pat(PatCommand::Create { user, name, expires, json })) => {
            let expires_at = expires.map(|ms| users::now_ms() + ms);
            let token = client.create_personal_access_token(&user, &name, expires_at).await.map_err(explain)?;
            if json {
                println!("{}", output::json(&token));
            } else {
                println!("created personal access token {name} for {user}:\n{}", token.value);
            }
        }
        Command::Users(UsersCommand::Pat(PatCommand::List { user, json })) => {
            let tokens = client.personal_access_tokens(&user).await.map_err(explain)?;
            println!("{}", if json { output::json(&tokens) } else { output::pats_table(&tokens) });
        }
        Command::Users(UsersCommand::Pat(PatCommand::Delete { user, name })) => {
            client.delete_personal_access_token(&user, &name).await.map_err(explain)?;
            println!("deleted personal access token {name} of {user}");
        }
        Command::Users(UsersCommand::Impersonate {
            user,
            resource,
            scopes,
            organization,
            reason,
            exchange_app_id,
            exchange_app_secret,
            json,
        }) => {
            let organization = match organization {
                Some(org) => Some(orgs::find(&client, &org, &ctx).await?.id),
                None => None,
            };
            let exchange = users::Impersonation {
                user: &user,
                resource,
                scopes,
                organization,
                reason,
                app_id: &exchange_app_id,
                app_secret: oauth2_secret(exchange_app_secret),
            };
            let token = users::impersonate(&client, exchange, &ctx).await?;
            if json {
                println!("{}", output::json(&token));
            } else {
                eprintln!("an access token of {user}: scope {:?}, expires in {} s", token.scope, token.expires_in);
                println!("{}", token.access_token);
            }
        }
        Command::Roles(RolesCommand::Assign { user, role }) => {
            let role_id = users::assign_role(&client, &user, &role, &ctx).await?;
            println!("assigned role {role_id} to {user}");
        }
        Command::Orgs(OrgsCommand::List { json }) => {
            let all = client.list_organizations(None).await.map_err(explain)?;
            println!("{}", if json { output::json(&all) } else { output::organizations_table(&all) });
        }
        Command::Orgs(OrgsCommand::Create { name, description, json }) => {
            let org = client.create_organization(&name, description.as_deref()).await.map_err(explain)?;
            println!("{}", if json { output::json(&org) } else { output::organizations_table(&[org]) });
        }
        Command::Orgs(OrgsCommand::Delete { org }) => {
            let org = orgs::find(&client, &org, &ctx).await?;
            client.delete_organization(&org.id).await.map_err(explain)?;
            println!("deleted organization {} ({})", org.name, org.id);
        }
        Command::Orgs(OrgsCommand::Members(MembersCommand::List { org, json })) => {
            let org = orgs::find(&client, &org, &ctx).await?;
            let members = client.organization_members(&org.id).await.map_err(explain)?;
            println!("{}", if json { output::json(&members) } else { output::members_table(&members) });
        }
        Command::Orgs(OrgsCommand::Members(MembersCommand::Add { org, users })) => {
            let org = orgs::add_members(&client, &org, &users, &ctx).await?;
            println!("added {} member(s) to {}", users.len(), org.name);
        }
        Command::Orgs(OrgsCommand::Members(MembersCommand::Remove { org, user })) => {
            let org = orgs::find(&client, &org, &ctx).await?;
            client.remove_organization_member(&org.id, &user).await.map_err(explain)?;
            println!("removed {user} from {}", org.name);
        }
        Command::Orgs(OrgsCommand::Roles(OrgRolesCommand::List { json })) => {
            let roles = client.list_organization_roles().await.map_err(explain)?;
            println!("{}", if json { output::json(&roles) } else { output::organization_roles_table(&roles) });
        }
        Command::Orgs(OrgsCommand::Roles(OrgRolesCommand::Create { name, description, scopes, json })) => {
            let role = orgs::create_role(&client, &name, description.as_deref(), &scopes, &ctx).await?;
            println!("{}", if json { output::json(&role) } else { output::organization_roles_table(&[role]) });
        }
        Command::Orgs(OrgsCommand::Roles(OrgRolesCommand::Delete { role })) => {
            let role = orgs::find_role(&client, &role, &ctx).await?;
            client.delete_organization_role(&role.id).await.map_err(explain)?;
            println!("deleted organization role {} ({})", role.name, role.id);
        }
        Command::Orgs(OrgsCommand::Scopes(OrgScopesCommand::List { json })) => {
            let scopes = client.list_organization_scopes().await.map_err(explain)?;
            println!("{}", if json { output::json(&scopes) } else { output::organization_scopes_table(&scopes) });
        }
        Command::Orgs(OrgsCommand::Scopes(OrgScopesCommand::Create { name, description, json })) => {
            let scope = client.create_organization_scope(&name, description.as_deref()).await.map_err(explain)?;
            println!("{}", if json { output::json(&scope) } else { output::organization_scopes_table(&[scope]) });
        }
        Command::Orgs(OrgsCommand::Scopes(OrgScopesCommand::Delete { scope })) => {
            let scope = orgs::find_scope(&client, &scope, &ctx).await?;
            client.delete_organization_scope(&scope.id).await.map_err(explain)?;
            println!("deleted organization permission {} ({})", scope.name, scope.id);
        }
        Command::Orgs(OrgsCommand::Invite { org, email, roles, expires, send, link, json }) => {
            let invite = orgs::Invite { org: &org, email: &email, roles: &roles, expires_in_ms: expires, send, link };
            let invitation = orgs::invite(&client, invite, &ctx).await?;
            println!("{}", if json { output::json(&invitation) } else { output::invitations_table(&[invitation]) });
        }
        Command::Orgs(OrgsCommand::Invitations(InvitationsCommand::List { org, status, json })) => {
            let invitations = orgs::invitations(&client, org.as_deref(), status, &ctx).await?;
            println!("{}", if json { output::json(&invitations) } else { output::invitations_table(&invitations) });
        }
        Command::Orgs(OrgsCommand::Invitations(InvitationsCommand::Revoke { id })) => {
            let revoked = client.revoke_invitation(&id.as_str().into()).await.map_err(explain)?;
            println!("revoked the invitation of {} ({})", revoked.invitee, revoked.id);
        }
        Command::Orgs(OrgsCommand::Roles(OrgRolesCommand::Assign { org, user, role })) => {
            let (org, role_id) = orgs::assign_role(&client, &org, &user, &role, &ctx).await?;
            println!("assigned organization role {role_id} to {user} in {}", org.name);
        }
    }
    Ok(())
}
