//! Signed updates: one check at start and every six hours however many
//! windows are open, the download with its progress, the signature check,
//! the install, and the restart that brings the windows back.
//!
//! The coordinator decides who asks (the primary, with Install or Later;
//! a badge elsewhere); this module does the I/O through
//! `tauri-plugin-updater`. An update is signed with the release key; the
//! app trusts only the public key in its configuration (a debug build may
//! be given another, for the update test). A failed download or a bad
//! signature is reported in the primary and the app keeps running as it
//! is; a check that finds no network tries again quietly later.
//!
//! Only an app that can replace itself checks: one installed from a
//! `.deb` or `.rpm` (the installer replaces the package, asking for an
//! administrator's password), or an AppImage (replaced in place). A plain
//! build (`cargo run`) would overwrite its own binary, and does not check.

use std::time::Duration;

use axolop_coordinator::update::UpdateOffer;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use tokio::sync::Mutex;

use crate::hub::Hub;
use crate::settings::Settings;

/// How often the app looks for an update.
pub const CHECK_EVERY: Duration = Duration::from_secs(6 * 60 * 60);
/// How soon a check that could not reach the server is tried again.
pub const RETRY_OFFLINE: Duration = Duration::from_secs(15 * 60);
/// How long after start the first check waits: the windows come back first.
const FIRST_CHECK_AFTER: Duration = Duration::from_secs(3);
/// How long a check or a download may take before it counts as offline.
const TIMEOUT: Duration = Duration::from_secs(120);
/// How often download progress is told to the windows at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// The update found, kept for Install; managed as Tauri state.
pub struct Updates {
    found: Mutex<Option<Update>>,
    endpoint: Option<tauri::Url>,
    pubkey: Option<String>,
}

/// Starts checking, if updates are on and this app can replace itself.
pub fn start<R: Runtime>(app: &AppHandle<R>, settings: &Settings) {
    if !settings.updates_enabled() {
        tracing::info!("update checks are off");
        return;
    }
    if !can_replace_itself(app) {
        tracing::info!("not installed from a package: no update checks");
        return;
    }
    let endpoint = match settings.update_endpoint() {
        Ok(endpoint) => endpoint,
        Err(error) => {
            tracing::error!(%error, "update checks are off");
            return;
        }
    };
    app.manage(Updates {
        found: Mutex::new(None),
        endpoint,
        pubkey: settings.update_pubkey().map(str::to_owned),
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK_AFTER).await;
        loop {
            let wait = match check(&app).await {
                Ok(()) => CHECK_EVERY,
                Err(error) => {
                    // Offline, or the server had a bad moment: quietly later.
                    tracing::info!(%error, "no update check this time");
                    RETRY_OFFLINE
                }
            };
            tokio::time::sleep(wait).await;
        }
    });
}

/// Whether the updater can replace this app: a packaged install, or an
/// AppImage (whose path the `APPIMAGE` variable gives).
fn can_replace_itself<R: Runtime>(app: &AppHandle<R>) -> bool {
    #[cfg(target_os = "linux")]
    if app.env().appimage.is_some() {
        return true;
    }
    let _ = app;
    tauri::utils::platform::bundle_type().is_some()
}

fn updater<R: Runtime>(
    app: &AppHandle<R>,
) -> tauri_plugin_updater::Result<tauri_plugin_updater::Updater> {
    let updates = app.state::<Updates>();
    let mut builder = app.updater_builder().timeout(TIMEOUT);
    if let Some(endpoint) = &updates.endpoint {
        builder = builder.endpoints(vec![endpoint.clone()])?;
    }
    if let Some(pubkey) = &updates.pubkey {
        builder = builder.pubkey(pubkey.clone());
    }
    builder.build()
}

/// One check: an update found is told to the coordinator, which asks.
async fn check<R: Runtime>(app: &AppHandle<R>) -> tauri_plugin_updater::Result<()> {
    let Some(update) = updater(app)?.check().await? else {
        tracing::info!("no update: this version is current");
        return Ok(());
    };
    tracing::info!(version = %update.version, "update available");
    let offer = UpdateOffer::new(
        update.version.clone(),
        update.current_version.clone(),
        update.body.clone(),
    );
    *app.state::<Updates>().found.lock().await = Some(update);
    let _ = app.state::<Hub>().transact(|coordinator, _| {
        coordinator.update_found(offer);
        Ok(())
    });
    Ok(())
}

/// The user chose Install: download (telling the windows how far it got),
/// verify, install, restart. A failure is told to the coordinator.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(message) = download_and_install(&app).await {
            tracing::error!(%message, "the update could not be installed");
            let _ = app.state::<Hub>().transact(|coordinator, _| {
                coordinator.update_failed(message);
                Ok(())
            });
            return;
        }
        tracing::info!("update installed: restarting");
        // The windows come back as they are now.
        crate::layout::keep_now(&app);
        app.request_restart();
    });
}

async fn download_and_install<R: Runtime>(app: &AppHandle<R>) -> std::result::Result<(), String> {
    let Some(updates) = app.try_state::<Updates>() else {
        return Err("updates are off".into());
    };
    let Some(update) = updates.found.lock().await.clone() else {
        return Err("no update was found".into());
    };
    let mut received = 0u64;
    let mut told = std::time::Instant::now() - PROGRESS_EVERY;
    let progress = |chunk: usize, total: Option<u64>| {
        received += chunk as u64;
        let done = total.is_some_and(|total| received >= total);
        if done || told.elapsed() >= PROGRESS_EVERY {
            told = std::time::Instant::now();
            let _ = app.state::<Hub>().transact(|coordinator, _| {
                coordinator.update_progressed(received, total);
                Ok(())
            });
        }
    };
    // `download` checks the signature of what arrived before answering.
    let bytes = update
        .download(progress, || {})
        .await
        .map_err(|error| user_message(&error))?;
    tracing::info!(bytes = bytes.len(), "update downloaded and verified");
    let _ = app.state::<Hub>().transact(|coordinator, _| {
        coordinator.update_installing();
        Ok(())
    });
    // Installing blocks (it writes the new app, or waits for the package
    // manager); off the async threads.
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|error| format!("the installer stopped: {error}"))?
        .map_err(|error| user_message(&error))
}

/// What the user is told of an updater failure.
fn user_message(error: &tauri_plugin_updater::Error) -> String {
    use tauri_plugin_updater::Error;
    match error {
        Error::Minisign(_)
        | Error::SignatureUtf8(_)
        | Error::Base64(_)
        | Error::SignedVersionMismatch { .. } => {
            "its signature does not match the key this app trusts (the download may be damaged, or not from Axolop)".into()
        }
        Error::Network(_) | Error::Reqwest(_) => {
            format!("the download did not complete ({error})")
        }
        Error::Io(_) => format!("it could not be written ({error})"),
        other => other.to_string(),
    }
}
