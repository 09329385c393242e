//! Reading JSON the client got: a JWT's payload without verifying it (for display, and for a token
//! this client already verified or got straight from the token endpoint; never an authorization
//! decision), and one string member of a JSON object.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::Value;

/// The string member `name` of `v`, if it is one. The client reads Logto's bodies through `Value`
/// with this rather than derived deserializers, which would cost WASM size (README, "size").
pub(crate) fn text(v: &Value, name: &str) -> Option<String> {
    v.get(name).and_then(Value::as_str).map(str::to_string)
}

/// The claims of a compact JWS (`header.payload.signature`), or `None` when it is not one (an opaque
/// token).
pub fn decode_claims(jwt: &str) -> Option<Value> {
    let mut parts = jwt.split('.');
    let (_, payload, _, None) = (parts.next()?, parts.next()?, parts.next()?, parts.next()) else { return None };
    let json = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    // `from_str`, not `from_slice`: the bundle then holds one JSON reader, not two.
    let claims: Value = serde_json::from_str(&json).ok()?;
    claims.is_object().then_some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_jws_payload_and_refuses_anything_else() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"u1","scope":"read:x"}"#);
        assert_eq!(decode_claims(&format!("e30.{payload}.sig")).unwrap()["scope"], "read:x");
        assert_eq!(decode_claims("opaque-token-without-dots"), None);
        assert_eq!(decode_claims(&format!("e30.{payload}.sig.extra")), None);
        assert_eq!(decode_claims("e30.bm90IGpzb24.sig"), None, "payload not JSON");
        assert_eq!(decode_claims(&format!("e30.{}.sig", URL_SAFE_NO_PAD.encode("[1]"))), None, "not an object");
    }
}
