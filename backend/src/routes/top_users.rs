//! `GET /api/top-users`: the guide's sequence in one handler: verified token (extractor) → database →
//! M2M token → one Management API request for the profiles not cached → merged list, within a
//! deadline, with a `Server-Timing` header naming each hop.

use std::time::Instant;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use logto_jwt::Scoped;
use shared::{ErrorBody, TopUsersResponse};
use tracing::Instrument;

use crate::db;
use crate::error::ApiError;
use crate::profiles::top_user;
use crate::scopes::ReadTopUsers;
use crate::state::AppState;
use crate::timing::ServerTiming;
use shared::server_timing::{Hop, CACHE_HIT, NOT_NEEDED};

const TOP_N: i64 = 10;

#[utoipa::path(
    get,
    path = "/api/top-users",
    security(("logto" = ["read:top-users"])),
    responses(
        (status = 200, description = "The ten most-followed users with their Logto profiles (`partial` says why some are missing); a Server-Timing header names each hop", body = TopUsersResponse),
        (status = 403, description = "`auth.insufficient_scope`: the token lacks read:top-users; `auth.organization_token`: an organization-level token (WWW-Authenticate: Bearer error=\"insufficient_scope\")", body = ErrorBody),
    )
)]
pub async fn top_users(State(state): State<AppState>, token: Scoped<ReadTopUsers>) -> Result<Response, ApiError> {
    let mut timing = ServerTiming::default();
    state.limits.check_subject(&token.claims.sub)?;
    let v = token.verification;
    timing.add(Hop::Verify, v.elapsed, if v.cached { CACHE_HIT } else { "verified (signature, claims)" });

    // Suspended users are left out of the list (their follows stay: restored, they come back), so
    // the ranking reads as many more as are suspended.
    let suspended = state.profiles.suspended();
    let t = Instant::now();
    let top = match state.ranking.get() {
        Some(ranking) => {
            state.metrics.cache("ranking", "hit", 1);
            timing.add(Hop::Db, t.elapsed(), CACHE_HIT);
            ranking
        }
        None => {
            state.metrics.cache("ranking", "miss", 1);
            let limit = TOP_N + suspended.len() as i64;
            let read = db::top_users(&state.db, limit).instrument(tracing::info_span!("db", query = "top_users"));
            let ranking = std::sync::Arc::new(read.await?);
            state.ranking.put(ranking.clone());
            timing.add(Hop::Db, t.elapsed(), format!("top {} of follower_counts", ranking.len()));
            ranking
        }
    };

    let top: Vec<(String, i64)> =
        top.iter().filter(|(id, _)| !suspended.contains(id)).take(TOP_N as usize).cloned().collect();
    let ids: Vec<String> = top.iter().map(|(id, _)| id.clone()).collect();
    let lookup = state.profiles.lookup(&ids).await;
    let (fresh, stale) = (lookup.cache_hits as u64, lookup.stale_hits as u64);
    state.metrics.cache("profiles", "hit", fresh);
    state.metrics.cache("profiles", "stale", stale);
    state.metrics.cache("profiles", "miss", (ids.len() as u64).saturating_sub(fresh + stale));
    match lookup.fetch {
        Some(f) => {
            timing.add(Hop::M2mToken, f.token, if f.token_cached { CACHE_HIT } else { "client credentials" });
            timing.add(Hop::ManagementApi, f.users, "1 request (search.id, mode.id=exact)");
        }
        None if lookup.partial.is_some() => {
            timing.add(Hop::M2mToken, std::time::Duration::ZERO, "not completed");
            timing.add(Hop::ManagementApi, std::time::Duration::ZERO, "not completed in time");
        }
        None => {
            timing.add(Hop::M2mToken, std::time::Duration::ZERO, NOT_NEEDED);
            timing.add(
                Hop::ManagementApi,
                std::time::Duration::ZERO,
                format!("{CACHE_HIT} ({} fresh, {} stale)", lookup.cache_hits, lookup.stale_hits),
            );
        }
    }
    if let Some(reason) = lookup.partial {
        tracing::warn!("answering top users without some profiles");
        state.metrics.partial(reason.metric_label());
    }
    state.metrics.hops(timing.entries());
    let users = top
        .into_iter()
        .filter(|(id, _)| !lookup.users.get(id).is_some_and(|u| u.is_suspended))
        .map(|(id, followers)| {
            let profile = lookup.users.get(&id).map(|u| u.as_ref());
            top_user(id, followers, profile)
        })
        .collect();
    let body = TopUsersResponse { users, partial: lookup.partial.map(|p| p.text()) };
    Ok(([("Server-Timing", timing.header_value())], Json(body)).into_response())
}
