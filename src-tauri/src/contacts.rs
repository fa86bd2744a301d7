//! Contacts of the selected agency: listing them a page at a time, and
//! saving and deleting them by compare-and-set on their version.
//!
//! Every write runs with the store held (see `crm`'s lock order): it checks
//! that the agency it aims at is still the selected one, writes in one
//! SQLite transaction, and announces the change as `contacts-changed`
//! before the next write can begin, so every window applies the changes in
//! the order they were made.

use axolop_coordinator::contacts::{ContactChange, ContactsChange, ContactsPage};
use axolop_coordinator::WindowLabel;
use axolop_store::{Contact, ContactDraft, Pulled, Store};
use tauri::{AppHandle, Manager, Runtime};

use crate::args::ContactInput;
use crate::crm;
use crate::error::Result;
use crate::hub::Hub;
use crate::timing;

/// The most contacts one `contacts_list` answers: a page of that many is a
/// few MiB over IPC; a longer list is read page by page (the total says
/// how many there are).
pub const PAGE_MAX: usize = 5_000;

/// The contacts of the selected agency from `offset`, at most `limit`
/// (and at most [`PAGE_MAX`]), with the total.
pub async fn list<R: Runtime>(
    app: &AppHandle<R>,
    offset: Option<u64>,
    limit: Option<u64>,
) -> Result<ContactsPage> {
    crm::with_store_and(app, move |store, app| {
        let agency_id = selected(app, None)?;
        let offset = offset.unwrap_or(0);
        let limit = limit.map_or(PAGE_MAX, |limit| clamp(limit).min(PAGE_MAX));
        // With the store held, no change can be written (and announced)
        // between the read and the sequence number it is stamped with.
        let seq = app
            .state::<Hub>()
            .read(|coordinator| coordinator.last_seq());
        Ok(ContactsPage {
            total: store.contact_count(&agency_id)?,
            contacts: store.contacts(&agency_id, clamp(offset), limit)?,
            offset,
            agency_id,
            seq,
        })
    })
    .await
}

/// One contact of the selected agency (`not_found` if it has none by that
/// id): what a window reloads after a `conflict`.
pub async fn get<R: Runtime>(app: &AppHandle<R>, id: String) -> Result<Contact> {
    crm::with_store_and(app, move |store, app| {
        let agency_id = selected(app, None)?;
        Ok(store.contact(&agency_id, &id)?)
    })
    .await
}

/// The kept edit of contact `id` of the selected agency, if a newer
/// version from the server replaced it.
pub async fn conflict<R: Runtime>(app: &AppHandle<R>, id: String) -> Result<Option<ContactDraft>> {
    crm::with_store_and(app, move |store, app| {
        let agency_id = selected(app, None)?;
        // Only a contact of the selected agency has its edit shown.
        store.contact(&agency_id, &id)?;
        Ok(store.conflict(&id)?)
    })
    .await
}

/// Drops the kept edit of contact `id` of the selected agency, on behalf
/// of `window`, and tells every window.
pub async fn discard_conflict<R: Runtime>(
    app: &AppHandle<R>,
    window: WindowLabel,
    id: String,
) -> Result<Contact> {
    crm::with_store_and(app, move |store, app| {
        let agency_id = selected(app, None)?;
        let contact = store.discard_conflict(&agency_id, &id)?;
        announce_saved(app, store, agency_id, window, &contact)?;
        Ok(contact)
    })
    .await
}

/// Creates (no id) or updates (id and the version last read) a contact of
/// the selected agency on behalf of `window`.
pub async fn save<R: Runtime>(
    app: &AppHandle<R>,
    window: WindowLabel,
    input: ContactInput,
) -> Result<Contact> {
    crm::with_store_and(app, move |store, app| {
        let agency_id = selected(app, input.agency_id.as_deref())?;
        let draft = ContactDraft {
            id: input.id,
            name: input.name,
            email: input.email,
            phone: input.phone,
            company: input.company,
            stage: input.stage,
            notes: input.notes,
        };
        let contact = store.save_contact(
            &agency_id,
            &draft,
            input.version,
            window.as_str(),
            timing::unix_ms(),
        )?;
        announce_saved(app, store, agency_id, window, &contact)?;
        crate::sync_engine::wake(app);
        Ok(contact)
    })
    .await
}

/// Deletes contact `id` of the selected agency, if it is still at
/// `version`; returns it as it was.
pub async fn delete<R: Runtime>(
    app: &AppHandle<R>,
    window: WindowLabel,
    id: String,
    version: u64,
) -> Result<Contact> {
    crm::with_store_and(app, move |store, app| {
        let agency_id = selected(app, None)?;
        let contact = store.delete_contact(&agency_id, &id, version)?;
        let position = store.contact_position(&agency_id, &contact.name, &contact.id)?;
        announce(
            app,
            agency_id,
            Some(window),
            ContactChange::Deleted {
                id: contact.id.clone(),
                version: contact.version,
                position,
            },
        );
        crate::sync_engine::wake(app);
        Ok(contact)
    })
    .await
}

/// Changes the server brought (a pull, a settled conflict), each told
/// to every window, with `store` still held (see `crm`'s lock order). A
/// large batch is told as one `refreshed` change, and windows read their
/// list again: a first sync of 10,000 contacts is ten events, not 10,000.
pub fn announce_pulled<R: Runtime>(
    app: &AppHandle<R>,
    store: &Store,
    agency_id: &str,
    changes: &[Pulled],
) {
    const ONE_BY_ONE: usize = 50;
    if changes.is_empty() {
        return;
    }
    if changes.len() <= ONE_BY_ONE {
        match changes
            .iter()
            .map(|change| placed(store, agency_id, change))
            .collect::<axolop_store::Result<Vec<_>>>()
        {
            Ok(placed) => {
                for change in placed {
                    announce(app, agency_id.to_owned(), None, change);
                }
                return;
            }
            // Windows cannot place them; they read their list again.
            Err(error) => tracing::warn!(%error, "pulled changes could not be placed"),
        }
    }
    let count = changes.len() as u64;
    announce(
        app,
        agency_id.to_owned(),
        None,
        ContactChange::Refreshed { count },
    );
}

/// A pulled change as windows hear of it, with where the contact stands
/// (or stood) in the list.
fn placed(store: &Store, agency_id: &str, change: &Pulled) -> axolop_store::Result<ContactChange> {
    let (Pulled::Saved(contact) | Pulled::Deleted(contact)) = change;
    let position = store.contact_position(agency_id, &contact.name, &contact.id)?;
    Ok(match change {
        Pulled::Saved(contact) => ContactChange::Saved {
            contact: Box::new(contact.clone()),
            position,
        },
        Pulled::Deleted(contact) => ContactChange::Deleted {
            id: contact.id.clone(),
            version: contact.version,
            position,
        },
    })
}

/// The id of the selected agency; `asked`, if given, must be it.
fn selected<R: Runtime>(app: &AppHandle<R>, asked: Option<&str>) -> Result<String> {
    Ok(app.state::<Hub>().read(|coordinator| {
        coordinator
            .agency_in_use(asked)
            .map(|agency| agency.id.clone())
    })?)
}

/// Tells every window that `window` saved `contact`, with where it now
/// stands in the list (read with the store still held).
fn announce_saved<R: Runtime>(
    app: &AppHandle<R>,
    store: &Store,
    agency_id: String,
    window: WindowLabel,
    contact: &Contact,
) -> Result<()> {
    let position = store.contact_position(&agency_id, &contact.name, &contact.id)?;
    let contact = Box::new(contact.clone());
    announce(
        app,
        agency_id,
        Some(window),
        ContactChange::Saved { contact, position },
    );
    Ok(())
}

/// Tells every window of a stored change, made by window `by` (none for
/// the server's).
fn announce<R: Runtime>(
    app: &AppHandle<R>,
    agency_id: String,
    by: Option<WindowLabel>,
    change: ContactChange,
) {
    let change = ContactsChange {
        agency_id,
        by,
        change,
    };
    if let Err(error) = app.state::<Hub>().transact(|coordinator, _| {
        coordinator.contacts_changed(change);
        Ok(())
    }) {
        tracing::warn!(%error, "a contact change could not be announced");
    }
}

/// A count from the wire as a `usize` (saturating on 32-bit targets).
fn clamp(count: u64) -> usize {
    usize::try_from(count).unwrap_or(usize::MAX)
}
