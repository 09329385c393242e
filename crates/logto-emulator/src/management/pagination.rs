//! Logto's `koaPagination` (`packages/core/src/middleware/koa-pagination.ts`): `page` (1-based) and
//! `page_size` (default 20, at most 100), the `Total-Number` header and `Link` headers (first, prev,
//! last, next). Some lists make it optional (`isOptional`): with neither parameter they answer the
//! whole list without those headers.

use axum::http::{HeaderMap, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use crate::error::ApiError;
use crate::request::Params;

const MAX_PAGE_SIZE: usize = 100;

pub struct Pagination {
    pub page: usize,
    pub page_size: usize,
}

fn positive(params: &Params, name: &str, default: usize) -> Result<usize, ApiError> {
    match params.get(name).map_err(|_| ApiError::invalid_pagination())? {
        None => Ok(default),
        Some(v) => v.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(ApiError::invalid_pagination),
    }
}

impl Pagination {
    pub fn parse(params: &Params) -> Result<Self, ApiError> {
        let page = positive(params, "page", 1)?;
        let page_size = positive(params, "page_size", 20)?;
        if page_size > MAX_PAGE_SIZE {
            return Err(ApiError::invalid_pagination());
        }
        Ok(Self { page, page_size })
    }

    /// This page's part of `items`.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        // Saturating: a page number near usize::MAX (the fuzz sends them) is simply past the end.
        let start = (self.page - 1).saturating_mul(self.page_size).min(items.len());
        let end = start.saturating_add(self.page_size).min(items.len());
        &items[start..end]
    }

    /// `Total-Number` and the `Link` headers for a list of `total` items.
    pub fn headers(&self, total: usize, endpoint: &str, uri: &Uri, params: &Params) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("Total-Number", HeaderValue::from(total));
        let last = total.div_ceil(self.page_size).max(1);
        let mut links = vec![(1, "first")];
        if self.page > 1 {
            links.push((self.page - 1, "prev"));
        }
        links.push((last, "last"));
        if self.page < last {
            links.push((self.page.saturating_add(1), "next"));
        }
        for (page, rel) in links {
            let value = format!("<{}>; rel=\"{rel}\"", link(endpoint, uri.path(), params, page));
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.append("Link", value);
            }
        }
        headers
    }
}

/// A list request: its query and its paging (`None`: an optional pagination left off).
pub struct ListRequest {
    uri: Uri,
    pub params: Params,
    pagination: Option<Pagination>,
}

impl ListRequest {
    /// A list that always pages (`koaPagination()`).
    pub fn paged(uri: Uri) -> Result<Self, ApiError> {
        let params = Params::from_query(uri.query());
        let pagination = Some(Pagination::parse(&params)?);
        Ok(Self { uri, params, pagination })
    }

    /// A list that pages only when `page` or `page_size` is given (`koaPagination({ isOptional: true })`).
    pub fn optionally_paged(uri: Uri) -> Result<Self, ApiError> {
        let params = Params::from_query(uri.query());
        let asked = params.get("page").ok().flatten().is_some() || params.get("page_size").ok().flatten().is_some();
        let pagination = if asked { Some(Pagination::parse(&params)?) } else { None };
        Ok(Self { uri, params, pagination })
    }

    /// The answer: this page of `items` with `Total-Number` and `Link`, or all of them.
    pub fn answer(&self, endpoint: &str, items: Vec<Value>) -> Response {
        match &self.pagination {
            Some(p) => (p.headers(items.len(), endpoint, &self.uri, &self.params), Json(p.slice(&items).to_vec()))
                .into_response(),
            None => Json(items).into_response(),
        }
    }
}

/// Logto's `Link` URL: its origin, the path without `/api`, repeated keys joined by commas, `page` set.
fn link(endpoint: &str, path: &str, params: &Params, page: usize) -> String {
    let mut merged: Vec<(String, String)> = Vec::new();
    for (k, v) in &params.0 {
        match merged.iter_mut().find(|(x, _)| x == k) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(v);
            }
            None => merged.push((k.clone(), v.clone())),
        }
    }
    match merged.iter_mut().find(|(k, _)| k == "page") {
        Some((_, v)) => *v = page.to_string(),
        None => merged.push(("page".into(), page.to_string())),
    }
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(merged).finish();
    format!("{endpoint}{}?{query}", path.strip_prefix("/api").unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_collapses_repeated_keys_and_drops_api_prefix() {
        let p = Params::from_query(Some("search.id=a&search.id=b&mode.id=exact"));
        assert_eq!(
            link("http://localhost:3001", "/api/users", &p, 1),
            "http://localhost:3001/users?search.id=a%2Cb&mode.id=exact&page=1"
        );
    }

    #[test]
    fn slices_pages() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(Pagination { page: 2, page_size: 2 }.slice(&items), [3, 4]);
        assert!(Pagination { page: 9, page_size: 2 }.slice(&items).is_empty());
        // Found by the fuzz: a huge page number overflowed (a panic, the connection cut).
        assert!(Pagination { page: 922_337_203_685_477_582, page_size: 20 }.slice(&items).is_empty());
        assert!(Pagination { page: usize::MAX, page_size: 100 }.slice(&items).is_empty());
        let huge = Pagination { page: usize::MAX, page_size: 100 };
        let uri: Uri = "/api/users?page=18446744073709551615".parse().unwrap();
        assert_eq!(
            huge.headers(5, "http://x", &uri, &Params::from_query(uri.query())).get_all("Link").iter().count(),
            3
        );
    }
}
