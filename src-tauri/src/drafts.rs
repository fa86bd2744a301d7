//! Each window's contact editor draft, kept in the store as it is typed,
//! so that after a crash or a kill the next launch offers it back in the
//! same window.
//!
//! A draft is keyed by the window's id, which the layout keeps across
//! restarts. A draft whose window did not come back (the layout was lost,
//! or a crash loop opened one window) is given to a window that came back
//! without one. A draft goes when its editor saves or discards, or when the
//! user discards it at quit.

use tauri::{AppHandle, Manager, Runtime};

use axolop_coordinator::quit::QuitStage;
use axolop_store::EditorDraft;

use crate::crm;
use crate::error::Result;
use crate::hub::Hub;
use crate::timing;
use crate::windows;

/// Keeps `draft` as window `label`'s, or (`None`) drops its draft.
pub async fn keep<R: Runtime>(
    app: &AppHandle<R>,
    label: &str,
    draft: Option<EditorDraft>,
) -> Result<()> {
    let Some(id) = windows::id_of(app, label) else {
        return Ok(()); // not a CRM window: nothing of it is kept
    };
    let label = label.to_owned();
    crm::with_store_and(app, move |store, app| {
        // Checked under the store's lock, which `drop_for` holds too.
        // A draft is kept only while its editor holds unsaved changes: one
        // arriving after the editor said it is clean (saved, discarded) must
        // not bring the text back.
        let stale = app.state::<Hub>().read(|coordinator| {
            let quit = coordinator.quit_status();
            quit.stage == QuitStage::Quitting
                || (draft.is_some() && !quit.editors.iter().any(|e| e.window.as_str() == label))
        });
        let Some(draft) = draft else {
            return Ok(store.drop_draft(&id)?);
        };
        let owner = crm::owner(app)?;
        if stale {
            // Refused as a write would be, but nothing is written.
            return Ok(store.check_draft(&owner, &draft)?);
        }
        Ok(store.keep_draft(&owner, &id, &draft, timing::unix_ms())?)
    })
    .await
}

/// Window `label`'s draft, if it has one that whoever is signed in kept
/// (none while nobody is: it waits for its owner).
pub async fn of<R: Runtime>(app: &AppHandle<R>, label: &str) -> Result<Option<EditorDraft>> {
    let Some(id) = windows::id_of(app, label) else {
        return Ok(None);
    };
    let Ok(owner) = crm::owner(app) else {
        return Ok(None);
    };
    crm::with_store(app, move |store| store.draft(&owner, &id)).await
}

/// Gives the drafts of windows that did not come back to the windows in
/// `restored` (ids, in order) that came back without one. Runs before any
/// restored page asks for its draft.
pub fn adopt_orphans<R: Runtime>(app: &AppHandle<R>, restored: &[String]) {
    let adopted = crm::now(app, |store| {
        let owners = store.draft_windows()?;
        let mut free = restored.iter().filter(|id| !owners.contains(id));
        for orphan in owners.iter().filter(|owner| !restored.contains(owner)) {
            let Some(window) = free.next() else {
                tracing::info!("an editor draft waits for a window to come back");
                break;
            };
            match store.move_draft(orphan, window) {
                Ok(_) => tracing::info!(
                    "an editor draft whose window did not come back moves to one that did"
                ),
                Err(error) => tracing::warn!(%error, "an editor draft could not be moved"),
            }
        }
        Ok(())
    });
    if let Err(error) = adopted {
        tracing::warn!(%error, "the editor drafts of windows that did not come back stay where they are");
    }
}

/// The user discarded the unsaved work of `windows` (quitting): their
/// drafts go with it. Other windows' drafts stay: one not offered back yet
/// (its page still loading) must not be lost by a quit.
pub fn drop_for<R: Runtime>(app: &AppHandle<R>, windows: &[axolop_coordinator::WindowLabel]) {
    let ids: Vec<String> = windows
        .iter()
        .filter_map(|label| windows::id_of(app, label.as_str()))
        .collect();
    if ids.is_empty() {
        return;
    }
    let dropped = crm::now(app, |store| {
        for id in &ids {
            if let Err(error) = store.drop_draft(id) {
                tracing::warn!(%error, "a discarded editor's draft could not be dropped");
            }
        }
        Ok(())
    });
    if let Err(error) = dropped {
        tracing::warn!(%error, "the discarded editors' drafts could not be dropped");
    }
}
