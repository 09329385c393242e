//! Logto's request-body guard (`koaGuard` with zod, `packages/core/src/middleware/koa-guard.ts`) and the
//! database's column limits (`koa-slonik-error-handler.ts`), for the bodies the emulator accepts.
//!
//! A body that does not fit its route's schema is refused with 400 `guard.invalid_input`, whose `data`
//! is the serialized `ZodError` (`{issues, name: "ZodError"}`) and whose `details` are Logto's
//! `formatZodError` lines. Unknown keys are dropped, as zod's default `object()` does. A value the
//! schema allows but a `varchar(n)` column does not is refused with 422 `entity.value_too_long`.
//! The limits are those of Logto 1.42's OpenAPI document and tables (`packages/schemas/tables/*.sql`).

use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::error::ApiError;

/// What a field must be.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A string of at least `min` and at most `max` characters, matching `pattern` when one is given.
    Str {
        /// Fewest characters.
        min: usize,
        /// Most characters, when limited.
        max: Option<usize>,
        /// A check the value must pass.
        pattern: Option<fn(&str) -> bool>,
    },
    /// A number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A JSON object (contents free).
    Object,
    /// An array of strings, with at least `min` items.
    Strings {
        /// Fewest items.
        min: usize,
    },
    /// zod's `string().min(1).array()`: ids, none empty, at least `min` of them.
    Ids {
        /// Fewest items.
        min: usize,
    },
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// An email address (zod's `string().email()`).
    Email,
    /// An object with its own fields.
    Nested(&'static [Field]),
}

/// One key of a body schema.
#[derive(Clone, Copy)]
pub struct Field {
    /// The key.
    pub name: &'static str,
    /// What its value must be.
    pub kind: Kind,
    /// Whether the key must be there.
    pub required: bool,
    /// Whether `null` is accepted.
    pub nullable: bool,
}

impl Field {
    /// A key that must be there.
    pub const fn required(name: &'static str, kind: Kind) -> Self {
        Self { name, kind, required: true, nullable: false }
    }
    /// A key that may be left out (not `null`).
    pub const fn optional(name: &'static str, kind: Kind) -> Self {
        Self { name, kind, required: false, nullable: false }
    }
    /// A key that may be left out or `null`.
    pub const fn nullable(name: &'static str, kind: Kind) -> Self {
        Self { name, kind, required: false, nullable: true }
    }
}

/// A string with no length limit of the guard's own.
pub const ANY_STRING: Kind = Kind::Str { min: 0, max: None, pattern: None };

/// A string of `min` to `max` characters.
pub const fn string(min: usize, max: usize) -> Kind {
    Kind::Str { min, max: Some(max), pattern: None }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn invalid_type(path: &[Value], expected: &str, received: &str) -> Value {
    let message = if received == "undefined" {
        "Required".to_string()
    } else {
        format!("Expected {expected}, received {received}")
    };
    json!({"code": "invalid_type", "expected": expected, "received": received, "path": path, "message": message})
}

fn check_value(path: Vec<Value>, kind: Kind, value: &Value, issues: &mut Vec<Value>) {
    match (kind, value) {
        (Kind::Str { min, max, pattern }, Value::String(s)) => {
            let len = s.chars().count();
            if len < min {
                issues.push(json!({"code": "too_small", "minimum": min, "type": "string", "inclusive": true,
                    "exact": false, "message": format!("String must contain at least {min} character(s)"), "path": path}));
            }
            if let Some(max) = max.filter(|m| len > *m) {
                issues.push(json!({"code": "too_big", "maximum": max, "type": "string", "inclusive": true,
                    "exact": false, "message": format!("String must contain at most {max} character(s)"), "path": path}));
            }
            if pattern.is_some_and(|p| !p(s)) {
                issues
                    .push(json!({"validation": "regex", "code": "invalid_string", "message": "Invalid", "path": path}));
            }
        }
        (Kind::Str { .. }, v) => issues.push(invalid_type(&path, "string", type_name(v))),
        (Kind::Email, Value::String(s)) if is_email(s) => {}
        (Kind::Email, Value::String(_)) => issues
            .push(json!({"validation": "email", "code": "invalid_string", "message": "Invalid email", "path": path})),
        (Kind::Email, v) => issues.push(invalid_type(&path, "string", type_name(v))),
        (Kind::Number, Value::Number(_)) | (Kind::Bool, Value::Bool(_)) | (Kind::Object, Value::Object(_)) => {}
        (Kind::Number, v) => issues.push(invalid_type(&path, "number", type_name(v))),
        (Kind::Bool, v) => issues.push(invalid_type(&path, "boolean", type_name(v))),
        (Kind::Object, v) => issues.push(invalid_type(&path, "object", type_name(v))),
        // An array of strings: any strings, or ids (none empty).
        (Kind::Strings { min }, Value::Array(items)) | (Kind::Ids { min }, Value::Array(items)) => {
            if items.len() < min {
                issues.push(json!({"code": "too_small", "minimum": min, "type": "array", "inclusive": true,
                    "exact": false, "message": format!("Array must contain at least {min} element(s)"), "path": path}));
            }
            let each = match kind {
                Kind::Ids { .. } => Kind::Str { min: 1, max: None, pattern: None },
                _ => ANY_STRING,
            };
            for (i, item) in items.iter().enumerate() {
                let mut p = path.clone();
                p.push(json!(i));
                check_value(p, each, item, issues);
            }
        }
        (Kind::Strings { .. }, v) => issues.push(invalid_type(&path, "array", type_name(v))),
        (Kind::Ids { .. }, v) => issues.push(invalid_type(&path, "array", type_name(v))),
        (Kind::Enum(options), Value::String(s)) if options.contains(&s.as_str()) => {}
        (Kind::Enum(options), v) => {
            let expected = options.iter().map(|o| format!("'{o}'")).collect::<Vec<_>>().join(" | ");
            let received = match v {
                Value::String(s) => format!("'{s}'"),
                other => other.to_string(),
            };
            issues.push(json!({"received": v, "code": "invalid_enum_value", "options": options, "path": path,
                "message": format!("Invalid enum value. Expected {expected}, received {received}")}));
        }
        (Kind::Nested(fields), Value::Object(map)) => check_object(&path, fields, map, issues),
        (Kind::Nested(_), v) => issues.push(invalid_type(&path, "object", type_name(v))),
    }
}

fn check_object(path: &[Value], fields: &[Field], map: &Map<String, Value>, issues: &mut Vec<Value>) {
    for field in fields {
        let mut p = path.to_vec();
        p.push(json!(field.name));
        match map.get(field.name) {
            None if field.required => issues.push(invalid_type(&p, expected_name(field.kind), "undefined")),
            None => {}
            Some(Value::Null) if field.nullable => {}
            Some(value) => check_value(p, field.kind, value, issues),
        }
    }
}

fn expected_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Str { .. } | Kind::Enum(_) | Kind::Email => "string",
        Kind::Number => "number",
        Kind::Bool => "boolean",
        Kind::Object | Kind::Nested(_) => "object",
        Kind::Strings { .. } | Kind::Ids { .. } => "array",
    }
}

/// The strings of a checked body's array at `key` (none when absent).
pub fn strings(body: &Value, key: &str) -> Vec<String> {
    body[key].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// The zod issues of `body` against `fields` (empty when it fits).
pub fn issues(body: &Value, fields: &[Field]) -> Vec<Value> {
    let mut issues = Vec::new();
    match body {
        Value::Object(map) => check_object(&[], fields, map, &mut issues),
        other => issues.push(invalid_type(&[], "object", type_name(other))),
    }
    issues
}

/// 400 `guard.invalid_input` for these zod issues, with Logto's `data` and `details`.
pub fn invalid_input(issues: Vec<Value>) -> ApiError {
    let details = issues
        .iter()
        .map(|issue| {
            let path = issue["path"]
                .as_array()
                .map(|p| p.iter().map(|s| s.as_str().map(String::from).unwrap_or(s.to_string())).collect::<Vec<_>>())
                .unwrap_or_default()
                .join(".");
            let code = issue["code"].as_str().unwrap_or("custom");
            let text = if code == "invalid_type" {
                format!(
                    "Expected {} but received {}.",
                    issue["expected"].as_str().unwrap_or(""),
                    issue["received"].as_str().unwrap_or("")
                )
            } else {
                issue["message"].as_str().unwrap_or("").to_string()
            };
            format!("Error in key path \"{path}\": ({code}) {text}")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut e = ApiError::new(StatusCode::BAD_REQUEST, "guard.invalid_input", "The request body is invalid.")
        .with_data(json!({"issues": issues, "name": "ZodError"}));
    e.details = Some(details);
    e
}

/// Parses a JSON body, checks it against `fields` as Logto's guard does, then reads it into `T`.
pub fn body<T: DeserializeOwned>(bytes: &[u8], fields: &[Field]) -> Result<T, ApiError> {
    let value: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        // koa-body reads an empty body as `{}`.
        json!({})
    } else {
        serde_json::from_slice(bytes).map_err(|e| {
            let mut err = ApiError::new(StatusCode::BAD_REQUEST, "guard.invalid_input", "The request body is invalid.");
            err.details = Some(e.to_string());
            err
        })?
    };
    let found = issues(&value, fields);
    if !found.is_empty() {
        return Err(invalid_input(found));
    }
    serde_json::from_value(value).map_err(ApiError::invalid_body)
}

/// 422 `entity.value_too_long` when `value` does not fit a `varchar(limit)` column.
pub fn column(value: Option<&str>, limit: usize) -> Result<(), ApiError> {
    match value {
        Some(v) if v.chars().count() > limit => Err(ApiError::unprocessable(
            "entity.value_too_long",
            "The length of value is too long and exceeds the limit.",
        )
        .with_data(json!({"message": format!("value too long for type character varying({limit})")}))),
        _ => Ok(()),
    }
}

/// Logto's `usernameRegEx`: `^[A-Z_a-z]\w*$`.
pub fn is_username(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Logto's `emailRegEx`: `^\S+@\S+\.\S+$`.
pub fn is_email(s: &str) -> bool {
    if s.chars().any(char::is_whitespace) {
        return false;
    }
    // Some `@` splits the string into a non-empty local part and a domain with a dot inside.
    s.char_indices().filter(|(_, c)| *c == '@').any(|(i, _)| {
        let (local, domain) = (&s[..i], &s[i + 1..]);
        !local.is_empty() && domain.char_indices().any(|(j, c)| c == '.' && j > 0 && j + 1 < domain.len())
    })
}

/// Logto's `phoneRegEx`: `^\d+$`.
pub fn is_phone(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &[Field] =
        &[Field::required("name", string(1, 256)), Field::required("type", Kind::Enum(&["SPA", "Native"]))];

    #[test]
    fn issues_are_zod_shaped_and_details_formatted() {
        let e = invalid_input(issues(&json!({"name": "x".repeat(300), "type": "Web"}), APP));
        let data = e.data.clone().unwrap();
        assert_eq!(data["name"], "ZodError");
        assert_eq!(data["issues"][0]["code"], "too_big");
        assert_eq!(data["issues"][0]["maximum"], 256);
        assert_eq!(data["issues"][0]["path"], json!(["name"]));
        assert_eq!(data["issues"][1]["code"], "invalid_enum_value");
        assert_eq!(
            e.details.unwrap().lines().next().unwrap(),
            r#"Error in key path "name": (too_big) String must contain at most 256 character(s)"#
        );
        let missing = issues(&json!({}), APP);
        assert_eq!(missing[0]["message"], "Required");
        assert_eq!(missing[0]["received"], "undefined");
        assert!(issues(&json!({"name": "a", "type": "SPA", "extra": 1}), APP).is_empty());
    }

    #[test]
    fn logto_patterns() {
        assert!(is_username("alice_1") && is_username("_x") && !is_username("1a") && !is_username("a-b"));
        assert!(is_email("a@b.co") && !is_email("a@b") && !is_email("a b@c.de") && !is_email("@b.co"));
        assert!(is_phone("123") && !is_phone("+1") && !is_phone(""));
    }

    #[test]
    fn column_limits_answer_422() {
        assert!(column(Some(&"a".repeat(128)), 128).is_ok());
        let e = column(Some(&"a".repeat(129)), 128).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code), (422, "entity.value_too_long"));
    }
}
