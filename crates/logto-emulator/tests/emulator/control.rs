//! The control API (`/_emulator`): mint, reset, key rotation, grant revocation, clock, request log,
//! fault injection.

use std::time::{Duration, Instant};

use demo_tenant::{API_RESOURCE, DEMO_PASSWORD, M2M_APP_ID, SPA_APP_ID};
use logto_emulator::testkit;
use logto_emulator::RunningEmulator;
use serde_json::{json, Value};

use crate::helpers::MGMT;

async fn control(emu: &RunningEmulator, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut r = reqwest::Client::new().request(method, format!("{}/_emulator{path}", emu.endpoint));
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn mint_admin(emu: &RunningEmulator) -> String {
    let (status, body) = control(
        emu,
        reqwest::Method::POST,
        "/tokens",
        Some(json!({"clientId": M2M_APP_ID, "resource": MGMT, "scopes": ["all"]})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

async fn users_status(emu: &RunningEmulator, token: &str) -> (u16, Value) {
    let r = reqwest::Client::new().get(format!("{}/api/users", emu.endpoint)).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn minted_tokens_work_and_the_clock_expires_them() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let admin = mint_admin(&emu).await;
    assert_eq!(users_status(&emu, &admin).await.0, 200);

    let alice = demo_tenant::seed().users.into_iter().find(|u| u.username == "alice").unwrap();
    let (_, user_token) = control(
        &emu,
        reqwest::Method::POST,
        "/tokens",
        Some(json!({"clientId": SPA_APP_ID, "resource": API_RESOURCE, "scopes": ["read:top-users"], "userId": alice.id, "ttl": 60})),
    )
    .await;
    assert_eq!(user_token["expires_in"], 60);
    let (status, body) =
        control(&emu, reqwest::Method::POST, "/tokens", Some(json!({"clientId": "nope", "resource": MGMT}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("guard.invalid_input")));

    let (_, clock) = control(&emu, reqwest::Method::POST, "/clock", Some(json!({"advanceMs": 2 * 3600 * 1000}))).await;
    assert_eq!(clock["offsetMs"], 2 * 3600 * 1000);
    let (status, body) = users_status(&emu, &admin).await;
    assert_eq!((status, body["data"]["code"].as_str()), (401, Some("ERR_JWT_EXPIRED")));
    let now = clock["nowMs"].as_i64().unwrap();
    let (_, clock) =
        control(&emu, reqwest::Method::POST, "/clock", Some(json!({"setMs": now - 2 * 3600 * 1000}))).await;
    assert!(clock["offsetMs"].as_i64().unwrap().abs() < 1000);
    assert_eq!(users_status(&emu, &admin).await.0, 200);
}

#[tokio::test]
async fn reset_returns_to_the_seed() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let admin = mint_admin(&emu).await;
    let created = reqwest::Client::new()
        .post(format!("{}/api/users", emu.endpoint))
        .bearer_auth(&admin)
        .json(&json!({"username": "temporary"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    let seeded = demo_tenant::seed().users.len();
    assert_eq!(emu.state.tenant.read(|s| s.users.len()), seeded + 1);
    assert_eq!(control(&emu, reqwest::Method::POST, "/reset", None).await.0, 200);
    assert_eq!(emu.state.tenant.read(|s| s.users.len()), seeded);
    assert_eq!(users_status(&emu, &admin).await.0, 200, "keys survive a reset");
}

#[tokio::test]
async fn rotation_keeps_tokens_of_the_previous_key_valid() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let before = mint_admin(&emu).await;
    let old_kid = emu.state.signing_key().kid().to_string();
    let (status, rotated) = control(&emu, reqwest::Method::POST, "/keys/rotate", None).await;
    assert_eq!(status, 200);
    assert_ne!(rotated["kid"].as_str(), Some(old_kid.as_str()));
    let jwks: Value = reqwest::get(format!("{}/oidc/jwks", emu.endpoint)).await.unwrap().json().await.unwrap();
    let kids: Vec<&str> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(kids, [rotated["kid"].as_str().unwrap(), old_kid.as_str()], "Current, then Previous");
    assert_eq!(users_status(&emu, &before).await.0, 200, "a token of the Previous key is still good");
    let after = mint_admin(&emu).await;
    assert_eq!(users_status(&emu, &after).await.0, 200);
}

#[tokio::test]
async fn revoking_a_users_grants_ends_their_refresh_tokens() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        DEMO_PASSWORD,
        "openid offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await
    .unwrap();
    let sub = {
        let payload = alice.access_token().split('.').nth(1).unwrap().to_string();
        use base64::Engine;
        let claims: Value =
            serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        claims["sub"].as_str().unwrap().to_string()
    };
    let (_, body) = control(&emu, reqwest::Method::POST, "/grants/revoke", Some(json!({"userId": sub}))).await;
    assert_eq!(body["revoked"], 1);
    let refreshed = testkit::refresh(&emu.endpoint, SPA_APP_ID, alice.refresh_token(), API_RESOURCE).await;
    assert!(refreshed.unwrap_err().contains("invalid_grant"));
}

#[tokio::test]
async fn faults_answer_as_configured_then_clear() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let admin = mint_admin(&emu).await;
    let post = |body: Value| control(&emu, reqwest::Method::POST, "/faults", Some(body));

    assert_eq!(post(json!({"path": "/api/users", "status": 503, "retryAfter": 7, "count": 1})).await.0, 201);
    let r = reqwest::Client::new().get(format!("{}/api/users", emu.endpoint)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["retry-after"].to_str().unwrap()), (503, "7"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "emulator.fault_injected");
    assert_eq!(users_status(&emu, &admin).await.0, 200, "count 1: the next request is served");

    post(json!({"path": "/oidc/token", "method": "POST", "oidcError": "invalid_grant", "count": 1})).await;
    let err = testkit::client_credentials(&emu.endpoint, M2M_APP_ID, demo_tenant::M2M_APP_SECRET, MGMT, "all")
        .await
        .unwrap_err();
    assert!(err.starts_with("400") && err.contains("oidc.invalid_grant"), "{err}");

    post(json!({"path": "/oidc/jwks", "delayMs": 300, "count": 1})).await;
    let started = Instant::now();
    assert_eq!(reqwest::get(format!("{}/oidc/jwks", emu.endpoint)).await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    post(json!({"path": "/api/users/*", "drop": true})).await;
    let cut = reqwest::Client::new().get(format!("{}/api/users/abc", emu.endpoint)).bearer_auth(&admin).send().await;
    let failed = match cut {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed, "the connection is cut");
    let (_, listed) = control(&emu, reqwest::Method::GET, "/faults", None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "the drop fault lasts until cleared");
    assert_eq!(control(&emu, reqwest::Method::DELETE, "/faults", None).await.0, 204);
    let r =
        reqwest::Client::new().get(format!("{}/api/users/abc", emu.endpoint)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), 404);

    let (status, _) = post(json!({"path": "/_emulator/reset", "status": 500})).await;
    assert_eq!(status, 400, "the control API cannot fault itself");
    let (status, _) = post(json!({"path": "/api/users"})).await;
    assert_eq!(status, 400, "a fault must do something");

    let (_, log) = control(&emu, reqwest::Method::GET, "/requests", None).await;
    assert!(log.as_array().unwrap().iter().any(|r| r["path"] == "/api/users" && r["status"] == 503));
}

#[tokio::test]
async fn a_session_started_without_the_sign_in_page_refreshes_like_a_real_one() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let scopes = json!(["openid", "profile", "offline_access", "read:top-users"]);
    let body = json!({"clientId": SPA_APP_ID, "username": "alice", "scopes": scopes, "resources": [API_RESOURCE]});
    let (status, session) = control(&emu, reqwest::Method::POST, "/sessions", Some(body)).await;
    assert_eq!(status, 200, "{session}");
    let id_claims: Value = {
        use base64::Engine;
        let payload = session["idToken"].as_str().unwrap().split('.').nth(1).unwrap().to_string();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    };
    assert_eq!((id_claims["aud"].as_str(), id_claims["username"].as_str()), (Some(SPA_APP_ID), Some("alice")));
    assert_eq!(id_claims["sub"], session["userId"]);

    let rt = session["refreshToken"].as_str().unwrap();
    let first = testkit::refresh(&emu.endpoint, SPA_APP_ID, rt, API_RESOURCE).await.unwrap();
    assert_eq!(first["scope"], "read:top-users");
    assert_ne!(first["refresh_token"], session["refreshToken"], "a public client's refresh token rotates");

    // Revocation ends it as it ends any grant.
    let (_, revoked) =
        control(&emu, reqwest::Method::POST, "/grants/revoke", Some(json!({"userId": session["userId"]}))).await;
    assert_eq!(revoked["revoked"], 1);
    let rotated = first["refresh_token"].as_str().unwrap();
    let after = testkit::refresh(&emu.endpoint, SPA_APP_ID, rotated, API_RESOURCE).await;
    assert!(after.unwrap_err().contains("invalid_grant"));

    // Bad requests say what is wrong.
    for (body, needle) in [
        (json!({"clientId": M2M_APP_ID, "username": "alice", "scopes": ["openid"]}), "sign users in"),
        (json!({"clientId": SPA_APP_ID, "username": "nobody", "scopes": ["openid"]}), "no such user"),
        (json!({"clientId": SPA_APP_ID, "username": "alice", "scopes": ["profile"]}), "openid"),
        (json!({"clientId": SPA_APP_ID, "scopes": ["openid"]}), "exactly one"),
        (
            json!({"clientId": SPA_APP_ID, "username": "alice", "scopes": ["openid"], "resources": ["https://x"]}),
            "https://x",
        ),
    ] {
        let (status, body) = control(&emu, reqwest::Method::POST, "/sessions", Some(body)).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["details"].as_str().unwrap().contains(needle), "{body}");
    }
}
