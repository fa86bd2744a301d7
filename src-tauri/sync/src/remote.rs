//! Rows as the server has them (`supabase/migrations`), as PostgREST's JSON
//! renders them: ids and users as UUID text, times as ISO 8601 text, and
//! the server-assigned `version` and `change_seq` as numbers.

use axolop_model::Stage;
use serde::{Deserialize, Serialize};

/// A contact row, tombstones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteContact {
    pub id: String,
    pub agency_id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub stage: Stage,
    pub notes: String,
    pub version: u64,
    pub updated_at: String,
    pub updated_by: Option<String>,
    /// Set when the contact was deleted: a tombstone.
    pub deleted_at: Option<String>,
    /// The writing transaction's id; pulls read in this order.
    pub change_seq: i64,
}

impl RemoteContact {
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// The fields a device sends for a contact: everything the app edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactFields {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub stage: Stage,
    pub notes: String,
}

/// An agency row.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteAgency {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub version: u64,
    pub change_seq: i64,
}
