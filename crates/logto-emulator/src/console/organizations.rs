//! Organizations: search and page through them; open one (members with their roles, pending and
//! past invitations), add or remove a member, change a member's roles.

use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use axum::Extension;
use serde_json::json;

use super::api::change;
use super::form::{failed, ConsoleForm};
use super::html::{button_form, csrf, esc, or_dash, page, time, ListQuery, Notice, PAGE_SIZE};
use super::users::{link, segment};
use super::Console;
use crate::model::{Organization, RoleType};
use crate::state::AppState;

const ORGANIZATIONS: &str = "/_emulator/console/organizations";

fn org_page(id: &str) -> String {
    format!("{ORGANIZATIONS}/{}", segment(id))
}

pub(super) async fn list(State(state): State<AppState>, Query(query): Query<ListQuery>) -> Response {
    let search = query.search();
    let (total, rows) = state.tenant.read(|store| {
        let hit = |o: &&Organization| {
            search.as_deref().is_none_or(|q| o.name.to_lowercase().contains(q) || o.id.to_lowercase().contains(q))
        };
        let found: Vec<&Organization> = store.organizations.iter().rev().filter(hit).collect();
        let pages = found.len().div_ceil(PAGE_SIZE).max(1);
        let start = (query.page().min(pages) - 1) * PAGE_SIZE;
        let rows: String = found
            .iter()
            .skip(start)
            .take(PAGE_SIZE)
            .map(|o| {
                let pending = store.invitations.iter().filter(|i| i.organization_id == o.id).count();
                format!(
                    r#"<tr><td><a href="{}">{}</a></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{pending}</td><td>{}</td></tr>"#,
                    esc(&org_page(&o.id)),
                    esc(&o.name),
                    esc(&o.id),
                    o.members.len(),
                    o.applications.len(),
                    time(o.created_at)
                )
            })
            .collect();
        (found.len(), rows)
    });
    let body = format!(
        r#"{}{}<div class="scroll"><table><thead><tr><th scope="col">Organization</th><th scope="col">Id</th><th scope="col">Members</th><th scope="col">Applications</th><th scope="col">Invitations</th><th scope="col">Created</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        query.search_form(ORGANIZATIONS, "Search organizations (name, id)"),
        query.pager(ORGANIZATIONS, total),
    );
    page("Organizations", "/organizations", &query.notice, &body)
}

pub(super) async fn show(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    let now_ms = state.clock.now_ms();
    let rendered = state.tenant.read(|store| {
        let org = store.organization(&id)?;
        let base = org_page(&org.id);
        let role_name =
            |rid: &String| store.org_roles.iter().find(|r| &r.id == rid).map(|r| esc(&r.name)).unwrap_or_else(|| esc(rid));
        let members: String = org
            .members
            .iter()
            .map(|m| {
                let who = store.user(&m.id).map(link).unwrap_or_else(|| esc(&m.id));
                // Machine-to-machine organization roles are for applications, never offered to users.
                let boxes: String = store
                    .org_roles
                    .iter()
                    .filter(|r| r.role_type == RoleType::User)
                    .map(|r| {
                        let checked = if m.role_ids.contains(&r.id) { " checked" } else { "" };
                        let field = format!("role-{}-{}", m.id, r.id);
                        format!(
                            r#"<span class="check"><input type="checkbox" id="{f}" name="role" value="{v}"{checked}><label for="{f}">{n}</label></span>"#,
                            f = esc(&field),
                            v = esc(&r.id),
                            n = esc(&r.name)
                        )
                    })
                    .collect();
                let roles: Vec<String> = m.role_ids.iter().map(role_name).collect();
                format!(
                    r#"<tr><td>{who}</td><td>{current}</td><td><form method="post" action="{base}/members/{uid}/roles" class="roles">{csrf}<fieldset><legend class="sr-only">Roles of {label}</legend>{boxes}</fieldset><button type="submit" class="secondary">Save roles</button></form></td><td>{remove}</td></tr>"#,
                    current = if roles.is_empty() { "None".to_string() } else { roles.join(", ") },
                    base = esc(&base),
                    uid = esc(&segment(&m.id)),
                    csrf = csrf(&console),
                    label = store.user(&m.id).map(|u| esc(super::users::label(u))).unwrap_or_else(|| esc(&m.id)),
                    remove = button_form(
                        &console,
                        &format!("{base}/members/{}/remove", segment(&m.id)),
                        "Remove",
                        "danger",
                        Some("Remove this member from the organization?"),
                    ),
                )
            })
            .collect();
        let mut invitations: Vec<_> = store.invitations.iter().filter(|i| i.organization_id == org.id).collect();
        invitations.sort_by_key(|i| std::cmp::Reverse(i.created_at));
        let invitations: String = invitations
            .iter()
            .map(|i| {
                let roles: Vec<String> = i.role_ids.iter().map(role_name).collect();
                let status = format!("{:?}", i.status_at(now_ms));
                format!(
                    r#"<tr><td>{}</td><td><span class="tag">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td><a href="/_emulator/console/outbox?to={}">Emails</a></td></tr>"#,
                    esc(&i.invitee),
                    esc(&status),
                    or_dash(Some(&roles.join(", "))),
                    time(i.created_at),
                    time(i.expires_at),
                    esc(&url::form_urlencoded::byte_serialize(i.invitee.as_bytes()).collect::<String>()),
                )
            })
            .collect();
        Some((org.name.clone(), format!(
            r#"<section class="card" aria-labelledby="members"><h2 id="members">Members ({count})</h2><div class="scroll"><table><thead><tr><th scope="col">Member</th><th scope="col">Roles</th><th scope="col">Change the roles</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>{members}</tbody></table></div>
<form method="post" action="{base}/members" class="row">{csrf}<label for="add-member">Add a member (user id, username or email)</label><input id="add-member" name="user" required autocomplete="off"><button type="submit">Add</button></form></section>
<section class="card" aria-labelledby="invitations"><h2 id="invitations">Invitations</h2>{invitations_table}</section>"#,
            count = org.members.len(),
            base = esc(&base),
            csrf = csrf(&console),
            invitations_table = if invitations.is_empty() {
                "<p>No invitation.</p>".to_string()
            } else {
                format!(r#"<div class="scroll"><table><thead><tr><th scope="col">Invitee</th><th scope="col">Status</th><th scope="col">Roles</th><th scope="col">Sent</th><th scope="col">Expires</th><th scope="col">Outbox</th></tr></thead><tbody>{invitations}</tbody></table></div>"#)
            },
        )))
    });
    match rendered {
        Some((name, body)) => page(&format!("Organization {name}"), "/organizations", &notice, &body),
        None => {
            page("No such organization", "/organizations", &notice, "<p>No organization has this id (any more).</p>")
        }
    }
}

pub(super) async fn add_member(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    form: ConsoleForm,
) -> Response {
    let wanted = form.get("user").unwrap_or_default().to_string();
    let user_id = state
        .tenant
        .read(|store| store.user(&wanted).or_else(|| store.user_by_identifier(&wanted)).map(|u| u.id.clone()));
    let Some(user_id) = user_id else { return failed(&org_page(&id), "console.user_unknown") };
    let path = format!("/organizations/{}/users", segment(&id));
    change(
        &console,
        &state,
        &form.caller,
        Method::POST,
        &path,
        Some(json!({"userIds": [user_id]})),
        (&org_page(&id), "member-added"),
        &org_page(&id),
    )
    .await
}

pub(super) async fn set_roles(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path((id, user_id)): Path<(String, String)>,
    form: ConsoleForm,
) -> Response {
    let path = format!("/organizations/{}/users/{}/roles", segment(&id), segment(&user_id));
    let body = json!({"organizationRoleIds": form.all("role")});
    change(&console, &state, &form.caller, Method::PUT, &path, Some(body), (&org_page(&id), "roles"), &org_page(&id))
        .await
}

pub(super) async fn remove_member(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path((id, user_id)): Path<(String, String)>,
    form: ConsoleForm,
) -> Response {
    let path = format!("/organizations/{}/users/{}", segment(&id), segment(&user_id));
    change(
        &console,
        &state,
        &form.caller,
        Method::DELETE,
        &path,
        None,
        (&org_page(&id), "member-removed"),
        &org_page(&id),
    )
    .await
}
