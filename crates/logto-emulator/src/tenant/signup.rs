//! Sign-up on the emulator's page, as Logto's Experience API does it for a sign-in experience with
//! `signUp: {identifiers: ["email"], password: true, verify}` (`packages/core/src/routes/experience/`:
//! the `Register` interaction, an email verification code sent through the email connector, the
//! password checked against the policy, then the user created at identification).

use serde_json::json;

use super::users::{in_use, primary_email};
use super::Tenant;
use crate::model::User;
use crate::secret::Secret;
use crate::seed::PasswordPolicy;

/// How long a verification code lives (Logto's passcode expiry: 10 minutes).
const CODE_TTL_MS: i64 = 10 * 60 * 1000;
/// Wrong codes before the code is void (Logto's passcode `tryCount` limit: 10).
const CODE_TRIES: u32 = 10;

/// A sign-up waiting for its email code.
#[derive(Debug, Clone)]
pub(super) struct PendingRegistration {
    email: String,
    password: Secret,
    code: String,
    expires_at_ms: i64,
    tries: u32,
}

/// Why a sign-up step was refused; each is shown on the page in words.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SignUpRefused {
    /// The sign-in request has expired or was used already.
    #[error("This sign-up request has expired or was already used. Go back to the app and sign in again.")]
    RequestGone,
    /// The email belongs to an account already (Logto: `user.email_already_in_use`).
    #[error("This email is associated with an existing account.")]
    EmailInUse,
    /// The password breaks the policy (Logto: `password.rejected`).
    #[error("{0}")]
    Password(&'static str),
    /// The code is not the one sent (Logto: `verification_code.code_mismatch`).
    #[error("The verification code is wrong.")]
    CodeMismatch,
    /// The code is too old or was tried too often (Logto: `verification_code.expired` /
    /// `exceed_max_try`): send a new one.
    #[error("The verification code has expired. Start again to get a new one.")]
    CodeExpired,
    /// The email could not be sent or the user saved.
    #[error("The account could not be created.")]
    NotSaved,
}

/// The most common breached passwords (the top of the public lists), checked instead of Logto's
/// Have I Been Pwned lookup, which an offline emulator cannot make.
const COMMON: &[&str] = &[
    "123456",
    "123456789",
    "12345678",
    "password",
    "qwerty123",
    "qwerty",
    "1234567890",
    "111111",
    "1234567",
    "password1",
    "abc123",
    "iloveyou",
    "00000000",
    "qwertyuiop",
    "password123",
    "welcome1",
    "admin123",
    "letmein1",
    "1q2w3e4r",
    "sunshine1",
];

/// Checks `password` against `policy` for a user with `email`, as Logto's `PasswordPolicyChecker`
/// (`@logto/core-kit`): length, character types, the user's own information, known passwords.
pub fn check_password(policy: &PasswordPolicy, password: &str, email: &str) -> Result<(), SignUpRefused> {
    let length = password.chars().count();
    if length < policy.min_length {
        return Err(SignUpRefused::Password("The password is too short."));
    }
    if length > policy.max_length {
        return Err(SignUpRefused::Password("The password is too long."));
    }
    let types = [
        password.chars().any(|c| c.is_lowercase()),
        password.chars().any(|c| c.is_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if types.iter().filter(|t| **t).count() < policy.character_types {
        return Err(SignUpRefused::Password(
            "The password needs more kinds of characters (lower case, upper case, digits, symbols).",
        ));
    }
    let lower = password.to_lowercase();
    let name = email.split('@').next().unwrap_or_default().to_lowercase();
    if policy.reject_user_info && name.len() >= 3 && lower.contains(&name) {
        return Err(SignUpRefused::Password("The password must not contain your email's name."));
    }
    if policy.reject_common && COMMON.contains(&lower.as_str()) {
        return Err(SignUpRefused::Password("This password is too well known: choose another."));
    }
    Ok(())
}

/// A six-digit code, as Logto's passcodes.
fn six_digits() -> String {
    let n = u32::from_le_bytes(rand::random::<[u8; 4]>()) % 1_000_000;
    format!("{n:06}")
}

impl Tenant {
    fn email_in_use(&self, email: &str) -> bool {
        self.read(|store| in_use(&store.users, None, primary_email, Some(email)))
    }

    /// Starts a sign-up for the request `uid`: the email must be free and the password pass the
    /// policy (the caller checked it); a six-digit code goes to the outbox as Logto's `Register`
    /// message (`{code, locale, application}`, recorded 412).
    pub fn start_sign_up(&self, uid: &str, email: &str, password: &str, now_ms: i64) -> Result<(), SignUpRefused> {
        let Some(client_id) = self.interaction_client(uid) else { return Err(SignUpRefused::RequestGone) };
        if self.email_in_use(email) {
            return Err(SignUpRefused::EmailInUse);
        }
        let code = six_digits();
        let application = self.read(|store| {
            store.applications.get(&client_id).map(|a| json!({"id": a.id, "name": a.name})).unwrap_or_default()
        });
        let payload = json!({"code": code, "locale": "en", "application": application});
        let mut write = self.write();
        if let Err(e) = self.send_email(&mut write, email, "Register", payload, now_ms) {
            tracing::error!(code = e.code, "could not send the sign-up code");
            return Err(SignUpRefused::NotSaved);
        }
        drop(write);
        let pending = PendingRegistration {
            email: email.to_string(),
            password: Secret::new(password.to_string()),
            code,
            expires_at_ms: now_ms + CODE_TTL_MS,
            tries: 0,
        };
        self.artefacts().registrations.insert(uid.to_string(), pending);
        Ok(())
    }

    /// The email a pending sign-up waits to verify.
    pub fn sign_up_email(&self, uid: &str) -> Option<String> {
        self.artefacts().registrations.get(uid).map(|r| r.email.clone())
    }

    /// Checks the code of a pending sign-up and creates the user. A wrong code counts a try.
    pub fn verify_sign_up(&self, uid: &str, code: &str, now_ms: i64) -> Result<User, SignUpRefused> {
        let pending = {
            let mut artefacts = self.artefacts();
            let Some(pending) = artefacts.registrations.get_mut(uid) else { return Err(SignUpRefused::RequestGone) };
            if pending.expires_at_ms <= now_ms || pending.tries >= CODE_TRIES {
                artefacts.registrations.remove(uid);
                return Err(SignUpRefused::CodeExpired);
            }
            if !crate::secret::same(code.trim(), &pending.code) {
                pending.tries += 1;
                return Err(SignUpRefused::CodeMismatch);
            }
            artefacts.registrations.remove(uid).ok_or(SignUpRefused::RequestGone)?
        };
        let user = self.create_registered_user(&pending.email, pending.password, now_ms)?;
        // A verified email brings the user into the organizations that provision its domain.
        if let Err(e) = self.provision_by_email(&user.id, &pending.email) {
            tracing::error!(error = %e.code, "could not provision the new user's organizations");
        }
        Ok(user)
    }

    /// Creates the user of a sign-up without a code (a sign-in experience with `verify: false`).
    pub fn sign_up_unverified(
        &self,
        uid: &str,
        email: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<User, SignUpRefused> {
        if self.interaction_client(uid).is_none() {
            return Err(SignUpRefused::RequestGone);
        }
        self.create_registered_user(email, Secret::new(password.to_string()), now_ms)
    }

    fn create_registered_user(&self, email: &str, password: Secret, now_ms: i64) -> Result<User, SignUpRefused> {
        let mut write = self.write();
        if in_use(&write.read().users, None, primary_email, Some(email)) {
            return Err(SignUpRefused::EmailInUse);
        }
        let new = super::NewUser {
            username: None,
            password: Some(password.expose().to_string()),
            name: None,
            primary_email: Some(email.to_string()),
            primary_phone: None,
            avatar: None,
            custom_data: None,
            profile: None,
            ..super::NewUser::default()
        };
        let mut user = new.into_user(now_ms);
        user.role_ids = super::users::default_role_ids(&write.read());
        if let Err(e) = write.put(user.clone()) {
            tracing::error!(error = %e, "could not save the new user");
            return Err(SignUpRefused::NotSaved);
        }
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_policy_refuses_short_personal_and_common_passwords() {
        let policy = PasswordPolicy::default();
        let check = |p: &str| check_password(&policy, p, "nia@oa.example.com");
        assert!(matches!(check("short1"), Err(SignUpRefused::Password(_))));
        assert!(matches!(check("nia-secret-9"), Err(SignUpRefused::Password(_))), "holds the email's name");
        assert!(matches!(check("password123"), Err(SignUpRefused::Password(_))), "well known");
        assert!(matches!(check(&"x".repeat(257)), Err(SignUpRefused::Password(_))));
        assert_eq!(check("correct horse battery"), Ok(()));
        let strict = PasswordPolicy { character_types: 3, ..PasswordPolicy::default() };
        assert!(check_password(&strict, "alllowercase", "a@b.c").is_err());
        assert!(check_password(&strict, "Mixed-case-1", "a@b.c").is_ok());
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let code = six_digits();
            assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{code}");
        }
    }
}
