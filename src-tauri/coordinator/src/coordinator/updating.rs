//! The update the shell's check found, and its download and install.

use super::Coordinator;
use crate::error::Result;
use crate::event::Event;
use crate::modal::ModalKind;
use crate::update::{UpdateAnswer, UpdateOffer, UpdateStatus};
use crate::window::WindowLabel;

impl Coordinator {
    /// Where an update stands.
    pub fn update_status(&self) -> &UpdateStatus {
        &self.update
    }

    /// A check found `offer`.
    pub fn update_found(&mut self, offer: UpdateOffer) {
        self.change_update(|update| {
            update.found(offer);
            true
        });
    }

    /// `window` answers the update modal, or (`Show`) its badge. Install
    /// comes from the presenter only. Returns whether the shell must start
    /// the download.
    pub fn update_answer(&mut self, window: &WindowLabel, answer: UpdateAnswer) -> Result<bool> {
        self.windows.state(window)?;
        if answer != UpdateAnswer::Show {
            self.modal.require_presenter(window, ModalKind::Update)?;
        }
        let mut update = self.update.clone();
        let download = update.answer(answer)?;
        self.change_update(|current| {
            *current = update;
            true
        });
        Ok(download)
    }

    /// The download received `received` of `total` bytes.
    pub fn update_progressed(&mut self, received: u64, total: Option<u64>) {
        self.change_update(|update| update.progressed(received, total));
    }

    /// The download verified and is being installed.
    pub fn update_installing(&mut self) {
        self.change_update(UpdateStatus::installing);
    }

    /// The download or install failed; `message` is for the user.
    pub fn update_failed(&mut self, message: String) {
        self.change_update(|update| update.failed(message));
    }

    fn change_update(&mut self, change: impl FnOnce(&mut UpdateStatus) -> bool) {
        let before = self.update.clone();
        change(&mut self.update);
        if self.update != before {
            self.log.stamp(Event::UpdateChanged(self.update.clone()));
            self.replan_modal();
        }
    }
}
