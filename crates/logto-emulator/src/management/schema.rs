//! A body checked against a request schema taken from Logto 1.42's OpenAPI document, for bodies
//! too deep for [`super::guard`]'s tables (the sign-in experience). The subset Logto's documents
//! use: `type`, `nullable`, `properties`, `required`, `additionalProperties`, `items`, `enum`,
//! `oneOf`, `default`, `minLength`/`maxLength`, `format: url` and the hex-colour pattern. As zod's default
//! `object()`, keys the schema does not name are dropped; anything else that does not fit is
//! refused with 400 `guard.invalid_input` naming where.
//!
//! `schemas/` holds the schemas, cut from the document with its descriptions left out;
//! `custom-client-metadata.json` adds the integer bounds of Logto's zod guard
//! (`customClientMetadataGuard`: `refreshTokenTtlInDays` 1–180, `maxAllowedGrants` positive),
//! which the document leaves out.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// `PATCH /api/sign-in-exp`'s body.
pub const SIGN_IN_EXPERIENCE_PATCH: &str = include_str!("schemas/sign-in-exp-patch.json");
/// A user's `profile` (`POST`/`PATCH /api/users`, `PATCH /api/users/{id}/profile`).
pub const USER_PROFILE: &str = include_str!("schemas/user-profile.json");
/// `PUT /api/applications/{id}/sign-in-experience`'s body.
pub const APPLICATION_SIGN_IN_EXPERIENCE: &str = include_str!("schemas/application-sign-in-experience.json");
/// An application's `customClientMetadata` (`POST`/`PATCH /api/applications`).
pub const CUSTOM_CLIENT_METADATA: &str = include_str!("schemas/custom-client-metadata.json");

/// `value` as `schema` (JSON text) takes it, unknown keys dropped; or 400 naming the first misfit.
pub fn conform(schema: &str, value: &Value) -> Result<Value, ApiError> {
    let schema: Value = serde_json::from_str(schema).map_err(|_| ApiError::invalid_body("the schema is unreadable"))?;
    fit(&schema, value, "body").map_err(ApiError::invalid_body)
}

/// `#abc` or `#aabbcc` (Logto's `hexColorRegEx`).
pub(crate) fn is_hex_colour(s: &str) -> bool {
    s.strip_prefix('#').is_some_and(|h| (h.len() == 3 || h.len() == 6) && h.chars().all(|c| c.is_ascii_hexdigit()))
}

fn fit(schema: &Value, value: &Value, at: &str) -> Result<Value, String> {
    if value.is_null() && schema["nullable"] == true {
        return Ok(Value::Null);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        return options
            .iter()
            .find_map(|o| fit(o, value, at).ok())
            .ok_or_else(|| format!("{at}: fits none of its forms"));
    }
    if let Some(words) = schema["enum"].as_array() {
        if !words.contains(value) {
            return Err(format!("{at}: not one of its values"));
        }
    }
    let wrong = || format!("{at}: expected {}", schema["type"].as_str().unwrap_or("a value"));
    match schema["type"].as_str() {
        Some("object") => {
            let map = value.as_object().ok_or_else(wrong)?;
            let empty = Map::new();
            let properties = schema["properties"].as_object().unwrap_or(&empty);
            // zod's `.default()`: a missing key with a default takes it (so `{"length": {"max":
            // 256}}` is a whole password policy, as Logto stores it).
            let mut filled;
            let mut map = map;
            let defaults: Vec<_> =
                properties.iter().filter(|(k, p)| !map.contains_key(*k) && p.get("default").is_some()).collect();
            if !defaults.is_empty() {
                filled = map.clone();
                for (key, property) in defaults {
                    filled.insert(key.clone(), property["default"].clone());
                }
                map = &filled;
            }
            for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !map.contains_key(required) {
                    return Err(format!("{at}.{required}: required"));
                }
            }
            let mut out = Map::new();
            for (key, item) in map {
                if let Some(sub) = properties.get(key) {
                    out.insert(key.clone(), fit(sub, item, &format!("{at}.{key}"))?);
                } else if schema["additionalProperties"].is_object() {
                    // A free key is the caller's text: the answer names the map, not the key.
                    out.insert(key.clone(), fit(&schema["additionalProperties"], item, &format!("{at}.*"))?);
                }
            }
            Ok(Value::Object(out))
        }
        Some("array") => {
            let items = value.as_array().ok_or_else(wrong)?;
            let each = &schema["items"];
            items
                .iter()
                .enumerate()
                .map(|(i, item)| fit(each, item, &format!("{at}[{i}]")))
                .collect::<Result<_, _>>()
                .map(Value::Array)
        }
        Some("string") => {
            let s = value.as_str().ok_or_else(wrong)?;
            let len = s.chars().count();
            if schema["minLength"].as_u64().is_some_and(|m| (len as u64) < m)
                || schema["maxLength"].as_u64().is_some_and(|m| (len as u64) > m)
            {
                return Err(format!("{at}: wrong length"));
            }
            if schema["format"] == "url" && url::Url::parse(s).is_err() {
                return Err(format!("{at}: not a URL"));
            }
            if schema["format"] == "empty" && !s.is_empty() {
                return Err(format!("{at}: not empty"));
            }
            if schema["pattern"].as_str().is_some_and(|p| p.contains("#[\\da-f]")) && !is_hex_colour(s) {
                return Err(format!("{at}: not a hex colour"));
            }
            Ok(value.clone())
        }
        Some(kind @ ("number" | "integer")) => {
            let n = value.as_f64().ok_or_else(wrong)?;
            let whole = value.is_i64() || value.is_u64();
            if (kind == "integer" && !whole)
                || schema["minimum"].as_f64().is_some_and(|m| n < m)
                || schema["maximum"].as_f64().is_some_and(|m| n > m)
            {
                return Err(format!("{at}: out of range"));
            }
            Ok(value.clone())
        }
        // Logto's OpenAPI writes zod's `literal(true)` / `literal(false)` as `format: "true"`.
        Some("boolean") => match (value.as_bool(), schema["format"].as_str()) {
            (Some(b), Some(literal @ ("true" | "false"))) if literal != b.to_string() => Err(wrong()),
            (Some(_), _) => Ok(value.clone()),
            (None, _) => Err(wrong()),
        },
        _ => Ok(value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_sign_in_experience_schema_takes_good_bodies_and_refuses_junk() {
        let ok =
            conform(SIGN_IN_EXPERIENCE_PATCH, &json!({"signInMode": "SignIn", "sentinelPolicy": {}, "x": 1})).unwrap();
        assert_eq!(ok, json!({"signInMode": "SignIn", "sentinelPolicy": {}}), "unknown keys dropped");
        let colour =
            json!({"color": {"primaryColor": "#6139F6", "isDarkModeEnabled": false, "darkPrimaryColor": "#abc"}});
        assert!(conform(SIGN_IN_EXPERIENCE_PATCH, &colour).is_ok());
        for junk in [
            json!({"branding": {"darkFavicon": {"a": 1}}}),
            json!({"color": {"primaryColor": "red", "isDarkModeEnabled": false, "darkPrimaryColor": "#abc"}}),
            json!({"color": {"primaryColor": "#abc"}}),
            json!({"signInMode": "Sometimes"}),
            json!({"customCss": 3}),
        ] {
            assert!(conform(SIGN_IN_EXPERIENCE_PATCH, &junk).is_err(), "{junk}");
        }
        assert!(conform(SIGN_IN_EXPERIENCE_PATCH, &json!({"customCss": null})).is_ok());
        // Defaults fill what a nested object leaves out (Logto's role.is-default test sends this).
        let policy = conform(SIGN_IN_EXPERIENCE_PATCH, &json!({"passwordPolicy": {"length": {"max": 256}}})).unwrap();
        assert_eq!(policy["passwordPolicy"]["length"], json!({"min": 8, "max": 256}));
        assert_eq!(policy["passwordPolicy"]["characterTypes"], json!({"min": 1}));
        assert_eq!(policy["passwordPolicy"]["rejects"]["pwned"], true);
        let metadata = json!({"refreshTokenTtlInDays": 14, "tenantId": "t", "other": {}});
        assert_eq!(
            conform(CUSTOM_CLIENT_METADATA, &metadata).unwrap(),
            json!({"refreshTokenTtlInDays": 14, "tenantId": "t"})
        );
        for junk in [json!({"tenantId": {}}), json!({"refreshTokenTtlInDays": 0}), json!({"maxAllowedGrants": 1.5})] {
            assert!(conform(CUSTOM_CLIENT_METADATA, &junk).is_err(), "{junk}");
        }
    }
}
