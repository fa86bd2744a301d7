//! Commands about the Supabase session. Neither ever answers with a token:
//! a sign-in answers with the session as every window sees it.

use axolop_coordinator::session::SessionSummary;
use tauri::{Manager, Runtime, Webview};

use crate::args::{NoArgs, SignInArgs, SignOutArgs};
use crate::error::Result;
use crate::session;

/// The Supabase project's host a sign-in goes to (`null` in local mode),
/// shown above the password field.
pub async fn session_project<R: Runtime>(
    webview: Webview<R>,
    _args: NoArgs,
) -> Result<Option<String>> {
    Ok(session::project_host(webview.app_handle()))
}

/// Signs in every window (`invalid_argument`, `invalid_credentials`,
/// `network`, `not_configured`).
pub async fn session_sign_in<R: Runtime>(
    webview: Webview<R>,
    args: SignInArgs,
) -> Result<SessionSummary> {
    session::sign_in(webview.app_handle(), args).await
}

/// Signs out every window, or, with changes not yet on the server, has
/// the primary ask what to do with them (`not_configured`, `signed_out`).
pub async fn session_sign_out<R: Runtime>(
    webview: Webview<R>,
    args: SignOutArgs,
) -> Result<session::SignOutOutcome> {
    session::sign_out(webview.app_handle(), args.unsent).await
}
