//! Configuration, from flags or the environment (flag names in `--help`, variables below; every
//! variable with its default in `.env.example`). Parsed once at start into types: a bad value stops
//! the start with the variable's name (each flag's value is named after its variable) and what is wrong, instead of being used as it came (an origin
//! without a scheme, accepted and then never matching).

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;

use clap::Parser;
use secrecy::SecretString;

#[derive(Debug, Clone, Parser)]
#[command(name = "backend", about = "The top-users API: Logto JWT in, enriched users out")]
pub struct Config {
    /// Address and port to listen on.
    #[arg(long, env = "BACKEND_BIND", value_name = "BACKEND_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Logto's endpoint (self-hosted: its ENDPOINT; Cloud: https://{tenant}.logto.app).
    #[arg(long, env = "LOGTO_ENDPOINT", default_value = "http://localhost:3001")]
    pub logto_endpoint: HttpUrl,
    /// The API resource indicator access tokens must be for (`aud`).
    #[arg(long, env = "LOGTO_API_RESOURCE", value_name = "LOGTO_API_RESOURCE", default_value = "https://api.example.com", value_parser = resource_indicator)]
    pub api_resource: String,
    /// The machine-to-machine application's id.
    #[arg(long, env = "LOGTO_M2M_APP_ID", value_name = "LOGTO_M2M_APP_ID")]
    pub m2m_app_id: String,
    /// The machine-to-machine application's secret.
    #[arg(long, env = "LOGTO_M2M_APP_SECRET", value_name = "LOGTO_M2M_APP_SECRET", hide_env_values = true, value_parser = secret)]
    pub m2m_app_secret: SecretString,
    /// The Management API resource: https://default.logto.app/api for self-hosted Logto,
    /// https://{tenant}.logto.app/api for Logto Cloud.
    #[arg(long, env = "LOGTO_MANAGEMENT_RESOURCE", value_name = "LOGTO_MANAGEMENT_RESOURCE", default_value = logto_management::OSS_MANAGEMENT_RESOURCE, value_parser = resource_indicator)]
    pub management_resource: String,
    /// The database (SQLite file by default): `sqlite:…`, or `postgres://…` / `postgresql://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://backend.db", hide_env_values = true)]
    pub database_url: DatabaseUrl,
    /// How long a request waits for a database connection before it answers 500 `internal.database`
    /// (and `/readyz` 503): a stopped database is said at once instead of at the request timeout.
    #[arg(
        long,
        env = "DATABASE_ACQUIRE_TIMEOUT_MS",
        value_name = "DATABASE_ACQUIRE_TIMEOUT_MS",
        default_value_t = 2000
    )]
    pub database_acquire_timeout_ms: u64,
    /// How long the start waits for the database to answer before giving up.
    #[arg(
        long,
        env = "DATABASE_CONNECT_TIMEOUT_SECONDS",
        value_name = "DATABASE_CONNECT_TIMEOUT_SECONDS",
        default_value_t = 10
    )]
    pub database_connect_timeout_seconds: u64,
    /// Fill an empty database with the demo follows (user ids of the emulator's seed).
    #[arg(long, env = "SEED_DEMO_DATA")]
    pub seed_demo_data: bool,
    /// How long a request waits for Logto's profiles before answering with ids only (`partial`).
    #[arg(long, env = "ENRICHMENT_DEADLINE_MS", default_value_t = 1500)]
    pub enrichment_deadline_ms: u64,
    /// How long Logto profiles are kept (served fresh for the first minute, then stale while
    /// renewed in the background); 0 turns the cache off.
    #[arg(long, env = "PROFILE_CACHE_SECONDS", default_value_t = 600)]
    pub profile_cache_seconds: u64,
    /// How long the top-users ranking is served from memory (follows clear it at once: this
    /// instance's, and with PostgreSQL every replica's through the cache channel); 0 = read the
    /// database on every request.
    #[arg(long, env = "TOP_CACHE_MS", default_value_t = 1000)]
    pub top_cache_ms: u64,
    /// Clock skew allowed on the access token's `exp` and `nbf`, in seconds.
    #[arg(long, env = "JWT_LEEWAY_SECONDS", default_value_t = 30)]
    pub jwt_leeway_seconds: u64,
    /// The signing key of the Logto webhook that posts to `/api/webhooks/logto` (Console → Webhooks,
    /// or `logto-cli provision`); unset, that route refuses every delivery.
    #[arg(long, env = "LOGTO_WEBHOOK_SIGNING_KEY", value_name = "LOGTO_WEBHOOK_SIGNING_KEY", hide_env_values = true, value_parser = secret)]
    pub webhook_signing_key: Option<SecretString>,
    /// Log lines as human-readable text or as JSON objects, one per line (the filter is RUST_LOG).
    #[arg(long, env = "LOG_FORMAT", value_name = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// An OpenTelemetry collector's OTLP/HTTP endpoint (`http://localhost:4318`): traces are sent to
    /// `{endpoint}/v1/traces`. Unset: no traces.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT", value_name = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otel_exporter_otlp_endpoint: Option<HttpUrl>,
    /// The `service.name` of the traces.
    #[arg(long, env = "OTEL_SERVICE_NAME", value_name = "OTEL_SERVICE_NAME", default_value = "backend")]
    pub otel_service_name: String,
    /// Where `GET /metrics` (Prometheus text format) is served: an address of its own (the default,
    /// loopback only: API clients cannot read it; `0.0.0.0:9464` for a scraper on another host),
    /// `same` (the API's address, readable by every API client), or `off`.
    #[arg(long, env = "METRICS", value_name = "METRICS", default_value = DEFAULT_METRICS)]
    pub metrics: MetricsAt,
    /// Requests allowed per client address: `<n>/s`, `<n>/min` or `<n>/h` (bursts up to n), or `off`.
    /// The default only stops a runaway client: set it to your traffic.
    #[arg(long, env = "RATE_LIMIT_PER_ADDRESS", value_name = "RATE_LIMIT_PER_ADDRESS", default_value = "100000/s")]
    pub rate_limit_per_address: RateLimit,
    /// Requests allowed per token subject (`sub`, once the token is verified), as above.
    #[arg(long, env = "RATE_LIMIT_PER_SUBJECT", value_name = "RATE_LIMIT_PER_SUBJECT", default_value = "100000/s")]
    pub rate_limit_per_subject: RateLimit,
    /// Organization invitations sent per organization, as above (a spam brake).
    #[arg(long, env = "RATE_LIMIT_INVITATIONS", value_name = "RATE_LIMIT_INVITATIONS", default_value = "20/h")]
    pub rate_limit_invitations: RateLimit,
    /// Invitation lookups without a token (the invitee's page) per client address, as above.
    #[arg(
        long,
        env = "RATE_LIMIT_INVITATION_LOOKUPS",
        value_name = "RATE_LIMIT_INVITATION_LOOKUPS",
        default_value = "30/min"
    )]
    pub rate_limit_invitation_lookups: RateLimit,
    /// What an impersonation token (Logto's token exchange with an actor: `act`) may do: `refuse`
    /// its writes (403 `auth.impersonation_refused`; reads go through, logged with actor and
    /// subject) or `allow` them.
    #[arg(
        long,
        env = "IMPERSONATION_WRITES",
        value_name = "IMPERSONATION_WRITES",
        value_enum,
        default_value = "refuse"
    )]
    pub impersonation_writes: ImpersonationWrites,
    /// The application allowed to exchange tokens (`logto-cli provision` writes it): its tokens are
    /// impersonations too, though they carry no `act` (no actor token was given).
    #[arg(long, env = "LOGTO_EXCHANGE_APP_ID", value_name = "LOGTO_EXCHANGE_APP_ID")]
    pub exchange_app_id: Option<String>,
    /// The SPA's address, for the links in invitation emails (`{SPA_URL}/admin/invitations/{id}`).
    #[arg(long, env = "SPA_URL", value_name = "SPA_URL", default_value = "http://localhost:8080")]
    pub spa_url: Origin,
    /// Behind a reverse proxy: the header it writes the client's address in (`x-forwarded-for`: the
    /// last address of the list, the one the proxy saw; `x-real-ip`). Unset: the peer's address.
    /// Only set it when every request comes through that proxy: a client can write the header too.
    #[arg(long, env = "TRUSTED_PROXY_HEADER", value_name = "TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    /// Browser origins allowed to call the API (comma-separated, each `scheme://host[:port]`).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',', default_value = "http://localhost:8080")]
    pub cors_allowed_origins: Vec<Origin>,
}

impl Config {
    /// The configuration from the flags and the environment, `.env` included: a `.env` in the
    /// working directory (what `logto-cli provision` writes, and `dev.sh` reads) fills the variables
    /// the environment does not set. A bad value exits with clap's message naming it, with any URL's
    /// password shown as `***`.
    pub fn load() -> Self {
        // Only the working directory's, as dev.sh reads it (dotenvy::dotenv would also search the
        // parents: the Playwright suite's backend, started in e2e/, would then read a developer's
        // `.env` for a real Logto). A missing `.env` is the normal case; a malformed one is not.
        if let Err(e) = dotenvy::from_path(".env") {
            if !e.not_found() {
                eprintln!("backend: .env: {e}");
                std::process::exit(2);
            }
        }
        match Self::try_parse() {
            Ok(config) => config,
            Err(e) => {
                // clap quotes a refused value back ("invalid value 'postgres://u:pw@…'").
                let text = redact_url_passwords(&e.to_string());
                if e.use_stderr() {
                    eprint!("{text}");
                } else {
                    print!("{text}");
                }
                std::process::exit(e.exit_code());
            }
        }
    }

    /// Logto's issuer: `{endpoint}/oidc`.
    pub fn issuer(&self) -> String {
        format!("{}/oidc", self.logto_endpoint)
    }
}

/// Where the metrics are served unless `METRICS` says otherwise: loopback, port 9464 (the port
/// OpenTelemetry's Prometheus exporter uses), never the API's public address.
pub const DEFAULT_METRICS: &str = "127.0.0.1:9464";

/// A secret from a flag or the environment: its `Debug` prints `[REDACTED]`.
fn secret(s: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(s))
}

/// `text` with the password of every URL in it (`scheme://user:password@host`) shown as `***`: for
/// start errors and log lines that quote a URL.
pub fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        // The authority ends at the first `/`, `?`, `#`, quote or blank; its userinfo at the last `@`.
        let end = after.find(|c: char| matches!(c, '/' | '?' | '#' | '\'' | '"' | '`') || c.is_whitespace());
        let authority = &after[..end.unwrap_or(after.len())];
        match authority.rfind('@').and_then(|at| authority[..at].find(':').map(|colon| (colon, at))) {
            Some((colon, at)) => {
                out.push_str(&authority[..=colon]);
                out.push_str("***");
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority.len()..];
    }
    out.push_str(rest);
    out
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// An `http` or `https` URL with a host and no query or fragment, kept without a trailing slash
/// (`https://tenant.logto.app`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(String);

impl FromStr for HttpUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s.trim()).map_err(|e| format!("not a URL ({e}); e.g. https://tenant.logto.app"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err("must be an http:// or https:// URL with a host".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("must have no query (?…) or fragment (#…)".into());
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_string()))
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for HttpUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Whether impersonation tokens may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImpersonationWrites {
    /// Reads only (the default): support staff see what the user sees, and change nothing.
    Refuse,
    /// Writes too.
    Allow,
}

/// A browser origin, `scheme://host[:port]` (no path, query or fragment), as browsers send it in
/// `Origin`: `http://localhost:8080`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// `scheme://host[:port]`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Origin {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let no_scheme = || format!("{s:?} is not an origin: write it with its scheme, e.g. http://localhost:8080");
        // `localhost:8080` parses as a URL whose scheme is `localhost`.
        if !s.contains("://") {
            return Err(no_scheme());
        }
        let url = url::Url::parse(s).map_err(|_| no_scheme())?;
        let origin = url.origin();
        if !origin.is_tuple() || !matches!(url.scheme(), "http" | "https") {
            return Err(format!("{s:?} is not an http:// or https:// origin"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() || s.ends_with('/') {
            return Err(format!("{s:?} has a path: an origin is only scheme://host[:port]"));
        }
        Ok(Self(origin.ascii_serialization()))
    }
}

impl AsRef<str> for Origin {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Where the metrics are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsAt {
    /// `GET /metrics` on the API's own address.
    Same,
    Off,
    /// On an address of its own.
    Own(SocketAddr),
}

impl FromStr for MetricsAt {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "same" => Ok(Self::Same),
            "off" => Ok(Self::Off),
            other => other
                .parse()
                .map(Self::Own)
                .map_err(|_| "must be same, off, or an address and port such as 127.0.0.1:9100".into()),
        }
    }
}

/// A rate limit: at most `count` requests a `per` (a burst of `count` at once), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit(pub Option<(std::num::NonZeroU32, Per)>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Per {
    Second,
    Minute,
    Hour,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "off" {
            return Ok(Self(None));
        }
        let wrong = || "must be <n>/s, <n>/min or <n>/h with n from 1 (e.g. 100/s), or off".to_string();
        let (count, per) = s.split_once('/').ok_or_else(wrong)?;
        let count = count.trim().parse().map_err(|_| wrong())?;
        let per = match per.trim() {
            "s" => Per::Second,
            "min" => Per::Minute,
            "h" => Per::Hour,
            _ => return Err(wrong()),
        };
        Ok(Self(Some((count, per))))
    }
}

/// The database: SQLite (`sqlite:…`) or PostgreSQL (`postgres://…`, `postgresql://…`). `Debug` and
/// `Display` show its password as `***`; [`DatabaseUrl::expose`] gives the URL to connect with.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The whole URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A PostgreSQL database (shared by replicas), not SQLite.
    pub fn is_postgres(&self) -> bool {
        self.0.starts_with("postgres:") || self.0.starts_with("postgresql:")
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&redact_url_passwords(&self.0)).finish()
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if ["sqlite:", "postgres://", "postgresql://"].iter().any(|p| s.starts_with(p)) && s.len() > 9 {
            Ok(Self(s.to_string()))
        } else {
            Err("must start with sqlite: (e.g. sqlite://backend.db) or postgres:// (e.g. \
                 postgres://user:password@localhost/app)"
                .into())
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url_passwords(&self.0))
    }
}

/// An API resource indicator (RFC 8707): an absolute URI without a fragment.
fn resource_indicator(s: &str) -> Result<String, String> {
    let url =
        url::Url::parse(s.trim()).map_err(|_| format!("{s:?} is not an absolute URI; e.g. https://api.example.com"))?;
    if url.fragment().is_some() {
        return Err("a resource indicator has no fragment (#…)".into());
    }
    Ok(s.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        let mut argv = vec!["backend", "--m2m-app-id", "a", "--m2m-app-secret", "s"];
        argv.extend_from_slice(args);
        Config::try_parse_from(argv).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_parse_into_their_types() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.bind, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(c.issuer(), "http://localhost:3001/oidc");
        assert_eq!(c.cors_allowed_origins, [Origin("http://localhost:8080".into())]);
        assert_eq!(c.database_url.expose(), "sqlite://backend.db");
        assert_eq!(c.metrics, MetricsAt::Own("127.0.0.1:9464".parse().unwrap()), "not on the API's address");
        let limit = RateLimit(Some((100_000.try_into().unwrap(), Per::Second)));
        assert_eq!((c.rate_limit_per_address, c.rate_limit_per_subject), (limit, limit));
        assert_eq!(c.trusted_proxy_header, None);
    }

    #[test]
    fn limits_and_the_metrics_address_parse() {
        let c = parse(&["--rate-limit-per-address", "off", "--rate-limit-per-subject", " 30/min", "--metrics", "off"])
            .unwrap();
        assert_eq!(c.rate_limit_per_address, RateLimit(None));
        assert_eq!(c.rate_limit_per_subject, RateLimit(Some((30.try_into().unwrap(), Per::Minute))));
        assert_eq!(c.metrics, MetricsAt::Off);
        let c = parse(&["--metrics", "127.0.0.1:9100", "--trusted-proxy-header", "X-Forwarded-For"]).unwrap();
        assert_eq!(c.metrics, MetricsAt::Own("127.0.0.1:9100".parse().unwrap()));
        assert_eq!(c.trusted_proxy_header.unwrap().as_str(), "x-forwarded-for");
    }

    #[test]
    fn bad_values_stop_the_start_naming_the_variable_and_the_fix() {
        let e = parse(&["--cors-allowed-origins", "localhost:8080"]).unwrap_err();
        assert!(e.contains("CORS_ALLOWED_ORIGINS") && e.contains("http://localhost:8080"), "{e}");
        let e = parse(&["--cors-allowed-origins", "http://localhost:8080/app"]).unwrap_err();
        assert!(e.contains("has a path"), "{e}");
        let e = parse(&["--logto-endpoint", "tenant.logto.app"]).unwrap_err();
        assert!(e.contains("LOGTO_ENDPOINT") && e.contains("not a URL"), "{e}");
        let e = parse(&["--logto-endpoint", "ftp://tenant.logto.app"]).unwrap_err();
        assert!(e.contains("http:// or https://"), "{e}");
        let e = parse(&["--bind", "localhost"]).unwrap_err();
        assert!(e.contains("BACKEND_BIND"), "{e}");
        let e = parse(&["--database-url", "backend.db"]).unwrap_err();
        assert!(e.contains("DATABASE_URL") && e.contains("sqlite:"), "{e}");
        let e = parse(&["--rate-limit-per-address", "100"]).unwrap_err();
        assert!(e.contains("RATE_LIMIT_PER_ADDRESS") && e.contains("<n>/s"), "{e}");
        let e = parse(&["--rate-limit-per-subject", "0/s"]).unwrap_err();
        assert!(e.contains("RATE_LIMIT_PER_SUBJECT"), "{e}");
        let e = parse(&["--metrics", "9100"]).unwrap_err();
        assert!(e.contains("METRICS") && e.contains("127.0.0.1:9100"), "{e}");
        let e = parse(&["--trusted-proxy-header", "x forwarded"]).unwrap_err();
        assert!(e.contains("TRUSTED_PROXY_HEADER"), "{e}");
        let e = parse(&["--api-resource", "api.example.com"]).unwrap_err();
        assert!(e.contains("LOGTO_API_RESOURCE") && e.contains("absolute URI"), "{e}");
    }

    /// Issue 22, item 3: a refused or accepted `DATABASE_URL` is never printed with its password.
    #[test]
    fn database_passwords_are_never_printed() {
        let e = parse(&["--database-url", "mysql://root:hunter2@db/app"]).unwrap_err();
        assert!(e.contains("DATABASE_URL"), "{e}");
        let shown = redact_url_passwords(&e);
        assert!(!shown.contains("hunter2") && shown.contains("mysql://root:***@db/app"), "{shown}");
        let c = parse(&["--database-url", "postgres://app:hunter2@localhost:5432/app?sslmode=disable"]).unwrap();
        assert_eq!(c.database_url.expose(), "postgres://app:hunter2@localhost:5432/app?sslmode=disable");
        assert_eq!(c.database_url.to_string(), "postgres://app:***@localhost:5432/app?sslmode=disable");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn url_passwords_are_redacted_wherever_they_stand() {
        for (text, shown) in [
            ("'postgres://u:p@h/db' for x", "'postgres://u:***@h/db' for x"),
            ("postgres://u:p:q@h:5432", "postgres://u:***@h:5432"),
            ("postgres://u@h/db and http://a:b@c", "postgres://u@h/db and http://a:***@c"),
            ("no url at all: a:b@c", "no url at all: a:b@c"),
            ("sqlite://backend.db", "sqlite://backend.db"),
            ("x://u:p@", "x://u:***@"),
            ("trailing ://", "trailing ://"),
        ] {
            assert_eq!(redact_url_passwords(text), shown);
        }
    }

    /// Issue 22, item 4: `{:?}` of the configuration (a panic, a debug log) holds no secret.
    #[test]
    fn the_config_debug_shows_no_secret() {
        let c = parse(&[
            "--webhook-signing-key",
            "whsec-0123456789",
            "--database-url",
            "postgres://app:dbpass-42@localhost/app",
        ])
        .unwrap();
        let printed = format!("{c:?}");
        for secret in ["whsec-0123456789", "dbpass-42", "\"s\""] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("m2m_app_id: \"a\""), "the rest is there: {printed}");
    }

    #[test]
    fn values_are_normalised_once() {
        let c = parse(&[
            "--logto-endpoint",
            "https://t.logto.app/",
            "--cors-allowed-origins",
            "HTTP://LOCALHOST:8080, https://app.example.com:443",
        ])
        .unwrap();
        assert_eq!(c.issuer(), "https://t.logto.app/oidc");
        let origins: Vec<&str> = c.cors_allowed_origins.iter().map(AsRef::as_ref).collect();
        assert_eq!(origins, ["http://localhost:8080", "https://app.example.com"]);
    }
}
