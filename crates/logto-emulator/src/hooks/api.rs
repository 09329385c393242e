//! `/api/hooks`: the webhooks Management API (`routes/hook.ts` of Logto 1.42; recorded 204–215).

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::deliver;
use crate::error::ApiError;
use crate::management::guard::{self, Field, Kind};
use crate::management::pagination::ListRequest;
use crate::model::Hook;
use crate::state::AppState;
use crate::tenant::{HookPatch, NewHook};

/// `hookConfigGuard`: Logto takes any text as the URL (a delivery to one that is not a URL fails
/// and is logged as such), string-valued headers, and the deprecated `retries` (0–3, ignored).
const CONFIG: Kind = Kind::Nested(&[
    Field::required("url", guard::ANY_STRING),
    Field::optional("headers", Kind::Object),
    Field::optional("retries", Kind::Number),
]);
const NEW_HOOK: &[Field] = &[
    Field::optional("name", guard::string(1, 256)),
    Field::optional("event", Kind::Enum(super::EVENTS)),
    Field::optional("events", Kind::Strings { min: 0 }),
    Field::required("config", CONFIG),
    Field::optional("enabled", Kind::Bool),
];
const HOOK_CHANGES: &[Field] = &[
    Field::optional("name", guard::string(0, 256)),
    Field::optional("event", Kind::Enum(super::EVENTS)),
    Field::optional("events", Kind::Strings { min: 0 }),
    Field::optional("config", CONFIG),
    Field::optional("enabled", Kind::Bool),
];
const TEST: &[Field] = &[Field::required("events", Kind::Strings { min: 1 }), Field::required("config", CONFIG)];

#[derive(Deserialize, Default)]
struct Config {
    url: String,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    retries: Option<u64>,
}

#[derive(Deserialize)]
struct HookBody {
    #[serde(default)]
    name: Option<String>,
    /// The legacy single event (Logto's first hooks API).
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    events: Option<Vec<String>>,
    #[serde(default)]
    config: Option<Config>,
    #[serde(default)]
    enabled: Option<bool>,
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_exists_with_id("hooks", id)
}

/// Every event must be one of Logto's, and there must be one at least.
fn missing_events() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "hook.missing_events", "You need to provide at least one event.")
}

fn check_events(events: &[String]) -> Result<(), ApiError> {
    if events.is_empty() {
        return Err(missing_events());
    }
    let unknown: Vec<Value> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| !super::EVENTS.contains(&e.as_str()))
        .map(|(i, e)| {
            json!({"received": e, "code": "invalid_enum_value", "options": super::EVENTS, "path": ["events", i],
                   "message": format!("Invalid enum value. Expected one of Logto's hook events, received '{e}'")})
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(guard::invalid_input(unknown))
    }
}

/// `GET /api/hooks[?includeExecutionStats=true]` (paged when asked).
pub async fn list(State(state): State<AppState>, OriginalUri(uri): OriginalUri) -> Result<Response, ApiError> {
    let list = ListRequest::optionally_paged(uri)?;
    let stats = list.params.get("includeExecutionStats").ok().flatten() == Some("true");
    let hooks: Vec<Hook> = state.tenant.read(|store| store.hooks.clone());
    let hooks = hooks
        .iter()
        .map(|h| {
            let mut v = h.to_api_json();
            if stats {
                v["executionStats"] = state.deliveries.stats(&h.id);
            }
            v
        })
        .collect();
    Ok(list.answer(&state.endpoint, hooks))
}

/// `POST /api/hooks` → 201 with the hook and its signing key.
pub async fn create(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    // `routes/hook.ts` asks for events before it looks at the rest (its guard takes any URL text).
    let raw: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if raw.is_object() && raw.get("events").is_none() && raw.get("event").is_none() {
        return Err(missing_events());
    }
    let new: HookBody = guard::body(&body, NEW_HOOK)?;
    let events = new.events.unwrap_or_default();
    if new.event.is_none() || !events.is_empty() {
        check_events(&events)?;
    }
    let config = new.config.unwrap_or_default();
    let new = NewHook {
        event: new.event,
        retries: config.retries,
        name: new.name.unwrap_or_default(),
        events,
        url: config.url,
        headers: config.headers,
        enabled: new.enabled.unwrap_or(true),
        signing_key: None,
    };
    let hook = state.tenant.create_hook(new, state.clock.now_ms())?;
    Ok((StatusCode::CREATED, Json(hook.to_api_json())))
}

/// `GET /api/hooks/{id}[?includeExecutionStats=true]`.
pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Json<Value>, ApiError> {
    let mut hook = state.tenant.read(|store| store.hook(&id).map(Hook::to_api_json)).ok_or_else(|| not_found(&id))?;
    let params = crate::request::Params::from_query(uri.query());
    if params.get("includeExecutionStats").ok().flatten() == Some("true") {
        hook["executionStats"] = state.deliveries.stats(&id);
    }
    Ok(Json(hook))
}

/// `PATCH /api/hooks/{id}`: changes the given fields.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let changes: HookBody = guard::body(&body, HOOK_CHANGES)?;
    if let Some(events) = &changes.events {
        check_events(events)?;
    }
    let patch = HookPatch {
        name: changes.name,
        events: changes.events,
        config: changes.config.map(|c| (c.url, c.headers, c.retries)),
        enabled: changes.enabled,
        event: changes.event,
    };
    let hook = state.tenant.update_hook(&id, patch)?;
    Ok(Json(hook.to_api_json()))
}

/// `PATCH /api/hooks/{id}/signing-key`: a new signing key; the old one stops being used.
pub async fn new_signing_key(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    Ok(Json(state.tenant.new_hook_signing_key(&id)?.to_api_json()))
}

/// `DELETE /api/hooks/{id}`.
pub async fn delete(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if !state.tenant.delete_hook(&id)? {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/hooks/{id}/test`: a fake payload for each event, signed with the hook's key, sent now to
/// the given URL; 204 when the endpoint took it. Test deliveries are not logged (recorded, 214).
pub async fn test(State(state): State<AppState>, Path(id): Path<String>, body: Bytes) -> Result<StatusCode, ApiError> {
    let request: HookBody = guard::body(&body, TEST)?;
    let events = request.events.unwrap_or_default();
    check_events(&events)?;
    let mut hook = state.tenant.read(|store| store.hook(&id).cloned()).ok_or_else(|| not_found(&id))?;
    let config = request.config.unwrap_or_default();
    hook.url = config.url;
    hook.headers = config.headers;
    let http = reqwest::Client::builder().timeout(deliver::TIMEOUT).build().unwrap_or_default();
    for event in events {
        let payload = json!({
            "event": event, "hookId": hook.id, "createdAt": super::trigger::iso8601(state.clock.now_ms()),
            "userAgent": "fake-user-agent", "path": "/fake-path/:id", "method": "POST", "status": 200,
            "params": {"id": "fake-id"}, "data": {"result": "success"},
        });
        match deliver::post(&http, &hook, &payload.to_string()).await {
            Ok((status, _)) if (200..300).contains(&status) => {}
            Ok((status, body)) => {
                return Err(ApiError::unprocessable(
                    "hook.endpoint_responded_with_error",
                    "Endpoint responded with error.",
                )
                .with_data(json!({"responseStatus": status, "responseBody": body})))
            }
            Err(message) => {
                return Err(ApiError::unprocessable(
                    "hook.send_test_payload_failed",
                    format!("Failed to send test payload: {message}"),
                ))
            }
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/hooks/{id}/recent-logs` (paged): the deliveries' outcomes, newest first.
pub async fn recent_logs(
    State(state): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> Result<Response, ApiError> {
    let list = ListRequest::paged(uri)?;
    state.tenant.read(|store| store.hook(&id).is_some()).then_some(()).ok_or_else(|| not_found(&id))?;
    // `logKey=TriggerHook.<event>` keeps one event's deliveries (`routes/hook.ts`).
    let key = list.params.get("logKey").ok().flatten().map(String::from);
    let mut logs = state.deliveries.logs(&id);
    if let Some(key) = key {
        logs.retain(|log| log["key"] == key.as_str());
    }
    Ok(list.answer(&state.endpoint, logs))
}
