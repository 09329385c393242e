//! Behaviours of real Logto 1.42 that no recorded exchange shows, checked against the emulator and
//! printed in the same table. Each says where the fact comes from: a recorded sample it extends, or
//! what real Logto answered when this project's stack was run against it (issue "Fidelity round 2").

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use demo_tenant::{API_RESOURCE, DEMO_PASSWORD, SPA_APP_ID, SPA_REDIRECT_URI};
use logto_emulator::RunningEmulator;
use reqwest::header::{HeaderMap, ORIGIN};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A behaviour check: its name, where the fact comes from, and the check.
type Check = (&'static str, &'static str, fn(Ctx) -> futures_util::future::BoxFuture<'static, Result<(), String>>);

pub struct Row {
    pub name: String,
    pub source: &'static str,
    pub outcome: Result<(), String>,
}

#[derive(Clone)]
pub struct Ctx {
    base: String,
    http: reqwest::Client,
    admin: String,
}

macro_rules! check {
    ($name:literal, $source:literal, $f:ident) => {
        ($name, $source, |ctx| Box::pin($f(ctx)))
    };
}

const CHECKS: &[Check] = &[
    check!(
        "B01 preflight echoes any origin",
        "as 74, for an unregistered origin (real Logto: 204, origin echoed)",
        preflight_any_origin
    ),
    check!(
        "B02 token from a foreign origin refused",
        "real Logto: 400 oidc.invalid_request, no ACAO; the code still works",
        foreign_origin_refused
    ),
    check!(
        "B03 code reuse revokes its tokens",
        "real Logto: 2nd exchange 400 invalid_grant; 1st token 401 at /oidc/me",
        code_reuse_revokes
    ),
    check!(
        "B04 end session keeps offline tokens",
        "real Logto: the refresh token works after /oidc/session/end",
        end_session_keeps_refresh
    ),
    check!(
        "B05 single sign-on with _session",
        "real Logto: no prompt/consent → code; prompt=login → sign-in",
        single_sign_on
    ),
    check!(
        "B06 every list pages as Logto",
        "as 84-86: 20 by default, ≤100, Total-Number, Link without /api",
        lists_page
    ),
    check!(
        "B07 bad input refused as Logto",
        "openapi README: 300-char name 400 guard, 300-char username 422",
        bad_input
    ),
    check!(
        "B08 nothing granted: scope \"\"",
        "Logto's own build keeps the empty claim (as 52, for a user with no role)",
        empty_scope
    ),
];

pub async fn run() -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, source, check) in CHECKS {
        // Each check gets its own emulator: they change state (sessions, users) the others must not see.
        let emu = logto_emulator::Emulator::new(&demo_tenant::seed()).spawn().await.unwrap();
        let ctx = Ctx {
            base: emu.endpoint.clone(),
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            admin: demo_tenant::mint_admin_token(&emu.endpoint).await.unwrap(),
        };
        let outcome = check(ctx).await;
        drop::<RunningEmulator>(emu);
        rows.push(Row { name: name.to_string(), source, outcome });
    }
    rows
}

fn expect(cond: bool, what: impl Into<String>) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// A browser on the SPA's page: its cookie jar holds Logto's `_session`.
struct Browser<'a> {
    ctx: &'a Ctx,
    cookie: Option<String>,
    verifier: String,
}

impl<'a> Browser<'a> {
    fn new(ctx: &'a Ctx) -> Self {
        Browser { ctx, cookie: None, verifier: logto_emulator::ids::standard_id(43) }
    }

    /// `/oidc/auth` as the SPA sends it, with `prompt` when given; the `Location` it answers.
    async fn authorize(&self, prompt: Option<&str>) -> Result<String, String> {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(self.verifier.as_bytes()));
        let mut url = url::Url::parse(&format!("{}/oidc/auth", self.ctx.base)).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", SPA_APP_ID)
            .append_pair("redirect_uri", SPA_REDIRECT_URI)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid profile offline_access read:top-users")
            .append_pair("resource", API_RESOURCE)
            .append_pair("state", "s1")
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(p) = prompt {
            url.query_pairs_mut().append_pair("prompt", p);
        }
        let mut r = self.ctx.http.get(url);
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        let r = r.send().await.map_err(|e| e.to_string())?;
        header(r.headers(), "location").map(String::from).ok_or(format!("/oidc/auth answered {}", r.status()))
    }

    /// Signs `username` in on the sign-in page the location points at; the callback location.
    async fn sign_in(&mut self, location: &str, username: &str) -> Result<String, String> {
        let interaction = location.split("interaction=").nth(1).ok_or(format!("no sign-in page: {location}"))?;
        let r = self
            .ctx
            .http
            .post(format!("{}/sign-in", self.ctx.base))
            .form(&[("interaction", interaction), ("username", username), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if let Some(set) = header(r.headers(), "set-cookie") {
            self.cookie = set.split(';').next().map(String::from);
        }
        header(r.headers(), "location").map(String::from).ok_or(format!("sign-in answered {}", r.status()))
    }

    /// A code for `username`: the sign-in page, then the callback.
    async fn code(&mut self, username: &str) -> Result<String, String> {
        let page = self.authorize(Some("consent")).await?;
        let callback = self.sign_in(&page, username).await?;
        code_of(&callback)
    }

    async fn exchange(&self, code: &str, origin: Option<&str>) -> Result<reqwest::Response, String> {
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", SPA_APP_ID),
            ("code", code),
            ("code_verifier", self.verifier.as_str()),
            ("redirect_uri", SPA_REDIRECT_URI),
        ];
        let mut r = self.ctx.http.post(format!("{}/oidc/token", self.ctx.base)).form(&form);
        if let Some(o) = origin {
            r = r.header(ORIGIN, o);
        }
        r.send().await.map_err(|e| e.to_string())
    }

    /// `/oidc/session/end` and its confirm form, with the browser's cookie.
    async fn end_session(&mut self) -> Result<(), String> {
        let page = self
            .ctx
            .http
            .get(format!("{}/oidc/session/end?client_id={SPA_APP_ID}", self.ctx.base))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        let xsrf = page.split(r#"name="xsrf" value=""#).nth(1).and_then(|s| s.split('"').next()).ok_or("no xsrf")?;
        let mut r = self.ctx.http.post(format!("{}/oidc/session/end/confirm", self.ctx.base)).form(&[("xsrf", xsrf)]);
        if let Some(c) = &self.cookie {
            r = r.header("cookie", c);
        }
        let r = r.send().await.map_err(|e| e.to_string())?;
        expect(
            header(r.headers(), "set-cookie").is_some_and(|c| c.starts_with("_session=;")),
            "end session clears the _session cookie",
        )
    }
}

fn code_of(callback: &str) -> Result<String, String> {
    let url = url::Url::parse(callback).map_err(|_| format!("not a callback: {callback}"))?;
    url.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).ok_or(format!("no code: {callback}"))
}

async fn json_of(r: reqwest::Response) -> (u16, HeaderMap, Value) {
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

async fn refresh(ctx: &Ctx, refresh_token: &str) -> (u16, Value) {
    crate::helpers::refresh(&ctx.base, refresh_token, &[("resource", API_RESOURCE)]).await
}

async fn preflight_any_origin(ctx: Ctx) -> Result<(), String> {
    let r = ctx
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/oidc/token", ctx.base))
        .header(ORIGIN, "http://unregistered.example:8480")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let h = r.headers();
    expect(r.status() == 204, format!("status {}", r.status()))?;
    expect(header(h, "access-control-allow-origin") == Some("http://unregistered.example:8480"), "origin echoed")?;
    expect(header(h, "access-control-allow-methods") == Some("POST"), "methods POST")?;
    expect(header(h, "access-control-allow-headers") == Some("content-type"), "requested headers echoed")?;
    expect(header(h, "access-control-max-age") == Some("3600"), "max age 3600")
}

async fn foreign_origin_refused(ctx: Ctx) -> Result<(), String> {
    let mut browser = Browser::new(&ctx);
    let code = browser.code("alice").await?;
    let (status, headers, body) = json_of(browser.exchange(&code, Some("http://localhost:8480")).await?).await;
    expect(status == 400 && body["code"] == "oidc.invalid_request", format!("foreign origin: {status} {body}"))?;
    expect(
        body["error_description"] == format!("origin http://localhost:8480 not allowed for client: {SPA_APP_ID}"),
        format!("description {}", body["error_description"]),
    )?;
    expect(header(&headers, "access-control-allow-origin").is_none(), "no Access-Control-Allow-Origin on the refusal")?;
    let (status, headers, body) = json_of(browser.exchange(&code, Some("http://localhost:8080")).await?).await;
    expect(
        status == 200 && body["refresh_token"].is_string(),
        format!("the same code from the SPA's origin: {status}"),
    )?;
    expect(header(&headers, "access-control-allow-origin") == Some("http://localhost:8080"), "ACAO for the SPA")
}

async fn code_reuse_revokes(ctx: Ctx) -> Result<(), String> {
    let mut browser = Browser::new(&ctx);
    let code = browser.code("alice").await?;
    let (status, _, first) = json_of(browser.exchange(&code, None).await?).await;
    expect(status == 200, format!("first exchange {status}"))?;
    let me = |token: String| {
        let (http, base) = (ctx.http.clone(), ctx.base.clone());
        async move { http.get(format!("{base}/oidc/me")).bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    let access = first["access_token"].as_str().unwrap_or_default().to_string();
    expect(me(access.clone()).await == 200, "the first exchange's token works at /oidc/me")?;
    let (status, _, body) = json_of(browser.exchange(&code, None).await?).await;
    expect(status == 400 && body["error"] == "invalid_grant", format!("second exchange: {status} {body}"))?;
    expect(me(access).await == 401, "the first exchange's access token is revoked")?;
    let (status, _) = refresh(&ctx, first["refresh_token"].as_str().unwrap_or_default()).await;
    expect(status == 400, format!("its refresh token is dead: {status}"))
}

async fn end_session_keeps_refresh(ctx: Ctx) -> Result<(), String> {
    let mut browser = Browser::new(&ctx);
    let code = browser.code("alice").await?;
    let (_, _, tokens) = json_of(browser.exchange(&code, None).await?).await;
    browser.end_session().await?;
    let (status, body) = refresh(&ctx, tokens["refresh_token"].as_str().unwrap_or_default()).await;
    expect(status == 200 && body["access_token"].is_string(), format!("refresh after end session: {status} {body}"))
}

async fn single_sign_on(ctx: Ctx) -> Result<(), String> {
    let mut browser = Browser::new(&ctx);
    browser.code("alice").await?;
    expect(browser.cookie.as_deref().is_some_and(|c| c.starts_with("_session=")), "sign-in sets _session")?;
    for prompt in [None, Some("consent")] {
        let location = browser.authorize(prompt).await?;
        let code = code_of(&location).map_err(|e| format!("prompt {prompt:?}: {e}"))?;
        let (status, _, body) = json_of(browser.exchange(&code, None).await?).await;
        expect(status == 200 && body["id_token"].is_string(), format!("prompt {prompt:?}: {status}"))?;
    }
    let login = browser.authorize(Some("login")).await?;
    expect(login.starts_with("/sign-in"), format!("prompt=login shows the sign-in page: {login}"))?;
    browser.end_session().await?;
    let after = browser.authorize(None).await?;
    expect(after.starts_with("/sign-in"), format!("after end session: {after}"))?;
    let anonymous = Browser::new(&ctx).authorize(Some("none")).await?;
    expect(anonymous.contains("error=login_required"), format!("prompt=none without a session: {anonymous}"))
}

async fn lists_page(ctx: Ctx) -> Result<(), String> {
    let api = |path: &str| format!("{}/api{path}", ctx.base);
    for i in 0..25 {
        let r = ctx.http.post(api("/users")).bearer_auth(&ctx.admin).json(&json!({"username": format!("u{i}")}));
        expect(r.send().await.unwrap().status() == 200, "create user")?;
    }
    let get = |path: String| {
        let (http, token) = (ctx.http.clone(), ctx.admin.clone());
        async move { json_of(http.get(path).bearer_auth(token).send().await.unwrap()).await }
    };
    let (_, _, roles) = get(api("/roles")).await;
    let role = roles[0]["id"].as_str().unwrap_or_default().to_string();
    let (_, _, resources) = get(api("/resources")).await;
    let resource = resources.as_array().and_then(|r| r.iter().find(|r| r["indicator"] == API_RESOURCE));
    let resource = resource.and_then(|r| r["id"].as_str()).unwrap_or_default().to_string();
    let alice = demo_tenant::seed().users[0].id.clone();
    let m2m = demo_tenant::M2M_APP_ID;
    let (status, h, users) = get(api("/users")).await;
    expect(status == 200 && users.as_array().map(Vec::len) == Some(20), "20 users by default")?;
    expect(header(&h, "total-number").and_then(|t| t.parse::<usize>().ok()).is_some_and(|t| t > 25), "Total-Number")?;
    // Lists that always page (`koaPagination()`), and lists that page when asked (`isOptional`).
    let paged = [
        "/users".to_string(),
        "/roles".into(),
        format!("/users/{alice}/roles"),
        format!("/roles/{role}/users"),
        format!("/resources/{resource}/scopes"),
        format!("/applications/{m2m}/roles"),
    ];
    let optional = ["/resources".to_string(), "/applications".into(), format!("/roles/{role}/scopes")];
    for path in paged.iter().chain(&optional) {
        let (status, h, body) = get(api(&format!("{path}?page=1&page_size=1"))).await;
        let links: Vec<_> = h.get_all("link").iter().filter_map(|v| v.to_str().ok()).collect();
        expect(status == 200 && body.as_array().is_some_and(|a| a.len() <= 1), format!("{path}: one item a page"))?;
        expect(h.contains_key("total-number"), format!("{path}: Total-Number"))?;
        expect(
            links.len() >= 2 && links[0].starts_with(&format!("<{}{path}?", ctx.base)),
            format!("{path}: Link {links:?}"),
        )?;
        let (status, _, body) = get(api(&format!("{path}?page_size=101"))).await;
        expect(
            status == 400 && body["code"] == "guard.invalid_pagination",
            format!("{path}: page_size 101 → {status}"),
        )?;
        let (_, h, _) = get(api(path)).await;
        expect(h.contains_key("total-number") == paged.contains(path), format!("{path}: paged without asking?"))?;
    }
    Ok(())
}

async fn bad_input(ctx: Ctx) -> Result<(), String> {
    let post = |path: &str, body: Value| {
        let r = ctx.http.post(format!("{}/api{path}", ctx.base)).bearer_auth(&ctx.admin).json(&body);
        async move { json_of(r.send().await.unwrap()).await }
    };
    let (status, _, body) = post("/applications", json!({"name": "a".repeat(300), "type": "SPA"})).await;
    expect(status == 400 && body["code"] == "guard.invalid_input", format!("long app name: {status} {body}"))?;
    expect(body["data"]["name"] == "ZodError" && body["data"]["issues"][0]["code"] == "too_big", "zod issues")?;
    expect(
        body["details"] == "Error in key path \"name\": (too_big) String must contain at most 256 character(s)",
        format!("details {}", body["details"]),
    )?;
    let (status, _, body) = post("/users", json!({"username": "a".repeat(300)})).await;
    expect(status == 422 && body["code"] == "entity.value_too_long", format!("long username: {status} {body}"))?;
    expect(body["data"]["message"] == "value too long for type character varying(128)", "the database's message")?;
    let (status, _, body) = post("/roles", json!({"name": "", "description": "d"})).await;
    expect(status == 400 && body["data"]["issues"][0]["minimum"] == 1, format!("empty role name: {status} {body}"))?;
    let users = ctx.http.get(format!("{}/api/users?search.username=aaaa%25", ctx.base)).bearer_auth(&ctx.admin);
    let (_, h, _) = json_of(users.send().await.unwrap()).await;
    expect(header(&h, "total-number") == Some("0"), "nothing was stored")
}

async fn empty_scope(ctx: Ctx) -> Result<(), String> {
    // bob holds no role: his token for the API carries `scope: ""`, in the body and in the JWT.
    let signed_in = demo_tenant::sign_in(
        &ctx.base,
        "bob",
        DEMO_PASSWORD,
        "openid offline_access read:top-users",
        Some(API_RESOURCE),
    )
    .await?;
    let grant = signed_in.resource_grant.clone().unwrap_or_default();
    expect(grant["scope"] == "", format!("body scope {}", grant["scope"]))?;
    let payload = signed_in.access_token().split('.').nth(1).unwrap_or_default().to_string();
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap_or_default()).unwrap_or_default();
    expect(claims["scope"] == "", format!("JWT scope claim {}", claims["scope"]))
}
