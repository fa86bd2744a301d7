//! What each CRM window showed: the contact open in its editor and how far
//! its contact list was scrolled. The page reports it as it changes; the
//! layout keeps it with the window's place, and the window's next page
//! (after a restart) gets it back from `window_resume`.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The largest scroll offset kept, in CSS pixels (a million rows' worth is
/// far less).
const SCROLL_MAX: u32 = 50_000_000;

/// What a window showed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WindowView {
    /// The contact open in the editor (`None`: no editor open, or a new
    /// contact's, whose text the draft keeps).
    pub contact: Option<String>,
    /// How far the contact list was scrolled, in CSS pixels.
    pub scroll: u32,
}

impl WindowView {
    /// Refuses a view no page shows (`invalid_argument`).
    pub fn check(&self) -> Result<()> {
        if let Some(contact) = &self.contact {
            let chars = contact.chars().count();
            if chars == 0 || chars > 128 || contact.chars().any(char::is_whitespace) {
                return Err(Error::InvalidArgument {
                    command: "window_view",
                    reason: "view.contact must be a contact id".into(),
                });
            }
        }
        if self.scroll > SCROLL_MAX {
            return Err(Error::InvalidArgument {
                command: "window_view",
                reason: format!("view.scroll must be at most {SCROLL_MAX}"),
            });
        }
        Ok(())
    }
}

/// What a window's page starts from: the view it showed and its editor's
/// draft, if it had one (after a restart, or a crash).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct WindowResume {
    /// What the window showed.
    pub view: WindowView,
    /// Its editor's unsaved text, to offer back.
    pub draft: Option<axolop_store::EditorDraft>,
}

/// Each window's view, by label; managed as Tauri state.
#[derive(Default)]
pub struct Views(Mutex<HashMap<String, WindowView>>);

/// Window `label`'s view (the default if it reported none).
pub fn of<R: Runtime>(app: &AppHandle<R>, label: &str) -> WindowView {
    app.try_state::<Views>()
        .and_then(|views| views.0.lock().ok()?.get(label).cloned())
        .unwrap_or_default()
}

/// Window `label` shows `view` now (a restored window's view is set this
/// way before its page asks for it).
pub fn set<R: Runtime>(app: &AppHandle<R>, label: &str, view: WindowView) {
    if let Some(views) = app.try_state::<Views>() {
        let mut views = views.0.lock().unwrap_or_else(|p| p.into_inner());
        views.insert(label.to_owned(), view);
    }
}

/// A window left: its view goes with it.
pub fn forget<R: Runtime>(app: &AppHandle<R>, label: &str) {
    if let Some(views) = app.try_state::<Views>() {
        views
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(label);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_names_a_contact_id_and_a_bounded_scroll() {
        let view = |contact: Option<&str>, scroll| WindowView {
            contact: contact.map(str::to_owned),
            scroll,
        };
        assert!(view(Some("c-1"), 480).check().is_ok());
        assert!(view(None, 0).check().is_ok());
        assert!(view(Some(""), 0).check().is_err());
        assert!(view(Some("a b"), 0).check().is_err());
        assert!(view(None, SCROLL_MAX + 1).check().is_err());
    }
}
