//! The hooks a sign-in page fires itself (Logto's interaction hooks, `libraries/hook/`):
//! `User.Created` with `interactionEvent: "Register"` when an account is made, then
//! `PostRegister`; `PostSignIn` when someone signs in with a password; `Grant.LimitExceeded`
//! when a sign-in revokes grants past an app's `maxAllowedGrants`. Payloads as recorded from
//! Logto 1.42 (`tests/fidelity/org-admin/420-*`, `421-*`).

use serde_json::{json, Value};

use crate::model::{Application, User};
use crate::state::AppState;

/// Where an interaction happened: its id (Logto's `sessionId`: the interaction's, never the
/// browser's session cookie), the browser's address and agent, the application signing in.
pub struct Interaction<'a> {
    /// The interaction id.
    pub id: &'a str,
    /// The browser's IP address.
    pub ip: String,
    /// Its `User-Agent`.
    pub user_agent: Option<String>,
    /// The application it signs in to.
    pub application: Option<Application>,
}

impl Interaction<'_> {
    fn application_json(&self) -> Value {
        self.application.as_ref().map_or(
            Value::Null,
            |a| json!({"id": a.id, "type": a.app_type, "name": a.name, "description": a.description}),
        )
    }
}

/// The user as hook payloads carry them (no `hasPassword`).
fn user_json(user: &User) -> Value {
    let mut v = user.to_api_json();
    v.as_object_mut().map(|o| o.remove("hasPassword"));
    v
}

fn enqueue(state: &AppState, event: &str, payload: Value) {
    let hooks = state.tenant.read(|store| store.hooks_for(event));
    let now_ms = state.clock.now_ms();
    for hook in hooks {
        let mut payload = payload.clone();
        payload["hookId"] = json!(hook.id);
        state.deliveries.enqueue(hook, event, payload.to_string(), now_ms);
    }
}

/// `User.Created` for an account made in `interaction` (the data hook, `interactionEvent:
/// "Register"`).
pub fn user_created(state: &AppState, interaction: &Interaction<'_>, user: &User) {
    let mut payload = json!({
        "event": "User.Created",
        "createdAt": super::trigger::iso8601(state.clock.now_ms()),
        "interactionEvent": "Register",
        "sessionId": interaction.id,
        "ip": interaction.ip,
        "application": interaction.application_json(),
        "data": user_json(user),
    });
    if let Some(app) = &interaction.application {
        payload["applicationId"] = json!(app.id);
    }
    if let Some(agent) = &interaction.user_agent {
        payload["userAgent"] = json!(agent);
    }
    enqueue(state, "User.Created", payload);
}

/// `PostRegister` or `PostSignIn` (`event`) for `user`, as signed in by `interaction`.
pub fn post_interaction(state: &AppState, event: &str, interaction: &Interaction<'_>, user: &User) {
    let interaction_event = if event == "PostRegister" { "Register" } else { "SignIn" };
    let mut payload = json!({
        "event": event,
        "interactionEvent": interaction_event,
        "createdAt": super::trigger::iso8601(state.clock.now_ms()),
        "sessionId": interaction.id,
        "userId": user.id,
        "userIp": interaction.ip,
        "user": user_json(user),
        "application": interaction.application_json(),
    });
    if let Some(agent) = &interaction.user_agent {
        payload["userAgent"] = json!(agent);
    }
    enqueue(state, event, payload);
}

/// `Grant.LimitExceeded` (Logto's `triggerEvent`): a sign-in took the user past the app's
/// `maxAllowedGrants` and the oldest grants were revoked.
pub fn grant_limit_exceeded(
    state: &AppState,
    user_id: &str,
    application_id: &str,
    max_allowed_grants: usize,
    revoked: &crate::tenant::GrantsRevoked,
) {
    let application = state.tenant.read(|store| store.applications.get(application_id).cloned());
    let mut payload = json!({
        "event": "Grant.LimitExceeded",
        "createdAt": super::trigger::iso8601(state.clock.now_ms()),
        "userId": user_id,
        "applicationId": application_id,
        "revokedGrantIds": revoked.grant_ids,
        "maxAllowedGrants": max_allowed_grants,
        "preRevocationActiveGrantCount": revoked.active_before,
    });
    if let Some(a) = application {
        payload["application"] = json!({"id": a.id, "type": a.app_type, "name": a.name, "description": a.description});
    }
    enqueue(state, "Grant.LimitExceeded", payload);
}
