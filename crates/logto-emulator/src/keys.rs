//! The tenant's signing key: EC P-384 (Logto's default), `kid` = RFC 7638 thumbprint, ES384 JWS.
//!
//! The key is kept in a JSON file (a private JWK) so tokens stay valid across restarts, as Logto keeps
//! its `oidc.privateKeys` in the database.

use std::path::Path;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use p384::ecdsa::signature::{Signer, Verifier};
use p384::ecdsa::{Signature, SigningKey, VerifyingKey};
use p384::SecretKey;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the signing key file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write the signing key file {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("the signing key file {path} is not a P-384 private JWK: {reason}")]
    Invalid { path: String, reason: String },
}

/// The private JWK stored on disk.
#[derive(Serialize, Deserialize)]
struct StoredJwk {
    kty: String,
    crv: String,
    d: String,
}

pub struct TenantKey {
    signing: SigningKey,
    verifying: VerifyingKey,
    kid: String,
    x: String,
    y: String,
}

impl TenantKey {
    pub fn generate() -> Self {
        Self::from_secret(SecretKey::random(&mut rand::rngs::OsRng))
    }

    /// Loads the key from `path`, or creates it there (and its folder) when the file does not exist.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let shown = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => {
                let invalid = |reason: String| KeyError::Invalid { path: shown.clone(), reason };
                let jwk: StoredJwk =
                    serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
                if jwk.kty != "EC" || jwk.crv != "P-384" {
                    return Err(invalid(format!("kty {} crv {}", jwk.kty, jwk.crv)));
                }
                let d = URL_SAFE_NO_PAD
                    .decode(jwk.d.as_bytes())
                    .map_err(|e| invalid(format!("d: {e}")))?;
                let secret = SecretKey::from_slice(&d).map_err(|e| invalid(format!("d: {e}")))?;
                Ok(Self::from_secret(secret))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = Self::generate();
                let stored = StoredJwk {
                    kty: "EC".into(),
                    crv: "P-384".into(),
                    d: URL_SAFE_NO_PAD.encode(key.signing.to_bytes()),
                };
                let write = |source| KeyError::Write { path: shown.clone(), source };
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(write)?;
                }
                let body = serde_json::to_vec_pretty(&stored).unwrap_or_default();
                // Write then rename, so a crash never leaves a half-written key behind.
                let tmp = path.with_extension("tmp");
                std::fs::write(&tmp, body).map_err(write)?;
                std::fs::rename(&tmp, path).map_err(write)?;
                Ok(key)
            }
            Err(source) => Err(KeyError::Read { path: shown, source }),
        }
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
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Checks an ES384 signature over `signing_input` (raw `r || s`, as JWS carries it).
    pub fn verify(&self, signing_input: &[u8], signature: &[u8]) -> bool {
        Signature::from_slice(signature)
            .map(|sig| self.verifying.verify(signing_input, &sig).is_ok())
            .unwrap_or(false)
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
    pub fn new(current: TenantKey) -> Self {
        Self { current: std::sync::Arc::new(current), previous: None }
    }

    pub fn with_previous(current: TenantKey, previous: Option<TenantKey>) -> Self {
        Self { current: std::sync::Arc::new(current), previous: previous.map(std::sync::Arc::new) }
    }

    pub fn current(&self) -> std::sync::Arc<TenantKey> {
        self.current.clone()
    }

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
    fn key_survives_a_reload_and_signs_verifiable_tokens() {
        let dir = std::env::temp_dir().join(format!("logto-emu-key-{}", crate::ids::standard_id(8)));
        let path = dir.join("key.json");
        let first = TenantKey::load_or_create(&path).unwrap();
        let again = TenantKey::load_or_create(&path).unwrap();
        assert_eq!(first.kid(), again.kid());
        assert_eq!(first.kid().len(), 43);

        let jws = first.sign(Some("at+jwt"), &json!({"sub": "x"}));
        let (input, sig) = jws.rsplit_once('.').unwrap();
        let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        assert!(again.verify(input.as_bytes(), &sig));
        assert!(!again.verify(b"tampered", &sig));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_corrupt_key_file_is_reported_with_its_path() {
        let path = std::env::temp_dir().join(format!("logto-emu-bad-{}.json", crate::ids::standard_id(8)));
        std::fs::write(&path, "{}").unwrap();
        let err = TenantKey::load_or_create(&path).err().unwrap().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        std::fs::remove_file(path).ok();
    }
}
