//! Changes to the contacts of an agency, as every window learns of them.
//!
//! The contacts themselves live in the store; the coordinator only numbers
//! and delivers each accepted change, so that a save in one window shows in
//! every other within a frame or two, in the order the store applied them.
//!
//! The order of the list has one owner, the store: a change says where the
//! contact stands in it, and a page says which event it is up to date with,
//! so a window keeps its copy in order without ordering anything itself.

use axolop_model::Contact;
use serde::Serialize;
use ts_rs::TS;

use crate::window::WindowLabel;

/// One accepted change to one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactsChange {
    /// The agency whose contacts changed.
    pub agency_id: String,
    /// The window that made the change; `None` for a change that came
    /// from the server (made on another device, or by another member).
    pub by: Option<WindowLabel>,
    /// What changed.
    pub change: ContactChange,
}

/// What happened to the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum ContactChange {
    /// Created or updated: the contact as stored now.
    Saved {
        /// The contact, with its new version.
        contact: Box<Contact>,
        /// Where it stands in the agency's list now (how many contacts come
        /// before it, in `contacts_list` order): a window removes it from
        /// where it was and inserts it here.
        position: u64,
    },
    /// Deleted.
    Deleted {
        /// The deleted contact's id.
        id: String,
        /// The version it had when it was deleted.
        version: u64,
        /// Where it stood in the agency's list.
        position: u64,
    },
    /// Many contacts changed at once (a page pulled from the server): one
    /// event instead of one per contact, and the window reads its list
    /// again.
    Refreshed {
        /// How many contacts changed.
        count: u64,
    },
}

/// One page of the selected agency's contacts, as `contacts_list` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ContactsPage {
    /// The agency they belong to: a page of another agency than the one a
    /// window now shows is stale.
    pub agency_id: String,
    /// How many contacts the agency has in all.
    pub total: u64,
    /// The position of the first contact of the page in the whole list.
    pub offset: u64,
    /// The contacts, by name (case-insensitive), then id.
    pub contacts: Vec<Contact>,
    /// The newest event when the page was read: the page shows every
    /// contact change up to it, and none after it.
    pub seq: u64,
}
