//! The sign-in experience: changed whole-field by `PATCH /api/sign-in-exp`, saved like the rest.

use serde_json::{Map, Value};

use super::Tenant;
use crate::error::ApiError;
use crate::model::SignInExperience;

impl Tenant {
    /// Replaces the patch's fields (a body already checked); the whole object after.
    pub fn update_sign_in_experience(&self, patch: &Map<String, Value>) -> Result<Value, ApiError> {
        let mut write = self.write();
        let current = write.read().sign_in_experience();
        let next = crate::sign_in_experience::patched(&current, patch);
        write.put(SignInExperience { id: "default".into(), value: next.clone() })?;
        Ok(next)
    }
}
