//! The coordinator: the single authority behind every Axolop CRM window.
//!
//! A deterministic state machine with no Tauri inside. Every transition is a
//! plain method that takes the current time as an argument, changes the state,
//! and returns a plain result; the numbered [`Envelope`]s that describe the
//! change wait in the event log until the owner takes them
//! ([`Coordinator::take_events`]). The shell owns the clock, the windows and
//! the IPC; it feeds window lifecycle facts in and delivers the events to
//! each window's own webview. Every policy is decided here (who presents a
//! modal, which session answer counts, what the keyring must hold); the
//! shell performs the I/O a transition names.
//!
//! # Layout
//!
//! - [`agency`]: the agency every window works in, changed by
//!   compare-and-set.
//! - [`modal`]: the mandatory modal, its presenter, and what was typed.
//! - [`contacts`]: contact changes as every window learns of them.
//! - [`quit`]: the editors holding unsaved changes, and the one question a
//!   quit asks about them.
//! - [`update`]: the update a check found, and its download and install.
//! - [`window`]: window labels, states and the summaries shown to the UI.
//! - [`health`]: how long a window may be silent before it is unresponsive.
//! - [`registry`]: the open windows, in the order they were opened.
//! - [`election`]: who is primary, and the epoch that fences old primaries.
//! - [`lock`]: named locks with leases, FIFO waiting, fences and deadlock
//!   detection.
//! - [`session`]: the Supabase session: single-flight refresh, backoff,
//!   sign-out, and what the OS keyring must hold after each; tokens never
//!   serialisable.
//! - [`pending`]: answers owed to callers who wait (queued locks, tokens).
//! - [`sync`]: the device's standing with the server, as the sync engine
//!   reports it.
//! - [`event`]: the typed events and their global sequence numbers.
//! - [`snapshot`]: the whole state as one window sees it.
//! - [`diagnostics`]: the coordination as the diagnostics window shows it
//!   (health, lag, election history, leases, the refresh schedule).
//! - [`coordinator`]: the state machine that ties the parts together.
//! - [`error`]: the crate's error enum and the fixed wire error codes.

pub mod agency;
pub mod contacts;
pub mod coordinator;
pub mod diagnostics;
pub mod election;
pub mod error;
pub mod event;
pub mod health;
pub mod lock;
pub mod modal;
pub mod pending;
pub mod quit;
pub mod registry;
pub mod session;
pub mod snapshot;
pub mod sync;
pub mod update;
pub mod window;

pub use coordinator::Coordinator;
pub use election::{Election, PrimaryChange, PrimaryInfo, Role};
pub use error::{Error, ErrorCode, Result, WireError};
pub use event::{Envelope, Event, LinkRefusal};
pub use lock::{
    Acquisition, Lease, LeaseInfo, LockChange, LockCheck, LockMode, LockName, LockRequest,
    LockSummary, LockTable, LockToken, WallClock,
};
pub use registry::WindowRegistry;
pub use snapshot::Snapshot;
pub use window::{WindowLabel, WindowRef, WindowState, WindowSummary};
