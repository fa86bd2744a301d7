//! A GoTrue-compatible (Supabase Auth) HTTP server for tests and benchmarks.
//!
//! [`GoTrue::start`] serves the password and refresh-token grants, logout and
//! the current user on a free localhost port, from its own runtime thread, so
//! sync tests, async tests and other processes (the desktop app) can all use
//! it. It also serves OAuth sign-in through a fake provider with PKCE, magic
//! links and one-time codes by email, password recovery and password change,
//! with GoTrue's wire formats. The test that started it controls it
//! directly: users, providers, lifetimes, error body shape and injected
//! faults, and reads back what happened, emails included.
//!
//! Refresh-token rotation is strict, like Supabase with reuse detection on and
//! no reuse interval: every refresh token works exactly once, and presenting
//! one a second time revokes its whole session, newest token included.
//!
//! # Layout
//!
//! - [`gotrue`]: the [`GoTrue`] handle tests hold: start, control, inspect, stop.
//! - [`browser`]: the browser's part: following redirects back to the app.
//! - [`jwt`]: access tokens as signed JWTs, and how the PostgREST gateway checks them.
//! - [`rogue`]: a server that answers anything with canned responses, for
//!   clients facing a flood or a forged message.
//! - `server`: the runtime thread, the accept loop and one HTTP/1 connection.
//! - `routes`: one request in, one reply out: API key, faults, the four endpoints.
//! - `state`: everything the server knows, behind the one mutex.
//! - `user`: registered users, credential checks and the user JSON.
//! - `tokens`: sessions, access tokens and rotating refresh-token families.
//! - `provider`: enabled OAuth providers, and the fake provider's accounts.
//! - `flow`: PKCE flow states, code challenges and auth codes.
//! - `otp`: the one-time tokens of emails: six-digit codes and link tokens.
//! - `mailbox`: the emails sent, for the test to read.
//! - `query`, `redirect`: query strings and redirect URLs written as GoTrue writes them.
//! - [`endpoint`]: the endpoints faults and counters are kept for.
//! - [`fault`]: the faults a test can queue per endpoint.
//! - [`stats`]: counters a test reads back.
//! - [`error`]: the refusals the server answers with, and their three body shapes.

pub mod browser;
pub mod endpoint;
pub mod error;
pub mod fault;
mod flow;
pub mod gotrue;
pub mod jwt;
mod mailbox;
mod otp;
mod provider;
mod query;
mod redirect;
pub mod rogue;
mod routes;
mod server;
mod state;
pub mod stats;
mod tokens;
mod user;

pub use endpoint::Endpoint;
pub use error::{AuthError, ErrorShape};
pub use fault::Fault;
pub use flow::{AuthMethod, ChallengeMethod, FlowState};
pub use gotrue::{GoTrue, ANON_KEY};
pub use mailbox::{Email, EmailKind};
pub use provider::DEFAULT_PROVIDER_ACCOUNT;
pub use stats::Stats;
pub use user::UserId;
