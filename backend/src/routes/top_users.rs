//! `GET /api/top-users`: the guide's sequence in one handler: verified token (extractor) → database →
//! M2M token → one Management API request → merged list.

use std::collections::HashMap;

use axum::extract::State;
use axum::Json;
use logto_jwt::{RequiredScope, Scoped};
use shared::{TopUser, TopUsersResponse};

use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

pub struct ReadTopUsers;

impl RequiredScope for ReadTopUsers {
    const NAME: &'static str = "read:top-users";
}

const TOP_N: i64 = 10;

pub async fn top_users(
    State(state): State<AppState>,
    _token: Scoped<ReadTopUsers>,
) -> Result<Json<TopUsersResponse>, ApiError> {
    let top = db::top_users(&state.db, TOP_N).await?;
    let ids: Vec<String> = top.iter().map(|(id, _)| id.clone()).collect();
    let mut profiles: HashMap<String, logto_management::User> = if ids.is_empty() {
        HashMap::new()
    } else {
        state.management.users_by_ids(&ids).await?.into_iter().map(|u| (u.id.clone(), u)).collect()
    };
    let users = top
        .into_iter()
        .map(|(id, followers)| {
            let profile = profiles.remove(&id);
            TopUser {
                followers,
                username: profile.as_ref().and_then(|p| p.username.clone()),
                name: profile.as_ref().and_then(|p| p.name.clone()),
                avatar: profile.and_then(|p| p.avatar),
                id,
            }
        })
        .collect();
    Ok(Json(TopUsersResponse { users }))
}
