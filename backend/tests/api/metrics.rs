//! `GET /metrics`: what a Prometheus scrape reads after real requests, on the API's address or on
//! its own, or nowhere.

use backend::config::MetricsAt;

use crate::helpers::{spawn_app, spawn_app_with};

async fn scrape(http: &reqwest::Client, base: &str) -> String {
    let response = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    response.text().await.unwrap()
}

/// The value of the sample `series` (name and labels exactly as exposed), if there is one.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn a_scrape_counts_requests_hops_caches_and_the_libraries() {
    let app = spawn_app().await;
    let alice = app.sign_in_with("alice", "openid offline_access read:top-users write:follows").await;
    let bearer = format!("Bearer {}", alice.access_token());
    for _ in 0..2 {
        assert_eq!(app.get_top_users(Some(&bearer)).await.status(), 200);
    }
    assert_eq!(app.get_top_users(None).await.status(), 401);
    let trent = demo_tenant::seed().users.into_iter().find(|u| u.username == "trent").unwrap().id;
    let follow = app.http.post(format!("{}/api/users/{trent}/follow", app.backend)).header("Authorization", &bearer);
    assert_eq!(follow.send().await.unwrap().status(), 200);

    let text = scrape(&app.http, &app.backend).await;
    let get = |series: &str| sample(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    assert_eq!(get(r#"http_requests_total{method="GET",route="/api/top-users",status="200"}"#), 2.0);
    assert_eq!(get(r#"http_requests_total{method="GET",route="/api/top-users",status="401"}"#), 1.0);
    // The matched route, never the raw path: no series per user id.
    assert_eq!(get(r#"http_requests_total{method="POST",route="/api/users/{id}/follow",status="200"}"#), 1.0);
    assert!(!text.contains(&trent), "a user id in a label");
    assert_eq!(get(r#"http_request_duration_seconds_count{method="GET",route="/api/top-users"}"#), 3.0);
    // The first answer read the database and Logto; the second was answered from the caches.
    assert_eq!(get(r#"cache_lookups_total{cache="ranking",result="miss"}"#), 1.0);
    assert_eq!(get(r#"cache_lookups_total{cache="ranking",result="hit"}"#), 1.0);
    let profiles_missed = get(r#"cache_lookups_total{cache="profiles",result="miss"}"#);
    assert_eq!(get(r#"cache_lookups_total{cache="profiles",result="hit"}"#), profiles_missed);
    assert_eq!(get(r#"hop_duration_seconds_count{hop="management-api"}"#), 1.0, "one Logto fetch");
    assert_eq!(get(r#"hop_duration_seconds_count{hop="verify"}"#), 2.0);
    // The libraries' own counts: one full verification then cache hits (follow included), the 401 had
    // no token so nothing was checked; one JWKS fetch; one M2M token (the follow's user check reused it).
    assert_eq!(get(r#"token_verifications_total{result="verified"}"#), 1.0);
    assert_eq!(get(r#"token_verifications_total{result="cache_hit"}"#), 2.0);
    assert_eq!(get(r#"jwks_fetches_total{result="ok"}"#), 1.0);
    assert_eq!(get(r#"m2m_tokens_total{result="fetched"}"#), 1.0);
    assert!(get(r#"management_api_requests_total{kind="sent"}"#) >= 2.0, "the profiles and the follow's user check");
    assert_eq!(get(r#"management_api_errors_total{kind="call"}"#), 0.0);
    assert!(get(r#"db_pool_connections{state="max"}"#) >= 1.0);
    assert!(text.ends_with("# EOF\n"));
}

#[tokio::test]
async fn a_partial_answer_is_counted_with_its_reason() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice").await;
    let faults = format!("{}/_emulator/faults", app.emulator.endpoint);
    let fault = serde_json::json!({"path": "/api/users", "status": 500});
    assert_eq!(app.http.post(&faults).json(&fault).send().await.unwrap().status(), 201);
    let body: serde_json::Value =
        app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await.json().await.unwrap();
    assert!(body["partial"].is_string(), "{body}");
    let text = scrape(&app.http, &app.backend).await;
    assert_eq!(sample(&text, r#"partial_answers_total{result="logto_failed"}"#), Some(1.0), "{text}");
    assert!(sample(&text, r#"management_api_errors_total{kind="call"}"#).unwrap() >= 1.0);
}

#[tokio::test]
async fn metrics_can_have_their_own_address_or_be_off() {
    let own = spawn_app_with(|c| c.metrics = MetricsAt::Own("127.0.0.1:0".parse().unwrap())).await;
    let metrics = own.metrics.clone().expect("an address of their own");
    assert_eq!(own.get_top_users(None).await.status(), 401);
    let text = scrape(&own.http, &metrics).await;
    assert_eq!(sample(&text, r#"http_requests_total{method="GET",route="/api/top-users",status="401"}"#), Some(1.0));
    let on_api = own.http.get(format!("{}/metrics", own.backend)).send().await.unwrap();
    assert_eq!(on_api.status(), 404, "not on the public address then");

    let off = spawn_app_with(|c| c.metrics = MetricsAt::Off).await;
    assert!(off.metrics.is_none());
    let response = off.http.get(format!("{}/metrics", off.backend)).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "route.not_found");
}
