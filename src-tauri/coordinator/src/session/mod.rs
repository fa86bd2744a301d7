//! The Supabase session shared by every window: one sign-in, one refresher.
//!
//! - [`state`]: the session state machine (single-flight refresh, backoff,
//!   sign-out), with time passed in and the network left to the shell.
//! - [`schedule`]: when to refresh, and how long to back off.
//! - [`grant`]: tokens as the coordinator holds them (secret, never
//!   serialisable), and why refreshes fail and sessions end.
//! - [`summary`]: what windows see of the session: never a token.
//! - [`keyring`]: what the OS keyring must hold after each transition.
//! - [`browser`]: the step a browser or email sign-in is at.

pub mod browser;
pub mod grant;
pub mod keyring;
pub mod schedule;
pub mod state;
pub mod summary;

pub use browser::BrowserSignIn;
pub use grant::{Grant, RefreshFailure, SessionUser, SignOutReason};
pub use keyring::{KeyringWrite, RefreshRecorded, Revocation, SignedIn, SignedOut};
pub use state::{PendingToken, RefreshJob, Session, TokenAnswer};
pub use summary::{KeyringTrouble, SessionCause, SessionChange, SessionStatus, SessionSummary};
