//! `GET /api/openapi.json`: the API's OpenAPI 3.1 document, generated from the handlers.

use axum::Json;
use shared::{ErrorBody, FollowResponse, FollowingResponse, TopUser, TopUsersResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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

#[derive(OpenApi)]
#[openapi(
    info(title = "Top users API", description = "The backend of the Logto + Rust reference stack"),
    paths(super::top_users::top_users, super::organizations::top_users, super::webhooks::logto, super::follows::follow, super::follows::unfollow, super::follows::following, super::health::healthz, super::health::readyz),
    components(schemas(TopUser, TopUsersResponse, FollowResponse, FollowingResponse, ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
