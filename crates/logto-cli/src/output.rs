//! Printing results as a table (people) or JSON (scripts).

use logto_management::{Invitation, Organization, OrganizationMember, OrganizationRole, OrganizationScope, User};

/// Prints users as an aligned table.
pub fn users_table(users: &[User]) -> String {
    let rows: Vec<[String; 4]> = users
        .iter()
        .map(|u| {
            [
                u.id.to_string(),
                u.username.clone().unwrap_or_default(),
                u.name.clone().unwrap_or_default(),
                u.primary_email.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(["ID", "USERNAME", "NAME", "EMAIL"], &rows)
}

/// Organizations: id, name, description.
pub fn organizations_table(orgs: &[Organization]) -> String {
    let rows: Vec<[String; 3]> =
        orgs.iter().map(|o| [o.id.to_string(), o.name.clone(), o.description.clone().unwrap_or_default()]).collect();
    table(["ID", "NAME", "DESCRIPTION"], &rows)
}

/// Invitations: who, where, in what status, with which roles, until when (ms since the epoch).
pub fn invitations_table(invitations: &[Invitation]) -> String {
    let rows: Vec<[String; 6]> = invitations
        .iter()
        .map(|i| {
            let roles = i.organization_roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(",");
            [
                i.id.to_string(),
                i.invitee.clone(),
                i.organization_id.to_string(),
                i.status.as_str().to_string(),
                roles,
                i.expires_at.to_string(),
            ]
        })
        .collect();
    table(["ID", "INVITEE", "ORGANIZATION", "STATUS", "ROLES", "EXPIRES_AT"], &rows)
}

/// Organization roles with their organization permissions.
pub fn organization_roles_table(roles: &[OrganizationRole]) -> String {
    let rows: Vec<[String; 4]> = roles
        .iter()
        .map(|r| {
            let scopes = r.scopes.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(",");
            [r.id.to_string(), r.name.clone(), r.description.clone().unwrap_or_default(), scopes]
        })
        .collect();
    table(["ID", "NAME", "DESCRIPTION", "PERMISSIONS"], &rows)
}

/// Organization permissions.
pub fn organization_scopes_table(scopes: &[OrganizationScope]) -> String {
    let rows: Vec<[String; 3]> =
        scopes.iter().map(|s| [s.id.to_string(), s.name.clone(), s.description.clone().unwrap_or_default()]).collect();
    table(["ID", "NAME", "DESCRIPTION"], &rows)
}

/// An organization's members with their organization roles.
pub fn members_table(members: &[OrganizationMember]) -> String {
    let rows: Vec<[String; 4]> = members
        .iter()
        .map(|m| {
            let roles = m.organization_roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(",");
            [
                m.user.id.to_string(),
                m.user.username.clone().unwrap_or_default(),
                m.user.name.clone().unwrap_or_default(),
                roles,
            ]
        })
        .collect();
    table(["ID", "USERNAME", "NAME", "ROLES"], &rows)
}

/// Aligned columns, two spaces apart, no trailing blanks.
/// Personal access tokens: name, the value shortened (its prefix and last 4), created, expires.
pub fn pats_table(tokens: &[logto_management::PersonalAccessToken]) -> String {
    let short = |v: &str| format!("pat_…{}", &v[v.len().saturating_sub(4)..]);
    let rows: Vec<[String; 4]> = tokens
        .iter()
        .map(|t| {
            let expires = t.expires_at.map(|e| e.to_string()).unwrap_or_else(|| "never".into());
            [t.name.clone(), short(&t.value), t.created_at.to_string(), expires]
        })
        .collect();
    table(["NAME", "VALUE", "CREATED_AT", "EXPIRES_AT"], &rows)
}

fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let widths: Vec<usize> =
        (0..N).map(|i| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0)).collect();
    let line = |cells: Vec<&str>| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_string()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    out.join("\n")
}

pub fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let user: User = serde_json::from_str(
            r#"{"id":"abc","username":"alice","name":"Alice","primaryEmail":null,"createdAt":1,"updatedAt":1}"#,
        )
        .unwrap();
        assert_eq!(users_table(&[user]), "ID   USERNAME  NAME   EMAIL\nabc  alice     Alice");
    }
}
