//! Passwords imported as digests (`POST /api/users` with `passwordDigest` and
//! `passwordAlgorithm`), verified as Logto's `libraries/user-password-verification.ts` and
//! `utils/password.ts` do: `MD5`, `SHA1` and `SHA256` compare the lowercase hex digest; `Legacy`
//! is `["algorithm", ["salt", "@", …], "hex digest"]`, the arguments joined with `@` standing for
//! the password. The emulator refuses the algorithms it cannot verify (`Argon2*`, `Bcrypt`, and
//! `pbkdf2`/`firebase-scrypt` inside `Legacy`) when the user is created, rather than keep a user
//! who could never sign in.

use md5::Md5;
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::error::ApiError;
use crate::secret::Secret;

/// A stored digest and the algorithm that made it (Logto's `UsersPasswordEncryptionMethod`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordDigest {
    /// `MD5`, `SHA1`, `SHA256` or `Legacy`.
    pub algorithm: String,
    /// The digest as imported.
    pub digest: Secret,
}

/// Every `passwordAlgorithm` Logto's guard takes.
pub const ALGORITHMS: &[&str] = &["Argon2i", "Argon2id", "Argon2d", "SHA1", "SHA256", "MD5", "Bcrypt", "Legacy"];

fn hex_of<D: Digest>(input: &str) -> String {
    D::digest(input.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `password`'s SHA256 as the `SHA256` algorithm takes it (lowercase hex).
pub fn sha256_hex(password: &str) -> String {
    hex_of::<Sha256>(password)
}

/// A legacy expression's hash of `input`, for the algorithms the emulator knows.
fn legacy_hash(algorithm: &str, input: &str) -> Option<String> {
    Some(match algorithm {
        "md5" => hex_of::<Md5>(input),
        "sha1" => hex_of::<Sha1>(input),
        "sha256" => hex_of::<Sha256>(input),
        "sha384" => hex_of::<Sha384>(input),
        "sha512" => hex_of::<Sha512>(input),
        _ => return None,
    })
}

/// `[algorithm, args, digest]`, args holding `@`.
fn parse_legacy(digest: &str) -> Option<(String, Vec<String>, String)> {
    let (algorithm, args, hash): (String, Vec<String>, String) = serde_json::from_str(digest).ok()?;
    args.iter().any(|a| a == "@").then_some((algorithm, args, hash))
}

impl PasswordDigest {
    /// The digest to keep for a new user; 400 for an algorithm the emulator cannot verify or a
    /// legacy expression that does not parse (Logto's `password.*` codes).
    pub fn import(algorithm: &str, digest: &str) -> Result<Self, ApiError> {
        let unsupported = || {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "password.unsupported_encryption_method",
                "The encryption method is not supported by the emulator.",
            )
        };
        match algorithm {
            "MD5" | "SHA1" | "SHA256" => {}
            "Legacy" => {
                let (name, _, _) = parse_legacy(digest).ok_or_else(|| {
                    ApiError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "password.invalid_legacy_password_format",
                        "Invalid legacy password format.",
                    )
                })?;
                if legacy_hash(&name, "").is_none() {
                    return Err(ApiError::new(
                        axum::http::StatusCode::BAD_REQUEST,
                        "password.unsupported_legacy_hash_algorithm",
                        "Unsupported legacy hash algorithm.",
                    ));
                }
            }
            _ => return Err(unsupported()),
        }
        Ok(Self { algorithm: algorithm.to_string(), digest: Secret::new(digest.to_string()) })
    }

    /// Whether `password` is the one the digest was made from.
    pub fn verify(&self, password: &str) -> bool {
        let digest = self.digest.expose();
        let computed = match self.algorithm.as_str() {
            "MD5" => hex_of::<Md5>(password),
            "SHA1" => hex_of::<Sha1>(password),
            "SHA256" => hex_of::<Sha256>(password),
            "Legacy" => {
                let Some((name, args, hash)) = parse_legacy(digest) else { return false };
                let input: String = args.iter().map(|a| if a == "@" { password } else { a.as_str() }).collect();
                return legacy_hash(&name, &input).is_some_and(|h| crate::secret::same(&h, &hash));
            }
            _ => return false,
        };
        crate::secret::same(&computed, digest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logtos_own_examples_verify() {
        // From Logto's admin-user integration test: MD5 and Legacy sha512 of "password".
        let md5 = PasswordDigest::import("MD5", "5f4dcc3b5aa765d61d8327deb882cf99").unwrap();
        assert!(md5.verify("password") && !md5.verify("Password"));
        let legacy = PasswordDigest::import(
            "Legacy",
            r#"["sha512", ["@"], "b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb980b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86"]"#,
        )
        .unwrap();
        assert!(legacy.verify("password") && !legacy.verify("passwor"));
        let salted = PasswordDigest::import(
            "Legacy",
            &format!(r#"["sha256", ["salt", "@"], "{}"]"#, hex_of::<Sha256>("saltpw")),
        )
        .unwrap();
        assert!(salted.verify("pw"));
        let sha1 = PasswordDigest::import("SHA1", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8").unwrap();
        assert!(sha1.verify("password"));
    }

    #[test]
    fn what_cannot_be_verified_is_refused() {
        assert_eq!(
            PasswordDigest::import("Bcrypt", "$2b$…").unwrap_err().code,
            "password.unsupported_encryption_method"
        );
        assert_eq!(PasswordDigest::import("Legacy", "[]").unwrap_err().code, "password.invalid_legacy_password_format");
        assert_eq!(
            PasswordDigest::import("Legacy", r#"["sha512", ["x"], "a"]"#).unwrap_err().code,
            "password.invalid_legacy_password_format"
        );
        assert_eq!(
            PasswordDigest::import("Legacy", r#"["pbkdf2", ["@"], "a"]"#).unwrap_err().code,
            "password.unsupported_legacy_hash_algorithm"
        );
    }
}
