//! Where the device stands with the server (Supabase mode): whether the
//! last exchange got through, how many changes made here wait to be
//! pushed, and how far a first sync has come.
//!
//! The shell's sync engine reports; the coordinator only keeps the status
//! and tells every window when it changes (`sync-changed`), so a status
//! that holds still costs no event, however often the engine polls.

use serde::Serialize;
use ts_rs::TS;

/// The device's standing with the server, as every window shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// What the engine is doing.
    pub state: SyncState,
    /// Changes saved on this device and not yet on the server.
    pub waiting: u64,
    /// A pull under way that has more than one page to read: how far it
    /// has come. `None` otherwise.
    pub progress: Option<SyncProgress>,
    /// Why the server could not be reached or refused, in a sentence;
    /// `None` while it answers.
    pub problem: Option<String>,
    /// The user chose to sign out once these changes are sent (the
    /// coordinator's, whatever the engine reports).
    pub signing_out: bool,
}

/// A sign-out held up by changes not yet on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SignOutIntent {
    /// None asked for.
    #[default]
    None,
    /// Asked for while changes waited: the primary asks whether to wait for
    /// them or discard them (the `unsent-changes` modal).
    Asking,
    /// The user chose to wait: the app signs out once nothing waits.
    WhenSent,
}

/// What the sync engine is doing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SyncState {
    /// Nothing to sync with: local mode, or nobody signed in.
    #[default]
    Off,
    /// An exchange is under way for the first time since sign-in or start.
    Syncing,
    /// The last exchange got through.
    Online,
    /// The last exchange could not reach the server; changes wait.
    Offline,
}

/// How far a pull has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// The agency being pulled.
    pub agency_id: String,
    /// Rows cached so far.
    pub rows: u64,
    /// Rows the pull brings in all.
    pub total: u64,
}
