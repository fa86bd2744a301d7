//! Mandatory modals: which one the CRM needs answered before it can be used,
//! which window presents it, and what the user typed into it so far.
//!
//! In the browser every tab popped the same modal. Here the plan is one
//! value: the required modal (`sign-in` while nobody is signed in,
//! `unsent-changes` while a sign-out waits on the user's answer, then
//! `agency-selection` while no agency is selected) and its presenter, the
//! primary. When the primary changes the modal moves, and the text the user
//! had typed moves with it as long as the window that reported it lives.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::window::WindowLabel;

/// The longest draft text kept, in characters (an email address or an
/// agency name fits many times over).
pub const DRAFT_MAX_CHARS: usize = 320;

/// A modal that must be answered before the CRM can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ModalKind {
    /// Sign in to Supabase.
    SignIn,
    /// Pick or create an agency.
    AgencySelection,
    /// A sign-out was asked for while changes made here are not yet on the
    /// server: wait for them, discard them, or stay signed in.
    UnsentChanges,
    /// Quit was chosen while editors hold unsaved changes: save them,
    /// discard them, or keep working.
    Quit,
    /// An update is available, downloading, installing, or failed.
    Update,
}

/// Which modal is required and which window presents it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct ModalPlan {
    /// The required modal, if any.
    pub required: Option<ModalKind>,
    /// The window presenting it: the primary.
    pub presenter: Option<WindowLabel>,
}

/// What the user typed into the presented modal: the sign-in email or the
/// name of a new agency. Never a password: the page does not report one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ModalDraft {
    /// The modal it was typed into.
    pub kind: ModalKind,
    /// The text, at most [`DRAFT_MAX_CHARS`] characters.
    pub text: String,
    /// The window it was typed in.
    pub window: WindowLabel,
}

impl ModalPlan {
    /// Refuses (`invalid_argument`) unless modal `kind` is required and
    /// `window` presents it: only the presenter answers a modal, or types
    /// into it.
    pub fn require_presenter(&self, window: &WindowLabel, kind: ModalKind) -> Result<()> {
        if self.required != Some(kind) {
            return Err(Error::InvalidArgument {
                reason: format!("no {} modal is open", kind.name()),
            });
        }
        if self.presenter.as_ref() != Some(window) {
            return Err(Error::InvalidArgument {
                reason: format!("{window} does not present the {} modal", kind.name()),
            });
        }
        Ok(())
    }
}

impl ModalDraft {
    /// A draft reported by `window`, which must present the modal of `plan`.
    pub fn reported(
        plan: &ModalPlan,
        window: &WindowLabel,
        kind: ModalKind,
        text: String,
    ) -> Result<Self> {
        plan.require_presenter(window, kind)?;
        let chars = text.chars().count();
        if chars > DRAFT_MAX_CHARS {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "a modal draft is at most {DRAFT_MAX_CHARS} characters, not {chars}"
                ),
            });
        }
        Ok(Self {
            kind,
            text,
            window: window.clone(),
        })
    }
}

impl ModalKind {
    /// The modal's wire name.
    pub fn name(self) -> &'static str {
        match self {
            ModalKind::SignIn => "sign-in",
            ModalKind::AgencySelection => "agency-selection",
            ModalKind::UnsentChanges => "unsent-changes",
            ModalKind::Quit => "quit",
            ModalKind::Update => "update",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(presenter: u64) -> ModalPlan {
        ModalPlan {
            required: Some(ModalKind::AgencySelection),
            presenter: Some(WindowLabel::numbered(presenter)),
        }
    }

    #[test]
    fn only_the_presenter_reports_a_draft_of_the_required_modal() {
        let window = WindowLabel::numbered(1);
        assert!(
            ModalDraft::reported(&plan(1), &window, ModalKind::AgencySelection, "Ac".into())
                .is_ok()
        );
        assert!(
            ModalDraft::reported(&plan(2), &window, ModalKind::AgencySelection, "Ac".into())
                .is_err()
        );
        assert!(ModalDraft::reported(&plan(1), &window, ModalKind::SignIn, "a@b".into()).is_err());
    }

    #[test]
    fn a_draft_is_bounded() {
        let window = WindowLabel::numbered(1);
        let long = "x".repeat(DRAFT_MAX_CHARS + 1);
        let error =
            ModalDraft::reported(&plan(1), &window, ModalKind::AgencySelection, long).unwrap_err();
        assert!(error.to_string().contains("at most 320"));
    }

    #[test]
    fn kinds_serialise_as_their_names() {
        for kind in [
            ModalKind::SignIn,
            ModalKind::AgencySelection,
            ModalKind::UnsentChanges,
            ModalKind::Quit,
            ModalKind::Update,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }
}
