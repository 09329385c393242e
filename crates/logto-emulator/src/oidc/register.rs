//! The emulator's "Create account" page: sign-up by email and password, as Logto's sign-in
//! experience allows it when the seed's `signUp` says so (Logto's `/register` screen over the
//! Experience API: `packages/core/src/routes/experience/`, recorded in
//! `tests/fidelity/org-admin/407-421`).
//!
//! `GET /register?interaction=…` shows the form (the email filled in from the client's
//! `login_hint`); `POST /register` checks the email and the password policy and, with
//! `verifyEmail`, sends a six-digit code to the outbox as Logto's `Register` message and asks for
//! it; `POST /register/verify` checks the code. The account is then made (`User.Created` with
//! `interactionEvent: "Register"`), signed in (`PostRegister`) and sent back to the client with a
//! code, as a sign-in is.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

use super::authorize::{error_page, finish_sign_in, interaction_of, page};
use super::escape;
use crate::model::User;
use crate::state::AppState;
use crate::tenant::{check_password, SignUpRefused};

#[derive(Deserialize)]
pub struct RegisterQuery {
    interaction: Option<String>,
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    interaction: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    interaction: String,
    #[serde(default)]
    code: String,
}

fn gone() -> Response {
    error_page(StatusCode::BAD_REQUEST, "session_not_found", &SignUpRefused::RequestGone.to_string())
}

fn not_offered() -> Response {
    error_page(StatusCode::NOT_FOUND, "sign_up_disabled", "This sign-in experience does not offer sign-up.")
}

fn form_page(state: &AppState, uid: &str, email: &str, error: Option<&str>) -> Response {
    let Some(client_id) = state.tenant.interaction_client(uid) else { return gone() };
    let app = state.tenant.read(|store| store.applications.get(&client_id).map(|a| a.name.clone()));
    let min = state.seed.sign_up.as_ref().map_or(8, |s| s.password_policy.min_length);
    let alert = error.map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))).unwrap_or_default();
    page(
        if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
        "Create account",
        &format!(
            r#"<h1>Create account</h1><p class="muted">for <strong>{app}</strong></p>{alert}
<form method="post" action="/register">
<input type="hidden" name="interaction" value="{uid}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="{email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="{min}" aria-describedby="password-rules">
<p id="password-rules" class="muted">At least {min} characters; not a well-known password, nor your email's name.</p>
<label for="confirm">Confirm password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Create account</button>
</form><p class="muted">Have an account? <a href="/sign-in?interaction={uid}">Sign in</a></p>"#,
            app = escape(&app.unwrap_or_default()),
            uid = escape(uid),
            email = escape(email),
        ),
    )
}

fn code_page(uid: &str, email: &str, error: Option<&str>) -> Response {
    let alert = error.map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))).unwrap_or_default();
    page(
        if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
        "Verify your email",
        &format!(
            r#"<h1>Verify your email</h1><p class="muted">We sent a six-digit code to <strong>{email}</strong>.</p>{alert}
<form method="post" action="/register/verify">
<input type="hidden" name="interaction" value="{uid}">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{{6}}" maxlength="6" required autofocus>
<button type="submit">Continue</button>
</form>"#,
            uid = escape(uid),
            email = escape(email),
        ),
    )
}

/// `GET /register?interaction=…`.
pub async fn register_page(State(state): State<AppState>, Query(q): Query<RegisterQuery>) -> Response {
    if state.seed.sign_up.is_none() {
        return not_offered();
    }
    let uid = q.interaction.unwrap_or_default();
    let hint = state.tenant.interaction_login_hint(&uid).filter(|h| crate::management::guard::is_email(h));
    form_page(&state, &uid, hint.as_deref().unwrap_or_default(), None)
}

/// `POST /register`: the email and password; then the code page, or (no verification) the account.
pub async fn register_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<RegisterForm>,
) -> Response {
    let Some(sign_up) = state.seed.sign_up.clone() else { return not_offered() };
    let uid = form.interaction.as_str();
    let email = form.email.trim();
    let refuse = |message: &str| form_page(&state, uid, email, Some(message));
    if state.tenant.interaction_client(uid).is_none() {
        return gone();
    }
    if !crate::management::guard::is_email(email) {
        return refuse("Enter a valid email address.");
    }
    if form.password != form.confirm {
        return refuse("The passwords do not match.");
    }
    if let Err(refused) = check_password(&sign_up.password_policy, &form.password, email) {
        return refuse(&refused.to_string());
    }
    let now_ms = state.clock.now_ms();
    if sign_up.verify_email {
        return match state.tenant.start_sign_up(uid, email, &form.password, now_ms) {
            Ok(()) => code_page(uid, email, None),
            Err(SignUpRefused::RequestGone) => gone(),
            Err(refused) => refuse(&refused.to_string()),
        };
    }
    match state.tenant.sign_up_unverified(uid, email, &form.password, now_ms) {
        Ok(user) => created(&state, &headers, peer, uid, &user, now_ms),
        Err(SignUpRefused::RequestGone) => gone(),
        Err(refused) => refuse(&refused.to_string()),
    }
}

/// `POST /register/verify`: the code from the outbox.
pub async fn verify_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<VerifyForm>,
) -> Response {
    if state.seed.sign_up.is_none() {
        return not_offered();
    }
    let uid = form.interaction.as_str();
    let Some(email) = state.tenant.sign_up_email(uid) else { return gone() };
    let now_ms = state.clock.now_ms();
    match state.tenant.verify_sign_up(uid, &form.code, now_ms) {
        Ok(user) => created(&state, &headers, peer, uid, &user, now_ms),
        Err(SignUpRefused::CodeMismatch) => code_page(uid, &email, Some(&SignUpRefused::CodeMismatch.to_string())),
        Err(SignUpRefused::RequestGone) => gone(),
        Err(refused) => form_page(&state, uid, &email, Some(&refused.to_string())),
    }
}

/// The account exists: `User.Created`, then the sign-in (`PostRegister`) and the code.
fn created(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    uid: &str,
    user: &User,
    now_ms: i64,
) -> Response {
    let application = state
        .tenant
        .interaction_client(uid)
        .and_then(|client| state.tenant.read(|store| store.applications.get(&client).cloned()));
    let interaction = interaction_of(headers, peer, uid, application);
    crate::hooks::interaction::user_created(state, &interaction, user);
    finish_sign_in(state, headers, peer, uid, user, "PostRegister", now_ms)
}
