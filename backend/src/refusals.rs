//! The refusals made around the handlers rather than by them: the request limits (body 413,
//! headers 431, time 504). tower-http's body limit and timeout, and axum's body buffering, answer
//! in plain text or with no body at all; [`as_json`] gives those the `{code, message}` body every
//! other refusal has, so a client can read them the same way.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::{ErrorBody, ErrorCode};

/// Request bodies larger than this are refused (413): the API takes none larger than a few bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Requests whose headers add up to more than this are refused (431): a Logto access token is
/// about 1 KB, and the verifier refuses tokens over 8 KiB.
pub const HEADER_LIMIT: usize = 16 * 1024;

/// A request is answered within this, or refused with 504.
pub const TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Refuses requests whose headers are over [`HEADER_LIMIT`] (431).
pub async fn limit_headers(request: Request, next: Next) -> Response {
    let size: usize = request.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum();
    if size > HEADER_LIMIT {
        let body = ErrorBody::new(
            ErrorCode::HeadersTooLarge,
            format!("The request headers add up to {size} bytes; at most {HEADER_LIMIT} are accepted."),
        );
        return (StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, Json(body)).into_response();
    }
    next.run(request).await
}

/// Rewrites the limits' own refusals (413 and 504 without a JSON body) as `{code, message}`; the
/// headers they carry (the request id, CORS) stay.
pub async fn as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let body = match response.status() {
        _ if json => return response,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorBody::new(
            ErrorCode::BodyTooLarge,
            format!("The request body is over {BODY_LIMIT} bytes, the most this API takes."),
        ),
        StatusCode::GATEWAY_TIMEOUT => ErrorBody::new(
            ErrorCode::Timeout,
            format!("The request was not answered within {} s.", TIME_LIMIT.as_secs()),
        ),
        _ => return response,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let Ok(bytes) = serde_json::to_vec(&body) else { return Response::from_parts(parts, Default::default()) };
    Response::from_parts(parts, bytes.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, Bytes};
    use axum::routing::post;
    use axum::Router;
    use std::time::Duration;
    use tower::ServiceExt;
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::timeout::TimeoutLayer;

    /// The limits as `startup::app` stacks them, around a route that reads its body and one that
    /// takes its time; the timeout shortened to 50 ms.
    fn app() -> Router {
        Router::new()
            .route("/echo", post(|body: Bytes| async move { body.len().to_string() }))
            .route("/slow", post(|| async { tokio::time::sleep(Duration::from_secs(5)).await }))
            .route(
                "/refuses",
                post(|| async {
                    (StatusCode::PAYLOAD_TOO_LARGE, Json(ErrorBody::new(ErrorCode::InvalidInput, "mine")))
                }),
            )
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
            .layer(TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, Duration::from_millis(50)))
            .layer(axum::middleware::from_fn(as_json))
    }

    async fn send(request: axum::http::Request<Body>) -> (StatusCode, Option<String>, serde_json::Value) {
        let response = app().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, content_type, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    fn post_to(path: &str, body: Body) -> axum::http::Request<Body> {
        axum::http::Request::post(path).body(body).unwrap()
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_as_json_whether_or_not_its_length_is_announced() {
        let big = vec![b'x'; BODY_LIMIT + 1];
        let announced = axum::http::Request::post("/echo")
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big.clone()))
            .unwrap();
        // A streamed body: no length up front, so axum's buffering meets the limit.
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            big.chunks(1024).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
        let chunks = futures_util::stream::iter(chunks);
        let streamed = post_to("/echo", Body::from_stream(chunks));
        for request in [announced, streamed] {
            let (status, content_type, body) = send(request).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
            assert_eq!(content_type.as_deref(), Some("application/json"));
            assert_eq!(body["code"], "request.body_too_large");
        }
        let (status, _, _) = send(post_to("/echo", Body::from(vec![b'x'; BODY_LIMIT]))).await;
        assert_eq!(status, StatusCode::OK, "at the limit is taken");
    }

    #[tokio::test]
    async fn a_request_over_the_time_limit_is_refused_as_json() {
        let (status, content_type, body) = send(post_to("/slow", Body::empty())).await;
        assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(content_type.as_deref(), Some("application/json"));
        assert_eq!(body["code"], "request.timeout");
    }

    #[tokio::test]
    async fn a_json_refusal_is_left_as_it_is() {
        let (status, _, body) = send(post_to("/refuses", Body::empty())).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(body["message"], "mine");
    }
}
