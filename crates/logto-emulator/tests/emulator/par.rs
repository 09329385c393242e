//! Pushed authorization requests (RFC 9126) as Logto 1.42 serves them (issue 27; recorded in
//! `tests/fidelity/token-exchange/`, steps 560–575; oidc-provider's `lib/actions/authorization/`
//! with `features.pushedAuthorizationRequests`, enabled in Logto's `packages/core/src/oidc/init.ts`).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{DEMO_PASSWORD, SPA_APP_ID, SPA_REDIRECT_URI};
use logto_emulator::RunningEmulator;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const VERIFIER: &str = "a-verifier-of-enough-length-for-pkce-0123456789";

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn challenge() -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()))
}

/// The SPA's authorization request, as a form.
fn request(state: &str) -> Vec<(&'static str, String)> {
    vec![
        ("client_id", SPA_APP_ID.into()),
        ("response_type", "code".into()),
        ("redirect_uri", SPA_REDIRECT_URI.into()),
        ("scope", "openid profile offline_access".into()),
        ("state", state.into()),
        ("code_challenge", challenge()),
        ("code_challenge_method", "S256".into()),
    ]
}

async fn push(emu: &RunningEmulator, basic: Option<(&str, &str)>, form: &[(&str, String)]) -> (u16, Value) {
    let mut r = browser().post(format!("{}/oidc/request", emu.endpoint)).form(form);
    if let Some((id, secret)) = basic {
        r = r.basic_auth(id, Some(secret));
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// `/oidc/auth?client_id&request_uri`: the redirect's location.
async fn authorize(emu: &RunningEmulator, client_id: &str, request_uri: &str) -> String {
    let mut url = url::Url::parse(&format!("{}/oidc/auth", emu.endpoint)).unwrap();
    url.query_pairs_mut().append_pair("client_id", client_id).append_pair("request_uri", request_uri);
    let r = browser().get(url).send().await.unwrap();
    assert_eq!(r.status(), 303);
    r.headers()["location"].to_str().unwrap().to_string()
}

fn query(location: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(&format!("http://x.invalid{location}")).or_else(|_| url::Url::parse(location)).ok()?;
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn a_pushed_request_signs_in_once_and_only_for_its_client() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    // 560: 201 with a 60-second request_uri.
    let (status, pushed) = push(&emu, None, &request("par-state")).await;
    assert_eq!(status, 201, "{pushed}");
    assert_eq!(pushed["expires_in"], 60);
    let uri = pushed["request_uri"].as_str().unwrap().to_string();
    let id = uri.strip_prefix("urn:ietf:params:oauth:request_uri:").unwrap();
    assert_eq!(id.len(), 43, "{uri}");

    // 561, 571–573: /oidc/auth runs it: sign-in, back with the pushed state, the code exchanged.
    let location = authorize(&emu, SPA_APP_ID, &uri).await;
    assert!(location.starts_with("/sign-in?interaction="), "{location}");
    let form = [
        ("interaction", query(&location, "interaction").unwrap()),
        ("username", "alice".into()),
        ("password", DEMO_PASSWORD.into()),
    ];
    let r = browser().post(format!("{}/sign-in", emu.endpoint)).form(&form).send().await.unwrap();
    let callback = r.headers()["location"].to_str().unwrap().to_string();
    assert!(callback.starts_with(SPA_REDIRECT_URI), "{callback}");
    assert_eq!(query(&callback, "state").as_deref(), Some("par-state"));
    let code = query(&callback, "code").unwrap();
    let (status, _, tokens) = crate::helpers::post_token(
        &emu.endpoint,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SPA_APP_ID),
            ("code", &code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", SPA_REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");

    // 563: used once; again, it is invalid: to the client's redirect URI, without state.
    let again = authorize(&emu, SPA_APP_ID, &uri).await;
    assert!(again.starts_with(SPA_REDIRECT_URI), "{again}");
    assert_eq!(query(&again, "error").as_deref(), Some("invalid_request_uri"));
    assert_eq!(
        query(&again, "error_description").as_deref(),
        Some("request_uri is invalid, expired, or was already used")
    );
    assert_eq!((query(&again, "state"), query(&again, "iss").is_some()), (None, true));

    // 570: another client's request_uri: to the pushed redirect_uri, with its state.
    let (_, pushed) = push(&emu, None, &request("mismatch-state")).await;
    let mismatch = authorize(&emu, "spa4sdkcheck000000001", pushed["request_uri"].as_str().unwrap()).await;
    assert!(mismatch.starts_with(SPA_REDIRECT_URI), "{mismatch}");
    assert_eq!(query(&mismatch, "error").as_deref(), Some("invalid_request_object"));
    assert_eq!(
        query(&mismatch, "error_description").as_deref(),
        Some("request client_id must equal the one in request parameters")
    );
    assert_eq!(query(&mismatch, "state").as_deref(), Some("mismatch-state"));

    // 575: past 60 seconds it has expired.
    let (_, pushed) = push(&emu, None, &request("late")).await;
    emu.state.clock.advance_ms(61_000);
    let late = authorize(&emu, SPA_APP_ID, pushed["request_uri"].as_str().unwrap()).await;
    assert_eq!(query(&late, "error").as_deref(), Some("invalid_request_uri"));
}

#[tokio::test]
async fn pushes_are_checked_as_logto_checks_them() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    // A confidential (Traditional) client, made through the Management API, and its secret.
    let token = demo_tenant::mint_admin_token(&emu.endpoint).await.unwrap();
    let http = reqwest::Client::new();
    let app: Value = http
        .post(format!("{}/api/applications", emu.endpoint))
        .bearer_auth(&token)
        .json(&json!({"name": "web", "type": "Traditional",
            "oidcClientMetadata": {"redirectUris": ["http://localhost:8480/tx-callback"], "postLogoutRedirectUris": []}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_id = app["id"].as_str().unwrap().to_string();
    let secrets: Value = http
        .get(format!("{}/api/applications/{app_id}/secrets", emu.endpoint))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = secrets[0]["value"].as_str().unwrap().to_string();
    let web = |with_client_id: bool| {
        let mut form = vec![
            ("response_type", "code".to_string()),
            ("redirect_uri", "http://localhost:8480/tx-callback".to_string()),
            ("scope", "openid".to_string()),
        ];
        if with_client_id {
            form.push(("client_id", app_id.clone()));
        }
        form
    };

    // 564: Basic auth alone is not enough: the body names the client.
    let (status, body) = push(&emu, Some((&app_id, &secret)), &web(false)).await;
    assert_eq!((status, body["error_description"].as_str()), (400, Some("missing required parameter 'client_id'")));
    // 564b: Basic and client_id: 201 (no PKCE needed for a confidential client).
    assert_eq!(push(&emu, Some((&app_id, &secret)), &web(true)).await.0, 201);
    // 565: no secret: 401 invalid_client.
    let (status, body) = push(&emu, None, &web(true)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));

    // 566: a redirect_uri not registered.
    let mut bad = request("s");
    bad[2].1 = "https://evil.example.com/cb".into();
    let (status, body) = push(&emu, None, &bad).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
    assert_eq!(body["error_description"], "redirect_uri did not match any of the client's registered redirect_uris");
    // 567: a request_uri in a push: no description, as oidc-provider.
    let mut nested = request("s");
    nested.push(("request_uri", "urn:ietf:params:oauth:request_uri:x".into()));
    let (status, body) = push(&emu, None, &nested).await;
    assert_eq!(
        (status, body["error"].as_str(), body.get("error_description")),
        (400, Some("request_uri_not_supported"), None)
    );
    assert_eq!(body["code"], "oidc.request_uri_not_supported");
    // 568: a public client without PKCE.
    let no_pkce: Vec<(&str, String)> =
        request("s").into_iter().filter(|(k, _)| !k.starts_with("code_challenge")).collect();
    let (status, body) = push(&emu, None, &no_pkce).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("Authorization Server policy requires PKCE to be used for this request"))
    );
    // 569: GET is not a route.
    let r = browser().get(format!("{}/oidc/request?client_id={SPA_APP_ID}", emu.endpoint)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error_description"], "unrecognized route or not allowed method (GET on /request)");
}
