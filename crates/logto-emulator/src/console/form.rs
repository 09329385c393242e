//! A console form as posted: its fields, checked to come from a console page (the per-process
//! token every form carries, and the browser's `Sec-Fetch-Site`/`Origin` when it sends them), and
//! who posted it (address and agent, for the hooks' payloads). The answer to a form is a redirect
//! back to a page, with a fixed notice (`?done=`) or Logto's error code (`?error=`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::Console;

/// Who posted a form.
#[derive(Clone, Debug, Default)]
pub(super) struct Caller {
    pub ip: Option<SocketAddr>,
    pub user_agent: Option<String>,
}

/// A checked form.
pub(super) struct ConsoleForm {
    fields: Vec<(String, String)>,
    pub caller: Caller,
}

impl ConsoleForm {
    /// The field's first value, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// Refusals of a form that did not come from a console page.
fn refused(message: &'static str) -> Response {
    let body = serde_json::json!({"code": "console.form_refused", "message": message});
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}

impl<S: Send + Sync> FromRequest<S> for ConsoleForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Some(console) = request.extensions().get::<Console>().cloned() else {
            return Err(refused("The console is not set up."));
        };
        let headers = request.headers();
        // A browser says where a request comes from; only the console's own pages may post.
        let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if site.is_some_and(|s| s != "same-origin" && s != "none") {
            return Err(refused("Forms are accepted from the console's own pages only."));
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        if origin.is_some_and(|o| {
            o != "null" && url::Url::parse(o).ok().and_then(|u| authority(&u)).as_deref() != Some(host)
        }) {
            return Err(refused("Forms are accepted from the console's own pages only."));
        }
        let caller = Caller {
            ip: request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0),
            user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(String::from),
        };
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| refused("The form could not be read."))?;
        let fields: Vec<(String, String)> =
            url::form_urlencoded::parse(&bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let token = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
        if !token.is_some_and(|t| crate::secret::same(t, &console.csrf)) {
            return Err(refused("The form has expired: reload the page and send it again."));
        }
        Ok(ConsoleForm { fields, caller })
    }
}

/// `host:port` of a URL, as a `Host` header says it.
fn authority(url: &url::Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// Back to `page` with a notice from the fixed set ([`super::html::notice_text`]).
pub(super) fn done(page: &str, notice: &str) -> Response {
    Redirect::to(&with_query(page, "done", notice)).into_response()
}

/// Back to `page` with Logto's error code (a fixed word, shown with its known meaning).
pub(super) fn failed(page: &str, code: &str) -> Response {
    Redirect::to(&with_query(page, "error", code)).into_response()
}

fn with_query(page: &str, key: &str, value: &str) -> String {
    let value: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
    format!("{page}{}{key}={value}", if page.contains('?') { '&' } else { '?' })
}
