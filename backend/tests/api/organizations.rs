//! `GET /api/organizations/{organization_id}/top-users` against the emulator's demo organizations
//! (Acme: alice admin, bob a guest whose role holds no API permission; Globex: grace admin, alice a
//! member, mallory a guest). Tokens come from a real grant: the refresh grant with `organization_id`
//! and `resource`, as the SPA asks for them.

use serde_json::json;
use shared::TopUsersResponse;

use crate::helpers::{parts, spawn_app, TestApp};

const ACME: &str = "acmeorg00001";
const GLOBEX: &str = "globex000001";

/// An organization-level API token for `username` in `org` (through a real grant and refresh).
async fn org_token(app: &TestApp, username: &str, org: &str) -> String {
    demo_tenant::organization_api_token(&app.emulator.endpoint, username, org).await.unwrap()
}

async fn get(app: &TestApp, org: &str, token: &str) -> reqwest::Response {
    app.http.get(format!("{}/api/organizations/{org}/top-users", app.backend)).bearer_auth(token).send().await.unwrap()
}

fn members_of(app: &TestApp, org: &str) -> Vec<String> {
    app.emulator.state.tenant.read(|store| {
        store.organization(org).map(|o| o.members.iter().map(|m| m.id.clone()).collect()).unwrap_or_default()
    })
}

#[tokio::test]
async fn a_member_gets_the_most_followed_members_of_their_organization() {
    let app = spawn_app().await;
    let token = org_token(&app, "alice", ACME).await;
    let response = get(&app, ACME, &token).await;
    assert_eq!(response.status(), 200);
    let timing = response.headers()["server-timing"].to_str().unwrap().to_string();
    for hop in ["verify", "m2m-token", "management-api", "db"] {
        assert!(timing.contains(hop), "{hop} in {timing}");
    }
    let acme: TopUsersResponse = response.json().await.unwrap();
    let members = members_of(&app, ACME);
    assert_eq!(acme.users.len(), 10);
    assert!(acme.users.iter().all(|u| members.contains(&u.id)), "only Acme's members");
    assert!(acme.users.windows(2).all(|w| w[0].followers >= w[1].followers));
    assert!(acme.users.iter().all(|u| u.username.is_some() && u.name.is_some()), "enriched from the member list");

    // The same person in another organization sees that organization's list.
    let token = org_token(&app, "alice", GLOBEX).await;
    let globex: TopUsersResponse = get(&app, GLOBEX, &token).await.json().await.unwrap();
    let members = members_of(&app, GLOBEX);
    assert!(globex.users.iter().all(|u| members.contains(&u.id)));
    assert_ne!(globex.users, acme.users);

    // The members are cached: the second request asks Logto nothing.
    let before = app.emulator.state.request_log().iter().filter(|r| r.path.starts_with("/api/organizations")).count();
    let again = get(&app, GLOBEX, &token).await;
    assert!(again.headers()["server-timing"].to_str().unwrap().contains("cache hit"));
    let after = app.emulator.state.request_log().iter().filter(|r| r.path.starts_with("/api/organizations")).count();
    assert_eq!(before, after);
}

#[tokio::test]
async fn refusals_name_what_is_wrong() {
    let app = spawn_app().await;
    // bob is a guest of Acme: his organization role holds no read:top-users.
    let bob = org_token(&app, "bob", ACME).await;
    let (status, challenge, body) = parts(get(&app, ACME, &bob).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.insufficient_scope")), "{body}");
    assert!(challenge.contains("insufficient_scope"), "{challenge}");

    // alice's Acme token on Globex's route, and on the plain list.
    let alice_acme = org_token(&app, "alice", ACME).await;
    let (status, _, body) = parts(get(&app, GLOBEX, &alice_acme).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.wrong_organization")), "{body}");
    let (status, _, body) = parts(app.get_top_users(Some(&format!("Bearer {alice_acme}"))).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.organization_token")), "{body}");

    // A plain API token on an organization route.
    let plain = app.sign_in("alice").await;
    let (status, _, body) = parts(get(&app, ACME, plain.access_token()).await).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.organization_required")), "{body}");

    // No token at all.
    let response = app.http.get(format!("{}/api/organizations/{ACME}/top-users", app.backend)).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn logto_down_or_the_organization_gone() {
    let app = spawn_app().await;
    let token = org_token(&app, "alice", ACME).await;
    let control = |path: &str| format!("{}/_emulator{path}", app.emulator.endpoint);
    app.http
        .post(control("/faults"))
        .json(&json!({"path": "/api/organizations/*", "status": 503}))
        .send()
        .await
        .unwrap();
    let (status, _, body) = parts(get(&app, ACME, &token).await).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("logto.unavailable")), "{body}");
    app.http.delete(control("/faults")).send().await.unwrap();
    assert_eq!(get(&app, ACME, &token).await.status(), 200, "it recovers");

    // The organization deleted in Logto (after the token was issued): 404 once the cache lets go.
    let globex_token = org_token(&app, "alice", GLOBEX).await;
    let admin = demo_tenant::mint_admin_token(&app.emulator.endpoint).await.unwrap();
    let deleted = app
        .http
        .delete(format!("{}/api/organizations/{GLOBEX}", app.emulator.endpoint))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let (status, _, body) = parts(get(&app, GLOBEX, &globex_token).await).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("organization.not_found")), "{body}");
}

/// Issue 22, item 1: the organization route's refusals never repeat the path's id, in the body or in
/// the challenge, and the challenge is always there: markup, a long id, a traversal, a right-to-left
/// override, a NUL and a CRLF (which once made the challenge header go missing).
#[tokio::test]
async fn hostile_organization_ids_are_neither_echoed_nor_lose_the_challenge() {
    let app = spawn_app().await;
    let token = org_token(&app, "alice", ACME).await;
    let long = "a".repeat(5000);
    for (id, needle) in [
        ("%3Cscript%3Exx", "<script>"),
        (long.as_str(), "aaaaaaaaaa"),
        ("..%2F..%2Fetc", ".."),
        ("%E2%80%AEacme", "\u{202e}"),
        ("ac%00me", "\0"),
        ("ac%0d%0aSet-Cookie:x", "Set-Cookie"),
    ] {
        let (status, challenge, body) = parts(get(&app, id, &token).await).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("auth.wrong_organization")), "{id}: {body}");
        assert!(challenge.starts_with(r#"Bearer error="insufficient_scope""#), "{id}: {challenge:?}");
        let message = body["message"].as_str().unwrap();
        for text in [message, challenge.as_str()] {
            assert!(!text.contains(needle) && !text.contains("acme") && !text.contains("xx"), "{id}: {text}");
        }
    }
}
