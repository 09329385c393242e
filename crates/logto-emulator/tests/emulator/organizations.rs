//! Organizations beyond the recorded samples (the fidelity suite replays those): the demo seed's
//! organizations, organization tokens through a real grant, the control API's organization tokens,
//! replacements and cascades in the Management API.

use crate::helpers::{claims, refresh};
use demo_tenant::{mint_admin_token, API_RESOURCE, SPA_APP_ID};
use serde_json::{json, Value};

const ACME: &str = "acmeorg00001";
const GLOBEX: &str = "globex000001";

/// A grant for `username` that asked for the organization scopes and resource, as Logto's SDKs do.
async fn org_session(base: &str, username: &str) -> String {
    demo_tenant::organization_session(base, username, &["read:top-users", "read:members", "manage:members"])
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn organization_tokens_follow_the_members_roles() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let base = emu.endpoint.clone();
    let rt = org_session(&base, "alice").await;
    // alice: admin of Acme → both organization scopes, newest first, and the API scope through the role.
    let (status, body) = refresh(&base, &rt, &[("organization_id", ACME)]).await;
    assert_eq!(status, 200, "{body}");
    let token = claims(body["access_token"].as_str().unwrap());
    assert_eq!(token["aud"], format!("urn:logto:organization:{ACME}"));
    assert_eq!(body["scope"], "manage:members read:members");
    let rt = body["refresh_token"].as_str().unwrap().to_string();
    let (status, body) = refresh(&base, &rt, &[("organization_id", GLOBEX), ("resource", API_RESOURCE)]).await;
    assert_eq!(status, 200, "{body}");
    let token = claims(body["access_token"].as_str().unwrap());
    assert_eq!((token["aud"].as_str(), token["organization_id"].as_str()), (Some(API_RESOURCE), Some(GLOBEX)));
    assert_eq!(token["scope"], "read:top-users");

    // bob is a guest of Acme: no API permission there (scope ""), and not in Globex at all.
    let rt = org_session(&base, "bob").await;
    let (status, body) = refresh(&base, &rt, &[("organization_id", ACME), ("resource", API_RESOURCE)]).await;
    assert_eq!((status, body["scope"].as_str()), (200, Some("")), "{body}");
    assert_eq!(claims(body["access_token"].as_str().unwrap())["scope"], "");
    let rt = body["refresh_token"].as_str().unwrap().to_string();
    let (status, body) = refresh(&base, &rt, &[("organization_id", GLOBEX)]).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("access_denied")), "{body}");

    // The backend's M2M app holds the `backend` role in both organizations.
    let token = logto_emulator::testkit::client_credentials(
        &base,
        demo_tenant::M2M_APP_ID,
        demo_tenant::M2M_APP_SECRET,
        API_RESOURCE,
        "read:top-users write:follows",
    )
    .await
    .unwrap();
    assert!(claims(&token)["organization_id"].is_null(), "no organization asked, none given");
}

#[tokio::test]
async fn the_control_api_mints_organization_tokens() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::seed().users[0].id.clone();
    let mint = |body: Value| {
        let url = format!("{}/_emulator/tokens", emu.endpoint);
        async move { reqwest::Client::new().post(url).json(&body).send().await.unwrap() }
    };
    let r = mint(json!({"clientId": SPA_APP_ID, "userId": alice, "organizationId": ACME, "scopes": ["read:members"]}))
        .await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(claims(body["access_token"].as_str().unwrap())["aud"], format!("urn:logto:organization:{ACME}"));
    let r = mint(json!({"clientId": SPA_APP_ID, "userId": alice, "organizationId": ACME, "resource": API_RESOURCE,
                        "scopes": ["read:top-users"]}))
    .await;
    let token = claims(r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap());
    assert_eq!((token["aud"].as_str(), token["organization_id"].as_str()), (Some(API_RESOURCE), Some(ACME)));
    let mallory = demo_tenant::seed().users.iter().find(|u| u.username == "mallory").unwrap().id.clone();
    let r = mint(json!({"clientId": SPA_APP_ID, "userId": mallory, "organizationId": ACME})).await;
    assert_eq!(r.status(), 400, "not a member of Acme");
}

#[tokio::test]
async fn replacements_and_deletions_cascade() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let token = mint_admin_token(&emu.endpoint).await.unwrap();
    let http = reqwest::Client::new();
    let api = |path: &str| format!("{}/api{path}", emu.endpoint);
    let users = |org: &'static str| {
        let (http, url, token) =
            (http.clone(), api(&format!("/organizations/{org}/users?page_size=100")), token.clone());
        async move { http.get(url).bearer_auth(token).send().await.unwrap().json::<Vec<Value>>().await.unwrap() }
    };
    assert_eq!(users(ACME).await.len(), 12);
    let alice = demo_tenant::seed().users[0].id.clone();
    let carol = demo_tenant::seed().users.iter().find(|u| u.username == "carol").unwrap().id.clone();
    // PUT replaces the members: 204.
    let r = http
        .put(api(&format!("/organizations/{ACME}/users")))
        .bearer_auth(&token)
        .json(&json!({"userIds": [alice, carol]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(users(ACME).await.len(), 2);
    // Deleting a user takes them out of every organization.
    let r = http.delete(api(&format!("/users/{carol}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(users(ACME).await.len(), 1);
    // Deleting an organization role takes it from every member.
    let roles: Vec<Value> =
        http.get(api("/organization-roles")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let admin = roles.iter().find(|r| r["name"] == "admin").unwrap()["id"].as_str().unwrap().to_string();
    let r = http.delete(api(&format!("/organization-roles/{admin}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let orgs: Vec<Value> = http
        .get(api(&format!("/users/{alice}/organizations")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(orgs.iter().all(|o| o["organizationRoles"].as_array().unwrap().iter().all(|r| r["name"] != "admin")));
    // Bad input changes nothing: a duplicate organization role name, an unknown member.
    let r = http
        .post(api("/organization-roles"))
        .bearer_auth(&token)
        .json(&json!({"name": "member"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = http
        .post(api(&format!("/organizations/{ACME}/users")))
        .bearer_auth(&token)
        .json(&json!({"userIds": ["nosuchuser00"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(users(ACME).await.len(), 1);
    let r = http.post(api("/organizations")).bearer_auth(&token).json(&json!({"name": ""})).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_other_organization_endpoints() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let token = mint_admin_token(&emu.endpoint).await.unwrap();
    let http = reqwest::Client::new();
    let api = |path: &str| format!("{}/api{path}", emu.endpoint);
    let call = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut r = http.request(method, api(&path)).bearer_auth(&token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        async move {
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.text().await.unwrap())
        }
    };
    use reqwest::Method;
    // Organization scopes: patch, then delete takes the scope from the roles holding it.
    let (_, scopes) = call(Method::GET, "/organization-scopes".into(), None).await;
    let scopes: Vec<Value> = serde_json::from_str(&scopes).unwrap();
    let manage = scopes.iter().find(|s| s["name"] == "manage:members").unwrap()["id"].as_str().unwrap().to_string();
    let (status, body) =
        call(Method::PATCH, format!("/organization-scopes/{manage}"), Some(json!({"description": "Manage members"})))
            .await;
    assert_eq!(
        (status, serde_json::from_str::<Value>(&body).unwrap()["description"].as_str()),
        (200, Some("Manage members"))
    );
    let (_, roles) = call(Method::GET, "/organization-roles".into(), None).await;
    let roles: Vec<Value> = serde_json::from_str(&roles).unwrap();
    let id_of = |name: &str| roles.iter().find(|r| r["name"] == name).unwrap()["id"].as_str().unwrap().to_string();
    let (admin, member, backend) = (id_of("admin"), id_of("member"), id_of("backend"));
    assert_eq!(call(Method::DELETE, format!("/organization-scopes/{manage}"), None).await.0, 204);
    assert_eq!(call(Method::GET, format!("/organization-scopes/{manage}"), None).await.0, 404);
    let (_, held) = call(Method::GET, format!("/organization-roles/{admin}/scopes"), None).await;
    assert!(!held.contains(&manage), "the deleted scope left the role: {held}");

    // A role's organization scopes: add (201 Created), replace (204), remove one (204, then 404).
    let read = scopes.iter().find(|s| s["name"] == "read:members").unwrap()["id"].as_str().unwrap().to_string();
    let (status, body) =
        call(Method::PATCH, format!("/organization-roles/{member}"), Some(json!({"description": "M"}))).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        Method::POST,
        format!("/organization-roles/{backend}/scopes"),
        Some(json!({"organizationScopeIds": [read]})),
    )
    .await;
    assert_eq!((status, body.as_str()), (201, "Created"));
    let put =
        call(Method::PUT, format!("/organization-roles/{member}/scopes"), Some(json!({"organizationScopeIds": []})));
    assert_eq!(put.await.0, 204);
    assert_eq!(call(Method::GET, format!("/organization-roles/{member}/scopes"), None).await.1, "[]");
    assert_eq!(call(Method::DELETE, format!("/organization-roles/{backend}/scopes/{read}"), None).await.0, 204);
    assert_eq!(call(Method::DELETE, format!("/organization-roles/{backend}/scopes/{read}"), None).await.0, 404);

    // A member's role and an application's role removed one by one; the applications replaced.
    let alice = demo_tenant::seed().users[0].id.clone();
    assert_eq!(call(Method::DELETE, format!("/organizations/{ACME}/users/{alice}/roles/{admin}"), None).await.0, 204);
    assert_eq!(call(Method::GET, format!("/organizations/{ACME}/users/{alice}/roles"), None).await.1, "[]");
    let m2m = demo_tenant::M2M_APP_ID;
    let path = format!("/organizations/{ACME}/applications/{m2m}/roles/{backend}");
    assert_eq!(call(Method::DELETE, path, None).await.0, 204);
    let put = call(Method::PUT, format!("/organizations/{ACME}/applications"), Some(json!({"applicationIds": []})));
    assert_eq!(put.await.0, 204);
    assert_eq!(call(Method::GET, format!("/organizations/{ACME}/applications"), None).await.1, "[]");
    let (status, _) = call(Method::GET, format!("/applications/{m2m}/organizations"), None).await;
    assert_eq!(status, 200);
}
