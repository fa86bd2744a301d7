//! The local CRM store (`axolop-store`), opened at start in the data
//! directory and shared behind one mutex.
//!
//! A `std::sync::Mutex`, not an async one: every call is a short SQLite
//! transaction, run on a blocking thread, never across an `.await`.
//!
//! Lock order: the store's mutex, then the coordinator's, never the
//! reverse. A contact write checks the selected agency and announces its
//! change while it holds the store, so changes are numbered in the order
//! they were written, and no write lands in an agency that was switched
//! away from before it began.

use std::path::Path;
use std::sync::Mutex;

use axolop_store::{Opened, Store, StoreError};
use tauri::{AppHandle, Manager, Runtime};

use crate::error::{Error, Result};
use crate::notices;
use crate::timing;

/// The database file in the data directory.
pub const FILE: &str = "axolop.sqlite3";

/// The owner key of the local user (local mode).
pub const LOCAL_OWNER: &str = "local-user";

/// The store, managed as Tauri state.
pub struct Crm {
    store: Mutex<Store>,
}

/// Opens (creating, migrating or recovering) the store in `data_dir`.
/// A corrupt file was moved aside when `Opened::notice` says so; the
/// notice is logged, and every window shows it (`app_notices`).
pub fn open<R: Runtime>(app: &AppHandle<R>, data_dir: &Path) -> Result<()> {
    let (store, opened) =
        Store::open(&data_dir.join(FILE), timing::unix_ms()).map_err(store_error)?;
    match &opened {
        Opened::Fresh => tracing::info!("created a new CRM database"),
        Opened::Existing => tracing::info!("opened the CRM database"),
        Opened::Migrated { from, to } => tracing::info!(from, to, "migrated the CRM database"),
        Opened::Recovered { .. } => {}
    }
    if let Some(notice) = opened.notice() {
        tracing::error!(%notice, "the CRM database was corrupt");
        notices::add(app, notice);
    }
    app.manage(Crm {
        store: Mutex::new(store),
    });
    Ok(())
}

impl Crm {
    /// The store itself, for the sync engine's exchanges, which take it
    /// for short calls between requests (`axolop_sync::exchange`).
    pub fn store(&self) -> &Mutex<Store> {
        &self.store
    }
}

/// Runs `call` on the store on a blocking thread.
pub async fn with_store<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    call: impl FnOnce(&mut Store) -> axolop_store::Result<T> + Send + 'static,
) -> Result<T> {
    with_store_and(app, move |store, _| call(store).map_err(store_error)).await
}

/// Runs `call` on the store on a blocking thread, with the app at hand for
/// the coordinator (taken after the store, see the lock order above).
pub async fn with_store_and<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    call: impl FnOnce(&mut Store, &AppHandle<R>) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || now(&app, |store| call(store, &app)))
        .await
        .map_err(|error| Error::StoreUnavailable {
            reason: format!("a database call failed ({error})"),
        })?
}

/// Runs `call` on the store on this thread: for set-up, before any window
/// exists, where a blocking call of a few milliseconds is what is wanted.
pub fn now<R: Runtime, T>(
    app: &AppHandle<R>,
    call: impl FnOnce(&mut Store) -> Result<T>,
) -> Result<T> {
    let crm = app
        .try_state::<Crm>()
        .ok_or_else(|| Error::StoreUnavailable {
            reason: "it could not be opened at start".into(),
        })?;
    let mut store = crm
        .store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    call(&mut store)
}

/// The owner key of whoever is signed in: the Supabase user, or the local
/// user in local mode.
pub fn owner<R: Runtime>(app: &AppHandle<R>) -> Result<String> {
    app.state::<crate::hub::Hub>().read(|coordinator| {
        let session = coordinator.session();
        if !session.is_configured() {
            return Ok(LOCAL_OWNER.to_owned());
        }
        session
            .summary()
            .user
            .map(|user| user.id)
            .ok_or(Error::Coordinator(axolop_coordinator::Error::SignedOut))
    })
}

fn store_error(error: StoreError) -> Error {
    Error::Store(error)
}
