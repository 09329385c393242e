//! # backend
//!
//! The API of the demo: `GET /api/top-users` verifies the SPA's Logto access token (a JWT for
//! `https://api.example.com` with scope `read:top-users`), reads the ten most-followed users from its
//! own database, gets a machine-to-machine token from Logto, asks the Management API for those users'
//! profiles in one request, and returns the enriched list.
//!
//! - [`config`]: settings from flags and the environment, read once;
//! - [`db`]: SQLite through sqlx, migrations, the demo follows;
//! - [`routes`]: one file per route; [`scopes`]: the permissions they require; [`error`]: the error type every route returns;
//! - [`profiles`]: Logto profiles behind a cache with a deadline; [`timing`]: `Server-Timing`;
//! - [`members`]: an organization's members with their profiles, behind the same kind of cache, for
//!   `GET /api/organizations/{organization_id}/top-users` (an organization-level API token);
//! - [`invalidation`]: every cache change (webhooks, follows) applied here and, with PostgreSQL, on
//!   every replica through a `LISTEN`/`NOTIFY` channel;
//! - [`metrics`]: `GET /metrics` (Prometheus); [`rate_limit`]: per address and per token subject;
//!   [`refusals`]: the limits on size and time, refused as `{code, message}` like the rest;
//! - [`telemetry`]: log lines and OpenTelemetry traces (OTLP);
//! - [`startup`]: builds the state and router, binds the listeners, serves.
//!
//! Run: `cargo run -p backend` with `LOGTO_M2M_APP_ID` and `LOGTO_M2M_APP_SECRET` set (see README).

pub mod config;
pub mod db;
pub mod error;
pub mod invalidation;
pub mod members;
pub mod metrics;
pub mod org_admin;
pub mod profiles;
pub mod ranking;
pub mod rate_limit;
pub mod refusals;
pub mod routes;
pub mod scopes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod timing;
