//! Applications (redirect URIs, the secret masked with a copy button, machine-to-machine roles)
//! and API resources (indicators, token lifetimes, permissions, and the roles holding them).

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::html::{esc, or_dash, page, time, Notice};
use super::users::segment;
use crate::model::{Application, RoleType};
use crate::state::AppState;

const APPLICATIONS: &str = "/_emulator/console/applications";

fn uris(list: &[String]) -> String {
    if list.is_empty() {
        return r#"<span class="muted">—</span>"#.into();
    }
    list.iter().map(|u| format!("<code>{}</code>", esc(u))).collect::<Vec<_>>().join("<br>")
}

fn kind(app: &Application) -> String {
    let mut kind =
        serde_json::to_value(app.app_type).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
    if app.is_third_party {
        kind.push_str(" (third-party)");
    }
    esc(&kind)
}

pub(super) async fn list(State(state): State<AppState>, Query(notice): Query<Notice>) -> Response {
    let rows: String = state.tenant.read(|store| {
        let mut apps: Vec<&Application> = store.applications.values().collect();
        apps.sort_by_key(|a| (std::cmp::Reverse(a.created_at), a.id.clone()));
        apps.iter()
            .map(|a| {
                format!(
                    r#"<tr><td><a href="{APPLICATIONS}/{}">{}</a></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>"#,
                    esc(&segment(&a.id)),
                    esc(&a.name),
                    kind(a),
                    esc(&a.id),
                    uris(&a.redirect_uris)
                )
            })
            .collect()
    });
    let body = format!(
        r#"<div class="scroll"><table><thead><tr><th scope="col">Application</th><th scope="col">Type</th><th scope="col">Client id</th><th scope="col">Redirect URIs</th></tr></thead><tbody>{rows}</tbody></table></div>"#
    );
    page("Applications", "/applications", &notice, &body)
}

pub(super) async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    let rendered = state.tenant.read(|store| {
        let app = store.applications.get(&id)?;
        let roles: Vec<String> = app.role_ids.iter().filter_map(|r| store.role(r)).map(|r| esc(&r.name)).collect();
        let organizations: Vec<String> = store
            .organizations
            .iter()
            .filter(|o| o.application(&app.id).is_some())
            .map(|o| format!(r#"<a href="/_emulator/console/organizations/{}">{}</a>"#, esc(&segment(&o.id)), esc(&o.name)))
            .collect();
        // The secret stays out of sight and out of URLs: a masked value and a button that copies it.
        let secrets: Vec<String> = app
            .secrets()
            .iter()
            .map(|s| {
                let value = s.value.expose();
                let tail: String = value.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                format!(
                    r#"{}: <code>••••••••{}</code> <button type="button" class="secondary" data-copy="{}">Copy {}</button>"#,
                    esc(&s.name),
                    esc(&tail),
                    esc(value),
                    esc(&s.name)
                )
            })
            .collect();
        let secret = if app.app_type.is_public() {
            "None (a public client: it signs in with PKCE)".to_string()
        } else if secrets.is_empty() {
            "None left: add one through the Management API".to_string()
        } else {
            secrets.join("<br>")
        };
        let mut grants = Vec::new();
        if app.is_device_flow {
            grants.push("device flow");
        }
        if app.allow_token_exchange {
            grants.push("token exchange");
        }
        Some((
            app.name.clone(),
            format!(
                r#"<section class="card"><dl><dt>Client id</dt><dd><code>{id}</code> <button type="button" class="secondary" data-copy="{id}">Copy</button></dd>
<dt>Type</dt><dd>{kind}</dd><dt>Description</dt><dd>{description}</dd><dt>Secret</dt><dd>{secret}</dd>
<dt>Redirect URIs</dt><dd>{redirects}</dd><dt>Post sign-out URIs</dt><dd>{logouts}</dd>
<dt>Extra grants</dt><dd>{grants}</dd><dt>Machine-to-machine roles</dt><dd>{roles}</dd>
<dt>Organizations</dt><dd>{organizations}</dd><dt>Created</dt><dd>{created}</dd></dl></section>"#,
                id = esc(&app.id),
                kind = kind(app),
                description = or_dash(app.description.as_deref()),
                redirects = uris(&app.redirect_uris),
                logouts = uris(&app.post_logout_redirect_uris),
                grants = or_dash(Some(&grants.join(", "))),
                roles = or_dash(Some(&roles.join(", "))),
                organizations = if organizations.is_empty() { or_dash(None) } else { organizations.join(", ") },
                created = time(app.created_at),
            ),
        ))
    });
    match rendered {
        Some((name, body)) => page(&format!("Application {name}"), "/applications", &notice, &body),
        None => page("No such application", "/applications", &notice, "<p>No application has this id (any more).</p>"),
    }
}

pub(super) async fn resources(State(state): State<AppState>, Query(notice): Query<Notice>) -> Response {
    let body = state.tenant.read(|store| {
        let resources: String = store
            .resources
            .iter()
            .map(|r| {
                let scopes: String = r
                    .scopes
                    .iter()
                    .map(|s| format!("<li><code>{}</code> {}</li>", esc(&s.name), or_dash(s.description.as_deref())))
                    .collect();
                format!(
                    r#"<section class="card"><h2>{}</h2><dl><dt>Indicator</dt><dd><code>{}</code></dd><dt>Access token lifetime</dt><dd>{} s</dd></dl><h3>Permissions</h3><ul>{}</ul></section>"#,
                    esc(&r.name),
                    esc(&r.indicator),
                    r.access_token_ttl,
                    if scopes.is_empty() { "<li>None.</li>".to_string() } else { scopes }
                )
            })
            .collect();
        let roles: String = store
            .roles
            .iter()
            .map(|role| {
                let holders = match role.role_type {
                    RoleType::User => store.users.iter().filter(|u| u.role_ids.contains(&role.id)).count(),
                    RoleType::MachineToMachine => {
                        store.applications.values().filter(|a| a.role_ids.contains(&role.id)).count()
                    }
                };
                let scopes: Vec<String> = role.scopes.iter().map(|(_, name)| format!("<code>{}</code>", esc(name))).collect();
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{holders}</td></tr>",
                    esc(&role.name),
                    if role.role_type == RoleType::User { "User" } else { "Machine-to-machine" },
                    or_dash(Some(&scopes.join(" ")))
                )
            })
            .collect();
        format!(
            r#"{resources}<section class="card"><h2>Roles</h2><div class="scroll"><table><thead><tr><th scope="col">Role</th><th scope="col">Type</th><th scope="col">Permissions</th><th scope="col">Holders</th></tr></thead><tbody>{roles}</tbody></table></div></section>"#
        )
    });
    page("API resources and roles", "/resources", &notice, &body)
}
