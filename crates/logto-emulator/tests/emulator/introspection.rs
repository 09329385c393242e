//! `POST /oidc/token/introspection` (RFC 7662) as Logto 1.42 answers it (issue 27; recorded in
//! `tests/fidelity/token-exchange/`, steps 490–502; oidc-provider's `lib/actions/introspection.js`,
//! enabled in Logto's `packages/core/src/oidc/init.ts`).

use demo_tenant::{DEMO_PASSWORD, M2M_APP_ID, M2M_APP_SECRET, SPA_APP_ID};
use logto_emulator::RunningEmulator;
use serde_json::{json, Value};

async fn introspect(emu: &RunningEmulator, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> (u16, Value) {
    let mut r = reqwest::Client::new().post(format!("{}/oidc/token/introspection", emu.endpoint)).form(form);
    if let Some((id, secret)) = basic {
        r = r.basic_auth(id, Some(secret));
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

const M2M: Option<(&str, &str)> = Some((M2M_APP_ID, M2M_APP_SECRET));

#[tokio::test]
async fn live_tokens_are_described_and_everything_else_is_inactive() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, "openid profile offline_access", None)
        .await
        .unwrap();
    let alice_id = emu.state.tenant.read(|s| s.user_by_identifier("alice").unwrap().id.clone());
    let opaque = alice.opaque_access_token().to_string();
    let refresh = alice.code_exchange["refresh_token"].as_str().unwrap().to_string();

    // 490: another client (here the M2M app, Basic) introspects the SPA's opaque access token.
    let (status, body) = introspect(&emu, M2M, &[("token", &opaque)]).await;
    assert_eq!(status, 200);
    // Exactly these fields (the emulator's JSON objects keep no key order: compared as a set).
    let mut keys: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["active", "client_id", "exp", "iat", "iss", "scope", "sub", "token_type"], "{body}");
    assert_eq!(
        (&body["active"], &body["sub"], &body["client_id"], &body["scope"], &body["token_type"]),
        (&json!(true), &json!(alice_id), &json!(SPA_APP_ID), &json!("openid profile offline_access"), &json!("Bearer"))
    );
    assert_eq!(body["iss"], format!("{}/oidc", emu.endpoint));
    assert_eq!(body["exp"].as_i64().unwrap() - body["iat"].as_i64().unwrap(), 3600);
    // 491: a public client names itself.
    let (status, own) = introspect(&emu, None, &[("client_id", SPA_APP_ID), ("token", &opaque)]).await;
    assert_eq!((status, own["active"].as_bool()), (200, Some(true)));

    // 493/494: a refresh token: no token_type, 14 days.
    let (_, body) = introspect(&emu, M2M, &[("token", &refresh), ("token_type_hint", "refresh_token")]).await;
    assert_eq!((body["active"].as_bool(), body.get("token_type")), (Some(true), None), "{body}");
    assert_eq!(body["exp"].as_i64().unwrap() - body["iat"].as_i64().unwrap(), 14 * 24 * 3600);

    // 495: a JWT is not introspected.
    let jwt = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        DEMO_PASSWORD,
        "openid offline_access read:top-users",
        Some(demo_tenant::API_RESOURCE),
    )
    .await
    .unwrap();
    let (status, body) = introspect(&emu, M2M, &[("token", jwt.access_token())]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_token_type")));
    assert_eq!(
        body["error_description"],
        "Structured JWT Tokens cannot be introspected via the introspection_endpoint"
    );

    // 496: anything else, exactly {"active": false}.
    assert_eq!(introspect(&emu, M2M, &[("token", "definitely-not-a-token")]).await, (200, json!({"active": false})));

    // 497, 498, 500: client authentication first, then the token.
    let (status, body) = introspect(&emu, None, &[("token", &opaque)]).await;
    assert_eq!(
        (status, body["error_description"].as_str()),
        (400, Some("no client authentication mechanism provided"))
    );
    let (status, body) = introspect(&emu, Some((M2M_APP_ID, "wrong-secret")), &[("token", &opaque)]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    let (status, body) = introspect(&emu, M2M, &[]).await;
    assert_eq!((status, body["error_description"].as_str()), (400, Some("missing required parameter 'token'")));

    // A rotated refresh token is spent; its successor is live.
    let (_, rotated) = crate::helpers::refresh(&emu.endpoint, &refresh, &[]).await;
    assert_eq!(introspect(&emu, M2M, &[("token", &refresh)]).await.1, json!({"active": false}));
    let next = rotated["refresh_token"].as_str().unwrap();
    assert_eq!(introspect(&emu, M2M, &[("token", next)]).await.1["active"], true);

    // 501/502: a revoked access token is inactive; so is an expired one.
    let revoked = reqwest::Client::new()
        .post(format!("{}/oidc/token/revocation", emu.endpoint))
        .form(&[("client_id", SPA_APP_ID), ("token", &opaque)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    assert_eq!(introspect(&emu, M2M, &[("token", &opaque)]).await.1, json!({"active": false}));
    let other = rotated["access_token"].as_str().unwrap();
    assert_eq!(introspect(&emu, M2M, &[("token", other)]).await.1["active"], true);
    emu.state.clock.advance_ms(3601 * 1000);
    assert_eq!(introspect(&emu, M2M, &[("token", other)]).await.1, json!({"active": false}));
}
