//! Browser cryptography through WebCrypto: random values, SHA-256 for PKCE, and ES384/ES256 ID token
//! verification against the issuer's JWKS. Nothing cryptographic is compiled into the WASM.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use js_sys::{Array, Object, Uint8Array};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::oidc::{self, Discovery};
use crate::AuthError;

fn crypto() -> Result<web_sys::Crypto, AuthError> {
    web_sys::window().and_then(|w| w.crypto().ok()).ok_or_else(|| {
        AuthError::Browser("WebCrypto is not available (the page must be served from https or localhost)".into())
    })
}

/// `bytes` random bytes, base64url-encoded (32 bytes → a 43-character PKCE verifier).
pub fn random_token(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    crypto()?
        .get_random_values_with_u8_array(&mut buf)
        .map_err(|_| AuthError::Browser("getRandomValues failed".into()))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// base64url(SHA-256(input)): the PKCE S256 code challenge.
pub async fn sha256_b64url(input: &str) -> Result<String, AuthError> {
    let promise = crypto()?
        .subtle()
        .digest_with_str_and_u8_array("SHA-256", input.as_bytes())
        .map_err(|_| AuthError::Browser("SHA-256 is not available".into()))?;
    let digest = JsFuture::from(promise).await.map_err(|_| AuthError::Browser("SHA-256 failed".into()))?;
    Ok(URL_SAFE_NO_PAD.encode(Uint8Array::new(&digest).to_vec()))
}

fn js_object(json: &Value) -> Result<Object, AuthError> {
    js_sys::JSON::parse(&json.to_string())
        .map(|v| v.unchecked_into::<Object>())
        .map_err(|_| AuthError::Browser("cannot build a WebCrypto parameter".into()))
}

/// A JWT part as JSON. Header, JWKS and claims are read as `Value`s: each derived deserializer
/// would add WASM size, `Value`'s is there anyway.
fn decode_part(part: &str, what: &str) -> Result<Value, AuthError> {
    let bytes =
        URL_SAFE_NO_PAD.decode(part).map_err(|_| AuthError::InvalidIdToken(format!("the {what} is not base64url")))?;
    // `from_str`, not `from_slice`: the bundle then holds one JSON reader, not two.
    let not_json = || AuthError::InvalidIdToken(format!("the {what} is not JSON"));
    serde_json::from_str(&String::from_utf8(bytes).map_err(|_| not_json())?).map_err(|_| not_json())
}

/// Verifies an ID token (signature by the JWKS key named by `kid`, `iss`, `aud`, `nonce`, `exp`, `iat`)
/// and returns its claims.
pub async fn verify_id_token(
    discovery: &Discovery,
    token: &str,
    client_id: &str,
    nonce: &str,
) -> Result<Value, AuthError> {
    let invalid = |m: &str| AuthError::InvalidIdToken(m.to_string());
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else { return Err(invalid("not a JWT")) };
    let header = decode_part(header_b64, "header")?;
    let (curve, hash) = match header["alg"].as_str() {
        Some("ES384") => ("P-384", "SHA-384"),
        Some("ES256") => ("P-256", "SHA-256"),
        other => return Err(AuthError::InvalidIdToken(format!("unsupported algorithm {}", other.unwrap_or("(none)")))),
    };
    let jwks: Value = oidc::get_json(&discovery.jwks_uri).await?;
    let jwk = jwks["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["kid"] == header["kid"] && k["crv"] == curve)
        .ok_or_else(|| invalid("no key in the issuer's JWKS matches the token's kid"))?;
    let public = serde_json::json!({"kty": "EC", "crv": curve, "x": jwk["x"], "y": jwk["y"], "ext": true});
    let subtle = crypto()?.subtle();
    let usages = Array::of1(&"verify".into());
    let import = subtle
        .import_key_with_object(
            "jwk",
            &js_object(&public)?,
            &js_object(&serde_json::json!({"name": "ECDSA", "namedCurve": curve}))?,
            false,
            &usages,
        )
        .map_err(|_| invalid("the issuer's key cannot be imported"))?;
    let key: web_sys::CryptoKey =
        JsFuture::from(import).await.map_err(|_| invalid("the issuer's key cannot be imported"))?.unchecked_into();
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).map_err(|_| invalid("the signature is not base64url"))?;
    let signing_input = format!("{header_b64}.{payload_b64}");
    let verify = subtle
        .verify_with_object_and_u8_array_and_u8_array(
            &js_object(&serde_json::json!({"name": "ECDSA", "hash": hash}))?,
            &key,
            &signature,
            signing_input.as_bytes(),
        )
        .map_err(|_| invalid("the signature cannot be checked"))?;
    let valid = JsFuture::from(verify).await.map(|v| v.as_bool() == Some(true)).unwrap_or(false);
    if !valid {
        return Err(invalid("the signature does not verify"));
    }
    let claims = decode_part(payload_b64, "payload")?;
    if claims["iss"] != discovery.issuer.as_str() {
        return Err(invalid("it was issued by another issuer"));
    }
    let aud_ok = match &claims["aud"] {
        Value::String(a) => a == client_id,
        Value::Array(a) => a.iter().any(|x| x == client_id),
        _ => false,
    };
    if !aud_ok {
        return Err(invalid("it is for another application (aud)"));
    }
    if claims["nonce"] != nonce {
        return Err(invalid("its nonce does not match this sign-in"));
    }
    let now = js_sys::Date::now() / 1000.0;
    let skew = 300.0;
    if claims["exp"].as_f64().is_none_or(|exp| exp + skew < now) {
        return Err(invalid("it has expired"));
    }
    if claims["iat"].as_f64().is_none_or(|iat| (iat - now).abs() > skew) {
        return Err(invalid("its issue time is too far from this device's clock"));
    }
    if !claims["sub"].is_string() {
        return Err(invalid("it names no subject (sub)"));
    }
    Ok(claims)
}
