//! The overview: what the tenant holds, where its endpoints are, and the way to each section.

use axum::extract::{Query, State};
use axum::response::Response;

use super::html::{esc, page, Notice};
use crate::state::AppState;

pub(super) async fn index(State(state): State<AppState>, Query(notice): Query<Notice>) -> Response {
    let now = state.clock.now_secs();
    let (users, organizations, applications, resources, hooks, outbox) = state.tenant.read(|s| {
        (s.users.len(), s.organizations.len(), s.applications.len(), s.resources.len(), s.hooks.len(), s.outbox.len())
    });
    let grants = state.tenant.grants_overview(None, now).len();
    let requests = state.request_log().len();
    let tile = |path: &str, count: usize, label: &str| {
        format!(r#"<li class="tile"><a href="/_emulator/console{path}"><strong>{count}</strong> {label}</a></li>"#)
    };
    let body = format!(
        r#"<ul class="tiles">{}{}{}{}{}{}{}{}</ul>
<section class="card" aria-labelledby="endpoints"><h2 id="endpoints">Endpoints</h2><dl>
<dt>Logto endpoint</dt><dd><code>{endpoint}</code></dd><dt>Issuer</dt><dd><code>{issuer}</code></dd>
<dt>Discovery</dt><dd><a href="/oidc/.well-known/openid-configuration">/oidc/.well-known/openid-configuration</a></dd>
<dt>Control API (JSON)</dt><dd><code>/_emulator</code></dd></dl></section>"#,
        tile("/users", users, "users"),
        tile("/organizations", organizations, "organizations"),
        tile("/applications", applications, "applications"),
        tile("/resources", resources, "API resources"),
        tile("/sessions", grants, "live grants"),
        tile("/webhooks", hooks, "webhooks"),
        tile("/outbox", outbox, "emails in the outbox"),
        tile("/requests", requests, "requests logged"),
        endpoint = esc(&state.endpoint),
        issuer = esc(&state.issuer),
    );
    page("Overview", "", &notice, &body)
}
