//! Commands about agencies: list, create, and select one for every window.

use axolop_coordinator::agency::AgencySummary;
use axolop_store::Agency;
use tauri::{Manager, Runtime, Webview};

use super::caller;
use crate::agencies;
use crate::args::{AgencyCreateArgs, AgencySelectArgs, NoArgs};
use crate::error::Result;

/// The signed-in user's agencies, by name.
pub async fn agency_list<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<Vec<Agency>> {
    agencies::list(webview.app_handle()).await
}

/// Creates an agency (`invalid_argument` for a bad name).
pub async fn agency_create<R: Runtime>(
    webview: Webview<R>,
    args: AgencyCreateArgs,
) -> Result<Agency> {
    agencies::create(webview.app_handle(), args.name).await
}

/// Selects an agency for every window (`conflict` when the selection moved
/// on since `expectedVersion`, `not_found` for an unknown agency).
pub async fn agency_select<R: Runtime>(
    webview: Webview<R>,
    args: AgencySelectArgs,
) -> Result<AgencySummary> {
    let window = caller(&webview);
    agencies::select(
        webview.app_handle(),
        window,
        args.agency_id,
        args.expected_version,
    )
    .await
}
