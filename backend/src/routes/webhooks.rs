//! `POST /api/webhooks/logto`: Logto's webhook deliveries. The signature (`logto-signature-sha-256`,
//! lowercase hex HMAC-SHA256 of the raw body keyed by the hook's signing key) is checked in constant
//! time before anything is read; a missing or wrong one is 401 and changes nothing. Each event is a
//! [`Change`] published to every replica ([`crate::invalidation`]):
//! - `User.Created`, `User.Data.Updated`, `User.SuspensionStatus.Updated`: the profile replaces the
//!   cached one (in the profile cache and in every organization's cached members), unless the cache
//!   holds a newer one or the user was deleted; a suspension (or its end) has the rankings read again;
//! - `User.Deleted`: the user's follows, both ways, go in one transaction (counts fixed), and every
//!   cache drops them;
//! - `Organization.Membership.Updated`, `Organization.Deleted`: the organization's members and
//!   ranking are read again on the next request;
//! - any other event: 204, ignored.
//!
//! Every effect is idempotent, and a late or repeated delivery changes nothing more.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use logto_management::User;
use serde::Deserialize;
use sha2::Sha256;
use shared::ErrorBody;

use crate::db;
use crate::error::ApiError;
use crate::invalidation::Change;
use crate::profiles::Put;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    event: String,
    #[serde(default)]
    data: Option<serde_json::Value>,
    /// `Organization.Membership.Updated`'s organization.
    #[serde(default)]
    organization_id: Option<String>,
    /// The matched route's parameters (`Organization.Deleted`: `id`).
    #[serde(default)]
    params: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Whether `signature` (hex) is the HMAC-SHA256 of `body` under `key`, compared in constant time.
pub fn signature_matches(key: &str, body: &[u8], signature: &str) -> bool {
    let Some(expected) = decode_hex(signature) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[utoipa::path(
    post,
    path = "/api/webhooks/logto",
    request_body(content = String, description = "A Logto webhook payload (JSON), signed in logto-signature-sha-256"),
    responses(
        (status = 204, description = "Taken (or an event this API ignores)"),
        (status = 400, description = "`guard.invalid_input`: the body is not a webhook payload", body = ErrorBody),
        (status = 401, description = "`webhook.invalid_signature`: the signature is missing or wrong", body = ErrorBody),
        (status = 503, description = "`webhook.not_configured`: no webhook signing key is configured (LOGTO_WEBHOOK_SIGNING_KEY)", body = ErrorBody),
    )
)]
pub async fn logto(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, ApiError> {
    let Some(key) = state.webhook_signing_key.as_ref().map(secrecy::ExposeSecret::expose_secret) else {
        return Err(ApiError::WebhooksOff);
    };
    let signature = headers.get("logto-signature-sha-256").and_then(|v| v.to_str().ok()).unwrap_or("");
    if !signature_matches(key, &body, signature) {
        return Err(ApiError::BadSignature);
    }
    let delivery: Delivery = serde_json::from_slice(&body)
        .map_err(|_| ApiError::InvalidQuery("The body is not a Logto webhook payload.".into()))?;
    let applied = apply(&state, &delivery).await?;
    log_applied(&delivery.event, &applied);
    Ok(StatusCode::NO_CONTENT)
}

/// What a delivery changed, for its log line.
#[derive(Debug, PartialEq, Eq)]
enum Applied {
    /// A profile from `User.Created`, `User.Data.Updated` or `User.SuspensionStatus.Updated`: what
    /// the profile cache did with it, and in how many organizations' cached members it changed.
    Profile { user: String, put: Put, organizations: usize },
    /// `User.Deleted`: the follows removed (both ways), and the user out of the caches.
    Deleted { user: String, follows: u64 },
    /// `Organization.Membership.Updated` or `Organization.Deleted`: its members and ranking dropped.
    Organization { organization: String },
    /// A user or organization event without the user or organization it is about.
    NoSubject,
    /// An event this API does not use.
    Ignored,
}

/// The id of the organization a delivery is about: `organizationId` (membership) or the route's `id`.
fn organization_of(delivery: &Delivery) -> Option<String> {
    let id =
        delivery.organization_id.clone().or_else(|| delivery.params.as_ref()?.get("id")?.as_str().map(String::from));
    // Logto's ids are short lowercase letters and digits; anything else is not one to act on.
    id.filter(|id| (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

async fn apply(state: &AppState, delivery: &Delivery) -> Result<Applied, ApiError> {
    let user = || delivery.data.clone().and_then(|d| serde_json::from_value::<User>(d).ok());
    Ok(match delivery.event.as_str() {
        "User.Created" | "User.Data.Updated" | "User.SuspensionStatus.Updated" => match user() {
            Some(user) => {
                let id = user.id.to_string();
                let applied = state.changes.publish(Change::Profile { user: Box::new(user) }).await;
                let put = applied.put.unwrap_or(Put::CacheOff);
                Applied::Profile { user: id, put, organizations: applied.organizations }
            }
            None => Applied::NoSubject,
        },
        "User.Deleted" => match user() {
            Some(user) => {
                let follows = db::forget_user(&state.db, &user.id).await?;
                state.changes.publish(Change::UserDeleted { id: user.id.to_string() }).await;
                Applied::Deleted { user: user.id.to_string(), follows }
            }
            None => Applied::NoSubject,
        },
        "Organization.Membership.Updated" | "Organization.Deleted" => match organization_of(delivery) {
            Some(organization) => {
                state.changes.publish(Change::Organization { id: organization.clone() }).await;
                Applied::Organization { organization }
            }
            None => Applied::NoSubject,
        },
        _ => Applied::Ignored,
    })
}

/// One line per delivery: the event, the user's or organization's id (never a profile), and what
/// changed. The event name is Logto's, logged only when it is one this API knows (a signed body,
/// but still input).
fn log_applied(event: &str, applied: &Applied) {
    match applied {
        Applied::Profile { user, put, organizations } => {
            let change = match put {
                Put::Replaced => "profile cache updated",
                Put::SuspensionChanged => "profile cache updated, suspension changed: rankings read again",
                Put::KeptNewer => "nothing: the cached profile is newer",
                Put::UserDeleted => "nothing: the user was deleted",
                Put::CacheOff => "nothing: the profile cache is off",
            };
            tracing::info!(event, user = %user, change, organizations, "webhook applied");
        }
        Applied::Deleted { user, follows } => {
            let change = "follows removed, caches dropped the user";
            tracing::info!(event, user = %user, follows_removed = follows, change, "webhook applied");
        }
        Applied::Organization { organization } => {
            let change = "the organization's members and ranking dropped";
            tracing::info!(event, organization = %organization, change, "webhook applied");
        }
        Applied::NoSubject => {
            tracing::warn!(event, change = "nothing: the payload names no subject", "webhook ignored")
        }
        Applied::Ignored => tracing::info!(change = "nothing: an event this API does not use", "webhook ignored"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Log lines written while `f` runs, as text.
    fn logged(f: impl FnOnce()) -> String {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let subscriber =
            tracing_subscriber::fmt().with_ansi(false).with_writer(move || Writer(writer.clone())).finish();
        tracing::subscriber::with_default(subscriber, f);
        let bytes = buffer.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    struct Writer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Writer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Issue 22, item 16: a delivery's log line says which event, which user (by id) and what it
    /// changed; it used to be a bare 204 line.
    #[test]
    fn a_delivery_logs_its_event_its_user_and_what_changed() {
        let line = logged(|| {
            log_applied(
                "User.Data.Updated",
                &Applied::Profile { user: "u1abc".into(), put: Put::Replaced, organizations: 1 },
            )
        });
        assert!(line.contains("event=\"User.Data.Updated\"") && line.contains("user=u1abc"), "{line}");
        assert!(line.contains("profile cache updated"), "{line}");
        let line = logged(|| log_applied("User.Deleted", &Applied::Deleted { user: "u2abc".into(), follows: 7 }));
        assert!(line.contains("user=u2abc") && line.contains("follows_removed=7"), "{line}");
        let line = logged(|| {
            log_applied(
                "User.Data.Updated",
                &Applied::Profile { user: "u3".into(), put: Put::KeptNewer, organizations: 0 },
            )
        });
        assert!(line.contains("the cached profile is newer"), "{line}");
        let line = logged(|| log_applied("<script>", &Applied::Ignored));
        assert!(line.contains("does not use") && !line.contains("<script>"), "{line}");
    }
}
