//! The session driver: the shell's side of the Supabase session, which
//! performs what the coordinator's session transitions decide.
//!
//! The coordinator decides (who is signed in, when to refresh, which answer
//! counts, what the keyring must hold); [`SessionDriver`] performs: HTTP
//! calls to the auth server and reads and writes of the OS keyring. Each
//! answer goes back in one transition, and the coordinator is never locked
//! across a network or keyring call.
//!
//! The keyring is touched by one task only, the keyring writer: it reads
//! the stored session at start, then performs the [`KeyringWrite`]s in the
//! order the transitions decided them (they are queued inside the
//! transition, under the hub's lock). Before each write it asks the
//! coordinator whether the write still stands, so a sign-out or a new
//! sign-in that lands while a slow keyring call is out can never leave a
//! stale or foreign token stored, nor erase a newer session.

use std::sync::Arc;
use std::time::Instant;

use axolop_auth::{AuthClient, AuthConfig, AuthError, SecretStore, StoreKind, StoredSession};
use axolop_coordinator::session::{
    KeyringWrite, RefreshJob, RefreshRecorded, SessionSummary, TokenAnswer,
};
use axolop_coordinator::sync::SignOutIntent;
use axolop_sync::Rest;
use secrecy::SecretString;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::mpsc;
use ts_rs::TS;

use crate::agencies;
use crate::args::{SignInArgs, UnsentChoice};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::sync_engine;

/// The auth client and the keyring writer, managed as Tauri state in
/// Supabase mode only.
pub struct SessionDriver {
    client: AuthClient,
    store: Arc<SecretStore>,
    /// Feeds the keyring writer, in the order transitions decided.
    keyring: mpsc::UnboundedSender<KeyringWrite>,
}

impl SessionDriver {
    /// The session in the keyring now (blocking; for tests and diagnostics).
    pub fn stored_session(&self) -> Option<StoredSession> {
        self.store.load().ok().flatten()
    }

    /// Queues `write` for the keyring writer. Called inside the transition
    /// that decided it, so the queue order is the decision order.
    fn queue(&self, write: KeyringWrite) {
        // A send fails only once the writer has stopped, at exit.
        let _ = self.keyring.send(write);
    }
}

/// Switches the app to Supabase mode for `config`, keeping the session in
/// `store`, and starts the keyring writer, which first restores a stored
/// session. Call before any window opens.
pub fn start<R: Runtime>(app: &AppHandle<R>, config: AuthConfig, store: SecretStore) -> Result<()> {
    let client = AuthClient::new(config.clone())?;
    // The data server shares the auth client's connections and timeouts.
    let rest = Rest::new(client.http(), &config.url, &config.anon_key)?;
    if store.kind() == StoreKind::Memory {
        tracing::warn!(
            "the session is kept in memory only (AXOLOP_SECRET_STORE=memory): for tests"
        );
    }
    let store = Arc::new(store);
    let (keyring, writes) = mpsc::unbounded_channel();
    app.manage(SessionDriver {
        client,
        store: store.clone(),
        keyring,
    });
    app.state::<Hub>().transact(|coordinator, _| {
        coordinator.use_supabase();
        Ok(())
    })?;
    tauri::async_runtime::spawn(keyring_writer(app.clone(), store, writes));
    sync_engine::start(app, rest);
    Ok(())
}

/// Signs in every window with email and password. Answers as soon as the
/// session is live; the keyring write follows (a keyring that prompts must
/// not hold the dialog).
pub async fn sign_in<R: Runtime>(app: &AppHandle<R>, args: SignInArgs) -> Result<SessionSummary> {
    let (email, password) = args.checked()?;
    let driver = driver(app)?;
    let sent = Instant::now();
    let grant = driver.client.sign_in(&email, &password).await?;
    drop(password);
    let user = grant.user.id.clone();
    let selection = agencies::selection_of(app, user.clone()).await;
    let summary = app.state::<Hub>().transact(|coordinator, _| {
        driver.queue(coordinator.session_signed_in(selection, grant, sent)?);
        Ok(coordinator.session().summary())
    })?;
    tracing::info!(%user, "signed in");
    sync_engine::wake(app);
    Ok(summary)
}

/// Where a sign-in sends the password: the Supabase project's host (and
/// port), or `None` in local mode.
pub fn project_host<R: Runtime>(app: &AppHandle<R>) -> Option<String> {
    app.try_state::<SessionDriver>()
        .map(|driver| driver.client.host())
}

/// How a sign-out went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SignOutOutcome {
    /// Every window is signed out.
    SignedOut,
    /// Changes made here are not on the server yet: the primary asks what
    /// to do with them (the `unsent-changes` modal).
    Asking,
    /// The app signs out once they are sent.
    Waiting,
    /// Still signed in, as the user chose.
    Stayed,
}

/// Signs out every window, forgets the stored session and tells the server
/// (best effort). What waits to be pushed goes first, if the server
/// answers; then the user's cached CRM leaves this computer. If changes
/// still wait, `unsent` decides: none yet has the primary ask; `wait`
/// signs out once they are sent; `discard` deletes them with the rest;
/// `stay` keeps the user signed in.
pub async fn sign_out<R: Runtime>(
    app: &AppHandle<R>,
    unsent: Option<UnsentChoice>,
) -> Result<SignOutOutcome> {
    let driver = driver(app)?;
    let hub = app.state::<Hub>();
    if unsent == Some(UnsentChoice::Stay) {
        hub.transact(|coordinator, _| {
            coordinator.sign_out_cancel();
            Ok(())
        })?;
        return Ok(SignOutOutcome::Stayed);
    }
    let owner = hub.read(|coordinator| coordinator.session().summary().user.map(|user| user.id));
    if let Some(owner) = owner
        .as_deref()
        .filter(|_| unsent != Some(UnsentChoice::Discard))
    {
        sync_engine::push_before_sign_out(app, owner).await;
        if sync_engine::waiting(app, owner).await > 0 {
            return hub.transact(|coordinator, _| {
                if unsent == Some(UnsentChoice::Wait) {
                    coordinator.sign_out_when_sent()?;
                    Ok(SignOutOutcome::Waiting)
                } else {
                    coordinator.sign_out_ask()?;
                    Ok(SignOutOutcome::Asking)
                }
            });
        }
    }
    // No push runs while the session ends and its user's data goes.
    let pushes = sync_engine::hold_pushes(app).await;
    let revoke = hub.transact(|coordinator, _| {
        let current = coordinator.session().summary().user.map(|user| user.id);
        if current != owner {
            // Someone else signed in while the push was out: this sign-out
            // was the previous user's, and is over.
            return Ok(None);
        }
        if unsent == Some(UnsentChoice::Wait)
            && coordinator.sign_out_intent() == SignOutIntent::None
        {
            // The user chose to stay signed in meanwhile.
            return Ok(None);
        }
        let signed_out = coordinator.session_sign_out();
        driver.queue(signed_out.keyring);
        Ok(Some(signed_out.revoke))
    })?;
    let Some(revoke) = revoke else {
        return Ok(SignOutOutcome::Stayed);
    };
    if let Some(owner) = owner {
        let discard = unsent == Some(UnsentChoice::Discard);
        sync_engine::forget_after_sign_out(app, owner, discard).await;
    }
    drop(pushes);
    if let Some(access) = revoke {
        tracing::info!("signed out");
        if let Err(error) = driver.client.sign_out(&access).await {
            // The session is over here either way; the server's copy lapses.
            tracing::warn!(%error, "the server was not told of the sign-out");
        }
    }
    Ok(SignOutOutcome::SignedOut)
}

/// The access token for an API call: now, or after the one refresh in
/// flight (started here if due).
pub async fn access_token<R: Runtime>(app: &AppHandle<R>) -> Result<SecretString> {
    let (answer, job) = app
        .state::<Hub>()
        .transact(|coordinator, now| coordinator.session_token(now))?;
    if let Some(job) = job {
        spawn_refresh(app, job);
    }
    match answer {
        TokenAnswer::Ready(token) => Ok(token),
        TokenAnswer::Pending(pending) => Ok(pending.outcome().await?),
    }
}

/// A server refused `token` as expired: the next [`access_token`] waits
/// for the one refresh (the coordinator makes many refusals one refresh).
pub fn token_rejected<R: Runtime>(app: &AppHandle<R>, token: &SecretString) {
    let _ = app.state::<Hub>().transact(|coordinator, now| {
        coordinator.session_token_rejected(token, now);
        Ok(())
    });
}

/// Starts the refresh that is due now, if any (the deadline task calls this
/// at every deadline).
pub fn refresh_if_due<R: Runtime>(app: &AppHandle<R>) {
    if app.try_state::<SessionDriver>().is_none() {
        return;
    }
    let job = app
        .state::<Hub>()
        .transact(|coordinator, now| Ok(coordinator.session_refresh_due(now)));
    if let Ok(Some(job)) = job {
        spawn_refresh(app, job);
    }
}

/// Performs `job` off the caller's path: the coordinator hands out one job
/// at a time (single flight), and the job itself reports its answer.
fn spawn_refresh<R: Runtime>(app: &AppHandle<R>, job: RefreshJob) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move { refresh(&app, job).await });
}

/// Performs one refresh job and reports the answer.
async fn refresh<R: Runtime>(app: &AppHandle<R>, job: RefreshJob) {
    let Ok(driver) = driver(app) else {
        return;
    };
    let hub = app.state::<Hub>();
    let sent = Instant::now();
    match driver.client.refresh(&job.refresh_token).await {
        Ok(grant) => {
            let recorded = hub.transact(|coordinator, _| {
                Ok(match coordinator.session_refreshed(job.id, grant, sent) {
                    RefreshRecorded::Applied(write) => {
                        driver.queue(write);
                        None
                    }
                    RefreshRecorded::Discarded { revoke } => Some(revoke),
                })
            });
            match recorded {
                Ok(None) => tracing::debug!("access token refreshed"),
                Ok(Some(revoke)) => {
                    tracing::debug!("a refresh answer for an ended session was discarded");
                    if let Err(error) = driver.client.sign_out(&revoke).await {
                        tracing::debug!(%error, "the discarded session was not revoked");
                    }
                }
                Err(error) => tracing::warn!(%error, "a refresh could not be recorded"),
            }
        }
        Err(error) => {
            let failure = error.refresh_failure();
            tracing::warn!(%error, "token refresh failed");
            let _ = hub.transact(|coordinator, now| {
                let ended =
                    coordinator.session_refresh_failed(job.id, failure, fastrand::f64(), now);
                if let Some(write) = ended {
                    driver.queue(write);
                }
                Ok(())
            });
        }
    }
}

/// The one task that touches the keyring: restores the stored session at
/// start (windows show "Restoring session…" and no sign-in prompt until
/// it has answered), then performs every write that still stands, in
/// order.
async fn keyring_writer<R: Runtime>(
    app: AppHandle<R>,
    store: Arc<SecretStore>,
    mut writes: mpsc::UnboundedReceiver<KeyringWrite>,
) {
    restore(&app, &store).await;
    while let Some(write) = writes.recv().await {
        let hub = app.state::<Hub>();
        if !hub.read(|coordinator| coordinator.keyring_write_current(&write)) {
            continue;
        }
        match write {
            KeyringWrite::Save {
                user,
                refresh_token,
                ..
            } => {
                let stored = StoredSession {
                    user,
                    refresh_token,
                };
                let saved = blocking(&store, move |store| store.save(&stored)).await;
                match &saved {
                    Ok(()) => tracing::info!("the session is kept in the OS keyring"),
                    Err(error) => tracing::warn!(%error, "the session is kept for this run only"),
                }
                let _ = hub.transact(|coordinator, _| {
                    coordinator.session_remembered(saved.is_ok());
                    Ok(())
                });
            }
            KeyringWrite::Clear { .. } => {
                if let Err(error) = blocking(&store, |store| store.clear()).await {
                    tracing::warn!(%error, "the stored session could not be removed");
                }
            }
        }
    }
}

/// Restores the stored session, if any, with its user's agency.
async fn restore<R: Runtime>(app: &AppHandle<R>, store: &Arc<SecretStore>) {
    let stored = match blocking(store, |store| store.load()).await {
        Ok(Some(stored)) => Some(stored),
        Ok(None) => {
            tracing::info!("no stored session; waiting for a sign-in");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "the keyring could not be read; waiting for a sign-in");
            None
        }
    };
    let hub = app.state::<Hub>();
    let outcome = match stored {
        Some(stored) => {
            tracing::info!("restoring the stored session");
            let selection = agencies::selection_of(app, stored.user.id.clone()).await;
            let restored = hub.transact(|coordinator, now| {
                coordinator.session_restore(selection, stored.user, stored.refresh_token, now);
                Ok(())
            });
            sync_engine::wake(app);
            restored
        }
        None => hub.transact(|coordinator, _| {
            coordinator.session_nothing_stored();
            Ok(())
        }),
    };
    if let Err(error) = outcome {
        tracing::warn!(%error, "the stored session could not be restored");
    }
    refresh_if_due(app);
}

/// Runs a keyring call off the async runtime's worker threads.
async fn blocking<T: Send + 'static>(
    store: &Arc<SecretStore>,
    call: impl FnOnce(&SecretStore) -> std::result::Result<T, AuthError> + Send + 'static,
) -> std::result::Result<T, AuthError> {
    let store = store.clone();
    tauri::async_runtime::spawn_blocking(move || call(&store))
        .await
        .unwrap_or_else(|error| {
            Err(AuthError::Keyring(format!(
                "the keyring call failed: {error}"
            )))
        })
}

fn driver<R: Runtime>(app: &AppHandle<R>) -> Result<tauri::State<'_, SessionDriver>> {
    app.try_state::<SessionDriver>()
        .ok_or(Error::Coordinator(axolop_coordinator::Error::NotConfigured))
}
