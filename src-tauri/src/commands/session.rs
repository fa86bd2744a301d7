//! Commands about the Supabase session. None ever answers with a token:
//! a sign-in answers with the session as every window sees it. The
//! browser and email sign-ins keep their verifier in the app process.

use axolop_coordinator::session::SessionSummary;
use tauri::{Manager, Runtime, Webview};

use crate::args::{
    EmailArgs, NoArgs, PasswordChooseArgs, SignInArgs, SignInCodeArgs, SignInProviderArgs,
    SignOutArgs,
};
use crate::browser_sign_in;
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

/// The external providers the project offers (`network`,
/// `not_configured`).
pub async fn sign_in_providers<R: Runtime>(
    webview: Webview<R>,
    _args: NoArgs,
) -> Result<Vec<String>> {
    browser_sign_in::providers(webview.app_handle()).await
}

/// Opens the system browser to sign in with a provider; every window
/// follows the step (`invalid_argument`, `conflict` when signed in).
pub async fn sign_in_provider<R: Runtime>(
    webview: Webview<R>,
    args: SignInProviderArgs,
) -> Result<()> {
    browser_sign_in::start_provider(webview.app_handle(), args.checked()?).await
}

/// Emails a sign-in link and a one-time code.
pub async fn sign_in_email_link<R: Runtime>(webview: Webview<R>, args: EmailArgs) -> Result<()> {
    browser_sign_in::send_link(webview.app_handle(), args.checked()?).await
}

/// Signs in every window with the emailed code (`conflict` when no link
/// was emailed, `internal` with "expired" when the code is stale).
pub async fn sign_in_code<R: Runtime>(
    webview: Webview<R>,
    args: SignInCodeArgs,
) -> Result<SessionSummary> {
    browser_sign_in::sign_in_with_code(webview.app_handle(), args.checked()?).await
}

/// Emails a password-reset link.
pub async fn password_recover<R: Runtime>(webview: Webview<R>, args: EmailArgs) -> Result<()> {
    browser_sign_in::send_recovery(webview.app_handle(), args.checked()?).await
}

/// Sets the new password after a followed reset link, and signs in every
/// window.
pub async fn password_choose<R: Runtime>(
    webview: Webview<R>,
    args: PasswordChooseArgs,
) -> Result<SessionSummary> {
    browser_sign_in::choose_password(webview.app_handle(), args.checked()?).await
}

/// Cancels the browser or email sign-in under way.
pub async fn sign_in_cancel<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<()> {
    browser_sign_in::cancel(webview.app_handle())
}
