//! Users: create, update, delete (out of every organization, their sessions and grants ended),
//! assign roles.

use serde::Deserialize;
use serde_json::Value;

use super::Tenant;
use crate::error::ApiError;
use crate::model::{RoleType, User};
use crate::secret::Secret;

/// `POST /api/users`'s body, parsed (fields as Logto names them, camelCase).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct NewUser {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_digest: Option<String>,
    #[serde(default)]
    pub password_algorithm: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub primary_email: Option<String>,
    #[serde(default)]
    pub primary_phone: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub custom_data: Option<Value>,
    #[serde(default)]
    pub profile: Option<Value>,
}

/// `PATCH /api/users/{id}`'s body, parsed: `Some(None)` clears a field.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct UserPatch {
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub username: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub primary_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub primary_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::request::nullable")]
    pub avatar: Option<Option<String>>,
    #[serde(default)]
    pub custom_data: Option<Value>,
    /// Profile keys to set (merged into the profile, as Logto's `PATCH …/profile` and `PATCH
    /// /users/{id}` with `profile` do).
    #[serde(default)]
    pub profile: Option<Value>,
}

/// The value a patch sets, if it sets one.
fn given(field: &Option<Option<String>>) -> Option<&str> {
    field.as_ref().and_then(|v| v.as_deref())
}

impl NewUser {
    /// The user this makes at `now_ms`, with a new id.
    /// The imported digest, checked as Logto's `POST /api/users` checks it: not with a password,
    /// not without an algorithm, and one the emulator can verify.
    fn digest(&self) -> Result<Option<crate::password_digest::PasswordDigest>, ApiError> {
        match (&self.password, &self.password_digest, &self.password_algorithm) {
            (_, None, _) => Ok(None),
            (Some(_), Some(_), _) => Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "user.password_and_digest",
                "You cannot set both plain text password and password digest.",
            )),
            (None, Some(_), None) => Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "user.password_algorithm_required",
                "Password algorithm is required.",
            )),
            (None, Some(digest), Some(algorithm)) => {
                crate::password_digest::PasswordDigest::import(algorithm, digest).map(Some)
            }
        }
    }

    pub(super) fn into_user(self, now_ms: i64) -> User {
        User {
            id: crate::ids::standard_id(12),
            username: self.username,
            primary_email: self.primary_email,
            primary_phone: self.primary_phone,
            name: self.name,
            avatar: self.avatar,
            custom_data: self.custom_data.unwrap_or_else(|| serde_json::json!({})),
            password: self.password.map(Secret::new),
            password_digest: None,
            is_password_expired: false,
            created_at: now_ms,
            updated_at: now_ms,
            last_sign_in_at: None,
            application_id: None,
            is_suspended: false,
            role_ids: vec![],
            profile: self.profile.unwrap_or_else(|| serde_json::json!({})),
        }
    }
}

pub(super) fn username_taken() -> ApiError {
    ApiError::unprocessable("user.username_already_in_use", "This username is already in use.")
}

fn phone_taken() -> ApiError {
    ApiError::unprocessable("user.phone_already_in_use", "This phone number is associated with an existing account.")
}

/// 422 `user.invalid_phone` unless `phone` parses as Logto's `validatePhoneNumber` reads it.
fn check_phone(phone: Option<&str>) -> Result<(), ApiError> {
    match phone {
        Some(p) if !p.is_empty() && crate::phone::parse(p).is_none() => {
            Err(ApiError::unprocessable("user.invalid_phone", "Invalid phone number."))
        }
        _ => Ok(()),
    }
}

/// The roles every new user gets (Logto's `insertUser`: `findDefaultRoles(RoleType.User)`).
pub(super) fn default_role_ids(store: &crate::store::Store) -> Vec<String> {
    store.roles.iter().filter(|r| r.is_default && r.role_type == RoleType::User).map(|r| r.id.clone()).collect()
}

/// Whether another user than `except` has `phone` (the trunk `0` or not: Logto's
/// `hasUserWithNormalizedPhone`).
fn phone_in_use(users: &[User], except: Option<&str>, phone: Option<&str>) -> bool {
    phone.is_some_and(|p| {
        users.iter().any(|u| {
            Some(u.id.as_str()) != except && u.primary_phone.as_deref().is_some_and(|x| crate::phone::same(x, p))
        })
    })
}

fn email_taken() -> ApiError {
    ApiError::unprocessable("user.email_already_in_use", "This email is associated with an existing account.")
}

/// Logto's answer to a token (subject or personal access) asked for a user it does not have: the
/// foreign-key refusal, but 404 (recorded 421, 464).
pub(super) fn unknown_user() -> ApiError {
    let mut e = ApiError::foreign_key_not_found();
    e.status = axum::http::StatusCode::NOT_FOUND;
    e
}

/// The primary email of a user (the field sign-up and `POST /api/users` check).
pub(super) fn primary_email(user: &User) -> Option<&str> {
    user.primary_email.as_deref()
}

/// Whether another user than `except` already has `value` in `field` (case-insensitive, as Logto).
pub(super) fn in_use(
    users: &[User],
    except: Option<&str>,
    field: fn(&User) -> Option<&str>,
    value: Option<&str>,
) -> bool {
    value.is_some_and(|v| {
        users.iter().any(|u| Some(u.id.as_str()) != except && field(u).is_some_and(|x| x.eq_ignore_ascii_case(v)))
    })
}

impl Tenant {
    /// Creates a user; 422 when the username or email is taken.
    pub fn create_user(&self, new: NewUser, now_ms: i64) -> Result<User, ApiError> {
        let mut write = self.write();
        {
            let store = write.read();
            if in_use(&store.users, None, |u| u.username.as_deref(), new.username.as_deref()) {
                return Err(username_taken());
            }
            if in_use(&store.users, None, primary_email, new.primary_email.as_deref()) {
                return Err(email_taken());
            }
            check_phone(new.primary_phone.as_deref())?;
            if phone_in_use(&store.users, None, new.primary_phone.as_deref()) {
                return Err(phone_taken());
            }
        }
        let digest = new.digest()?;
        let mut user = new.into_user(now_ms);
        user.password_digest = digest;
        user.role_ids = default_role_ids(&write.read());
        write.put(user.clone())?;
        Ok(user)
    }

    /// Sets the patch's fields (`customData` replaced whole, as Logto does); 404 for an unknown
    /// user, 422 when the new username or email is another user's.
    pub fn update_user(&self, id: &str, patch: UserPatch, now_ms: i64) -> Result<User, ApiError> {
        let mut write = self.write();
        let mut user = {
            let store = write.read();
            let user = store.user(id).cloned().ok_or_else(ApiError::not_found)?;
            if in_use(&store.users, Some(id), |u| u.username.as_deref(), given(&patch.username)) {
                return Err(username_taken());
            }
            if in_use(&store.users, Some(id), primary_email, given(&patch.primary_email)) {
                return Err(email_taken());
            }
            check_phone(given(&patch.primary_phone))?;
            if phone_in_use(&store.users, Some(id), given(&patch.primary_phone)) {
                return Err(phone_taken());
            }
            user
        };
        let set = |field: &mut Option<String>, value: Option<Option<String>>| {
            if let Some(v) = value {
                *field = v;
            }
        };
        set(&mut user.username, patch.username);
        set(&mut user.primary_email, patch.primary_email);
        set(&mut user.primary_phone, patch.primary_phone);
        set(&mut user.name, patch.name);
        set(&mut user.avatar, patch.avatar);
        if let Some(data) = patch.custom_data {
            user.custom_data = data;
        }
        if let Some(Value::Object(keys)) = patch.profile {
            match user.profile.as_object_mut() {
                Some(profile) => profile.extend(keys),
                None => user.profile = Value::Object(keys),
            }
        }
        user.updated_at = now_ms;
        write.put(user.clone())?;
        Ok(user)
    }

    /// Sets a user's password (Logto's admin route checks no policy); 404 for an unknown user.
    pub fn set_user_password(&self, id: &str, password: &str, now_ms: i64) -> Result<User, ApiError> {
        let mut write = self.write();
        let mut user = write.read().user(id).cloned().ok_or_else(ApiError::not_found)?;
        user.password = Some(crate::secret::Secret::new(password.to_string()));
        user.password_digest = None;
        user.is_password_expired = false;
        user.updated_at = now_ms;
        write.put(user.clone())?;
        Ok(user)
    }

    /// Suspends or reinstates a user; suspending signs them out everywhere (their sessions and
    /// grants end, as Logto's `signOutUser`). 404 for an unknown user.
    pub fn set_user_suspended(&self, id: &str, suspended: bool, now_ms: i64) -> Result<User, ApiError> {
        let user = {
            let mut write = self.write();
            let mut user = write.read().user(id).cloned().ok_or_else(ApiError::not_found)?;
            user.is_suspended = suspended;
            user.updated_at = now_ms;
            write.put(user.clone())?;
            user
        };
        if suspended {
            self.artefacts().end_account(id);
        }
        Ok(user)
    }

    /// `PATCH /api/users/{id}/password/expiration`: marks the password expired (or not); expiring
    /// needs the sign-in experience's expiration policy on (400
    /// `sign_in_experiences.password_expiration_not_enabled`, `routes/admin-user/basics.ts`).
    pub fn set_password_expired(&self, id: &str, expired: bool, now_ms: i64) -> Result<User, ApiError> {
        let mut write = self.write();
        let mut user = write.read().user(id).cloned().ok_or_else(ApiError::not_found)?;
        let policy = write.read().sign_in_experience()["passwordExpiration"].clone();
        let enabled =
            policy["enabled"] == Value::Bool(true) && policy["validPeriodDays"].as_u64().is_some_and(|d| d > 0);
        if expired && !enabled {
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "sign_in_experiences.password_expiration_not_enabled",
                "Password expiration policy is not enabled. Enable it in the sign-in experience settings before expiring passwords.",
            ));
        }
        user.is_password_expired = expired;
        user.updated_at = now_ms;
        write.put(user.clone())?;
        Ok(user)
    }

    /// The user `identifier` (username or email) names, when `password` is theirs: compared in
    /// constant time, as client secrets are (no early exit at the first differing byte).
    pub fn user_with_password(&self, identifier: &str, password: &str) -> Option<User> {
        let user = self.read(|store| store.user_by_identifier(identifier).cloned())?;
        user.password_matches(password).then_some(user)
    }

    /// Deletes a user: out of every organization first, then their sessions and grants end.
    /// `false` when there was none.
    pub fn delete_user(&self, id: &str) -> Result<bool, ApiError> {
        if !self.write().remove_user(id)? {
            return Ok(false);
        }
        self.artefacts().end_account(id);
        Ok(true)
    }

    /// Gives a user roles; returns those newly added (roles already held, or asked twice, are
    /// added once). 404 for an unknown user or role, 422 for a machine-to-machine role.
    pub fn assign_user_roles(&self, id: &str, role_ids: &[String]) -> Result<Vec<String>, ApiError> {
        self.give_user_roles(id, role_ids, false)
    }

    /// Replaces a user's roles (`PUT /api/users/{id}/roles`), checked as
    /// [`Tenant::assign_user_roles`] checks them.
    pub fn set_user_roles(&self, id: &str, role_ids: &[String]) -> Result<(), ApiError> {
        self.give_user_roles(id, role_ids, true).map(|_| ())
    }

    fn give_user_roles(&self, id: &str, role_ids: &[String], replace: bool) -> Result<Vec<String>, ApiError> {
        let mut write = self.write();
        let mut user = {
            let store = write.read();
            let user = store.user(id).cloned().ok_or_else(ApiError::not_found)?;
            for role_id in role_ids {
                let role = store.role(role_id).ok_or_else(ApiError::not_found)?;
                if role.role_type != RoleType::User {
                    return Err(ApiError::unprocessable(
                        "user.invalid_role_type",
                        "Can not assign machine to machine role to user.",
                    ));
                }
            }
            user
        };
        if replace {
            user.role_ids.clear();
        }
        let mut added: Vec<String> = Vec::new();
        for role in role_ids {
            if !user.role_ids.contains(role) && !added.contains(role) {
                added.push(role.clone());
            }
        }
        user.role_ids.extend(added.iter().cloned());
        write.put(user)?;
        Ok(added)
    }
}
