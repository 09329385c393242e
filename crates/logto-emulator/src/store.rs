//! The persisted entities in memory, and the queries every route asks of them (a user's scopes for
//! a resource, an organization member's roles, …). No lock is held across an `.await`.

use std::collections::{BTreeSet, HashMap};

use crate::ids::standard_id;
use crate::model::*;
use crate::secret::Secret;
use crate::seed::{Seed, MANAGEMENT_API_INDICATOR};

/// The tenant's persisted entities: users, applications, API resources, roles, organizations and
/// their template, hooks. Read through [`crate::tenant::Tenant::read`]; changed only through the tenant's
/// operations (the OIDC provider's artefacts are the tenant's too, in memory).
#[derive(Debug, Default)]
pub struct Store {
    /// Users in creation order; Logto lists newest first.
    pub users: Vec<User>,
    /// Applications by id.
    pub applications: HashMap<String, Application>,
    /// API resources, the Management API first.
    pub resources: Vec<Resource>,
    /// Roles, in creation order.
    pub roles: Vec<Role>,
    /// Organization scopes, roles and organizations, in creation order.
    pub org_scopes: Vec<OrgScope>,
    /// The organization template's roles.
    pub org_roles: Vec<OrgRole>,
    /// Organizations.
    pub organizations: Vec<Organization>,
    /// Webhooks, in creation order.
    pub hooks: Vec<Hook>,
    /// Organization invitations, in creation order.
    pub invitations: Vec<Invitation>,
    /// The emails Logto would have sent, oldest first.
    pub outbox: Vec<OutboxMessage>,
    /// Users' personal access tokens.
    pub personal_access_tokens: Vec<PersonalAccessToken>,
    /// Enterprise SSO connectors, in creation order (kept and shown; signing in through one is
    /// not emulated).
    pub sso_connectors: Vec<SsoConnector>,
    /// The sign-in experience (`/api/sign-in-exp`); a data file from before it was kept has none:
    /// Logto's default then.
    pub sign_in_experience: Option<SignInExperience>,
}

impl Store {
    /// The enabled hooks `event` is delivered to.
    pub fn hooks_for(&self, event: &str) -> Vec<Hook> {
        self.hooks.iter().filter(|h| h.enabled && h.subscribes(event)).cloned().collect()
    }

    /// The sign-in experience as `GET /api/sign-in-exp` answers it.
    pub fn sign_in_experience(&self) -> serde_json::Value {
        match &self.sign_in_experience {
            Some(sie) => sie.value.clone(),
            None => crate::sign_in_experience::default_value(None),
        }
    }

    /// Builds the store from a checked seed. `endpoint` replaces `{endpoint}` in strings.
    pub fn from_seed(seed: &Seed, endpoint: &str, now_ms: i64) -> Self {
        let mut store = Store {
            sign_in_experience: Some(SignInExperience {
                id: "default".into(),
                value: crate::sign_in_experience::default_value(seed.sign_up.as_ref()),
            }),
            ..Store::default()
        };
        let mut resources = vec![Resource {
            id: "management-api".into(),
            name: "Logto Management API".into(),
            indicator: MANAGEMENT_API_INDICATOR.into(),
            access_token_ttl: 3600,
            is_default: false,
            scopes: vec![Scope {
                id: "management-api-all".into(),
                name: "all".into(),
                description: Some("Default scope for Management API, allows all permissions.".into()),
                created_at: now_ms,
            }],
        }];
        resources.extend(seed.resources.iter().map(|r| {
            Resource {
                id: standard_id(21),
                name: r.name.clone(),
                indicator: r.indicator.clone(),
                access_token_ttl: r.access_token_ttl,
                is_default: false,
                scopes: r
                    .scopes
                    .iter()
                    .map(|s| Scope {
                        id: standard_id(21),
                        name: s.name.clone(),
                        description: s.description.clone(),
                        created_at: now_ms,
                    })
                    .collect(),
            }
        }));
        store.resources = resources;
        store.roles = seed
            .roles
            .iter()
            .map(|r| Role {
                id: standard_id(21),
                name: r.name.clone(),
                description: r.description.clone(),
                role_type: r.role_type,
                scopes: r
                    .scopes
                    .iter()
                    .flat_map(|(ind, names)| names.iter().map(move |n| (ind.clone(), n.clone())))
                    .collect(),
                is_default: false,
            })
            .collect();
        let role_ids = |names: &[String], roles: &[Role]| -> Vec<String> {
            names.iter().filter_map(|n| roles.iter().find(|r| &r.name == n).map(|r| r.id.clone())).collect()
        };
        for app in &seed.applications {
            store.applications.insert(
                app.id.clone(),
                Application {
                    redirect_uris: app.redirect_uris.clone(),
                    post_logout_redirect_uris: app.post_logout_redirect_uris.clone(),
                    secret: app.secret.clone(),
                    role_ids: role_ids(&app.roles, &store.roles),
                    ..Application::new(app.id.clone(), app.name.clone(), app.app_type, now_ms)
                },
            );
        }
        let fill = |s: &str| s.replace("{endpoint}", endpoint);
        for (i, u) in seed.users.iter().enumerate() {
            // Seeded users get distinct creation times, in file order, so "newest first" is stable.
            let created = now_ms - (seed.users.len() - i) as i64 * 1000;
            store.users.push(User {
                id: u.id.clone(),
                username: Some(u.username.clone()),
                primary_email: u.primary_email.clone(),
                primary_phone: None,
                name: u.name.clone(),
                avatar: u.avatar.as_deref().map(fill),
                custom_data: u.custom_data.clone().unwrap_or_else(|| serde_json::json!({})),
                password: Some(u.password.clone()),
                password_digest: None,
                is_password_expired: false,
                created_at: created,
                updated_at: created,
                last_sign_in_at: None,
                application_id: None,
                is_suspended: false,
                role_ids: role_ids(&u.roles, &store.roles),
                profile: serde_json::json!({}),
            });
        }
        store.hooks = seed
            .hooks
            .iter()
            .enumerate()
            .map(|(i, h)| Hook {
                id: standard_id(21),
                name: h.name.clone(),
                events: h.events.clone(),
                url: fill(&h.url),
                headers: Default::default(),
                signing_key: h.signing_key.clone().unwrap_or_else(|| Secret::new(standard_id(32))),
                enabled: true,
                created_at: now_ms - (seed.hooks.len() - i) as i64 * 1000,
                event: None,
                retries: None,
            })
            .collect();
        store.seed_organizations(seed, now_ms);
        store
    }

    /// The seed's organization scopes, roles and organizations (the seed was checked: names resolve).
    fn seed_organizations(&mut self, seed: &Seed, now_ms: i64) {
        self.org_scopes = seed
            .organization_scopes
            .iter()
            .map(|s| OrgScope { id: standard_id(21), name: s.name.clone(), description: s.description.clone() })
            .collect();
        let scope_id = |name: &str, scopes: &[OrgScope]| scopes.iter().find(|s| s.name == name).map(|s| s.id.clone());
        let roles: Vec<OrgRole> = seed
            .organization_roles
            .iter()
            .map(|r| OrgRole {
                id: standard_id(21),
                name: r.name.clone(),
                description: r.description.clone(),
                role_type: r.role_type,
                scope_ids: r.scopes.iter().filter_map(|n| scope_id(n, &self.org_scopes)).collect(),
                resource_scope_ids: r
                    .resource_scopes
                    .iter()
                    .flat_map(|(indicator, names)| names.iter().map(move |n| (indicator, n)))
                    .filter_map(|(indicator, n)| {
                        self.resource(indicator)?.scopes.iter().find(|s| &s.name == n).map(|s| s.id.clone())
                    })
                    .collect(),
            })
            .collect();
        self.org_roles = roles;
        let role_ids = |names: &[String], roles: &[OrgRole]| -> Vec<String> {
            names.iter().filter_map(|n| roles.iter().find(|r| &r.name == n).map(|r| r.id.clone())).collect()
        };
        self.organizations = seed
            .organizations
            .iter()
            .enumerate()
            .map(|(i, o)| Organization {
                id: o.id.clone(),
                name: o.name.clone(),
                description: o.description.clone(),
                custom_data: o.custom_data.clone().unwrap_or_else(|| serde_json::json!({})),
                is_mfa_required: false,
                created_at: now_ms - (seed.organizations.len() - i) as i64 * 1000,
                members: o
                    .members
                    .iter()
                    .filter_map(|m| {
                        let user = self.user_by_identifier(&m.username)?;
                        Some(OrgMember { id: user.id.clone(), role_ids: role_ids(&m.roles, &self.org_roles) })
                    })
                    .collect(),
                applications: o
                    .applications
                    .iter()
                    .map(|a| OrgMember { id: a.id.clone(), role_ids: role_ids(&a.roles, &self.org_roles) })
                    .collect(),
                jit_email_domains: vec![],
                jit_role_ids: vec![],
                color: serde_json::json!({}),
                branding: serde_json::json!({}),
                custom_css: None,
                jit_sso_connector_ids: vec![],
            })
            .collect();
    }

    /// The webhook `id`.
    pub fn hook(&self, id: &str) -> Option<&Hook> {
        self.hooks.iter().find(|h| h.id == id)
    }

    /// The organization `id`.
    pub fn organization(&self, id: &str) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }

    /// The organization role `id`.
    pub fn org_role(&self, id: &str) -> Option<&OrgRole> {
        self.org_roles.iter().find(|r| r.id == id)
    }

    /// The organization permission `id`.
    pub fn org_scope(&self, id: &str) -> Option<&OrgScope> {
        self.org_scopes.iter().find(|s| s.id == id)
    }

    /// The organization roles of `member` (a user or an application), as `OrgRole`s.
    pub fn org_roles_of<'a>(&'a self, member: &'a OrgMember) -> impl Iterator<Item = &'a OrgRole> + 'a {
        self.org_roles.iter().filter(move |r| member.role_ids.contains(&r.id))
    }

    /// Organization scope names a member's roles hold, newest scope first (Logto's order in tokens).
    pub fn org_scope_names(&self, member: &OrgMember) -> Vec<String> {
        let held: BTreeSet<&str> =
            self.org_roles_of(member).flat_map(|r| r.scope_ids.iter().map(String::as_str)).collect();
        self.org_scopes.iter().rev().filter(|s| held.contains(s.id.as_str())).map(|s| s.name.clone()).collect()
    }

    /// API-resource scope names for `indicator` that a member's organization roles hold.
    pub fn org_resource_scope_names(&self, member: &OrgMember, indicator: &str) -> BTreeSet<String> {
        let held: BTreeSet<&str> =
            self.org_roles_of(member).flat_map(|r| r.resource_scope_ids.iter().map(String::as_str)).collect();
        self.resource(indicator)
            .map(|r| r.scopes.iter().filter(|s| held.contains(s.id.as_str())).map(|s| s.name.clone()).collect())
            .unwrap_or_default()
    }

    /// The user `id`.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The user `id`, to change in memory only (tests; a change to keep goes through a tenant operation).
    pub fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    /// Finds a user by username (case-insensitive, as Logto) or primary email.
    pub fn user_by_identifier(&self, identifier: &str) -> Option<&User> {
        let wanted = identifier.trim().to_lowercase();
        self.users.iter().find(|u| {
            u.username.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
                || u.primary_email.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
        })
    }

    /// The API resource `id`.
    pub fn resource_by_id(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    /// The role `id`.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    /// The scope `scope_id` and the resource holding it.
    pub fn scope_by_id(&self, scope_id: &str) -> Option<(&Resource, &Scope)> {
        self.resources.iter().find_map(|r| r.scopes.iter().find(|s| s.id == scope_id).map(|s| (r, s)))
    }

    /// The API resource whose indicator is `indicator`.
    pub fn resource(&self, indicator: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.indicator == indicator)
    }

    /// Scope names that `role_ids` hold for the resource `indicator`.
    fn role_scopes(&self, role_ids: &[String], indicator: &str) -> BTreeSet<String> {
        self.roles
            .iter()
            .filter(|r| role_ids.contains(&r.id))
            .flat_map(|r| r.scopes.iter())
            .filter(|(ind, _)| ind == indicator)
            .map(|(_, name)| name.clone())
            .collect()
    }

    /// Scopes a user holds for a resource through their User roles and their organization roles
    /// (computed now, at each issuance).
    pub fn user_scopes(&self, user_id: &str, indicator: &str) -> BTreeSet<String> {
        let Some(user) = self.user(user_id) else { return BTreeSet::new() };
        let mut scopes = self.role_scopes(&user.role_ids, indicator);
        // Logto 1.42 grants a token for a resource, asked for with no organization, every scope of
        // that resource the user's organization roles hold in any organization too
        // (`findResourceScopes` in `packages/core/src/oidc/resource.ts`, `findFromOrganizations`,
        // through `findUserScopesForResourceIndicator` in `packages/core/src/libraries/user.ts`).
        for member in self.organizations.iter().filter_map(|o| o.member(user_id)) {
            scopes.extend(self.org_resource_scope_names(member, indicator));
        }
        scopes
    }

    /// Scopes an application holds for a resource through its MachineToMachine roles.
    pub fn app_scopes(&self, app_id: &str, indicator: &str) -> BTreeSet<String> {
        self.applications.get(app_id).map(|a| self.role_scopes(&a.role_ids, indicator)).unwrap_or_default()
    }
}
