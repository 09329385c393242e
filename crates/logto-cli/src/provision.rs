//! `provision`: makes a Logto tenant ready for this stack, idempotently (API resource and scopes, User
//! role, organization permissions and roles, SPA, backend app and its Management API role, the
//! support app that may exchange tokens, the backend's webhook). Each step finds what exists
//! (by indicator, name and type) and creates only what is missing; `--dry-run` prints the plan.
//! Finally the backend's and the SPA's configuration is written to an env file (mode 0600: it holds
//! the M2M secret), and only when its content changes.

use std::path::{Path, PathBuf};

use logto_management::{
    Application, ApplicationId, ApplicationType, CustomClientMetadata, ManagementClient, OidcClientMetadata,
    OrganizationScopeId, RoleId, RoleType, ScopeId,
};

use crate::error::{CliError, Context};

/// The names and URIs provisioning uses.
#[derive(Debug, Clone)]
pub struct Options {
    pub endpoint: String,
    pub management_resource: String,
    pub api_resource: String,
    pub api_name: String,
    pub scopes: Vec<(String, String)>,
    pub user_role: String,
    /// The organization permissions the app checks (name, description).
    pub org_scopes: Vec<(String, String)>,
    /// The organization roles: their members may use the API in their organization (its API scopes
    /// are organization-level API permissions) and hold the given organization permissions.
    pub org_roles: Vec<OrgRoleSpec>,
    pub spa_name: String,
    pub spa_redirect_uris: Vec<String>,
    pub spa_post_logout_uris: Vec<String>,
    pub backend_name: String,
    /// The machine-to-machine app allowed to exchange tokens (`users impersonate`).
    pub support_name: String,
    /// The webhook that tells the backend about changes in Logto, and where it posts.
    pub webhook_name: String,
    pub webhook_url: String,
    pub management_role: String,
    pub env_file: PathBuf,
    pub dry_run: bool,
}

impl Options {
    /// This repository's stack on `endpoint`.
    pub fn for_stack(endpoint: &str, management_resource: &str, env_file: &Path) -> Self {
        Self {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            management_resource: management_resource.to_string(),
            api_resource: "https://api.example.com".into(),
            api_name: "Top users API".into(),
            scopes: vec![
                ("read:top-users".into(), "Read the top users list".into()),
                ("write:follows".into(), "Follow and unfollow users".into()),
            ],
            user_role: "User".into(),
            // Named as the demo tenant names them: `manage:members` covers inviting, promoting and
            // removing (Logto's tutorial splits it into invite/manage/remove; one is enough here).
            org_scopes: vec![
                ("read:members".into(), "See who is in the organization".into()),
                ("manage:members".into(), "Invite and remove members".into()),
            ],
            org_roles: vec![
                OrgRoleSpec {
                    name: "admin".into(),
                    description: "Runs the organization".into(),
                    scopes: vec!["read:members".into(), "manage:members".into()],
                },
                OrgRoleSpec {
                    name: "member".into(),
                    description: "Members of an organization: its top users, and following them".into(),
                    scopes: vec!["read:members".into()],
                },
            ],
            spa_name: "Top users SPA".into(),
            spa_redirect_uris: vec!["http://localhost:8080/callback".into()],
            spa_post_logout_uris: vec!["http://localhost:8080/".into()],
            backend_name: "Top users backend".into(),
            support_name: "Top users support".into(),
            webhook_name: "Top users backend".into(),
            webhook_url: "http://localhost:3000/api/webhooks/logto".into(),
            management_role: "Logto Management API access".into(),
            env_file: env_file.to_path_buf(),
            dry_run: false,
        }
    }
}

/// An organization role provisioning makes: its organization permissions by name, and every API
/// scope of the stack as organization-level API permissions.
#[derive(Debug, Clone)]
pub struct OrgRoleSpec {
    pub name: String,
    pub description: String,
    pub scopes: Vec<String>,
}

/// What provisioning did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct Report {
    /// One line per step: `found …`, `created …`, `updated …`, `would create …`, `would update …`.
    pub lines: Vec<String>,
    pub changed: bool,
}

impl Report {
    fn found(&mut self, what: String) {
        self.lines.push(format!("  found    {what}"));
    }
    fn create(&mut self, dry_run: bool, what: String) {
        self.changed = true;
        self.lines.push(format!("  {} {what}", if dry_run { "would create" } else { "created " }));
    }
    fn update(&mut self, dry_run: bool, what: String) {
        self.changed = true;
        self.lines.push(format!("  {} {what}", if dry_run { "would update" } else { "updated " }));
    }
}

pub async fn run(client: &ManagementClient, opts: &Options) -> Result<Report, CliError> {
    let ctx = Context { endpoint: &opts.endpoint, management_resource: &opts.management_resource };
    let explain = |e| CliError::explain(e, &ctx);
    let mut report = Report::default();
    let dry = opts.dry_run;

    // 1. The API resource and its scopes.
    let resources = client.list_resources().await.map_err(explain)?;
    let mut scope_ids = Vec::new();
    match resources.iter().find(|r| r.indicator == opts.api_resource) {
        Some(api) => {
            report.found(format!("API resource {} ({})", api.indicator, api.id));
            let existing = api.scopes.clone().unwrap_or_default();
            for (name, description) in &opts.scopes {
                match existing.iter().find(|s| &s.name == name) {
                    Some(s) => scope_ids.push(s.id.clone()),
                    None if dry => report.create(true, format!("scope {name}")),
                    None => {
                        let s = client.create_scope(&api.id, name, description).await.map_err(explain)?;
                        report.create(false, format!("scope {name} ({})", s.id));
                        scope_ids.push(s.id);
                    }
                }
            }
        }
        None if dry => {
            report.create(true, format!("API resource {} with scopes {}", opts.api_resource, scope_names(opts)));
        }
        None => {
            let api = client.create_resource(&opts.api_name, &opts.api_resource).await.map_err(explain)?;
            report.create(false, format!("API resource {} ({})", api.indicator, api.id));
            for (name, description) in &opts.scopes {
                let s = client.create_scope(&api.id, name, description).await.map_err(explain)?;
                report.create(false, format!("scope {name} ({})", s.id));
                scope_ids.push(s.id);
            }
        }
    }

    // 2. A User role holding those scopes.
    let user_roles = client.list_roles(RoleType::User).await.map_err(explain)?;
    match user_roles.iter().find(|r| r.name == opts.user_role) {
        Some(role) => {
            report.found(format!("User role {} ({})", role.name, role.id));
            let held: Vec<ScopeId> =
                client.role_scopes(&role.id).await.map_err(explain)?.into_iter().map(|s| s.id).collect();
            let missing: Vec<ScopeId> = scope_ids.iter().filter(|id| !held.contains(id)).cloned().collect();
            if !missing.is_empty() {
                if !dry {
                    client.assign_role_scopes(&role.id, &missing).await.map_err(explain)?;
                }
                report.create(dry, format!("{} permission(s) on role {}", missing.len(), role.name));
            }
        }
        None if dry => report.create(true, format!("User role {} with {}", opts.user_role, scope_names(opts))),
        None => {
            let role = client
                .create_role(&opts.user_role, "Users of the top-users app", RoleType::User, &scope_ids)
                .await
                .map_err(explain)?;
            report.create(false, format!("User role {} ({})", role.name, role.id));
        }
    }

    // 2b. The organization permissions, then the organization roles holding them and the API scopes.
    let org_scopes = client.list_organization_scopes().await.map_err(explain)?;
    let mut org_scope_ids = Vec::new();
    for (name, description) in &opts.org_scopes {
        match org_scopes.iter().find(|s| &s.name == name) {
            Some(scope) => {
                report.found(format!("organization permission {name} ({})", scope.id));
                org_scope_ids.push((name.clone(), scope.id.clone()));
            }
            None if dry => report.create(true, format!("organization permission {name}")),
            None => {
                let scope = client.create_organization_scope(name, Some(description)).await.map_err(explain)?;
                report.create(false, format!("organization permission {name} ({})", scope.id));
                org_scope_ids.push((name.clone(), scope.id));
            }
        }
    }
    let org_roles = client.list_organization_roles().await.map_err(explain)?;
    for spec in &opts.org_roles {
        let wanted: Vec<OrganizationScopeId> =
            org_scope_ids.iter().filter(|(name, _)| spec.scopes.contains(name)).map(|(_, id)| id.clone()).collect();
        match org_roles.iter().find(|r| r.name == spec.name) {
            Some(role) => {
                report.found(format!("organization role {} ({})", role.name, role.id));
                let missing_api: Vec<ScopeId> =
                    scope_ids.iter().filter(|id| !role.resource_scopes.iter().any(|s| &&s.id == id)).cloned().collect();
                let missing_org: Vec<OrganizationScopeId> =
                    wanted.iter().filter(|id| !role.scopes.iter().any(|s| &&s.id == id)).cloned().collect();
                if !missing_api.is_empty() {
                    if !dry {
                        client.add_organization_role_resource_scopes(&role.id, &missing_api).await.map_err(explain)?;
                    }
                    report.create(
                        dry,
                        format!("{} API permission(s) on organization role {}", missing_api.len(), role.name),
                    );
                }
                if !missing_org.is_empty() {
                    if !dry {
                        client.add_organization_role_scopes(&role.id, &missing_org).await.map_err(explain)?;
                    }
                    report.create(
                        dry,
                        format!("{} organization permission(s) on organization role {}", missing_org.len(), role.name),
                    );
                }
            }
            None if dry => report.create(
                true,
                format!(
                    "organization role {} with {} and API permissions {}",
                    spec.name,
                    spec.scopes.join(", "),
                    scope_names(opts)
                ),
            ),
            None => {
                let role = client
                    .create_organization_role(&spec.name, Some(&spec.description), RoleType::User, &wanted, &scope_ids)
                    .await
                    .map_err(explain)?;
                report.create(
                    false,
                    format!(
                        "organization role {} ({}) with {} and API permissions {}",
                        role.name,
                        role.id,
                        spec.scopes.join(", "),
                        scope_names(opts)
                    ),
                );
            }
        }
    }

    // 3. The SPA application.
    let apps = client.list_applications().await.map_err(explain)?;
    let spa_id = match apps.iter().find(|a| a.name == opts.spa_name && a.app_type == ApplicationType::SPA) {
        Some(spa) => {
            report.found(format!("SPA application {} ({})", spa.name, spa.id));
            if spa.oidc_client_metadata.redirect_uris != opts.spa_redirect_uris {
                report.lines.push(format!(
                    "  note     its redirect URIs are {:?}, not {:?}: change them in the Console if needed",
                    spa.oidc_client_metadata.redirect_uris, opts.spa_redirect_uris
                ));
            }
            Some(spa.id.clone())
        }
        None if dry => {
            report.create(
                true,
                format!("SPA application {} (redirect {})", opts.spa_name, opts.spa_redirect_uris.join(", ")),
            );
            None
        }
        None => {
            let metadata = OidcClientMetadata {
                redirect_uris: opts.spa_redirect_uris.clone(),
                post_logout_redirect_uris: opts.spa_post_logout_uris.clone(),
            };
            let custom = CustomClientMetadata::default();
            let spa = client.create_application(&opts.spa_name, ApplicationType::SPA, &metadata, &custom);
            let spa = spa.await.map_err(explain)?;
            report.create(false, format!("SPA application {} ({})", spa.name, spa.id));
            Some(spa.id)
        }
    };

    // 4. The machine-to-machine role for the Management API (Logto seeds one; create it if absent).
    let management_role = find_management_role(client, opts).await.map_err(explain)?;
    let management_role_id = match management_role {
        Some(id) => {
            report.found(format!("Management API role {} ({id})", opts.management_role));
            Some(id)
        }
        None if dry => {
            report.create(
                true,
                format!("machine-to-machine role {} with the Management API's `all`", opts.management_role),
            );
            None
        }
        None => {
            let all = resources
                .iter()
                .find(|r| r.indicator == opts.management_resource)
                .and_then(|r| r.scopes.as_ref()?.iter().find(|s| s.name == "all"))
                .ok_or_else(|| {
                    CliError::Logto(format!("this Logto has no Management API resource {}", opts.management_resource))
                })?;
            let role = client
                .create_role(
                    &opts.management_role,
                    "Access to the Logto Management API",
                    RoleType::MachineToMachine,
                    std::slice::from_ref(&all.id),
                )
                .await
                .map_err(explain)?;
            report.create(false, format!("machine-to-machine role {} ({})", role.name, role.id));
            Some(role.id)
        }
    };

    // 5. The backend's machine-to-machine application, holding that role, and the support app that
    // may impersonate users (token exchange; it holds no role: it only trades subject tokens).
    let backend_id = machine_app(client, &apps, &mut report, dry, &opts.backend_name, false).await.map_err(explain)?;
    let support_id = machine_app(client, &apps, &mut report, dry, &opts.support_name, true).await.map_err(explain)?;
    if let (Some(app_id), Some(role_id)) = (&backend_id, &management_role_id) {
        let held = client.application_roles(app_id).await.map_err(explain)?;
        if !held.iter().any(|r| &r.id == role_id) {
            client.assign_application_roles(app_id, std::slice::from_ref(role_id)).await.map_err(explain)?;
            report.create(false, format!("role {} on {}", opts.management_role, opts.backend_name));
        }
    } else if dry && backend_id.is_some() {
        report.create(true, format!("role {} on {}", opts.management_role, opts.backend_name));
    }

    // 6. The webhook that tells the backend about renamed and deleted users.
    let hooks = client.list_hooks().await.map_err(explain)?;
    let signing_key = match hooks.iter().find(|h| h.name == opts.webhook_name) {
        Some(hook)
            if hook.config.url == opts.webhook_url
                && HOOK_EVENTS.iter().all(|e| hook.events.iter().any(|x| x == e))
                && hook.enabled =>
        {
            report.found(format!("webhook {} → {} ({})", hook.name, hook.config.url, hook.id));
            Some(hook.signing_key.clone())
        }
        Some(hook) if dry => {
            report.update(true, format!("webhook {} → {}", hook.name, opts.webhook_url));
            Some(hook.signing_key.clone())
        }
        Some(hook) => {
            let hook = client.update_hook(&hook.id, HOOK_EVENTS, &opts.webhook_url).await.map_err(explain)?;
            report.update(false, format!("webhook {} → {} ({})", hook.name, hook.config.url, hook.id));
            Some(hook.signing_key)
        }
        None if dry => {
            report.create(
                true,
                format!("webhook {} → {} ({})", opts.webhook_name, opts.webhook_url, HOOK_EVENTS.join(", ")),
            );
            None
        }
        None => {
            let hook = client.create_hook(&opts.webhook_name, HOOK_EVENTS, &opts.webhook_url).await.map_err(explain)?;
            report.create(false, format!("webhook {} → {} ({})", hook.name, hook.config.url, hook.id));
            Some(hook.signing_key)
        }
    };

    // 7. The configuration.
    let (Some(spa_id), Some(backend_id), Some(support_id), Some(webhook_key)) =
        (spa_id, backend_id, support_id, signing_key)
    else {
        report.lines.push(format!("  would write {}", opts.env_file.display()));
        return Ok(report);
    };
    let backend_secret = unexpired_secret(client, &backend_id, &opts.backend_name, &ctx).await?;
    let support_secret = unexpired_secret(client, &support_id, &opts.support_name, &ctx).await?;
    let written = Written { spa_id, backend_id, backend_secret, support_id, support_secret, webhook_key };
    let env = env_file(opts, &written);
    let current = std::fs::read_to_string(&opts.env_file).ok();
    if current.as_deref() == Some(env.as_str()) {
        report.found(format!("configuration {} (unchanged)", opts.env_file.display()));
    } else if dry {
        report.create(true, format!("configuration {}", opts.env_file.display()));
    } else {
        write_private(&opts.env_file, &env)?;
        report.create(false, format!("configuration {}", opts.env_file.display()));
    }
    Ok(report)
}

/// The events the backend acts on.
/// What the backend's lists follow (its `routes/webhooks.rs`): profiles, deletions, suspensions and
/// organization membership.
const HOOK_EVENTS: &[&str] = &[
    "User.Created",
    "User.Data.Updated",
    "User.SuspensionStatus.Updated",
    "User.Deleted",
    "Organization.Membership.Updated",
    "Organization.Deleted",
];

fn scope_names(opts: &Options) -> String {
    opts.scopes.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
}

/// The M2M role holding the Management API's `all`: by name first, else any role that holds it.
async fn find_management_role(
    client: &ManagementClient,
    opts: &Options,
) -> Result<Option<RoleId>, logto_management::ManagementError> {
    let mut roles = client.list_roles(RoleType::MachineToMachine).await?;
    roles.sort_by_key(|r| r.name != opts.management_role);
    let resources = client.list_resources().await?;
    let all_id = resources
        .iter()
        .find(|r| r.indicator == opts.management_resource)
        .and_then(|r| r.scopes.as_ref()?.iter().find(|s| s.name == "all").map(|s| s.id.clone()));
    let Some(all_id) = all_id else { return Ok(None) };
    for role in roles {
        if client.role_scopes(&role.id).await?.iter().any(|s| s.id == all_id) {
            return Ok(Some(role.id));
        }
    }
    Ok(None)
}

/// A machine-to-machine application by name (created when absent); `exchange`: one allowed to
/// exchange tokens. `None` in a dry run that would create it.
async fn machine_app(
    client: &ManagementClient,
    apps: &[Application],
    report: &mut Report,
    dry: bool,
    name: &str,
    exchange: bool,
) -> Result<Option<ApplicationId>, logto_management::ManagementError> {
    let what = if exchange { "token-exchange application" } else { "machine-to-machine application" };
    match apps.iter().find(|a| a.name == name && a.app_type == ApplicationType::MachineToMachine) {
        Some(app) => {
            report.found(format!("{what} {} ({})", app.name, app.id));
            if exchange && !app.custom_client_metadata.allow_token_exchange {
                report.lines.push(format!(
                    "  note     {} may not exchange tokens: turn on \"Token exchange\" on its page in the Console",
                    app.name
                ));
            }
            Ok(Some(app.id.clone()))
        }
        None if dry => {
            report.create(true, format!("{what} {name}"));
            Ok(None)
        }
        None => {
            let custom = CustomClientMetadata { allow_token_exchange: exchange, ..Default::default() };
            let app = client
                .create_application(name, ApplicationType::MachineToMachine, &OidcClientMetadata::default(), &custom)
                .await?;
            report.create(false, format!("{what} {} ({})", app.name, app.id));
            Ok(Some(app.id))
        }
    }
}

/// The application's secret that does not expire.
async fn unexpired_secret(
    client: &ManagementClient,
    id: &ApplicationId,
    name: &str,
    ctx: &Context<'_>,
) -> Result<String, CliError> {
    let secrets = client.application_secrets(id).await.map_err(|e| CliError::explain(e, ctx))?;
    let secret = secrets.into_iter().find(|s| s.expires_at.is_none()).map(|s| s.value);
    secret.ok_or_else(|| CliError::Logto(format!("{name} has no unexpired secret: add one in the Console")))
}

/// What provisioning writes to the env file.
pub struct Written {
    pub spa_id: ApplicationId,
    pub backend_id: ApplicationId,
    pub backend_secret: String,
    pub support_id: ApplicationId,
    pub support_secret: String,
    pub webhook_key: String,
}

/// The env file: the backend's settings, the SPA's build settings, and the support app the CLI's
/// `users impersonate` uses.
pub fn env_file(opts: &Options, w: &Written) -> String {
    format!(
        "# Written by `logto-cli provision` for {endpoint}. Holds a secret: keep it out of version control.\n\
         LOGTO_ENDPOINT={endpoint}\n\
         LOGTO_API_RESOURCE={api}\n\
         LOGTO_SPA_APP_ID={spa_id}\n\
         LOGTO_M2M_APP_ID={backend_id}\n\
         LOGTO_M2M_APP_SECRET={backend_secret}\n\
         LOGTO_MANAGEMENT_RESOURCE={mgmt}\n\
         LOGTO_WEBHOOK_SIGNING_KEY={webhook_key}\n\
         LOGTO_EXCHANGE_APP_ID={support_id}\n\
         LOGTO_EXCHANGE_APP_SECRET={support_secret}\n",
        spa_id = w.spa_id,
        backend_id = w.backend_id,
        backend_secret = w.backend_secret,
        webhook_key = w.webhook_key,
        support_id = w.support_id,
        support_secret = w.support_secret,
        endpoint = opts.endpoint,
        api = opts.api_resource,
        mgmt = opts.management_resource,
    )
}

/// Writes through a temporary file and a rename, readable by the owner only.
fn write_private(path: &Path, content: &str) -> Result<(), CliError> {
    let fail = |e: std::io::Error| CliError::Write { path: path.display().to_string(), reason: e.to_string() };
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    std::fs::rename(&tmp, path).map_err(fail)
}

/// Parses an env file written by [`env_file`] (or by hand): `KEY=value` lines, `#` comments.
pub fn parse_env(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
        .collect()
}
