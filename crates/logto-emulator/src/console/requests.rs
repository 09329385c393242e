//! The request log, filtered by path, status (`404` or a class, `4xx`) or client, newest first;
//! the page follows it live (its script asks `requests.json` again every two seconds).

use axum::extract::{Query, State};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::html::{esc, or_dash, page, time, Notice};
use crate::state::{AppState, LoggedRequest};

const REQUESTS: &str = "/_emulator/console/requests";
/// Rows shown.
const SHOWN: usize = 200;

#[derive(Deserialize, Default)]
pub(super) struct Filter {
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    client: Option<String>,
    #[serde(flatten)]
    notice: Notice,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Filter {
    fn keeps(&self, r: &LoggedRequest) -> bool {
        let path_ok = given(&self.path).is_none_or(|p| r.path.contains(p));
        let status_ok = given(&self.status).is_none_or(|s| {
            let status = r.status.to_string();
            match s.strip_suffix("xx") {
                Some(class) => status.starts_with(class),
                None => status == s,
            }
        });
        let client_ok = given(&self.client).is_none_or(|c| r.client.as_deref().is_some_and(|x| x.contains(c)));
        path_ok && status_ok && client_ok
    }

    fn matching(&self, state: &AppState) -> Vec<LoggedRequest> {
        state.request_log().into_iter().rev().filter(|r| self.keeps(r)).take(SHOWN).collect()
    }
}

fn rows(requests: &[LoggedRequest]) -> String {
    requests
        .iter()
        .map(|r| {
            format!(
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                time(r.at_ms),
                esc(&r.method),
                esc(&r.path),
                r.status,
                or_dash(r.client.as_deref())
            )
        })
        .collect()
}

pub(super) async fn index(State(state): State<AppState>, Query(filter): Query<Filter>) -> Response {
    let field = |v: &Option<String>| esc(v.as_deref().unwrap_or(""));
    let body = format!(
        r#"<form method="get" action="{REQUESTS}" class="filters" role="search">
<label for="path">Path contains</label><input id="path" name="path" value="{path}">
<label for="status">Status (404, 4xx)</label><input id="status" name="status" value="{status}" inputmode="numeric">
<label for="client">Client</label><input id="client" name="client" value="{client}">
<button type="submit">Filter</button></form>
<p><label class="check"><input type="checkbox" id="live" checked> Follow live</label></p>
<div class="scroll"><table id="request-log" data-feed="{REQUESTS}.json"><caption class="sr-only">Requests, newest first</caption><thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Client</th></tr></thead><tbody>{rows}</tbody></table></div>"#,
        path = field(&filter.path),
        status = field(&filter.status),
        client = field(&filter.client),
        rows = rows(&filter.matching(&state)),
    );
    page("Requests", "/requests", &filter.notice, &body)
}

/// The same filter as JSON, for the page's live view.
pub(super) async fn feed(State(state): State<AppState>, Query(filter): Query<Filter>) -> Json<Value> {
    let requests = filter.matching(&state);
    Json(json!(requests
        .iter()
        .map(|r| json!({"at": crate::hooks::trigger::iso8601(r.at_ms), "method": r.method, "path": r.path,
                        "status": r.status, "client": r.client}))
        .collect::<Vec<_>>()))
}
