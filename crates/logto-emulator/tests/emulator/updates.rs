//! Update and delete routes Logto's own integration suite needs (issue 29), each as Logto 1.42's
//! route answers it: roles (`routes/role.ts`, `role.scope.ts`, `role.user.ts`,
//! `role.application.ts`), users' roles (`routes/admin-user/role.ts`), API resources and scopes
//! (`routes/resource.ts`, `resource.scope.ts`), applications (`routes/applications/
//! application.ts`, `application-custom-data.ts`), the sign-in experience
//! (`routes/sign-in-experience/index.ts`), and the integration-test mode (`middleware/koa-auth`).

use crate::helpers::Api;
use logto_emulator::state::Options;
use logto_emulator::RunningEmulator;
use reqwest::Method;
use serde_json::{json, Value};

fn user(emu: &RunningEmulator, name: &str) -> String {
    emu.state.tenant.read(|s| s.user_by_identifier(name).unwrap().id.clone())
}

#[tokio::test]
async fn roles_are_renamed_emptied_and_deleted() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let resource =
        api.ok(Method::POST, "/resources", Some(json!({"name": "r", "indicator": "https://r.example"}))).await;
    let rid = resource["id"].as_str().unwrap();
    let scope = api.ok(Method::POST, &format!("/resources/{rid}/scopes"), Some(json!({"name": "read:r"}))).await;
    let sid = scope["id"].as_str().unwrap();
    let role = api
        .ok(Method::POST, "/roles", Some(json!({"name": "editor", "description": "edits", "scopeIds": [sid]})))
        .await;
    let id = role["id"].as_str().unwrap();
    let alice = user(&emu, "alice");
    api.ok(Method::POST, &format!("/roles/{id}/users"), Some(json!({"userIds": [alice]}))).await;

    // GET and PATCH; a taken name is 422 role.name_in_use.
    assert_eq!(api.ok(Method::GET, &format!("/roles/{id}"), None).await["name"], "editor");
    let renamed = api.ok(Method::PATCH, &format!("/roles/{id}"), Some(json!({"name": "writer"}))).await;
    assert_eq!((renamed["name"].as_str(), renamed["description"].as_str()), (Some("writer"), Some("edits")));
    let other = api.ok(Method::POST, "/roles", Some(json!({"name": "other", "description": "x"}))).await;
    let (status, body) = api
        .call(Method::PATCH, &format!("/roles/{}", other["id"].as_str().unwrap()), Some(json!({"name": "writer"})))
        .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("role.name_in_use")));

    // A scope out of the role; its user out of it; then the role gone, and no user holds it.
    assert_eq!(api.call(Method::DELETE, &format!("/roles/{id}/scopes/{sid}"), None).await.0, 204);
    assert_eq!(api.call(Method::DELETE, &format!("/roles/{id}/scopes/{sid}"), None).await.0, 404, "not held any more");
    assert_eq!(api.ok(Method::GET, &format!("/roles/{id}/scopes"), None).await, json!([]));
    assert_eq!(api.call(Method::DELETE, &format!("/roles/{id}/users/{alice}"), None).await.0, 204);
    api.ok(Method::POST, &format!("/roles/{id}/users"), Some(json!({"userIds": [alice]}))).await;
    assert_eq!(api.call(Method::DELETE, &format!("/roles/{id}"), None).await.0, 204);
    assert_eq!(api.call(Method::GET, &format!("/roles/{id}"), None).await.0, 404);
    assert!(emu.state.tenant.read(|s| !s.user(&alice).unwrap().role_ids.contains(&id.to_string())));

    // PUT /users/{id}/roles replaces them, without repeats; DELETE takes one.
    let a = api.ok(Method::POST, "/roles", Some(json!({"name": "a", "description": "a"}))).await;
    let b = api.ok(Method::POST, "/roles", Some(json!({"name": "b", "description": "b"}))).await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let put = api.ok(Method::PUT, &format!("/users/{alice}/roles"), Some(json!({"roleIds": [a, b, a]}))).await;
    assert_eq!(put, json!({"roleIds": [a, b]}));
    assert_eq!(api.call(Method::DELETE, &format!("/users/{alice}/roles/{a}"), None).await.0, 204);
    let held: Vec<String> = emu.state.tenant.read(|s| s.user(&alice).unwrap().role_ids.clone());
    assert_eq!(held, vec![b.to_string()]);
}

#[tokio::test]
async fn machine_roles_reach_applications_from_the_role_side() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let role = api
        .ok(Method::POST, "/roles", Some(json!({"name": "m2m", "description": "m", "type": "MachineToMachine"})))
        .await;
    let id = role["id"].as_str().unwrap();
    let app = api.ok(Method::POST, "/applications", Some(json!({"name": "worker", "type": "MachineToMachine"}))).await;
    let app_id = app["id"].as_str().unwrap();
    let (status, _) =
        api.call(Method::POST, &format!("/roles/{id}/applications"), Some(json!({"applicationIds": [app_id]}))).await;
    assert_eq!(status, 201);
    let listed = api.ok(Method::GET, &format!("/roles/{id}/applications"), None).await;
    assert_eq!(listed[0]["id"], app_id);
    assert_eq!(api.call(Method::DELETE, &format!("/roles/{id}/applications/{app_id}"), None).await.0, 204);
    assert_eq!(api.ok(Method::GET, &format!("/roles/{id}/applications"), None).await, json!([]));
    api.ok(Method::POST, &format!("/applications/{app_id}/roles"), Some(json!({"roleIds": [id]}))).await;
    assert_eq!(api.call(Method::DELETE, &format!("/applications/{app_id}/roles/{id}"), None).await.0, 204);
    assert_eq!(api.call(Method::DELETE, &format!("/applications/{app_id}/roles/{id}"), None).await.0, 404);
}

#[tokio::test]
async fn resources_and_scopes_are_changed_and_deleted_with_the_roles_holding_them() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let resource =
        api.ok(Method::POST, "/resources", Some(json!({"name": "r", "indicator": "https://r.example"}))).await;
    let rid = resource["id"].as_str().unwrap();
    let read = api.ok(Method::POST, &format!("/resources/{rid}/scopes"), Some(json!({"name": "read"}))).await;
    let write = api.ok(Method::POST, &format!("/resources/{rid}/scopes"), Some(json!({"name": "write"}))).await;
    let (read, write) = (read["id"].as_str().unwrap(), write["id"].as_str().unwrap());
    let role = api
        .ok(Method::POST, "/roles", Some(json!({"name": "rw", "description": "rw", "scopeIds": [read, write]})))
        .await;
    let role_id = role["id"].as_str().unwrap();

    let renamed = api
        .ok(
            Method::PATCH,
            &format!("/resources/{rid}/scopes/{read}"),
            Some(json!({"name": "view", "description": "d"})),
        )
        .await;
    assert_eq!((renamed["name"].as_str(), renamed["description"].as_str()), (Some("view"), Some("d")));
    let (status, body) =
        api.call(Method::PATCH, &format!("/resources/{rid}/scopes/{read}"), Some(json!({"name": "write"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("scope.name_exists")));
    let (status, body) =
        api.call(Method::PATCH, &format!("/resources/{rid}/scopes/{read}"), Some(json!({"name": "a b"}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("scope.name_with_space")));
    let names = |emu: &RunningEmulator| {
        emu.state.tenant.read(|s| s.role(role_id).unwrap().scopes.iter().map(|p| p.1.clone()).collect::<Vec<_>>())
    };
    assert_eq!(names(&emu), vec!["view", "write"], "the role follows the new name");

    assert_eq!(api.call(Method::DELETE, &format!("/resources/{rid}/scopes/{write}"), None).await.0, 204);
    assert_eq!(names(&emu), vec!["view"]);
    assert_eq!(api.call(Method::DELETE, &format!("/resources/{rid}"), None).await.0, 204);
    assert!(names(&emu).is_empty(), "the resource's scopes left the role");
    assert_eq!(api.call(Method::DELETE, &format!("/resources/{rid}"), None).await.0, 404);
    let (status, body) = api.call(Method::DELETE, "/resources/management-api", None).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("resource.cannot_modify_management_api")));
}

#[tokio::test]
async fn applications_are_patched_as_logto_replaces_their_json() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let app = api
        .ok(
            Method::POST,
            "/applications",
            Some(json!({"name": "web", "type": "Traditional",
            "customClientMetadata": {"rotateRefreshToken": true}, "customData": {"a": 1},
            "oidcClientMetadata": {"redirectUris": ["https://w.example/cb"], "postLogoutRedirectUris": []}})),
        )
        .await;
    let id = app["id"].as_str().unwrap();
    assert_eq!(
        (app["customClientMetadata"].clone(), app["customData"].clone()),
        (json!({"rotateRefreshToken": true}), json!({"a": 1}))
    );
    let patched = api
        .ok(
            Method::PATCH,
            &format!("/applications/{id}"),
            Some(json!({"name": "web 2", "description": "d",
            "oidcClientMetadata": {"redirectUris": ["https://w.example/cb2"]},
            "customClientMetadata": {"allowTokenExchange": true}})),
        )
        .await;
    assert_eq!(patched["name"], "web 2");
    assert_eq!(patched["oidcClientMetadata"]["redirectUris"], json!(["https://w.example/cb2"]));
    // `updateApplicationById(id, rest, 'replace')`: the JSON column is the patch's, whole.
    assert_eq!(patched["customClientMetadata"], json!({"allowTokenExchange": true}));
    let patched = api
        .ok(
            Method::PATCH,
            &format!("/applications/{id}"),
            Some(json!({"customClientMetadata": {"isDeviceFlow": false}})),
        )
        .await;
    assert_eq!(patched["customClientMetadata"], json!({"isDeviceFlow": false}), "an explicit false is kept");
    // customData: replaced by PATCH, merged by PATCH …/custom-data.
    let merged = api.ok(Method::PATCH, &format!("/applications/{id}/custom-data"), Some(json!({"b": 2}))).await;
    assert_eq!(merged, json!({"a": 1, "b": 2}));
    let patched = api.ok(Method::PATCH, &format!("/applications/{id}"), Some(json!({"customData": {}}))).await;
    assert_eq!(patched["customData"], json!({}));
    let (status, body) = api
        .call(
            Method::PATCH,
            &format!("/applications/{id}"),
            Some(json!({"customClientMetadata": {"isDeviceFlow": true}})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.device_flow_not_changeable")));
    let (status, _) = api
        .call(
            Method::PATCH,
            &format!("/applications/{id}"),
            Some(json!({"oidcClientMetadata": {"redirectUris": ["not a url"]}})),
        )
        .await;
    assert_eq!(status, 400);
    let data = api.ok(Method::PATCH, &format!("/applications/{id}/custom-data"), Some(json!({"c": 3}))).await;
    assert_eq!(data, json!({"c": 3}), "merged into the emptied data");
    assert_eq!(api.call(Method::PATCH, "/applications/nosuchapp/custom-data", Some(json!({}))).await.0, 404);
}

/// The sign-in experience, and Logto's integration-test mode: its header is honoured only when
/// the mode is on (`koaAuth` honours `development-user-id` only with `INTEGRATION_TEST=true`).
#[tokio::test]
async fn the_sign_in_experience_and_the_integration_test_mode() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let sie = api.ok(Method::GET, "/sign-in-exp", None).await;
    assert_eq!((sie["id"].as_str(), sie["signInMode"].as_str()), (Some("default"), Some("SignInAndRegister")));
    assert_eq!(sie["signUp"]["identifiers"], json!(["email"]), "the demo seed allows email sign-up");
    let patched =
        api.ok(Method::PATCH, "/sign-in-exp", Some(json!({"signInMode": "SignIn", "sentinelPolicy": {}}))).await;
    assert_eq!(patched["signInMode"], "SignIn");
    assert_eq!(api.ok(Method::GET, "/sign-in-exp", None).await["signInMode"], "SignIn");
    assert_eq!(api.call(Method::PATCH, "/sign-in-exp", Some(json!({"signInMode": "Sometimes"}))).await.0, 400);
    assert_eq!(api.ok(Method::GET, "/connectors", None).await, json!([]));

    let header = |endpoint: &str| {
        reqwest::Client::new()
            .get(format!("{endpoint}/api/users"))
            .header("development-user-id", "integration-test-admin-user")
            .send()
    };
    assert_eq!(header(&emu.endpoint).await.unwrap().status(), 401, "ignored outside the mode");
    let testing = logto_emulator::Emulator::new(&demo_tenant::seed())
        .options(Options { integration_test: true, ..Options::default() })
        .spawn()
        .await
        .unwrap();
    assert_eq!(header(&testing.endpoint).await.unwrap().status(), 200);
    let empty = reqwest::Client::new()
        .get(format!("{}/api/users", testing.endpoint))
        .header("development-user-id", "")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 401, "an empty header is no user");
}

/// Lists Logto filters (`routes/admin-user/search.ts`, `routes/applications/application.ts`) and
/// the hook route's own refusals (`routes/hook.ts`).
#[tokio::test]
async fn lists_filter_and_hooks_refuse_as_logto_does() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let role = api.ok(Method::POST, "/roles", Some(json!({"name": "tagged", "description": "t"}))).await;
    let role_id = role["id"].as_str().unwrap();
    let alice = user(&emu, "alice");
    api.ok(Method::POST, &format!("/roles/{role_id}/users"), Some(json!({"userIds": [alice]}))).await;
    let users = api.ok(Method::GET, &format!("/users?page_size=100&excludeRoleId={role_id}"), None).await;
    let ids: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(!ids.contains(&alice.as_str()) && ids.contains(&user(&emu, "bob").as_str()));
    let (status, body) = api
        .call(Method::GET, &format!("/users?excludeRoleId={role_id}&excludeOrganizationId=acmeorg00001"), None)
        .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("request.invalid_input")));

    let partner = api
        .ok(
            Method::POST,
            "/applications",
            Some(json!({"name": "partner", "type": "Traditional", "isThirdParty": true,
            "oidcClientMetadata": {"redirectUris": ["https://p.example/cb"], "postLogoutRedirectUris": []}})),
        )
        .await;
    let third = api.ok(Method::GET, "/applications?isThirdParty=true", None).await;
    assert_eq!(
        third.as_array().unwrap().iter().map(|a| a["id"].clone()).collect::<Vec<_>>(),
        vec![partner["id"].clone()]
    );
    let first = api.ok(Method::GET, "/applications?isThirdParty=false&types=MachineToMachine", None).await;
    assert!(first.as_array().unwrap().iter().all(|a| a["type"] == "MachineToMachine" && a["isThirdParty"] == false));
    assert!(!first.as_array().unwrap().is_empty());
    assert_eq!(api.call(Method::GET, "/applications?types=Robot", None).await.0, 400);

    let (status, body) =
        api.call(Method::POST, "/hooks", Some(json!({"name": "h", "config": {"url": "not_a_url"}}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("hook.missing_events")), "events are asked for first");
    let (status, body) = api.call(Method::PATCH, "/hooks/nosuchhook", Some(json!({"name": "x"}))).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists")));
}

/// A user's profile, custom data and password checks (`routes/admin-user/basics.ts`): JSON columns
/// merged key by key, the password checked without signing in.
#[tokio::test]
async fn user_profiles_custom_data_and_password_checks() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let alice = user(&emu, "alice");
    let profile =
        api.ok(Method::PATCH, &format!("/users/{alice}/profile"), Some(json!({"profile": {"givenName": "Al"}}))).await;
    assert_eq!(profile, json!({"givenName": "Al"}));
    let profile =
        api.ok(Method::PATCH, &format!("/users/{alice}/profile"), Some(json!({"profile": {"familyName": "Ex"}}))).await;
    assert_eq!(profile, json!({"givenName": "Al", "familyName": "Ex"}));
    assert_eq!(api.ok(Method::GET, &format!("/users/{alice}"), None).await["profile"], profile);

    api.ok(Method::PATCH, &format!("/users/{alice}/custom-data"), Some(json!({"customData": {"a": 1}}))).await;
    let data =
        api.ok(Method::PATCH, &format!("/users/{alice}/custom-data"), Some(json!({"customData": {"b": 2}}))).await;
    assert_eq!(data["b"], 2);
    assert_eq!(data["a"], 1, "merged");
    assert_eq!(api.ok(Method::GET, &format!("/users/{alice}/custom-data"), None).await, data);
    assert_eq!(api.call(Method::PATCH, &format!("/users/{alice}/custom-data"), Some(json!({"a": 1}))).await.0, 400);

    let path = format!("/users/{alice}/password/verify");
    let verify = |password: &str| api.call(Method::POST, &path, Some(json!({"password": password})));
    assert_eq!(verify(demo_tenant::DEMO_PASSWORD).await.0, 204);
    let (status, body) = verify("wrong").await;
    assert_eq!((status, body["code"].as_str()), (422, Some("session.invalid_credentials")));
    assert_eq!(verify("").await.0, 400);
    assert_eq!(api.ok(Method::GET, &format!("/users/{alice}/has-password"), None).await, json!({"hasPassword": true}));
    assert_eq!(api.call(Method::GET, "/users/nosuchuser/has-password", None).await.0, 404);

    let plain = api.ok(Method::GET, &format!("/users/{alice}"), None).await;
    assert!(plain.get("ssoIdentities").is_none());
    let with = api.ok(Method::GET, &format!("/users/{alice}?includeSsoIdentities=true"), None).await;
    assert_eq!(with["ssoIdentities"], json!([]));
}

/// Named application secrets (`routes/applications/application-secret.ts`): each one
/// authenticates the app until it expires or goes; public apps have none.
#[tokio::test]
async fn application_secrets_are_added_renamed_expired_and_deleted() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let app = api.ok(Method::POST, "/applications", Some(json!({"name": "svc", "type": "MachineToMachine"}))).await;
    let id = app["id"].as_str().unwrap();
    let listed = api.ok(Method::GET, &format!("/applications/{id}/secrets"), None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["name"], "Default secret");

    let soon = emu.state.clock.now_ms() + 60_000;
    let (status, added) = api
        .call(Method::POST, &format!("/applications/{id}/secrets"), Some(json!({"name": "ci", "expiresAt": soon})))
        .await;
    assert_eq!((status, added["name"].as_str(), added["expiresAt"].as_i64()), (201, Some("ci"), Some(soon)));
    let ci = added["value"].as_str().unwrap().to_string();
    let (status, body) =
        api.call(Method::POST, &format!("/applications/{id}/secrets"), Some(json!({"name": "ci"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.secret_name_exists")));
    let past = emu.state.clock.now_ms() - 1;
    assert_eq!(
        api.call(Method::POST, &format!("/applications/{id}/secrets"), Some(json!({"name": "old", "expiresAt": past})))
            .await
            .0,
        400
    );
    assert_eq!(api.call(Method::POST, &format!("/applications/{id}/secrets"), Some(json!({"name": ""}))).await.0, 400);
    assert_eq!(api.call(Method::POST, "/applications/nosuchapp/secrets", Some(json!({"name": "x"}))).await.0, 404);
    let (status, body) =
        api.call(Method::POST, "/applications/spa4topusers000000001/secrets", Some(json!({"name": "x"}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("entity.db_constraint_violated")));

    let token = |secret: String| {
        let endpoint = emu.endpoint.clone();
        let id = id.to_string();
        async move {
            let form =
                [("grant_type", "client_credentials"), ("resource", "https://default.logto.app/api"), ("scope", "all")];
            let r = reqwest::Client::new()
                .post(format!("{endpoint}/oidc/token"))
                .basic_auth(&id, Some(&secret))
                .form(&form)
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        }
    };
    assert_eq!(token(ci.clone()).await, 200, "the new secret authenticates");
    let renamed =
        api.ok(Method::PATCH, &format!("/applications/{id}/secrets/ci"), Some(json!({"name": "deploy"}))).await;
    assert_eq!((renamed["name"].as_str(), renamed["value"].as_str()), (Some("deploy"), Some(ci.as_str())));
    emu.state.clock.advance_ms(120_000);
    // Logto tells an expired secret apart: 400 invalid_request "client secret has expired".
    assert_eq!(token(ci.clone()).await, 400, "an expired secret does not");
    assert_eq!(api.call(Method::DELETE, &format!("/applications/{id}/secrets/deploy"), None).await.0, 204);
    assert_eq!(api.call(Method::DELETE, &format!("/applications/{id}/secrets/Default%20secret"), None).await.0, 204);
    assert_eq!(api.ok(Method::GET, &format!("/applications/{id}/secrets"), None).await, json!([]));
    assert_eq!(api.call(Method::DELETE, &format!("/applications/{id}/secrets/deploy"), None).await.0, 404);
}

/// An application's own branding (`routes/applications/application-sign-in-experience.ts`): 201
/// when made, 200 when changed, empty texts kept as null, 404 `entity.not_exists_with_id` for an
/// unknown app or one without it.
#[tokio::test]
async fn applications_get_a_sign_in_experience_of_their_own() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let settings = json!({"branding": {"logoUrl": "https://l.example/logo.png"}, "color": {"primaryColor": "#f00"},
        "customCss": ".a{}", "termsOfUseUrl": "https://l.example/terms", "privacyPolicyUrl": "https://l.example/privacy",
        "displayName": "Demo"});
    let (status, body) =
        api.call(Method::PUT, "/applications/nosuchapp/sign-in-experience", Some(settings.clone())).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists_with_id")));
    let path = format!("/applications/{}/sign-in-experience", demo_tenant::SPA_APP_ID);
    assert_eq!(api.call(Method::GET, &path, None).await.0, 404);
    let (status, made) = api.call(Method::PUT, &path, Some(settings.clone())).await;
    assert_eq!(
        (status, made["displayName"].as_str(), made["applicationId"].as_str()),
        (201, Some("Demo"), Some(demo_tenant::SPA_APP_ID))
    );
    let changed = json!({"displayName": "", "customCss": "", "termsOfUseUrl": "", "privacyPolicyUrl": "https://l.example/p2",
        "branding": {"darkLogoUrl": "https://l.example/dark.png"}});
    let (status, after) = api.call(Method::PUT, &path, Some(changed)).await;
    assert_eq!(status, 200);
    assert_eq!(
        (after["displayName"].clone(), after["customCss"].clone(), after["termsOfUseUrl"].clone()),
        (Value::Null, Value::Null, Value::Null)
    );
    assert_eq!(
        after["branding"],
        json!({"logoUrl": "https://l.example/logo.png", "darkLogoUrl": "https://l.example/dark.png"})
    );
    assert_eq!(api.ok(Method::GET, &path, None).await, after);
    let (status, _) =
        api.call(Method::PUT, &path, Some(json!({"termsOfUseUrl": "not a url", "privacyPolicyUrl": null}))).await;
    assert_eq!(status, 400);
}

/// A third-party app's consent scopes (`routes/applications/application-user-consent-scope.ts`,
/// `libraries/application.ts`): first-party apps refused, unknown ids and Management API scopes
/// refused, scopes grouped by resource, removed one by one.
#[tokio::test]
async fn third_party_apps_keep_the_scopes_their_users_consent_to() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let partner = api
        .ok(
            Method::POST,
            "/applications",
            Some(json!({"name": "partner", "type": "Traditional", "isThirdParty": true,
            "oidcClientMetadata": {"redirectUris": ["https://p.example/cb"], "postLogoutRedirectUris": []}})),
        )
        .await;
    let id = partner["id"].as_str().unwrap();
    let (org_scope, api_scope, mgmt_scope) = emu.state.tenant.read(|s| {
        let api = s.resource(demo_tenant::API_RESOURCE).unwrap();
        (s.org_scopes[0].id.clone(), api.scopes[0].id.clone(), s.resources[0].scopes[0].id.clone())
    });
    let path = format!("/applications/{id}/user-consent-scopes");
    let (status, body) = api
        .call(
            Method::POST,
            &format!("/applications/{}/user-consent-scopes", demo_tenant::SPA_APP_ID),
            Some(json!({"userScopes": ["email"]})),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.third_party_application_only")));
    let (status, body) = api.call(Method::POST, &path, Some(json!({"resourceScopes": ["nope"]}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.user_consent_scopes_not_found")));
    assert_eq!(body["data"]["invalidResourceScopes"], json!(["nope"]));
    let (status, body) = api.call(Method::POST, &path, Some(json!({"resourceScopes": [mgmt_scope]}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.consent_management_api_scopes_not_allowed")));
    assert_eq!(api.call(Method::POST, &path, Some(json!({"userScopes": ["everything"]}))).await.0, 400);

    let all =
        json!({"organizationScopes": [org_scope], "resourceScopes": [api_scope], "userScopes": ["profile", "email"]});
    assert_eq!(api.call(Method::POST, &path, Some(all.clone())).await.0, 201);
    assert_eq!(api.call(Method::POST, &path, Some(all)).await.0, 201, "again: nothing twice");
    let got = api.ok(Method::GET, &path, None).await;
    assert_eq!(got["organizationScopes"][0]["id"], org_scope.as_str());
    assert_eq!(got["resourceScopes"][0]["resource"]["indicator"], demo_tenant::API_RESOURCE);
    assert_eq!(got["resourceScopes"][0]["scopes"].as_array().unwrap().len(), 1);
    assert_eq!(got["userScopes"], json!(["profile", "email"]));
    assert_eq!(api.call(Method::DELETE, &format!("{path}/user-scopes/email"), None).await.0, 204);
    let (status, body) = api.call(Method::DELETE, &format!("{path}/user-scopes/email"), None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_found")));
    assert_eq!(api.call(Method::DELETE, &format!("{path}/other-scopes/x"), None).await.0, 400);
    let (status, body) = api.call(Method::GET, "/applications/nosuchapp/user-consent-scopes", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists_with_id")));
}

/// Organizations a user shares with a third-party app
/// (`routes/applications/application-user-consent-organization.ts`): members only, set, added to,
/// listed (paged) and removed.
#[tokio::test]
async fn users_share_their_organizations_with_third_party_apps() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let partner = api
        .ok(
            Method::POST,
            "/applications",
            Some(json!({"name": "partner", "type": "Traditional", "isThirdParty": true,
            "oidcClientMetadata": {"redirectUris": ["https://p.example/cb"], "postLogoutRedirectUris": []}})),
        )
        .await;
    let id = partner["id"].as_str().unwrap();
    let alice = user(&emu, "alice");
    let path = format!("/applications/{id}/users/{alice}/consent-organizations");
    let elsewhere = api.ok(Method::POST, "/organizations", Some(json!({"name": "Elsewhere"}))).await;
    let elsewhere = elsewhere["id"].as_str().unwrap();
    let (status, body) =
        api.call(Method::PUT, &path, Some(json!({"organizationIds": [elsewhere, "acmeorg00001"]}))).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("organization.require_membership")), "alice is not in it");
    assert_eq!(api.call(Method::PUT, &path, Some(json!({"organizationIds": ["acmeorg00001"]}))).await.0, 204);
    let listed = api.ok(Method::GET, &path, None).await;
    assert_eq!(listed["organizations"][0]["id"], "acmeorg00001");
    assert_eq!(listed["organizations"].as_array().unwrap().len(), 1);
    assert_eq!(api.call(Method::POST, &path, Some(json!({"organizationIds": []}))).await.0, 400);
    assert_eq!(api.call(Method::DELETE, &format!("{path}/acmeorg00001"), None).await.0, 204);
    assert_eq!(api.call(Method::DELETE, &format!("{path}/acmeorg00001"), None).await.0, 404);
    assert_eq!(api.ok(Method::GET, &path, None).await, json!({"organizations": []}));
    let spa = format!("/applications/{}/users/{alice}/consent-organizations", demo_tenant::SPA_APP_ID);
    let (status, body) = api.call(Method::GET, &spa, None).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.third_party_application_only")));
    assert_eq!(
        api.call(Method::GET, &format!("/applications/{id}/users/nosuchuser/consent-organizations"), None).await.0,
        404
    );
}

/// Webhooks take any text as their URL, as Logto's `hookConfigGuard` (a delivery to it fails and
/// is logged); a name may not be empty; updates by an unknown id are `entity.not_exists`. A
/// machine-to-machine app's roles can be replaced (`PUT …/roles`, `application-role.ts`).
#[tokio::test]
async fn hooks_take_logtos_config_and_app_roles_are_replaced() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let (status, hook) = api
        .call(
            Method::POST,
            "/hooks",
            Some(json!({"name": "h", "events": ["PostRegister"],
            "config": {"url": "not_work_url", "headers": {"foo": "bar"}, "retries": 3}})),
        )
        .await;
    assert_eq!((status, hook["config"]["url"].as_str()), (201, Some("not_work_url")), "{hook}");
    let (status, body) = api
        .call(Method::POST, "/hooks", Some(json!({"name": "", "events": ["PostRegister"], "config": {"url": "x"}})))
        .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("guard.invalid_input")));
    let (status, body) = api.call(Method::PATCH, "/hooks/nosuchhook/signing-key", None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists")));

    let a = api
        .ok(Method::POST, "/roles", Some(json!({"name": "ma", "description": "a", "type": "MachineToMachine"})))
        .await;
    let b = api
        .ok(Method::POST, "/roles", Some(json!({"name": "mb", "description": "b", "type": "MachineToMachine"})))
        .await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let app = api.ok(Method::POST, "/applications", Some(json!({"name": "worker", "type": "MachineToMachine"}))).await;
    let app = app["id"].as_str().unwrap();
    api.ok(Method::POST, &format!("/applications/{app}/roles"), Some(json!({"roleIds": [a]}))).await;
    assert_eq!(
        api.call(Method::PUT, &format!("/applications/{app}/roles"), Some(json!({"roleIds": [b, b]}))).await.0,
        200
    );
    let held: Vec<String> = emu.state.tenant.read(|s| s.applications[app].role_ids.clone());
    assert_eq!(held, vec![b.to_string()]);
    let user_role = api.ok(Method::POST, "/roles", Some(json!({"name": "u", "description": "u"}))).await;
    let (status, _) =
        api.call(Method::PUT, &format!("/applications/{app}/roles"), Some(json!({"roleIds": [user_role["id"]]}))).await;
    assert_eq!(status, 422, "a user role is refused, and nothing changes");
    assert_eq!(emu.state.tenant.read(|s| s.applications[app].role_ids.clone()), vec![b.to_string()]);
}

/// Hostile ids and bodies get fixed words: Logto's `entity.not_exists_with_id` names an id only
/// when it has an id's shape, and a body that is not the route's JSON is refused without quoting it.
#[tokio::test]
async fn hostile_ids_and_bodies_are_not_echoed() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    for id in ["%3Cscript%3Ealert(1)%3C%2Fscript%3E", "a%0d%0aSet-Cookie:%20x=1", &"x".repeat(5000)] {
        let (status, body) = api.call(Method::GET, &format!("/applications/{id}/user-consent-scopes"), None).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists_with_id")));
        let text = body.to_string();
        assert!(
            !text.contains("<script>") && !text.contains("Set-Cookie") && !text.contains(&"x".repeat(100)),
            "{text}"
        );
    }
    let (_, body) = api.call(Method::GET, "/applications/nosuchapp/user-consent-scopes", None).await;
    assert!(body["message"].as_str().unwrap().contains("`nosuchapp`"), "a real id is still named, as Logto does");
    let r = reqwest::Client::new()
        .put(format!("{}/api/experience", emu.endpoint))
        .header("cookie", "_interaction=x")
        .json(&json!({"interactionEvent": 42, "echo": "<script>"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(!r.text().await.unwrap().contains("42"), "serde's text is not in the answer");
}
