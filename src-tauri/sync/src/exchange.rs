//! One exchange with the server for the signed-in user: push what waits in
//! the outbox, in line, then pull what changed in an agency (docs/SYNC.md).
//! The app's sync engine schedules exchanges, refreshes the token when one
//! ends in [`SyncError::TokenExpired`], and tells the windows what changed.
//!
//! The store is taken only for short, synchronous calls, never across a
//! request, so windows keep writing while an exchange waits on the network.
//! Every change an exchange makes to the cache is shown to a [`Told`]
//! with the store still held, so the app announces it before any later
//! write: windows hear of changes in the order the cache took them.

use std::sync::Mutex;

use axolop_store::{ChangeKind, OutboxEntry, Pulled, Store};
use secrecy::SecretString;

use crate::error::{Result, SyncError};
use crate::remote::RemoteContact;
use crate::rest::{Pushed, Rest};

/// Hears of each change an exchange made to the cache of an agency, with
/// the store still held (it may read it, as the change now stands).
pub type Told<'a> = &'a mut (dyn FnMut(&Store, &str, &[Pulled]) + Send);

/// Outbox entries read at a time.
const BATCH: usize = 50;
/// Rows asked per page of a pull.
pub const PAGE: u64 = 1_000;

/// What a push did.
#[derive(Debug, Default)]
pub struct Pushes {
    /// Entries the server took.
    pub applied: usize,
    /// Contacts whose local edit lost to a newer server version (kept as
    /// their conflict), with what the cache now shows.
    pub conflicts: Vec<Pulled>,
    /// Entries the server refused for good (dropped from the line), with
    /// why: row-level security, a constraint.
    pub refused: Vec<(String, SyncError)>,
}

/// Pushes every entry of `owner`'s outbox (the user `token` is for),
/// oldest first. Stops at the first failure the engine must act on (an
/// expired token, no network): that entry and those behind it stay in line.
pub async fn push(
    rest: &Rest,
    token: &SecretString,
    owner: &str,
    store: &Mutex<Store>,
    told: Told<'_>,
) -> Result<Pushes> {
    let mut pushes = Pushes::default();
    loop {
        let batch = locked(store, |store| store.outbox(owner, BATCH))?;
        if batch.is_empty() {
            return Ok(pushes);
        }
        for entry in batch {
            locked(store, |store| store.outbox_attempted(entry.seq))?;
            match push_one(rest, token, store, &entry, &mut *told).await {
                Ok(Some(conflict)) => pushes.conflicts.extend(conflict),
                Ok(None) => pushes.applied += 1,
                Err(error @ SyncError::Refused { .. }) => {
                    locked(store, |store| store.outbox_drop(&entry))?;
                    pushes.refused.push((entry.contact_id.clone(), error));
                }
                Err(error) => return Err(error),
            }
        }
    }
}

/// Pushes one entry; `Some` when it ended in a conflict (with the cache's
/// change, if any).
async fn push_one(
    rest: &Rest,
    token: &SecretString,
    store: &Mutex<Store>,
    entry: &OutboxEntry,
    told: Told<'_>,
) -> Result<Option<Option<Pulled>>> {
    let current = || {
        locked(store, |store| {
            store.contact(&entry.agency_id, &entry.contact_id)
        })
        .map(|contact| contact.draft())
    };
    let mut pushed = match (entry.kind, entry.base_version) {
        (ChangeKind::Insert, _) | (ChangeKind::Update, None) => {
            rest.insert_contact(token, &entry.contact_id, &entry.agency_id, &current()?)
                .await?
        }
        (ChangeKind::Update, Some(base)) => {
            rest.update_contact(token, &entry.contact_id, base, &current()?)
                .await?
        }
        (ChangeKind::Delete, base) => {
            rest.delete_contact(token, &entry.contact_id, base.unwrap_or(1))
                .await?
        }
    };
    if pushed == Pushed::AlreadyApplied {
        // An earlier attempt landed (its answer was lost), as the contact
        // was then: version 1. What it is now goes over that, or meets a
        // newer version as any edit does.
        pushed = rest
            .update_contact(token, &entry.contact_id, 1, &current()?)
            .await?;
    }
    match pushed {
        Pushed::Applied(row) => {
            let version = (!row.is_deleted()).then_some(row.version);
            locked(store, |store| store.outbox_pushed(entry, version))?;
            Ok(None)
        }
        // Only an insert answers so, and it was sent again as an update.
        Pushed::AlreadyApplied => {
            locked(store, |store| store.outbox_pushed(entry, Some(1)))?;
            Ok(None)
        }
        Pushed::Conflict => {
            let change = match rest.contact(token, &entry.contact_id).await? {
                Some(row) => {
                    let row = row.to_server()?;
                    locked(store, |store| {
                        let change = store.settle_conflict(entry, &row)?;
                        told(store, &entry.agency_id, change.as_slice());
                        Ok(change)
                    })?
                }
                // Gone from what the user may see (left the agency): nothing
                // to settle against.
                None => {
                    locked(store, |store| store.outbox_pushed(entry, None))?;
                    None
                }
            };
            Ok(Some(change))
        }
    }
}

/// How far a pull has come, after each page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Rows read and applied so far.
    pub rows: u64,
    /// Rows the whole pull matches, as counted when it began.
    pub total: Option<u64>,
}

/// Pulls what changed in `agency` since its watermark, page by page, each
/// page applied to the cache as it comes and then reported to `progress`
/// (a first sync of a large agency shows its rows while the rest come);
/// returns the cache's changes.
pub async fn pull(
    rest: &Rest,
    token: &SecretString,
    store: &Mutex<Store>,
    agency: &str,
    mut progress: impl FnMut(Progress) + Send,
    told: Told<'_>,
) -> Result<Vec<Pulled>> {
    let mut since = locked(store, |store| store.pull_watermark(agency))?;
    let watermark = rest.watermark(token).await?;
    if watermark < since {
        // The server's history is behind ours (a restored database): read
        // everything again rather than miss what it has.
        since = 0;
    }
    let mut changes = Vec::new();
    let mut after: Option<(i64, String)> = None;
    let (mut rows_read, mut total) = (0, None);
    loop {
        let key = after.as_ref().map(|(seq, id)| (*seq, id.as_str()));
        let page = rest
            .contacts_changed(token, agency, since, key, PAGE)
            .await?;
        let rows = page
            .rows
            .iter()
            .map(RemoteContact::to_server)
            .collect::<Result<Vec<_>>>()?;
        changes.extend(locked(store, |store| {
            let applied = store.apply_pulled(agency, &rows)?;
            told(store, agency, &applied);
            Ok(applied)
        })?);
        rows_read += rows.len() as u64;
        total = total.or(page.total);
        progress(Progress {
            rows: rows_read,
            total,
        });
        after = page.rows.last().map(|row| (row.change_seq, row.id.clone()));
        // A short page is the last; so is reaching the count (rows that
        // commit meanwhile are at or above the watermark: the next pull).
        if (page.rows.len() as u64) < PAGE || total.is_some_and(|total| rows_read >= total) {
            break;
        }
    }
    locked(store, |store| store.set_pull_watermark(agency, watermark))?;
    Ok(changes)
}

/// Runs `call` with the store held.
fn locked<T>(
    store: &Mutex<Store>,
    call: impl FnOnce(&mut Store) -> axolop_store::Result<T>,
) -> Result<T> {
    let mut store = store.lock().map_err(|_| {
        SyncError::Store("the local database is unavailable after a failure".to_owned())
    })?;
    call(&mut store).map_err(|error| SyncError::Store(error.to_string()))
}
