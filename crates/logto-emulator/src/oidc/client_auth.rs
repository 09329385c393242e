//! Client authentication at the token endpoint, per application type: SPA and Native apps are public
//! (`none`); Traditional and MachineToMachine apps use `client_secret_basic` or `client_secret_post`.

use axum::http::{header, HeaderMap};
use base64::{engine::general_purpose::STANDARD, Engine};

use crate::error::OidcError;
use crate::model::Application;
use crate::request::Params;
use crate::state::AppState;

fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OidcError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let bad = || OidcError::invalid_request("invalid authorization header value format");
    let value = value.to_str().map_err(|_| bad())?;
    let Some(encoded) = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic ")) else {
        return Err(bad());
    };
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    let unescape = |s: &str| -> String {
        url::form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
    };
    Ok(Some((unescape(id), unescape(secret))))
}

pub fn authenticate(state: &AppState, headers: &HeaderMap, params: &Params) -> Result<Application, OidcError> {
    authenticate_naming_secret(state, headers, params).map(|(app, _)| app)
}

/// [`authenticate`], with the name of the app secret that authenticated it (`None` for a public
/// client), for the audit log.
pub fn authenticate_naming_secret(
    state: &AppState,
    headers: &HeaderMap,
    params: &Params,
) -> Result<(Application, Option<String>), OidcError> {
    let basic = basic_credentials(headers)?;
    let body_id = params.get("client_id")?;
    let body_secret = params.get("client_secret")?;
    let (client_id, secret) = match (&basic, body_id) {
        (Some((id, _)), Some(body_id)) if id != body_id => {
            return Err(OidcError::invalid_request("client_id mismatch"));
        }
        (Some(_), _) if body_secret.is_some() => {
            return Err(OidcError::invalid_request("client authentication must only be provided using one mechanism"));
        }
        (Some((id, secret)), _) => (id.clone(), Some(secret.clone())),
        (None, Some(id)) => (id.to_string(), body_secret.map(String::from)),
        (None, None) => return Err(OidcError::invalid_request("no client authentication mechanism provided")),
    };
    let app = state.tenant.read(|store| store.applications.get(&client_id).cloned());
    let Some(app) = app else {
        return Err(OidcError::unknown_client(&client_id));
    };
    if app.app_type.is_public() {
        return Ok((app, None));
    }
    let now_ms = state.clock.now_ms();
    let named = secret.as_deref().and_then(|given| app.secret_named(given, now_ms));
    match secret.as_deref() {
        Some(_) if named.is_some() => Ok((app, named)),
        // Logto's client-secret check (`oidc/utils.ts`) tells an expired secret apart.
        Some(given) if app.has_expired_secret(given, now_ms) => {
            Err(OidcError::invalid_request("client secret has expired"))
        }
        _ => Err(OidcError::invalid_client(&state.issuer)),
    }
}
