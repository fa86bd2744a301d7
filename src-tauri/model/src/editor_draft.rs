//! What a window's contact editor holds, kept as it is typed so that a
//! crash or a kill loses nothing: the next launch offers it back.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::contact::ContactDraft;

/// An editor's unsaved text, and what it edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EditorDraft {
    /// The agency the editor was opened in.
    pub agency_id: String,
    /// The version of the contact the edit started from (`None`: a new
    /// contact). `fields.id` names the contact.
    pub base_version: Option<u64>,
    /// The fields as typed: not validated (a half-typed email is kept).
    pub fields: ContactDraft,
}
