//! What the user typed into the presented modal, kept so that the modal
//! moves to a new presenter with the text in it.

use super::Coordinator;
use crate::error::Result;
use crate::modal::{ModalDraft, ModalKind, ModalPlan};
use crate::window::WindowLabel;

impl Coordinator {
    /// The modal plan windows were last told of.
    pub fn modal(&self) -> &ModalPlan {
        &self.modal
    }

    /// The presenting window `window` reports what the user typed into
    /// modal `kind` so far. Another window, or a modal that is not
    /// required, is refused and changes nothing.
    pub fn modal_draft_report(
        &mut self,
        window: &WindowLabel,
        kind: ModalKind,
        text: String,
    ) -> Result<()> {
        self.windows.state(window)?;
        self.modal_draft = Some(ModalDraft::reported(&self.modal, window, kind, text)?);
        Ok(())
    }

    /// The draft of the required modal, typed in a window that still lives;
    /// the presenter starts from it.
    pub fn modal_draft(&self) -> Option<&ModalDraft> {
        self.modal_draft
            .as_ref()
            .filter(|draft| Some(draft.kind) == self.modal.required)
    }
}
