//! Announcing contact changes: the store has accepted them; every window
//! learns of each as `contacts-changed`, numbered in the order they were
//! made.

use super::Coordinator;
use crate::contacts::ContactsChange;
use crate::event::Event;

impl Coordinator {
    /// A window's change to a contact was stored. Announced even if that
    /// window has closed meanwhile: the change is in the store, and the
    /// other windows must show it.
    pub fn contacts_changed(&mut self, change: ContactsChange) {
        self.log.stamp(Event::ContactsChanged(change));
    }
}
