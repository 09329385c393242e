//! The tenant's signing key: EC P-384 (Logto's default), `kid` = RFC 7638 thumbprint, ES384 JWS.
//!
//! The keys are kept in the emulator's database (`persist`) so tokens stay valid across restarts, as
//! Logto keeps its `oidc.privateKeys` in its database.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use p384::ecdsa::signature::{Signer, Verifier};
use p384::ecdsa::{Signature, SigningKey, VerifyingKey};
use p384::SecretKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A signing key of the tenant: EC P-384 (ES384, Logto's default), with its `kid`.
pub struct TenantKey {
    signing: SigningKey,
    verifying: VerifyingKey,
    kid: String,
    x: String,
    y: String,
}

impl TenantKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self::from_secret(SecretKey::random(&mut rand::rngs::OsRng))
    }

    fn from_secret(secret: SecretKey) -> Self {
        let signing = SigningKey::from(secret);
        let verifying = *signing.verifying_key();
        let point = verifying.to_encoded_point(false);
        let x = URL_SAFE_NO_PAD.encode(point.x().map(|x| x.as_slice()).unwrap_or_default());
        let y = URL_SAFE_NO_PAD.encode(point.y().map(|y| y.as_slice()).unwrap_or_default());
        // RFC 7638: SHA-256 over the required members in lexicographic order, no white space.
        let thumbprint_input = format!(r#"{{"crv":"P-384","kty":"EC","x":"{x}","y":"{y}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint_input.as_bytes()));
        Self { signing, verifying, kid, x, y }
    }

    /// The private scalar, base64url (for persistence).
    pub fn secret_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.signing.to_bytes())
    }

    /// A key from [`TenantKey::secret_b64`]'s output.
    pub fn from_secret_b64(d: &str) -> Result<Self, String> {
        let bytes = URL_SAFE_NO_PAD.decode(d).map_err(|e| e.to_string())?;
        SecretKey::from_slice(&bytes).map(Self::from_secret).map_err(|e| e.to_string())
    }

    /// Its key id: the RFC 7638 thumbprint of its public JWK.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK as Logto's `/oidc/jwks` lists it.
    pub fn public_jwk(&self) -> Value {
        json!({"kty": "EC", "use": "sig", "crv": "P-384", "kid": self.kid, "x": self.x, "y": self.y, "alg": "ES384"})
    }

    /// Signs `claims` as a compact ES384 JWS. `typ` is `Some("at+jwt")` for access tokens and `None` for
    /// ID tokens, matching Logto's headers.
    pub fn sign(&self, typ: Option<&str>, claims: &Value) -> String {
        let header = match typ {
            Some(typ) => json!({"alg": "ES384", "typ": typ, "kid": self.kid}),
            None => json!({"alg": "ES384", "kid": self.kid}),
        };
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Signs `claims` under an arbitrary JOSE `header` with this key (ES384), for tests that forge
    /// tokens (a wrong `kid`, a missing `typ`, …).
    pub fn sign_with_header(&self, header: &Value, claims: &Value) -> String {
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Checks an ES384 signature over `signing_input` (raw `r || s`, as JWS carries it).
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature).map(|sig| self.verifying.verify(signing_input, &sig).is_ok()).unwrap_or(false)
    }
}

/// The tenant's keys as Logto keeps them: one Current key that signs, and after a rotation the
/// Previous one, still listed in the JWKS (after Current) and still accepted, so tokens signed before
/// the rotation stay valid until they expire.
pub struct KeyRing {
    current: std::sync::Arc<TenantKey>,
    previous: Option<std::sync::Arc<TenantKey>>,
}

impl KeyRing {
    /// A ring with one key.
    pub fn new(current: TenantKey) -> Self {
        Self { current: std::sync::Arc::new(current), previous: None }
    }

    /// A ring with a current and a previous key (as loaded from disk).
    pub fn with_previous(current: TenantKey, previous: Option<TenantKey>) -> Self {
        Self { current: std::sync::Arc::new(current), previous: previous.map(std::sync::Arc::new) }
    }

    /// [`KeyRing::with_previous`] from shared keys.
    pub fn with_previous_arc(current: std::sync::Arc<TenantKey>, previous: Option<std::sync::Arc<TenantKey>>) -> Self {
        Self { current, previous }
    }

    /// The key that signs.
    pub fn current(&self) -> std::sync::Arc<TenantKey> {
        self.current.clone()
    }

    /// The key before the last rotation, still accepted and listed.
    pub fn previous(&self) -> Option<std::sync::Arc<TenantKey>> {
        self.previous.clone()
    }

    /// The key named `kid`, Current or Previous.
    pub fn find(&self, kid: &str) -> Option<std::sync::Arc<TenantKey>> {
        std::iter::once(&self.current).chain(self.previous.as_ref()).find(|k| k.kid() == kid).cloned()
    }

    /// The public JWKS: Current, then Previous.
    pub fn jwks(&self) -> Value {
        json!({"keys": std::iter::once(&self.current).chain(self.previous.as_ref()).map(|k| k.public_jwk()).collect::<Vec<_>>()})
    }

    /// A new Current key; the old Current becomes Previous (an older Previous is dropped).
    pub fn rotate(&mut self) {
        let old = std::mem::replace(&mut self.current, std::sync::Arc::new(TenantKey::generate()));
        self.previous = Some(old);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rotation_keeps_the_previous_key_listed_and_usable() {
        let mut ring = KeyRing::new(TenantKey::generate());
        let first = ring.current().kid().to_string();
        ring.rotate();
        let second = ring.current().kid().to_string();
        assert_ne!(first, second);
        assert!(ring.find(&first).is_some() && ring.find(&second).is_some());
        assert_eq!(ring.jwks()["keys"][1]["kid"], first.as_str());
        ring.rotate();
        assert!(ring.find(&first).is_none(), "only one Previous key is kept");
    }

    use super::*;

    #[test]
    fn signs_tokens_that_verify_and_survive_a_round_trip_of_the_secret() {
        let first = TenantKey::generate();
        let again = TenantKey::from_secret_b64(&first.secret_b64()).unwrap();
        assert_eq!(first.kid(), again.kid());
        assert_eq!(first.kid().len(), 43);
        let jws = first.sign(Some("at+jwt"), &json!({"sub": "x"}));
        let (input, sig) = jws.rsplit_once('.').unwrap();
        let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        assert!(again.verify(input.as_bytes(), &sig));
        assert!(!again.verify(b"tampered", &sig));
    }
}
