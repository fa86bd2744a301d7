//! Commands about agencies: list, create, and select one for every window.

use axolop_coordinator::agency::AgencySummary;
use axolop_store::Agency;
use tauri::{AppHandle, Runtime, Webview};

use super::caller;
use crate::agencies;
use crate::args::{AgencyCreateArgs, AgencySelectArgs, Args, NoArgs};
use crate::error::Result;

/// The signed-in user's agencies, by name.
#[tauri::command]
pub async fn agency_list<R: Runtime>(
    app: AppHandle<R>,
    _args: Args<NoArgs>,
) -> Result<Vec<Agency>> {
    agencies::list(&app).await
}

/// Creates an agency (`invalid_argument` for a bad name).
#[tauri::command]
pub async fn agency_create<R: Runtime>(
    app: AppHandle<R>,
    args: Args<AgencyCreateArgs>,
) -> Result<Agency> {
    agencies::create(&app, args.0.name).await
}

/// Selects an agency for every window (`conflict` when the selection moved
/// on since `expectedVersion`, `not_found` for an unknown agency).
#[tauri::command]
pub async fn agency_select<R: Runtime>(
    webview: Webview<R>,
    app: AppHandle<R>,
    args: Args<AgencySelectArgs>,
) -> Result<AgencySummary> {
    agencies::select(
        &app,
        caller(&webview),
        args.0.agency_id,
        args.0.expected_version,
    )
    .await
}
