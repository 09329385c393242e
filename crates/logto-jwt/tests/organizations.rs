//! Organization routes behind `OrgScoped`: the forged-token matrix grows with the organization cases.
//! Tokens come from the emulator's demo seed (alice: admin of Acme, member of Globex; bob: a guest of
//! Acme whose role holds no API permission).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{API_RESOURCE, SPA_APP_ID};
use logto_jwt::{OrgScoped, RequiredScope, Scoped, Verifier, VerifierConfig};
use serde_json::{json, Value};
use tower::ServiceExt;

const ACME: &str = "acmeorg00001";
const GLOBEX: &str = "globex000001";

struct Read;
impl RequiredScope for Read {
    const NAME: &'static str = "read:top-users";
}

fn app(verifier: Arc<Verifier>) -> Router {
    Router::new()
        .route("/orgs/{organization_id}/top", get(|t: OrgScoped<Read>| async move { t.organization_id }))
        .route("/plain", get(|_: Scoped<Read>| async { "ok" }))
        .with_state(verifier)
}

async fn call(app: &Router, path: &str, token: &str) -> (StatusCode, Value, Option<String>) {
    let request = Request::get(path).header("Authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let challenge = response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(String::from);
    let body = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null), challenge)
}

async fn mint(endpoint: &str, body: Value) -> String {
    let r: Value = reqwest::Client::new()
        .post(format!("{endpoint}/_emulator/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["access_token"].as_str().unwrap_or_else(|| panic!("{r}")).to_string()
}

#[tokio::test]
async fn organization_routes_take_only_that_organizations_api_token() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let verifier = Arc::new(Verifier::new(VerifierConfig::new(emu.issuer(), API_RESOURCE)));
    let app = app(verifier.clone());
    let seed = demo_tenant::seed();
    let id_of = |name: &str| seed.users.iter().find(|u| u.username == name).unwrap().id.clone();
    let (alice, bob) = (id_of("alice"), id_of("bob"));
    let org_api = |user: &str, org: &str, scopes: &[&str]| json!({"clientId": SPA_APP_ID, "userId": user, "organizationId": org, "resource": API_RESOURCE, "scopes": scopes});
    let acme_token = mint(&emu.endpoint, org_api(&alice, ACME, &["read:top-users"])).await;

    // The genuine case.
    let (status, _, _) = call(&app, &format!("/orgs/{ACME}/top"), &acme_token).await;
    assert_eq!(status, StatusCode::OK);

    let cases: Vec<(&str, String, String, StatusCode, &str)> = vec![
        ("A's token on B's route", format!("/orgs/{GLOBEX}/top"), acme_token.clone(), StatusCode::FORBIDDEN, "auth.wrong_organization"),
        (
            "a plain API token on an organization route",
            format!("/orgs/{ACME}/top"),
            mint(&emu.endpoint, json!({"clientId": SPA_APP_ID, "userId": alice, "resource": API_RESOURCE, "scopes": ["read:top-users"]})).await,
            StatusCode::FORBIDDEN,
            "auth.organization_required",
        ),
        ("an organization-level token on a plain route", "/plain".into(), acme_token.clone(), StatusCode::FORBIDDEN, "auth.organization_token"),
        (
            "an organization token where an API token is needed",
            format!("/orgs/{ACME}/top"),
            mint(&emu.endpoint, json!({"clientId": SPA_APP_ID, "userId": alice, "organizationId": ACME, "scopes": ["read:members"]})).await,
            StatusCode::UNAUTHORIZED,
            "auth.invalid_token",
        ),
        (
            "a member whose organization role lacks the permission",
            format!("/orgs/{ACME}/top"),
            mint(&emu.endpoint, org_api(&bob, ACME, &[])).await,
            StatusCode::FORBIDDEN,
            "auth.insufficient_scope",
        ),
        ("a tampered organization_id", format!("/orgs/{GLOBEX}/top"), tamper(&acme_token, GLOBEX), StatusCode::UNAUTHORIZED, "auth.invalid_token"),
    ];
    for (name, path, token, want, code) in cases {
        let (status, body, challenge) = call(&app, &path, &token).await;
        assert_eq!((status, body["code"].as_str()), (want, Some(code)), "{name}: {body}");
        assert!(body["message"].is_string(), "{name}: a message");
        let challenge = challenge.unwrap_or_default();
        let rfc6750 = if want == StatusCode::FORBIDDEN { "insufficient_scope" } else { "invalid_token" };
        assert!(challenge.starts_with("Bearer") && challenge.contains(rfc6750), "{name}: {challenge}");
    }

    // An organization token (aud urn:logto:organization:…) verifies for its organization only.
    let org_token = mint(&emu.endpoint, json!({"clientId": SPA_APP_ID, "userId": alice, "organizationId": ACME})).await;
    assert_eq!(verifier.verify_organization_token(&org_token, ACME).await.unwrap().sub, alice);
    assert_eq!(verifier.verify_organization_token(&org_token, GLOBEX).await.unwrap_err().status(), 401);
    assert_eq!(verifier.verify(&org_token).await.unwrap_err().status(), 401, "not for the API");
}

/// The token with its `organization_id` changed and the signature kept.
fn tamper(token: &str, organization_id: &str) -> String {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["organization_id"] = json!(organization_id);
    format!("{header}.{}.{signature}", URL_SAFE_NO_PAD.encode(claims.to_string()))
}
