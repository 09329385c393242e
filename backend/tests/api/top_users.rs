use shared::TopUsersResponse;

use crate::helpers::{parts, spawn_app, spawn_app_with};

#[tokio::test]
async fn a_signed_in_user_gets_ten_enriched_users_in_follower_order() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice").await;
    let response = app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await;
    assert_eq!(response.status(), 200);
    let body: TopUsersResponse = response.json().await.unwrap();
    assert_eq!(body.users.len(), 10);
    assert!(body.users.windows(2).all(|w| w[0].followers > w[1].followers), "{:?}", body.users);
    // The demo data's most-followed user, with the profile the emulator's Management API holds.
    let first = &body.users[0];
    assert_eq!((first.username.as_deref(), first.followers), (Some("grace"), 24));
    assert_eq!(first.name.as_deref(), Some("Grace Example"));
    for user in &body.users {
        assert!(user.name.is_some() && user.username.is_some(), "not enriched: {user:?}");
        if let Some(avatar) = user.avatar.as_deref() {
            assert!(avatar.starts_with(&app.emulator.endpoint), "avatar served by the emulator: {avatar}");
        }
    }
    // Logto's default is no avatar: the seed's zoe and kim have none, and the list says so (null).
    let without: Vec<_> =
        body.users.iter().filter(|u| u.avatar.is_none()).filter_map(|u| u.username.as_deref()).collect();
    assert_eq!(without, ["zoe", "kim"], "{:?}", body.users);
}

#[tokio::test]
async fn the_m2m_token_is_reused_across_requests() {
    // Profile caching off, so that every call reaches the Management API and needs the token.
    let app = spawn_app_with(|c| c.profile_cache_seconds = 0).await;
    let alice = app.sign_in("alice").await;
    let bearer = format!("Bearer {}", alice.access_token());
    let token_calls = || app.emulator.state.request_log().iter().filter(|r| r.path == "/oidc/token").count();
    let before = token_calls();
    for _ in 0..3 {
        assert_eq!(app.get_top_users(Some(&bearer)).await.status(), 200);
    }
    assert_eq!(token_calls() - before, 1, "one client-credentials request for three API calls");
    let searches = app.emulator.state.request_log().iter().filter(|r| r.path == "/api/users").count();
    assert_eq!(searches, 3, "one Management API request per API call, for all ten users");
}

#[tokio::test]
async fn a_management_api_failure_gives_a_partial_list_with_a_fixed_reason_and_the_request_id() {
    let app = spawn_app_with(|c| c.m2m_app_secret = "wrong-secret".into()).await;
    let alice = app.sign_in("alice").await;
    let r = app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await;
    let request_id = r.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let (status, _, body) = parts(r).await;
    assert_eq!(status, 200, "never a bare 5xx: the list from the database, marked partial");
    assert_eq!(body["users"].as_array().unwrap().len(), 10);
    assert!(body["users"][0]["name"].is_null());
    // The answer says what (a fixed reason); why (Logto's invalid_client) is logged under the id.
    assert_eq!(body["partial"], backend::profiles::PARTIAL_LOGTO_FAILED);
    assert!(!request_id.is_empty(), "the request id to look the cause up in the log");
    assert!(!body.to_string().contains("wrong-secret") && !body.to_string().contains("invalid_client"), "{body}");
}

#[tokio::test]
async fn healthz_answers() {
    let app = spawn_app().await;
    let r = app.http.get(format!("{}/healthz", app.backend)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn cors_allows_the_spa_origin_only() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, format!("{}/api/top-users", app.backend))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let allowed = preflight("http://localhost:8080").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "http://localhost:8080");
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn requests_get_an_id_and_large_bodies_and_headers_are_refused() {
    let app = spawn_app().await;
    let r = app.http.get(format!("{}/healthz", app.backend)).send().await.unwrap();
    assert!(!r.headers()["x-request-id"].is_empty());
    let r =
        app.http.get(format!("{}/healthz", app.backend)).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-42", "a caller's id is kept");
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let r = app
        .http
        .post(format!("{}/api/users/abc/follow", app.backend))
        .bearer_auth(alice.access_token())
        .header("Origin", "http://localhost:8080")
        .body(vec![b'x'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // JSON like every refusal, and readable by the SPA's page (it was text/plain without CORS).
    assert_eq!(r.headers()["access-control-allow-origin"], "http://localhost:8080");
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "request.body_too_large");
    let r = app
        .http
        .get(format!("{}/healthz", app.backend))
        .header("x-padding", "p".repeat(20 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 431);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "request.headers_too_large");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = spawn_app().await;
    let doc: serde_json::Value =
        app.http.get(format!("{}/api/openapi.json", app.backend)).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/top-users", "/api/users/{id}/follow", "/healthz", "/readyz"] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(doc["paths"]["/api/top-users"]["get"]["security"][0]["logto"][0], "read:top-users");
    assert!(doc["components"]["schemas"]["TopUsersResponse"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["logto"]["scheme"], "bearer");
}
