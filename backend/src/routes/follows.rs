//! `POST` and `DELETE /api/users/{id}/follow` (scope `write:follows`): idempotent; no self-follow;
//! a user Logto does not have is a 404.

use axum::extract::{Path, State};
use axum::Json;
use logto_jwt::{RequiredScope, Scoped};
use shared::FollowResponse;

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

pub struct WriteFollows;

impl RequiredScope for WriteFollows {
    const NAME: &'static str = "write:follows";
}

/// Logto user ids are short; anything longer cannot be one.
const MAX_ID_LEN: usize = 64;

/// `Ok` when Logto has the user (asked through the profile cache).
async fn ensure_exists(state: &AppState, id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(ApiError::UnknownUser(id.chars().take(MAX_ID_LEN).collect()));
    }
    let lookup = state.profiles.lookup(&[id.to_string()]).await;
    if lookup.users.contains_key(id) {
        return Ok(());
    }
    match lookup.partial {
        Some(reason) => Err(ApiError::LogtoUnavailable { user: id.to_string(), reason }),
        None => Err(ApiError::UnknownUser(id.to_string())),
    }
}

pub async fn follow(State(state): State<AppState>, token: Scoped<WriteFollows>, Path(id): Path<String>) -> Result<Json<FollowResponse>, ApiError> {
    if token.claims.sub == id {
        return Err(ApiError::SelfFollow);
    }
    ensure_exists(&state, &id).await?;
    if db::follow(&state.db, &token.claims.sub, &id).await? {
        state.ranking.invalidate();
    }
    Ok(Json(FollowResponse { followers: db::followers(&state.db, &id).await?, following: true }))
}

pub async fn unfollow(State(state): State<AppState>, token: Scoped<WriteFollows>, Path(id): Path<String>) -> Result<Json<FollowResponse>, ApiError> {
    if token.claims.sub == id {
        return Err(ApiError::SelfFollow);
    }
    ensure_exists(&state, &id).await?;
    if db::unfollow(&state.db, &token.claims.sub, &id).await? {
        state.ranking.invalidate();
    }
    Ok(Json(FollowResponse { followers: db::followers(&state.db, &id).await?, following: false }))
}
