//! The embedded local CRM store: agencies, contacts and each user's agency
//! selection, in one SQLite file in the app data directory.
//!
//! No Tauri inside, and no clock: every operation that records a time takes
//! it as Unix milliseconds (`now_ms`). Ids of new rows are random UUID-v4
//! text ids (see the `id` module) unless the caller brings its own.
//!
//! The domain types ([`Agency`], [`Contact`], [`ContactDraft`], [`Stage`])
//! live in `axolop-model`, which knows no SQLite, and are re-exported here
//! under their old paths.
//!
//! # Layout
//!
//! - [`store`]: opening (WAL, foreign keys, busy timeout), migrating,
//!   recovering from a corrupt file, and the one-transaction-per-write rule.
//! - `migrations`: the schema history as an ordered list; version in
//!   `PRAGMA user_version`.
//! - `recovery`: telling corruption from other failures; moving a corrupt
//!   file (and its `-wal`/`-shm`) aside, keeping the three newest copies.
//! - `private`: the database's files are its user's alone (Unix `0600`).
//! - [`agency`]: agencies, scoped by owner.
//! - [`selection`]: each owner's persisted agency selection.
//! - [`contact`]: reading contacts page by page; validating drafts.
//! - [`editor_drafts`]: each window's contact editor draft, kept as typed.
//! - `contact_changes`: create, update, delete and bulk insert, with
//!   optimistic concurrency on the contact version.
//! - [`outbox`]: the contact changes still to push to Supabase, in line.
//! - [`pull`]: applying a page the server sent to the cache.
//! - [`stage`]: how the pipeline stage of a contact is stored.
//! - [`validation`]: the limits every value must pass before it is written.
//! - `id`: random ids.
//! - [`error`]: the crate's error enum.

pub mod agency;
pub mod contact;
mod contact_changes;
pub mod editor_drafts;
pub mod error;
mod id;
mod migrations;
pub mod outbox;
mod private;
pub mod pull;
mod recovery;
pub mod selection;
pub mod stage;
pub mod store;
pub mod validation;

pub use agency::Agency;
pub use contact::{Contact, ContactDraft};
pub use editor_drafts::EditorDraft;
pub use error::{Result, StoreError};
pub use migrations::SCHEMA_VERSION;
pub use outbox::{ChangeKind, OutboxEntry};
pub use pull::{Pulled, ServerContact};
pub use selection::StoredSelection;
pub use stage::Stage;
pub use store::{Opened, Store};
