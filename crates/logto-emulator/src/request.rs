//! What routes read from a request, shared by the OIDC, Management API and control routes:
//! [`Params`] (parameters as oidc-provider reads them: query, form or JSON body, repeated keys kept in
//! order) and [`parse_body`] (a JSON body into a route's schema, refused as Logto's guard refuses it).

use axum::http::{header, HeaderMap};
use serde_json::Value;

use crate::error::{ApiError, OidcError};

/// Parses a JSON body into the route's schema, or answers 400 `guard.invalid_input` as Logto's guard.
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        // serde's text can quote the body; it goes to the log, the answer says fixed words.
        tracing::debug!(error = %e, "a request body did not fit its route");
        ApiError::invalid_body("the body is not the JSON object this route takes (its fields or their types)")
    })
}

/// A request's parameters, in order, repeated keys kept.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

/// A form body's text in `charset`; 400 for one the emulator does not read.
fn decode(body: &[u8], charset: &str) -> Result<String, OidcError> {
    let bad = || OidcError::invalid_request("the request body could not be read in its charset");
    match charset {
        "utf-8" | "utf8" => String::from_utf8(body.to_vec()).map_err(|_| bad()),
        "utf-16le" | "utf16le" | "ucs2" | "ucs-2" => {
            if !body.len().is_multiple_of(2) {
                return Err(bad());
            }
            let units: Vec<u16> = body.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).map_err(|_| bad())
        }
        "latin1" | "iso-8859-1" | "binary" => Ok(body.iter().map(|b| char::from(*b)).collect()),
        _ => Err(OidcError::invalid_request("unsupported charset")),
    }
}

impl Params {
    /// The parameters of a query string.
    pub fn from_query(query: Option<&str>) -> Self {
        Self(url::form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect())
    }

    /// Parses the body of a POST to the OIDC endpoint `route` (`/token`, …):
    /// `application/x-www-form-urlencoded`, or `application/json`, which Logto converts to a form
    /// (a body that is not a JSON object reads as empty, as Logto's body parser leaves it). A form
    /// is read in its `charset` (UTF-8 by default; UTF-16LE and Latin-1 as Node's body parser
    /// takes them). NUL characters are refused, as Logto does (Logto's `content-type-json` test).
    pub fn from_body(headers: &HeaderMap, body: &[u8], route: &str) -> Result<Self, OidcError> {
        let null = || OidcError::invalid_request("null bytes are not allowed in the request body");
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let mut parts = content_type.split(';');
        let mime = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let charset = parts
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
            .map(|(_, v)| v.trim().trim_matches('"').to_ascii_lowercase());
        if mime == "application/x-www-form-urlencoded" && charset.is_some() {
            let text = decode(body, charset.as_deref().unwrap_or_default())?;
            if text.contains('\0') {
                return Err(null());
            }
            return Ok(Self(url::form_urlencoded::parse(text.as_bytes()).into_owned().collect()));
        }
        if body.contains(&0) {
            return Err(null());
        }
        if mime == "application/json" {
            let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else { return Ok(Self(vec![])) };
            let mut pairs = Vec::new();
            for (k, v) in map {
                match v {
                    Value::String(s) => pairs.push((k, s)),
                    Value::Array(items) => {
                        pairs.extend(items.into_iter().filter_map(|i| i.as_str().map(|s| (k.clone(), s.to_string()))))
                    }
                    Value::Number(n) => pairs.push((k, n.to_string())),
                    _ => {}
                }
            }
            return Ok(Self(pairs));
        }
        if !body.is_empty() && mime != "application/x-www-form-urlencoded" {
            return Err(OidcError::invalid_request(format!(
                "only application/x-www-form-urlencoded content-type bodies are supported on POST {route}"
            )));
        }
        Ok(Self(url::form_urlencoded::parse(body).into_owned().collect()))
    }

    /// The single value of `name`; a repeated parameter is an error, as in oidc-provider.
    pub fn get(&self, name: &str) -> Result<Option<&str>, OidcError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(OidcError::invalid_request(format!("'{name}' parameter must not be provided twice")));
        }
        Ok(first.filter(|v| !v.is_empty()))
    }

    /// The single, non-empty value of `name`; 400 `invalid_request` when it is missing.
    pub fn require(&self, name: &str) -> Result<&str, OidcError> {
        self.get(name)?.ok_or_else(|| OidcError::invalid_request(format!("missing required parameter '{name}'")))
    }

    /// All `resource` values; `resource=a,b` is split as Logto does.
    pub fn resources(&self) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == "resource")
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect()
    }

    /// Space-separated `scope` values (empty when absent).
    pub fn scopes(&self) -> Result<Vec<String>, OidcError> {
        Ok(self.get("scope")?.map(|s| s.split_whitespace().map(String::from).collect()).unwrap_or_default())
    }
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`) in a patch body.
pub fn nullable<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_json_bodies_give_the_same_params() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap());
        let form = Params::from_body(&headers, b"resource=a,b&resource=c&scope=x+y", "/token").unwrap();
        assert_eq!(form.resources(), ["a", "b", "c"]);
        assert_eq!(form.scopes().unwrap(), ["x", "y"]);

        headers.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let json = Params::from_body(&headers, br#"{"resource":["a","b"],"scope":"x y"}"#, "/token").unwrap();
        assert_eq!(json.resources(), ["a", "b"]);
        assert!(Params::from_body(&headers, b"{\"a\":\"\0\"}", "/token").is_err());
    }

    #[test]
    fn repeated_single_params_are_refused() {
        let p = Params::from_query(Some("code=a&code=b"));
        assert_eq!(p.get("code").unwrap_err().error, "invalid_request");
        assert_eq!(p.require("state").unwrap_err().description, "missing required parameter 'state'");
    }

    #[test]
    fn forms_are_read_in_their_charset() {
        let form = |charset: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                format!("application/x-www-form-urlencoded; charset={charset}").parse().unwrap(),
            );
            headers
        };
        let text = "grant_type=client_credentials&client_id=caf%C3%A9";
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let params = Params::from_body(&form("utf16le"), &utf16, "/token").unwrap();
        assert_eq!(params.get("client_id").unwrap(), Some("café"));
        let latin1 = Params::from_body(&form("latin1"), text.as_bytes(), "/token").unwrap();
        assert_eq!(latin1.get("grant_type").unwrap(), Some("client_credentials"));
        assert!(Params::from_body(&form("ebcdic"), text.as_bytes(), "/token").is_err());
        let with_null: Vec<u8> = "a=\0".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let refused = Params::from_body(&form("utf-16le"), &with_null, "/token").unwrap_err();
        assert_eq!(refused.description, "null bytes are not allowed in the request body");
    }
}
