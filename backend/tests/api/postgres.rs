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
    let trent = demo_tenant::seed().users.into_iter().find(|u| u.username == "trent").unwrap().id;
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

/// The ten most-followed users a backend answers, as `(username, followers)`.
async fn ranking(http: &reqwest::Client, backend: &str, token: &str) -> Vec<(String, i64)> {
    let r = http.get(format!("{backend}/api/top-users")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200, "{backend}");
    let body: TopUsersResponse = r.json().await.unwrap();
    body.users.into_iter().map(|u| (u.username.unwrap_or(u.id), u.followers)).collect()
}

/// Waits until `backend`'s ranking lists `name` with `followers`, failing past `deadline`.
async fn until_ranked(
    http: &reqwest::Client,
    backend: &str,
    token: &str,
    (name, followers): (&str, i64),
    deadline: std::time::Instant,
) {
    loop {
        let now = ranking(http, backend, token).await;
        if now.iter().any(|(n, c)| n == name && *c == followers) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "{backend} never showed {name}: {now:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The JSON body of `request`, sent with `token`.
async fn json_of(request: reqwest::RequestBuilder, token: &str) -> Value {
    request.bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn three_replicas_on_one_database_agree_and_outlive_one_that_stops() {
    let Some(url) = fresh_database().await else { return };
    // Replica A seeds the demo follows; B and C share its database and its Logto.
    let a = spawn_app_with(|c| c.database_url = url.parse().unwrap()).await;
    let mut replicas = vec![(a.backend.clone(), None)];
    for _ in 0..2 {
        // Its database is PostgreSQL: the folder only holds the unused SQLite default's path.
        let dir = tempfile::tempdir().unwrap();
        let mut config = crate::helpers::test_config(&a.emulator, dir.path());
        config.database_url = url.parse().unwrap();
        config.seed_demo_data = false;
        let server = backend::startup::build(&config).await.unwrap();
        let address = format!("http://{}", server.local_addr().unwrap());
        let server = tokio::spawn(server.run(std::future::pending()));
        replicas.push((address, Some(server)));
    }
    let alice = a.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let token = alice.access_token();
    let before = ranking(&a.http, &replicas[1].0, token).await;
    assert_eq!(before, ranking(&a.http, &replicas[2].0, token).await, "one database, one ranking");

    // A follow through A, of a listed user alice does not follow yet, shows through B and C once
    // their ranking cache (TOP_CACHE_MS, 1 s) turns over.
    let seed = demo_tenant::seed();
    let ids: Vec<&str> = seed.users.iter().map(|u| u.id.as_str()).collect();
    let id_of = |name: &str| seed.users.iter().find(|u| u.username == name).unwrap().id.clone();
    let following = json_of(a.http.get(format!("{}/api/me/following?ids={}", a.backend, ids.join(","))), token).await;
    let followed: Vec<&str> = following["following"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let (name, count) = before
        .iter()
        .find(|(name, _)| name != "alice" && !followed.contains(&id_of(name).as_str()))
        .cloned()
        .expect("a listed user alice does not follow");
    let r = json_of(a.http.post(format!("{}/api/users/{}/follow", a.backend, id_of(&name))), token).await;
    assert_eq!(r["followers"], count + 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    for (backend, _) in &replicas[1..] {
        until_ranked(&a.http, backend, token, (&name, count + 1), deadline).await;
    }

    // B stops; A and C go on serving, and a write through C is seen by A.
    if let Some(server) = replicas[1].1.take() {
        server.abort();
    }
    assert_eq!(ranking(&a.http, &a.backend, token).await.len(), 10);
    let r = a
        .http
        .delete(format!("{}/api/users/{}/follow", replicas[2].0, id_of(&name)))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    until_ranked(&a.http, &a.backend, token, (&name, count), deadline).await;
}

/// A TCP relay between the backend and PostgreSQL that the test can cut, as a stopped or unplugged
/// database looks to the backend: open connections closed, new ones refused.
struct Relay {
    address: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn to(target: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let mut pipes = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                pipes.spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        Self { address, task }
    }

    /// Closes the listener and every relayed connection (the JoinSet is dropped with the task).
    async fn cut(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Issue 22, item 6: PostgreSQL gone under a running backend. Every route that reads or writes the
/// database says so with its documented answer (500 `internal.database`, `/readyz` 503) after the
/// pool's acquire timeout, instead of waiting for the 15 s request timeout (504 `request.timeout`).
#[tokio::test]
async fn a_stopped_database_is_said_with_the_documented_code_not_a_timeout() {
    let Some(url) = fresh_database().await else { return };
    let mut parsed = url::Url::parse(&url).unwrap();
    let target = format!("{}:{}", parsed.host_str().unwrap(), parsed.port().unwrap_or(5432));
    let relay = Relay::to(target).await;
    parsed.set_host(Some("127.0.0.1")).unwrap();
    parsed.set_port(Some(relay.address.port())).unwrap();
    let app = spawn_app_with(|c| {
        c.database_url = parsed.as_str().parse().unwrap();
        c.database_acquire_timeout_ms = 500;
        c.top_cache_ms = 0;
    })
    .await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    assert_eq!(app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await.status(), 200);
    let trent = demo_tenant::seed().users.into_iter().find(|u| u.username == "trent").unwrap().id;

    relay.cut().await;
    let (status, _, body) =
        crate::helpers::parts(app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await).await;
    assert_eq!((status, body["code"].as_str()), (500, Some("internal.database")), "{body}");
    let follow = app.http.post(format!("{}/api/users/{trent}/follow", app.backend)).bearer_auth(alice.access_token());
    let (status, _, body) = crate::helpers::parts(follow.send().await.unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (500, Some("internal.database")), "{body}");
    let ready = app.http.get(format!("{}/readyz", app.backend)).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!((body["database"].as_str(), body["code"].as_str()), (Some("unavailable"), Some("service.not_ready")));
    let text = body.to_string();
    assert!(!text.contains("127.0.0.1") && !text.contains("postgres"), "fixed words: {text}");
}

/// A replica of the backend on the database `url`, sharing `emulator`, with the caches' TTLs long
/// enough (a minute) that only a change on the channel can explain a fresh answer.
async fn replica(emulator: &logto_emulator::RunningEmulator, url: &str, seed: bool) -> (String, tempfile::TempDir) {
    // Its database is PostgreSQL: the folder only holds the unused SQLite default's path.
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(emulator, dir.path());
    config.database_url = url.parse().unwrap();
    config.seed_demo_data = seed;
    config.top_cache_ms = 60_000;
    config.webhook_signing_key = Some(crate::webhooks::KEY_FOR_REPLICAS.into());
    let server = backend::startup::build(&config).await.unwrap();
    let address = format!("http://{}", server.local_addr().unwrap());
    tokio::spawn(server.run(std::future::pending()));
    (address, dir)
}

/// The value of the metric line that starts with `series` on `backend`'s `/metrics` (0 if absent).
async fn metric(http: &reqwest::Client, backend: &str, series: &str) -> f64 {
    let text = http.get(format!("{backend}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// Waits until `backend` has counted more than `above` of `series`, failing after 10 s.
async fn until_counted(http: &reqwest::Client, backend: &str, series: &str, above: f64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while metric(http, backend, series).await <= above {
        assert!(std::time::Instant::now() < deadline, "{backend} never counted {series} above {above}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

const PROFILE_FROM_CHANNEL: &str = r#"cache_changes_total{change="profile",origin="channel"}"#;
const FOLLOWS_FROM_CHANNEL: &str = r#"cache_changes_total{change="follows",origin="channel"}"#;

/// Issue 26: three replicas on one PostgreSQL. Logto delivers a webhook to A alone; B and C show the
/// change in the very next answer once the channel brought it (long before any cache turns over).
/// A follow through A shows through B the same way. Then every listening connection is terminated
/// from PostgreSQL: each replica flushes its caches, listens again, and stays right.
#[tokio::test]
async fn every_replica_follows_a_change_delivered_to_one() {
    let Some(url) = fresh_database().await else { return };
    let emulator = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let (a, _a) = replica(&emulator, &url, true).await;
    let (b, _b) = replica(&emulator, &url, false).await;
    let (c, _c) = replica(&emulator, &url, false).await;
    crate::webhooks::add_hook(&emulator, &format!("{a}/api/webhooks/logto"), &["User.Data.Updated"]);
    let http = reqwest::Client::new();
    let alice = crate::helpers::sign_in_at(&emulator.endpoint, "alice").await;
    let token = alice.access_token().to_string();
    let seed = demo_tenant::seed();
    let grace = seed.users.iter().find(|u| u.username == "grace").unwrap().id.clone();
    let first_name = |backend: String| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let r = http.get(format!("{backend}/api/top-users")).bearer_auth(&token).send().await.unwrap();
            let body: TopUsersResponse = r.json().await.unwrap();
            body.users[0].name.clone()
        }
    };
    for backend in [&a, &b, &c] {
        assert_eq!(first_name(backend.clone()).await.as_deref(), Some("Grace Example"), "cached on {backend}");
    }

    let admin = demo_tenant::mint_admin_token(&emulator.endpoint).await.unwrap();
    let rename = |name: &'static str| {
        let (http, admin, endpoint, grace) = (http.clone(), admin.clone(), emulator.endpoint.clone(), grace.clone());
        async move {
            let r = http
                .patch(format!("{endpoint}/api/users/{grace}"))
                .bearer_auth(admin)
                .json(&serde_json::json!({"name": name}));
            assert_eq!(r.send().await.unwrap().status(), 200);
        }
    };
    let (b_seen, c_seen) =
        (metric(&http, &b, PROFILE_FROM_CHANNEL).await, metric(&http, &c, PROFILE_FROM_CHANNEL).await);
    rename("Grace Renamed").await;
    assert!(logto_emulator::testkit::delivered(&emulator.state, crate::webhooks::HOOK_ID, 1).await);
    until_counted(&http, &b, PROFILE_FROM_CHANNEL, b_seen).await;
    until_counted(&http, &c, PROFILE_FROM_CHANNEL, c_seen).await;
    for backend in [&a, &b, &c] {
        assert_eq!(first_name(backend.clone()).await.as_deref(), Some("Grace Renamed"), "on {backend}");
    }

    // A follow through A, of a listed user alice does not follow yet: B's ranking (cached for a
    // minute) shows it as soon as the channel says so.
    let scopes = "openid offline_access read:top-users write:follows";
    let writer = crate::helpers::sign_in_at_with(&emulator.endpoint, "alice", scopes).await;
    let writer = writer.access_token();
    let before = ranking(&http, &b, &token).await;
    let ids: Vec<&str> = seed.users.iter().map(|u| u.id.as_str()).collect();
    let id_of = |name: &str| seed.users.iter().find(|u| u.username == name).map(|u| u.id.clone());
    let following = json_of(http.get(format!("{a}/api/me/following?ids={}", ids.join(","))), writer).await;
    let followed: Vec<&str> = following["following"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let (name, count) = before
        .iter()
        .find(|(name, _)| name != "alice" && id_of(name).is_some_and(|id| !followed.contains(&id.as_str())))
        .cloned()
        .expect("a listed user alice does not follow");
    let follows_seen = metric(&http, &b, FOLLOWS_FROM_CHANNEL).await;
    let r = json_of(http.post(format!("{a}/api/users/{}/follow", id_of(&name).unwrap())), writer).await;
    assert_eq!(r["followers"], count + 1);
    until_counted(&http, &b, FOLLOWS_FROM_CHANNEL, follows_seen).await;
    let after = ranking(&http, &b, &token).await;
    assert!(after.iter().any(|(n, c)| n == &name && *c == count + 1), "{after:?}");

    // Every listening connection cut from PostgreSQL: each replica flushes once it listens again.
    let flushes = r#"cache_changes_total{change="flush",origin="channel"}"#;
    let b_flushed = metric(&http, &b, flushes).await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(backend::invalidation::LISTENER_NAME)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(cut.len(), 3, "one listener per replica");
    until_counted(&http, &b, flushes, b_flushed).await;
    // Listening again, and right: a new rename through A reaches B.
    let b_seen = metric(&http, &b, PROFILE_FROM_CHANNEL).await;
    rename("Grace Again").await;
    assert!(logto_emulator::testkit::delivered(&emulator.state, crate::webhooks::HOOK_ID, 2).await);
    until_counted(&http, &b, PROFILE_FROM_CHANNEL, b_seen).await;
    assert_eq!(first_name(b.clone()).await.as_deref(), Some("Grace Again"));
}
