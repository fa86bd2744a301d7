//! The shell's side of the Supabase session: the auth client and the OS
//! keyring, driven by the coordinator's session state machine.
//!
//! The coordinator decides (who is signed in, when to refresh, which answer
//! counts); this module performs (HTTP calls, keyring reads and writes) and
//! reports back in one transition each. The coordinator is never locked
//! across a network or keyring call.
//!
//! Storage runs under one async mutex, and only for the session it was
//! meant for (the coordinator's session generation): a sign-out or a new
//! sign-in that lands between a refresh and its save can never leave a
//! stale or foreign token in the keyring.
//!
//! Token lifetimes are dated from when the request was sent, not when the
//! answer was recorded, so a slow server never makes a token look fresher
//! than it is.

use std::time::Instant;

use axolop_auth::{AuthClient, AuthConfig, AuthError, SecretStore, StoreKind, StoredSession};
use axolop_coordinator::session::{RefreshJob, SessionSummary, TokenAnswer};
use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime};

use crate::agencies;
use crate::args::SignInArgs;
use crate::error::{Error, Result};
use crate::hub::Hub;

/// The Supabase project's auth server and the keyring, managed as Tauri
/// state in Supabase mode only.
pub struct Supabase {
    client: AuthClient,
    store: SecretStore,
    /// Serialises keyring access (see the module doc). An async mutex: it is
    /// held across the blocking keyring call, which runs off the runtime's
    /// worker threads.
    storing: tokio::sync::Mutex<()>,
}

impl Supabase {
    /// The session in the keyring now (blocking; for tests and diagnostics).
    pub fn stored_session(&self) -> Option<StoredSession> {
        self.store.load().ok().flatten()
    }
}

/// Switches the app to Supabase mode for `config`, keeping the session in
/// `store`, and starts restoring a stored session. Call before any window
/// opens.
pub fn start<R: Runtime>(app: &AppHandle<R>, config: AuthConfig, store: SecretStore) -> Result<()> {
    let client = AuthClient::new(config)?;
    if store.kind() == StoreKind::Memory {
        tracing::warn!(
            "the session is kept in memory only (AXOLOP_SECRET_STORE=memory): for tests"
        );
    }
    app.manage(Supabase {
        client,
        store,
        storing: tokio::sync::Mutex::new(()),
    });
    app.state::<Hub>().transact(|coordinator, _| {
        coordinator.use_supabase();
        Ok(())
    })?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move { restore(&app).await });
    Ok(())
}

/// Signs in every window with email and password. Answers as soon as the
/// session is live; the keyring write follows (a keyring that prompts must
/// not hold the dialog).
pub async fn sign_in<R: Runtime>(app: &AppHandle<R>, args: SignInArgs) -> Result<SessionSummary> {
    let (email, password) = args.checked()?;
    let supabase = supabase(app)?;
    let sent = Instant::now();
    let grant = supabase.client.sign_in(&email, &password).await?;
    drop(password);
    let stored = StoredSession::of(&grant);
    // The user's own agency comes with their sign-in, in the same
    // transition: no window asks for an agency they already chose.
    let selection = agencies::selection_of(app, stored.user.id.clone()).await;
    let (summary, generation) = app.state::<Hub>().transact(|coordinator, _| {
        if !coordinator.session().is_configured() {
            // Refused before anything changes (the only refusal below).
            return Err(axolop_coordinator::Error::NotConfigured);
        }
        coordinator.agency_restore(selection);
        coordinator.session_signed_in(grant, sent)?;
        let session = coordinator.session();
        Ok((session.summary(), session.generation()))
    })?;
    tracing::info!(user = %stored.user.id, "signed in");
    let app = app.clone();
    tauri::async_runtime::spawn(async move { save(&app, stored, generation).await });
    Ok(summary)
}

/// Signs out every window, forgets the stored session and tells the server
/// (best effort).
pub async fn sign_out<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    let supabase = supabase(app)?;
    let (access, generation) = app.state::<Hub>().transact(|coordinator, _| {
        let access = coordinator.session_sign_out();
        Ok((access, coordinator.session().generation()))
    })?;
    forget(app, generation).await;
    if let Some(access) = access {
        tracing::info!("signed out");
        if let Err(error) = supabase.client.sign_out(&access).await {
            // The session is over here either way; the server's copy lapses.
            tracing::warn!(%error, "the server was not told of the sign-out");
        }
    }
    Ok(())
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

/// Starts the refresh that is due now, if any (the deadline task calls this
/// at every deadline).
pub fn refresh_if_due<R: Runtime>(app: &AppHandle<R>) {
    if app.try_state::<Supabase>().is_none() {
        return;
    }
    let job = app
        .state::<Hub>()
        .transact(|coordinator, now| Ok(coordinator.session_refresh_due(now)));
    if let Ok(Some(job)) = job {
        spawn_refresh(app, job);
    }
}

fn spawn_refresh<R: Runtime>(app: &AppHandle<R>, job: RefreshJob) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move { refresh(&app, job).await });
}

/// Performs one refresh job and reports the answer.
async fn refresh<R: Runtime>(app: &AppHandle<R>, job: RefreshJob) {
    let Ok(supabase) = supabase(app) else {
        return;
    };
    let hub = app.state::<Hub>();
    let sent = Instant::now();
    match supabase.client.refresh(&job.refresh_token).await {
        Ok(grant) => {
            let stored = StoredSession::of(&grant);
            let access = grant.access_token.clone();
            let recorded = hub.transact(|coordinator, _| {
                let applied = coordinator.session_refreshed(job.id, grant, sent);
                Ok((applied, coordinator.session().generation()))
            });
            match recorded {
                Ok((true, generation)) => {
                    tracing::debug!("access token refreshed");
                    save(app, stored, generation).await;
                }
                Ok((false, _)) => {
                    // The session ended or was replaced while this refresh
                    // was out: the server-side session it renewed must not
                    // linger.
                    tracing::debug!("a refresh answer for an ended session was discarded");
                    if let Err(error) = supabase.client.sign_out(&access).await {
                        tracing::debug!(%error, "the discarded session was not revoked");
                    }
                }
                Err(error) => tracing::warn!(%error, "a refresh could not be recorded"),
            }
        }
        Err(error) => {
            let failure = error.refresh_failure();
            tracing::warn!(%error, "token refresh failed");
            let ended = hub.transact(|coordinator, now| {
                let ended =
                    coordinator.session_refresh_failed(job.id, failure, fastrand::f64(), now);
                Ok((ended, coordinator.session().generation()))
            });
            if let Ok((true, generation)) = ended {
                forget(app, generation).await;
            }
        }
    }
}

/// Restores the stored session, if any, at start. Until the keyring has
/// answered, windows show "Restoring session…" and no sign-in prompt; a
/// sign-in that happens meanwhile wins over the stored session.
async fn restore<R: Runtime>(app: &AppHandle<R>) {
    let Ok(supabase) = supabase(app) else {
        return;
    };
    let loaded = {
        let _storing = supabase.storing.lock().await;
        blocking(app, |store| store.load()).await
    };
    let hub = app.state::<Hub>();
    let outcome = match loaded {
        Ok(Some(stored)) => {
            tracing::info!("restoring the stored session");
            let selection = agencies::selection_of(app, stored.user.id.clone()).await;
            hub.transact(|coordinator, now| {
                if coordinator.session().is_signed_in() {
                    // Someone signed in while the keyring was read: theirs wins.
                    return Ok(());
                }
                coordinator.agency_restore(selection);
                coordinator.session_restore(stored.user, stored.refresh_token, now);
                Ok(())
            })
        }
        Ok(None) => {
            tracing::info!("no stored session; waiting for a sign-in");
            hub.transact(|coordinator, _| Ok(coordinator.session_nothing_stored()))
        }
        Err(error) => {
            tracing::warn!(%error, "the keyring could not be read; waiting for a sign-in");
            hub.transact(|coordinator, _| Ok(coordinator.session_nothing_stored()))
        }
    };
    if let Err(error) = outcome {
        tracing::warn!(%error, "the stored session could not be restored");
    }
    refresh_if_due(app);
}

/// Keeps session `generation` in the keyring, if it is still the live one;
/// says so to the windows when the keyring cannot.
async fn save<R: Runtime>(app: &AppHandle<R>, stored: StoredSession, generation: u64) {
    let Ok(supabase) = supabase(app) else {
        return;
    };
    let _storing = supabase.storing.lock().await;
    let hub = app.state::<Hub>();
    let current = hub.read(|coordinator| {
        let session = coordinator.session();
        session.is_signed_in() && session.generation() == generation
    });
    if !current {
        return;
    }
    let saved = blocking(app, move |store| store.save(&stored)).await;
    match &saved {
        Ok(()) => tracing::info!("the session is kept in the OS keyring"),
        Err(error) => tracing::warn!(%error, "the session is kept for this run only"),
    }
    let remembered = saved.is_ok();
    let _ = hub.transact(|coordinator, _| Ok(coordinator.session_remembered(remembered)));
}

/// Forgets the stored session after the session ended in `generation`,
/// unless someone signed in again since.
async fn forget<R: Runtime>(app: &AppHandle<R>, generation: u64) {
    let Ok(supabase) = supabase(app) else {
        return;
    };
    let _storing = supabase.storing.lock().await;
    let current = app
        .state::<Hub>()
        .read(|coordinator| coordinator.session().generation());
    if current != generation {
        return;
    }
    if let Err(error) = blocking(app, |store| store.clear()).await {
        tracing::warn!(%error, "the stored session could not be removed");
    }
}

/// Runs a keyring call off the async runtime's worker threads.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    call: impl FnOnce(&SecretStore) -> std::result::Result<T, AuthError> + Send + 'static,
) -> std::result::Result<T, AuthError> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let supabase = app.state::<Supabase>();
        call(&supabase.store)
    })
    .await
    .unwrap_or_else(|error| {
        Err(AuthError::Keyring(format!(
            "the keyring call failed: {error}"
        )))
    })
}

fn supabase<R: Runtime>(app: &AppHandle<R>) -> Result<tauri::State<'_, Supabase>> {
    app.try_state::<Supabase>()
        .ok_or(Error::Coordinator(axolop_coordinator::Error::NotConfigured))
}
