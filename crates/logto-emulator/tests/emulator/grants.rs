//! A user's grants (`routes/admin-user/grants.ts`), an app's `maxAllowedGrants` with its
//! `Grant.LimitExceeded` hook (`event-listeners/authorization-success.ts`), and
//! `alwaysIssueRefreshToken` (`oidc/init.ts` `issueRefreshToken`), as Logto's
//! `application.max-allowed-grants`, `hook.trigger.grant-limit-exceeded` and
//! `always-issue-refresh-token` tests use them.

use crate::helpers::{refresh, Api};
use demo_tenant::{DEMO_PASSWORD, SPA_APP_ID};
use reqwest::Method;
use serde_json::{json, Value};

#[tokio::test]
async fn grants_are_listed_limited_and_revoked() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    let hook = api
        .ok(
            Method::POST,
            "/hooks",
            Some(json!({"name": "limit", "events": ["Grant.LimitExceeded"], "config": {"url": "http://127.0.0.1:9/"}})),
        )
        .await;
    let sign_in = || demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, "openid offline_access", None);

    // No limit: every sign-in keeps its grant.
    sign_in().await.unwrap();
    emu.state.clock.advance_ms(2_000);
    let first = sign_in().await.unwrap();
    let listed = api.ok(Method::GET, &format!("/users/{alice}/grants"), None).await;
    let mine: Vec<&Value> =
        listed["grants"].as_array().unwrap().iter().filter(|g| g["payload"]["clientId"] == SPA_APP_ID).collect();
    assert_eq!(mine.len(), 2);
    assert_eq!(
        (mine[0]["payload"]["kind"].as_str(), mine[0]["payload"]["accountId"].as_str()),
        (Some("Grant"), Some(alice.as_str()))
    );
    assert!(mine[0]["application"]["name"].is_string());
    let third_party = api.ok(Method::GET, &format!("/users/{alice}/grants?appType=thirdParty"), None).await;
    assert_eq!(third_party, json!({"grants": []}));
    assert_eq!(api.call(Method::GET, &format!("/users/{alice}/grants?appType=other"), None).await.0, 400);

    // maxAllowedGrants 1: the next sign-in revokes the two older grants, and says so.
    api.ok(
        Method::PATCH,
        &format!("/applications/{SPA_APP_ID}"),
        Some(json!({"customClientMetadata": {"maxAllowedGrants": 1}})),
    )
    .await;
    emu.state.clock.advance_ms(2_000);
    let latest = sign_in().await.unwrap();
    let listed = api.ok(Method::GET, &format!("/users/{alice}/grants"), None).await;
    let mine: Vec<&Value> =
        listed["grants"].as_array().unwrap().iter().filter(|g| g["payload"]["clientId"] == SPA_APP_ID).collect();
    assert_eq!(mine.len(), 1);
    let older = first.code_exchange["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&emu.endpoint, older, &[]).await.1["error"], "invalid_grant", "a revoked grant's token");
    let newest = latest.code_exchange["refresh_token"].as_str().unwrap();
    assert_eq!(refresh(&emu.endpoint, newest, &[]).await.0, 200);
    let logs_path = format!("/hooks/{}/recent-logs", hook["id"].as_str().unwrap());
    let logs = api.hook_logs(&logs_path).await;
    let payload = &logs[0]["payload"]["hookRequest"]["body"];
    assert_eq!(
        (
            payload["event"].as_str(),
            payload["userId"].as_str(),
            payload["maxAllowedGrants"].as_u64(),
            payload["preRevocationActiveGrantCount"].as_u64()
        ),
        (Some("Grant.LimitExceeded"), Some(alice.as_str()), Some(1), Some(3))
    );
    assert_eq!(payload["revokedGrantIds"].as_array().map(Vec::len), Some(2));

    // One grant ended by id; another user's grant id is 404.
    let id = mine[0]["id"].as_str().unwrap();
    assert_eq!(api.call(Method::DELETE, &format!("/users/nosuchuser/grants/{id}"), None).await.0, 404);
    assert_eq!(api.call(Method::DELETE, &format!("/users/{alice}/grants/{id}"), None).await.0, 204);
    assert_eq!(api.call(Method::DELETE, &format!("/users/{alice}/grants/{id}"), None).await.0, 404);
    assert_eq!(refresh(&emu.endpoint, newest, &[]).await.1["error"], "invalid_grant");
}

#[tokio::test]
async fn always_issue_refresh_token_gives_one_without_offline_access() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let without = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, "openid", None).await.unwrap();
    assert!(without.code_exchange.get("refresh_token").is_none());
    api.ok(
        Method::PATCH,
        &format!("/applications/{SPA_APP_ID}"),
        Some(json!({"customClientMetadata": {"alwaysIssueRefreshToken": true}})),
    )
    .await;
    let with = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, "openid", None).await.unwrap();
    assert!(with.code_exchange["refresh_token"].is_string(), "{}", with.code_exchange);
}
