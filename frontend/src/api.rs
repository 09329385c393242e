//! Calls to the backend through `Logto::fetch` (bearer token for the API resource, one retry on 401),
//! with every failure turned into words a person can act on.

use gloo_net::http::Response;
use leptos::prelude::Set;
use logto_leptos::{ApiRequest, FetchError, Logto};
use serde_json::Value;
use shared::{server_timing, ErrorCode, FollowResponse, FollowingResponse, TopUsersResponse};

use crate::config::{API_BASE, API_RESOURCE, READ_TOP_USERS, WRITE_FOLLOWS};
use crate::organizations::Listing;
use crate::trace::{LastTrace, Trace};

/// The ten most-followed users of `listing`; the call is remembered for the sequence view.
pub async fn top_users(logto: Logto, last: LastTrace, listing: &Listing) -> Result<TopUsersResponse, String> {
    let path = listing.path();
    let sent = js_sys::Date::now();
    let fetched =
        logto.fetch(listing.token_for(), ApiRequest::get(format!("{API_BASE}{path}"))).await.map_err(explain_fetch)?;
    let round_trip_ms = js_sys::Date::now() - sent - fetched.token.elapsed_ms;
    let hops = fetched.response.headers().get("server-timing").map(|h| server_timing::parse(&h)).unwrap_or_default();
    last.0.set(Some(Trace {
        method: "GET",
        path,
        organization_id: listing.organization_id().map(str::to_string),
        token_source: fetched.token.source,
        token_ms: fetched.token.elapsed_ms,
        round_trip_ms,
        status: fetched.response.status(),
        retried: fetched.retried,
        hops,
    }));
    match listing {
        Listing::Everyone => json_or_explain(fetched.response, READ_TOP_USERS).await,
        Listing::Organization(_) => json_or_explain_in_organization(fetched.response).await,
    }
}

/// Which of `ids` the user follows.
pub async fn following(logto: Logto, ids: &[String]) -> Result<Vec<String>, String> {
    let url = format!("{API_BASE}/api/me/following?ids={}", ids.join(","));
    let fetched = logto.fetch(API_RESOURCE, ApiRequest::get(url)).await.map_err(explain_fetch)?;
    json_or_explain::<FollowingResponse>(fetched.response, READ_TOP_USERS).await.map(|r| r.following)
}

/// Follows (or stops following) `id`; the answer carries the new follower count.
pub async fn set_following(logto: Logto, id: &str, follow: bool) -> Result<FollowResponse, String> {
    let url = format!("{API_BASE}/api/users/{id}/follow");
    let request = if follow { ApiRequest::post(url) } else { ApiRequest::delete(url) };
    let fetched = logto.fetch(API_RESOURCE, request).await.map_err(explain_fetch)?;
    json_or_explain(fetched.response, WRITE_FOLLOWS).await
}

pub fn explain_fetch(e: FetchError) -> String {
    match e {
        FetchError::Network(_) => {
            "The backend cannot be reached right now. Check that it is running, then try again.".into()
        }
        FetchError::Auth(e) => e.to_string(),
    }
}

/// [`json_or_explain`] where a 403 means the organization role lacks the permission.
async fn json_or_explain_in_organization<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, String> {
    if response.status() != 403 {
        return json_or_explain(response, READ_TOP_USERS).await;
    }
    let message = response.json::<Value>().await.ok().and_then(|b| b["message"].as_str().map(str::to_string));
    Err(format!(
        "Your role in this organization does not grant the {READ_TOP_USERS} permission. An administrator can give you \
         an organization role that has it (member or admin) in Logto's Console, under Organizations → this \
         organization → Members; then sign in again. ({})",
        message.unwrap_or_default()
    ))
}

async fn json_or_explain<T: serde::de::DeserializeOwned>(response: Response, scope: &str) -> Result<T, String> {
    let status = response.status();
    if response.ok() {
        return response.json().await.map_err(|e| format!("The backend sent an answer this app cannot read: {e}"));
    }
    // The backend answers `{code, message}`; a proxy in front of a stopped backend answers anything.
    let body: Option<Value> = response.json().await.ok();
    let code = body.as_ref().and_then(|b| b["code"].as_str()).and_then(ErrorCode::parse);
    let message = body.as_ref().and_then(|b| b["message"].as_str()).unwrap_or_default().to_string();
    Err(match (status, code) {
        (401, Some(ErrorCode::AuthOpaqueToken)) => format!(
            "The backend got an opaque access token, which only Logto's /oidc/me accepts; this app must ask Logto \
             for a token for {API_RESOURCE}. ({message})"
        ),
        (401, _) => format!(
            "The backend did not accept your sign-in even with a fresh token. Sign out and in again. ({message})"
        ),
        (403, _) => format!(
            "Your account lacks the {scope} permission for this. An administrator can give you the User role in Logto; \
             then sign in again. ({message})"
        ),
        // The backend always answers errors in JSON: anything else came from a proxy in front of it.
        (500..=599, _) if body.is_none() => format!(
            "The backend cannot be reached right now (HTTP {status} from the proxy in front of it). Check that it \
             is running, then try again."
        ),
        _ if message.is_empty() => format!("The backend failed (HTTP {status})."),
        _ => format!("The backend refused the request (HTTP {status}): {message}"),
    })
}
