//! The Management API subset over HTTP, checked against real Logto's answers (`tests/fidelity/samples/`).

use crate::helpers::MGMT;
use demo_tenant::{API_RESOURCE, DEMO_PASSWORD, M2M_APP_ID, M2M_APP_SECRET};
use logto_emulator::testkit;
use logto_emulator::RunningEmulator;
use serde_json::Value;

async fn get(emu: &RunningEmulator, path: &str, auth: Option<&str>) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut r = reqwest::Client::new().get(format!("{}{path}", emu.endpoint));
    if let Some(a) = auth {
        r = r.header("Authorization", a);
    }
    let r = r.send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

async fn admin(emu: &RunningEmulator) -> String {
    format!("Bearer {}", crate::helpers::admin_token(&emu.endpoint).await)
}

#[tokio::test]
async fn bearer_rules_match_logto() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let (status, _, body) = get(&emu, "/api/users", None).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("auth.authorization_header_missing")));
    let (status, _, body) = get(&emu, "/api/users", Some("Basic Zm9vOmJhcg==")).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("auth.authorization_token_type_not_supported")));
    assert_eq!(body["data"], serde_json::json!({"supportedTypes": ["Bearer"]}));
    let (status, _, body) = get(&emu, "/api/users", Some("Bearer not-a-jwt")).await;
    assert_eq!((status, body["data"]["code"].as_str()), (401, Some("ERR_JWS_INVALID")));

    // A user's token for another API: aud check fails with the payload in `data` (sample 88).
    let alice = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        DEMO_PASSWORD,
        "openid offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await
    .unwrap();
    let (status, _, body) = get(&emu, "/api/users", Some(&format!("Bearer {}", alice.access_token()))).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "auth.unauthorized");
    assert_eq!(
        (body["data"]["code"].as_str(), body["data"]["claim"].as_str()),
        (Some("ERR_JWT_CLAIM_VALIDATION_FAILED"), Some("aud"))
    );
    assert_eq!(body["data"]["payload"]["aud"], API_RESOURCE);

    // A tampered signature.
    let admin = admin(&emu).await;
    let tampered = format!("{}AAAA", &admin[..admin.len() - 4]);
    let (status, _, body) = get(&emu, "/api/users", Some(&tampered)).await;
    assert_eq!((status, body["data"]["code"].as_str()), (401, Some("ERR_JWS_SIGNATURE_VERIFICATION_FAILED")));

    // No `all` scope: 403 (sample 89e).
    let no_scope = testkit::client_credentials(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET, MGMT, "").await.unwrap();
    let (status, _, body) = get(&emu, "/api/users", Some(&format!("Bearer {no_scope}"))).await;
    assert_eq!(
        (status, body),
        (
            403,
            serde_json::json!({"code": "auth.forbidden", "message": "Forbidden. Please check your user roles and permissions."})
        )
    );
}

#[tokio::test]
async fn users_by_id_and_search_and_paging() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let auth = admin(&emu).await;
    let seed = demo_tenant::seed();
    let alice = seed.users.iter().find(|u| u.username == "alice").unwrap();

    let (status, _, user) = get(&emu, &format!("/api/users/{}", alice.id), Some(&auth)).await;
    assert_eq!(status, 200);
    let mut fields: Vec<&str> = user.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "applicationId",
            "avatar",
            "cimdClientId",
            "createdAt",
            "customData",
            "hasPassword",
            "id",
            "identities",
            "isSuspended",
            "lastSignInAt",
            "name",
            "primaryEmail",
            "primaryPhone",
            "profile",
            "updatedAt",
            "username"
        ]
    );
    assert!(user["createdAt"].as_i64().unwrap() > 1_600_000_000_000, "epoch milliseconds");

    let (status, _, body) = get(&emu, "/api/users/doesnotexist", Some(&auth)).await;
    assert_eq!(
        (status, body),
        (404, serde_json::json!({"code": "entity.not_found", "message": "The resource does not exist."}))
    );

    let bob = seed.users.iter().find(|u| u.username == "bob").unwrap();
    let path = format!("/api/users?search.id={}&search.id={}&search.id=unknown00000&mode.id=exact", alice.id, bob.id);
    let (status, headers, users) = get(&emu, &path, Some(&auth)).await;
    assert_eq!(status, 200);
    assert_eq!(users.as_array().unwrap().len(), 2);
    assert_eq!(headers["total-number"], "2");
    let links: Vec<&str> = headers.get_all("link").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(links.len(), 2, "first and last only: {links:?}");
    assert!(
        links[0].contains(&format!("/users?search.id={}%2C{}%2Cunknown00000&mode.id=exact&page=1", alice.id, bob.id)),
        "{links:?}"
    );

    let (_, headers, page2) = get(&emu, "/api/users?page=2&page_size=5", Some(&auth)).await;
    assert_eq!(page2.as_array().unwrap().len(), 5);
    assert_eq!(headers["total-number"], seed.users.len().to_string().as_str());
    let rels: Vec<String> = headers
        .get_all("link")
        .iter()
        .map(|v| v.to_str().unwrap().rsplit("rel=").next().unwrap().to_string())
        .collect();
    assert_eq!(rels, ["\"first\"", "\"prev\"", "\"last\"", "\"next\""]);

    let (status, _, body) = get(&emu, "/api/users?page_size=101", Some(&auth)).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("guard.invalid_pagination")));

    let (_, _, found) = get(&emu, "/api/users?search=%25ali%25", Some(&auth)).await;
    assert_eq!(
        found.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect::<Vec<_>>(),
        ["alice"]
    );
    let (status, _, _) = get(&emu, "/api/users?search.id=a&search.id=b", Some(&auth)).await;
    assert_eq!(status, 400, "several values need mode exact");
}

#[tokio::test]
async fn a_resources_token_lifetime_can_be_changed_and_applies_to_new_tokens() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let admin = admin(&emu).await;
    let http = reqwest::Client::new();
    let (_, _, resources) = get(&emu, "/api/resources", Some(&admin)).await;
    let find = |indicator: &str| {
        resources.as_array().unwrap().iter().find(|r| r["indicator"] == indicator).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let patch = |id: String, body: Value| {
        http.patch(format!("{}/api/resources/{id}", emu.endpoint)).header("Authorization", &admin).json(&body).send()
    };
    let r = patch(find(API_RESOURCE), serde_json::json!({"accessTokenTtl": 5})).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["accessTokenTtl"], 5);
    let alice = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        DEMO_PASSWORD,
        "openid offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await
    .unwrap();
    assert_eq!(alice.resource_grant.as_ref().unwrap()["expires_in"], 5);

    let r = patch(find(MGMT), serde_json::json!({"accessTokenTtl": 5})).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "resource.cannot_modify_management_api");
    let r = patch(find(API_RESOURCE), serde_json::json!({"accessTokenTtl": 0})).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = patch("nope".into(), serde_json::json!({"name": "x"})).await.unwrap();
    assert_eq!(r.status(), 404);
}

/// `PATCH /api/users/{id}/password` and `…/is-suspended` (`routes/admin-user/basics.ts`): a new
/// password signs in, the old one no longer; suspending signs the user out everywhere (their
/// refresh token dies) and reinstating lets them sign in again.
#[tokio::test]
async fn admins_set_passwords_and_suspend_users() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let auth = admin(&emu).await;
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    let patch = |path: String, body: Value| {
        let r = reqwest::Client::new().patch(format!("{}/api/users/{path}", emu.endpoint));
        r.header("Authorization", &auth).json(&body).send()
    };
    let r = patch(format!("{alice}/password"), serde_json::json!({"password": "a new one 42"})).await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["id"].as_str(), body["hasPassword"].as_bool()), (Some(alice.as_str()), Some(true)));
    assert!(emu.state.tenant.user_with_password("alice", "a new one 42").is_some());
    assert!(emu.state.tenant.user_with_password("alice", DEMO_PASSWORD).is_none());
    let r = patch(format!("{alice}/password"), serde_json::json!({"password": ""})).await.unwrap();
    assert_eq!(r.status(), 400, "an empty password is refused by the guard");
    let r = patch("nosuchuser/password".into(), serde_json::json!({"password": "x"})).await.unwrap();
    assert_eq!(r.status(), 404);

    let signed_in =
        demo_tenant::sign_in(&emu.endpoint, "bob", DEMO_PASSWORD, "openid offline_access", None).await.unwrap();
    let bob = emu.state.tenant.read(|s| s.user_by_identifier("bob").unwrap().id.clone());
    let r = patch(format!("{bob}/is-suspended"), serde_json::json!({"isSuspended": true})).await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["isSuspended"], true);
    let (status, refreshed) = crate::helpers::refresh(&emu.endpoint, signed_in.refresh_token(), &[]).await;
    assert_eq!((status, refreshed["error"].as_str()), (400, Some("invalid_grant")), "signed out everywhere");
    let r = patch(format!("{bob}/is-suspended"), serde_json::json!({"isSuspended": "yes"})).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = patch(format!("{bob}/is-suspended"), serde_json::json!({"isSuspended": false})).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(demo_tenant::sign_in(&emu.endpoint, "bob", DEMO_PASSWORD, "openid", None).await.is_ok());
}
