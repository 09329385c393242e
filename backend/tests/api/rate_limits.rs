//! Inbound rate limits: per client address (the peer's, or a trusted proxy's header) and per verified
//! token subject; a refusal is 429 with `Retry-After` and `{code, message}`, and is counted.

use backend::config::MetricsAt;
use backend::rate_limit::per_second;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::json;

use crate::helpers::{parts, spawn_app_with};

async fn assert_limited(response: reqwest::Response) {
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After: {retry_after}");
    let (status, _, body) = parts(response).await;
    assert_eq!((status, body["code"].as_str()), (429, Some("request.rate_limited")), "{body}");
}

#[tokio::test]
async fn an_address_gets_its_burst_then_429_and_the_refusals_are_counted() {
    let app = spawn_app_with(|c| {
        c.rate_limit_per_address = "3/min".parse().unwrap();
        c.metrics = MetricsAt::Own("127.0.0.1:0".parse().unwrap());
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.http.get(format!("{}/healthz", app.backend)).send().await.unwrap().status(), 200);
    }
    assert_limited(app.get_top_users(None).await).await;
    let metrics = app.http.get(format!("{}/metrics", app.metrics.as_ref().unwrap())).send().await.unwrap();
    let text = metrics.text().await.unwrap();
    assert!(text.contains(r#"rate_limited_total{key="address"} 1"#), "{text}");
    assert!(text.contains(r#"http_requests_total{method="GET",route="/api/top-users",status="429"} 1"#), "{text}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_address_has_its_own_allowance() {
    let app = spawn_app_with(|c| {
        c.rate_limit_per_address = "2/min".parse().unwrap();
        c.trusted_proxy_header = Some("x-forwarded-for".parse().unwrap());
    })
    .await;
    let from = |address: &str| {
        app.http
            .get(format!("{}/healthz", app.backend))
            .header("x-forwarded-for", format!("10.9.9.9, {address}"))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(from("203.0.113.1").await.unwrap().status(), 200);
    }
    assert_limited(from("203.0.113.1").await.unwrap()).await;
    assert_eq!(from("203.0.113.2").await.unwrap().status(), 200, "another client behind the same proxy");
}

#[tokio::test]
async fn a_subject_is_limited_once_verified_and_forged_tokens_do_not_spend_its_allowance() {
    let app = spawn_app_with(|c| {
        c.rate_limit_per_address = "off".parse().unwrap();
        c.rate_limit_per_subject = per_second(2);
    })
    .await;
    let alice = app.sign_in("alice").await;
    let alice_id = demo_tenant::seed().users.into_iter().find(|u| u.username == "alice").unwrap().id;
    // Tokens that name alice but are not hers: refused (401) without counting against her.
    let b64 = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let forged = format!(
        "{}.{}.AAAA",
        b64(json!({"alg": "ES384", "typ": "at+jwt", "kid": "nope"})),
        b64(json!({"sub": alice_id, "scope": "read:top-users"}))
    );
    for _ in 0..5 {
        assert_eq!(app.get_top_users(Some(&format!("Bearer {forged}"))).await.status(), 401);
    }
    let bearer = format!("Bearer {}", alice.access_token());
    for _ in 0..2 {
        assert_eq!(app.get_top_users(Some(&bearer)).await.status(), 200);
    }
    assert_limited(app.get_top_users(Some(&bearer)).await).await;
    let carol = app.sign_in("carol").await;
    assert_eq!(app.get_top_users(Some(&format!("Bearer {}", carol.access_token()))).await.status(), 200);
    // The allowance comes back: 2 a second.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(app.get_top_users(Some(&bearer)).await.status(), 200);
}
