//! The outbox: the emails Logto would have sent (invitations with their link, sign-up codes),
//! newest first, for one address with `?to=`.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::html::{esc, json_block, page, time, Notice};
use crate::state::AppState;

const OUTBOX: &str = "/_emulator/console/outbox";

#[derive(Deserialize)]
pub(super) struct OutboxQuery {
    #[serde(default)]
    to: Option<String>,
    #[serde(flatten)]
    notice: Notice,
}

/// Only web links are made clickable (a `javascript:` link in a payload stays text).
fn web_link(link: &str) -> Option<String> {
    let url = url::Url::parse(link).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| format!(r#"<a href="{0}">{0}</a>"#, esc(link)))
}

pub(super) async fn index(State(state): State<AppState>, Query(query): Query<OutboxQuery>) -> Response {
    let to = query.to.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_lowercase);
    let messages = state.tenant.read(|store| {
        store
            .outbox
            .iter()
            .rev()
            .filter(|m| to.as_deref().is_none_or(|to| m.to.to_lowercase() == to))
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
    });
    let items: String = messages
        .iter()
        .map(|m| {
            let link = m.payload["link"].as_str().and_then(web_link).map(|l| format!("<dt>Link</dt><dd>{l}</dd>"));
            let code = m.payload["code"].as_str().map(|c| format!(r#"<dt>Code</dt><dd><code class="big">{}</code></dd>"#, esc(c)));
            format!(
                r#"<li class="card"><h2>{kind} to {to}</h2><dl><dt>Sent</dt><dd>{sent}</dd>{link}{code}</dl><details><summary>What the connector got</summary>{payload}</details></li>"#,
                kind = esc(&m.message_type),
                to = esc(&m.to),
                sent = time(m.created_at),
                link = link.unwrap_or_default(),
                code = code.unwrap_or_default(),
                payload = json_block(&m.payload),
            )
        })
        .collect();
    let filter = format!(
        r#"<form method="get" action="{OUTBOX}" class="search" role="search"><label for="to">Only to this address</label><input id="to" name="to" type="email" value="{}"><button type="submit">Filter</button></form>"#,
        esc(query.to.as_deref().unwrap_or(""))
    );
    let body = if items.is_empty() {
        format!("{filter}<p>No email yet.</p>")
    } else {
        format!(r#"{filter}<ul class="plain">{items}</ul>"#)
    };
    page("Outbox", "/outbox", &query.notice, &body)
}
