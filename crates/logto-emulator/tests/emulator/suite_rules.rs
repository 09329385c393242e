//! Answers Logto's own integration suite checks (issue 29) that no recording shows, each as the
//! suite's test and Logto 1.42's source give them: the token endpoint's refusals
//! (`oidc/content-type-json`, `oidc/client-authentication`, `oidc/client-credentials-grant`
//! tests), the default API resource (`routes/resource.ts`), the public well-known routes
//! (`routes/well-known/index.ts`), organizations' branding and featured users
//! (`routes/organization/index.ts`), the consent-organization routes' order of checks, and the ID
//! token's claims (`oidc/id-token` test).

use crate::helpers::{claims, post_token, Api};
use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use reqwest::Method;
use serde_json::{json, Value};

async fn emulator() -> logto_emulator::RunningEmulator {
    logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap()
}

async fn post_raw(emu: &logto_emulator::RunningEmulator, content_type: &str, body: &'static [u8]) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/oidc/token", emu.endpoint))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_token_endpoint_refuses_bodies_and_clients_as_logto_does() {
    let emu = emulator().await;
    let (status, body) =
        post_raw(&emu, "application/x-www-form-urlencoded", b"grant_type=authorization_code\0&client_id=x").await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("null bytes are not allowed in the request body"))
    );
    let (status, body) = post_raw(&emu, "application/json", b"this is not a json").await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("no client authentication mechanism provided"))
    );
    let (status, body) = post_raw(&emu, "application/json1", br#"{"client_id":"x"}"#).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("only application/x-www-form-urlencoded content-type bodies are supported on POST /token"))
    );
    let (status, body) =
        post_raw(&emu, "application/json; charset=utf-8", br#"{"client_id":"spa4topusers000000001"}"#).await;
    assert_eq!((status, body["error_description"].as_str()), (400, Some("missing required parameter 'grant_type'")));

    // An unknown client: 400 "invalid client <id>", the id named only when id-shaped.
    let (status, _, body) = post_token(
        &emu.endpoint,
        &[("grant_type", "client_credentials"), ("client_id", "not-found"), ("client_secret", "x")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str(), body["error_description"].as_str()),
        (400, Some("invalid_client"), Some("invalid client not-found"))
    );
    let (_, _, body) = post_token(
        &emu.endpoint,
        &[("grant_type", "client_credentials"), ("client_id", "<script>"), ("client_secret", "x")],
    )
    .await;
    assert_eq!(body["error_description"], "invalid client");
}

#[tokio::test]
async fn the_default_resource_serves_requests_without_one_and_org_tokens_keep_their_scope() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let first = api.ok(Method::POST, "/resources", Some(json!({"name": "a", "indicator": "https://a.example"}))).await;
    let second = api.ok(Method::POST, "/resources", Some(json!({"name": "b", "indicator": "https://b.example"}))).await;
    for r in [&first, &second] {
        let set = api
            .ok(
                Method::PATCH,
                &format!("/resources/{}/is-default", r["id"].as_str().unwrap()),
                Some(json!({"isDefault": true})),
            )
            .await;
        assert_eq!(set["isDefault"], true);
    }
    let defaults: Vec<Value> = api
        .ok(Method::GET, "/resources", None)
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["isDefault"] == true)
        .cloned()
        .collect();
    assert_eq!(defaults.len(), 1, "one default at most");
    assert_eq!(defaults[0]["id"], second["id"]);
    let (status, _, body) = post_token(
        &emu.endpoint,
        &[("grant_type", "client_credentials"), ("client_id", M2M_APP_ID), ("client_secret", M2M_APP_SECRET)],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(claims(body["access_token"].as_str().unwrap())["aud"], "https://b.example");
    assert!(body.get("scope").is_none());
    let (status, _) = api.call(Method::PATCH, "/resources/nosuch/is-default", Some(json!({"isDefault": true}))).await;
    assert_eq!(status, 404);

    // An organization's own token: `scope: ""` in the body and the JWT when nothing is granted.
    let org = api.ok(Method::POST, "/organizations", Some(json!({"name": "cc-org"}))).await;
    let org_id = org["id"].as_str().unwrap();
    api.ok(
        Method::POST,
        &format!("/organizations/{org_id}/applications"),
        Some(json!({"applicationIds": [M2M_APP_ID]})),
    )
    .await;
    let (status, _, body) = post_token(
        &emu.endpoint,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M_APP_ID),
            ("client_secret", M2M_APP_SECRET),
            ("organization_id", org_id),
        ],
    )
    .await;
    assert_eq!((status, body["scope"].as_str()), (200, Some("")));
    assert_eq!(claims(body["access_token"].as_str().unwrap())["scope"], "");
}

#[tokio::test]
async fn the_public_sign_in_experience_merges_branding_and_hides_private_fields() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    api.ok(Method::PATCH, "/sign-in-exp", Some(json!({"emailBlocklistPolicy": {"customBlocklist": ["@blocked.com"]}})))
        .await;
    let org = api
        .ok(
            Method::POST,
            "/organizations",
            Some(json!({"name": "branded", "color": {"primaryColor": "#f00", "unknown": 1}, "customCss": "a{}"})),
        )
        .await;
    assert_eq!(org["color"], json!({"primaryColor": "#f00"}), "unknown colour keys dropped");
    let patched = api
        .ok(
            Method::PATCH,
            &format!("/organizations/{}", org["id"].as_str().unwrap()),
            Some(json!({"branding": {"logoUrl": "https://l.example/logo.png"}})),
        )
        .await;
    assert_eq!(
        (patched["branding"]["logoUrl"].as_str(), patched["customCss"].as_str()),
        (Some("https://l.example/logo.png"), Some("a{}"))
    );
    let (status, _) = api
        .call(
            Method::PATCH,
            &format!("/organizations/{}", org["id"].as_str().unwrap()),
            Some(json!({"color": {"primaryColor": "red"}})),
        )
        .await;
    assert_eq!(status, 400);

    let public: Value =
        reqwest::get(format!("{}/api/.well-known/sign-in-exp", emu.endpoint)).await.unwrap().json().await.unwrap();
    assert!(public.get("emailBlocklistPolicy").is_none() && public.get("forgotPasswordMethods").is_none());
    assert_eq!((public["ssoConnectors"].clone(), public["socialConnectors"].clone()), (json!([]), json!([])));
    assert_eq!(public["color"]["primaryColor"], "#6139F6");
    let url = format!("{}/api/.well-known/sign-in-exp?organizationId={}", emu.endpoint, org["id"].as_str().unwrap());
    let for_org: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!((for_org["color"]["primaryColor"].as_str(), for_org["customCss"].as_str()), (Some("#f00"), Some("a{}")));
    assert_eq!(for_org["color"]["isDarkModeEnabled"], false, "merged, not replaced");
    let center: Value =
        reqwest::get(format!("{}/api/.well-known/account-center", emu.endpoint)).await.unwrap().json().await.unwrap();
    assert_eq!((center["enabled"].as_bool(), center["fields"].clone()), (Some(false), json!({})));

    // showFeatured: usersCount and the first three members.
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    api.ok(
        Method::POST,
        &format!("/organizations/{}/users", org["id"].as_str().unwrap()),
        Some(json!({"userIds": [alice]})),
    )
    .await;
    let listed = api.ok(Method::GET, "/organizations?showFeatured=1&q=branded", None).await;
    assert_eq!(
        (listed[0]["usersCount"].as_u64(), listed[0]["featuredUsers"][0]["id"].as_str()),
        (Some(1), Some(alice.as_str()))
    );
    assert!(api.ok(Method::GET, "/organizations?q=branded", None).await[0].get("usersCount").is_none());
}

#[tokio::test]
async fn consent_organization_routes_check_the_app_and_user_before_the_body() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let third = api
        .ok(
            Method::POST,
            "/applications",
            Some(json!({"name": "3p", "type": "Traditional", "isThirdParty": true,
            "oidcClientMetadata": {"redirectUris": ["https://3p.example/cb"], "postLogoutRedirectUris": []}})),
        )
        .await;
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    let empty = Some(json!({"organizationIds": []}));
    let (status, body) = api
        .call(Method::POST, &format!("/applications/nosuchapp/users/{alice}/consent-organizations"), empty.clone())
        .await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_exists_with_id")));
    let path = format!("/applications/{}/users/nosuchuser/consent-organizations", third["id"].as_str().unwrap());
    let (status, body) = api.call(Method::POST, &path, empty.clone()).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("entity.not_found")));
    let path = format!("/applications/{}/users/{alice}/consent-organizations", demo_tenant::SPA_APP_ID);
    let (status, body) = api.call(Method::POST, &path, empty.clone()).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("application.third_party_application_only")));
    let path = format!("/applications/{}/users/{alice}/consent-organizations", third["id"].as_str().unwrap());
    assert_eq!(api.call(Method::POST, &path, empty).await.0, 400, "then the body: at least one");
}

#[tokio::test]
async fn id_tokens_carry_roles_and_the_preferred_username() {
    let emu = emulator().await;
    let id_token = |scope: &'static str| {
        let endpoint = emu.endpoint.clone();
        async move {
            let signed_in =
                demo_tenant::sign_in(&endpoint, "alice", demo_tenant::DEMO_PASSWORD, scope, None).await.unwrap();
            claims(signed_in.id_token())
        }
    };
    let with_roles = id_token("openid roles").await;
    assert!(with_roles["roles"].as_array().is_some_and(|r| !r.is_empty()), "{with_roles}");
    assert_eq!(id_token("openid profile").await["preferred_username"], "alice");
    let api = Api::new(&emu).await;
    let alice = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    api.ok(
        Method::PATCH,
        &format!("/users/{alice}/profile"),
        Some(json!({"profile": {"preferredUsername": "ally", "givenName": "Alice"}})),
    )
    .await;
    let profile = id_token("openid profile").await;
    assert_eq!((profile["preferred_username"].as_str(), profile["given_name"].as_str()), (Some("ally"), Some("Alice")));
}

#[tokio::test]
async fn answers_are_gzipped_saml_apps_are_refused_and_a_narrowed_refresh_drops_claims() {
    let emu = emulator().await;
    // gzip when asked (Logto's koa-compress); not when the client rules it out.
    let http = reqwest::Client::new();
    let url = format!("{}/oidc/.well-known/openid-configuration", emu.endpoint);
    let gz = http.get(&url).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(gz.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("gzip"));
    let plain = http.get(&url).header("accept-encoding", "identity").send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.json::<Value>().await.unwrap()["issuer"].is_string());

    let api = Api::new(&emu).await;
    let (status, body) = api.call(Method::POST, "/applications", Some(json!({"name": "s", "type": "SAML"}))).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("application.saml.use_saml_app_api")));

    // The ID token of a refresh follows that request's scopes.
    let signed_in = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        demo_tenant::DEMO_PASSWORD,
        "openid profile email offline_access",
        None,
    )
    .await
    .unwrap();
    assert!(claims(signed_in.id_token())["email"].is_string());
    let refresh_token = signed_in.code_exchange["refresh_token"].as_str().unwrap();
    let (status, body) = crate::helpers::refresh(&emu.endpoint, refresh_token, &[("scope", "openid profile")]).await;
    assert_eq!(status, 200, "{body}");
    let narrowed = claims(body["id_token"].as_str().unwrap());
    assert!(narrowed.get("email").is_none() && narrowed.get("email_verified").is_none(), "{narrowed}");
    assert_eq!(narrowed["username"], "alice");
}

#[tokio::test]
async fn token_requests_are_in_the_audit_log_with_the_secret_named_never_shown() {
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    api.ok(Method::POST, "/resources", Some(json!({"name": "r", "indicator": "https://r.example"}))).await;
    let app = api.ok(Method::POST, "/applications", Some(json!({"name": "m2m", "type": "MachineToMachine"}))).await;
    let app_id = app["id"].as_str().unwrap();
    let secret = api.ok(Method::POST, &format!("/applications/{app_id}/secrets"), Some(json!({"name": "ci"}))).await;
    let value = secret["value"].as_str().unwrap();
    // A UTF-16LE form, as Logto's client-authentication test also sends one.
    let form = format!(
        "grant_type=client_credentials&client_id={app_id}&client_secret={value}&resource=https%3A%2F%2Fr.example"
    );
    let utf16: Vec<u8> = form.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = reqwest::Client::new()
        .post(format!("{}/oidc/token", emu.endpoint))
        .header("content-type", "application/x-www-form-urlencoded; charset=utf16le")
        .body(utf16)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (status, _, _) = post_token(
        &emu.endpoint,
        &[("grant_type", "client_credentials"), ("client_id", app_id), ("client_secret", "wrong")],
    )
    .await;
    assert_eq!(status, 401);

    let all = api.ok(Method::GET, "/logs?logKey=ExchangeTokenBy.ClientCredentials", None).await;
    let all = all.as_array().unwrap();
    // Newest first; a refused client is no application (as Logto: the client was not found).
    assert_eq!(all[0]["payload"]["result"], "Error");
    assert!(all[0]["payload"].get("applicationId").is_none());
    let logs = api
        .ok(Method::GET, &format!("/logs?logKey=ExchangeTokenBy.ClientCredentials&applicationId={app_id}"), None)
        .await;
    let logs = logs.as_array().unwrap();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["payload"]["result"], "Success");
    assert_eq!(logs[0]["payload"]["applicationSecret"], json!({"name": "ci"}));
    assert_eq!(logs[0]["payload"]["tokenTypes"], json!(["AccessToken"]));
    assert!(!Value::Array(all.clone()).to_string().contains(value), "the secret's value is never logged");
    let one = api.ok(Method::GET, &format!("/logs/{}", logs[0]["id"].as_str().unwrap()), None).await;
    assert_eq!(one, logs[0]);
    assert_eq!(api.call(Method::GET, "/logs/nosuch", None).await.0, 404);
}

#[tokio::test]
async fn a_method_a_path_does_not_serve_is_koas_405_never_an_empty_answer() {
    // Logto mounts its routers with koa-router's `allowedMethods()` (`routes/init.ts`).
    let emu = emulator().await;
    let api = Api::new(&emu).await;
    let r = reqwest::Client::new()
        .delete(format!("{}/api/logs/anything", emu.endpoint))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["allow"], "GET,HEAD");
    assert_eq!(r.text().await.unwrap(), "Method Not Allowed");
}
