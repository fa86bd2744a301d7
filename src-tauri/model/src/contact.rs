//! Contacts of an agency: the stored contact every window is shown, and the
//! draft a window sends to create or update one.
//!
//! Invariant (kept by the store): `version` starts at 1 and grows by one with
//! every accepted update.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::stage::Stage;

/// A contact as stored, with its concurrency version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Its id (a UUID-v4 text id unless the caller chose one).
    pub id: String,
    /// The agency it belongs to.
    pub agency_id: String,
    /// Display name (1 to 120 characters).
    pub name: String,
    /// Email address, or empty.
    pub email: String,
    /// Phone number, or empty.
    pub phone: String,
    /// Company name, or empty.
    pub company: String,
    /// Pipeline stage.
    pub stage: Stage,
    /// Free-text notes, or empty.
    pub notes: String,
    /// Concurrency version: 1 when created, plus one per update.
    pub version: u64,
    /// When it was last written, Unix ms.
    pub updated_at: u64,
    /// The label of the window that last wrote it (the user id, for a
    /// change that came from the server).
    pub updated_by: String,
    /// An edit made on this computer lost to a newer version from the
    /// server, and is kept for the user to compare (Supabase mode; see the
    /// store's `conflict`).
    pub conflict: bool,
}

impl Contact {
    /// Its editable fields, as a draft that updates it.
    pub fn draft(&self) -> ContactDraft {
        ContactDraft {
            id: Some(self.id.clone()),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            company: self.company.clone(),
            stage: self.stage,
            notes: self.notes.clone(),
        }
    }
}

/// What a window sends to create (`id` absent) or update a contact.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(default, rename_all = "camelCase")]
pub struct ContactDraft {
    /// The contact to update; absent to create a new one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub id: Option<String>,
    /// Display name (trimmed; 1 to 120 characters).
    pub name: String,
    /// Email address, or empty.
    pub email: String,
    /// Phone number, or empty (at most 120 characters).
    pub phone: String,
    /// Company name, or empty (at most 120 characters).
    pub company: String,
    /// Pipeline stage (`lead` if absent).
    pub stage: Stage,
    /// Free-text notes (at most 10,000 characters).
    pub notes: String,
}
