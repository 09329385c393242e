//! Subject tokens and the grants the token-exchange grant makes (Logto 1.42's
//! `packages/core/src/routes/subject-token.ts` and `packages/core/src/oidc/grants/token-exchange/`):
//! a subject token is issued for a user through the Management API, lives 600 s and is used once.

use super::Tenant;
use crate::error::ApiError;
use crate::ids::{opaque_token, standard_id};
use crate::model::{Grant, SubjectToken};

/// How long a subject token lives (Logto's `subjectTokenExpiresIn`: 600 s).
pub const SUBJECT_TOKEN_TTL: i64 = 600;

impl Tenant {
    /// A subject token for `user_id`: `sub_` and 21 characters (recorded 420). 404
    /// `entity.relation_foreign_key_not_found` for an unknown user, as Logto (421).
    pub fn issue_subject_token(&self, user_id: &str, now_secs: i64) -> Result<String, ApiError> {
        if self.read(|store| store.user(user_id).is_none()) {
            return Err(super::users::unknown_user());
        }
        let token = format!("sub_{}", standard_id(21));
        let subject = SubjectToken { user_id: user_id.into(), expires_at: now_secs + SUBJECT_TOKEN_TTL };
        self.artefacts().subject_tokens.insert(token.clone(), subject);
        Ok(token)
    }

    /// The user of a live subject token, which is used up (single use, recorded 431).
    pub fn take_subject_token(&self, token: &str, now_secs: i64) -> Option<String> {
        self.artefacts().subject_tokens.remove(token).filter(|t| t.expires_at > now_secs).map(|t| t.user_id)
    }

    /// A grant for what a token exchange issues as an opaque token (so that `/oidc/me`,
    /// introspection and revocation know it): the subject user, who acts for them, the client, the
    /// OIDC scopes.
    pub fn exchange_grant(
        &self,
        user_id: &str,
        actor: Option<&str>,
        client_id: &str,
        scopes: Vec<String>,
        now: i64,
    ) -> Grant {
        let grant = Grant {
            id: opaque_token(),
            account_id: user_id.into(),
            client_id: client_id.into(),
            scopes,
            resources: vec![],
            nonce: None,
            session_id: None,
            actor: actor.map(String::from),
            iat: now,
        };
        self.artefacts().grants.insert(grant.id.clone(), grant.clone());
        grant
    }
}
