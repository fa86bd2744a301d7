//! Delivery of coordinator events to every window's own webview.
//!
//! One thread drains the outbox and hands batches to the main thread in
//! order, so events reach each webview in sequence order, and no state lock
//! is held while a webview is being evaluated.
//! Events target webview windows: the UI listens on its current webview,
//! never on "any" target.

use std::thread;
use std::time::Instant;

use axolop_coordinator::event::EVENT_NAME;
use axolop_coordinator::quit::QuitStage;
use axolop_coordinator::{Envelope, Event};
use tauri::{AppHandle, Emitter, EventTarget, Manager, Runtime};

use crate::hub::{Hub, Outbox};
use crate::windows;
use crate::{diagnostics, timing};

/// Starts delivering events from `outbox` until the hub is dropped.
///
/// Events waiting together (a departure and the new primary) travel as one
/// batch, evaluated in one turn of the main thread: webviews are evaluated
/// there anyway, and one turn for the batch beats one event-loop round trip
/// per webview per event.
pub fn start<R: Runtime>(app: AppHandle<R>, outbox: Outbox) -> std::io::Result<()> {
    thread::Builder::new()
        .name("coordinator-events".into())
        .spawn(move || {
            while let Ok(first) = outbox.recv() {
                let mut batch = vec![first];
                batch.extend(outbox.try_iter());
                let handle = app.clone();
                let posted = app.run_on_main_thread(move || deliver(&handle, &batch));
                if let Err(error) = posted {
                    // The event loop is gone: the app is exiting.
                    tracing::debug!(%error, "event delivery stopped");
                    return;
                }
            }
        })?;
    Ok(())
}

/// Emits each event of a batch to the own webview of every window the
/// coordinator knows, and of the diagnostics window. A window that is closing (hidden, about to be torn
/// down) is no longer known and gets nothing, so it costs the main thread
/// nothing. Windows leave on the main thread too, so the set read once holds
/// for the whole batch.
///
/// One `emit_filter` per event rather than an `emit_to` per window: Tauri
/// evaluates a script in every webview that listens to the event name on
/// each emit, so per-window emits would cost windows² evaluations on the main
/// thread. Every window gets the same envelope, so one emit to all
/// webview-window targets is exact: each page's own-webview listener
/// receives it once.
fn deliver<R: Runtime>(app: &AppHandle<R>, batch: &[Envelope]) {
    let known = app
        .state::<Hub>()
        .read(|coordinator| coordinator.windows().labels());
    let recipients = |target: &EventTarget| match target {
        EventTarget::WebviewWindow { label } => {
            label == diagnostics::LABEL || known.iter().any(|known| known.as_str() == label)
        }
        _ => false,
    };
    let started = Instant::now();
    for envelope in batch {
        if let Err(error) = app.emit_filter(EVENT_NAME, envelope, recipients) {
            // Only serialisation can fail here; a page that misses an event
            // takes a fresh snapshot at the next one, so nothing is lost.
            tracing::warn!(seq = envelope.seq, %error, "event not delivered");
        }
    }
    tracing::trace!(
        target: timing::TARGET,
        events = batch.len(),
        windows = known.len(),
        main_us = started.elapsed().as_micros() as u64,
        at_us = timing::now_micros(),
        "batch handed to webviews"
    );
    // Titles name the agency: whatever changed it (a window, a sign-in, a
    // rename from the server), every window's title follows.
    if batch
        .iter()
        .any(|envelope| matches!(envelope.event, Event::AgencyChanged(_)))
    {
        windows::retitle(app);
    }
    let quitting = batch.iter().any(|envelope| {
        matches!(&envelope.event, Event::QuitChanged(quit) if quit.stage == QuitStage::Quitting)
    });
    if quitting {
        crate::quit::finish(app);
    }
}
