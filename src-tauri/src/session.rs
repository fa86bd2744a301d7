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
//!
//! The keyring must never strand a session: every call gives up after
//! [`KEYRING_TIMEOUT`]; a rotated token it refuses to keep takes the spent
//! one out with it; a clean exit waits for the writes still queued; and a
//! sign-out leaves a marker on disk ([`SignOutMarker`]) so that an entry
//! the keyring would not delete is never restored. Sessions that end here
//! end on the server too ([`revocation`]).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axolop_auth::{AuthClient, AuthConfig, AuthError, SecretStore, StoreKind, StoredSession};
use axolop_coordinator::session::{
    BrowserSignIn, Grant, KeyringTrouble, KeyringWrite, RefreshJob, RefreshRecorded, Revocation,
    SessionSummary, TokenAnswer,
};
use axolop_coordinator::sync::SignOutIntent;
use axolop_sync::Rest;
use secrecy::SecretString;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;

use crate::agencies;
use crate::args::{SignInArgs, UnsentChoice};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::revocation;
use crate::sign_out_marker::SignOutMarker;
use crate::sync_engine;

/// How long a keyring call may take before the app gives up on it: an
/// unlock prompt nobody answers, or a Secret Service that hangs, must not
/// leave every window on "Restoring session…" forever.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(20);

/// A keyring write in the writer's queue, and who waits for it to be done
/// (`true` when it was kept).
struct Queued {
    write: KeyringWrite,
    done: Option<oneshot::Sender<bool>>,
}

/// The auth client and the keyring writer, managed as Tauri state in
/// Supabase mode only.
pub struct SessionDriver {
    client: AuthClient,
    store: Arc<SecretStore>,
    /// Feeds the keyring writer, in the order transitions decided.
    keyring: mpsc::UnboundedSender<Queued>,
    /// Writes queued and not yet done (a clean exit waits for them).
    unwritten: Arc<AtomicUsize>,
    /// Set by a sign-out, cleared by an interactive sign-in.
    marker: SignOutMarker,
    keyring_timeout: Duration,
}

impl SessionDriver {
    /// The session in the keyring now (blocking; for tests and diagnostics).
    pub fn stored_session(&self) -> Option<StoredSession> {
        self.store.load().ok().flatten()
    }

    /// The store the session is kept in (tests make a memory store
    /// misbehave through it).
    pub fn store(&self) -> &SecretStore {
        &self.store
    }

    /// Sets the sign-out marker; a failure is logged (the sign-out goes on:
    /// the keyring entry is still removed).
    fn mark_signed_out(&self) {
        if let Err(error) = self.marker.set() {
            tracing::warn!(%error, "the sign-out marker could not be written");
        }
    }

    /// Removes the sign-out marker; a failure is logged.
    fn unmark_signed_out(&self) {
        if let Err(error) = self.marker.clear() {
            tracing::warn!(%error, "the sign-out marker could not be removed");
        }
    }

    /// Queues `write` for the keyring writer. Called inside the transition
    /// that decided it, so the queue order is the decision order.
    fn queue(&self, write: KeyringWrite) {
        self.queue_then(write, None);
    }

    /// Queues `write`; `done` hears whether it was kept.
    fn queue_then(&self, write: KeyringWrite, done: Option<oneshot::Sender<bool>>) {
        self.unwritten.fetch_add(1, Ordering::SeqCst);
        if self.keyring.send(Queued { write, done }).is_err() {
            // The writer has stopped (at exit): nothing to wait for.
            self.unwritten.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Where the session driver keeps what is not secret, and how long it
/// waits for the keyring.
#[derive(Debug, Clone)]
pub struct Options {
    /// The sign-out marker's place (see [`SignOutMarker`]).
    pub marker: SignOutMarker,
    /// See [`KEYRING_TIMEOUT`].
    pub keyring_timeout: Duration,
}

impl Options {
    /// The defaults, with the marker in `data_dir`.
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            marker: SignOutMarker::in_dir(data_dir),
            keyring_timeout: KEYRING_TIMEOUT,
        }
    }
}

/// Switches the app to Supabase mode for `config`, keeping the session in
/// `store`, and starts the keyring writer, which first restores a stored
/// session. Call before any window opens.
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    config: AuthConfig,
    store: SecretStore,
    options: Options,
) -> Result<()> {
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
    let unwritten = Arc::new(AtomicUsize::new(0));
    app.manage(crate::browser_sign_in::Pending::default());
    app.manage(SessionDriver {
        client,
        store: store.clone(),
        keyring,
        unwritten: unwritten.clone(),
        marker: options.marker,
        keyring_timeout: options.keyring_timeout,
    });
    app.state::<Hub>().transact(|coordinator, _| {
        coordinator.use_supabase();
        Ok(())
    })?;
    tauri::async_runtime::spawn(keyring_writer(app.clone(), store, writes, unwritten));
    sync_engine::start(app, rest);
    Ok(())
}

/// Signs in every window with email and password. Every window is signed
/// in as soon as the server answers; the caller's answer waits for the
/// keyring write (each keyring call ends within [`KEYRING_TIMEOUT`]), so
/// that `remembered: true` means the session is on disk: a quit or a kill
/// right after it cannot lose it. A session this one replaced is ended on
/// the server.
pub async fn sign_in<R: Runtime>(app: &AppHandle<R>, args: SignInArgs) -> Result<SessionSummary> {
    let (email, password) = args.checked()?;
    let driver = driver(app)?;
    let sent = Instant::now();
    let grant = driver.client.sign_in(&email, &password).await?;
    drop(password);
    sign_in_with(app, grant, sent, None).await
}

/// Signs in every window with `grant`, got for a request sent at `sent`,
/// whatever the way in (a password, a browser, an emailed link or code, a
/// new password). Answers once the keyring write is done, as
/// [`sign_in`] does. A grant got from a browser or email `step` is used
/// only while that step is still the one every window shows (not
/// cancelled, replaced, or overtaken by another sign-in); otherwise it is
/// ended on the server and nothing changes. What waited for a browser is
/// dropped once signed in.
pub async fn sign_in_with<R: Runtime>(
    app: &AppHandle<R>,
    grant: Grant,
    sent: Instant,
    step: Option<&BrowserSignIn>,
) -> Result<SessionSummary> {
    let driver = driver(app)?;
    let unused = grant.revocation();
    let user = grant.user.id.clone();
    let selection = agencies::selection_of(app, user.clone()).await;
    let (written, kept) = oneshot::channel();
    let replaced = app.state::<Hub>().transact(|coordinator, _| {
        if step.is_some() && coordinator.session().browser() != step {
            return Err(crate::browser_sign_in::cancelled());
        }
        let signed_in = coordinator.session_signed_in(selection, grant, sent)?;
        // Before the keyring write is performed: once the session is
        // stored, the next launch must restore it.
        driver.unmark_signed_out();
        driver.queue_then(signed_in.keyring, Some(written));
        Ok(signed_in.revoke)
    });
    let replaced = match replaced {
        Ok(replaced) => replaced,
        Err(error) => {
            revocation::spawn(driver.client.clone(), unused);
            return Err(error);
        }
    };
    drop(unused);
    tracing::info!(%user, "signed in");
    crate::browser_sign_in::forget(app);
    sync_engine::wake(app);
    if let Some(revoke) = replaced {
        revocation::spawn(driver.client.clone(), revoke);
    }
    // Every keyring call ends within the keyring timeout, so the writer
    // answers (it drops the sender only when the app exits).
    let _ = kept.await;
    Ok(app
        .state::<Hub>()
        .read(|coordinator| coordinator.session().summary()))
}

/// The auth client, in Supabase mode.
pub fn client<R: Runtime>(app: &AppHandle<R>) -> Result<AuthClient> {
    Ok(driver(app)?.client.clone())
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
    // Before the keyring is touched: whatever becomes of the entry, the
    // next launch does not restore it.
    driver.mark_signed_out();
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
        driver.unmark_signed_out();
        return Ok(SignOutOutcome::Stayed);
    };
    if let Some(owner) = owner {
        let discard = unsent == Some(UnsentChoice::Discard);
        sync_engine::forget_after_sign_out(app, owner, discard).await;
    }
    drop(pushes);
    if let Some(revoke) = revoke {
        tracing::info!("signed out");
        revocation::spawn(driver.client.clone(), revoke);
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
    mut writes: mpsc::UnboundedReceiver<Queued>,
    unwritten: Arc<AtomicUsize>,
) {
    restore(&app, &store).await;
    while let Some(Queued { write, done }) = writes.recv().await {
        let kept = perform(&app, &store, write).await;
        if let Some(done) = done {
            let _ = done.send(kept);
        }
        unwritten.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Performs `write` if it still stands. Returns whether the keyring now
/// holds what the write meant it to.
async fn perform<R: Runtime>(
    app: &AppHandle<R>,
    store: &Arc<SecretStore>,
    write: KeyringWrite,
) -> bool {
    let Ok(driver) = driver(app) else {
        return false;
    };
    let hub = app.state::<Hub>();
    if !hub.read(|coordinator| coordinator.keyring_write_current(&write)) {
        return false;
    }
    let timeout = driver.keyring_timeout;
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
            let saved = blocking(store, timeout, move |store| store.save(&stored)).await;
            match &saved {
                Ok(()) => tracing::info!("the session is kept in the OS keyring"),
                Err(error) => {
                    tracing::warn!(%error, "the session is kept for this run only");
                    forget_stale(&driver, store).await;
                }
            }
            let _ = hub.transact(|coordinator, _| {
                coordinator.session_remembered(saved.is_ok());
                Ok(())
            });
            saved.is_ok()
        }
        KeyringWrite::Clear { .. } => match blocking(store, timeout, |store| store.clear()).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "the stored session could not be removed");
                let _ = hub.transact(|coordinator, _| {
                    coordinator.session_keyring_not_removed();
                    Ok(())
                });
                false
            }
        },
    }
}

/// A save failed, so the keyring may hold a refresh token the server has
/// since rotated: restoring it at the next launch would be a reuse, which
/// ends the session everywhere. Removes it; if even that fails, the
/// sign-out marker keeps the next launch from restoring it.
async fn forget_stale(driver: &SessionDriver, store: &Arc<SecretStore>) {
    let timeout = driver.keyring_timeout;
    if let Err(error) = blocking(store, timeout, |store| store.clear()).await {
        tracing::warn!(%error, "the earlier stored session could not be removed");
        driver.mark_signed_out();
    }
}

/// Restores the stored session, if any, with its user's agency. After a
/// sign-out (the marker is set) a stored session is not restored but
/// ended on the server and removed.
async fn restore<R: Runtime>(app: &AppHandle<R>, store: &Arc<SecretStore>) {
    let Ok(driver) = driver(app) else {
        return;
    };
    let timeout = driver.keyring_timeout;
    let mut trouble = None;
    let stored = match blocking(store, timeout, |store| store.load()).await {
        Ok(Some(stored)) if driver.marker.is_set() => {
            tracing::info!("the user signed out: the stored session is ended, not restored");
            revocation::spawn(
                driver.client.clone(),
                Revocation {
                    access: None,
                    refresh_token: Some(stored.refresh_token),
                },
            );
            if let Err(error) = blocking(store, timeout, |store| store.clear()).await {
                tracing::warn!(%error, "the stored session could not be removed");
                trouble = Some(KeyringTrouble::NotRemoved);
            }
            None
        }
        Ok(Some(stored)) => Some(stored),
        Ok(None) => {
            tracing::info!("no stored session; waiting for a sign-in");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "the keyring could not be read; waiting for a sign-in");
            trouble = Some(KeyringTrouble::NotRead);
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
            coordinator.session_nothing_stored(trouble);
            Ok(())
        }),
    };
    if let Err(error) = outcome {
        tracing::warn!(%error, "the stored session could not be restored");
    }
    refresh_if_due(app);
}

/// Runs a keyring call off the async runtime's worker threads, giving up
/// after `timeout` (the call itself may stay blocked on its thread).
async fn blocking<T: Send + 'static>(
    store: &Arc<SecretStore>,
    timeout: Duration,
    call: impl FnOnce(&SecretStore) -> std::result::Result<T, AuthError> + Send + 'static,
) -> std::result::Result<T, AuthError> {
    let store = store.clone();
    let call = tauri::async_runtime::spawn_blocking(move || call(&store));
    match tokio::time::timeout(timeout, call).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => Err(AuthError::Keyring(format!(
            "the keyring call failed: {error}"
        ))),
        Err(_) => Err(AuthError::Keyring(format!(
            "the system keyring did not answer within {} s",
            timeout.as_secs_f32()
        ))),
    }
}

/// At a clean exit: waits for a refresh in flight (its rotated token must
/// reach the keyring) and for the keyring writes queued, up to the keyring
/// timeout. A kill cannot wait; a quit can.
pub fn finish_before_exit<R: Runtime>(app: &AppHandle<R>) {
    let Ok(driver) = driver(app) else {
        return;
    };
    let deadline = Instant::now() + driver.keyring_timeout;
    let busy = || {
        driver.unwritten.load(Ordering::SeqCst) > 0
            || app
                .state::<Hub>()
                .read(|coordinator| coordinator.session().is_refreshing())
    };
    if !busy() {
        return;
    }
    tracing::info!("finishing the session's keyring writes before exiting");
    while busy() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if busy() {
        tracing::warn!("exiting before the session's keyring writes finished");
    }
}

fn driver<R: Runtime>(app: &AppHandle<R>) -> Result<tauri::State<'_, SessionDriver>> {
    app.try_state::<SessionDriver>()
        .ok_or(Error::Coordinator(axolop_coordinator::Error::NotConfigured))
}
