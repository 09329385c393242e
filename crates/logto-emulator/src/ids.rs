//! Random identifiers and tokens in Logto's alphabets.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::{distributions::Uniform, Rng, RngCore};

const ID_ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A `[0-9a-z]` id of `len` characters: 12 for users (`generateStandardShortId`), 21 for the rest.
pub fn standard_id(len: usize) -> String {
    let pick = Uniform::from(0..ID_ALPHABET.len());
    rand::thread_rng().sample_iter(pick).take(len).map(|i| ID_ALPHABET[i] as char).collect()
}

/// An opaque token value (43 base64url characters, like oidc-provider's).
pub fn opaque_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_use_logto_alphabet_and_length() {
        let id = standard_id(12);
        assert_eq!(id.len(), 12);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
        assert_eq!(opaque_token().len(), 43);
        assert_ne!(opaque_token(), opaque_token());
    }
}
