//! [`Logto::fetch`]: a request to an API with the bearer token for its resource; on a 401 the token
//! is dropped, a new one is got, and the request is sent once more.

use std::fmt;

use gloo_net::http::{Request, RequestBuilder, Response};

use crate::{AccessToken, AuthError, Logto, TokenFor};

/// A request to an API protected by Logto.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    method: &'static str,
    url: String,
    json: Option<String>,
}

impl ApiRequest {
    /// `GET url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self { method: "GET", url: url.into(), json: None }
    }

    /// `POST url` (add a body with [`ApiRequest::json`]).
    pub fn post(url: impl Into<String>) -> Self {
        Self { method: "POST", url: url.into(), json: None }
    }

    /// `DELETE url`.
    pub fn delete(url: impl Into<String>) -> Self {
        Self { method: "DELETE", url: url.into(), json: None }
    }

    /// A `PUT` (with [`ApiRequest::json`], usually).
    pub fn put(url: impl Into<String>) -> Self {
        Self { method: "PUT", url: url.into(), json: None }
    }

    /// A JSON body.
    pub fn json(mut self, body: &impl serde::Serialize) -> Self {
        self.json = serde_json::to_string(body).ok();
        self
    }

    fn build(&self, token: &str) -> Result<Request, FetchError> {
        let builder: RequestBuilder = match self.method {
            "POST" => Request::post(&self.url),
            "DELETE" => Request::delete(&self.url),
            "PUT" => Request::put(&self.url),
            _ => Request::get(&self.url),
        };
        let builder = builder.header("Authorization", &format!("Bearer {token}"));
        match &self.json {
            Some(body) => builder.header("Content-Type", "application/json").body(body.clone()),
            None => builder.build(),
        }
        .map_err(|e| FetchError::Network(e.to_string()))
    }
}

/// An answer from the API (any status), with the token it was sent with.
pub struct Fetched {
    /// The API's answer, whatever its status.
    pub response: Response,
    /// The token of the request that answered, and how it was had.
    pub token: AccessToken,
    /// Whether the first answer was a 401 and the request was sent again with a new token.
    pub retried: bool,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchError {
    /// No token could be had (not signed in, session ended, Logto unreachable…).
    Auth(AuthError),
    /// The API could not be reached.
    Network(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Auth(e) => e.fmt(f),
            FetchError::Network(e) => write!(f, "The API could not be reached: {e}"),
        }
    }
}

impl Logto {
    /// Sends `request` with an access token for `target` (an API resource indicator, or any
    /// [`TokenFor`] but the opaque [`TokenFor::UserInfo`], which no API can verify). A 401 (token
    /// expired early, key rotated…) gets one retry with a freshly refreshed token; every other status
    /// is the caller's.
    pub async fn fetch(&self, target: impl Into<TokenFor>, request: ApiRequest) -> Result<Fetched, FetchError> {
        self.fetch_for(target.into(), request).await
    }

    async fn fetch_for(&self, target: TokenFor, request: ApiRequest) -> Result<Fetched, FetchError> {
        if target == TokenFor::UserInfo {
            return Err(FetchError::Auth(AuthError::OpaqueAccessToken));
        }
        let token = self.access_token(target.clone()).await.map_err(FetchError::Auth)?;
        let response = send(&request, &token.token).await?;
        if response.status() != 401 {
            return Ok(Fetched { response, token, retried: false });
        }
        self.forget_access_token(&target, &token.token);
        let token = self.access_token(target).await.map_err(FetchError::Auth)?;
        let response = send(&request, &token.token).await?;
        Ok(Fetched { response, token, retried: true })
    }
}

async fn send(request: &ApiRequest, token: &str) -> Result<Response, FetchError> {
    request.build(token)?.send().await.map_err(|e| FetchError::Network(e.to_string()))
}
