//! RP-initiated logout as Logto does it: `GET /oidc/session/end` renders an auto-submitting confirm
//! form carrying a server-issued `xsrf`; `POST /oidc/session/end/confirm` redeems it and redirects to
//! the client's registered `post_logout_redirect_uri`.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::model::PendingLogout;
use crate::oidc::escape;
use crate::request::Params;
use crate::state::AppState;

/// How long the confirm form stays valid.
const LOGOUT_TTL: i64 = 600;

fn error_page(message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><title>Sign-out error</title><p role=\"alert\">{}</p></html>",
        escape(message)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

pub async fn end_session(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let client_id = params.get("client_id").ok().flatten().unwrap_or_default().to_string();
    let post_logout = params.get("post_logout_redirect_uri").ok().flatten().map(String::from);
    if let Some(uri) = &post_logout {
        let registered = state.tenant.read(|store| {
            store.applications.get(&client_id).is_some_and(|app| app.post_logout_redirect_uris.contains(uri))
        });
        if !registered {
            return error_page(&format!(
                "invalid_request: post_logout_redirect_uri {uri} is not registered for client {client_id}"
            ));
        }
    }
    let expires_at = state.clock.now_secs() + LOGOUT_TTL;
    let xsrf = state.tenant.await_sign_out(PendingLogout { post_logout_redirect_uri: post_logout, expires_at });
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>Sign Out</title>
</head>
<body onload="document.getElementById('op.logoutForm').submit();">
  <form id="op.logoutForm" method="post" action="{iss}/session/end/confirm"><input type="hidden" name="xsrf" value="{xsrf}"/><noscript><button type="submit">Sign out</button></noscript></form>
  <input type="hidden" form="op.logoutForm" value="yes" name="logout" />
</body>
</html>"#,
        iss = escape(&state.issuer),
    ))
    .into_response()
}

#[derive(Deserialize)]
pub struct Confirm {
    #[serde(default)]
    xsrf: String,
}

/// Ends the browser session (its cookie is cleared; grants without `offline_access` end with it, offline
/// refresh tokens keep working, as in Logto) and goes where the client asked.
pub async fn confirm(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<Confirm>) -> Response {
    let session_id = super::authorize::session_cookie(&headers);
    let Some(pending) = state.tenant.confirm_sign_out(&form.xsrf, session_id.as_deref()) else {
        return error_page("invalid_request: xsrf token invalid or expired; sign out again from the app");
    };
    let mut response = match pending.post_logout_redirect_uri {
        Some(uri) => super::redirect(&uri),
        None => Html("<!DOCTYPE html><html lang=\"en\"><title>Signed out</title><p>You are signed out.</p></html>")
            .into_response(),
    };
    response.headers_mut().append(header::SET_COOKIE, super::authorize::session_cookie_header(None));
    response.headers_mut().append(
        header::SET_COOKIE,
        header::HeaderValue::from_static("_session.sig=; path=/; max-age=0; samesite=lax; httponly"),
    );
    response
}
