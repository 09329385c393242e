//! What the emulator knows of Logto's enterprise SSO providers (`packages/core/src/sso/`): their
//! names and types, the settings each takes (its `configGuard`), and the email domains no
//! connector may claim (`singleSignOnDomainBlackList`). Signing in through a connector is not
//! emulated; its settings are checked as Logto checks them, without fetching the IdP's metadata.

use serde_json::{json, Map, Value};

/// A provider: `(providerName, providerType, display name, description)`.
pub const PROVIDERS: &[(&str, &str, &str, &str)] = &[
    ("OIDC", "oidc", "OIDC", "Modern protocol built on OAuth 2.0 for identity verification in web and mobile apps."),
    ("SAML", "saml", "SAML", "XML-based open standard for web single sign-on and identity federation."),
    ("AzureAD", "saml", "Microsoft Entra ID (SAML)", "Formerly Azure AD, a cloud-based identity management service."),
    (
        "GoogleWorkspace",
        "oidc",
        "Google Workspace",
        "Unified and secure management of user access within the Google ecosystem.",
    ),
    ("Okta", "oidc", "Okta", "Centralizes identity management for customers, employees, and partners."),
    ("AzureAdOidc", "oidc", "Microsoft Entra ID (OIDC)", "OpenID Connect on the Microsoft identity platform."),
];

/// The emulator's own neutral provider logo (Logto ships one per provider).
pub const PROVIDER_LOGO: &str = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAyNCAyNCI+PGNpcmNsZSBjeD0iMTIiIGN5PSIxMiIgcj0iMTAiIGZpbGw9IiM5RTlFOUUiLz48L3N2Zz4=";

/// Public email domains no connector may claim.
const BLOCKED_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "aol.com",
    "yandex.com",
    "mail.com",
    "protonmail.com",
    "yanex.com",
    "gmx.com",
    "mail.ru",
    "zoho.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "sohu.com",
];

/// The provider named `name`, when Logto has it.
pub fn provider(name: &str) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    PROVIDERS.iter().find(|p| p.0 == name)
}

/// A provider as `GET /api/sso-connector-providers` lists it.
pub fn provider_json(p: &(&str, &str, &str, &str)) -> Value {
    json!({"providerName": p.0, "providerType": p.1, "logo": PROVIDER_LOGO, "logoDark": PROVIDER_LOGO,
           "description": p.3, "name": p.2})
}

fn string(map: &Map<String, Value>, key: &str) -> Option<Value> {
    map.get(key).and_then(Value::as_str).map(|s| json!(s))
}

/// The settings as the provider's guard parses them (unknown keys dropped, defaults filled);
/// `None` when they do not fit.
pub fn parse_config(provider_name: &str, config: &Value) -> Option<Value> {
    let map = config.as_object()?;
    let mut out = Map::new();
    let optional_string = |out: &mut Map<String, Value>, key: &str| -> Option<()> {
        match map.get(key) {
            None => Some(()),
            Some(Value::String(s)) => {
                out.insert(key.into(), json!(s));
                Some(())
            }
            Some(_) => None,
        }
    };
    match provider(provider_name)?.1 {
        "oidc" => {
            let mut required = vec!["clientId", "clientSecret"];
            if provider_name != "GoogleWorkspace" {
                required.push("issuer");
            }
            for key in required {
                out.insert(key.into(), string(map, key)?);
            }
            optional_string(&mut out, "scope")?;
            let flag = if provider_name == "GoogleWorkspace" { "offlineAccess" } else { "trustUnverifiedEmail" };
            match map.get(flag) {
                None if flag == "trustUnverifiedEmail" => {
                    out.insert(flag.into(), json!(false));
                }
                None => {}
                Some(Value::Bool(b)) => {
                    out.insert(flag.into(), json!(b));
                }
                Some(_) => return None,
            }
        }
        _ => {
            // One of: a metadata URL, metadata XML, or the IdP's details.
            let shapes: [&[&str]; 3] =
                [&["metadataUrl"], &["metadata"], &["entityId", "signInEndpoint", "x509Certificate"]];
            let shape = shapes.iter().find(|keys| keys.iter().all(|k| map.get(*k).is_some_and(Value::is_string)))?;
            for key in shape.iter() {
                out.insert((*key).into(), string(map, key)?);
            }
            if let Some(mapping) = map.get("attributeMapping") {
                out.insert("attributeMapping".into(), mapping.as_object().map(|_| mapping.clone())?);
            }
        }
    }
    Some(Value::Object(out))
}

/// Why a list of domains cannot be a connector's.
#[derive(Debug, PartialEq)]
pub enum DomainsRefused {
    /// A public email domain (`singleSignOnDomainBlackList`).
    Forbidden,
    /// A domain twice.
    Duplicated,
}

/// Checks a connector's (lower-cased) domains.
pub fn check_domains(domains: &[String]) -> Result<(), DomainsRefused> {
    if domains.iter().any(|d| BLOCKED_DOMAINS.contains(&d.as_str())) {
        return Err(DomainsRefused::Forbidden);
    }
    let mut seen = std::collections::BTreeSet::new();
    if domains.iter().any(|d| !seen.insert(d)) {
        return Err(DomainsRefused::Duplicated);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_are_parsed_per_provider() {
        let oidc = json!({"clientId": "foo", "clientSecret": "bar", "issuer": "https://idp.example", "extra": 1});
        assert_eq!(
            parse_config("OIDC", &oidc),
            Some(
                json!({"clientId": "foo", "clientSecret": "bar", "issuer": "https://idp.example", "trustUnverifiedEmail": false})
            )
        );
        assert_eq!(parse_config("OIDC", &json!({"clientId": "foo"})), None);
        assert!(parse_config("GoogleWorkspace", &json!({"clientId": "a", "clientSecret": "b"})).is_some());
        assert_eq!(
            parse_config("SAML", &json!({"metadataUrl": "https://idp.example/metadata"})),
            Some(json!({"metadataUrl": "https://idp.example/metadata"}))
        );
        assert_eq!(parse_config("SAML", &json!({})), None);
        assert_eq!(parse_config("Nope", &json!({})), None);
    }

    #[test]
    fn public_and_repeated_domains_are_refused() {
        assert_eq!(check_domains(&["gmail.com".into()]), Err(DomainsRefused::Forbidden));
        assert_eq!(check_domains(&["a.io".into(), "a.io".into()]), Err(DomainsRefused::Duplicated));
        assert_eq!(check_domains(&["a.io".into(), "b.io".into()]), Ok(()));
    }
}
