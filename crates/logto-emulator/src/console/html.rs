//! The console's page shell and the small pieces every page is made of. Everything that comes
//! from the tenant or a request goes through [`esc`].

use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::Console;
pub(crate) use crate::oidc::escape as esc;

/// The sections, in the navigation's order: (path under the console, label).
const NAV: &[(&str, &str)] = &[
    ("", "Overview"),
    ("/users", "Users"),
    ("/organizations", "Organizations"),
    ("/applications", "Applications"),
    ("/resources", "API resources"),
    ("/sessions", "Sessions"),
    ("/tokens", "Decode a token"),
    ("/webhooks", "Webhooks"),
    ("/outbox", "Outbox"),
    ("/requests", "Requests"),
    ("/controls", "Controls"),
];

/// What a page says after a form: `?done=` (a fixed notice) or `?error=` (Logto's error code).
#[derive(Deserialize, Default)]
pub(crate) struct Notice {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// The fixed notices forms end with.
pub(super) fn notice_text(key: &str) -> Option<&'static str> {
    Some(match key {
        "created" => "Created.",
        "saved" => "Saved.",
        "deleted" => "Deleted.",
        "password" => "The password was set.",
        "suspended" => "The user is suspended and signed out everywhere.",
        "reinstated" => "The user can sign in again.",
        "revoked" => "The grant and its tokens were revoked.",
        "ended" => "The browser session was ended.",
        "resent" => "The delivery was sent again.",
        "member-added" => "The member was added.",
        "member-removed" => "The member was removed.",
        "roles" => "The roles were saved.",
        "clock" => "The clock was moved.",
        "fault" => "The fault was added.",
        "faults-cleared" => "Every fault was cleared.",
        "rotated" => "A new signing key is current; the old one stays in the JWKS as previous.",
        "reset" => "The tenant is back to its seed.",
        _ => return None,
    })
}

/// What Logto's error codes mean, for those a console form can meet; others show their code.
fn error_text(code: &str) -> &'static str {
    match code {
        "user.username_already_in_use" => "That username is another user's.",
        "user.email_already_in_use" => "That email is another user's.",
        "guard.invalid_input" => "Logto refused a field: check the values.",
        "entity.not_found" | "entity.not_exists_with_id" => "It does not exist (any more).",
        "organization.last_admin" => "The organization's last admin cannot go.",
        "console.not_found" => "It does not exist (any more).",
        "console.user_unknown" => "No user has that id, username or email.",
        "console.invalid_number" => "Give a whole number.",
        "console.invalid_fault" => "Give a path starting with / and a status between 100 and 599.",
        _ => "Logto refused the change.",
    }
}

impl Notice {
    fn render(&self) -> String {
        if let Some(text) = self.done.as_deref().and_then(notice_text) {
            return format!(r#"<p class="notice" role="status">{text}</p>"#);
        }
        match self
            .error
            .as_deref()
            .filter(|c| c.len() <= 80 && c.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
        {
            Some(code) => {
                format!(r#"<p class="alert" role="alert">{} <code>{}</code></p>"#, error_text(code), esc(code))
            }
            None => String::new(),
        }
    }
}

/// A whole page: the shell, the navigation (`active` is the section's path), the notice, `body`.
pub(super) fn page(title: &str, active: &str, notice: &Notice, body: &str) -> Response {
    let prefix = super::PREFIX;
    let nav: String = NAV
        .iter()
        .map(|(path, label)| {
            let current = if *path == active { r#" aria-current="page""# } else { "" };
            let href = format!("{prefix}{path}");
            format!(r#"<li><a href="{href}"{current}>{label}</a></li>"#)
        })
        .collect();
    let html = format!(
        r##"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Logto emulator console</title><link rel="stylesheet" href="{prefix}/assets/console.css"><script src="{prefix}/assets/console.js" defer></script></head>
<body><a class="skip" href="#main">Skip to the content</a>
<header><p class="brand"><a href="{prefix}">Logto emulator</a> <span>console</span></p>
<nav aria-label="Console"><ul>{nav}</ul></nav></header>
<main id="main" tabindex="-1"><h1>{title}</h1>{notice}{body}</main>
<p class="live" role="status" aria-live="polite" id="announce"></p></body></html>"##,
        title = esc(title),
        notice = notice.render(),
    );
    Html(html).into_response()
}

/// The hidden field every form carries.
pub(super) fn csrf(console: &Console) -> String {
    format!(r#"<input type="hidden" name="csrf" value="{}">"#, esc(&console.csrf))
}

/// A form of one button posting to `action`; `confirm`: a question asked first (for what destroys).
pub(super) fn button_form(console: &Console, action: &str, label: &str, class: &str, confirm: Option<&str>) -> String {
    button_form_with(console, action, label, class, confirm, &[])
}

/// [`button_form`] with hidden fields.
pub(super) fn button_form_with(
    console: &Console,
    action: &str,
    label: &str,
    class: &str,
    confirm: Option<&str>,
    hidden: &[(&str, &str)],
) -> String {
    let confirm = confirm.map(|q| format!(r#" data-confirm="{}""#, esc(q))).unwrap_or_default();
    let hidden: String =
        hidden.iter().map(|(k, v)| format!(r#"<input type="hidden" name="{}" value="{}">"#, esc(k), esc(v))).collect();
    format!(
        r#"<form method="post" action="{}" class="inline"{confirm}>{}{hidden}<button type="submit" class="{class}">{}</button></form>"#,
        esc(action),
        csrf(console),
        esc(label)
    )
}

/// A time in ms since the epoch, as ISO 8601 UTC.
pub(super) fn time(ms: i64) -> String {
    format!(r#"<time datetime="{0}">{0}</time>"#, crate::hooks::trigger::iso8601(ms))
}

/// An optional value, or a dash for "not set".
pub(super) fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => esc(v),
        _ => r#"<span class="muted">—</span>"#.to_string(),
    }
}

/// One page of a list: `?page=` (1-based) and `?q=` (search).
#[derive(Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub page: Option<usize>,
    #[serde(flatten)]
    pub notice: Notice,
}

/// Rows per page.
pub(super) const PAGE_SIZE: usize = 50;

impl ListQuery {
    /// The search, trimmed and lowercased; `None` when blank.
    pub fn search(&self) -> Option<String> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_lowercase)
    }

    /// The page asked for (at least 1).
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).max(1)
    }

    /// The search form and the page links for `total` matches.
    pub fn search_form(&self, action: &str, label: &str) -> String {
        format!(
            r#"<form method="get" action="{action}" class="search" role="search"><label for="q">{label}</label><input id="q" name="q" type="search" value="{}"><button type="submit">Search</button></form>"#,
            esc(self.q.as_deref().unwrap_or(""))
        )
    }

    /// "Page 2 of 7" with previous and next links.
    pub fn pager(&self, action: &str, total: usize) -> String {
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = self.page().min(pages);
        let q = self
            .q
            .as_deref()
            .map(|q| format!("&amp;q={}", esc(&url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>())))
            .unwrap_or_default();
        let link =
            |to: usize, label: &str, rel: &str| format!(r#"<a href="{action}?page={to}{q}" rel="{rel}">{label}</a>"#);
        let previous = if page > 1 { link(page - 1, "Previous page", "prev") } else { String::new() };
        let next = if page < pages { link(page + 1, "Next page", "next") } else { String::new() };
        format!(
            r#"<nav class="pager" aria-label="Pages"><span>{total} in all · page {page} of {pages}</span> {previous} {next}</nav>"#
        )
    }
}

/// A JSON value, pretty, escaped, in a `<pre>`.
pub(super) fn json_block(value: &serde_json::Value) -> String {
    format!("<pre>{}</pre>", esc(&serde_json::to_string_pretty(value).unwrap_or_default()))
}
