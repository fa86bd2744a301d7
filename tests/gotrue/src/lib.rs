//! A GoTrue-compatible (Supabase Auth) HTTP server for tests and benchmarks.
//!
//! [`GoTrue::start`] serves the password and refresh-token grants, logout and
//! the current user on a free localhost port, from its own runtime thread, so
//! sync tests, async tests and other processes (the desktop app) can all use
//! it. The test that started it controls it directly: users, token lifetime,
//! error body shape and injected faults, and reads back what happened.
//!
//! Refresh-token rotation is strict, like Supabase with reuse detection on and
//! no reuse interval: every refresh token works exactly once, and presenting
//! one a second time revokes its whole session, newest token included.
//!
//! # Layout
//!
//! - [`gotrue`]: the [`GoTrue`] handle tests hold: start, control, inspect, stop.
//! - [`jwt`]: access tokens as signed JWTs, and how the PostgREST gateway checks them.
//! - [`rogue`]: a server that answers anything with canned responses, for
//!   clients facing a flood or a forged message.
//! - `server`: the runtime thread, the accept loop and one HTTP/1 connection.
//! - `routes`: one request in, one reply out: API key, faults, the four endpoints.
//! - `state`: everything the server knows, behind the one mutex.
//! - `user`: registered users, credential checks and the user JSON.
//! - `tokens`: sessions, access tokens and rotating refresh-token families.
//! - [`endpoint`]: the endpoints faults and counters are kept for.
//! - [`fault`]: the faults a test can queue per endpoint.
//! - [`stats`]: counters a test reads back.
//! - [`error`]: the refusals the server answers with, and their three body shapes.

pub mod endpoint;
pub mod error;
pub mod fault;
pub mod gotrue;
pub mod jwt;
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
pub use gotrue::{GoTrue, ANON_KEY};
pub use stats::Stats;
pub use user::UserId;
