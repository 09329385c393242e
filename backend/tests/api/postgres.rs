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
