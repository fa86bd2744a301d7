//! The domain types that more than one crate speaks: the coordinator carries
//! them in events and snapshots, the store reads and writes them, the UI gets
//! their TypeScript bindings.
//!
//! Plain data only: no SQLite, no Tauri, no I/O, so that the Tauri-free
//! coordinator can name a contact without compiling a database. How a value
//! is stored (SQL columns, validation before a write) is the store's business.
//!
//! # Layout
//!
//! - [`agency`]: an agency (tenant) as the UI shows it.
//! - [`contact`]: a stored contact, and the draft a window sends to save one.
//! - [`editor_draft`]: a contact editor's unsaved text, kept as typed.
//! - [`stage`]: the pipeline stage of a contact, and its text names.
//! - [`email`]: the one length limit of an email address.

pub mod agency;
pub mod contact;
pub mod editor_draft;
pub mod email;
pub mod stage;

pub use agency::Agency;
pub use contact::{Contact, ContactDraft};
pub use editor_draft::EditorDraft;
pub use email::EMAIL_MAX_CHARS;
pub use stage::Stage;
