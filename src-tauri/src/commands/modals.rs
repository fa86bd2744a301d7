//! Commands about the mandatory modal's draft, and notices for the user.

use axolop_coordinator::modal::ModalDraft;
use tauri::{Manager, Runtime, Webview};

use super::caller;
use crate::args::{ModalDraftArgs, NoArgs};
use crate::error::Result;
use crate::hub::Hub;
use crate::notices;

/// The presenting window reports what the user typed into the modal, so a
/// new presenter can start from it (`invalid_argument` from any other
/// window). Never sent: a password.
pub fn modal_draft_report<R: Runtime>(webview: &Webview<R>, args: ModalDraftArgs) -> Result<()> {
    let window = caller(webview);
    let ModalDraftArgs { kind, text } = args;
    webview
        .state::<Hub>()
        .transact(|coordinator, _| coordinator.modal_draft_report(&window, kind, text))
}

/// What was typed into the required modal so far, if its window lives.
pub fn modal_draft<R: Runtime>(webview: &Webview<R>, _args: NoArgs) -> Result<Option<ModalDraft>> {
    Ok(webview
        .state::<Hub>()
        .read(|coordinator| coordinator.modal_draft().cloned()))
}

/// Notices for the user: from start-up (a database moved aside, say), and
/// for the calling window (its page crashed and was reloaded).
pub fn app_notices<R: Runtime>(webview: &Webview<R>, _args: NoArgs) -> Result<Vec<String>> {
    Ok(notices::take_for(webview.app_handle(), webview.label()))
}
