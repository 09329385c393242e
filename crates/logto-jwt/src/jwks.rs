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
            .filter(|jwk| {
                jwk.common.public_key_use.as_ref().is_none_or(|u| *u == jsonwebtoken::jwk::PublicKeyUse::Signature)
            })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7517 Appendix A.1's public keys (the EC one marked for signatures here).
    const JWKS: &str = r#"{"keys":[
        {"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"sig","kid":"p256"},
        {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"rsa"},
        {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"ES256","kid":"rsa-claiming-es256"},
        {"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","use":"enc","kid":"for-encryption"}
    ]}"#;

    #[test]
    fn each_key_gets_the_algorithm_its_type_allows() {
        let set: JwkSet = serde_json::from_str(JWKS).unwrap();
        let keys = KeySet::from_jwks(&set);
        assert_eq!(keys.get("p256").map(|k| k.1), Some(Algorithm::ES256));
        assert_eq!(keys.get("rsa").map(|k| k.1), Some(Algorithm::RS256));
        assert!(keys.get("rsa-claiming-es256").is_none(), "an alg that does not fit the key type is refused");
        assert!(keys.get("for-encryption").is_none(), "encryption keys do not verify signatures");
        assert_eq!(keys.len(), 2);
    }
}
