//! Organizations as Logto's claims describe them: ids in the ID token (`organizations`), roles as
//! `"{organizationId}:{roleName}"` (`organization_roles`), names only at `/oidc/me`
//! (`organization_data`). Typed here so apps never split strings.

use serde_json::Value;

use crate::claims::text;

/// One of the user's organizations as `/oidc/me` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationData {
    /// The organization's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description, when it has one.
    pub description: Option<String>,
}

impl OrganizationData {
    /// Read from `Value` by hand: a derived deserializer would add WASM size for three fields.
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self { id: text(v, "id")?, name: text(v, "name")?, description: text(v, "description") })
    }
}

/// One organization role the user holds: `organization_roles` entry `"{organizationId}:{roleName}"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRole {
    /// The organization's id.
    pub organization_id: String,
    /// The role's name in the organization template (`member`, `admin`, …).
    pub role: String,
}

impl OrganizationRole {
    /// Parses `"{organizationId}:{roleName}"`; `None` for anything else. Ids have no `:`, names may.
    pub fn parse(claim: &str) -> Option<Self> {
        let (organization_id, role) = claim.split_once(':')?;
        (!organization_id.is_empty() && !role.is_empty())
            .then(|| Self { organization_id: organization_id.into(), role: role.into() })
    }
}

/// The claims `/oidc/me` answered: the user's current claims (not frozen at sign-in, unlike the ID
/// token), with the organizations typed.
#[derive(Debug, Clone, PartialEq)]
pub struct UserInfo(pub Value);

impl UserInfo {
    /// `organization_data`: the organizations with their names (empty without the organizations
    /// scope).
    pub fn organization_data(&self) -> Vec<OrganizationData> {
        let list = self.0.get("organization_data").and_then(Value::as_array);
        list.into_iter().flatten().filter_map(OrganizationData::from_json).collect()
    }

    /// The user's organization roles (`organization_roles`).
    pub fn organization_roles(&self) -> Vec<OrganizationRole> {
        roles_in(&self.0)
    }
}

/// The strings of an array claim.
pub(crate) fn strings_in(claims: &Value, name: &str) -> Vec<String> {
    claims
        .get(name)
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

pub(crate) fn roles_in(claims: &Value) -> Vec<OrganizationRole> {
    strings_in(claims, "organization_roles").iter().filter_map(|r| OrganizationRole::parse(r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roles_split_at_the_first_colon_and_bad_entries_are_skipped() {
        let claims = json!({"organization_roles": ["acme:admin", "globex:role:with:colons", "nocolon", ":x", 7]});
        assert_eq!(
            roles_in(&claims),
            [
                OrganizationRole { organization_id: "acme".into(), role: "admin".into() },
                OrganizationRole { organization_id: "globex".into(), role: "role:with:colons".into() },
            ]
        );
        assert!(roles_in(&json!({})).is_empty());
    }

    #[test]
    fn organization_data_is_typed_and_missing_means_none() {
        let info = UserInfo(json!({"sub": "u", "organization_data": [
            {"id": "acme", "name": "Acme", "description": null},
            {"id": "globex", "name": "Globex", "description": "Globex Corp"}
        ]}));
        let orgs = info.organization_data();
        assert_eq!(orgs.len(), 2);
        assert_eq!((orgs[0].name.as_str(), orgs[1].description.as_deref()), ("Acme", Some("Globex Corp")));
        assert!(UserInfo(json!({"sub": "u"})).organization_data().is_empty());
        let odd = UserInfo(json!({"organization_data": [{"id": "a"}, {"id": "b", "name": "B"}, 3]}));
        assert_eq!(odd.organization_data().len(), 1, "entries without a name are skipped");
    }
}
