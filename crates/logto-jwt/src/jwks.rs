//! A fetched JWKS turned into verification keys, each with the one algorithm its key type allows.

use std::collections::HashMap;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey};

pub struct KeySet {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
}

/// The algorithm a JWK is used with: its `alg` when present and supported, otherwise the one its
/// curve implies (P-256 → ES256, P-384 → ES384) or RS256 for RSA. Other keys are skipped.
fn algorithm_of(jwk: &jsonwebtoken::jwk::Jwk) -> Option<Algorithm> {
    let from_params = match &jwk.algorithm {
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Some(Algorithm::ES256),
            EllipticCurve::P384 => Some(Algorithm::ES384),
            _ => None,
        },
        AlgorithmParameters::RSA(_) => Some(Algorithm::RS256),
        _ => None,
    }?;
    match jwk.common.key_algorithm {
        None => Some(from_params),
        Some(KeyAlgorithm::ES256) if from_params == Algorithm::ES256 => Some(Algorithm::ES256),
        Some(KeyAlgorithm::ES384) if from_params == Algorithm::ES384 => Some(Algorithm::ES384),
        Some(KeyAlgorithm::RS256) if from_params == Algorithm::RS256 => Some(Algorithm::RS256),
        Some(_) => None,
    }
}

impl KeySet {
    pub fn empty() -> Self {
        Self { keys: HashMap::new() }
    }

    pub fn from_jwks(set: &JwkSet) -> Self {
        let keys = set
            .keys
            .iter()
            .filter(|jwk| jwk.common.public_key_use.as_ref().is_none_or(|u| *u == jsonwebtoken::jwk::PublicKeyUse::Signature))
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                let alg = algorithm_of(jwk)?;
                let key = DecodingKey::from_jwk(jwk).ok()?;
                Some((kid, (key, alg)))
            })
            .collect();
        Self { keys }
    }

    pub fn get(&self, kid: &str) -> Option<&(DecodingKey, Algorithm)> {
        self.keys.get(kid)
    }

    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
