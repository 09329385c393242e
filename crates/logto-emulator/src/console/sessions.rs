//! Sessions and tokens: live grants with their refresh tokens (a hint of each, never the value),
//! browser sessions (a handle, never the cookie); revoke a grant, end a session. The SPA holding
//! a revoked grant is signed out at its next refresh.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Extension;

use super::form::{done, failed, ConsoleForm};
use super::html::{button_form_with, esc, page as render, time, Notice};
use super::Console;
use crate::state::AppState;

const SESSIONS: &str = "/_emulator/console/sessions";

/// The live grants (all, or one user's) as a table with a revoke button each.
pub(super) fn grants_table(console: &Console, state: &AppState, user_id: Option<&str>, now: i64) -> String {
    let grants = state.tenant.grants_overview(user_id, now);
    if grants.is_empty() {
        return "<p>No live grant.</p>".into();
    }
    let rows: String = state.tenant.read(|store| {
        grants
            .iter()
            .map(|g| {
                let user = store.user(&g.grant.account_id).map(super::users::link).unwrap_or_else(|| esc(&g.grant.account_id));
                let app = store.applications.get(&g.grant.client_id).map(|a| a.name.as_str()).unwrap_or(&g.grant.client_id);
                let refresh: Vec<String> = g
                    .refresh_tokens
                    .iter()
                    .map(|t| {
                        let used = if t.consumed { " (used)" } else { "" };
                        format!("<code>{}…</code>{used} until {}", esc(&t.hint), time(t.expires_at * 1000))
                    })
                    .collect();
                let actor = g.grant.actor.as_deref().map(|a| format!("<br>acting: <code>{}</code>", esc(a))).unwrap_or_default();
                format!(
                    r#"<tr><td>{user}{actor}</td><td>{app}</td><td>{scopes}</td><td>{resources}</td><td>{refresh}</td><td>{revoke}</td></tr>"#,
                    app = esc(app),
                    scopes = esc(&g.grant.scopes.join(" ")),
                    resources = esc(&g.grant.resources.join(" ")),
                    refresh = if refresh.is_empty() { "None".to_string() } else { refresh.join("<br>") },
                    revoke = button_form_with(
                        console,
                        &format!("/_emulator/console/grants/{}/revoke", esc(&g.grant.id)),
                        "Revoke",
                        "danger",
                        Some("Revoke this grant and every token issued under it?"),
                        &back_field(user_id),
                    ),
                )
            })
            .collect()
    });
    format!(
        r#"<h3>Grants</h3><div class="scroll"><table><thead><tr><th scope="col">User</th><th scope="col">Application</th><th scope="col">Scopes</th><th scope="col">Resources</th><th scope="col">Refresh tokens</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>{rows}</tbody></table></div>"#
    )
}

/// The live browser sessions (all, or one user's), each with an end button.
pub(super) fn sessions_table(console: &Console, state: &AppState, user_id: Option<&str>, now: i64) -> String {
    let sessions = state.tenant.sessions_overview(user_id, now);
    if sessions.is_empty() {
        return "<p>No browser session.</p>".into();
    }
    let rows: String = state.tenant.read(|store| {
        sessions
            .iter()
            .map(|s| {
                let user = store.user(&s.account_id).map(super::users::link).unwrap_or_else(|| esc(&s.account_id));
                format!(
                    "<tr><td><code>{}</code></td><td>{user}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&s.handle),
                    s.grants,
                    time(s.expires_at * 1000),
                    button_form_with(
                        console,
                        &format!("/_emulator/console/browser-sessions/{}/end", esc(&s.handle)),
                        "End",
                        "danger",
                        Some("End this browser session? Its grants without offline_access end too."),
                        &back_field(user_id),
                    )
                )
            })
            .collect()
    });
    format!(
        r#"<h3>Browser sessions</h3><div class="scroll"><table><thead><tr><th scope="col">Session</th><th scope="col">User</th><th scope="col">Grants</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead><tbody>{rows}</tbody></table></div>"#
    )
}

/// The hidden field that brings a form back to the user's page it was on.
fn back_field(user_id: Option<&str>) -> Vec<(&'static str, &str)> {
    user_id.map(|u| vec![("back", u)]).unwrap_or_default()
}

pub(super) async fn index(
    State(state): State<AppState>,
    Extension(console): Extension<Console>,
    Query(notice): Query<Notice>,
) -> Response {
    let now = state.clock.now_secs();
    let body = format!(
        r#"<p>What is signed in now. Revoking a grant ends its refresh and access tokens: an app holding it is signed out at its next refresh.</p>{}{}"#,
        sessions_table(&console, &state, None, now),
        grants_table(&console, &state, None, now)
    );
    render("Sessions and grants", "/sessions", &notice, &body)
}

/// Where a form goes back to: the page it came from when it says so (`?back=user:{id}`).
fn back(form: &ConsoleForm) -> String {
    match form.get("back") {
        Some(user) => format!("/_emulator/console/users/{}", super::users::segment(user)),
        None => SESSIONS.to_string(),
    }
}

pub(super) async fn revoke_grant(State(state): State<AppState>, Path(id): Path<String>, form: ConsoleForm) -> Response {
    if state.tenant.revoke_grant_if_live(&id) {
        done(&back(&form), "revoked")
    } else {
        failed(&back(&form), "console.not_found")
    }
}

pub(super) async fn end_session(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    form: ConsoleForm,
) -> Response {
    if state.tenant.end_session_by_handle(&handle) {
        done(&back(&form), "ended")
    } else {
        failed(&back(&form), "console.not_found")
    }
}
