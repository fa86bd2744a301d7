//! Agencies: listing and creating them in the local store, and selecting one
//! for every window.
//!
//! A selection is made under the `agency` lock, taken for the calling
//! window: between checking the expected version and recording the new one
//! (in the store, then in the coordinator) no other window can change it.
//! A window that holds the `agency` lock itself is refused (it would wait
//! for itself).

use axolop_coordinator::agency::{AgencyRef, AgencySelection, AgencySummary};
use axolop_coordinator::{Acquisition, LockMode, LockRequest, WindowLabel};
use axolop_store::{Agency, Store, StoreError, StoredSelection};
use tauri::{AppHandle, Manager, Runtime};

use crate::crm::{self, LOCAL_OWNER};
use crate::error::Result;
use crate::hub::Hub;
use crate::timing;

/// The lock every selection is made under.
pub const LOCK: &str = "agency";

/// The signed-in user's agencies, by name.
pub async fn list<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<Agency>> {
    let owner = crm::owner(app)?;
    crm::with_store(app, move |store| store.agencies(&owner)).await
}

/// Creates an agency for the signed-in user.
pub async fn create<R: Runtime>(app: &AppHandle<R>, name: String) -> Result<Agency> {
    let owner = crm::owner(app)?;
    let now = timing::unix_ms();
    crm::with_store(app, move |store| store.create_agency(&owner, &name, now)).await
}

/// Selects agency `agency_id` for every window, on behalf of `window`, if
/// the selection is still at `expected_version`.
pub async fn select<R: Runtime>(
    app: &AppHandle<R>,
    window: WindowLabel,
    agency_id: String,
    expected_version: Option<u64>,
) -> Result<AgencySummary> {
    let owner = crm::owner(app)?;
    let hub = app.state::<Hub>();
    // What can be refused without the lock is refused first, so a refused
    // selection sends no event at all (not even the lock's); `record`
    // checks again under the lock.
    let (store_owner, id) = (owner.clone(), agency_id.clone());
    crm::with_store(app, move |store| store.agency(&store_owner, &id)).await?;
    check_version(&hub, expected_version)?;
    let request = LockRequest::new(LOCK, Some(LockMode::Exclusive), None, None)?;
    let lease =
        match hub.transact(|coordinator, now| coordinator.lock_acquire(&window, request, now))? {
            Acquisition::Granted(lease) => lease,
            Acquisition::Queued(pending) => pending.outcome().await?,
        };
    let selected = record(app, &window, owner, agency_id, expected_version).await;
    if let Err(error) =
        hub.transact(|coordinator, now| coordinator.lock_release(&window, lease.token, now))
    {
        tracing::warn!(%error, "the agency lock could not be released; it lapses with its lease");
    }
    selected
}

/// The selection itself, with the `agency` lock held.
async fn record<R: Runtime>(
    app: &AppHandle<R>,
    window: &WindowLabel,
    owner: String,
    agency_id: String,
    expected_version: Option<u64>,
) -> Result<AgencySummary> {
    let hub = app.state::<Hub>();
    let store_owner = owner.clone();
    let agency = crm::with_store(app, move |store| store.agency(&store_owner, &agency_id)).await?;
    let current = check_version(&hub, expected_version)?;
    let stored = StoredSelection {
        agency_id: Some(agency.id.clone()),
        version: current + 1,
        changed_by: Some(window.to_string()),
        changed_at: Some(timing::unix_ms()),
    };
    crm::with_store(app, move |store| store.save_selection(&owner, &stored)).await?;
    hub.transact(|coordinator, _| {
        coordinator.agency_select(window, agency.into(), Some(current))?;
        Ok(coordinator.agency().summary().clone())
    })
}

/// The selection's version now, if it is `expected` (or nothing was
/// expected); a stale expectation is `conflict`.
fn check_version(hub: &Hub, expected: Option<u64>) -> Result<u64> {
    let current = hub.read(|coordinator| coordinator.agency().summary().version);
    match expected {
        Some(expected) if expected != current => {
            Err(axolop_coordinator::Error::StaleSelection { expected, current }.into())
        }
        _ => Ok(current),
    }
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
