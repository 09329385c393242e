//! `POST`/`DELETE /api/users/{id}/follow`, `GET /api/me/following` and `/readyz`.

use serde_json::{json, Value};

use crate::helpers::{parts, spawn_app};

fn id_of(username: &str) -> String {
    demo_tenant::seed().users.into_iter().find(|u| u.username == username).unwrap().id
}

#[tokio::test]
async fn follow_and_unfollow_are_idempotent_and_checked() {
    let app = spawn_app().await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let url = |id: &str| format!("{}/api/users/{id}/follow", app.backend);
    let send = |method: reqwest::Method, id: String| {
        app.http.request(method, url(&id)).bearer_auth(alice.access_token()).send()
    };
    let trent = id_of("trent"); // nobody follows trent in the demo data
    for expected in [1, 1] {
        let (status, _, body) = parts(send(reqwest::Method::POST, trent.clone()).await.unwrap()).await;
        assert_eq!((status, body), (200, json!({"followers": expected, "following": true})));
    }
    for _ in 0..2 {
        let (status, _, body) = parts(send(reqwest::Method::DELETE, trent.clone()).await.unwrap()).await;
        assert_eq!((status, body), (200, json!({"followers": 0, "following": false})));
    }
    let (status, _, body) = parts(send(reqwest::Method::POST, id_of("alice")).await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("follows.self")));
    let (status, _, body) = parts(send(reqwest::Method::POST, "nosuchuser00".into()).await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("user.not_found")));

    // Without write:follows: 403, naming the scope.
    let reader = app.sign_in("alice").await;
    let r = app.http.post(url(&trent)).bearer_auth(reader.access_token()).send().await.unwrap();
    let (status, challenge, _) = parts(r).await;
    assert_eq!(status, 403);
    assert!(challenge.contains(r#"scope="write:follows""#), "{challenge}");

    // Logto down and the user not cached: 503, not a guess.
    reqwest::Client::new()
        .post(format!("{}/_emulator/faults", app.emulator.endpoint))
        .json(&json!({"path": "/api/users", "status": 500}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = parts(send(reqwest::Method::POST, id_of("kim")).await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("logto.unavailable")));
    let message = body["message"].as_str().unwrap();
    assert!(!message.contains(&id_of("kim")) && !message.contains("http"), "no echo, no internals: {message}");
}

#[tokio::test]
async fn following_names_which_of_the_asked_users_the_caller_follows() {
    let app = spawn_app().await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let (trent, kim) = (id_of("trent"), id_of("kim"));
    let following = |ids: String| {
        app.http.get(format!("{}/api/me/following?ids={ids}", app.backend)).bearer_auth(alice.access_token()).send()
    };
    let (status, _, before) = parts(following(format!("{trent},{kim}")).await.unwrap()).await;
    assert_eq!(status, 200, "{before}");
    assert!(!before["following"].as_array().unwrap().contains(&json!(trent)));
    let r = app
        .http
        .post(format!("{}/api/users/{trent}/follow", app.backend))
        .bearer_auth(alice.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, _, after) = parts(following(format!("{trent},{kim}")).await.unwrap()).await;
    assert!(after["following"].as_array().unwrap().contains(&json!(trent)), "{after}");
    assert_eq!(
        after["following"].as_array().unwrap().len(),
        before["following"].as_array().unwrap().len() + 1,
        "only the new follow was added"
    );

    // No ids, or too many: 400 with the Logto-shaped body.
    for ids in [String::new(), vec!["x"; 101].join(",")] {
        let (status, _, body) = parts(following(ids).await.unwrap()).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("guard.invalid_input")), "{body}");
    }
}

#[tokio::test]
async fn readyz_checks_the_database_and_the_issuers_keys() {
    let app = spawn_app().await;
    reqwest::Client::new()
        .post(format!("{}/_emulator/faults", app.emulator.endpoint))
        .json(&json!({"path": "/oidc/jwks", "status": 503}))
        .send()
        .await
        .unwrap();
    let r = app.http.get(format!("{}/readyz", app.backend)).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["database"].as_str(), body["code"].as_str()), (Some("ok"), Some("service.not_ready")));
    // Fixed words: the JWKS URL and the HTTP error are for the log.
    assert_eq!(body["jwks"], "the issuer's JWKS cannot be had", "{body}");
    reqwest::Client::new().delete(format!("{}/_emulator/faults", app.emulator.endpoint)).send().await.unwrap();
    // Once the JWKS answers again, the same backend is ready.
    let r = app.http.get(format!("{}/readyz", app.backend)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body, json!({"status": "ready", "database": "ok", "jwks": "ok"}));
}

#[tokio::test]
async fn a_follow_shows_in_the_next_top_list_despite_the_ranking_cache() {
    let app = spawn_app().await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let rupert = id_of("rupert"); // tenth in the demo data
    let url = format!("{}/api/users/{rupert}/follow", app.backend);
    let count_in_top = || async {
        let body: Value =
            app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await.json().await.unwrap();
        body["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == rupert.as_str())
            .map(|u| u["followers"].as_i64().unwrap())
    };
    let r: Value = app.http.delete(&url).bearer_auth(alice.access_token()).send().await.unwrap().json().await.unwrap();
    let without = r["followers"].as_i64().unwrap();
    assert_eq!(count_in_top().await, Some(without), "the list (now cached) shows the count");
    let r: Value = app.http.post(&url).bearer_auth(alice.access_token()).send().await.unwrap().json().await.unwrap();
    assert_eq!(r["followers"].as_i64(), Some(without + 1));
    assert_eq!(count_in_top().await, Some(without + 1), "the follow cleared the cached ranking");
}

/// Found as a new user would: axum's own refusals were text/plain or empty, and a 5,000-character id
/// cost a Management API lookup. Every refusal is `{code, message}` now, and never echoes the input.
#[tokio::test]
async fn every_refusal_is_json_and_ids_are_checked_before_logto_is_asked() {
    let app = spawn_app().await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let long = "a".repeat(5000);
    let lookups = || app.emulator.state.request_log().iter().filter(|r| r.path.starts_with("/api/users")).count();
    let before = lookups();
    for (method, path, status, code) in [
        (reqwest::Method::POST, format!("/api/users/{long}/follow"), 400, "user.invalid_id"),
        (reqwest::Method::POST, "/api/users/Not-An-Id/follow".to_string(), 400, "user.invalid_id"),
        (reqwest::Method::DELETE, format!("/api/users/{long}/follow"), 400, "user.invalid_id"),
        (reqwest::Method::GET, "/api/me/following".to_string(), 400, "guard.invalid_input"),
        (reqwest::Method::GET, "/api/me/following?ids=a&ids=b".to_string(), 400, "guard.invalid_input"),
        (reqwest::Method::GET, "/api/no/such/route".to_string(), 404, "route.not_found"),
        (reqwest::Method::PUT, "/api/top-users".to_string(), 405, "route.method_not_allowed"),
    ] {
        let r = app.http.request(method.clone(), format!("{}{path}", app.backend)).bearer_auth(alice.access_token());
        let response = r.send().await.unwrap();
        let json =
            response.headers().get("content-type").is_some_and(|c| c.to_str().unwrap().starts_with("application/json"));
        let (got, _, body) = parts(response).await;
        assert!(json, "{method} {path}: JSON");
        assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{method} {path}: {body}");
        assert!(!body["message"].as_str().unwrap().contains("aaaaaaaaaa"), "the input is not echoed");
    }
    assert_eq!(lookups(), before, "no id of the wrong shape reached Logto");
}
