//! Delivery of coordinator events to every window's own webview.
//!
//! One thread drains the outbox, so events reach each webview in sequence
//! order, and no state lock is held while a webview is being evaluated.
//! Events are emitted to each webview window as its own target: the UI
//! listens on its current webview, never on "any" target.

use std::thread;

use axolop_coordinator::event::EVENT_NAME;
use axolop_coordinator::Envelope;
use tauri::{AppHandle, Emitter, EventTarget, Manager, Runtime};

use crate::hub::Outbox;

/// Starts delivering events from `outbox` until the hub is dropped.
pub fn start<R: Runtime>(app: AppHandle<R>, outbox: Outbox) -> std::io::Result<()> {
    thread::Builder::new()
        .name("coordinator-events".into())
        .spawn(move || {
            for envelope in outbox {
                deliver(&app, &envelope);
            }
        })?;
    Ok(())
}

/// Emits one event to every open window.
fn deliver<R: Runtime>(app: &AppHandle<R>, envelope: &Envelope) {
    for label in app.webview_windows().into_keys() {
        let target = EventTarget::webview_window(label.as_str());
        if let Err(error) = app.emit_to(target, EVENT_NAME, envelope) {
            // The window is being destroyed; its page takes a fresh snapshot
            // if it ever comes back, so nothing is lost.
            tracing::debug!(window = %label, seq = envelope.seq, %error, "event not delivered");
        }
    }
    tracing::trace!(
        seq = envelope.seq,
        kind = envelope.event.kind(),
        "event delivered"
    );
}
