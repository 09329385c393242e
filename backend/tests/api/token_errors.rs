//! Every way a bearer token can be wrong: the right status, an RFC 6750 challenge, a `{code, message}` body.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{M2M_APP_ID, M2M_APP_SECRET};
use logto_emulator::testkit;

use crate::helpers::{parts, spawn_app, spawn_app_with};

#[tokio::test]
async fn no_token_is_401_with_a_bare_bearer_challenge() {
    let app = spawn_app().await;
    let (status, challenge, body) = parts(app.get_top_users(None).await).await;
    assert_eq!((status, challenge.as_str()), (401, "Bearer"));
    assert_eq!(body["code"], "auth.missing_token");
}

#[tokio::test]
async fn another_scheme_is_401() {
    let app = spawn_app().await;
    let (status, challenge, body) = parts(app.get_top_users(Some("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).await).await;
    assert_eq!((status, challenge.as_str()), (401, "Bearer"));
    assert_eq!(body["code"], "auth.unsupported_scheme");
}

#[tokio::test]
async fn an_opaque_token_is_refused_with_how_to_get_a_jwt() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice").await;
    assert!(!alice.opaque_access_token().contains('.'), "the code exchange gives an opaque token");
    let (status, challenge, body) =
        parts(app.get_top_users(Some(&format!("Bearer {}", alice.opaque_access_token()))).await).await;
    assert_eq!(status, 401);
    assert!(challenge.starts_with(r#"Bearer error="invalid_token""#), "{challenge}");
    assert_eq!(body["code"], "auth.opaque_token");
    let message = body["message"].as_str().unwrap();
    // How to get a JWT, in fixed words: no URL (issue 22).
    assert!(message.contains("opaque") && message.contains("resource") && !message.contains("http"), "{message}");
}

#[tokio::test]
async fn an_id_token_is_not_an_access_token() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice").await;
    let (status, challenge, body) = parts(app.get_top_users(Some(&format!("Bearer {}", alice.id_token()))).await).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"), "{challenge}");
    assert!(body["message"].as_str().unwrap().contains("at+jwt"), "{body}");
}

#[tokio::test]
async fn a_user_without_the_role_gets_403_insufficient_scope() {
    let app = spawn_app().await;
    let bob = app.sign_in("bob").await;
    let payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(bob.access_token().split('.').nth(1).unwrap()).unwrap())
            .unwrap();
    assert_eq!(payload["scope"], "", "bob holds no role, so Logto issues an empty scope");
    let (status, challenge, body) =
        parts(app.get_top_users(Some(&format!("Bearer {}", bob.access_token()))).await).await;
    assert_eq!(status, 403);
    assert!(
        challenge.contains(r#"error="insufficient_scope""#) && challenge.contains(r#"scope="read:top-users""#),
        "{challenge}"
    );
    assert_eq!(body["code"], "auth.insufficient_scope");
}

#[tokio::test]
async fn a_tampered_token_is_401() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice").await;
    let mut parts_of: Vec<String> = alice.access_token().split('.').map(String::from).collect();
    let mut claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts_of[1]).unwrap()).unwrap();
    claims["sub"] = "someone-else".into();
    parts_of[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
    let (status, challenge, body) =
        parts(app.get_top_users(Some(&format!("Bearer {}", parts_of.join(".")))).await).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"));
    assert!(body["message"].as_str().unwrap().contains("signature"), "{body}");
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let app = spawn_app().await;
    // Issue the token two hours in the past (access tokens live one hour).
    app.emulator.state.clock.advance_ms(-2 * 3600 * 1000);
    let alice = app.sign_in("alice").await;
    app.emulator.state.clock.advance_ms(2 * 3600 * 1000);
    let (status, _, body) = parts(app.get_top_users(Some(&format!("Bearer {}", alice.access_token()))).await).await;
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("expired"), "{body}");
}

#[tokio::test]
async fn a_management_api_token_has_the_wrong_audience() {
    let app = spawn_app().await;
    let token = testkit::client_credentials(
        &app.emulator.endpoint,
        M2M_APP_ID,
        M2M_APP_SECRET,
        logto_management::OSS_MANAGEMENT_RESOURCE,
        "all",
    )
    .await
    .unwrap();
    let (status, _, body) = parts(app.get_top_users(Some(&format!("Bearer {token}"))).await).await;
    assert_eq!(status, 401);
    assert!(body["message"].as_str().unwrap().contains("aud"), "{body}");
}

#[tokio::test]
async fn garbage_is_401_never_5xx() {
    let app = spawn_app().await;
    for token in ["a.b.c", "....", "eyJhbGciOiJub25lIn0.e30.", &"x.".repeat(5000)] {
        let (status, challenge, body) = parts(app.get_top_users(Some(&format!("Bearer {token}"))).await).await;
        assert_eq!(status, 401, "{token:.40}: {body}");
        assert!(challenge.contains("invalid_token"), "{challenge}");
    }
}

/// Issue 22, item 2: when the issuer's keys cannot be fetched, the 503 says so in fixed words: not
/// Logto's URL, not reqwest's error text (those go to the log).
#[tokio::test]
async fn keys_unavailable_names_no_url_and_no_dependency_error() {
    // A backend whose issuer is a closed port: nothing answers discovery.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let app = spawn_app_with(|c| c.logto_endpoint = format!("http://{closed}").parse().unwrap()).await;
    let token = app.sign_in("alice").await;
    let (status, challenge, body) =
        parts(app.get_top_users(Some(&format!("Bearer {}", token.access_token()))).await).await;
    assert_eq!((status, body["code"].as_str()), (503, Some("auth.keys_unavailable")), "{body}");
    assert_eq!(challenge, "", "a 503 is not a bearer challenge");
    let message = body["message"].as_str().unwrap();
    for leak in ["http", "127.0.0.1", "error sending", "openid-configuration", &closed.port().to_string()] {
        assert!(!message.contains(leak), "{leak} in {message}");
    }
}
