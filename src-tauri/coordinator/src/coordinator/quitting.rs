//! Unsaved editors and the quit that asks about them.

use super::Coordinator;
use crate::error::Result;
use crate::event::Event;
use crate::quit::{QuitAnswer, QuitStage, QuitStatus, UnsavedEditor};
use crate::window::WindowLabel;

impl Coordinator {
    /// The unsaved editors and where a quit stands.
    pub fn quit_status(&self) -> &QuitStatus {
        &self.quit
    }

    /// `window`'s editor now holds unsaved changes to `subject`, or (`None`)
    /// none. A pending quit goes ahead when the last editor is clean.
    pub fn editor_unsaved(&mut self, window: &WindowLabel, subject: Option<&str>) -> Result<()> {
        self.windows.state(window)?;
        let editor = subject.map(|subject| UnsavedEditor::reported(window, subject));
        self.change_quit(|quit| {
            quit.set(window, editor);
            quit.settle();
        });
        Ok(())
    }

    /// Quit was chosen (File > Quit, Ctrl+Q). With no unsaved editor the
    /// app quits at once; otherwise the primary asks. Returns the stage.
    pub fn quit_requested(&mut self) -> QuitStage {
        self.change_quit(|quit| {
            quit.request();
        });
        self.quit.stage
    }

    /// `window` answers the quit question. Save and discard come from the
    /// window presenting it (the primary); any window may cancel (one whose
    /// save failed does). Refused answers change nothing.
    pub fn quit_answer(&mut self, window: &WindowLabel, answer: QuitAnswer) -> Result<QuitStage> {
        self.windows.state(window)?;
        if answer != QuitAnswer::Cancel {
            self.modal
                .require_presenter(window, crate::modal::ModalKind::Quit)?;
        }
        let mut quit = self.quit.clone();
        quit.answer(answer)?;
        self.change_quit(|current| *current = quit);
        Ok(self.quit.stage)
    }

    /// A window left or its page reloaded: its editor went with it (its
    /// draft did not). A quit asking stays asking; one saving goes ahead
    /// once nothing else is left to save.
    pub(super) fn forget_editor(&mut self, window: &WindowLabel) {
        if self.quit.editors.iter().any(|held| held.window == *window) {
            self.change_quit(|quit| {
                quit.set(window, None);
                quit.settle();
            });
        }
    }

    /// Applies `change`, and tells the windows (and replans the modal) if
    /// it changed anything.
    fn change_quit(&mut self, change: impl FnOnce(&mut QuitStatus)) {
        let before = self.quit.clone();
        change(&mut self.quit);
        if self.quit != before {
            self.log.stamp(Event::QuitChanged(self.quit.clone()));
            self.replan_modal();
        }
    }
}
