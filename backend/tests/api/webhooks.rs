//! `POST /api/webhooks/logto` with the emulator's webhooks delivering to it: signatures accepted and
//! refused; a rename reaches the very next list; a deletion takes the user out of the follows and
//! the list, and nothing else; repeated and late deliveries change nothing more.

use logto_emulator::model::Hook;
use serde_json::{json, Value};
use shared::TopUsersResponse;

use crate::helpers::{parts, spawn_app_with, TestApp};

const KEY: &str = "test-webhook-signing-key-0123456";

fn sign(body: &str) -> String {
    logto_emulator::hooks::deliver::sign(KEY, body.as_bytes())
}

async fn webhook_app() -> TestApp {
    let app = spawn_app_with(|c| c.webhook_signing_key = Some(KEY.into())).await;
    // The emulator's hook, with a key the backend knows (Logto makes its own; `provision` copies it).
    app.emulator.state.store().hooks.push(Hook {
        id: "backendhook0000000001".into(),
        name: "backend".into(),
        events: vec!["User.Data.Updated".into(), "User.Deleted".into()],
        url: format!("{}/api/webhooks/logto", app.backend),
        headers: Default::default(),
        signing_key: KEY.into(),
        enabled: true,
        created_at: 0,
    });
    app
}

async fn post(app: &TestApp, body: &str, signature: Option<&str>) -> (u16, String, Value) {
    let mut request = app.http.post(format!("{}/api/webhooks/logto", app.backend)).body(body.to_string());
    if let Some(s) = signature {
        request = request.header("logto-signature-sha-256", s);
    }
    parts(request.send().await.unwrap()).await
}

/// Waits until the emulator has delivered `n` payloads to the backend (and the backend answered).
async fn delivered(app: &TestApp, n: usize) {
    let done = logto_emulator::testkit::delivered(&app.emulator.state, "backendhook0000000001", n).await;
    assert!(done, "the emulator did not deliver {n} webhooks");
}

async fn management(app: &TestApp, method: reqwest::Method, path: &str, body: Value) -> u16 {
    let token = demo_tenant::mint_admin_token(&app.emulator.endpoint).await.unwrap();
    let r = app.http.request(method, format!("{}/api{path}", app.emulator.endpoint)).bearer_auth(token).json(&body);
    r.send().await.unwrap().status().as_u16()
}

async fn top(app: &TestApp, bearer: &str) -> TopUsersResponse {
    app.get_top_users(Some(bearer)).await.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn signatures_are_checked_before_anything_changes() {
    let app = webhook_app().await;
    let grace = demo_tenant::seed().users.iter().find(|u| u.username == "grace").unwrap().id.clone();
    let payload = json!({"event": "User.Deleted", "data": {"id": grace, "createdAt": 1, "updatedAt": 1}}).to_string();
    let hex = sign(&payload);
    let base64 = {
        use base64::Engine;
        let bytes: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let wrong_key = logto_emulator::hooks::deliver::sign("another-key", payload.as_bytes());
    let tampered = payload.replace("User.Deleted", "User.Deleted ");
    for (name, body, signature) in [
        ("missing header", payload.as_str(), None),
        ("wrong key", payload.as_str(), Some(wrong_key.as_str())),
        ("tampered body", tampered.as_str(), Some(hex.as_str())),
        ("base64 instead of hex", payload.as_str(), Some(base64.as_str())),
        ("upper-case garbage", payload.as_str(), Some("ZZ")),
    ] {
        let (status, _, body) = post(&app, body, signature).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("webhook.invalid_signature")), "{name}");
    }
    let db = app.db().await;
    assert!(backend::db::followers(&db, &grace).await.unwrap() > 0, "nothing changed");
    // The right signature: taken; an unknown event too (ignored).
    assert_eq!(post(&app, &payload, Some(&hex)).await.0, 204);
    assert_eq!(backend::db::followers(&db, &grace).await.unwrap(), 0);
    let other = json!({"event": "Role.Created", "data": {}}).to_string();
    assert_eq!(post(&app, &other, Some(&sign(&other))).await.0, 204);
    // Without a configured key, every delivery is refused.
    let off = spawn_app_with(|_| {}).await;
    assert_eq!(post(&off, &payload, Some(&hex)).await.0, 503);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rename_shows_in_the_very_next_list_and_a_deletion_leaves_it() {
    let app = webhook_app().await;
    let alice = app.sign_in("alice").await;
    let bearer = format!("Bearer {}", alice.access_token());
    let seed = demo_tenant::seed();
    let grace = seed.users.iter().find(|u| u.username == "grace").unwrap().id.clone();
    let before = top(&app, &bearer).await;
    assert_eq!(before.users[0].name.as_deref(), Some("Grace Example"), "the profile is now cached");

    let started = std::time::Instant::now();
    assert_eq!(
        management(&app, reqwest::Method::PATCH, &format!("/users/{grace}"), json!({"name": "Grace Renamed"})).await,
        200
    );
    delivered(&app, 1).await;
    let renamed = top(&app, &bearer).await;
    // A figure for the record, not a check: these machines are shared and noisy.
    println!("rename in Logto -> new name in the list: {:?}", started.elapsed());
    assert_eq!(renamed.users[0].name.as_deref(), Some("Grace Renamed"), "no cache wait");

    // The deletion: grace leaves the list and every follow, both ways; nothing else changes.
    let db = app.db().await;
    let total = |db: backend::db::Pool| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM follows").fetch_one(&db).await.unwrap()
    };
    let grace_rows =
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM follows WHERE follower_id = $1 OR followee_id = $1")
            .bind(&grace)
            .fetch_one(&db)
            .await
            .unwrap();
    let all_before = total(db.clone()).await;
    assert_eq!(management(&app, reqwest::Method::DELETE, &format!("/users/{grace}"), Value::Null).await, 204);
    delivered(&app, 2).await;
    assert_eq!(total(db.clone()).await, all_before - grace_rows);
    let after = top(&app, &bearer).await;
    assert!(after.users.iter().all(|u| u.id != grace), "gone from the list");
    assert_eq!(after.users.len(), 10);
    assert_eq!(backend::db::followers(&db, &grace).await.unwrap(), 0);

    // A late update of the deleted user, and the deletion again: nothing comes back, nothing breaks.
    let late =
        json!({"event": "User.Data.Updated", "data": {"id": grace, "name": "Ghost", "createdAt": 1, "updatedAt": 2}})
            .to_string();
    assert_eq!(post(&app, &late, Some(&sign(&late))).await.0, 204);
    let again = json!({"event": "User.Deleted", "data": {"id": grace, "createdAt": 1, "updatedAt": 2}}).to_string();
    assert_eq!(post(&app, &again, Some(&sign(&again))).await.0, 204);
    assert!(top(&app, &bearer).await.users.iter().all(|u| u.id != grace));

    // Unfollowing a user who no longer exists works.
    let r = app
        .http
        .delete(format!("{}/api/users/{grace}/follow", app.backend))
        .header("Authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "alice's token lacks write:follows in this sign-in");
    let writer = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let r = app
        .http
        .delete(format!("{}/api/users/{grace}/follow", app.backend))
        .bearer_auth(writer.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
