//! Quitting with unsaved work: which windows' editors hold changes, and the
//! one question a quit asks about all of them.
//!
//! In the browser every tab asked on its own, or none did. Here a quit
//! (File > Quit, Ctrl+Q) that finds unsaved editors is one question, in the
//! primary, listing each; every other window shows that a quit waits and
//! where. Cancelling leaves every window as it was.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::window::WindowLabel;

/// The longest subject an editor may report, in characters (a contact's
/// name fits many times over).
pub const SUBJECT_MAX_CHARS: usize = 200;

/// A window whose editor holds changes not yet saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UnsavedEditor {
    /// The window.
    pub window: WindowLabel,
    /// What is being edited, as the user knows it ("Jane Doe").
    pub subject: String,
}

impl UnsavedEditor {
    /// An editor reported by `window`, its subject trimmed and cut to
    /// [`SUBJECT_MAX_CHARS`]: a long name still counts as unsaved work (a
    /// refusal here would let a close or a quit go without asking).
    pub fn reported(window: &WindowLabel, subject: &str) -> Self {
        let subject = subject.trim();
        let subject = if subject.is_empty() {
            "a new contact".to_owned()
        } else if subject.chars().count() > SUBJECT_MAX_CHARS {
            let cut: String = subject.chars().take(SUBJECT_MAX_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        } else {
            subject.to_owned()
        };
        Self {
            window: window.clone(),
            subject,
        }
    }
}

/// Where a quit stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum QuitStage {
    /// Nobody asked to quit.
    #[default]
    Idle,
    /// A quit waits for the user's answer about the unsaved editors.
    Asking,
    /// The user chose to save: each editor is saving, and the app quits
    /// when none holds changes.
    Saving,
    /// Nothing holds the quit back: the app is ending.
    Quitting,
}

/// The user's answer to the quit question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum QuitAnswer {
    /// Save every editor, then quit.
    Save,
    /// Drop every editor's changes and quit.
    Discard,
    /// Do not quit.
    Cancel,
}

/// The unsaved editors and the quit, as every window sees them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct QuitStatus {
    /// Where a quit stands.
    pub stage: QuitStage,
    /// The windows whose editors hold unsaved changes, by window number.
    pub editors: Vec<UnsavedEditor>,
}

impl QuitStatus {
    /// Whether a quit waits on the user (asking) or on the editors (saving).
    pub fn is_pending(&self) -> bool {
        matches!(self.stage, QuitStage::Asking | QuitStage::Saving)
    }

    /// Records `window`'s editor: holding changes (`Some`) or not.
    pub(crate) fn set(&mut self, window: &WindowLabel, editor: Option<UnsavedEditor>) {
        self.editors.retain(|held| held.window != *window);
        if let Some(editor) = editor {
            self.editors.push(editor);
            self.editors.sort_by_key(|held| {
                (
                    held.window.number().unwrap_or(u64::MAX),
                    held.window.clone(),
                )
            });
        }
    }

    /// A quit the user chose to save goes ahead once no editor holds
    /// changes. One still asking waits for its answer, even if the list
    /// emptied meanwhile (a window crashed or closed: its draft is still
    /// kept, and the user has not said to go). Returns whether the stage
    /// moved.
    pub(crate) fn settle(&mut self) -> bool {
        if self.stage == QuitStage::Saving && self.editors.is_empty() {
            self.stage = QuitStage::Quitting;
            return true;
        }
        false
    }

    /// A quit was asked for: it asks about the unsaved editors, or goes
    /// ahead when there are none. A quit already under way stays as it is.
    /// Returns whether the stage moved.
    pub(crate) fn request(&mut self) -> bool {
        if self.stage != QuitStage::Idle {
            return false;
        }
        self.stage = if self.editors.is_empty() {
            QuitStage::Quitting
        } else {
            QuitStage::Asking
        };
        true
    }

    /// Applies the user's answer. Cancelling works while the quit waits on
    /// the user or on saving editors (a save that failed cancels it);
    /// saving or discarding only while it asks.
    pub(crate) fn answer(&mut self, answer: QuitAnswer) -> Result<()> {
        let next = match (self.stage, answer) {
            (QuitStage::Asking | QuitStage::Saving, QuitAnswer::Cancel) => QuitStage::Idle,
            (QuitStage::Asking, QuitAnswer::Save) => QuitStage::Saving,
            (QuitStage::Asking, QuitAnswer::Discard) => QuitStage::Quitting,
            (stage, _) => {
                return Err(Error::InvalidArgument {
                    reason: format!("no quit waits for that answer (the quit is {stage:?})")
                        .to_lowercase(),
                })
            }
        };
        self.stage = next;
        if answer == QuitAnswer::Discard {
            self.editors.clear();
        }
        // Saving with nothing left to save (the listed windows closed) goes
        // ahead at once.
        self.settle();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(number: u64, subject: &str) -> UnsavedEditor {
        UnsavedEditor::reported(&WindowLabel::numbered(number), subject)
    }

    fn holding(numbers: &[u64]) -> QuitStatus {
        let mut status = QuitStatus::default();
        for &number in numbers {
            status.set(&WindowLabel::numbered(number), Some(editor(number, "Jane")));
        }
        status
    }

    #[test]
    fn editors_are_listed_by_window_number_once_each() {
        let mut status = holding(&[10, 2, 3]);
        status.set(&WindowLabel::numbered(2), Some(editor(2, "June")));
        let listed: Vec<_> = status
            .editors
            .iter()
            .map(|e| (e.window.number().unwrap(), e.subject.as_str()))
            .collect();
        assert_eq!(listed, [(2, "June"), (3, "Jane"), (10, "Jane")]);
        status.set(&WindowLabel::numbered(3), None);
        assert_eq!(status.editors.len(), 2);
    }

    #[test]
    fn a_quit_with_nothing_unsaved_goes_ahead_at_once() {
        let mut status = QuitStatus::default();
        assert!(status.request());
        assert_eq!(status.stage, QuitStage::Quitting);
    }

    #[test]
    fn a_quit_with_unsaved_editors_asks_and_cancel_leaves_them_as_they_were() {
        let mut status = holding(&[1, 2]);
        assert!(status.request());
        assert_eq!(status.stage, QuitStage::Asking);
        assert!(!status.request(), "a second Ctrl+Q asks nothing new");
        status.answer(QuitAnswer::Cancel).unwrap();
        assert_eq!(status, holding(&[1, 2]));
    }

    #[test]
    fn saving_quits_when_the_last_editor_is_saved() {
        let mut status = holding(&[1, 2]);
        status.request();
        status.answer(QuitAnswer::Save).unwrap();
        status.set(&WindowLabel::numbered(1), None);
        assert!(!status.settle());
        status.set(&WindowLabel::numbered(2), None);
        assert!(status.settle());
        assert_eq!(status.stage, QuitStage::Quitting);
    }

    #[test]
    fn discarding_quits_and_answers_out_of_turn_change_nothing() {
        let mut status = holding(&[1]);
        assert!(
            status.answer(QuitAnswer::Save).is_err(),
            "nothing asked yet"
        );
        status.request();
        status.answer(QuitAnswer::Discard).unwrap();
        assert_eq!(status.stage, QuitStage::Quitting);
        assert!(status.editors.is_empty());
        let before = status.clone();
        assert!(status.answer(QuitAnswer::Cancel).is_err());
        assert_eq!(status, before);
    }

    #[test]
    fn a_subject_is_trimmed_named_and_cut() {
        assert_eq!(editor(1, "  Jane Doe ").subject, "Jane Doe");
        assert_eq!(editor(1, " ").subject, "a new contact");
        let long = editor(1, &"x".repeat(SUBJECT_MAX_CHARS + 50));
        assert_eq!(long.subject.chars().count(), SUBJECT_MAX_CHARS);
        assert!(long.subject.ends_with('…'));
    }
}
