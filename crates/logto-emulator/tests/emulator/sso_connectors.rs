//! Enterprise SSO connectors as Logto 1.42 keeps them (`routes/sso-connector/index.ts`,
//! `routes/organization/jit/`, `libraries/sign-in-experience` `getActiveSsoConnectors`; Logto's
//! own `well-known` and `organization-jit` tests): made, checked, listed, linked to organizations,
//! shown to sign-in pages when single sign-on is on, and deleted everywhere at once.

use crate::helpers::Api;
use reqwest::Method;
use serde_json::{json, Value};

fn oidc(name: &str) -> Value {
    json!({"providerName": "OIDC", "connectorName": name, "domains": ["Example.io"],
           "branding": {"displayName": "Example IdP", "logo": "https://idp.example/logo.png", "other": 1},
           "config": {"clientId": "foo", "clientSecret": "bar", "issuer": "https://idp.example"}})
}

async fn public_connectors(emu: &logto_emulator::RunningEmulator) -> Value {
    let public: Value =
        reqwest::get(format!("{}/api/.well-known/sign-in-exp", emu.endpoint)).await.unwrap().json().await.unwrap();
    public["ssoConnectors"].clone()
}

#[tokio::test]
async fn connectors_are_checked_listed_linked_shown_and_deleted() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let api = Api::new(&emu).await;
    let providers = api.ok(Method::GET, "/sso-connector-providers", None).await;
    assert_eq!(providers.as_array().map(Vec::len), Some(6));

    let made = api.ok(Method::POST, "/sso-connectors", Some(oidc("corp"))).await;
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["domains"], json!(["example.io"]), "lower-cased");
    assert_eq!(made["branding"], json!({"displayName": "Example IdP", "logo": "https://idp.example/logo.png"}));
    assert_eq!(made["config"]["trustUnverifiedEmail"], false, "the guard's default");
    for (body, status, code) in [
        (oidc("corp"), 409, "single_sign_on.duplicate_connector_name"),
        (json!({"providerName": "Nope", "connectorName": "x"}), 422, "connector.not_found"),
        (
            json!({"providerName": "OIDC", "connectorName": "y", "config": {"clientId": "only"}}),
            400,
            "connector.invalid_config",
        ),
        (
            json!({"providerName": "OIDC", "connectorName": "z", "domains": ["gmail.com"]}),
            422,
            "single_sign_on.forbidden_domains",
        ),
        (
            json!({"providerName": "OIDC", "connectorName": "w", "domains": ["a.io", "A.io"]}),
            422,
            "single_sign_on.duplicated_domains",
        ),
        (
            json!({"providerName": "OIDC", "connectorName": "v", "enableTokenStorage": true}),
            422,
            "request.feature_not_supported",
        ),
    ] {
        let (got, answer) = api.call(Method::POST, "/sso-connectors", Some(body.clone())).await;
        assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{body}");
    }
    let one = api.ok(Method::GET, &format!("/sso-connectors/{id}"), None).await;
    assert_eq!((one["providerType"].as_str(), one["name"].as_str()), (Some("oidc"), Some("OIDC")));
    assert_eq!(api.call(Method::GET, "/sso-connectors/nosuch", None).await.0, 404);
    let renamed =
        api.ok(Method::PATCH, &format!("/sso-connectors/{id}"), Some(json!({"connectorName": "corp2"}))).await;
    assert_eq!(renamed["connectorName"], "corp2");

    // Shown to sign-in pages only with single sign-on on, and only when usable.
    let unusable = api
        .ok(
            Method::POST,
            "/sso-connectors",
            Some(json!({"providerName": "OIDC", "connectorName": "no-config", "domains": ["b.io"]})),
        )
        .await;
    assert_eq!(public_connectors(&emu).await, json!([]));
    api.ok(Method::PATCH, "/sign-in-exp", Some(json!({"singleSignOnEnabled": true}))).await;
    assert_eq!(
        public_connectors(&emu).await,
        json!([{"id": id, "connectorName": "Example IdP", "logo": "https://idp.example/logo.png", "darkLogo": logto_emulator::sso::PROVIDER_LOGO}])
    );

    // Linked to an organization for JIT; unknown ids are 422, and a deletion unlinks.
    let org = api.ok(Method::POST, "/organizations", Some(json!({"name": "jit-sso"}))).await;
    let jit = format!("/organizations/{}/jit/sso-connectors", org["id"].as_str().unwrap());
    api.ok(Method::POST, &jit, Some(json!({"ssoConnectorIds": [id, unusable["id"]]}))).await;
    api.ok(Method::POST, &jit, Some(json!({"ssoConnectorIds": [id]}))).await;
    assert_eq!(api.ok(Method::GET, &jit, None).await.as_array().map(Vec::len), Some(2));
    assert_eq!(api.call(Method::POST, &jit, Some(json!({"ssoConnectorIds": ["nosuch"]}))).await.0, 422);
    assert_eq!(api.call(Method::PUT, &jit, Some(json!({"ssoConnectorIds": ["nosuch"]}))).await.0, 422);
    assert_eq!(api.call(Method::DELETE, &format!("{jit}/nosuch"), None).await.0, 404);
    assert_eq!(api.call(Method::DELETE, &format!("/sso-connectors/{id}"), None).await.0, 204);
    let left = api.ok(Method::GET, &jit, None).await;
    assert_eq!(left, json!([unusable]));
    assert_eq!(api.call(Method::DELETE, &format!("/sso-connectors/{id}"), None).await.0, 404);
}
