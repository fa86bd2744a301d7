//! Commands about named locks. A lease belongs to the window that acquired
//! it: a token used from any other window names no lease (`lock_not_held`).
//!
//! Every lock command is decided on the main thread where the IPC message
//! arrives (see `route`): each holds the coordinator for microseconds, and
//! only a queued `lock_acquire` awaits, off the main thread.

use axolop_coordinator::{Acquisition, LeaseInfo, LockCheck};
use tauri::{Manager, Runtime, Webview};

use super::caller;
use super::route::Reply;
use crate::args::{LockAcquireArgs, LockExtendArgs, LockTokenArgs};
use crate::error::Result;
use crate::hub::Hub;

/// `lock_acquire {name, mode?, ttlMs?, waitMs?}`: acquires a named lock for
/// the calling window, at once, after waiting in line, or not at all
/// (`lock_unavailable`, `lock_timeout`, `deadlock`, `too_many`,
/// `invalid_argument`).
///
/// Decided on the main thread, which orders it with the window's page
/// lifecycle (reported there too): a request a page sent before reloading
/// is decided before the reload releases that page's locks, so a lease can
/// never outlive its page. Only a queued request awaits its answer, with
/// the coordinator unlocked.
pub fn lock_acquire<R: Runtime>(
    webview: &Webview<R>,
    args: LockAcquireArgs,
) -> Result<Reply<LeaseInfo>> {
    let request = args.request()?;
    let hub = webview.state::<Hub>();
    let window = caller(webview);
    match hub.transact(|coordinator, now| coordinator.lock_acquire(&window, request, now))? {
        Acquisition::Granted(lease) => Ok(Reply::Now(hub.lease_info(&lease))),
        Acquisition::Queued(pending) => {
            let app = webview.app_handle().clone();
            Ok(Reply::Later(Box::pin(async move {
                let lease = pending.outcome().await?;
                Ok(app.state::<Hub>().lease_info(&lease))
            })))
        }
    }
}

/// Releases the calling window's lease; the next waiters are granted.
pub fn lock_release<R: Runtime>(webview: &Webview<R>, args: LockTokenArgs) -> Result<()> {
    let token = args.lease_token()?;
    webview
        .state::<Hub>()
        .transact(|coordinator, now| coordinator.lock_release(&caller(webview), token, now))
}

/// Extends the calling window's lease to end `ttlMs` from now.
pub fn lock_extend<R: Runtime>(webview: &Webview<R>, args: LockExtendArgs) -> Result<LeaseInfo> {
    let token = args.lease_token()?;
    let hub = webview.state::<Hub>();
    let lease = hub.transact(|coordinator, now| {
        coordinator.lock_extend(&caller(webview), token, args.ttl_ms, now)
    })?;
    Ok(hub.lease_info(&lease))
}

/// Whether the calling window still holds the lease: ask before a write.
/// Text that is no token is simply not held.
pub fn lock_check<R: Runtime>(webview: &Webview<R>, args: LockTokenArgs) -> Result<LockCheck> {
    let token = args.token()?;
    let hub = webview.state::<Hub>();
    let lease = hub.transact(|coordinator, now| {
        Ok(token.and_then(|token| coordinator.lock_check(&caller(webview), token, now)))
    })?;
    Ok(LockCheck {
        held: lease.is_some(),
        lease: lease.map(|lease| hub.lease_info(&lease)),
    })
}
