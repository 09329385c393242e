//! A forged-token matrix against a verifier that trusts the emulator: every forgery is refused with
//! a 401 (or 403 for a missing scope), never accepted and never a 5xx. One genuine token is accepted.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{API_RESOURCE, DEMO_PASSWORD};
use jsonwebtoken::{encode, EncodingKey, Header};
use logto_emulator::testkit;
use logto_emulator::TenantKey;
use logto_jwt::{Verifier, VerifierConfig};
use serde_json::{json, Value};

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A genuine access token of `emu`'s current key.
fn mint(emu: &logto_emulator::RunningEmulator, sub: &str) -> String {
    let now = now();
    emu.state.signing_key().sign(
        Some("at+jwt"),
        &json!({"sub": sub, "iat": now, "exp": now + 3600, "scope": "", "client_id": "c", "iss": emu.issuer(), "aud": API_RESOURCE}),
    )
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let verifier = Verifier::new(VerifierConfig::new(emu.issuer(), API_RESOURCE));
    let key = emu.state.signing_key();
    let kid = key.kid().to_string();
    let now = now();
    let claims = |f: &dyn Fn(&mut Value)| {
        let mut c = json!({"jti": "j", "sub": "p861e0zr9ryv", "iat": now, "exp": now + 3600, "scope": "read:top-users",
                           "client_id": "spa4topusers000000001", "iss": emu.issuer(), "aud": API_RESOURCE});
        f(&mut c);
        c
    };
    let header = |f: &dyn Fn(&mut Value)| {
        let mut h = json!({"alg": "ES384", "typ": "at+jwt", "kid": kid});
        f(&mut h);
        h
    };
    let remove = |v: &mut Value, k: &str| {
        v.as_object_mut().unwrap().remove(k);
    };
    let good = key.sign_with_header(&header(&|_| {}), &claims(&|_| {}));
    assert_eq!(verifier.verify(&good).await.unwrap().sub, "p861e0zr9ryv", "the genuine token is accepted");

    let alice = demo_tenant::sign_in(
        &emu.endpoint,
        "alice",
        DEMO_PASSWORD,
        "openid profile offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await
    .unwrap();
    let jwk = emu.state.jwks()["keys"][0].clone();
    let xy = [
        URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap(),
        URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap(),
    ]
    .concat();
    let hmac = |alg: jsonwebtoken::Algorithm, secret: &[u8]| {
        let mut h = Header::new(alg);
        h.typ = Some("at+jwt".into());
        h.kid = Some(kid.clone());
        encode(&h, &claims(&|_| {}), &EncodingKey::from_secret(secret)).unwrap()
    };
    let other = TenantKey::generate();
    let other_emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let mgmt_token = testkit::client_credentials(
        &emu.endpoint,
        demo_tenant::M2M_APP_ID,
        demo_tenant::M2M_APP_SECRET,
        "https://default.logto.app/api",
        "all",
    )
    .await
    .unwrap();
    let mut parts = good.split('.');
    let (gh, gp, gs) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let second = key.sign_with_header(&header(&|_| {}), &claims(&|c| c["sub"] = json!("someone-else")));

    let cases: Vec<(&str, String)> = vec![
        (
            "alg none, no signature",
            format!("{}.{}.", b64(&header(&|h| h["alg"] = json!("none"))), b64(&claims(&|_| {}))),
        ),
        ("HS256 keyed with the public key", hmac(jsonwebtoken::Algorithm::HS256, &xy)),
        ("HS384 keyed with the public key", hmac(jsonwebtoken::Algorithm::HS384, &xy)),
        ("HS256 keyed with the JWK text", hmac(jsonwebtoken::Algorithm::HS256, jwk.to_string().as_bytes())),
        ("unknown kid", key.sign_with_header(&header(&|h| h["kid"] = json!("not-a-known-kid")), &claims(&|_| {}))),
        ("another key reusing the known kid", other.sign_with_header(&header(&|_| {}), &claims(&|_| {}))),
        ("no kid", key.sign_with_header(&header(&|h| remove(h, "kid")), &claims(&|_| {}))),
        ("RS256 header on the EC key", key.sign_with_header(&header(&|h| h["alg"] = json!("RS256")), &claims(&|_| {}))),
        (
            "ES256 header on the P-384 key",
            key.sign_with_header(&header(&|h| h["alg"] = json!("ES256")), &claims(&|_| {})),
        ),
        (
            "wrong iss",
            key.sign_with_header(&header(&|_| {}), &claims(&|c| c["iss"] = json!("https://evil.example/oidc"))),
        ),
        ("no iss", key.sign_with_header(&header(&|_| {}), &claims(&|c| remove(c, "iss")))),
        ("wrong aud", key.sign_with_header(&header(&|_| {}), &claims(&|c| c["aud"] = json!("https://other.example")))),
        ("aud of the Management API (a real M2M token)", mgmt_token),
        (
            "expired",
            key.sign_with_header(
                &header(&|_| {}),
                &claims(&|c| {
                    c["iat"] = json!(now - 7200);
                    c["exp"] = json!(now - 3600);
                }),
            ),
        ),
        ("nbf in the future", key.sign_with_header(&header(&|_| {}), &claims(&|c| c["nbf"] = json!(now + 3600)))),
        ("no exp", key.sign_with_header(&header(&|_| {}), &claims(&|c| remove(c, "exp")))),
        ("exp as a string", key.sign_with_header(&header(&|_| {}), &claims(&|c| c["exp"] = json!("tomorrow")))),
        ("no sub", key.sign_with_header(&header(&|_| {}), &claims(&|c| remove(c, "sub")))),
        ("typ missing", key.sign_with_header(&header(&|h| remove(h, "typ")), &claims(&|_| {}))),
        ("typ JWT", key.sign_with_header(&header(&|h| h["typ"] = json!("JWT")), &claims(&|_| {}))),
        ("a real ID token", alice.id_token().to_string()),
        ("a real opaque access token", alice.opaque_access_token().to_string()),
        ("bad base64 in the header", format!("e!!.{gp}.{gs}")),
        ("bad base64 in the payload", format!("{gh}.e!!.{gs}")),
        ("payload that is not JSON", format!("{gh}.{}.{gs}", URL_SAFE_NO_PAD.encode("not json"))),
        ("tampered payload, old signature", format!("{gh}.{}.{gs}", b64(&claims(&|c| c["sub"] = json!("admin"))))),
        ("another token's signature", format!("{gh}.{gp}.{}", second.rsplit('.').next().unwrap())),
        ("trailing garbage", format!("{good}.extra")),
        ("two parts only", format!("{gh}.{gp}")),
        ("empty", String::new()),
        ("oversized header", format!("{}.{gp}.{gs}", b64(&header(&|h| h["x"] = json!("a".repeat(9000)))))),
        ("token of another issuer", mint(&other_emu, "u")),
    ];
    assert!(cases.len() >= 25);
    let mut accepted = Vec::new();
    for (name, token) in &cases {
        match verifier.verify(token).await {
            Ok(_) => accepted.push(*name),
            Err(e) => assert_eq!(e.status().as_u16(), 401, "{name}: {e}"),
        }
    }
    assert!(accepted.is_empty(), "forgeries accepted: {accepted:?}");
    println!("{} forged tokens refused", cases.len());

    // Scope is the extractor's job: a genuine token without it is 403 insufficient_scope.
    let no_scope =
        verifier.verify(&key.sign_with_header(&header(&|_| {}), &claims(&|c| c["scope"] = json!("")))).await.unwrap();
    assert_eq!(no_scope.require_scope("read:top-users").unwrap_err().status().as_u16(), 403);
    // Logto's own build writes `"scope": ""` when nothing is granted; a stock oidc-provider (and other
    // issuers) leave the claim out. Both mean "no scopes": 403, never a 401 or a 5xx.
    let absent = verifier
        .verify(&key.sign_with_header(
            &header(&|_| {}),
            &claims(&|c| {
                c.as_object_mut().map(|o| o.remove("scope"));
            }),
        ))
        .await
        .unwrap();
    assert_eq!(absent.scopes().count(), 0);
    assert_eq!(absent.require_scope("read:top-users").unwrap_err().status().as_u16(), 403);
}

#[tokio::test]
async fn a_verified_token_is_cached_until_its_key_leaves_the_jwks() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let mut config = VerifierConfig::new(emu.issuer(), API_RESOURCE);
    config.min_refetch_interval = std::time::Duration::ZERO;
    let verifier = Verifier::new(config);
    let old = mint(&emu, "u");
    verifier.verify(&old).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 1);

    // With the JWKS down, the cached verification still answers.
    let http = reqwest::Client::new();
    let control = |path: &str| format!("{}/_emulator{path}", emu.endpoint);
    http.post(control("/faults")).json(&json!({"path": "/oidc/jwks", "status": 503})).send().await.unwrap();
    verifier.verify(&old).await.unwrap();
    http.delete(control("/faults")).send().await.unwrap();

    // Two rotations push the old key out of the JWKS; a token of the new key makes the verifier
    // refetch, which empties the cache, and the old token is refused.
    http.post(control("/keys/rotate")).send().await.unwrap();
    http.post(control("/keys/rotate")).send().await.unwrap();
    verifier.verify(&mint(&emu, "v")).await.unwrap();
    let refused = verifier.verify(&old).await.unwrap_err();
    assert!(refused.to_string().contains("does not publish"), "{refused}");

    // What metrics read: the old token verified once and answered once by the cache; the new one
    // verified; the old one refused. JWKS: the first fetch, then one for each unknown kid (the new
    // key's, and the old key's once it had left); none while the JWKS answered 503: the cache did.
    let stats = verifier.stats();
    assert_eq!((stats.verified, stats.cache_hits, stats.rejected), (2, 1, 1), "{stats:?}");
    assert_eq!((stats.jwks_fetches, stats.jwks_fetch_errors), (3, 0), "{stats:?}");
}

#[tokio::test]
async fn concurrent_cold_verifications_share_one_jwks_fetch() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let verifier = Verifier::new(VerifierConfig::new(emu.issuer(), API_RESOURCE));
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let (v, t) = (verifier.clone(), mint(&emu, &format!("u{i}")));
            tokio::spawn(async move { v.verify(&t).await.is_ok() })
        })
        .collect();
    for h in handles {
        assert!(h.await.unwrap());
    }
    let fetches = emu.state.request_log().iter().filter(|r| r.path == "/oidc/jwks").count();
    assert_eq!(fetches, 1, "100 concurrent cold verifications, one JWKS request");
    assert_eq!(verifier.stats().jwks_fetches, 1);
    assert_eq!(verifier.stats().verified, 100);
}

#[tokio::test]
async fn a_cached_token_leaves_the_cache_at_its_own_expiry() {
    let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
    let mut config = VerifierConfig::new(emu.issuer(), API_RESOURCE);
    config.leeway = std::time::Duration::ZERO;
    let verifier = Verifier::new(config);
    let now = now();
    let short = emu.state.signing_key().sign(
        Some("at+jwt"),
        &json!({"sub": "s", "iat": now, "exp": now + 2, "scope": "", "client_id": "c", "iss": emu.issuer(), "aud": API_RESOURCE}),
    );
    verifier.verify(&short).await.unwrap();
    verifier.verify(&mint(&emu, "long")).await.unwrap();
    assert_eq!(verifier.cached_tokens(), 2);
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    // The short-lived token's entry is gone (not kept for the hour the cache allows); the other stays.
    assert_eq!(verifier.cached_tokens(), 1);
    assert!(verifier.verify(&short).await.is_err(), "an expired token is refused");
}
