//! The device authorization grant (RFC 8628) as Logto 1.42 serves it (issue 27; recorded in
//! `tests/fidelity/token-exchange/`, steps 408–409 and 505–550; oidc-provider's
//! `lib/actions/device_authorization.js` and `lib/actions/grants/device_code.js`, enabled for Native
//! apps with `isDeviceFlow` in Logto's `packages/core/src/oidc/init.ts`).

use demo_tenant::{API_RESOURCE, DEMO_PASSWORD, SPA_APP_ID};
use logto_emulator::RunningEmulator;
use serde_json::{json, Value};

use crate::helpers::{jwt_parts, post_token};

const GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn app(emu: &RunningEmulator, app_type: &str, device_flow: bool) -> (u16, Value) {
    let token = demo_tenant::mint_admin_token(&emu.endpoint).await.unwrap();
    let mut body = json!({"name": "device", "type": app_type, "oidcClientMetadata": {"redirectUris": [], "postLogoutRedirectUris": []}});
    if device_flow {
        body["customClientMetadata"] = json!({"isDeviceFlow": true});
    }
    let r = reqwest::Client::new()
        .post(format!("{}/api/applications", emu.endpoint))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn device_auth(emu: &RunningEmulator, form: &[(&str, &str)]) -> (u16, Value) {
    let r = reqwest::Client::new().post(format!("{}/oidc/device/auth", emu.endpoint)).form(form).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn poll(emu: &RunningEmulator, client_id: &str, device_code: &str) -> (u16, Value) {
    let (status, _, body) =
        post_token(&emu.endpoint, &[("grant_type", GRANT), ("client_id", client_id), ("device_code", device_code)])
            .await;
    (status, body)
}

/// The device page's XSRF token, as a browser gets it on its first visit (`/device` → 302
/// `/oidc/device`, which sets the cookie → 302 `/device`).
async fn xsrf(emu: &RunningEmulator) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let first = http.get(format!("{}/device?user_code=AB", emu.endpoint)).send().await.unwrap();
    assert_eq!(
        (first.status().as_u16(), first.headers()["location"].to_str().unwrap()),
        (302, "/oidc/device?user_code=AB")
    );
    let second = http.get(format!("{}/oidc/device?user_code=AB", emu.endpoint)).send().await.unwrap();
    assert_eq!(
        (second.status().as_u16(), second.headers()["location"].to_str().unwrap()),
        (302, "/device?user_code=AB")
    );
    let cookie = second.headers()["set-cookie"].to_str().unwrap();
    let pair = cookie.split(';').next().unwrap();
    pair.strip_prefix("_logto_device_flow_xsrf=").unwrap().to_string()
}

/// The device page's confirm form, as a person fills it (with the page's XSRF token).
async fn decide(emu: &RunningEmulator, user_code: &str, decision: &str) -> (u16, String) {
    let token = xsrf(emu).await;
    let form = [
        ("user_code", user_code),
        ("username", "alice"),
        ("password", DEMO_PASSWORD),
        ("decision", decision),
        ("xsrf", &token),
    ];
    let r = reqwest::Client::new()
        .post(format!("{}/device/confirm", emu.endpoint))
        .header("cookie", format!("_logto_device_flow_xsrf={token}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_device_is_signed_in_by_its_user_on_the_device_page() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    // 408, 409: only a Native app may use the device flow.
    let (status, device) = app(&emu, "Native", true).await;
    assert_eq!((status, &device["customClientMetadata"]), (200, &json!({"isDeviceFlow": true})), "{device}");
    let (status, refused) = app(&emu, "SPA", true).await;
    assert_eq!((status, refused["code"].as_str()), (422, Some("application.device_flow_native_only")));
    let device_id = device["id"].as_str().unwrap().to_string();
    let (_, plain) = app(&emu, "Native", false).await;
    let plain_id = plain["id"].as_str().unwrap().to_string();

    // 505, 511–513: who may ask.
    let (status, body) = device_auth(&emu, &[("scope", "openid")]).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("no client authentication mechanism provided"))
    );
    for client in [plain_id.as_str(), SPA_APP_ID] {
        let (status, body) = device_auth(&emu, &[("client_id", client), ("scope", "openid")]).await;
        assert_eq!(status, 400);
        assert_eq!(body["error_description"], format!("{GRANT} is not allowed for this client"));
    }
    let (status, body) = device_auth(&emu, &[("client_id", "nosuchclient000"), ("scope", "openid")]).await;
    assert_eq!(
        (status, body["error"].as_str(), body["error_description"].as_str()),
        (400, Some("invalid_client"), Some("invalid client nosuchclient000"))
    );

    // 510: the codes, the page's address, 10 minutes, no interval.
    let (status, started) =
        device_auth(&emu, &[("client_id", &device_id), ("scope", "openid profile offline_access")]).await;
    assert_eq!(status, 200, "{started}");
    let user_code = started["user_code"].as_str().unwrap().to_string();
    assert!(user_code.len() == 9 && user_code.as_bytes()[4] == b'-', "{user_code}");
    assert_eq!(started["verification_uri"], format!("{}/device", emu.endpoint));
    assert_eq!(started["verification_uri_complete"], format!("{}/device?user_code={user_code}", emu.endpoint));
    assert_eq!((started["expires_in"].as_i64(), started.get("interval")), (Some(600), None));
    let device_code = started["device_code"].as_str().unwrap().to_string();

    // 514, 515: pending, and still pending at once (no slow_down); 516, 517.
    for _ in 0..2 {
        let (status, body) = poll(&emu, &device_id, &device_code).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("authorization_pending")), "{body}");
    }
    let (status, body) = poll(&emu, &device_id, "nosuchdevicecode").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (status, body) = poll(&emu, &plain_id, &device_code).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("requested grant type is not allowed for this client"))
    );

    // The page: a wrong code is said; the right one (typed loosely) shows the app, then approval.
    let token = xsrf(&emu).await;
    let cookie = format!("_logto_device_flow_xsrf={token}");
    let page = |path: String| {
        let cookie = cookie.clone();
        async move { reqwest::Client::new().get(path).header("cookie", cookie).send().await.unwrap() }
    };
    // A post without the page's token is refused, and nothing is decided.
    let forged = reqwest::Client::new()
        .post(format!("{}/device/confirm", emu.endpoint))
        .header("cookie", &cookie)
        .form(&[
            ("user_code", user_code.as_str()),
            ("username", "alice"),
            ("password", DEMO_PASSWORD),
            ("decision", "approve"),
            ("xsrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(forged.text().await.unwrap().contains("expired"));
    let r = page(format!("{}/device?user_code=ZZZZ-ZZZZ", emu.endpoint)).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("not valid"));
    let typed = user_code.to_lowercase().replace('-', " ");
    let r = page(format!("{}/device?user_code={typed}", emu.endpoint)).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains(&user_code));
    let (status, text) = decide(&emu, &user_code, "approve").await;
    assert_eq!(status, 200);
    assert!(text.contains("signed in on your device"), "{text}");

    // 529: the tokens, once.
    let (status, tokens) = poll(&emu, &device_id, &device_code).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(!tokens["access_token"].as_str().unwrap().contains('.'), "an opaque access token");
    assert_eq!(tokens["scope"], "openid profile offline_access");
    assert_eq!(jwt_parts(tokens["id_token"].as_str().unwrap()).1["aud"], json!(device_id));
    assert!(tokens["refresh_token"].is_string());
    assert_eq!(poll(&emu, &device_id, &device_code).await.1["error"], "invalid_grant");

    // 544/545: cancelled; 546/547: expired.
    let (_, second) = device_auth(&emu, &[("client_id", &device_id), ("scope", "openid")]).await;
    let (status, _) = decide(&emu, second["user_code"].as_str().unwrap(), "cancel").await;
    assert_eq!(status, 200);
    let (status, body) = poll(&emu, &device_id, second["device_code"].as_str().unwrap()).await;
    assert_eq!(
        (status, body["error"].as_str(), body["error_description"].as_str()),
        (400, Some("access_denied"), Some("End-User aborted interaction"))
    );
    let (_, third) = device_auth(&emu, &[("client_id", &device_id), ("scope", "openid")]).await;
    emu.state.clock.advance_ms(601_000);
    let (status, body) = poll(&emu, &device_id, third["device_code"].as_str().unwrap()).await;
    assert_eq!(
        (status, body["error"].as_str(), body["error_description"].as_str()),
        (400, Some("expired_token"), Some("device code is expired"))
    );
    let (status, text) = decide(&emu, third["user_code"].as_str().unwrap(), "approve").await;
    assert!(status == 400 && text.contains("not valid"), "an expired code cannot be approved: {status}");
}

/// 548–550: a device asks for an API's scopes; its refresh token then gets the API's JWT.
#[tokio::test]
async fn a_device_gets_an_api_token_by_the_refresh_grant() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let device_id = app(&emu, "Native", true).await.1["id"].as_str().unwrap().to_string();
    let form = [
        ("client_id", device_id.as_str()),
        ("scope", "openid offline_access read:top-users"),
        ("resource", API_RESOURCE),
    ];
    let (_, started) = device_auth(&emu, &form).await;
    decide(&emu, started["user_code"].as_str().unwrap(), "approve").await;
    let (_, tokens) = poll(&emu, &device_id, started["device_code"].as_str().unwrap()).await;
    let (status, _, api) = post_token(
        &emu.endpoint,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &device_id),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
            ("resource", API_RESOURCE),
        ],
    )
    .await;
    assert_eq!(status, 200, "{api}");
    let claims = jwt_parts(api["access_token"].as_str().unwrap()).1;
    assert_eq!(
        (claims["scope"].as_str(), claims["client_id"].as_str()),
        (Some("read:top-users"), Some(device_id.as_str()))
    );
}
