//! Commands about the Supabase session. Neither ever answers with a token:
//! a sign-in answers with the session as every window sees it.

use axolop_coordinator::session::SessionSummary;
use tauri::{Manager, Runtime, Webview};

use crate::args::{NoArgs, SignInArgs};
use crate::error::Result;
use crate::session;

/// Signs in every window (`invalid_argument`, `invalid_credentials`,
/// `network`, `not_configured`).
pub async fn session_sign_in<R: Runtime>(
    webview: Webview<R>,
    args: SignInArgs,
) -> Result<SessionSummary> {
    session::sign_in(webview.app_handle(), args).await
}

/// Signs out every window.
pub async fn session_sign_out<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<()> {
    session::sign_out(webview.app_handle()).await
}
