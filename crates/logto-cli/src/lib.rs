//! # logto-cli
//!
//! The guide's first pattern, direct machine-to-machine access, as a command-line client for CI and
//! for people: it provisions and manages Logto (Cloud, self-hosted, or the emulator) through the
//! Management API.
//!
//! - [`provision`]: creates, or finds, the API resource and its scopes, a User role holding them, an
//!   organization role holding them as organization-level API permissions, the SPA application and
//!   the backend's machine-to-machine application, then writes `.env`;
//! - [`users`]: `users list|get|create|delete|search` and `roles assign`;
//! - [`orgs`]: `orgs list|create|delete`, `orgs members list|add|remove`, `orgs roles assign`;
//! - [`error`]: failures explained with the fix; [`output`]: tables and `--json`.
//!
//! Run: `cargo run -p logto-cli -- --help` with `LOGTO_ENDPOINT`, `LOGTO_M2M_APP_ID` and
//! `LOGTO_M2M_APP_SECRET` set.

pub mod error;
pub mod orgs;
pub mod output;
pub mod provision;
pub mod users;

pub use error::CliError;
