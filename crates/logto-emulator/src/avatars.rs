//! `GET /avatars/{name}.svg`: a generated initial-and-colour avatar, so seeded users have pictures
//! without anything being fetched from the internet.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// `GET /avatars/{name}.svg`: the avatar of `name` (an initial on a colour picked from the name).
pub async fn avatar(Path(file): Path<String>) -> Response {
    let Some(name) = file.strip_suffix(".svg").filter(|n| !n.is_empty() && n.len() <= 64) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let initial =
        name.chars().next().map(|c| c.to_ascii_uppercase()).filter(char::is_ascii_alphanumeric).unwrap_or('?');
    let hash = Sha256::digest(name.as_bytes());
    let hue = u16::from_be_bytes([hash[0], hash[1]]) % 360;
    let svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" rx="48" fill="hsl({hue},55%,38%)"/><text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">{initial}</text></svg>"##
    );
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg).into_response()
}
