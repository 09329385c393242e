//! `POST /_emulator/sessions`: what a finished sign-in yields (a grant, its ID token and first refresh
//! token) without the sign-in page, so browser tests that are not about signing in can start signed in.
//! The grant is a real one: refresh, revocation and rotation treat it like any other.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::ids::opaque_token;
use crate::model::Grant;
use crate::oidc::{first_refresh_token, id_token};
use crate::request::parse_body;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewSession {
    client_id: String,
    #[serde(default)]
    user_id: Option<String>,
    /// The user's username, when the test does not know the id.
    #[serde(default)]
    username: Option<String>,
    scopes: Vec<String>,
    #[serde(default)]
    resources: Vec<String>,
}

pub async fn start(State(state): State<AppState>, body: axum::body::Bytes) -> Result<Json<Value>, ApiError> {
    let new: NewSession = parse_body(&body)?;
    let user = state.tenant.read(|store| {
        let app = store
            .applications
            .get(&new.client_id)
            .ok_or_else(|| ApiError::invalid_body(format!("no application {}", new.client_id)))?;
        if !app.app_type.allows_code_flow() {
            return Err(ApiError::invalid_body("sessions are for applications that sign users in"));
        }
        let user = match (&new.user_id, &new.username) {
            (Some(id), None) => store.user(id),
            (None, Some(name)) => store.user_by_identifier(name),
            _ => return Err(ApiError::invalid_body("give exactly one of userId and username")),
        };
        let user = user.cloned().ok_or_else(|| ApiError::invalid_body("no such user"))?;
        if user.is_suspended {
            return Err(ApiError::invalid_body("the user is suspended"));
        }
        let known = |r: &String| store.resource(r).is_some() || r == crate::oidc::ORGANIZATIONS_RESOURCE;
        if let Some(unknown) = new.resources.iter().find(|r| !known(r)) {
            return Err(ApiError::invalid_body(format!("no API resource {unknown}")));
        }
        Ok(user)
    })?;
    if !new.scopes.iter().any(|s| s == "openid") {
        return Err(ApiError::invalid_body("scopes must include openid"));
    }
    let grant = Grant {
        id: opaque_token(),
        account_id: user.id.clone(),
        client_id: new.client_id.clone(),
        scopes: new.scopes.clone(),
        resources: new.resources,
        nonce: None,
        session_id: None,
        actor: None,
        iat: state.clock.now_secs(),
    };
    state.tenant.start_grant(grant.clone());
    let refresh_token =
        grant.scopes.iter().any(|s| s == "offline_access").then(|| first_refresh_token(&state, &grant.id));
    Ok(Json(json!({
        "grantId": grant.id,
        "userId": user.id,
        "idToken": id_token(&state, &user, &grant.client_id, &grant.scopes, None),
        "refreshToken": refresh_token,
    })))
}
