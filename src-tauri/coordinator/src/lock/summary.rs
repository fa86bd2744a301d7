//! What every window sees of the locks: who holds and who awaits each one,
//! and which leases ended and why.

use serde::Serialize;
use ts_rs::TS;

use super::request::{LockMode, LockName};
use crate::window::WindowLabel;

/// A named lock that is held or awaited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LockSummary {
    /// The lock's name.
    pub name: LockName,
    /// The mode of the current holders; with none, of the first waiter; with
    /// neither, of the last grant.
    pub mode: LockMode,
    /// The windows holding it, in grant order.
    pub holders: Vec<WindowLabel>,
    /// The windows waiting for it, in grant order.
    pub waiting: Vec<WindowLabel>,
    /// The fence number of the newest grant (0 before the first).
    pub fence: u64,
}

impl LockSummary {
    /// Whether nobody holds or awaits the lock.
    pub fn is_free(&self) -> bool {
        self.holders.is_empty() && self.waiting.is_empty()
    }
}

/// Why a lease ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum EndReason {
    /// Its holder released it.
    Released,
    /// Its lease time ran out.
    Expired,
    /// Its window closed.
    WindowClosed,
    /// Its window's page reloaded: the new page is a new holder.
    WindowReloaded,
    /// Its window stopped answering.
    WindowUnresponsive,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EndReason::Released => "it was released",
            EndReason::Expired => "its lease expired",
            EndReason::WindowClosed => "the window closed",
            EndReason::WindowReloaded => "the window reloaded",
            EndReason::WindowUnresponsive => "the window stopped responding",
        })
    }
}

/// A lease that ended, as its holder (and everyone else) learns of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LeaseEnd {
    /// The window that held it.
    pub window: WindowLabel,
    /// The fence number of the grant that ended.
    pub fence: u64,
    /// Why it ended.
    pub reason: EndReason,
}

/// The `lock-changed` event: one lock's state after a change, and the leases
/// of it that the change ended. A free lock (no holders, no waiters) leaves
/// the snapshot's lock list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LockChange {
    /// The lock as it is now.
    #[serde(flatten)]
    pub lock: LockSummary,
    /// The leases the change ended, oldest first.
    pub ended: Vec<LeaseEnd>,
}
