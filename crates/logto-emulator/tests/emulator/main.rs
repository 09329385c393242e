//! The emulator's integration tests, in one binary (one link of the whole emulator instead of eight,
//! on a 2-core machine), each module booting the real emulator in-process on an ephemeral port
//! (the persistence tests run its binary) and talking HTTP to it:
//!
//! - `oidc`: discovery, the token endpoint's grants and refusals, userinfo, sessions, CORS;
//! - `management`: the Management API's bearer rules, users, resources;
//! - `organizations`: organization tokens, cascades, the other organization endpoints;
//! - `invitations`: organization invitations, a member's scopes, bulk member roles;
//! - `hooks`: webhook deliveries, slow and dead receivers;
//! - `introspection`, `par`, `device`: token introspection (RFC 7662), pushed authorization requests
//!   (RFC 9126) and the device authorization grant (RFC 8628);
//! - `token_exchange`: subject tokens and the token-exchange grant (RFC 8693), with an actor;
//! - `experience`: Logto's Experience API, from `/oidc/auth` to the code, and its refusals;
//! - `updates`: update and delete routes, the sign-in experience, the integration-test mode
//!   (issue 29: what Logto's own suite needs);
//! - `signup`: accounts made on the sign-in page with the outbox's code, and the hooks they fire;
//! - `console`: the console's pages, forms and their checks (issue 28);
//! - `control`: the control API (`/_emulator`): minted tokens, the clock, faults, keys, sessions;
//! - `devtools`: the sign-in page's user picker, seed errors, the ready banner;
//! - `persistence`: what survives a restart and a `kill -9`;
//! - `fidelity`: every exchange recorded with a real Logto 1.42 (`tests/fidelity/`), replayed and
//!   compared, with its table.
//!
//! `helpers` holds what more than one of them needs.

mod console;
mod control;
mod device;
mod devtools;
mod experience;
mod fidelity;
mod grants;
mod helpers;
mod hooks;
mod introspection;
mod invitations;
mod management;
mod oidc;
mod organizations;
mod par;
mod persistence;
mod signup;
mod sso_connectors;
mod suite_rules;
mod token_exchange;
mod updates;
mod users_and_search;
