//! `GET /api/organizations/{organization_id}/top-users`: the B2B shape of the guide's sequence. The
//! token must be an organization-level API token for that organization holding `read:top-users`
//! through an organization role (`OrgScoped`); the organization's members and their profiles come from
//! the Management API in one paged request (cached); the database ranks them by followers.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use logto_jwt::OrgScoped;
use shared::{ErrorBody, TopUsersResponse};
use tracing::Instrument;

use crate::db;
use crate::error::ApiError;
use crate::members::Cached;
use crate::profiles::top_user;
use crate::scopes::ReadTopUsers;
use crate::state::AppState;
use crate::timing::ServerTiming;
use logto_jwt::RequiredScope;
use shared::server_timing::{Hop, CACHE_HIT, NOT_NEEDED};

const TOP_N: usize = 10;

#[utoipa::path(
    get,
    path = "/api/organizations/{organization_id}/top-users",
    params(("organization_id" = String, Path, description = "The Logto organization")),
    security(("logto" = ["read:top-users"])),
    responses(
        (status = 200, description = "The organization's ten most-followed members (fewer in a smaller organization; members nobody follows count 0) with their Logto profiles; a Server-Timing header names each hop", body = TopUsersResponse),
        (status = 403, description = "`auth.organization_required`: not an organization-level API token; `auth.wrong_organization`: a token for another organization; `auth.insufficient_scope`: its organization role lacks read:top-users; `auth.permission_revoked`: the caller's roles no longer grant it, or they left the organization, since the token was issued (WWW-Authenticate: Bearer error=\"insufficient_scope\")", body = ErrorBody),
        (status = 404, description = "`organization.not_found`: Logto has no such organization", body = ErrorBody),
        (status = 503, description = "`logto.unavailable`: the Management API did not give the organization's members in time", body = ErrorBody),
    )
)]
pub async fn top_users(State(state): State<AppState>, token: OrgScoped<ReadTopUsers>) -> Result<Response, ApiError> {
    let mut timing = ServerTiming::default();
    state.limits.check_subject(&token.claims.sub)?;
    let v = token.verification;
    timing.add(Hop::Verify, v.elapsed, if v.cached { CACHE_HIT } else { "verified (signature, claims, organization)" });

    let lookup = state.members.lookup(&token.organization_id).await;
    let result = match lookup.cache {
        Some(Cached::Fresh) => "hit",
        Some(Cached::Stale) => "stale",
        None => "miss",
    };
    state.metrics.cache("members", result, 1);
    match (lookup.fetch, lookup.cache) {
        (Some(f), _) => {
            timing.add(Hop::M2mToken, f.token, if f.token_cached { CACHE_HIT } else { "client credentials" });
            timing.add(Hop::ManagementApi, f.users, "organization members");
        }
        (None, Some(cache)) => {
            timing.add(Hop::M2mToken, Duration::ZERO, NOT_NEEDED);
            timing.add(Hop::ManagementApi, Duration::ZERO, cache.description());
        }
        (None, None) => {
            timing.add(Hop::M2mToken, Duration::ZERO, "not completed");
            timing.add(Hop::ManagementApi, Duration::ZERO, "not completed in time");
        }
    }
    let members = lookup.members.map_err(|e| e.refusal(&token.organization_id))?;

    // The token's permission is as old as the token; the members say what the caller holds now.
    state.admin.require_api_permission(&members, &token.claims.sub, ReadTopUsers::NAME).await?;

    let t = Instant::now();
    let ranked = match state.ranking.get_organization(&token.organization_id) {
        Some(ranked) => {
            state.metrics.cache("organization_ranking", "hit", 1);
            timing.add(Hop::Db, t.elapsed(), CACHE_HIT);
            ranked
        }
        None => {
            state.metrics.cache("organization_ranking", "miss", 1);
            // Suspended members are left out, as in the tenant's list.
            let ids: Vec<String> =
                members.iter().filter(|m| !m.user.is_suspended).map(|m| m.user.id.to_string()).collect();
            let read = db::top_among(&state.db, &ids, TOP_N).instrument(tracing::info_span!("db", query = "top_among"));
            let ranked = std::sync::Arc::new(read.await?);
            state.ranking.put_organization(&token.organization_id, ranked.clone());
            timing.add(Hop::Db, t.elapsed(), format!("{} members ranked", ids.len()));
            ranked
        }
    };

    let users = ranked
        .iter()
        .cloned()
        .filter_map(|(id, followers)| {
            let member = members.iter().find(|m| m.user.id == id)?;
            Some(top_user(id, followers, Some(&member.user)))
        })
        .collect();
    state.metrics.hops(timing.entries());
    let body = TopUsersResponse { users, partial: None };
    Ok(([("Server-Timing", timing.header_value())], Json(body)).into_response())
}
