//! Logto's Experience API on an interaction (`packages/core/src/routes/experience/`): the event
//! (`SignIn` or `Register`), password verifications, new accounts (`new-password-identity`), the user they identify, the submit, then the two resumes
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
    /// `new-password-identity` records: id → the username and password of an account to make.
    pub new_accounts: Vec<(String, String, crate::secret::Secret)>,
    /// The identified user was made by this interaction (`Register`).
    pub registered: bool,
    /// A username given by `POST /api/experience/profile`.
    pub profile_username: Option<String>,
    /// A password given by `POST /api/experience/profile`.
    pub profile_password: Option<crate::secret::Secret>,
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

/// `session.verification_failed`-style refusal of a password the sign-in experience's policy
/// refuses (Logto: 422 `password.rejected`).
fn password_rejected() -> ApiError {
    ApiError::unprocessable(
        "password.rejected",
        "Password rejected. Please check if your password meets the requirements.",
    )
}

/// The sign-in experience's `signInMode` allows `event` (`SignInExperienceValidator.
/// guardInteractionEvent`): no sign-in in `Register` mode, no registration in `SignIn` mode.
fn guard_event(sign_in_experience: &serde_json::Value, event: &str) -> Result<(), ApiError> {
    let mode = sign_in_experience["signInMode"].as_str().unwrap_or("SignInAndRegister");
    if (event == "SignIn" && mode == "Register") || (event == "Register" && mode == "SignIn") {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "auth.forbidden", "Forbidden."));
    }
    Ok(())
}

/// The sign-in experience's `passwordPolicy`, as far as the emulator applies one.
fn password_policy(sign_in_experience: &serde_json::Value) -> crate::seed::PasswordPolicy {
    let policy = &sign_in_experience["passwordPolicy"];
    let default = crate::seed::PasswordPolicy::default();
    let number = |v: &serde_json::Value, d: usize| v.as_u64().map_or(d, |n| n as usize);
    crate::seed::PasswordPolicy {
        min_length: number(&policy["length"]["min"], default.min_length),
        max_length: number(&policy["length"]["max"], default.max_length),
        character_types: number(&policy["characterTypes"]["min"], default.character_types),
        reject_user_info: policy["rejects"]["userInfo"].as_bool().unwrap_or(default.reject_user_info),
        reject_common: policy["rejects"]["pwned"].as_bool().unwrap_or(default.reject_common),
    }
}

/// What an identification did: signed in an existing user, or made a new one (`Register`).
#[derive(Debug)]
pub enum Identified {
    /// An existing user.
    Existing,
    /// A user made now (answered 201; `User.Created` follows).
    Created(Box<crate::model::User>),
}

impl Tenant {
    /// `PUT /api/experience` and `…/interaction-event`: the interaction's event (`reset`: a new
    /// start drops what was verified).
    pub fn experience_event(&self, uid: &str, event: &str, reset: bool) -> Result<(), ApiError> {
        // The store is read before the artefacts are locked: never both at once.
        let sign_in_experience = self.read(|store| store.sign_in_experience());
        let mut artefacts = self.artefacts();
        if !artefacts.interactions.contains_key(uid) {
            return Err(interaction_not_found());
        }
        guard_event(&sign_in_experience, event)?;
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        if reset {
            *progress = ExperienceProgress::default();
        }
        progress.event = Some(event.to_string());
        Ok(())
    }

    /// `POST /api/experience/verification/new-password-identity`: a record of an account to make
    /// with `username` and `password` (`NewPasswordIdentityVerification.verify`): 422
    /// `user.username_already_in_use`, or `password.rejected` by the sign-in experience's policy.
    pub fn experience_new_password(&self, uid: &str, username: &str, password: &str) -> Result<String, ApiError> {
        if !self.artefacts().interactions.contains_key(uid) {
            return Err(interaction_not_found());
        }
        self.check_new_username(username)?;
        self.check_new_password(password, username)?;
        let id = standard_id(21);
        let mut artefacts = self.artefacts();
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        progress.new_accounts.push((
            id.clone(),
            username.to_string(),
            crate::secret::Secret::new(password.to_string()),
        ));
        Ok(id)
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

    /// 422 `user.username_already_in_use` when another user has `username`.
    fn check_new_username(&self, username: &str) -> Result<(), ApiError> {
        let taken =
            self.read(|store| super::users::in_use(&store.users, None, |u| u.username.as_deref(), Some(username)));
        if taken {
            return Err(super::users::username_taken());
        }
        Ok(())
    }

    /// 422 `password.rejected` when the sign-in experience's policy refuses `password`.
    fn check_new_password(&self, password: &str, username: &str) -> Result<(), ApiError> {
        let policy = password_policy(&self.read(|store| store.sign_in_experience()));
        super::signup::check_password(&policy, password, username).map_err(|_| password_rejected())
    }

    /// `POST /api/experience/profile` `{type: "username" | "password", value}`
    /// (`routes/experience/profile-routes.ts`): kept for the account a `Register` interaction makes
    /// at identification; 400 `session.not_supported_for_forgot_password` is Logto's, the other
    /// profile kinds are not emulated (400).
    pub fn experience_profile(&self, uid: &str, kind: &str, value: &str) -> Result<(), ApiError> {
        let (event, username) = {
            let artefacts = self.artefacts();
            if !artefacts.interactions.contains_key(uid) {
                return Err(interaction_not_found());
            }
            let progress = artefacts.experiences.get(uid).cloned().unwrap_or_default();
            (progress.event, progress.profile_username)
        };
        if event.as_deref() != Some("Register") {
            return Err(ApiError::invalid_body("the emulator sets profiles while registering only"));
        }
        match kind {
            "username" => self.check_new_username(value)?,
            "password" => self.check_new_password(value, username.as_deref().unwrap_or_default())?,
            _ => return Err(ApiError::invalid_body("type: username or password")),
        }
        let mut artefacts = self.artefacts();
        let progress = artefacts.experiences.entry(uid.to_string()).or_default();
        match kind {
            "username" => progress.profile_username = Some(value.to_string()),
            _ => progress.profile_password = Some(crate::secret::Secret::new(value.to_string())),
        }
        Ok(())
    }

    /// `POST /api/experience/identification`: the verified user becomes the interaction's; in a
    /// `Register` interaction the account a `new-password-identity` record holds is made first
    /// (`ExperienceInteraction.createUser`), with the default roles.
    pub fn experience_identify(
        &self,
        uid: &str,
        verification_id: Option<&str>,
        now_ms: i64,
    ) -> Result<Identified, ApiError> {
        let progress = {
            let artefacts = self.artefacts();
            if !artefacts.interactions.contains_key(uid) {
                return Err(interaction_not_found());
            }
            artefacts.experiences.get(uid).cloned().unwrap_or_default()
        };
        if progress.event.as_deref() != Some("Register") {
            let verification_id = verification_id.ok_or_else(verification_not_found)?;
            let user = progress.verified.iter().find(|(id, _)| id == verification_id).map(|(_, u)| u.clone());
            let user = user.ok_or_else(verification_not_found)?;
            if let Some(p) = self.artefacts().experiences.get_mut(uid) {
                p.user = Some(user);
            }
            return Ok(Identified::Existing);
        }
        // A `new-password-identity` record, or (no verification) the profile given so far.
        let (username, password) = match verification_id {
            Some(verification_id) => {
                let (_, username, password) = progress
                    .new_accounts
                    .iter()
                    .find(|(id, _, _)| id == verification_id)
                    .ok_or_else(verification_not_found)?;
                (username.clone(), Some(password.expose().to_string()))
            }
            None => {
                let username = progress.profile_username.clone().ok_or_else(|| {
                    ApiError::unprocessable(
                        "user.missing_profile",
                        "You need to provide additional info before signing-in.",
                    )
                })?;
                (username, progress.profile_password.as_ref().map(|p| p.expose().to_string()))
            }
        };
        guard_event(&self.read(|store| store.sign_in_experience()), "Register")?;
        let new = super::NewUser { username: Some(username), password, ..super::NewUser::default() };
        let user = self.create_user(new, now_ms)?;
        if let Some(p) = self.artefacts().experiences.get_mut(uid) {
            p.user = Some(user.id.clone());
            p.registered = true;
            p.new_accounts.retain(|(id, _, _)| Some(id.as_str()) != verification_id);
        }
        Ok(Identified::Created(Box::new(user)))
    }

    /// `POST /api/experience/submit`: 404 `session.identifier_not_found` until a user is identified;
    /// the user and whether this interaction made them (for `PostRegister` or `PostSignIn`).
    pub fn experience_submit(&self, uid: &str) -> Result<(crate::model::User, bool), ApiError> {
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
        let (user_id, registered) = (progress.user.clone().unwrap_or_default(), progress.registered);
        drop(artefacts);
        let user = self.read(|store| store.user(&user_id).cloned()).ok_or_else(interaction_not_found)?;
        Ok((user, registered))
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
