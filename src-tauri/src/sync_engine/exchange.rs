//! One exchange with the server, with the session's token: push the
//! outbox, cache the user's agencies, pull the selected agency. A request
//! refused for an expired token is run once more after the one refresh.

use axolop_coordinator::sync::{SyncProgress, SyncState};
use axolop_sync::exchange::{self, Progress};
use axolop_sync::{RemoteAgency, Rest, SyncError};
use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime};

use super::{report, selected_agency, signed_in_user, SyncEngine};
use crate::contacts;
use crate::crm::{self, Crm};
use crate::error::{Error, Result};
use crate::session;

/// Why an exchange stopped.
pub(super) enum Failure {
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
pub(super) async fn exchange<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    owner: &str,
) -> std::result::Result<(), Failure> {
    with_token(app, |token| async move {
        exchange_with(app, rest, owner, &token).await
    })
    .await
    .map_err(Failure::from)
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
        push(app, rest, owner, token).await?;
    }
    let agencies = rest
        .agencies(token)
        .await?
        .iter()
        .map(RemoteAgency::to_agency)
        .collect::<axolop_sync::Result<Vec<_>>>()?;
    let cache_owner = owner.to_owned();
    let cached = crm::with_store_and(app, move |store, app| {
        // Checked with the store held: a sign-out's removal of the user's
        // data cannot slip in between (it takes the store too).
        if signed_in_user(app).as_deref() != Some(cache_owner.as_str()) {
            return Ok(false);
        }
        store.cache_agencies(&cache_owner, &agencies)?;
        Ok(true)
    })
    .await
    .map_err(|error| SyncError::Store(error.to_string()))?;
    if !cached {
        return Ok(());
    }
    let crm = app
        .try_state::<Crm>()
        .ok_or_else(|| SyncError::Store("the CRM database is not available".to_owned()))?;
    let store = crm.store();

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

/// Pushes the outbox (the caller holds `pushing`), telling the windows of
/// conflicts as they settle.
pub(super) async fn push<R: Runtime>(
    app: &AppHandle<R>,
    rest: &Rest,
    owner: &str,
    token: &SecretString,
) -> axolop_sync::Result<()> {
    let crm = app
        .try_state::<Crm>()
        .ok_or_else(|| SyncError::Store("the CRM database is not available".to_owned()))?;
    let pushes = exchange::push(
        rest,
        token,
        owner,
        crm.store(),
        &mut |store, agency, changes| contacts::announce_pulled(app, store, agency, changes),
    )
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

/// Runs one request with the session's token, and once more with a
/// refreshed one if the server refused it as expired.
pub(super) async fn with_token<R, T, F, Fut>(app: &AppHandle<R>, mut call: F) -> Result<T>
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
