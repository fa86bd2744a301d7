//! Quitting (File > Quit, Ctrl+Q): the coordinator decides whether the app
//! may end now or the primary must ask about unsaved editors first; a quit
//! the user discarded at drops the discarded editors' drafts.

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
    let (listed, stage) = app.state::<Hub>().transact(|coordinator, _| {
        let listed: Vec<WindowLabel> = coordinator
            .quit_status()
            .editors
            .iter()
            .map(|editor| editor.window.clone())
            .collect();
        Ok((listed, coordinator.quit_answer(window, answer)?))
    })?;
    tracing::info!(%window, ?answer, ?stage, "quit answered");
    if answer == QuitAnswer::Discard {
        // On this (the main) thread, before the event that ends the app is
        // delivered (delivery runs here too, after this command).
        drafts::drop_for(app, &listed);
    }
    Ok(stage)
}

/// The coordinator says the quit goes ahead (delivered on the main
/// thread): the app ends.
pub fn finish<R: Runtime>(app: &AppHandle<R>) {
    // Once: an editor reporting while the app ends says "quitting" again.
    static FINISHING: AtomicBool = AtomicBool::new(false);
    if FINISHING.swap(true, Ordering::SeqCst) {
        return;
    }
    tracing::info!("quitting");
    app.exit(0);
}
