//! The seed file: users, applications, API resources, roles. JSON, checked before the emulator starts;
//! a bad seed stops the start with the file, the field and the reason.
//!
//! Strings may contain `{endpoint}`, replaced by the emulator's endpoint (used for avatar URLs, which
//! the emulator serves itself so nothing reaches the internet).

use crate::secret::Secret;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::model::{AppType, RoleType};

/// The emulator's built-in seed: a fresh Logto, holding only the Management API and a bootstrap
/// machine-to-machine application with its role, to provision the tenant with (`logto-cli
/// provision`; app `m2mbootstrap000000001`, secret `bootstrap-m2m-secret-0123456789`). An app brings
/// its own seed (`--seed`, [`Seed::from_file`], [`Seed::parse`]).
pub const BOOTSTRAP_SEED: &str = include_str!("../seed/bootstrap.json");

/// Logto's Management API resource for the OSS tenant `default`; always present, as in Logto.
pub const MANAGEMENT_API_INDICATOR: &str = "https://default.logto.app/api";

/// Why a seed was refused: the file, the field and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("invalid seed {file}: {field}: {reason}")]
pub struct SeedError {
    /// The seed file (or the name given to [`Seed::parse`]).
    pub file: String,
    /// Where in it: `users[3].id`, or a line and column when the JSON does not parse.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

/// What the emulator starts with (JSON, camelCase keys): API resources, roles, applications, users, organizations and webhooks. Every list may be left out.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Seed {
    /// API resources (the Management API is always there).
    #[serde(default)]
    pub resources: Vec<SeedResource>,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<SeedRole>,
    /// Applications.
    #[serde(default)]
    pub applications: Vec<SeedApplication>,
    /// Users.
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// The organization template's permissions.
    #[serde(default)]
    pub organization_scopes: Vec<SeedOrgScope>,
    /// The organization template's roles.
    #[serde(default)]
    pub organization_roles: Vec<SeedOrgRole>,
    /// Organizations.
    #[serde(default)]
    pub organizations: Vec<SeedOrganization>,
    /// Webhooks.
    #[serde(default)]
    pub hooks: Vec<SeedHook>,
    /// Keep what Logto would hand its email connector in the outbox (`/_emulator/outbox`); without
    /// it, as a Logto with no email connector, sending an email fails (501 `connector.not_found`).
    #[serde(default)]
    pub outbox: bool,
    /// Whether the sign-in page lets people create an account, and how (Logto's sign-in
    /// experience `signUp` and `passwordPolicy`). Absent: no sign-up.
    #[serde(default)]
    pub sign_up: Option<SeedSignUp>,
}

/// Sign-up by email and password, as Logto's sign-in experience with `signUp.identifiers:
/// ["email"]`, `password: true`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedSignUp {
    /// Send a code to the email before the account is made (Logto's `signUp.verify`; needs the
    /// outbox). Default: true.
    #[serde(default = "yes")]
    pub verify_email: bool,
    /// The password rules; Logto's defaults when absent.
    #[serde(default)]
    pub password_policy: PasswordPolicy,
}

fn yes() -> bool {
    true
}

/// Logto's `passwordPolicy` (the parts an offline emulator can apply).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordPolicy {
    /// Fewest characters (Logto's default 8).
    #[serde(default = "PasswordPolicy::default_min")]
    pub min_length: usize,
    /// Most characters (Logto's default 256).
    #[serde(default = "PasswordPolicy::default_max")]
    pub max_length: usize,
    /// How many of lower case, upper case, digits and symbols must appear (Logto's default 1).
    #[serde(default = "PasswordPolicy::default_types")]
    pub character_types: usize,
    /// Refuse passwords that hold the user's email name (Logto's `rejects.userInfo`, default on).
    #[serde(default = "yes")]
    pub reject_user_info: bool,
    /// Refuse well-known passwords. Logto asks the Have I Been Pwned range API
    /// (`rejects.pwned`); an offline emulator checks a short built-in list of the most common
    /// breached passwords instead.
    #[serde(default = "yes")]
    pub reject_common: bool,
}

impl PasswordPolicy {
    fn default_min() -> usize {
        8
    }
    fn default_max() -> usize {
        256
    }
    fn default_types() -> usize {
        1
    }
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 8, max_length: 256, character_types: 1, reject_user_info: true, reject_common: true }
    }
}

/// A webhook: the events it subscribes to and where they go (`{endpoint}` is replaced); a signing
/// key of 32 characters is made up when none is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedHook {
    /// The webhook's name.
    pub name: String,
    /// The events it is sent for (`User.Created`, `User.Data.Updated`, `User.Deleted`, …).
    pub events: Vec<String>,
    /// Where deliveries are posted (`{endpoint}` is replaced by the emulator's).
    pub url: String,
    /// The key deliveries are signed with; made up when absent.
    #[serde(default)]
    pub signing_key: Option<Secret>,
}

/// An organization permission.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedOrgScope {
    /// The organization permission's name.
    pub name: String,
    /// The organization permission's description.
    #[serde(default)]
    pub description: Option<String>,
}

/// An organization role: organization scopes by name, API scopes by resource indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedOrgRole {
    /// The organization role's name.
    pub name: String,
    /// The organization role's description.
    #[serde(default)]
    pub description: Option<String>,
    /// `User` (for members, the default) or `MachineToMachine`.
    #[serde(rename = "type", default = "user_role")]
    pub role_type: RoleType,
    /// Organization permissions, by name.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// API permissions: resource indicator → scope names.
    #[serde(default)]
    pub resource_scopes: HashMap<String, Vec<String>>,
}

fn user_role() -> RoleType {
    RoleType::User
}

/// An organization with its members (by username) and machine-to-machine apps (by id), each with
/// organization roles by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedOrganization {
    /// Its id (12 characters of `0-9` and `a-z`), kept so apps and tests can name it.
    pub id: String,
    /// The organization's name.
    pub name: String,
    /// The organization's description.
    #[serde(default)]
    pub description: Option<String>,
    /// Data of the app's own (a JSON object).
    #[serde(default)]
    pub custom_data: Option<Value>,
    /// Its users.
    #[serde(default)]
    pub members: Vec<SeedOrgMember>,
    /// Its machine-to-machine applications.
    #[serde(default)]
    pub applications: Vec<SeedOrgApp>,
}

/// A member of an organization, by username, with organization roles by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedOrgMember {
    /// The member's username.
    pub username: String,
    /// Their organization roles, by name.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A machine-to-machine application of an organization, by id, with organization roles by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedOrgApp {
    /// The application's id.
    pub id: String,
    /// Its organization roles, by name.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// An API resource with its permissions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedResource {
    /// The API resource's name.
    pub name: String,
    /// The resource indicator (RFC 8707): the tokens' `aud`.
    pub indicator: String,
    /// Lifetime of its access tokens, in seconds (default 3600).
    #[serde(default = "default_ttl")]
    pub access_token_ttl: i64,
    /// Its permissions.
    #[serde(default)]
    pub scopes: Vec<SeedScope>,
}

fn default_ttl() -> i64 {
    3600
}

/// A permission of an API resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedScope {
    /// The permission's name.
    pub name: String,
    /// The permission's description.
    #[serde(default)]
    pub description: Option<String>,
}

/// A role: API permissions by resource indicator, for users or machine-to-machine apps.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedRole {
    /// The role's name.
    pub name: String,
    /// The role's description.
    pub description: String,
    /// `User` or `MachineToMachine`.
    #[serde(rename = "type", default = "default_role_type")]
    pub role_type: RoleType,
    /// Resource indicator → scope names.
    #[serde(default)]
    pub scopes: HashMap<String, Vec<String>>,
}

fn default_role_type() -> RoleType {
    RoleType::User
}

/// An application.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedApplication {
    /// Its id, the client id (1 to 21 characters of `0-9`, `a-z` and `-`, unique).
    pub id: String,
    /// The application's name.
    pub name: String,
    /// `SPA`, `Native`, `Traditional` or `MachineToMachine` (JSON key `type`).
    #[serde(rename = "type")]
    pub app_type: AppType,
    /// Where sign-in may send the browser back.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Where sign-out may send the browser.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// The client secret of a Traditional or machine-to-machine app.
    #[serde(default)]
    pub secret: Option<Secret>,
    /// Machine-to-machine roles, by name.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// A user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SeedUser {
    /// Its id (12 characters of `0-9` and `a-z`, unique, as Logto makes them).
    pub id: String,
    /// The username it signs in with.
    pub username: String,
    /// Its password.
    pub password: Secret,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Primary email (also a sign-in identifier).
    #[serde(default)]
    pub primary_email: Option<String>,
    /// Avatar URL (`{endpoint}` is replaced by the emulator's).
    #[serde(default)]
    pub avatar: Option<String>,
    /// Data of the app's own (a JSON object).
    #[serde(default)]
    pub custom_data: Option<Value>,
    /// Roles, by name.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl Seed {
    /// Reads and checks a seed file.
    pub fn from_file(path: &Path) -> Result<Self, SeedError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SeedError {
            file: file.clone(),
            field: "(file)".into(),
            reason: e.to_string(),
        })?;
        Self::parse(&file, &text)
    }

    /// Parses and checks seed text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Self, SeedError> {
        let seed: Seed = serde_json::from_str(text).map_err(|e| SeedError {
            file: file.into(),
            field: format!("line {} column {}", e.line(), e.column()),
            reason: e.to_string(),
        })?;
        seed.check().map_err(|(field, reason)| SeedError { file: file.into(), field, reason })?;
        Ok(seed)
    }

    /// The built-in seed: a bare Logto ([`BOOTSTRAP_SEED`]).
    pub fn bare() -> Self {
        // A broken built-in seed is a build defect, caught by `bootstrap_seed_is_valid` below.
        Self::parse("built-in seed/bootstrap.json", BOOTSTRAP_SEED).expect("built-in seed is valid")
    }

    fn check(&self) -> Result<(), (String, String)> {
        if let Some(sign_up) = &self.sign_up {
            if sign_up.verify_email && !self.outbox {
                return Err((
                    "signUp.verifyEmail".into(),
                    "needs the outbox (\"outbox\": true) to send its code".into(),
                ));
            }
            let policy = &sign_up.password_policy;
            if policy.min_length == 0 || policy.min_length > policy.max_length || policy.character_types > 4 {
                return Err((
                    "signUp.passwordPolicy".into(),
                    "needs 1 ≤ minLength ≤ maxLength and characterTypes ≤ 4".into(),
                ));
            }
        }
        let mut indicators: HashMap<&str, HashSet<&str>> = HashMap::new();
        indicators.insert(MANAGEMENT_API_INDICATOR, HashSet::from(["all"]));
        for (i, r) in self.resources.iter().enumerate() {
            let at = |f: &str| format!("resources[{i}].{f}");
            if url::Url::parse(&r.indicator).is_err() {
                return Err((at("indicator"), format!("{:?} is not an absolute URI", r.indicator)));
            }
            if r.access_token_ttl <= 0 {
                return Err((at("accessTokenTtl"), "must be a positive number of seconds".into()));
            }
            let mut names = HashSet::new();
            for (j, s) in r.scopes.iter().enumerate() {
                if s.name.is_empty() || s.name.contains(char::is_whitespace) {
                    return Err((at(&format!("scopes[{j}].name")), "must be non-empty with no white space".into()));
                }
                if !names.insert(s.name.as_str()) {
                    return Err((at(&format!("scopes[{j}].name")), format!("duplicate scope {:?}", s.name)));
                }
            }
            if indicators.insert(&r.indicator, names).is_some() {
                return Err((at("indicator"), format!("{:?} is already defined", r.indicator)));
            }
        }
        let mut roles: HashMap<&str, RoleType> = HashMap::new();
        for (i, role) in self.roles.iter().enumerate() {
            let at = |f: &str| format!("roles[{i}].{f}");
            if roles.insert(&role.name, role.role_type).is_some() {
                return Err((at("name"), format!("duplicate role {:?}", role.name)));
            }
            for (indicator, scopes) in &role.scopes {
                let known = indicators
                    .get(indicator.as_str())
                    .ok_or_else(|| (at("scopes"), format!("unknown resource {indicator:?}")))?;
                if indicator == MANAGEMENT_API_INDICATOR && role.role_type == RoleType::User {
                    return Err((at("scopes"), "Management API scopes cannot be assigned to a User role".into()));
                }
                if let Some(s) = scopes.iter().find(|s| !known.contains(s.as_str())) {
                    return Err((at("scopes"), format!("resource {indicator:?} has no scope {s:?}")));
                }
            }
        }
        let mut app_ids = HashSet::new();
        for (i, app) in self.applications.iter().enumerate() {
            let at = |f: &str| format!("applications[{i}].{f}");
            if !is_id(&app.id, 1..=21) || !app_ids.insert(app.id.as_str()) {
                return Err((at("id"), format!("{:?} must be a unique id of 1-21 characters [0-9a-z-]", app.id)));
            }
            if app.app_type.is_public() && app.secret.is_some() {
                return Err((at("secret"), "SPA and Native apps are public clients and have no secret".into()));
            }
            if !app.app_type.is_public() && app.secret.as_ref().is_none_or(|s| s.expose().is_empty()) {
                return Err((at("secret"), "Traditional and MachineToMachine apps need a secret".into()));
            }
            for (j, uri) in app.redirect_uris.iter().chain(&app.post_logout_redirect_uris).enumerate() {
                if url::Url::parse(uri).is_err() {
                    return Err((at(&format!("redirectUris[{j}]")), format!("{uri:?} is not an absolute URI")));
                }
            }
            for role in &app.roles {
                match roles.get(role.as_str()) {
                    None => return Err((at("roles"), format!("unknown role {role:?}"))),
                    Some(RoleType::User) => {
                        return Err((
                            at("roles"),
                            format!("{role:?} is a User role; applications take MachineToMachine roles"),
                        ))
                    }
                    Some(_) if app.app_type != AppType::MachineToMachine => {
                        return Err((at("roles"), "only MachineToMachine applications hold roles".into()))
                    }
                    Some(_) => {}
                }
            }
        }
        let (mut user_ids, mut usernames) = (HashSet::new(), HashSet::new());
        for (i, user) in self.users.iter().enumerate() {
            let at = |f: &str| format!("users[{i}].{f}");
            if !is_id(&user.id, 12..=12) || !user_ids.insert(user.id.as_str()) {
                return Err((at("id"), format!("{:?} must be a unique 12-character [0-9a-z] id", user.id)));
            }
            if user.username.is_empty() || !usernames.insert(user.username.to_lowercase()) {
                return Err((at("username"), format!("{:?} must be non-empty and unique", user.username)));
            }
            if user.password.expose().is_empty() {
                return Err((at("password"), "must not be empty".into()));
            }
            for role in &user.roles {
                match roles.get(role.as_str()) {
                    None => return Err((at("roles"), format!("unknown role {role:?}"))),
                    Some(RoleType::MachineToMachine) => {
                        return Err((
                            at("roles"),
                            format!("{role:?} is a MachineToMachine role; users take User roles"),
                        ))
                    }
                    Some(RoleType::User) => {}
                }
            }
        }
        self.check_organizations(&indicators)?;
        for (i, hook) in self.hooks.iter().enumerate() {
            let at = |f: &str| format!("hooks[{i}].{f}");
            if hook.events.is_empty() {
                return Err((at("events"), "must name at least one event".into()));
            }
            if let Some(e) = hook.events.iter().find(|e| !crate::hooks::EVENTS.contains(&e.as_str())) {
                return Err((at("events"), format!("{e:?} is not a Logto hook event")));
            }
            if url::Url::parse(&hook.url.replace("{endpoint}", "http://localhost")).is_err() {
                return Err((at("url"), format!("{:?} is not an absolute URL", hook.url)));
            }
        }
        Ok(())
    }

    fn check_organizations(&self, indicators: &HashMap<&str, HashSet<&str>>) -> Result<(), (String, String)> {
        let mut scopes = HashSet::new();
        for (i, s) in self.organization_scopes.iter().enumerate() {
            if s.name.is_empty() || s.name.contains(char::is_whitespace) || !scopes.insert(s.name.as_str()) {
                return Err((
                    format!("organizationScopes[{i}].name"),
                    format!("{:?} must be unique, with no white space", s.name),
                ));
            }
        }
        let mut roles: HashMap<&str, RoleType> = HashMap::new();
        for (i, role) in self.organization_roles.iter().enumerate() {
            let at = |f: &str| format!("organizationRoles[{i}].{f}");
            if role.name.is_empty() || roles.insert(&role.name, role.role_type).is_some() {
                return Err((at("name"), format!("{:?} must be non-empty and unique", role.name)));
            }
            if let Some(s) = role.scopes.iter().find(|s| !scopes.contains(s.as_str())) {
                return Err((at("scopes"), format!("unknown organization scope {s:?}")));
            }
            for (indicator, names) in &role.resource_scopes {
                let known = indicators
                    .get(indicator.as_str())
                    .filter(|_| indicator != MANAGEMENT_API_INDICATOR)
                    .ok_or_else(|| (at("resourceScopes"), format!("unknown API resource {indicator:?}")))?;
                if let Some(s) = names.iter().find(|s| !known.contains(s.as_str())) {
                    return Err((at("resourceScopes"), format!("resource {indicator:?} has no scope {s:?}")));
                }
            }
        }
        let usernames: HashSet<String> = self.users.iter().map(|u| u.username.to_lowercase()).collect();
        let (mut ids, mut names) = (HashSet::new(), HashSet::new());
        for (i, org) in self.organizations.iter().enumerate() {
            let at = |f: &str| format!("organizations[{i}].{f}");
            if !is_id(&org.id, 12..=12) || !ids.insert(org.id.as_str()) {
                return Err((at("id"), format!("{:?} must be a unique 12-character [0-9a-z] id", org.id)));
            }
            if org.name.is_empty() || !names.insert(org.name.as_str()) {
                return Err((at("name"), format!("{:?} must be non-empty and unique", org.name)));
            }
            if org.custom_data.as_ref().is_some_and(|d| !d.is_object()) {
                return Err((at("customData"), "must be an object".into()));
            }
            let role_of = |name: &str, want: RoleType, f: &str| match roles.get(name) {
                None => Err((at(f), format!("unknown organization role {name:?}"))),
                Some(t) if *t != want => Err((at(f), format!("{name:?} is a {t:?} role; {f} take {want:?} roles"))),
                Some(_) => Ok(()),
            };
            for (j, m) in org.members.iter().enumerate() {
                if !usernames.contains(&m.username.to_lowercase()) {
                    return Err((at(&format!("members[{j}].username")), format!("no user {:?}", m.username)));
                }
                for r in &m.roles {
                    role_of(r, RoleType::User, "members")?;
                }
            }
            for (j, a) in org.applications.iter().enumerate() {
                let app = self.applications.iter().find(|x| x.id == a.id);
                if !app.is_some_and(|x| x.app_type == AppType::MachineToMachine) {
                    return Err((
                        at(&format!("applications[{j}].id")),
                        format!("{:?} must be a seeded MachineToMachine application", a.id),
                    ));
                }
                for r in &a.roles {
                    role_of(r, RoleType::MachineToMachine, "applications")?;
                }
            }
        }
        Ok(())
    }
}

fn is_id(id: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_seed_is_valid() {
        let seed = Seed::bare();
        assert_eq!((seed.applications.len(), seed.users.len()), (1, 0));
    }

    #[test]
    fn errors_name_the_file_field_and_reason() {
        let text = r#"{"users":[{"id":"short","username":"a","password":"p"}]}"#;
        let err = Seed::parse("my-seed.json", text).unwrap_err().to_string();
        assert!(err.contains("my-seed.json") && err.contains("users[0].id") && err.contains("12-character"), "{err}");

        let text = r#"{"roles":[{"name":"r","description":"d","scopes":{"https://nope":["x"]}}]}"#;
        let err = Seed::parse("s.json", text).unwrap_err().to_string();
        assert!(err.contains("roles[0].scopes") && err.contains("unknown resource"), "{err}");

        let err = Seed::parse("s.json", r#"{"userz":[]}"#).unwrap_err().to_string();
        assert!(err.contains("unknown field"), "{err}");

        let text = r#"{"organizationRoles":[{"name":"r","scopes":["nope"]}]}"#;
        let err = Seed::parse("s.json", text).unwrap_err().to_string();
        assert!(err.contains("organizationRoles[0].scopes") && err.contains("unknown organization scope"), "{err}");
        let text = r#"{"organizations":[{"id":"org000000001","name":"A","members":[{"username":"ghost"}]}]}"#;
        let err = Seed::parse("s.json", text).unwrap_err().to_string();
        assert!(err.contains("organizations[0].members[0].username") && err.contains("no user"), "{err}");
        let text = r#"{"organizationRoles":[{"name":"m2m","type":"MachineToMachine"}],
            "users":[{"id":"user00000001","username":"u","password":"p"}],
            "organizations":[{"id":"org000000001","name":"A","members":[{"username":"u","roles":["m2m"]}]}]}"#;
        let err = Seed::parse("s.json", text).unwrap_err().to_string();
        assert!(err.contains("organizations[0].members") && err.contains("MachineToMachine"), "{err}");
    }
}
