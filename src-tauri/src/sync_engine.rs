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

use std::time::Duration;

use axolop_coordinator::sync::{SignOutIntent, SyncProgress, SyncState, SyncStatus};
use axolop_model::Agency;
use axolop_sync::exchange::{self, Progress};
use axolop_sync::{Rest, SyncError};
use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::Notify;

use crate::args::UnsentChoice;
use crate::contacts;
use crate::crm::{self, Crm};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::session;

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
    crm::with_store(app, move |store| store.cache_agency(&owner, &cached)).await?;
    Ok(agency)
}

/// Before a sign-out: pushes what waits, if the server answers.
pub async fn push_before_sign_out<R: Runtime>(app: &AppHandle<R>) {
    let Some(engine) = app.try_state::<SyncEngine>() else {
        return;
    };
    let _pushing = engine.pushing.lock().await;
    let pushed = with_token(app, |token| {
        let app = app.clone();
        let rest = engine.rest.clone();
        async move { push(&app, &rest, &token).await }
    })
    .await;
    if let Err(error) = pushed {
        tracing::info!(%error, "changes could not be pushed before signing out");
    }
}

/// How many changes wait to be pushed.
pub async fn waiting<R: Runtime>(app: &AppHandle<R>) -> u64 {
    crm::with_store(app, |store| store.outbox_len())
        .await
        .unwrap_or(0)
}

/// After `owner` signed out: removes their cached CRM from this computer
/// (a shared computer must not keep the last user's data), unless changes
/// still wait to be pushed and the user did not choose to `discard` them:
/// those stay, with the rest of the cache, for the user's next sign-in (a
/// session that ended on the server, say).
pub async fn forget_after_sign_out<R: Runtime>(app: &AppHandle<R>, owner: String, discard: bool) {
    if app.try_state::<SyncEngine>().is_none() {
        return;
    }
    let outcome = crm::with_store(app, move |store| {
        let waiting = store.outbox_len()?;
        if waiting == 0 || discard {
            store.forget_owner(&owner)?;
        }
        Ok(if discard { 0 } else { waiting })
    })
    .await;
    match outcome {
        Ok(0) => tracing::info!("the signed-out user's CRM data was removed from this computer"),
        Ok(waiting) => {
            tracing::warn!(
                waiting,
                "changes not yet on the server are kept for the next sign-in"
            )
        }
        Err(error) => tracing::warn!(%error, "the signed-out user's CRM data could not be removed"),
    }
    report(app, SyncState::Off, None, None);
}

/// Pushes the outbox (the caller holds `pushing`), telling the windows of
/// conflicts as they settle.
async fn push<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    token: &SecretString,
) -> axolop_sync::Result<()> {
    let crm = app
        .try_state::<Crm>()
        .ok_or_else(|| SyncError::Store("the CRM database is not available".to_owned()))?;
    let pushes = exchange::push(rest, token, crm.store(), &mut |store, agency, changes| {
        contacts::announce_pulled(app, store, agency, changes)
    })
    .await?;
    for (contact, error) in &pushes.refused {
        tracing::warn!(%contact, %error, "the server refused a change; it was dropped");
    }
    if !pushes.conflicts.is_empty() {
        tracing::info!(
            count = pushes.conflicts.len(),
            "edits lost to newer ones on the server are kept as conflicts"
        );
    }
    Ok(())
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
            sign_out_if_sent(app).await;
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

/// Signs out if the user chose to once their changes were sent, and they
/// are.
async fn sign_out_if_sent<R: Runtime>(app: &AppHandle<R>) {
    let pending = app
        .state::<Hub>()
        .read(|coordinator| coordinator.sign_out_intent() == SignOutIntent::WhenSent);
    if pending && waiting(app).await == 0 {
        tracing::info!("the changes are sent: signing out, as the user chose");
        if let Err(error) = session::sign_out(app, Some(UnsentChoice::Wait)).await {
            tracing::warn!(%error, "the sign-out after sending failed");
        }
    }
}

/// Why an exchange stopped.
enum Failure {
    /// Nobody is signed in (any more).
    SignedOut,
    /// The server, or the auth server, could not be reached.
    Offline(String),
    /// Something else went wrong; the next exchange tries again.
    Failed(String),
}

impl From<SyncError> for Failure {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Unavailable(reason) => {
                // The detail is for the log; windows get the sentence.
                tracing::debug!(%reason, "the data server is unavailable");
                Failure::Offline(
                    "The server cannot be reached; changes are kept on this computer.".to_owned(),
                )
            }
            other => Failure::Failed(other.to_string()),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        use axolop_coordinator::Error as Coordinator;
        match error {
            Error::Coordinator(Coordinator::SignedOut | Coordinator::SessionEnded { .. })
            | Error::Coordinator(Coordinator::NotConfigured) => Failure::SignedOut,
            Error::Coordinator(Coordinator::Network { .. }) => Failure::Offline(
                "The sign-in server cannot be reached; changes are kept on this computer."
                    .to_owned(),
            ),
            Error::Sync(error) => error.into(),
            other => Failure::Failed(other.to_string()),
        }
    }
}

/// Push, agencies, pull: the whole exchange with one token, run once more
/// with a refreshed token if the server refused it as expired.
async fn exchange<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    owner: &str,
) -> std::result::Result<(), Failure> {
    let token = session::access_token(app).await?;
    match exchange_with(app, rest, owner, &token).await {
        Err(SyncError::TokenExpired) => {
            session::token_rejected(app, &token);
            let token = session::access_token(app).await?;
            Ok(exchange_with(app, rest, owner, &token).await?)
        }
        other => Ok(other?),
    }
}

async fn exchange_with<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    owner: &str,
    token: &SecretString,
) -> axolop_sync::Result<()> {
    {
        let engine = app.state::<SyncEngine>();
        let _pushing = engine.pushing.lock().await;
        push(app, rest, token).await?;
    }
    let crm = app
        .try_state::<Crm>()
        .ok_or_else(|| SyncError::Store("the CRM database is not available".to_owned()))?;
    let store = crm.store();

    let agencies = rest.agencies(token).await?;
    {
        let mut store = lock(store)?;
        // Checked with the store held: a sign-out's removal of the user's
        // data cannot slip in between (it takes the store too).
        if signed_in_user(app).as_deref() != Some(owner) {
            return Ok(());
        }
        for remote in agencies {
            let agency = remote.to_agency()?;
            store
                .cache_agency(owner, &agency)
                .map_err(|error| SyncError::Store(error.to_string()))?;
        }
    }

    let Some(agency) = selected_agency(app) else {
        return Ok(());
    };
    let progress_agency = agency.clone();
    exchange::pull(
        rest,
        token,
        store,
        &agency,
        |Progress { rows, total }| {
            // Only a pull of more than a page is worth a progress bar.
            let progress = total
                .filter(|&total| total > exchange::PAGE && rows < total)
                .map(|total| SyncProgress {
                    agency_id: progress_agency.clone(),
                    rows,
                    total,
                });
            if progress.is_some() {
                report(app, SyncState::Syncing, progress, None);
            }
        },
        &mut |store, agency, changes| contacts::announce_pulled(app, store, agency, changes),
    )
    .await?;
    Ok(())
}

/// Tells the coordinator where the engine stands, with the outbox's length
/// as the store has it now.
fn report<R: Runtime>(
    app: &AppHandle<R>,
    state: SyncState,
    progress: Option<SyncProgress>,
    problem: Option<String>,
) {
    let waiting = crm::now(app, |store| Ok(store.outbox_len()?)).unwrap_or(0);
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

/// Runs one request with the session's token, and once more with a
/// refreshed one if the server refused it as expired.
async fn with_token<R, T, F, Fut>(app: &AppHandle<R>, mut call: F) -> Result<T>
where
    R: Runtime,
    F: FnMut(SecretString) -> Fut,
    Fut: std::future::Future<Output = axolop_sync::Result<T>>,
{
    let token = session::access_token(app).await?;
    match call(token.clone()).await {
        Err(SyncError::TokenExpired) => {
            session::token_rejected(app, &token);
            let token = session::access_token(app).await?;
            Ok(call(token).await?)
        }
        other => Ok(other?),
    }
}

fn lock(
    store: &std::sync::Mutex<axolop_store::Store>,
) -> axolop_sync::Result<std::sync::MutexGuard<'_, axolop_store::Store>> {
    store
        .lock()
        .map_err(|_| SyncError::Store("the local database is unavailable after a failure".into()))
}
