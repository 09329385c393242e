//! The emulator's OIDC provider over HTTP, checked against what real Logto 1.42 sends
//! (`tests/fidelity/samples*/`).

use crate::helpers::{jwt_parts, post_token, refresh, MGMT};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{API_RESOURCE, DEMO_PASSWORD, M2M_APP_ID, M2M_APP_SECRET, SPA_APP_ID};
use logto_emulator::testkit;
use serde_json::Value;
use sha2::{Digest, Sha256};

const SCOPES: &str = "openid profile offline_access read:top-users write:follows";

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[tokio::test]
async fn discovery_and_jwks_are_logtos() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let r = reqwest::get(format!("{}/oidc/.well-known/openid-configuration", emu.endpoint)).await.unwrap();
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["issuer"], emu.issuer());
    assert_eq!(doc["token_endpoint"], format!("{}/token", emu.issuer()));
    assert_eq!(doc["code_challenge_methods_supported"], serde_json::json!(["S256"]));
    assert_eq!(doc["id_token_signing_alg_values_supported"], serde_json::json!(["ES384"]));

    let r = reqwest::get(format!("{}/oidc/jwks", emu.endpoint)).await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/jwk-set+json; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "no-cache, max-age=0, must-revalidate");
    let jwks: Value = r.json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str(), key["alg"].as_str(), key["use"].as_str()),
        (Some("EC"), Some("P-384"), Some("ES384"), Some("sig"))
    );
    // kid = RFC 7638 thumbprint.
    let input = format!(
        r#"{{"crv":"P-384","kty":"EC","x":"{}","y":"{}"}}"#,
        key["x"].as_str().unwrap(),
        key["y"].as_str().unwrap()
    );
    assert_eq!(key["kid"].as_str().unwrap(), URL_SAFE_NO_PAD.encode(Sha256::digest(input.as_bytes())));
}

#[tokio::test]
async fn client_credentials_gives_an_es384_at_jwt_with_exactly_logtos_claims() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let token = testkit::client_credentials(&emu.endpoint, M2M_APP_ID, M2M_APP_SECRET, MGMT, "all").await.unwrap();
    let (header, claims) = jwt_parts(&token);
    assert_eq!(header["alg"], "ES384");
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(header["kid"].as_str(), Some(emu.state.signing_key().kid()));
    assert_eq!(keys(&claims), ["aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"]);
    assert_eq!(
        (claims["sub"].as_str(), claims["aud"].as_str(), claims["scope"].as_str()),
        (Some(M2M_APP_ID), Some(MGMT), Some("all"))
    );
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);

    // Without `scope`, Logto omits the claim and the response field (sample 89d).
    let (status, _, body) = post_token(
        &emu.endpoint,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", M2M_APP_ID),
            ("client_secret", M2M_APP_SECRET),
            ("resource", MGMT),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("scope").is_none());
    assert!(jwt_parts(body["access_token"].as_str().unwrap()).1.get("scope").is_none());
}

#[tokio::test]
async fn client_credentials_errors_match_logto() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/oidc/token", emu.endpoint))
        .basic_auth(M2M_APP_ID, Some("wrong"))
        .form(&[("grant_type", "client_credentials"), ("resource", MGMT), ("scope", "all")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        format!(
            r#"Basic realm="{}", error="invalid_client", error_description="client authentication failed""#,
            emu.issuer()
        )
        .as_str()
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "oidc.invalid_client");

    let (status, _, body) = post_token(
        &emu.endpoint,
        &[("grant_type", "client_credentials"), ("client_id", M2M_APP_ID), ("client_secret", M2M_APP_SECRET)],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        serde_json::json!({"code": "oidc.invalid_target", "message": "Invalid resource indicator.", "error": "invalid_target",
            "error_description": "both `resource` and `organization_id` are not provided"})
    );
}

#[tokio::test]
async fn code_flow_with_pkce_then_refresh_with_resource() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let exchange = &alice.code_exchange;
    assert_eq!(exchange["scope"], "openid profile offline_access");
    assert_eq!(exchange["access_token"].as_str().unwrap().len(), 43, "opaque without a resource");
    let (id_header, id_claims) = jwt_parts(alice.id_token());
    assert!(id_header.get("typ").is_none(), "Logto's ID tokens have no typ");
    assert_eq!(id_claims["aud"], SPA_APP_ID);
    assert_eq!(id_claims["nonce"], alice.nonce.as_str());
    assert_eq!(id_claims["username"], "alice");

    let grant = alice.resource_grant.as_ref().unwrap();
    assert_eq!(grant["scope"], "read:top-users write:follows");
    assert_ne!(grant["refresh_token"], exchange["refresh_token"], "public clients rotate");
    let (header, claims) = jwt_parts(alice.access_token());
    assert_eq!(header["typ"], "at+jwt");
    assert_eq!(keys(&claims), ["aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"]);
    assert_eq!(claims["aud"], API_RESOURCE);
    assert_eq!(claims["client_id"], SPA_APP_ID);
}

#[tokio::test]
async fn a_wrong_verifier_does_not_consume_the_code() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    // Drive the first two legs by hand to hold the code.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let verifier = "v".repeat(43);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let r = http
        .get(format!("{}/oidc/auth", emu.endpoint))
        .query(&[
            ("client_id", SPA_APP_ID),
            ("redirect_uri", demo_tenant::SPA_REDIRECT_URI),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "s1"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let interaction = location.split("interaction=").nth(1).unwrap();
    let r = http
        .post(format!("{}/sign-in", emu.endpoint))
        .form(&[("interaction", interaction), ("username", "alice"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    let callback = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
    let pairs: std::collections::HashMap<_, _> = callback.query_pairs().into_owned().collect();
    assert_eq!(pairs["iss"], emu.issuer());
    let code = pairs["code"].clone();
    let exchange = |v: String| {
        let endpoint = emu.endpoint.clone();
        let code = code.clone();
        async move {
            post_token(
                &endpoint,
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", SPA_APP_ID),
                    ("code", &code),
                    ("code_verifier", &v),
                    ("redirect_uri", demo_tenant::SPA_REDIRECT_URI),
                ],
            )
            .await
        }
    };
    let (status, _, body) = exchange("w".repeat(43)).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        serde_json::json!({"code": "oidc.invalid_grant", "message": "Grant request is invalid.",
            "error_uri": "https://openid.sh/debug/invalid_grant", "error": "invalid_grant", "error_description": "grant request is invalid"})
    );
    assert_eq!(exchange(verifier.clone()).await.0, 200, "the right verifier still works (sample 42)");
    assert_eq!(exchange(verifier).await.0, 400, "a code is used once");
}

#[tokio::test]
async fn refresh_token_reuse_after_three_seconds_revokes_the_grant() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let first = alice.code_exchange["refresh_token"].as_str().unwrap().to_string();
    let newest = alice.refresh_token().to_string();
    let with_resource = [("resource", API_RESOURCE)];
    // Within the reuse interval a consumed token still works (two tabs refreshing together).
    assert_eq!(refresh(&emu.endpoint, &first, &with_resource).await.0, 200);
    emu.state.clock.advance_ms(4_500);
    let (status, body) = refresh(&emu.endpoint, &first, &with_resource).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    // The whole grant is gone: the newest refresh token and the opaque access token too (samples 48, 49).
    assert_eq!(refresh(&emu.endpoint, &newest, &with_resource).await.0, 400);
    let r = reqwest::Client::new()
        .get(format!("{}/oidc/me", emu.endpoint))
        .bearer_auth(alice.opaque_access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn a_resource_not_asked_at_sign_in_is_invalid_target() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, SCOPES, None).await.unwrap();
    let (status, body) = refresh(&emu.endpoint, alice.refresh_token(), &[("resource", API_RESOURCE)]).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("oidc.invalid_target")));
}

#[tokio::test]
async fn userinfo_takes_opaque_tokens_and_refuses_jwts() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let me = |token: String| {
        let url = format!("{}/oidc/me", emu.endpoint);
        async move { reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap() }
    };
    let r = me(alice.opaque_access_token().to_string()).await;
    assert_eq!(r.status(), 200);
    let claims: Value = r.json().await.unwrap();
    assert_eq!(claims["username"], "alice");
    let r = me(alice.access_token().to_string()).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        format!(
            r#"Bearer realm="{}", error="invalid_token", error_description="invalid token provided""#,
            emu.issuer()
        )
        .as_str()
    );
}

#[tokio::test]
async fn users_without_roles_get_an_empty_scope() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let bob = demo_tenant::sign_in(&emu.endpoint, "bob", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    assert_eq!(bob.resource_grant.as_ref().unwrap()["scope"], "");
    assert_eq!(jwt_parts(bob.access_token()).1["scope"], "", "present and empty, as sample 52");
}

#[tokio::test]
async fn pkce_is_required_for_the_spa_and_wrong_passwords_are_refused() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = http
        .get(format!("{}/oidc/auth", emu.endpoint))
        .query(&[
            ("client_id", SPA_APP_ID),
            ("redirect_uri", demo_tenant::SPA_REDIRECT_URI),
            ("response_type", "code"),
            ("scope", "openid"),
            ("state", "s"),
        ])
        .send()
        .await
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(demo_tenant::SPA_REDIRECT_URI)
            && location.contains("error=invalid_request")
            && location.contains("state=s"),
        "{location}"
    );

    let r = http
        .get(format!("{}/oidc/auth", emu.endpoint))
        .query(&[("client_id", SPA_APP_ID), ("redirect_uri", "https://evil.example/cb"), ("response_type", "code")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "an unregistered redirect_uri gets an error page, never a redirect");

    let err = demo_tenant::sign_in(&emu.endpoint, "alice", "not-the-password", SCOPES, None).await.unwrap_err();
    assert!(err.contains("401"), "{err}");
}

#[tokio::test]
async fn token_endpoint_cors_answers_preflights_and_requests_without_a_client() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::new();
    let preflight = http
        .request(reqwest::Method::OPTIONS, format!("{}/oidc/token", emu.endpoint))
        .header("Origin", "http://localhost:8080")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "http://localhost:8080");
    assert_eq!(preflight.headers()["access-control-allow-headers"], "content-type");
    // Before the client is known (no client authentication here), any origin is echoed, as oidc-provider
    // does; the refusal of a foreign origin once the client is known is the fidelity suite's B02.
    let other = http
        .post(format!("{}/oidc/token", emu.endpoint))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 400);
    assert_eq!(other.headers()["access-control-allow-origin"], "https://evil.example");
    let none = http.post(format!("{}/oidc/token", emu.endpoint)).send().await.unwrap();
    assert_eq!(none.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn end_session_redirects_to_a_registered_uri_only() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http
        .get(format!("{}/oidc/session/end", emu.endpoint))
        .query(&[("client_id", SPA_APP_ID), ("post_logout_redirect_uri", "http://localhost:8080/")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/oidc/session/end/confirm"));
    let xsrf = html.split(r#"name="xsrf" value=""#).nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    let confirm = |xsrf: String| {
        http.post(format!("{}/oidc/session/end/confirm", emu.endpoint))
            .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
            .send()
    };
    let done = confirm(xsrf.clone()).await.unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "http://localhost:8080/");
    assert_eq!(confirm(xsrf).await.unwrap().status(), 400, "a confirm form is used once");
    let refused = http
        .get(format!("{}/oidc/session/end", emu.endpoint))
        .query(&[("client_id", SPA_APP_ID), ("post_logout_redirect_uri", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
}

#[tokio::test]
async fn rotation_keeps_the_first_expiry_and_scopes_follow_roles_at_each_refresh() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let first = alice.code_exchange["refresh_token"].as_str().unwrap();
    let rotated = alice.refresh_token();
    let first_exp = emu.state.tenant.refresh_token_expires_at(first).unwrap();
    let rotated_exp = emu.state.tenant.refresh_token_expires_at(rotated).unwrap();
    assert_eq!(first_exp, rotated_exp, "no sliding window");
    assert!((first_exp - emu.state.clock.now_secs() - 14 * 24 * 3600).abs() < 60, "14-day refresh tokens");
    let claims = jwt_parts(alice.access_token()).1;
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);

    // Take alice's user roles away: her organization roles (Acme's admin, Globex's member) still
    // grant the API's scopes in a plain token, with no organization_id claim, as Logto 1.42 does
    // (issue 22, item 12: `findResourceScopes` in packages/core/src/oidc/resource.ts searches every
    // organization's roles when the request names none).
    let alice_id = claims["sub"].as_str().unwrap().to_string();
    emu.state.tenant.change_in_memory(|s| s.user_mut(&alice_id).unwrap().role_ids.clear());
    let with_resource = [("resource", API_RESOURCE)];
    let (status, body) = refresh(&emu.endpoint, rotated, &with_resource).await;
    assert_eq!((status, body["scope"].as_str()), (200, Some("read:top-users write:follows")), "{body}");
    assert!(jwt_parts(body["access_token"].as_str().unwrap()).1.get("organization_id").is_none());
    // Out of both organizations as well: the next refresh carries no API scope.
    emu.state
        .tenant
        .change_in_memory(|s| s.organizations.iter_mut().for_each(|org| org.members.retain(|m| m.id != alice_id)));
    let (status, body) = refresh(&emu.endpoint, body["refresh_token"].as_str().unwrap(), &with_resource).await;
    assert_eq!((status, body["scope"].as_str()), (200, Some("")));
}

/// Issue 22, item 11: which refusals of the refresh grant consume the refresh token. Logto 1.42's
/// `packages/core/src/oidc/grants/refresh-token.ts` (`buildHandler`) checks the requested scopes,
/// the account and the organization before `refreshToken.consume()`, and resolves the `resource`
/// (`resolveResource`, `invalid_target`) after it: that refusal has consumed the token, and a later
/// use past the reuse interval is reuse (`invalid_grant`, the grant revoked).
#[tokio::test]
async fn a_refused_refresh_consumes_the_token_only_after_the_rotation() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let e = emu.endpoint.as_str();
    // Refused before the rotation: the token is still good well past the reuse interval.
    let alice = demo_tenant::sign_in(e, "alice", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let rt = alice.refresh_token();
    let (status, body) = refresh(e, rt, &[("scope", "openid admin:everything")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_scope")), "{body}");
    let (status, body) = refresh(e, rt, &[("organization_id", "nosuchorg001")]).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("access_denied")), "membership first: {body}");
    emu.state.clock.advance_ms(4_500);
    assert_eq!(refresh(e, rt, &[("resource", API_RESOURCE)]).await.0, 200, "not consumed by those refusals");

    // Refused after it: `invalid_target` has consumed the token.
    let alice = demo_tenant::sign_in(e, "alice", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let rt = alice.refresh_token();
    let (status, body) = refresh(e, rt, &[("resource", "https://not-in-the-grant.example.com")]).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("oidc.invalid_target")), "{body}");
    emu.state.clock.advance_ms(4_500);
    let (status, body) = refresh(e, rt, &[("resource", API_RESOURCE)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "consumed, then reused: {body}");
}

/// Issue 22, item 11: a non-member asking for an organization without the organizations scope is
/// refused for the membership (`checkOrganizationAccess` runs before the RFC 0001 scope check).
#[tokio::test]
async fn membership_is_checked_before_the_organizations_scope() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let bob = demo_tenant::sign_in(&emu.endpoint, "bob", DEMO_PASSWORD, SCOPES, Some(API_RESOURCE)).await.unwrap();
    let (status, body) = refresh(&emu.endpoint, bob.refresh_token(), &[("organization_id", "globex000001")]).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("access_denied")), "{body}");
    // A member of Acme without the scope: insufficient_scope.
    let (status, body) = refresh(&emu.endpoint, bob.refresh_token(), &[("organization_id", "acmeorg00001")]).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("insufficient_scope")), "{body}");
}

/// Issue 22, item 13: `issueIdToken` is given the request's scopes: a refresh whose `scope` leaves out
/// `openid` (an organization token for an SDK that asks for the organizations scope alone) gets no
/// ID token; with `openid` it does.
#[tokio::test]
async fn a_refresh_without_openid_in_its_scope_gets_no_id_token() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let scopes = "openid offline_access urn:logto:scope:organizations";
    let alice = demo_tenant::sign_in(&emu.endpoint, "alice", DEMO_PASSWORD, scopes, None).await.unwrap();
    let mut rt = alice.refresh_token().to_string();
    for (scope, id_token) in [("urn:logto:scope:organizations", false), ("openid urn:logto:scope:organizations", true)]
    {
        let (status, body) =
            refresh(&emu.endpoint, &rt, &[("organization_id", "acmeorg00001"), ("scope", scope)]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body.get("id_token").is_some(), id_token, "scope {scope}: {body}");
        rt = body["refresh_token"].as_str().unwrap().to_string();
    }
}

/// Issue 22, item 14: a path nothing serves answers as Logto 1.42 answers an unknown route, never an
/// empty 404: under `/oidc` oidc-provider's `invalid_request` naming the method and the path below
/// `/oidc` (recorded: `tests/fidelity/recorded/569-par-get-method-error.exchange.txt`), elsewhere
/// (under `/api` too, with or without a token) Koa's `text/plain` "Not Found".
#[tokio::test]
async fn unserved_paths_answer_as_logto_does() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::new();
    for (method, path) in [("GET", "/nope"), ("GET", "/request"), ("GET", "/token/introspection"), ("GET", "/token")] {
        let r = http.request(method.parse().unwrap(), format!("{}/oidc{path}", emu.endpoint)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{method} {path}");
        let body: Value = r.json().await.unwrap();
        let description = format!("unrecognized route or not allowed method ({method} on {path})");
        assert_eq!(
            body,
            serde_json::json!({"code": "oidc.invalid_request", "message": "Request is invalid.",
                "error": "invalid_request", "error_description": description})
        );
    }
    let admin = demo_tenant::mint_admin_token(&emu.endpoint).await.unwrap();
    for (method, path, token) in
        [("GET", "/api/nope", None), ("DELETE", "/api/no/such/route", Some(&admin)), ("GET", "/nothing-here", None)]
    {
        let mut request = http.request(method.parse().unwrap(), format!("{}{path}", emu.endpoint));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let r = request.send().await.unwrap();
        assert_eq!(r.status(), 404, "{method} {path}");
        assert_eq!(r.headers()["content-type"], "text/plain; charset=utf-8");
        assert_eq!(r.text().await.unwrap(), "Not Found");
    }
}

#[tokio::test]
async fn refresh_tokens_need_offline_access_and_prompt_consent() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let exchange = |prompt: Option<&'static str>| {
        let (http, endpoint) = (http.clone(), emu.endpoint.clone());
        async move {
            let verifier = "x".repeat(43);
            let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            let mut query = vec![
                ("client_id", SPA_APP_ID.to_string()),
                ("redirect_uri", demo_tenant::SPA_REDIRECT_URI.to_string()),
                ("response_type", "code".to_string()),
                ("scope", "openid offline_access".to_string()),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256".to_string()),
            ];
            if let Some(p) = prompt {
                query.push(("prompt", p.to_string()));
            }
            let r = http.get(format!("{endpoint}/oidc/auth")).query(&query).send().await.unwrap();
            let interaction =
                r.headers()["location"].to_str().unwrap().split("interaction=").nth(1).unwrap().to_string();
            let r = http
                .post(format!("{endpoint}/sign-in"))
                .form(&[("interaction", interaction.as_str()), ("username", "alice"), ("password", DEMO_PASSWORD)])
                .send()
                .await
                .unwrap();
            let callback = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
            let code = callback.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
            let form = [
                ("grant_type", "authorization_code"),
                ("client_id", SPA_APP_ID),
                ("code", code.as_str()),
                ("code_verifier", verifier.as_str()),
                ("redirect_uri", demo_tenant::SPA_REDIRECT_URI),
            ];
            post_token(&endpoint, &form).await.2
        }
    };
    let without = exchange(None).await;
    assert!(without.get("refresh_token").is_none(), "offline_access without prompt=consent: {without}");
    assert_eq!(without["scope"], "openid");
    let with = exchange(Some("consent")).await;
    assert!(with["refresh_token"].is_string());
    let id = jwt_parts(with["id_token"].as_str().unwrap()).1;
    assert_eq!(id["exp"].as_i64().unwrap() - id["iat"].as_i64().unwrap(), 3600, "ID tokens live an hour");
}

/// Issue 27: nothing the discovery document names is left unserved. Every endpoint it lists answers
/// as an endpoint (never oidc-provider's "unrecognized route"), and the token endpoint takes every
/// grant type it lists (`implicit` is a response type of `/oidc/auth`, not a grant of the token
/// endpoint).
#[tokio::test]
async fn discovery_names_nothing_the_emulator_does_not_serve() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let discovery: Value = http
        .get(format!("{}/oidc/.well-known/openid-configuration", emu.endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut endpoints = 0;
    for (key, value) in discovery.as_object().unwrap() {
        let Some(url) = value.as_str().filter(|_| key.ends_with("_endpoint") || key == "jwks_uri") else { continue };
        endpoints += 1;
        // The methods each one takes, as Logto's (POST for the token family, GET for the rest).
        let post = [
            "token_endpoint",
            "introspection_endpoint",
            "revocation_endpoint",
            "pushed_authorization_request_endpoint",
            "device_authorization_endpoint",
        ];
        let request = if post.contains(&key.as_str()) {
            http.post(url).form(&[("client_id", SPA_APP_ID)])
        } else {
            http.get(url)
        };
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert!(status != 404 && !text.contains("unrecognized route"), "{key} {url}: {status} {text}");
    }
    assert_eq!(endpoints, 9, "{discovery}");
    for grant in discovery["grant_types_supported"].as_array().unwrap().iter().filter_map(Value::as_str) {
        if grant == "implicit" {
            continue;
        }
        let form = [("grant_type", grant), ("client_id", M2M_APP_ID), ("client_secret", M2M_APP_SECRET)];
        let (_, _, body) = post_token(&emu.endpoint, &form).await;
        assert_ne!(body["error"], "unsupported_grant_type", "{grant}: {body}");
    }
}

/// Logto's post-processing of `/oidc` answers (`koa-security-headers.ts`'s basic settings, koa's
/// conditional GET), and `POST /oidc/auth` answered as the `GET` (route-post-processing and
/// post-authorization-and-logout in Logto's suite).
#[tokio::test]
async fn oidc_answers_carry_logtos_headers_and_conditional_gets() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let url = format!("{}/oidc/.well-known/openid-configuration", emu.endpoint);
    let first = http.get(&url).send().await.unwrap();
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "SAMEORIGIN"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        assert_eq!(first.headers()[name], value);
    }
    assert!(first.headers().get("content-security-policy").is_none());
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let again = http.get(&url).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.text().await.unwrap().is_empty());
    let other = http.get(&url).header("if-none-match", "W/\"nope\"").send().await.unwrap();
    assert_eq!(other.status(), 200);

    let form = [
        ("client_id", demo_tenant::SPA_APP_ID),
        ("redirect_uri", "http://localhost:8080/callback"),
        ("response_type", "code"),
        ("scope", "openid"),
        ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
        ("code_challenge_method", "S256"),
    ];
    let posted = http.post(format!("{}/oidc/auth", emu.endpoint)).form(&form).send().await.unwrap();
    assert_eq!(posted.status(), 303);
    assert!(posted.headers()["location"].to_str().unwrap().starts_with("/sign-in"));
    let json: serde_json::Map<String, serde_json::Value> =
        form.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect();
    let posted = http.post(format!("{}/oidc/auth", emu.endpoint)).json(&json).send().await.unwrap();
    assert_eq!(posted.status(), 303);
}
