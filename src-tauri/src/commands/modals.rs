//! Commands about the mandatory modal's draft, and notices for the user.

use axolop_coordinator::modal::ModalDraft;
use tauri::{AppHandle, Manager, Runtime, Webview};

use super::caller;
use crate::args::{Args, ModalDraftArgs, NoArgs};
use crate::error::Result;
use crate::hub::Hub;
use crate::notices;

/// The presenting window reports what the user typed into the modal, so a
/// new presenter can start from it (`invalid_argument` from any other
/// window). Never sent: a password.
#[tauri::command]
pub fn modal_draft_report<R: Runtime>(
    webview: Webview<R>,
    args: Args<ModalDraftArgs>,
) -> Result<()> {
    let window = caller(&webview);
    let ModalDraftArgs { kind, text } = args.0;
    webview
        .app_handle()
        .state::<Hub>()
        .transact(|coordinator, _| coordinator.modal_draft_report(&window, kind, text))
}

/// What was typed into the required modal so far, if its window lives.
#[tauri::command]
pub fn modal_draft<R: Runtime>(app: AppHandle<R>, _args: Args<NoArgs>) -> Option<ModalDraft> {
    app.state::<Hub>()
        .read(|coordinator| coordinator.modal_draft().cloned())
}

/// Notices for the user: from start-up (a database moved aside, say), and
/// for the calling window (its page crashed and was reloaded).
#[tauri::command]
pub fn app_notices<R: Runtime>(webview: Webview<R>, _args: Args<NoArgs>) -> Vec<String> {
    notices::take_for(webview.app_handle(), webview.label())
}
