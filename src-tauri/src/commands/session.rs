//! Commands about the Supabase session. Neither ever answers with a token:
//! a sign-in answers with the session as every window sees it.

use axolop_coordinator::session::SessionSummary;
use tauri::{AppHandle, Runtime};

use crate::args::{Args, NoArgs, SignInArgs};
use crate::error::Result;
use crate::session;

/// Signs in every window (`invalid_argument`, `invalid_credentials`,
/// `network`, `not_configured`).
#[tauri::command]
pub async fn session_sign_in<R: Runtime>(
    app: AppHandle<R>,
    args: Args<SignInArgs>,
) -> Result<SessionSummary> {
    session::sign_in(&app, args.0).await
}

/// Signs out every window.
#[tauri::command]
pub async fn session_sign_out<R: Runtime>(app: AppHandle<R>, _args: Args<NoArgs>) -> Result<()> {
    session::sign_out(&app).await
}
