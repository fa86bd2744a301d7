//! Agencies: listing and creating them in the local store, and selecting one
//! for every window.
//!
//! Selections are serialised by the store's mutex (see `crm`'s lock order):
//! the agency is looked up, the coordinator checks the expected version and
//! switches every window in one transition (the only check), and the new
//! selection is saved for the next start, all before the next selection can
//! begin. No named lock is involved, so a page that holds a lock of any
//! name, `agency` included, never stands in the way of its own selection.

use axolop_coordinator::agency::{AgencyRef, AgencySelection, AgencySummary};
use axolop_coordinator::WindowLabel;
use axolop_store::{Agency, Store, StoreError, StoredSelection};
use tauri::{AppHandle, Manager, Runtime};

use crate::crm::{self, LOCAL_OWNER};
use crate::error::Result;
use crate::hub::Hub;
use crate::sync_engine;
use crate::timing;

/// The signed-in user's agencies, by name.
pub async fn list<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<Agency>> {
    let owner = crm::owner(app)?;
    crm::with_store(app, move |store| store.agencies(&owner)).await
}

/// Creates an agency for the signed-in user: on the server first in
/// Supabase mode (it is shared from the start), in the store otherwise.
pub async fn create<R: Runtime>(app: &AppHandle<R>, name: String) -> Result<Agency> {
    let owner = crm::owner(app)?;
    if let Some(rest) = sync_engine::rest(app) {
        return sync_engine::create_agency(app, &rest, owner, name).await;
    }
    let now = timing::unix_ms();
    crm::with_store(app, move |store| store.create_agency(&owner, &name, now)).await
}

/// Selects agency `agency_id` for every window, on behalf of `window`, if
/// the selection is still at `expected_version` (`conflict` otherwise,
/// `not_found` for an agency the user does not have). A refused selection
/// changes nothing and sends no event.
pub async fn select<R: Runtime>(
    app: &AppHandle<R>,
    window: WindowLabel,
    agency_id: String,
    expected_version: Option<u64>,
) -> Result<AgencySummary> {
    let owner = crm::owner(app)?;
    crm::with_store_and(app, move |store, app| {
        let agency = store.agency(&owner, &agency_id)?;
        let summary = app.state::<Hub>().transact(|coordinator, _| {
            coordinator.agency_select(&window, agency.into(), expected_version)
        })?;
        let stored = StoredSelection {
            agency_id: Some(agency_id),
            version: summary.version,
            changed_by: Some(window.to_string()),
            changed_at: Some(timing::unix_ms()),
        };
        if let Err(error) = store.save_selection(&owner, &stored) {
            // Every window has switched; only the next start would not
            // know. Undoing the switch would flip every window twice.
            tracing::warn!(%error, "the agency selection holds for this run but was not saved");
        }
        // The newly selected agency's changes, now rather than at the next tick.
        sync_engine::wake(app);
        Ok(summary)
    })
    .await
}

/// The selection `owner` made last, as stored: none if they never chose,
/// and no agency if the one they chose is gone.
pub fn stored_selection(store: &Store, owner: &str) -> axolop_store::Result<AgencySelection> {
    let Some(selection) = store.selection(owner)? else {
        return Ok(AgencySelection::default());
    };
    let agency = match &selection.agency_id {
        Some(id) => match store.agency(owner, id) {
            Ok(agency) => Some(AgencyRef::from(agency)),
            Err(StoreError::NotFound { .. }) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    Ok(AgencySelection::restored(agency, selection.version))
}

/// The selection user `owner` made last, for their sign-in. A store that
/// cannot answer is logged and treated as "never chose": the user is asked
/// for an agency rather than kept from signing in.
pub async fn selection_of<R: Runtime>(app: &AppHandle<R>, owner: String) -> AgencySelection {
    match crm::with_store(app, move |store| stored_selection(store, &owner)).await {
        Ok(selection) => selection,
        Err(error) => {
            tracing::warn!(%error, "the stored agency selection could not be read");
            AgencySelection::default()
        }
    }
}

/// Restores the local user's selection at start (local mode), before any
/// window opens, so no window asks for an agency that is already chosen.
pub fn restore_local<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let selection = crm::now(app, |store| Ok(stored_selection(store, LOCAL_OWNER)?))?;
    app.state::<Hub>().transact(|coordinator, _| {
        coordinator.agency_restore(selection);
        Ok(())
    })
}
