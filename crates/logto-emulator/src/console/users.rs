//! Users: search and page through them, open one (profile, roles, organizations, sessions and
//! grants), create, edit, set a password, suspend or reinstate, delete.

use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use super::api::{call, change};
use super::form::{done, failed, ConsoleForm};
use super::html::{button_form, csrf, esc, or_dash, page, time, ListQuery, Notice, PAGE_SIZE};
use super::Console;
use crate::model::User;
use crate::state::AppState;

const USERS: &str = "/_emulator/console/users";

/// What a user is called in lists: name, else username, else email, else id.
pub(super) fn label(user: &User) -> &str {
    user.name
        .as_deref()
        .filter(|n| !n.is_empty())
        .or(user.username.as_deref())
        .or(user.primary_email.as_deref())
        .unwrap_or(&user.id)
}

/// A link to a user's page.
pub(super) fn link(user: &User) -> String {
    format!(r#"<a href="{USERS}/{}">{}</a>"#, esc(&user.id), esc(label(user)))
}

fn matches(user: &User, q: &str) -> bool {
    let hit = |v: Option<&str>| v.is_some_and(|v| v.to_lowercase().contains(q));
    hit(Some(&user.id))
        || hit(user.username.as_deref())
        || hit(user.name.as_deref())
        || hit(user.primary_email.as_deref())
        || hit(user.primary_phone.as_deref())
}

pub(super) async fn list(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Query(query): Query<ListQuery>,
) -> Response {
    let search = query.search();
    let (total, rows) = state.tenant.read(|store| {
        let found: Vec<&User> =
            store.users.iter().rev().filter(|u| search.as_deref().is_none_or(|q| matches(u, q))).collect();
        let pages = found.len().div_ceil(PAGE_SIZE).max(1);
        let start = (query.page().min(pages) - 1) * PAGE_SIZE;
        let rows: String = found
            .iter()
            .skip(start)
            .take(PAGE_SIZE)
            .map(|u| {
                let status = if u.is_suspended { r#"<span class="tag warn">Suspended</span>"# } else { "Active" };
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{status}</td><td>{}</td></tr>",
                    link(u),
                    or_dash(u.username.as_deref()),
                    or_dash(u.primary_email.as_deref()),
                    time(u.created_at)
                )
            })
            .collect();
        (found.len(), rows)
    });
    let body = format!(
        r#"{search}{pager}<div class="scroll"><table><caption class="sr-only">Users</caption><thead><tr><th scope="col">User</th><th scope="col">Username</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead><tbody>{rows}</tbody></table></div>
<details class="card"><summary>Create a user</summary><form method="post" action="{USERS}" class="stack">{csrf}
<label for="new-username">Username</label><input id="new-username" name="username" autocomplete="off">
<label for="new-password">Password</label><input id="new-password" name="password" type="password" autocomplete="new-password">
<label for="new-name">Name</label><input id="new-name" name="name" autocomplete="off">
<label for="new-email">Email</label><input id="new-email" name="primaryEmail" type="email" autocomplete="off">
<button type="submit">Create</button></form></details>"#,
        search = query.search_form(USERS, "Search users (id, username, name, email, phone)"),
        pager = query.pager(USERS, total),
        csrf = csrf(&console),
    );
    page("Users", "/users", &query.notice, &body)
}

pub(super) async fn create(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    form: ConsoleForm,
) -> Response {
    let mut body = json!({});
    for field in ["username", "password", "name", "primaryEmail"] {
        if let Some(value) = form.get(field) {
            body[field] = json!(value);
        }
    }
    match call(&console, &state, &form.caller, Method::POST, "/users", Some(body)).await {
        Ok(user) => done(&format!("{USERS}/{}", user["id"].as_str().unwrap_or_default()), "created"),
        Err(refused) => failed(USERS, &refused.code),
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    Query(notice): Query<Notice>,
) -> Response {
    let now = state.clock.now_secs();
    let found = state.tenant.read(|store| {
        let user = store.user(&id)?.clone();
        let roles: Vec<String> = user.role_ids.iter().filter_map(|r| store.role(r)).map(|r| esc(&r.name)).collect();
        let organizations: Vec<String> = store
            .organizations
            .iter()
            .filter_map(|org| {
                let member = org.member(&user.id)?;
                let roles: Vec<String> = member
                    .role_ids
                    .iter()
                    .filter_map(|r| store.org_roles.iter().find(|x| &x.id == r))
                    .map(|r| esc(&r.name))
                    .collect();
                Some(format!(
                    r#"<li><a href="/_emulator/console/organizations/{}">{}</a>: {}</li>"#,
                    esc(&org.id),
                    esc(&org.name),
                    if roles.is_empty() { "no organization role".to_string() } else { roles.join(", ") }
                ))
            })
            .collect();
        Some((user, roles, organizations))
    });
    let Some((user, roles, organizations)) = found else {
        return page("No such user", "/users", &Notice::default(), "<p>No user has this id (any more).</p>");
    };
    let grants = super::sessions::grants_table(&console, &state, Some(&user.id), now);
    let sessions = super::sessions::sessions_table(&console, &state, Some(&user.id), now);
    let base = format!("{USERS}/{}", esc(&user.id));
    let avatar = user
        .avatar
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(|a| format!(r#"<img class="avatar" src="{}" alt="" width="48" height="48">"#, esc(a)))
        .unwrap_or_default();
    let (suspend_label, suspend_value) = if user.is_suspended { ("Reinstate", "false") } else { ("Suspend", "true") };
    let value = |v: &Option<String>| esc(v.as_deref().unwrap_or(""));
    let body = format!(
        r#"<section class="card profile" aria-labelledby="profile">{avatar}<h2 id="profile">Profile</h2><dl>
<dt>Id</dt><dd><code>{id}</code></dd><dt>Username</dt><dd>{username}</dd><dt>Name</dt><dd>{name}</dd>
<dt>Email</dt><dd>{email}</dd><dt>Phone</dt><dd>{phone}</dd><dt>Password</dt><dd>{password}</dd>
<dt>Status</dt><dd>{status}</dd><dt>Created</dt><dd>{created}</dd><dt>Last sign-in</dt><dd>{last}</dd></dl></section>
<section class="card" aria-labelledby="edit"><h2 id="edit">Edit the profile</h2><form method="post" action="{base}/profile" class="stack">{csrf}
<label for="edit-name">Name</label><input id="edit-name" name="name" value="{name_value}" autocomplete="off">
<label for="edit-email">Email</label><input id="edit-email" name="primaryEmail" type="email" value="{email_value}" autocomplete="off">
<label for="edit-avatar">Avatar URL</label><input id="edit-avatar" name="avatar" type="url" value="{avatar_value}" autocomplete="off">
<button type="submit">Save</button></form>
<form method="post" action="{base}/password" class="stack">{csrf}<label for="edit-password">New password</label>
<input id="edit-password" name="password" type="password" autocomplete="new-password" required><button type="submit">Set the password</button></form>
<div class="actions">{suspend}{delete}</div></section>
<section class="card" aria-labelledby="roles"><h2 id="roles">Roles</h2><p>{roles}</p>
<h3>Organizations</h3><ul>{organizations}</ul></section>
<section class="card" aria-labelledby="grants"><h2 id="grants">Sessions and grants</h2>{sessions}{grants}</section>"#,
        id = esc(&user.id),
        username = or_dash(user.username.as_deref()),
        name = or_dash(user.name.as_deref()),
        email = or_dash(user.primary_email.as_deref()),
        phone = or_dash(user.primary_phone.as_deref()),
        password = if user.password.is_some() { "Set" } else { "None: this user cannot sign in with a password" },
        status = if user.is_suspended { r#"<span class="tag warn">Suspended</span>"# } else { "Active" },
        created = time(user.created_at),
        last = user.last_sign_in_at.map(time).unwrap_or_else(|| "Never".into()),
        csrf = csrf(&console),
        name_value = value(&user.name),
        email_value = value(&user.primary_email),
        avatar_value = value(&user.avatar),
        suspend = button_form(
            &console,
            &format!("{USERS}/{}/suspension?to={suspend_value}", user.id),
            suspend_label,
            "secondary",
            (!user.is_suspended).then_some("Suspend this user? They are signed out everywhere."),
        ),
        delete = button_form(
            &console,
            &format!("{USERS}/{}/delete", user.id),
            "Delete the user",
            "danger",
            Some("Delete this user? This cannot be undone."),
        ),
        roles = if roles.is_empty() { "No role.".to_string() } else { roles.join(", ") },
        organizations = if organizations.is_empty() { "<li>None.</li>".to_string() } else { organizations.concat() },
    );
    page(&format!("User {}", label(&user)), "/users", &notice, &body)
}

/// A user's page, for the redirects.
fn user_page(id: &str) -> String {
    format!("{USERS}/{}", segment(id))
}

/// A path segment, encoded.
pub(super) fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>().replace('+', "%20")
}

pub(super) async fn update(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    form: ConsoleForm,
) -> Response {
    // An emptied field clears the value (`null`), as the Management API takes it.
    let field = |name: &str| form.get(name).map_or(Value::Null, |v| json!(v));
    let body = json!({"name": field("name"), "primaryEmail": field("primaryEmail"), "avatar": field("avatar")});
    let path = format!("/users/{}", segment(&id));
    change(
        &console,
        &state,
        &form.caller,
        Method::PATCH,
        &path,
        Some(body),
        (&user_page(&id), "saved"),
        &user_page(&id),
    )
    .await
}

pub(super) async fn password(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    form: ConsoleForm,
) -> Response {
    let body = json!({"password": form.get("password").unwrap_or_default()});
    let path = format!("/users/{}/password", segment(&id));
    change(
        &console,
        &state,
        &form.caller,
        Method::PATCH,
        &path,
        Some(body),
        (&user_page(&id), "password"),
        &user_page(&id),
    )
    .await
}

#[derive(serde::Deserialize)]
pub(super) struct SuspendTo {
    to: bool,
}

pub(super) async fn suspension(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    Query(SuspendTo { to }): Query<SuspendTo>,
    form: ConsoleForm,
) -> Response {
    let path = format!("/users/{}/is-suspended", segment(&id));
    match call(&console, &state, &form.caller, Method::PATCH, &path, Some(json!({"isSuspended": to}))).await {
        Ok(_) => done(&user_page(&id), if to { "suspended" } else { "reinstated" }),
        Err(refused) => failed(&user_page(&id), &refused.code),
    }
}

pub(super) async fn delete(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Path(id): Path<String>,
    form: ConsoleForm,
) -> Response {
    let path = format!("/users/{}", segment(&id));
    change(&console, &state, &form.caller, Method::DELETE, &path, None, (USERS, "deleted"), &user_page(&id)).await
}
