//! A PostgREST-compatible gateway for tests and benchmarks: Supabase's
//! `/rest/v1` over a real PostgreSQL, so the project's own row-level
//! security policies, triggers and grants decide every answer. The real
//! PostgREST cannot be installed here; this speaks its wire format for
//! exactly the subset the app's sync engine uses, and refuses the rest.
//!
//! Per request, as PostgREST does: the `apikey` header must be the project's
//! anon key (Supabase's gateway checks it); a bearer token is checked as an
//! HS256 JWT with the project's secret (signature and expiry only,
//! [`axolop_gotrue::jwt::verify`]); then one transaction, logged in as
//! `authenticator`, switches to the token's `role` (`anon` without a
//! token) and sets `request.jwt.claims`, runs the statement, and commits.
//!
//! # The subset
//!
//! - `GET /rest/v1/{table}?select=*&{column}={op}.{value}&order={column}.{asc|desc},…&limit=&offset=`:
//!   rows as a JSON array. Filters `eq`, `neq`, `gt`, `gte`, `lt`, `lte`,
//!   `is.null`, grouped by `or=(…)` and `and(…)` (a keyset page:
//!   `or=(change_seq.gt.7,and(change_seq.eq.7,id.gt.{id}))`). A `Range: {first}-{last}` header pages like `offset` and
//!   `limit`; `Prefer: count=exact` counts the matches. The answer carries
//!   `Content-Range: {first}-{last}/{total or *}` and is 206 when it holds
//!   part of a counted result.
//! - `POST /rest/v1/{table}[?on_conflict=id]`: inserts an object or an array
//!   of objects (the first object's keys name the columns). `Prefer:
//!   resolution=ignore-duplicates` skips rows whose `on_conflict` column
//!   exists; `Prefer: return=representation` answers the inserted rows
//!   (201), else nothing (201).
//! - `PATCH /rest/v1/{table}?{filters}`: updates the matching rows with the
//!   object's columns; `return=representation` answers them (200, an empty
//!   array when none matched), else 204.
//! - `POST /rest/v1/rpc/{function}` with `{}`: calls a function of `public`
//!   that takes no arguments and answers its result as JSON.
//!
//! Errors are PostgREST's `{code, message, details, hint}` with its status
//! codes ([`error`]).
//!
//! Started with [`Gateway::start_with_auth`], it also passes `/auth/v1/…`
//! on to the GoTrue test server, so the app has one project URL, as with
//! Supabase.
//!
//! # Layout
//!
//! - [`gateway`]: the handle a test holds: start, stop, faults, counters.
//! - `server`: the runtime thread, the accept loop, one connection.
//! - `request`: an HTTP request read as one query of the subset.
//! - `database`: the schema cache, and a query run as the caller.
//! - [`error`]: refusals and their PostgREST bodies.
//! - [`fault`]: what a test can make the next requests suffer.
//! - [`project`]: a whole project (PostgreSQL, GoTrue and the gateway on
//!   one URL) for the app's tests.

pub mod error;
pub mod fault;
pub mod gateway;
pub mod project;

mod database;
mod request;
mod server;

pub use fault::Fault;
pub use gateway::{Gateway, Stats};
pub use project::Project;
