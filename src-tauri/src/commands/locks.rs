//! Commands about named locks. A lease belongs to the window that acquired
//! it: a token used from any other window names no lease (`lock_not_held`).
//!
//! Only `lock_acquire` is async, because it may wait. The others never wait,
//! so they are plain functions that Tauri runs on the main thread where the
//! IPC message arrives, answering without a hop to the async runtime and
//! back: a third off their round trip on WebKitGTK (README, Benchmarks).
//! Each holds the coordinator for microseconds.

use axolop_coordinator::{Acquisition, LeaseInfo, LockCheck};
use tauri::{Runtime, State, Webview};

use super::caller;
use crate::args::{Args, LockAcquireArgs, LockExtendArgs, LockTokenArgs};
use crate::error::Result;
use crate::hub::Hub;

/// Acquires a named lock for the calling window: at once, after waiting in
/// line, or not at all (`lock_unavailable`, `lock_timeout`, `deadlock`,
/// `too_many`, `invalid_argument`).
#[tauri::command]
pub async fn lock_acquire<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockAcquireArgs>,
) -> Result<LeaseInfo> {
    let request = args.0.request()?;
    let window = caller(&webview);
    let lease =
        match hub.transact(|coordinator, now| coordinator.lock_acquire(&window, request, now))? {
            Acquisition::Granted(lease) => lease,
            // Awaited with the coordinator unlocked; it answers on grant, timeout
            // or the window's departure.
            Acquisition::Queued(pending) => pending.outcome().await?,
        };
    Ok(hub.lease_info(&lease))
}

/// Releases the calling window's lease; the next waiters are granted.
#[tauri::command]
pub fn lock_release<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockTokenArgs>,
) -> Result<()> {
    let token = args.0.token()?;
    hub.apply(|coordinator, now| coordinator.lock_release(&caller(&webview), token, now))
}

/// Extends the calling window's lease to end `ttlMs` from now.
#[tauri::command]
pub fn lock_extend<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockExtendArgs>,
) -> Result<LeaseInfo> {
    let (token, ttl) = args.0.parts()?;
    let lease = hub.transact(|coordinator, now| {
        Ok((
            coordinator.lock_extend(&caller(&webview), token, ttl, now)?,
            Vec::new(),
        ))
    })?;
    Ok(hub.lease_info(&lease))
}

/// Whether the calling window still holds the lease: ask before a write.
#[tauri::command]
pub fn lock_check<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<LockTokenArgs>,
) -> Result<LockCheck> {
    let token = args.0.token()?;
    let lease = hub.transact(|coordinator, now| {
        Ok((
            coordinator.lock_check(&caller(&webview), token, now),
            Vec::new(),
        ))
    })?;
    Ok(LockCheck {
        held: lease.is_some(),
        lease: lease.map(|lease| hub.lease_info(&lease)),
    })
}
