//! The sync engine (Supabase mode): the one task in the app process that
//! exchanges the cache with the user's Supabase project (docs/SYNC.md).
//!
//! An exchange pushes the outbox, refreshes the list of the user's
//! agencies, and pulls the selected agency's changes. One runs:
//!
//! - at once when woken: a save or delete waits to be pushed, someone
//!   signed in or a stored session came back, the agency changed;
//! - every 3 s while a window of the app has the focus, every 30 s
//!   otherwise, and every 3 s while the server cannot be reached (so the
//!   outbox drains soon after the network is back); after a failure that
//!   waiting cannot mend by itself (a server error, a token refused even
//!   after its refresh), every 30 s.
//!
//! However many windows are open, there is one engine, so one exchange per
//! interval. The token comes from the session's single flight; a request
//! the server refuses as expired marks the token run out and the exchange
//! runs once more with the refreshed one. A session that cannot be renewed
//! ends as every session does (the coordinator signs out every window) and
//! the outbox stays for that user's next sign-in.
//!
//! The engine reports what it sees to the coordinator as a [`SyncStatus`],
//! which tells the windows only when it changes.
//!
//! # Layout
//!
//! - this module: the engine, its schedule, and its reports.
//! - [`exchange`]: one exchange (push, agencies, pull) with the session's
//!   token, and why one stopped.
//! - [`sign_out`]: what a sign-out asks of the engine: push first, then
//!   remove the user's data, or sign out once their changes are sent.

mod exchange;
mod sign_out;

use std::time::Duration;

use axolop_coordinator::sync::{SyncProgress, SyncState, SyncStatus};
use axolop_model::Agency;
use axolop_sync::Rest;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use crate::crm;
use crate::error::Result;
use crate::hub::Hub;
use exchange::{exchange, with_token, Failure};
pub use sign_out::{forget_after_sign_out, hold_pushes, push_before_sign_out, waiting};

/// Between exchanges while a window of the app has the focus, and while
/// the server is out of reach.
pub const FOCUSED: Duration = Duration::from_secs(3);
/// Between exchanges while no window has the focus.
pub const UNFOCUSED: Duration = Duration::from_secs(30);

/// The engine, managed as Tauri state in Supabase mode only.
pub struct SyncEngine {
    rest: Rest,
    /// Set by [`wake`]; a wake while an exchange runs makes one more.
    wake: Notify,
    /// Held while the outbox is pushed: two pushes at once would send an
    /// entry twice, and the second would meet its own first as a conflict.
    pushing: tokio::sync::Mutex<()>,
}

/// Starts the engine for the project `rest` speaks to. Call once, in
/// Supabase mode, after the store is open and before any window opens:
/// from then on every save and delete also waits in the outbox.
pub fn start<R: Runtime>(app: &AppHandle<R>, rest: Rest) {
    if let Err(error) = crm::now(app, |store| {
        store.set_queue_changes(true);
        Ok(())
    }) {
        tracing::warn!(%error, "nothing saved here can reach the server without a database");
    }
    app.manage(SyncEngine {
        rest,
        wake: Notify::new(),
        pushing: tokio::sync::Mutex::new(()),
    });
    tauri::async_runtime::spawn(run(app.clone()));
}

/// Asks for an exchange now (a no-op in local mode). Wakes that come while
/// one runs make a single exchange after it.
pub fn wake<R: Runtime>(app: &AppHandle<R>) {
    if let Some(engine) = app.try_state::<SyncEngine>() {
        engine.wake.notify_one();
    }
}

/// The engine's project, or `None` in local mode.
pub fn rest<R: Runtime>(app: &AppHandle<R>) -> Option<Rest> {
    app.try_state::<SyncEngine>()
        .map(|engine| engine.rest.clone())
}

/// Creates agency `name` on the server for the signed-in user `owner`,
/// then caches it. Needs the server: an agency made offline could not be
/// shared until it was pushed, and its members could not be added.
pub async fn create_agency<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    owner: String,
    name: String,
) -> Result<Agency> {
    let agency = axolop_store::agency::new_agency(&name, crate::timing::unix_ms())?;
    with_token(app, |token| {
        let (id, name) = (agency.id.clone(), agency.name.clone());
        async move { rest.create_agency(&token, &id, &name).await }
    })
    .await?;
    let cached = agency.clone();
    crm::with_store_and(app, move |store, app| {
        // Checked with the store held, as an exchange does: a sign-out
        // meanwhile has removed the user's data, and this must not return.
        if signed_in_user(app).as_deref() != Some(owner.as_str()) {
            return Err(axolop_coordinator::Error::SignedOut.into());
        }
        Ok(store.cache_agency(&owner, &cached)?)
    })
    .await?;
    Ok(agency)
}

/// The loop: wait for a wake or the interval, exchange, report.
async fn run<R: Runtime>(app: AppHandle<R>) {
    let engine = app.state::<SyncEngine>();
    let mut state = SyncState::Off;
    // The last exchange failed other than for the network (a refused
    // token, a server error): try again slowly, not every 3 s.
    let mut failed = false;
    loop {
        let interval = match state {
            SyncState::Offline if !failed => FOCUSED,
            _ if !failed && any_window_focused(&app) => FOCUSED,
            _ => UNFOCUSED,
        };
        tokio::select! {
            () = engine.wake.notified() => {}
            () = tokio::time::sleep(interval) => {}
        }
        (state, failed) = exchange_and_report(&app, &engine.rest, state).await;
    }
}

fn any_window_focused<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.webview_windows()
        .values()
        .any(|window| window.is_focused().unwrap_or(false))
}

/// One exchange, with the status reported before (changes waiting) and
/// after (online or not). Returns the state it ended in, and whether it
/// failed other than for the network.
async fn exchange_and_report<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    before: SyncState,
) -> (SyncState, bool) {
    let Some(owner) = signed_in_user(app) else {
        report(app, SyncState::Off, None, None);
        return (SyncState::Off, false);
    };
    let starting = if before == SyncState::Off {
        SyncState::Syncing
    } else {
        before
    };
    report(app, starting, None, None);
    match exchange(app, rest, &owner).await {
        Ok(()) => {
            report(app, SyncState::Online, None, None);
            sign_out::sign_out_if_sent(app, &owner).await;
            (SyncState::Online, false)
        }
        Err(Failure::SignedOut) => {
            report(app, SyncState::Off, None, None);
            (SyncState::Off, false)
        }
        Err(Failure::Offline(reason)) => {
            tracing::info!(%reason, "offline: changes wait in the outbox");
            report(app, SyncState::Offline, None, Some(reason));
            (SyncState::Offline, false)
        }
        Err(Failure::Failed(reason)) => {
            tracing::warn!(%reason, "the exchange with the server failed");
            report(app, SyncState::Offline, None, Some(reason));
            (SyncState::Offline, true)
        }
    }
}

/// Tells the coordinator where the engine stands, with the outbox's length
/// as the store has it now.
fn report<R: Runtime>(
    app: &AppHandle<R>,
    state: SyncState,
    progress: Option<SyncProgress>,
    problem: Option<String>,
) {
    let waiting = signed_in_user(app)
        .and_then(|owner| crm::now(app, |store| Ok(store.outbox_len(&owner)?)).ok())
        .unwrap_or(0);
    let status = SyncStatus {
        state,
        waiting,
        progress,
        problem,
        // The coordinator's to say.
        signing_out: false,
    };
    let _ = app.state::<Hub>().transact(|coordinator, _| {
        coordinator.sync_reported(status);
        Ok(())
    });
}

/// The signed-in user's id, if someone is signed in.
fn signed_in_user<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    app.state::<Hub>().read(|coordinator| {
        let session = coordinator.session();
        session
            .is_signed_in()
            .then(|| session.summary().user.map(|user| user.id))
            .flatten()
    })
}

fn selected_agency<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    app.state::<Hub>().read(|coordinator| {
        coordinator
            .agency_in_use(None)
            .ok()
            .map(|agency| agency.id.clone())
    })
}
