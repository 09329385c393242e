//! Personal access tokens (Logto 1.42's `packages/core/src/routes/admin-user/personal-access-token.ts`,
//! recorded in `tests/fidelity/token-exchange/`, steps 460–481): a user's named, reusable tokens for
//! the token-exchange grant (`urn:logto:token-type:personal_access_token`), readable again on list as
//! Logto shows them, deleted with their user.

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::PersonalAccessToken;

impl Tenant {
    /// A new token for `user_id`, named `name` (unique per user: 422), expiring at `expires_at` (ms,
    /// in the future: 400) or never.
    pub fn create_personal_access_token(
        &self,
        user_id: &str,
        name: &str,
        expires_at: Option<i64>,
        now_ms: i64,
    ) -> Result<PersonalAccessToken, ApiError> {
        if expires_at.is_some_and(|at| at <= now_ms) {
            return Err(ApiError::invalid_input("The value of `expiresAt` must be in the future."));
        }
        let mut write = self.write();
        {
            let store = write.read();
            if store.user(user_id).is_none() {
                return Err(super::users::unknown_user());
            }
            if store.personal_access_tokens.iter().any(|t| t.user_id == user_id && t.name == name) {
                return Err(ApiError::unprocessable(
                    "user.personal_access_token_name_exists",
                    "Personal access token name already exists.",
                ));
            }
        }
        let token = PersonalAccessToken {
            id: format!("pat_{}", standard_id(32)),
            user_id: user_id.into(),
            name: name.into(),
            created_at: now_ms,
            expires_at,
        };
        write.put(token.clone())?;
        Ok(token)
    }

    /// A user's tokens, newest first; 404 for an unknown user.
    pub fn personal_access_tokens(&self, user_id: &str) -> Result<Vec<PersonalAccessToken>, ApiError> {
        self.read(|store| {
            store.user(user_id).ok_or_else(ApiError::not_found)?;
            let mut tokens: Vec<_> =
                store.personal_access_tokens.iter().filter(|t| t.user_id == user_id).cloned().collect();
            tokens.sort_by_key(|t| std::cmp::Reverse(t.created_at));
            Ok(tokens)
        })
    }

    /// Renames a user's token; 404 `entity.not_exists` when they have none of that name.
    pub fn rename_personal_access_token(
        &self,
        user_id: &str,
        current: &str,
        name: &str,
    ) -> Result<PersonalAccessToken, ApiError> {
        let mut write = self.write();
        let mut token = {
            let store = write.read();
            let found = store.personal_access_tokens.iter().find(|t| t.user_id == user_id && t.name == current);
            let token = found.cloned().ok_or_else(|| ApiError::not_exists("personal_access_token"))?;
            if current != name && store.personal_access_tokens.iter().any(|t| t.user_id == user_id && t.name == name) {
                return Err(ApiError::unprocessable(
                    "user.personal_access_token_name_exists",
                    "Personal access token name already exists.",
                ));
            }
            token
        };
        token.name = name.into();
        write.put(token.clone())?;
        Ok(token)
    }

    /// Deletes a user's token; `false` when they have none of that name.
    pub fn delete_personal_access_token(&self, user_id: &str, name: &str) -> Result<bool, ApiError> {
        let mut write = self.write();
        let id = write
            .read()
            .personal_access_tokens
            .iter()
            .find(|t| t.user_id == user_id && t.name == name)
            .map(|t| t.id.clone());
        let Some(id) = id else { return Ok(false) };
        Ok(write.delete::<PersonalAccessToken>(&id)?)
    }

    /// The owner of a live personal access token (reusable until deleted or expired).
    pub fn personal_access_token_owner(&self, value: &str, now_ms: i64) -> Option<String> {
        self.read(|store| {
            let token = store.personal_access_tokens.iter().find(|t| t.id == value)?;
            let live = token.expires_at.is_none_or(|at| at > now_ms);
            live.then(|| token.user_id.clone()).filter(|u| store.user(u).is_some_and(|u| !u.is_suspended))
        })
    }
}
