//! Commands about the contacts of the selected agency.

use axolop_coordinator::contacts::ContactsPage;
use axolop_store::{Contact, ContactDraft};
use tauri::{Manager, Runtime, Webview};

use super::caller;
use crate::args::{ContactDeleteArgs, ContactIdArgs, ContactSaveArgs, ContactsListArgs};
use crate::contacts;
use crate::error::Result;

/// The selected agency's contacts by name: a page, or all of them
/// (`conflict` while no agency is selected).
pub async fn contacts_list<R: Runtime>(
    webview: Webview<R>,
    args: ContactsListArgs,
) -> Result<ContactsPage> {
    contacts::list(webview.app_handle(), args.offset, args.limit).await
}

/// One contact of the selected agency (`not_found` if there is none).
pub async fn contact_get<R: Runtime>(webview: Webview<R>, args: ContactIdArgs) -> Result<Contact> {
    contacts::get(webview.app_handle(), args.id).await
}

/// Creates or updates a contact (`conflict` for a stale version or an
/// agency that is no longer selected; `invalid_argument` for bad fields).
pub async fn contact_save<R: Runtime>(
    webview: Webview<R>,
    args: ContactSaveArgs,
) -> Result<Contact> {
    contacts::save(webview.app_handle(), caller(&webview), args.contact).await
}

/// Deletes a contact at the version last read (`conflict` if it changed).
pub async fn contact_delete<R: Runtime>(
    webview: Webview<R>,
    args: ContactDeleteArgs,
) -> Result<Contact> {
    contacts::delete(
        webview.app_handle(),
        caller(&webview),
        args.id,
        args.version,
    )
    .await
}

/// The edit made on this computer that a newer version from the server
/// replaced, if one is kept for contact `id` (see `Contact::conflict`).
pub async fn contact_conflict<R: Runtime>(
    webview: Webview<R>,
    args: ContactIdArgs,
) -> Result<Option<ContactDraft>> {
    contacts::conflict(webview.app_handle(), args.id).await
}

/// Drops the kept edit of contact `id`: the user took the server's
/// version. Every window hears of it (the contact loses its flag).
pub async fn contact_conflict_discard<R: Runtime>(
    webview: Webview<R>,
    args: ContactIdArgs,
) -> Result<Contact> {
    contacts::discard_conflict(webview.app_handle(), caller(&webview), args.id).await
}

/// Benchmark builds only: adds `count` generated contacts to agency
/// `agencyId` in one transaction (no events: a benchmark switches to the
/// agency afterwards, which loads them).
#[cfg(feature = "bench")]
pub async fn bench_seed_contacts<R: Runtime>(
    webview: Webview<R>,
    args: crate::args::BenchSeedArgs,
) -> Result<usize> {
    let window = caller(&webview);
    let crate::args::BenchSeedArgs { agency_id, count } = args;
    let drafts: Vec<_> = (0..count)
        .map(|i| axolop_store::ContactDraft {
            name: format!("Contact {i:05}"),
            email: format!("contact{i}@example.com"),
            company: format!("Company {}", i % 97),
            ..Default::default()
        })
        .collect();
    let now = crate::timing::unix_ms();
    crate::crm::with_store(webview.app_handle(), move |store| {
        store.insert_contacts(&agency_id, &drafts, window.as_str(), now)
    })
    .await
}
