//! `GET /api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers. Each
//! handler documents its own refusals; [`Refusals`] adds those every route shares (the token's, the
//! limits', the database's), each refusal naming its `code`.

use axum::Json;
use shared::{
    ErrorBody, ErrorCode, FollowResponse, FollowingResponse, InvitationSummary, InviteRequest, Member, MembersResponse,
    PendingInvitation, RolesRequest, TopUser, TopUsersResponse,
};
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "logto",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A Logto access token (at+jwt) for the API resource, with the route's scope"))
                    .build(),
            ),
        );
    }
}

/// The refusals every route can answer, added to each operation (after what the handler lists for
/// the same status).
struct Refusals;

/// On every route: the limits (from the values `refusals` enforces).
fn any_route() -> [(&'static str, String); 4] {
    use crate::refusals::{BODY_LIMIT, HEADER_LIMIT, TIME_LIMIT};
    [
        ("413", format!("`request.body_too_large`: a request body over {} KiB", BODY_LIMIT / 1024)),
        (
            "429",
            "`request.rate_limited`: too many requests from this address or token subject (Retry-After: seconds)"
                .to_string(),
        ),
        ("431", format!("`request.headers_too_large`: request headers over {} KiB", HEADER_LIMIT / 1024)),
        ("504", format!("`request.timeout`: not answered within {} s", TIME_LIMIT.as_secs())),
    ]
}

/// On the `/api/` routes: their database.
const API_ROUTE: &[(&str, &str)] =
    &[("500", "`internal.database`: the backend's database failed (the log says why, under the request id)")];

/// On the routes that take a bearer token.
const TOKEN_ROUTE: &[(&str, &str)] = &[
    (
        "401",
        "`auth.missing_token`: no Authorization header; `auth.unsupported_scheme`: not Bearer; \
         `auth.opaque_token`: Logto's opaque token, which only /oidc/me takes (ask Logto for a token with this \
         API as its resource); `auth.invalid_token`: not a valid access token for this API \
         (signature, issuer, audience, expiry, typ at+jwt). WWW-Authenticate: Bearer, with error=\"invalid_token\" \
         when a token was sent",
    ),
    ("503", "`auth.keys_unavailable`: the issuer's signing keys could not be fetched"),
];

impl Modify for Refusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let api = path.starts_with("/api/");
            for operation in operations(item) {
                let takes_token = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                for (status, text) in &any_route() {
                    add_refusal(operation, status, text);
                }
                let specific = if api { API_ROUTE } else { &[] };
                let specific = specific.iter().chain(if takes_token { TOKEN_ROUTE } else { &[] });
                for (status, text) in specific {
                    add_refusal(operation, status, text);
                }
            }
        }
        // Every code in one place, from the enum the backend sends them from.
        let codes: Vec<String> = ErrorCode::ALL.iter().map(|c| format!("`{}`", c.as_str())).collect();
        let info = &mut openapi.info;
        let intro = info.description.take().unwrap_or_default();
        info.description = Some(format!(
            "{intro}\n\nEvery refusal is a JSON `{{code, message}}` (ErrorBody), with an `x-request-id` header to \
             find it in the backend's log. Each route lists the codes it answers with; any path answers 404 \
             `route.not_found` for an unknown route and 405 `route.method_not_allowed` for a method it does \
             not take. The codes: {}.",
            codes.join(", ")
        ));
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
}

/// Adds `text` to the operation's answer with `status`, or adds that answer (an ErrorBody).
fn add_refusal(operation: &mut Operation, status: &str, text: &str) {
    match operation.responses.responses.get_mut(status) {
        Some(RefOr::T(response)) => {
            response.description = format!("{}; {text}", response.description);
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
            let response = ResponseBuilder::new().description(text).content("application/json", body).build();
            operation.responses.responses.insert(status.to_string(), RefOr::T(response));
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Top users API", description = "The backend of the Logto + Rust reference stack"),
    paths(super::top_users::top_users, super::organizations::top_users, super::members::list, super::members::set_roles, super::members::remove, super::invitations::invite, super::invitations::revoke, super::invitations::summary, super::invitations::accept, super::webhooks::logto, super::follows::follow, super::follows::unfollow, super::follows::following, super::health::healthz, super::health::readyz),
    components(schemas(TopUser, TopUsersResponse, FollowResponse, FollowingResponse, Member, MembersResponse, PendingInvitation, InviteRequest, RolesRequest, InvitationSummary, ErrorBody)),
    modifiers(&BearerAuth, &Refusals)
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> serde_json::Value {
        serde_json::to_value(ApiDoc::openapi()).unwrap()
    }

    /// The descriptions of an operation's answers with `status`.
    fn described(doc: &serde_json::Value, path: &str, method: &str, status: &str) -> String {
        doc["paths"][path][method]["responses"][status]["description"].as_str().unwrap_or_default().to_string()
    }

    #[test]
    fn every_code_the_backend_sends_is_named_by_a_route() {
        let doc = document();
        // Not the introduction, which lists them all from the enum: the routes' own answers.
        let routes = doc["paths"].to_string();
        let anywhere = [ErrorCode::RouteNotFound, ErrorCode::MethodNotAllowed];
        for code in ErrorCode::ALL.iter().filter(|c| !anywhere.contains(c)) {
            assert!(routes.contains(&format!("`{}`", code.as_str())), "no route names {}", code.as_str());
        }
        let intro = doc["info"]["description"].as_str().unwrap();
        assert!(intro.contains("404 `route.not_found`") && intro.contains("405 `route.method_not_allowed`"));
    }

    #[test]
    fn each_route_names_the_codes_of_its_statuses() {
        let doc = document();
        let follow = "/api/users/{id}/follow";
        // Two 400s of one route: both must survive (utoipa keeps one answer per status).
        for method in ["post", "delete"] {
            let bad = described(&doc, follow, method, "400");
            assert!(bad.contains("`follows.self`") && bad.contains("`user.invalid_id`"), "{method}: {bad}");
        }
        for path in ["/api/top-users", follow, "/api/me/following", "/api/organizations/{organization_id}/top-users"] {
            for (_, method) in
                doc["paths"][path].as_object().unwrap().iter().filter(|(m, _)| m.as_str() != "parameters")
            {
                let answers = method["responses"].as_object().unwrap();
                for status in ["401", "413", "429", "431", "500", "503", "504"] {
                    assert!(answers.contains_key(status), "{path}: no {status}");
                }
                assert!(answers["401"]["description"].as_str().unwrap().contains("`auth.opaque_token`"));
                assert!(answers["503"]["description"].as_str().unwrap().contains("`auth.keys_unavailable`"));
            }
        }
        let org = described(&doc, "/api/organizations/{organization_id}/top-users", "get", "503");
        assert!(org.starts_with("`logto.unavailable`") && org.contains("; `auth.keys_unavailable`"), "{org}");
        // Not a token route: its 401 is the signature's only.
        let hook = described(&doc, "/api/webhooks/logto", "post", "401");
        assert!(!hook.contains("auth."), "{hook}");
        assert!(described(&doc, "/healthz", "get", "500").is_empty(), "/healthz reads no database");
        assert!(described(&doc, "/healthz", "get", "429").contains("`request.rate_limited`"));
    }

    /// Issue 22, item 7: every documented parameter stands where the router reads it. A path
    /// parameter is exactly a `{name}` of its route's template (utoipa's `IntoParams` defaults to the
    /// path: `ids` of /api/me/following was documented there though it is a query parameter), and
    /// every `{name}` is documented.
    #[test]
    fn every_parameter_is_documented_where_the_router_reads_it() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            let template: std::collections::BTreeSet<&str> =
                path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
            for (method, operation) in item.as_object().unwrap() {
                let params = operation["parameters"].as_array().cloned().unwrap_or_default();
                let in_path: std::collections::BTreeSet<&str> =
                    params.iter().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str()).collect();
                assert_eq!(in_path, template, "{method} {path}: path parameters");
                for p in &params {
                    assert!(["path", "query", "header"].contains(&p["in"].as_str().unwrap()), "{method} {path}: {p}");
                }
            }
        }
        let following = &doc["paths"]["/api/me/following"]["get"]["parameters"][0];
        assert_eq!((following["name"].as_str(), following["in"].as_str()), (Some("ids"), Some("query")));
    }
}
