//! RP-initiated logout: `GET /oidc/session/end` renders Logto's auto-submitting confirm form;
//! `POST /oidc/session/end/confirm` redirects to the client's registered `post_logout_redirect_uri`.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::oidc::Params;
use crate::state::AppState;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub async fn end_session(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let client_id = params.get("client_id").ok().flatten().unwrap_or_default().to_string();
    let post_logout = params.get("post_logout_redirect_uri").ok().flatten().map(String::from);
    if let Some(uri) = &post_logout {
        let registered = state
            .store()
            .applications
            .get(&client_id)
            .is_some_and(|app| app.post_logout_redirect_uris.contains(uri));
        if !registered {
            let body = format!(
                "<!DOCTYPE html><html lang=\"en\"><title>Sign-out error</title><p role=\"alert\">invalid_request: \
                 post_logout_redirect_uri {} is not registered for client {}</p></html>",
                escape(uri),
                escape(&client_id)
            );
            return (StatusCode::BAD_REQUEST, Html(body)).into_response();
        }
    }
    let target = post_logout.unwrap_or_default();
    Html(format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1.0"><title>Sign Out</title></head>
<body onload="document.getElementById('op.logoutForm').submit();">
  <form id="op.logoutForm" method="post" action="{iss}/session/end/confirm"><input type="hidden" name="post_logout_redirect_uri" value="{target}"/><input type="hidden" name="logout" value="yes"/><noscript><button type="submit">Sign out</button></noscript></form>
</body>
</html>"#,
        iss = escape(&state.issuer),
        target = escape(&target),
    ))
    .into_response()
}

#[derive(Deserialize)]
pub struct Confirm {
    #[serde(default)]
    post_logout_redirect_uri: String,
}

pub async fn confirm(State(state): State<AppState>, Form(form): Form<Confirm>) -> Response {
    // Only a URI some application registered is followed; anything else lands on a plain page.
    let registered = state
        .store()
        .applications
        .values()
        .any(|app| app.post_logout_redirect_uris.contains(&form.post_logout_redirect_uri));
    if registered {
        Redirect::to(&form.post_logout_redirect_uri).into_response()
    } else {
        Html("<!DOCTYPE html><html lang=\"en\"><title>Signed out</title><p>You are signed out.</p></html>").into_response()
    }
}
