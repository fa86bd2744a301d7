//! Quitting (File > Quit, Ctrl+Q): the coordinator decides whether the app
//! may end now or the primary must ask about unsaved editors first; a quit
//! that goes ahead drops the open windows' editor drafts and ends the app.

use std::sync::atomic::{AtomicBool, Ordering};

use axolop_coordinator::quit::{QuitAnswer, QuitStage};
use axolop_coordinator::WindowLabel;
use tauri::{AppHandle, Manager, Runtime};

use crate::drafts;
use crate::error::Result;
use crate::hub::Hub;

/// Quit was chosen. With no unsaved editor the app ends; otherwise the
/// primary asks, and the app ends when the answer allows it.
pub fn requested<R: Runtime>(app: &AppHandle<R>) {
    let stage = app
        .state::<Hub>()
        .transact(|coordinator, _| Ok(coordinator.quit_requested()));
    match stage {
        Ok(QuitStage::Asking) => {
            tracing::info!("quit chosen: the primary asks about unsaved editors");
            // The question is in the primary: bring it forward.
            let _ = crate::windows::focus_primary(app);
        }
        Ok(stage) => tracing::info!(?stage, "quit chosen"),
        Err(error) => tracing::error!(%error, "quit could not be asked for"),
    }
}

/// `window` answers the quit question.
pub fn answer<R: Runtime>(
    app: &AppHandle<R>,
    window: &WindowLabel,
    answer: QuitAnswer,
) -> Result<QuitStage> {
    let stage = app
        .state::<Hub>()
        .transact(|coordinator, _| coordinator.quit_answer(window, answer))?;
    tracing::info!(%window, ?answer, ?stage, "quit answered");
    Ok(stage)
}

/// The coordinator says the quit goes ahead (delivered on the main
/// thread): the drafts of the open windows go, then the app ends.
pub fn finish<R: Runtime>(app: &AppHandle<R>) {
    // Once: an editor reporting while the app ends says "quitting" again.
    static FINISHING: AtomicBool = AtomicBool::new(false);
    if FINISHING.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        drafts::drop_open(&app);
        tracing::info!("quitting");
        app.exit(0);
    });
}
