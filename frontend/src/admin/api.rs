//! The admin pages' calls to the backend: an organization's members, the administration writes
//! (with an organization token for it), and an invitation (without a token, then accepted with the
//! API token). Every refusal is turned into words a person can act on.

use gloo_net::http::Response;
use logto_leptos::{ApiRequest, Logto, TokenFor};
use serde_json::Value;
use shared::{ErrorCode, InvitationSummary, MembersResponse};

use crate::api::explain_fetch;
use crate::config::{API_BASE, API_RESOURCE};

/// An organization's members (an organization token for it: `read:members`).
pub async fn members(logto: Logto, org: &str) -> Result<MembersResponse, String> {
    let url = format!("{API_BASE}/api/organizations/{org}/members?page_size=100");
    let fetched = logto.fetch(TokenFor::organization(org), ApiRequest::get(url)).await.map_err(explain_fetch)?;
    admin_answer(fetched.response).await
}

/// An organization admin's write; `Ok` carries the answer's JSON when it has one.
pub async fn admin_write(logto: Logto, org: &str, request: ApiRequest) -> Result<(), String> {
    let fetched = logto.fetch(TokenFor::organization(org), request).await.map_err(explain_fetch)?;
    if fetched.response.ok() {
        return Ok(());
    }
    admin_answer::<Value>(fetched.response).await.map(|_| ())
}

/// `POST`, `PUT` and `DELETE` of the Members page, on `/api/organizations/{org}{path}`.
pub fn admin_request(method: &str, org: &str, path: &str) -> ApiRequest {
    let url = format!("{API_BASE}/api/organizations/{org}{path}");
    match method {
        "POST" => ApiRequest::post(url),
        "PUT" => ApiRequest::put(url),
        _ => ApiRequest::delete(url),
    }
}

/// What the invitee's page may know of an invitation (no token).
pub async fn invitation(id: &str) -> Result<InvitationSummary, String> {
    let response = gloo_net::http::Request::get(&format!("{API_BASE}/api/invitations/{id}"))
        .send()
        .await
        .map_err(|_| "The backend cannot be reached right now. Try again shortly.".to_string())?;
    admin_answer(response).await
}

/// Accepts an invitation as the signed-in user.
pub async fn accept(logto: Logto, id: &str) -> Result<InvitationSummary, String> {
    let request = ApiRequest::post(format!("{API_BASE}/api/invitations/{id}/accept"));
    let fetched = logto.fetch(API_RESOURCE, request).await.map_err(explain_fetch)?;
    admin_answer(fetched.response).await
}

/// The answer of an administration call, or its refusal in words a person can act on.
async fn admin_answer<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, String> {
    if response.ok() {
        return response.json().await.map_err(|_| "The backend sent an answer this app cannot read.".to_string());
    }
    let status = response.status();
    let body: Option<Value> = response.json().await.ok();
    let code = body.as_ref().and_then(|b| b["code"].as_str()).and_then(ErrorCode::parse);
    let message = body.as_ref().and_then(|b| b["message"].as_str()).unwrap_or_default().to_string();
    Err(match code {
        Some(ErrorCode::AuthInsufficientScope) => {
            "Your role in this organization does not let you do this. An admin of the organization can change it."
                .into()
        }
        Some(ErrorCode::AuthPermissionRevoked) => {
            "Your role in this organization changed since you signed in: sign out and in again.".into()
        }
        // The backend's other refusals are written for people already.
        Some(_) if !message.is_empty() => message,
        _ if status >= 500 => "The backend cannot be reached right now. Try again shortly.".into(),
        _ => format!("The backend refused the request (HTTP {status})."),
    })
}
