//! Black-box tests: the real emulator and the real backend, in-process on ephemeral ports, over HTTP.

mod configuration;
mod follows;
mod helpers;
mod impersonation;
mod metrics;
mod org_admin;
mod organizations;
mod postgres;
mod provisioned;
mod rate_limits;
mod resilience;
mod token_errors;
mod top_users;
mod webhooks;
