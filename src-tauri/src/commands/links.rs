//! Opening a link the user clicked, outside the app.

use tauri::{Manager, Runtime, Webview};

use crate::args::LinkOpenArgs;
use crate::error::Result;
use crate::links;

/// Opens an `http`, `https` or `mailto` link in the system browser or mail
/// app (`invalid_argument` for any other link).
pub async fn link_open<R: Runtime>(webview: Webview<R>, args: LinkOpenArgs) -> Result<()> {
    let url = links::checked(&args.url)?;
    links::open(webview.app_handle(), url).await
}
