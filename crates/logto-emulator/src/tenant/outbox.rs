//! The outbox: what Logto would hand its email connector, kept and saved like the rest (see
//! [`crate::outbox`] for how it is read).

use serde_json::Value;

use super::write::Write;
use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::OutboxMessage;

impl Tenant {
    /// Sends an email of Logto's template `message_type` to `to` within `write`: into the outbox,
    /// saved with the write. 501 `connector.not_found` when the tenant has no outbox.
    pub(super) fn send_email(
        &self,
        write: &mut Write<'_>,
        to: &str,
        message_type: &str,
        payload: Value,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        if !self.outbox {
            return Err(ApiError::no_email_connector());
        }
        let message = OutboxMessage {
            id: standard_id(21),
            to: to.to_string(),
            message_type: message_type.to_string(),
            payload,
            created_at: now_ms,
        };
        write.put(message)?;
        Ok(())
    }

    /// Empties the outbox.
    pub fn clear_outbox(&self) -> Result<(), ApiError> {
        let mut write = self.write();
        let ids: Vec<String> = write.read().outbox.iter().map(|m| m.id.clone()).collect();
        for id in ids {
            write.delete::<OutboxMessage>(&id)?;
        }
        Ok(())
    }
}
