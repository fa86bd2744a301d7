//! Axolop CRM's data in the user's Supabase project, through PostgREST.
//!
//! This crate is the wire: [`Rest`] speaks exactly the PostgREST subset the
//! sync engine needs (and `tests/postgrest` documents), against the schema
//! in `supabase/migrations`:
//!
//! - **Pull**: [`Rest::watermark`] first, then [`Rest::contacts_changed`]
//!   keyset page by keyset page from the previous watermark, in
//!   `(change_seq, id)` order.
//!   The next pull starts at this pull's watermark, so a transaction that
//!   commits late is never skipped (see the migration's header).
//! - **Push**: [`Rest::insert_contact`] with the client's id, ignoring a
//!   duplicate (a retried insert that already landed adds nothing), and
//!   [`Rest::update_contact`] filtered on the version the edit was based on:
//!   no row back is a [`Pushed::Conflict`]. A deletion is an update that
//!   sets `deleted_at` (a tombstone other devices pull).
//! - **Agencies**: [`Rest::agencies`] and [`Rest::create_agency`].
//!
//! Every request carries the project's `apikey` and the session's access
//! token; neither is ever logged or put in an error. [`SyncError`] says what
//! the engine must do next: refresh and retry once, wait for the network, or
//! give up on this change.
//!
//! # Layout
//!
//! - [`exchange`]: one push of the outbox and one pull of an agency,
//!   between the client and the local store.
//! - [`rest`]: the client.
//! - [`remote`]: rows as the server has them.
//! - [`error`]: what went wrong, by what to do about it.

pub mod error;
pub mod exchange;
pub mod remote;
pub mod rest;

pub use error::{Result, SyncError};
pub use remote::{RemoteAgency, RemoteContact};
pub use rest::{Page, Pushed, Rest};
