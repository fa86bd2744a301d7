//! What a sign-out asks of the engine: push what waits first, then remove
//! the user's data from this computer, or sign out once their changes are
//! sent when the user chose to wait for them.

use axolop_coordinator::sync::{SignOutIntent, SyncState};
use tauri::{AppHandle, Manager, Runtime};

use super::exchange::{push, with_token};
use super::{report, SyncEngine};
use crate::args::UnsentChoice;
use crate::crm;
use crate::hub::Hub;
use crate::session;

/// Before `owner` signs out: pushes what waits, if the server answers.
pub async fn push_before_sign_out<R: Runtime>(app: &AppHandle<R>, owner: &str) {
    let Some(engine) = app.try_state::<SyncEngine>() else {
        return;
    };
    let _pushing = engine.pushing.lock().await;
    let pushed = with_token(app, |token| {
        let app = app.clone();
        let rest = engine.rest.clone();
        async move { push(&app, &rest, owner, &token).await }
    })
    .await;
    if let Err(error) = pushed {
        tracing::info!(%error, "changes could not be pushed before signing out");
    }
}

/// Holds back pushes (none in local mode) while a sign-out ends the
/// session and removes its user's data: a push that was out finishes
/// first, and none starts with the old token meanwhile.
pub async fn hold_pushes<R: Runtime>(
    app: &AppHandle<R>,
) -> Option<tokio::sync::MutexGuard<'_, ()>> {
    let engine = app.try_state::<SyncEngine>()?;
    Some(engine.inner().pushing.lock().await)
}

/// How many changes of `owner` wait to be pushed. A store that cannot
/// answer counts as nothing waiting: it cannot hold changes back either,
/// and the sign-out must not be stuck on it.
pub async fn waiting<R: Runtime>(app: &AppHandle<R>, owner: &str) -> u64 {
    let owner = owner.to_owned();
    crm::with_store(app, move |store| store.outbox_len(&owner))
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "the changes waiting could not be counted");
            0
        })
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
        let waiting = store.outbox_len(&owner)?;
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

/// Signs out if the user chose to once their changes were sent, and they
/// are.
pub(super) async fn sign_out_if_sent<R: Runtime>(app: &AppHandle<R>, owner: &str) {
    let pending = app
        .state::<Hub>()
        .read(|coordinator| coordinator.sign_out_intent() == SignOutIntent::WhenSent);
    if pending && waiting(app, owner).await == 0 {
        tracing::info!("the changes are sent: signing out, as the user chose");
        if let Err(error) = session::sign_out(app, Some(UnsentChoice::Wait)).await {
            tracing::warn!(%error, "the sign-out after sending failed");
        }
    }
}
