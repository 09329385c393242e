//! Which Management API calls fire which hook events (Logto's `managementApiHooksRegistration`, and
//! the membership and deletion events its routes fire themselves), and the payload they carry: the
//! answer's body, or, for a membership change and a deletion, the call's typed events
//! ([`crate::events`]: who joined and left, the user as stored).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::events::Event;
use crate::state::AppState;

/// `(method, the emulator's route under /api, event, Logto's matched route)`.
const REGISTRATIONS: &[(&str, &str, &str, &str)] = &[
    ("POST", "/users", "User.Created", "/users"),
    ("PATCH", "/users/{id}", "User.Data.Updated", "/users/:userId"),
    ("DELETE", "/users/{id}", "User.Deleted", "/users/:userId"),
    ("PATCH", "/users/{id}/password", "User.Data.Updated", "/users/:userId/password"),
    ("PATCH", "/users/{id}/custom-data", "User.Data.Updated", "/users/:userId/custom-data"),
    ("PATCH", "/users/{id}/profile", "User.Data.Updated", "/users/:userId/profile"),
    ("PATCH", "/users/{id}/is-suspended", "User.SuspensionStatus.Updated", "/users/:userId/is-suspended"),
    ("POST", "/roles", "Role.Created", "/roles"),
    ("DELETE", "/roles/{id}", "Role.Deleted", "/roles/:id"),
    ("PATCH", "/roles/{id}", "Role.Data.Updated", "/roles/:id"),
    ("POST", "/roles/{id}/scopes", "Role.Scopes.Updated", "/roles/:id/scopes"),
    ("DELETE", "/roles/{id}/scopes/{scope_id}", "Role.Scopes.Updated", "/roles/:id/scopes/:scopeId"),
    ("POST", "/resources/{id}/scopes", "Scope.Created", "/resources/:resourceId/scopes"),
    ("DELETE", "/resources/{id}/scopes/{scope_id}", "Scope.Deleted", "/resources/:resourceId/scopes/:scopeId"),
    ("PATCH", "/resources/{id}/scopes/{scope_id}", "Scope.Data.Updated", "/resources/:resourceId/scopes/:scopeId"),
    ("POST", "/organizations", "Organization.Created", "/organizations"),
    ("PATCH", "/organizations/{id}", "Organization.Data.Updated", "/organizations/:id"),
    ("DELETE", "/organizations/{id}", "Organization.Deleted", "/organizations/:id"),
    ("POST", "/organization-roles", "OrganizationRole.Created", "/organization-roles"),
    ("PATCH", "/organization-roles/{id}", "OrganizationRole.Data.Updated", "/organization-roles/:id"),
    ("DELETE", "/organization-roles/{id}", "OrganizationRole.Deleted", "/organization-roles/:id"),
    ("POST", "/organization-roles/{id}/scopes", "OrganizationRole.Scopes.Updated", "/organization-roles/:id/scopes"),
    ("PUT", "/organization-roles/{id}/scopes", "OrganizationRole.Scopes.Updated", "/organization-roles/:id/scopes"),
    (
        "DELETE",
        "/organization-roles/{id}/scopes/{scope_id}",
        "OrganizationRole.Scopes.Updated",
        "/organization-roles/:id/scopes/:organizationScopeId",
    ),
    ("POST", "/organization-scopes", "OrganizationScope.Created", "/organization-scopes"),
    ("PATCH", "/organization-scopes/{id}", "OrganizationScope.Data.Updated", "/organization-scopes/:id"),
    ("DELETE", "/organization-scopes/{id}", "OrganizationScope.Deleted", "/organization-scopes/:id"),
    ("POST", "/organizations/{id}/users", MEMBERSHIP, "/organizations/:id/users"),
    ("PUT", "/organizations/{id}/users", MEMBERSHIP, "/organizations/:id/users"),
    ("DELETE", "/organizations/{id}/users/{user_id}", MEMBERSHIP, "/organizations/:id/users/:userId"),
    ("POST", "/organizations/{id}/applications", MEMBERSHIP, "/organizations/:id/applications"),
    ("PUT", "/organizations/{id}/applications", MEMBERSHIP, "/organizations/:id/applications"),
    (
        "DELETE",
        "/organizations/{id}/applications/{app_id}",
        MEMBERSHIP,
        "/organizations/:id/applications/:applicationId",
    ),
    // Not in Logto's registration table: its route fires the event itself, when an invitation is
    // accepted (`appendDataHookContext` in routes/organization-invitation/index.ts).
    ("PUT", "/organization-invitations/{id}/status", MEMBERSHIP, INVITATION_STATUS),
];

const MEMBERSHIP: &str = "Organization.Membership.Updated";
const INVITATION_STATUS: &str = "/organization-invitations/:id/status";

/// Runs the Management API call and, when it succeeded and enabled hooks subscribe to its event,
/// queues their deliveries. The call's answer is not delayed by the deliveries.
pub async fn fire(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().trim_start_matches("/api").to_string());
    let registration = route
        .as_deref()
        .and_then(|route| REGISTRATIONS.iter().find(|(m, r, _, _)| *m == method.as_str() && *r == route).copied());
    let Some((_, _, event, logto_route)) = registration else { return next.run(request).await };
    let follow_up = follow_up(event);
    let (hooks, follow_up_hooks) =
        state.tenant.read(|store| (store.hooks_for(event), follow_up.map(|e| store.hooks_for(e)).unwrap_or_default()));
    if hooks.is_empty() && follow_up_hooks.is_empty() {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let values: Vec<String> = match RawPathParams::from_request_parts(&mut parts, &()).await {
        Ok(params) => params.iter().map(|(_, v)| v.to_string()).collect(),
        Err(_) => vec![],
    };
    let request = Request::from_parts(parts, body);
    let names = logto_route.split('/').filter_map(|s| s.strip_prefix(':'));
    let params: Map<String, Value> = names.zip(values.iter()).map(|(n, v)| (n.to_string(), json!(v))).collect();
    let path = request.uri().path().trim_start_matches("/api").to_string();
    let user_agent = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(String::from);
    let ip = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    let mut org = values.first().cloned().unwrap_or_default();

    // The call, and what its writes changed (typed events, exact even with other writes around).
    let (response, events) = crate::events::collect(next.run(request)).await;
    let status = response.status();
    if !status.is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    if logto_route == INVITATION_STATUS {
        // Only an acceptance changes a membership; the organization is the invitation's.
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if answer["status"] != "Accepted" {
            return Response::from_parts(parts, Body::from(bytes));
        }
        org = answer["organizationId"].as_str().unwrap_or_default().to_string();
    }
    let now_ms = state.clock.now_ms();
    let mut payload = json!({
        "event": event,
        "createdAt": iso8601(now_ms),
        "ip": ip,
        "path": path,
        "method": method.as_str(),
        "status": status.as_u16(),
        "params": params,
        "matchedRoute": logto_route,
    });
    if let Some(agent) = user_agent {
        payload["userAgent"] = json!(agent);
    }
    let deleted_user = events.iter().find_map(|e| match e {
        Event::UserDeleted { user } => Some(user.to_api_json()),
        _ => None,
    });
    if event == MEMBERSHIP {
        payload["organizationId"] = json!(org);
        let change = events.iter().find_map(|e| match e {
            Event::OrganizationMembershipUpdated {
                organization_id,
                added_user_ids,
                removed_user_ids,
                added_application_ids,
                removed_application_ids,
            } if *organization_id == org => {
                Some([added_user_ids, removed_user_ids, added_application_ids, removed_application_ids])
            }
            _ => None,
        });
        let keys = ["addedUserIds", "removedUserIds", "addedApplicationIds", "removedApplicationIds"];
        for (key, ids) in keys.into_iter().zip(change.into_iter().flatten()) {
            // Logto leaves empty deltas out.
            if !ids.is_empty() {
                payload[key] = json!(ids);
            }
        }
    } else if let Some(mut user) = deleted_user.filter(|_| event == "User.Deleted") {
        // Logto's deletion payload carries the user as stored, without `hasPassword` (recorded, 211).
        user.as_object_mut().map(|o| o.remove("hasPassword"));
        payload["data"] = user;
    } else if let Ok(data) = serde_json::from_slice::<Value>(&bytes) {
        payload["data"] = data;
    }
    let deliver = |hooks: Vec<crate::model::Hook>, event: &str, payload: &Value| {
        for hook in hooks {
            let mut payload = payload.clone();
            payload["hookId"] = json!(hook.id);
            state.deliveries.enqueue(hook, event, payload.to_string(), now_ms);
        }
    };
    let follow_up_payload = follow_up
        .filter(|_| !follow_up_hooks.is_empty())
        .and_then(|next| scopes_updated(&state, next, &payload, &events).map(|p| (next, p)));
    deliver(hooks, event, &payload);
    if let Some((next, payload)) = follow_up_payload {
        deliver(follow_up_hooks, next, &payload);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The event Logto's route appends after `event` when the creation also set scopes.
fn follow_up(event: &str) -> Option<&'static str> {
    match event {
        "Role.Created" => Some("Role.Scopes.Updated"),
        "OrganizationRole.Created" => Some("OrganizationRole.Scopes.Updated"),
        _ => None,
    }
}

/// `Role.Scopes.Updated` (`roleId`, the scopes as `data`) or `OrganizationRole.Scopes.Updated`
/// (`organizationRoleId`) for a role the call created with scopes, on the call's payload.
fn scopes_updated(state: &AppState, next: &str, base: &Value, events: &[Event]) -> Option<Value> {
    let mut payload = base.clone();
    payload["event"] = json!(next);
    payload.as_object_mut()?.remove("data");
    for e in events {
        match e {
            Event::RoleCreatedWithScopes { role_id, scope_ids } if next == "Role.Scopes.Updated" => {
                payload["roleId"] = json!(role_id);
                payload["data"] = state.tenant.read(|store| {
                    scope_ids
                        .iter()
                        .filter_map(|id| {
                            store
                                .resources
                                .iter()
                                .find_map(|r| r.scopes.iter().find(|s| &s.id == id).map(|s| r.scope_json(s)))
                        })
                        .collect()
                });
                return Some(payload);
            }
            Event::OrganizationRoleCreatedWithScopes { role_id } if next == "OrganizationRole.Scopes.Updated" => {
                payload["organizationRoleId"] = json!(role_id);
                return Some(payload);
            }
            _ => {}
        }
    }
    None
}

/// `2026-11-30T20:18:17.799Z` for a Unix time in milliseconds (UTC; the proleptic Gregorian calendar).
pub fn iso8601(ms: i64) -> String {
    let (secs, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_matches_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        // The recorded User.Created delivery (207) and its user's createdAt.
        assert_eq!(iso8601(1_796_069_897_799), "2026-11-30T20:18:17.799Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
