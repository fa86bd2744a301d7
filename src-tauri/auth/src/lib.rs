//! Axolop CRM's side of Supabase Auth: the GoTrue HTTP client, the reading
//! of its answers, and the OS keyring that keeps the refresh token between
//! runs. No Tauri inside; the shell drives it.
//!
//! # Layout
//!
//! - [`client`]: password sign-in, refresh, sign-out and user lookup over
//!   `reqwest` with rustls, with the `apikey` header and bounded timeouts.
//! - [`body`]: reading an answer within a size cap, and a server's text
//!   as one bounded line (shared with the data client).
//! - [`answer`]: turns the server's answers (both error body shapes) into
//!   grants and [`AuthError`]s.
//! - [`pkce`]: the code verifier and challenge of a browser sign-in, and
//!   its `state`.
//! - [`callback`]: the `axolop://auth/callback` link a browser sign-in
//!   comes back by, read strictly.
//! - [`flow`]: the browser sign-in waiting for its callback, accepted once.
//! - [`store`]: the refresh token and user in the OS keyring (Secret
//!   Service, Keychain, Credential Manager), or in memory for tests; never
//!   in a file.
//! - [`error`]: the crate's error enum, and which failures end a session.

pub mod answer;
pub mod body;
pub mod callback;
pub mod client;
pub mod error;
pub mod flow;
pub mod pkce;
pub mod store;

pub use client::{AuthClient, AuthConfig};
pub use error::AuthError;
pub use store::{account_for, MemoryFaults, SecretStore, StoreKind, StoredSession};
