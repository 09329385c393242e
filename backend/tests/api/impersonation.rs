//! Impersonation (issue 27): a token made by Logto's token exchange with an actor token carries
//! `act`; the backend serves its reads and refuses its writes unless `IMPERSONATION_WRITES=allow`.
//! Tokens from a real exchange against the emulator (subject token, actor's opaque token).

use serde_json::{json, Value};

use crate::helpers::{parts, spawn_app, spawn_app_with, LogCapture, TestApp};

/// An access token for the API standing for `subject`, with `actor` acting (their own sign-in's
/// opaque token), through an app allowed to exchange tokens.
async fn impersonation_token(app: &TestApp, subject: &str, actor: &str) -> String {
    let endpoint = &app.emulator.endpoint;
    let admin = demo_tenant::mint_admin_token(endpoint).await.unwrap();
    let http = reqwest::Client::new();
    let post =
        |path: &str, body: Value| http.post(format!("{endpoint}/api{path}")).bearer_auth(&admin).json(&body).send();
    let exchanger: Value = post(
        "/applications",
        json!({"name": "support console", "type": "SPA",
        "customClientMetadata": {"allowTokenExchange": true},
        "oidcClientMetadata": {"redirectUris": ["http://localhost:8480/cb"], "postLogoutRedirectUris": []}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let subject_id = app.emulator.state.tenant.read(|s| s.user_by_identifier(subject).unwrap().id.clone());
    let subject_token: Value =
        post("/subject-tokens", json!({"userId": subject_id})).await.unwrap().json().await.unwrap();
    let actor =
        demo_tenant::sign_in(endpoint, actor, demo_tenant::DEMO_PASSWORD, "openid profile offline_access", None)
            .await
            .unwrap();
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        ("client_id", exchanger["id"].as_str().unwrap()),
        ("subject_token", subject_token["subjectToken"].as_str().unwrap()),
        ("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ("actor_token", actor.opaque_access_token()),
        ("actor_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ("resource", demo_tenant::API_RESOURCE),
        ("scope", "read:top-users write:follows"),
    ];
    let body: Value =
        http.post(format!("{endpoint}/oidc/token")).form(&form).send().await.unwrap().json().await.unwrap();
    body["access_token"].as_str().unwrap_or_else(|| panic!("no token: {body}")).to_string()
}

async fn follow(app: &TestApp, token: &str, username: &str) -> reqwest::Response {
    let id = app.emulator.state.tenant.read(|s| s.user_by_identifier(username).unwrap().id.clone());
    app.http.post(format!("{}/api/users/{id}/follow", app.backend)).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn support_staff_read_as_the_user_and_write_nothing_by_default() {
    let app = spawn_app().await;
    let token = impersonation_token(&app, "alice", "grace").await;
    let logs = LogCapture::start();
    assert_eq!(app.get_top_users(Some(&format!("Bearer {token}"))).await.status(), 200, "reads go through");
    // The log says who acted for whom, and nothing of the token.
    let id = |name: &str| app.emulator.state.tenant.read(|s| s.user_by_identifier(name).unwrap().id.clone());
    let text = logs.text();
    let line = text.lines().find(|l| l.contains("impersonated request")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(&format!("actor={}", id("grace"))) && line.contains(&format!("subject={}", id("alice"))));
    assert!(!text.contains(&token), "no token in the log");
    let (status, challenge, body) = parts(follow(&app, &token, "bob").await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.impersonation_refused")), "{body}");
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    // The user's own token still writes.
    let own = app.sign_in_with("alice", "openid profile offline_access read:top-users write:follows").await;
    assert_eq!(follow(&app, own.access_token(), "bob").await.status(), 200);
}

#[tokio::test]
async fn writes_under_impersonation_follow_the_setting() {
    let app = spawn_app_with(|c| c.impersonation_writes = backend::config::ImpersonationWrites::Allow).await;
    let token = impersonation_token(&app, "alice", "grace").await;
    assert_eq!(follow(&app, &token, "bob").await.status(), 200);
}
