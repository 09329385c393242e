//! The device authorization grant (RFC 8628) as Logto 1.42 configures oidc-provider's
//! `features.deviceFlow` (`packages/core/src/oidc/init.ts`): a device asks for a device code and a
//! user code (10 minutes), the user approves or refuses it on a page, the device's token request
//! gets `authorization_pending` until then, the tokens once (the grant is made at approval),
//! `access_denied` after a refusal and `expired_token` past its time.

use super::Tenant;
use crate::ids::opaque_token;
use crate::model::{DeviceOutcome, DeviceRequest, Grant};

/// How long a device authorization lives (oidc-provider's `DeviceCode` TTL: 10 minutes).
pub const DEVICE_CODE_TTL: i64 = 600;

/// oidc-provider's user-code alphabet (`base-20`: no vowels, no look-alikes).
const USER_CODE_CHARSET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// What the device's token request gets.
#[derive(Debug)]
pub enum DevicePoll {
    /// Approved: the grant to issue tokens from (the device code is used up).
    Approved(Grant),
    /// The user has not decided yet.
    Pending,
    /// The user refused.
    Denied,
    /// The device code is past its time.
    Expired,
    /// No such device code for this client (`invalid_grant`).
    Unknown,
}

/// `XXXX-XXXX` from oidc-provider's alphabet.
fn user_code() -> String {
    let bytes: [u8; 8] = rand::random();
    let letters: Vec<char> =
        bytes.iter().map(|b| USER_CODE_CHARSET[*b as usize % USER_CODE_CHARSET.len()] as char).collect();
    format!("{}-{}", letters[..4].iter().collect::<String>(), letters[4..].iter().collect::<String>())
}

/// A typed user code as oidc-provider reads it: letters only, upper case, the dash optional.
pub fn normalize_user_code(typed: &str) -> String {
    let letters: String = typed.chars().filter(|c| c.is_ascii_alphabetic()).map(|c| c.to_ascii_uppercase()).collect();
    if letters.len() == 8 {
        format!("{}-{}", &letters[..4], &letters[4..])
    } else {
        letters
    }
}

impl Tenant {
    /// Starts a device authorization; returns the device code and the user code.
    pub fn start_device_authorization(
        &self,
        client_id: &str,
        scopes: Vec<String>,
        resources: Vec<String>,
        now_secs: i64,
    ) -> (String, String) {
        let (device_code, user_code) = (opaque_token(), user_code());
        let request = DeviceRequest {
            client_id: client_id.into(),
            user_code: user_code.clone(),
            scopes,
            resources,
            expires_at: now_secs + DEVICE_CODE_TTL,
            outcome: DeviceOutcome::Pending,
        };
        self.artefacts().devices.insert(device_code.clone(), request);
        (device_code, user_code)
    }

    /// The pending device authorization a user typed the code of (live, undecided).
    pub fn device_request(&self, user_code: &str, now_secs: i64) -> Option<DeviceRequest> {
        let code = normalize_user_code(user_code);
        self.artefacts()
            .devices
            .values()
            .find(|d| d.user_code == code && d.expires_at > now_secs && d.outcome == DeviceOutcome::Pending)
            .cloned()
    }

    /// The user's decision on the device authorization `user_code`: approved by `user_id` (a grant
    /// is made) or refused (`None`). `false` when there is no such pending authorization.
    pub fn decide_device(&self, user_code: &str, user_id: Option<&str>, now_secs: i64) -> bool {
        let code = normalize_user_code(user_code);
        let mut artefacts = self.artefacts();
        let Some(request) = artefacts
            .devices
            .values_mut()
            .find(|d| d.user_code == code && d.expires_at > now_secs && d.outcome == DeviceOutcome::Pending)
        else {
            return false;
        };
        let Some(user_id) = user_id else {
            request.outcome = DeviceOutcome::Denied;
            return true;
        };
        let grant = Grant {
            id: opaque_token(),
            account_id: user_id.into(),
            client_id: request.client_id.clone(),
            scopes: request.scopes.clone(),
            resources: request.resources.clone(),
            nonce: None,
            session_id: None,
            actor: None,
            iat: now_secs,
        };
        request.outcome = DeviceOutcome::Approved { grant_id: grant.id.clone() };
        artefacts.grants.insert(grant.id.clone(), grant);
        true
    }

    /// The device's token request for `device_code`.
    pub fn poll_device(&self, device_code: &str, client_id: &str, now_secs: i64) -> DevicePoll {
        let mut artefacts = self.artefacts();
        let Some(request) = artefacts.devices.get(device_code).filter(|d| d.client_id == client_id) else {
            return DevicePoll::Unknown;
        };
        if request.expires_at <= now_secs {
            return DevicePoll::Expired;
        }
        match request.outcome.clone() {
            DeviceOutcome::Pending => DevicePoll::Pending,
            DeviceOutcome::Denied => DevicePoll::Denied,
            DeviceOutcome::Approved { grant_id } => {
                artefacts.devices.remove(device_code);
                match artefacts.grants.get(&grant_id) {
                    Some(grant) => DevicePoll::Approved(grant.clone()),
                    None => DevicePoll::Unknown,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_are_read_as_oidc_provider_reads_them() {
        let code = user_code();
        assert!(code.len() == 9 && code.as_bytes()[4] == b'-', "{code}");
        assert!(code.bytes().filter(|b| *b != b'-').all(|b| USER_CODE_CHARSET.contains(&b)), "{code}");
        assert_eq!(normalize_user_code("fxjc hgds"), "FXJC-HGDS");
        assert_eq!(normalize_user_code(" FXJC-HGDS "), "FXJC-HGDS");
        assert_eq!(normalize_user_code("abc"), "ABC");
    }
}
