//! `POST` and `DELETE /api/users/{id}/follow` (scope `write:follows`): idempotent; no self-follow;
//! a user Logto does not have is a 404. `GET /api/me/following?ids=…` (scope `read:top-users`): which
//! of a page's users the caller follows, so a list can show Follow or Unfollow.

use axum::extract::{Path, Query, State};
use axum::Json;
use logto_jwt::Scoped;
use serde::Deserialize;
use shared::{ErrorBody, FollowResponse, FollowingResponse};

use crate::db;
use crate::error::ApiError;
use crate::scopes::{ReadTopUsers, WriteFollows};
use crate::state::AppState;

/// Logto user ids are short; anything longer cannot be one.
const MAX_ID_LEN: usize = 64;

/// The shape of a Logto id (users: 12 characters; other entities up to 21): lowercase letters and
/// digits. Anything else is refused before Logto is asked.
pub fn is_logto_id(id: &str) -> bool {
    (1..=21).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}
/// Ids one `GET /api/me/following` may ask about (a page of users).
const MAX_IDS: usize = 100;

/// A user id from a path, checked for Logto's shape before anything else uses it.
struct UserId(String);

impl UserId {
    fn parse(id: String) -> Result<Self, ApiError> {
        if is_logto_id(&id) {
            Ok(Self(id))
        } else {
            Err(ApiError::NotAnId)
        }
    }
}

/// What a write does to a follow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Follow,
    Unfollow,
}

/// `Ok` when Logto has the user (asked through the profile cache).
async fn ensure_exists(state: &AppState, id: &UserId) -> Result<(), ApiError> {
    let lookup = state.profiles.lookup(std::slice::from_ref(&id.0)).await;
    if lookup.users.contains_key(&id.0) {
        return Ok(());
    }
    match lookup.partial {
        // What failed is already logged (profiles.rs), under this request's id.
        Some(_) => Err(ApiError::LogtoUnavailable),
        None => Err(ApiError::UnknownUser),
    }
}

#[utoipa::path(
    post,
    path = "/api/users/{id}/follow",
    params(("id" = String, Path, description = "The Logto user id: 1 to 21 lowercase letters and digits", pattern = "^[a-z0-9]{1,21}$", min_length = 1, max_length = 21)),
    security(("logto" = ["write:follows"])),
    responses(
        (status = 200, description = "The user's follower count after the change", body = FollowResponse),
        (status = 400, description = "`user.invalid_id`: not the shape of a Logto user id; `follows.self`: the caller's own id", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks write:follows; `auth.organization_token`: an organization-level token; `auth.impersonation_refused`: an impersonation token (act) while IMPERSONATION_WRITES=refuse", body = ErrorBody),
        (status = 404, description = "`user.not_found`: Logto has no such user", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`: Logto could not be asked", body = ErrorBody),
    )
)]
pub async fn follow(
    State(state): State<AppState>,
    token: Scoped<WriteFollows>,
    Path(id): Path<String>,
) -> Result<Json<FollowResponse>, ApiError> {
    state.limits.check_subject(&token.claims.sub)?;
    state.check_write(&token.claims)?;
    set_following(&state, &token.claims.sub, UserId::parse(id)?, Change::Follow).await
}

#[utoipa::path(
    delete,
    path = "/api/users/{id}/follow",
    params(("id" = String, Path, description = "The Logto user id: 1 to 21 lowercase letters and digits", pattern = "^[a-z0-9]{1,21}$", min_length = 1, max_length = 21)),
    security(("logto" = ["write:follows"])),
    responses(
        (status = 200, description = "The user's follower count after the change", body = FollowResponse),
        (status = 400, description = "`user.invalid_id`: not the shape of a Logto user id; `follows.self`: the caller's own id", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks write:follows; `auth.organization_token`: an organization-level token; `auth.impersonation_refused`: an impersonation token (act) while IMPERSONATION_WRITES=refuse", body = ErrorBody),
        (status = 404, description = "`user.not_found`: Logto has no such user", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`: Logto could not be asked", body = ErrorBody),
    )
)]
pub async fn unfollow(
    State(state): State<AppState>,
    token: Scoped<WriteFollows>,
    Path(id): Path<String>,
) -> Result<Json<FollowResponse>, ApiError> {
    state.limits.check_subject(&token.claims.sub)?;
    state.check_write(&token.claims)?;
    set_following(&state, &token.claims.sub, UserId::parse(id)?, Change::Unfollow).await
}

/// Applies `change` to `follower`'s follow of `id`; idempotent. A change clears the cached ranking.
async fn set_following(
    state: &AppState,
    follower: &str,
    id: UserId,
    change: Change,
) -> Result<Json<FollowResponse>, ApiError> {
    if follower == id.0 {
        return Err(ApiError::SelfFollow);
    }
    let changed = match change {
        // Following needs the user to exist in Logto; unfollowing does not (they may have been deleted).
        Change::Follow => {
            ensure_exists(state, &id).await?;
            db::follow(&state.db, follower, &id.0).await?
        }
        Change::Unfollow => db::unfollow(&state.db, follower, &id.0).await?,
    };
    if changed {
        state.changes.publish(crate::invalidation::Change::Follows).await;
    }
    let followers = db::followers(&state.db, &id.0).await?;
    Ok(Json(FollowResponse { followers, following: change == Change::Follow }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowingQuery {
    /// Comma-separated user ids (1 to 100).
    ids: String,
}

#[utoipa::path(
    get,
    path = "/api/me/following",
    params(FollowingQuery),
    security(("logto" = ["read:top-users"])),
    responses(
        (status = 200, description = "The asked ids the caller follows", body = FollowingResponse),
        (status = 400, description = "`guard.invalid_input`: no ids, or more than 100", body = ErrorBody),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks read:top-users; `auth.organization_token`: an organization-level token", body = ErrorBody),
    )
)]
pub async fn following(
    State(state): State<AppState>,
    token: Scoped<ReadTopUsers>,
    query: Result<Query<FollowingQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<FollowingResponse>, ApiError> {
    state.limits.check_subject(&token.claims.sub)?;
    // A missing or repeated `ids` is axum's rejection (text/plain): answered in this API's shape.
    let Ok(Query(query)) = query else {
        return Err(ApiError::InvalidQuery(format!("ids must name 1 to {MAX_IDS} user ids, comma-separated")));
    };
    let ids: Vec<String> = query.ids.split(',').filter(|id| !id.is_empty()).map(str::to_string).collect();
    if ids.is_empty() || ids.len() > MAX_IDS || ids.iter().any(|id| id.len() > MAX_ID_LEN) {
        return Err(ApiError::InvalidQuery(format!(
            "ids must name 1 to {MAX_IDS} user ids, comma-separated, each at most {MAX_ID_LEN} characters"
        )));
    }
    Ok(Json(FollowingResponse { following: db::following_among(&state.db, &token.claims.sub, &ids).await? }))
}
