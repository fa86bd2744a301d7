//! The sync status: reported by the shell's sync engine, told to every
//! window as `sync-changed` only when it changes.

use super::Coordinator;
use crate::event::Event;
use crate::sync::SyncStatus;

impl Coordinator {
    /// The device's standing with the server.
    pub fn sync_status(&self) -> &SyncStatus {
        &self.sync
    }

    /// The sync engine's latest status. Returns whether it was news (and
    /// so told to the windows). While nobody may use the CRM (signed out)
    /// the status is off, whatever an exchange that was out reports late.
    pub fn sync_reported(&mut self, status: SyncStatus) -> bool {
        let status = if self.session.may_use_crm() {
            status
        } else {
            SyncStatus::default()
        };
        if self.sync == status {
            return false;
        }
        self.sync = status.clone();
        self.log.stamp(Event::SyncChanged(status));
        true
    }
}
