//! Commands about named locks. A lease belongs to the window that acquired
//! it: a token used from any other window names no lease (`lock_not_held`).
//!
//! Every lock command answers on the main thread where the IPC message
//! arrives, without a hop to the async runtime and back (a third off the
//! round trip on WebKitGTK; README, Benchmarks); each holds the coordinator
//! for microseconds. Only a queued `lock_acquire` awaits, off the main thread.

use axolop_coordinator::{Acquisition, LeaseInfo, LockCheck};
use tauri::ipc::Invoke;
use tauri::{Manager, Runtime, State, Webview};

use super::caller;
use crate::args::{parse, Args, LockAcquireArgs, LockExtendArgs, LockTokenArgs};
use crate::error::{Error, Result};
use crate::hub::Hub;

/// The name `lock_acquire` is invoked under.
pub const LOCK_ACQUIRE: &str = "lock_acquire";

/// `lock_acquire {name, mode?, ttlMs?, waitMs?}`: acquires a named lock for
/// the calling window, at once, after waiting in line, or not at all
/// (`lock_unavailable`, `lock_timeout`, `deadlock`, `too_many`,
/// `invalid_argument`).
///
/// Dispatched by hand rather than through `#[tauri::command]`, so that its
/// first step (grant, queue or refuse) runs synchronously on the main thread
/// where the IPC message arrives. That orders it with the window's page
/// lifecycle, which is reported on the main thread too: a request a page sent
/// before reloading is decided before the reload releases that page's locks,
/// so a lease can never outlive its page. It also answers an uncontended
/// request without a hop to the async runtime. Only a queued request awaits
/// its answer there, with the coordinator unlocked.
pub fn lock_acquire<R: Runtime>(invoke: Invoke<R>) -> bool {
    let Invoke {
        message, resolver, ..
    } = invoke;
    let webview = message.webview();
    let app = webview.app_handle().clone();
    let hub = app.state::<Hub>();
    let first = parse::<LockAcquireArgs>(LOCK_ACQUIRE, message.payload())
        .and_then(|args| args.request())
        .and_then(|request| {
            hub.transact(|coordinator, now| {
                coordinator.lock_acquire(&caller(&webview), request, now)
            })
        });
    match first {
        Ok(Acquisition::Granted(lease)) => resolver.resolve(hub.lease_info(&lease)),
        Ok(Acquisition::Queued(pending)) => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                match pending.outcome().await {
                    Ok(lease) => resolver.resolve(app.state::<Hub>().lease_info(&lease)),
                    Err(error) => resolver.reject(Error::from(error)),
                }
            });
        }
        Err(error) => resolver.reject(error),
    }
    true
}

/// Releases the calling window's lease; the next waiters are granted.
#[tauri::command]
pub fn lock_release<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockTokenArgs>,
) -> Result<()> {
    let token = args.0.lease_token()?;
    hub.transact(|coordinator, now| coordinator.lock_release(&caller(&webview), token, now))
}

/// Extends the calling window's lease to end `ttlMs` from now.
#[tauri::command]
pub fn lock_extend<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockExtendArgs>,
) -> Result<LeaseInfo> {
    let token = args.0.lease_token()?;
    let lease = hub.transact(|coordinator, now| {
        coordinator.lock_extend(&caller(&webview), token, args.0.ttl_ms, now)
    })?;
    Ok(hub.lease_info(&lease))
}

/// Whether the calling window still holds the lease: ask before a write.
/// Text that is no token is simply not held.
#[tauri::command]
pub fn lock_check<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockTokenArgs>,
) -> Result<LockCheck> {
    let token = args.0.token()?;
    let lease = hub.transact(|coordinator, now| {
        Ok(token.and_then(|token| coordinator.lock_check(&caller(&webview), token, now)))
    })?;
    Ok(LockCheck {
        held: lease.is_some(),
        lease: lease.map(|lease| hub.lease_info(&lease)),
    })
}
