//! Building the tokens Logto issues: `at+jwt` access tokens for a resource, ID tokens, opaque tokens.

use serde_json::{json, Value};

use crate::ids::opaque_token;
use crate::model::User;
use crate::state::AppState;
use crate::store::Store;

/// The scope a sign-in asks for to get `organizations` claims and organization tokens.
pub const ORGANIZATIONS_SCOPE: &str = "urn:logto:scope:organizations";
/// The scope for `organization_roles` claims.
pub const ORGANIZATION_ROLES_SCOPE: &str = "urn:logto:scope:organization_roles";
/// The resource a sign-in adds to get organization scopes into organization tokens.
pub const ORGANIZATIONS_RESOURCE: &str = "urn:logto:resource:organizations";

/// An organization token's audience.
pub fn organization_audience(org_id: &str) -> String {
    format!("urn:logto:organization:{org_id}")
}

/// ID token and opaque access token lifetime (Logto's defaults).
pub const DEFAULT_TTL: i64 = 3600;

/// An ES384 `at+jwt` access token with exactly Logto's claims:
/// `jti, sub, iat, exp, scope, client_id, iss, aud`, and `organization_id` for an organization-level
/// API token. `scope` is omitted when `None` (client credentials with no scope asked) and kept as
/// `""` for user tokens with none (Logto's own build; a stock oidc-provider drops the empty claim).
pub fn access_token_jwt(
    state: &AppState,
    sub: &str,
    client_id: &str,
    aud: &str,
    scope: Option<&str>,
    ttl: i64,
) -> String {
    org_access_token_jwt(state, sub, client_id, aud, scope, ttl, None)
}

/// [`access_token_jwt`] with an `organization_id` claim when `organization_id` is given.
pub fn org_access_token_jwt(
    state: &AppState,
    sub: &str,
    client_id: &str,
    aud: &str,
    scope: Option<&str>,
    ttl: i64,
    organization_id: Option<&str>,
) -> String {
    acting_access_token_jwt(state, sub, None, client_id, aud, scope, ttl, organization_id)
}

/// [`org_access_token_jwt`] with an `act` claim (`{"sub": actor}`) when someone acts for `sub`
/// (token exchange with an actor token, recorded 451).
#[allow(clippy::too_many_arguments)]
pub fn acting_access_token_jwt(
    state: &AppState,
    sub: &str,
    actor: Option<&str>,
    client_id: &str,
    aud: &str,
    scope: Option<&str>,
    ttl: i64,
    organization_id: Option<&str>,
) -> String {
    let iat = state.clock.now_secs();
    let mut claims = json!({
        "jti": opaque_token(),
        "sub": sub,
        "iat": iat,
        "exp": iat + ttl,
        "client_id": client_id,
        "iss": state.issuer,
        "aud": aud,
    });
    if let Some(scope) = scope {
        claims["scope"] = json!(scope);
    }
    if let Some(org) = organization_id {
        claims["organization_id"] = json!(org);
    }
    if let Some(actor) = actor {
        claims["act"] = json!({"sub": actor});
    }
    state.signing_key().sign(Some("at+jwt"), &claims)
}

/// The claims of an access token (JWT) this issuer signed that has not expired, else `None`.
pub fn verified_access_token(state: &AppState, token: &str) -> Option<Value> {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    let mut parts = token.split('.');
    let (header_b64, payload_b64, signature_b64) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let decode = |part: &str| serde_json::from_slice::<Value>(&URL_SAFE_NO_PAD.decode(part).ok()?).ok();
    let header = decode(header_b64)?;
    if header["alg"] != "ES384" || header["typ"] != "at+jwt" {
        return None;
    }
    let key = state.key_for(header["kid"].as_str()?)?;
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok()?;
    if !key.verify(&token.as_bytes()[..header_b64.len() + 1 + payload_b64.len()], &signature) {
        return None;
    }
    let claims = decode(payload_b64)?;
    let live = claims["exp"].as_i64().is_some_and(|exp| exp > state.clock.now_secs());
    (live && claims["iss"] == state.issuer.as_str() && claims["sub"].is_string()).then_some(claims)
}

/// `profile` keys and the OIDC claims they become with the `profile` scope.
const PROFILE_CLAIMS: &[(&str, &str)] = &[
    ("familyName", "family_name"),
    ("givenName", "given_name"),
    ("middleName", "middle_name"),
    ("nickname", "nickname"),
    ("profile", "profile"),
    ("website", "website"),
    ("gender", "gender"),
    ("birthdate", "birthdate"),
    ("zoneinfo", "zoneinfo"),
    ("locale", "locale"),
];

/// Claims a user has for the granted OIDC scopes (ID token and userinfo). With the organizations
/// scope: `organizations` (ids), and at userinfo `organization_data` (`{id, name, description}`);
/// with the organization-roles scope: `organization_roles` as `orgId:roleName`.
pub fn user_claims(store: &Store, user: &User, scopes: &[String], userinfo: bool) -> Value {
    let mut claims = json!({"sub": user.id});
    let has = |s: &str| scopes.iter().any(|x| x == s);
    if has("profile") {
        claims["name"] = json!(user.name);
        // `profile.preferredUsername` when set, else the username (Logto's `getUserClaimsData`).
        claims["preferred_username"] = match &user.profile["preferredUsername"] {
            Value::String(preferred) if !preferred.is_empty() => json!(preferred),
            _ => json!(user.username),
        };
        claims["picture"] = json!(user.avatar);
        claims["updated_at"] = json!(user.updated_at);
        claims["username"] = json!(user.username);
        claims["created_at"] = json!(user.created_at);
        // The OIDC profile claims a user's `profile` holds (snake_case, as Logto names them).
        for (key, claim) in PROFILE_CLAIMS {
            if let Some(value) = user.profile.get(*key).filter(|v| !v.is_null()) {
                claims[*claim] = value.clone();
            }
        }
    }
    if has("address") {
        if let Some(address) = user.profile.get("address").filter(|v| v.is_object()) {
            claims["address"] = address.clone();
        }
    }
    if has("roles") {
        claims["roles"] = store.roles.iter().filter(|r| user.role_ids.contains(&r.id)).map(|r| json!(r.name)).collect();
    }
    if has("email") {
        claims["email"] = json!(user.primary_email);
        claims["email_verified"] = json!(user.primary_email.is_some());
    }
    if has("phone") {
        claims["phone_number"] = json!(user.primary_phone);
        claims["phone_number_verified"] = json!(user.primary_phone.is_some());
    }
    if has("custom_data") {
        claims["custom_data"] = user.custom_data.clone();
    }
    let orgs = || store.organizations.iter().filter_map(|o| o.member(&user.id).map(|m| (o, m)));
    if has(ORGANIZATIONS_SCOPE) {
        claims["organizations"] = orgs().map(|(o, _)| json!(o.id)).collect();
        if userinfo {
            claims["organization_data"] =
                orgs().map(|(o, _)| json!({"id": o.id, "name": o.name, "description": o.description})).collect();
        }
    }
    if has(ORGANIZATION_ROLES_SCOPE) {
        claims["organization_roles"] = orgs()
            .flat_map(|(o, m)| store.org_roles_of(m).map(move |r| json!(format!("{}:{}", o.id, r.name))))
            .collect();
    }
    claims
}

/// An ID token: header `{alg, kid}` (no `typ`, as Logto), the user's claims, `nonce` when the
/// authorization request had one.
pub fn id_token(state: &AppState, user: &User, client_id: &str, scopes: &[String], nonce: Option<&str>) -> String {
    let iat = state.clock.now_secs();
    let mut claims = state.tenant.read(|store| user_claims(store, user, scopes, false));
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    claims["aud"] = json!(client_id);
    claims["exp"] = json!(iat + DEFAULT_TTL);
    claims["iat"] = json!(iat);
    claims["iss"] = json!(state.issuer);
    state.signing_key().sign(None, &claims)
}
