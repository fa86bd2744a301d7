//! An agency (tenant) of the CRM, as every window and the store see it.

use serde::Serialize;
use ts_rs::TS;

/// An agency (tenant) of the CRM, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Agency {
    /// Its id (a UUID-v4 text id for agencies created here).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// When it was created, Unix ms (0 when a v1 database did not record it).
    pub created_at: u64,
}
