//! Commands about the contacts of the selected agency.

use axolop_coordinator::contacts::ContactsPage;
use axolop_store::Contact;
use tauri::{AppHandle, Runtime, Webview};

use super::caller;
use crate::args::{Args, ContactDeleteArgs, ContactIdArgs, ContactSaveArgs, ContactsListArgs};
use crate::contacts;
use crate::error::Result;

/// The selected agency's contacts by name: a page, or all of them
/// (`conflict` while no agency is selected).
#[tauri::command]
pub async fn contacts_list<R: Runtime>(
    app: AppHandle<R>,
    args: Args<ContactsListArgs>,
) -> Result<ContactsPage> {
    contacts::list(&app, args.0.offset, args.0.limit).await
}

/// One contact of the selected agency (`not_found` if there is none).
#[tauri::command]
pub async fn contact_get<R: Runtime>(
    app: AppHandle<R>,
    args: Args<ContactIdArgs>,
) -> Result<Contact> {
    contacts::get(&app, args.0.id).await
}

/// Creates or updates a contact (`conflict` for a stale version or an
/// agency that is no longer selected; `invalid_argument` for bad fields).
#[tauri::command]
pub async fn contact_save<R: Runtime>(
    webview: Webview<R>,
    app: AppHandle<R>,
    args: Args<ContactSaveArgs>,
) -> Result<Contact> {
    contacts::save(&app, caller(&webview), args.0.contact).await
}

/// Deletes a contact at the version last read (`conflict` if it changed).
#[tauri::command]
pub async fn contact_delete<R: Runtime>(
    webview: Webview<R>,
    app: AppHandle<R>,
    args: Args<ContactDeleteArgs>,
) -> Result<Contact> {
    contacts::delete(&app, caller(&webview), args.0.id, args.0.version).await
}

/// Benchmark builds only: adds `count` generated contacts to agency
/// `agencyId` in one transaction (no events: a benchmark switches to the
/// agency afterwards, which loads them).
#[cfg(feature = "bench")]
#[tauri::command]
pub async fn bench_seed_contacts<R: Runtime>(
    webview: Webview<R>,
    app: AppHandle<R>,
    args: Args<crate::args::BenchSeedArgs>,
) -> Result<usize> {
    let window = caller(&webview);
    let crate::args::BenchSeedArgs { agency_id, count } = args.0;
    let drafts: Vec<_> = (0..count)
        .map(|i| axolop_store::ContactDraft {
            name: format!("Contact {i:05}"),
            email: format!("contact{i}@example.com"),
            company: format!("Company {}", i % 97),
            ..Default::default()
        })
        .collect();
    let now = crate::timing::unix_ms();
    crate::crm::with_store(&app, move |store| {
        store.insert_contacts(&agency_id, &drafts, window.as_str(), now)
    })
    .await
}
