//! Logto's Experience API on an interaction (`packages/core/src/routes/experience/`): the event
//! (`SignIn`), password verifications, the user they identify, the submit, then the two resumes
//! at `/oidc/auth/{uid}` with the consent between them (recorded, `tests/fidelity/samples/40*`):
//! the first opens the browser session, the consent (automatic for first-party apps,
//! `koa-auto-consent.ts`) marks the interaction, the second uses it up for a code.

use axum::http::StatusCode;

use super::Tenant;
use crate::error::ApiError;
use crate::ids::standard_id;
use crate::model::Interaction;

/// How far an interaction has come through the Experience API.
#[derive(Debug, Clone, Default)]
pub struct ExperienceProgress {
    /// `SignIn`, `Register` or `ForgotPassword`, once set.
    pub event: Option<String>,
    /// Verification records: id → the user a password proved.
    pub verified: Vec<(String, String)>,
    /// The user identified.
    pub user: Option<String>,
    /// Submitted: the next resume signs the user in.
    pub submitted: bool,
    /// The browser session the first resume opened.
    pub session: Option<String>,
    /// Consent given (second resume finishes).
    pub consented: bool,
}

/// What a resume at `/oidc/auth/{uid}` does next.
#[derive(Debug)]
pub enum Resume {
    /// Nothing submitted yet: back to the sign-in.
    NotReady,
    /// Signed in (in this browser session): on to the consent.
    Consent {
        /// The client asking.
        client_id: String,
        /// The browser session.
        session_id: String,
    },
    /// Consented: the interaction is used up for a code.
    Finish {
        /// The request.
        interaction: Interaction,
        /// The user.
        user_id: String,
        /// The browser session.
        session_id: String,
    },
}

fn interaction_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "session.interaction_not_found",
        "Interaction session not found. Please go back and start the session again.",
    )
}

fn verification_not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "session.verification_session_not_found",
        "The verification was not successful. Restart the verification flow and try again.",
    )
}

impl Tenant {
    /// `PUT /api/experience` and `…/interaction-event`: the interaction's event (`reset`: a new
    /// start drops what was verified).
    pub fn experience_event(&self, uid: &str, event: &str, reset: bool) -> Result<(), ApiError> {
        let mut artefacts = self.artefacts();
        if !artefacts.interactions.contains_key(uid) {
            return Err(interaction_not_found());
        }
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        if reset {
            *progress = ExperienceProgress::default();
        }
        progress.event = Some(event.to_string());
        Ok(())
    }

    /// `POST /api/experience/verification/password`: a verification record when `password` is
    /// the password of the user `identifier` names; 422 `session.invalid_credentials` otherwise
    /// (unknown user included, as Logto), 401 `user.suspended` for a suspended user.
    pub fn experience_password(&self, uid: &str, identifier: &str, password: &str) -> Result<String, ApiError> {
        if !self.artefacts().interactions.contains_key(uid) {
            return Err(interaction_not_found());
        }
        let Some(user) = self.user_with_password(identifier, password) else {
            return Err(ApiError::unprocessable(
                "session.invalid_credentials",
                "Incorrect account or password. Please check your input.",
            ));
        };
        if user.is_suspended {
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "user.suspended", "This account has been suspended."));
        }
        // `libraries/password-expiration.ts`: checked after the password, before identification.
        if user.is_password_expired {
            return Err(ApiError::unprocessable("password.expired", "Password expired. Please reset your password."));
        }
        let id = standard_id(21);
        let mut artefacts = self.artefacts();
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        progress.verified.push((id.clone(), user.id));
        Ok(id)
    }

    /// `POST /api/experience/identification`: the verified user becomes the interaction's.
    pub fn experience_identify(&self, uid: &str, verification_id: &str) -> Result<(), ApiError> {
        let mut artefacts = self.artefacts();
        if !artefacts.interactions.contains_key(uid) {
            return Err(interaction_not_found());
        }
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        let user = progress.verified.iter().find(|(id, _)| id == verification_id).map(|(_, u)| u.clone());
        progress.user = Some(user.ok_or_else(verification_not_found)?);
        Ok(())
    }

    /// `POST /api/experience/submit`: 404 `session.identifier_not_found` until a user is identified.
    pub fn experience_submit(&self, uid: &str) -> Result<(), ApiError> {
        let mut artefacts = self.artefacts();
        if !artefacts.interactions.contains_key(uid) {
            return Err(interaction_not_found());
        }
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        if progress.user.is_none() {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "session.identifier_not_found",
                "User identifier not found. Please go back and sign in again.",
            ));
        }
        progress.submitted = true;
        Ok(())
    }

    /// The consent (`/consent`): the interaction may now finish. `Some(client)` when it was waiting
    /// for it in a signed-in session.
    pub fn experience_consent(&self, uid: &str) -> Option<String> {
        let mut artefacts = self.artefacts();
        let client = artefacts.interactions.get(uid)?.client_id.clone();
        let progress = artefacts.experiences.get_mut(uid).filter(|p| p.session.is_some())?;
        progress.consented = true;
        Some(client)
    }

    /// A resume at `/oidc/auth/{uid}` (`current`: the browser's session cookie).
    pub fn experience_resume(
        &self,
        uid: &str,
        current: Option<String>,
        now_ms: i64,
        session_ttl_secs: i64,
    ) -> Result<Resume, ApiError> {
        let (interaction, progress) = {
            let artefacts = self.artefacts();
            let interaction = artefacts.interactions.get(uid).cloned().ok_or_else(interaction_not_found)?;
            (interaction, artefacts.experiences.get(uid).cloned().unwrap_or_default())
        };
        let (Some(user_id), true) = (progress.user.clone(), progress.submitted) else { return Ok(Resume::NotReady) };
        match (&progress.session, progress.consented) {
            (Some(session_id), true) => {
                let mut artefacts = self.artefacts();
                artefacts.interactions.remove(uid).ok_or_else(interaction_not_found)?;
                artefacts.experiences.remove(uid);
                Ok(Resume::Finish { interaction, user_id, session_id: session_id.clone() })
            }
            (Some(session_id), false) => {
                Ok(Resume::Consent { client_id: interaction.client_id, session_id: session_id.clone() })
            }
            (None, _) => {
                let user = self.read(|store| store.user(&user_id).cloned()).ok_or_else(interaction_not_found)?;
                let session_id = self.open_session(&user, &interaction.client_id, current, now_ms, session_ttl_secs)?;
                if let Some(p) = self.artefacts().experiences.get_mut(uid) {
                    p.session = Some(session_id.clone());
                }
                Ok(Resume::Consent { client_id: interaction.client_id, session_id })
            }
        }
    }
}
