//! Printing results as a table (people) or JSON (scripts).

use logto_management::User;

/// Prints users as an aligned table.
pub fn users_table(users: &[User]) -> String {
    let rows: Vec<[String; 4]> = users
        .iter()
        .map(|u| {
            [
                u.id.clone(),
                u.username.clone().unwrap_or_default(),
                u.name.clone().unwrap_or_default(),
                u.primary_email.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["ID", "USERNAME", "NAME", "EMAIL"];
    let widths: Vec<usize> =
        (0..4).map(|i| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0)).collect();
    let line = |cells: [&str; 4]| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_string()
    };
    let mut out = vec![line(header)];
    out.extend(rows.iter().map(|r| line([&r[0], &r[1], &r[2], &r[3]])));
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
