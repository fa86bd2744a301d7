//! The sync status: reported by the shell's sync engine, told to every
//! window as `sync-changed` only when it changes; and a sign-out held up by
//! changes not yet on the server (the primary asks what to do with them).

use super::Coordinator;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::sync::{SignOutIntent, SyncStatus};

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
            SyncStatus {
                signing_out: self.sign_out == SignOutIntent::WhenSent,
                ..status
            }
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

impl Coordinator {
    /// Where a sign-out held up by unsent changes stands.
    pub fn sign_out_intent(&self) -> SignOutIntent {
        self.sign_out
    }

    /// The user asked to sign out while changes wait to be pushed: the
    /// primary asks whether to wait for them or discard them. Refused
    /// (`signed_out`) while nobody is signed in.
    pub fn sign_out_ask(&mut self) -> Result<()> {
        self.sign_out_becomes(SignOutIntent::Asking)
    }

    /// The user chose to wait: the app signs out once nothing waits (the
    /// shell's sync engine does it). Refused while nobody is signed in.
    pub fn sign_out_when_sent(&mut self) -> Result<()> {
        self.sign_out_becomes(SignOutIntent::WhenSent)
    }

    /// The user chose to stay signed in: no sign-out is pending any more.
    pub fn sign_out_cancel(&mut self) {
        let _ = self.sign_out_becomes(SignOutIntent::None);
    }

    fn sign_out_becomes(&mut self, intent: SignOutIntent) -> Result<()> {
        if intent != SignOutIntent::None && !self.session.is_signed_in() {
            return Err(Error::SignedOut);
        }
        self.sign_out = intent;
        self.replan_modal();
        let status = self.sync.clone();
        self.sync_reported(status);
        Ok(())
    }
}
