//! Calls to the backend, with the access token for the API resource.

use gloo_net::http::Request;
use shared::{ErrorBody, TopUsersResponse};

use crate::auth::Auth;
use crate::config::API_BASE;

/// The top users, or a message that says what went wrong and what to do.
pub async fn top_users(auth: Auth) -> Result<TopUsersResponse, String> {
    let token = auth.access_token().await.map_err(|e| e.to_string())?;
    let response = Request::get(&format!("{API_BASE}/api/top-users"))
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(|e| format!("The backend could not be reached: {e}"))?;
    if response.ok() {
        return response.json().await.map_err(|e| format!("The backend sent an unexpected answer: {e}"));
    }
    let status = response.status();
    let detail = response.json::<ErrorBody>().await.map(|b| b.message).unwrap_or_else(|_| format!("HTTP {status}"));
    Err(match status {
        401 => format!("The backend did not accept your sign-in: {detail}"),
        403 => format!(
            "Your account may not see this list: it lacks the read:top-users permission (ask an administrator for the User role). {detail}"
        ),
        _ => format!("The backend failed ({status}): {detail}"),
    })
}
