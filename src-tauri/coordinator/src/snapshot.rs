//! The whole coordinator state as one window sees it.
//!
//! A window starts from a snapshot and then applies events with a greater
//! sequence number. Parts owned by later capabilities (session, agency,
//! modals, locks) already have their final shape, filled with what exists.

use serde::Serialize;
use ts_rs::TS;

use crate::agency::AgencySummary;
use crate::election::{PrimaryInfo, Role};
use crate::lock::LockSummary;
use crate::modal::ModalPlan;
use crate::quit::QuitStatus;
use crate::session::SessionSummary;
use crate::sync::SyncStatus;
use crate::update::UpdateStatus;
use crate::window::{WindowLabel, WindowSummary};

/// Everything a window needs to render, as of event `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Snapshot {
    /// The newest event already reflected here; apply only later ones.
    pub seq: u64,
    /// The window that asked, and its role.
    #[serde(rename = "self")]
    #[ts(rename = "self")]
    pub self_: SelfInfo,
    /// The current primary, if any.
    pub primary: Option<PrimaryInfo>,
    /// Every open window, oldest first.
    pub windows: Vec<WindowSummary>,
    /// The sign-in state shared by every window.
    pub session: SessionSummary,
    /// The selected agency shared by every window.
    pub agency: AgencySummary,
    /// Which mandatory modal is required, and which window presents it.
    pub modal: ModalPlan,
    /// The named locks that are held or awaited.
    pub locks: Vec<LockSummary>,
    /// The device's standing with the server (Supabase mode).
    pub sync: SyncStatus,
    /// The unsaved editors, and a quit that asks about them.
    pub quit: QuitStatus,
    /// An update found, downloading, installing or failed.
    pub update: UpdateStatus,
}

/// The asking window and its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SelfInfo {
    /// The asking window's label.
    pub label: WindowLabel,
    /// Whether the asking window is primary.
    pub role: Role,
    /// How often the asking page beats, in milliseconds (half the
    /// heartbeat timeout).
    #[serde(rename = "beatMs")]
    #[ts(rename = "beatMs")]
    pub beat_ms: u64,
}
