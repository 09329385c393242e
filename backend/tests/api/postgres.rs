//! The backend on PostgreSQL (`DATABASE_URL=postgres://…`): migrations, the follower counts kept by
//! the trigger, the top-users flow and follows. `scripts/test.sh` starts a local PostgreSQL and sets
//! TEST_DATABASE_URL_POSTGRES; without it these tests say so and stop (and fail under CI).

use serde_json::Value;
use shared::TopUsersResponse;

use crate::helpers::spawn_app_with;

/// A new, empty database on the test server.
async fn fresh_database() -> Option<String> {
    let Ok(admin) = std::env::var("TEST_DATABASE_URL_POSTGRES") else {
        assert!(
            std::env::var("CI").is_err(),
            "TEST_DATABASE_URL_POSTGRES must be set in CI (scripts/test.sh starts PostgreSQL)"
        );
        eprintln!("PostgreSQL tests not run: TEST_DATABASE_URL_POSTGRES is not set (scripts/test.sh sets it)");
        return None;
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&admin).await.expect("the test PostgreSQL answers");
    let name = format!("backend_test_{}", logto_emulator::ids::standard_id(10));
    sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&pool).await.unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    Some(format!("{base}/{name}"))
}

#[tokio::test]
async fn counts_and_constraints_hold_on_postgres() {
    let Some(url) = fresh_database().await else { return };
    let pool = backend::db::connect(&url).await.unwrap();
    for (a, b) in [("u1", "u2"), ("u3", "u2"), ("u1", "u3")] {
        assert!(backend::db::follow(&pool, a, b).await.unwrap());
    }
    assert!(!backend::db::follow(&pool, "u1", "u2").await.unwrap(), "idempotent");
    assert_eq!(backend::db::top_users(&pool, 10).await.unwrap(), vec![("u2".into(), 2), ("u3".into(), 1)]);
    assert!(backend::db::unfollow(&pool, "u3", "u2").await.unwrap());
    assert_eq!(backend::db::followers(&pool, "u2").await.unwrap(), 1);
    assert!(backend::db::follow(&pool, "u1", "u1").await.is_err(), "no self-follow");
    assert!(backend::db::seed_demo_data(&pool).await.unwrap() == 0, "not empty: no demo seed");
}

#[tokio::test]
async fn the_top_users_flow_runs_on_postgres() {
    let Some(url) = fresh_database().await else { return };
    let app = spawn_app_with(|c| c.database_url = url.parse().unwrap()).await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let r = app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await;
    assert_eq!(r.status(), 200);
    let body: TopUsersResponse = r.json().await.unwrap();
    assert_eq!(body.users.len(), 10);
    assert_eq!((body.users[0].username.as_deref(), body.users[0].followers), (Some("grace"), 24));
    let trent = logto_emulator::Seed::default_seed().users.into_iter().find(|u| u.username == "trent").unwrap().id;
    let r: Value = app
        .http
        .post(format!("{}/api/users/{trent}/follow", app.backend))
        .bearer_auth(alice.access_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r, serde_json::json!({"followers": 1, "following": true}));
}
