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
use tauri::{AppHandle, Emitter, EventTarget, Manager, Runtime, WebviewWindow};

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

/// Hands each event of a batch to the own webview of every window the
/// coordinator knows, and of the diagnostics window. A window that is
/// closing (hidden, about to be torn down) is no longer known and gets
/// nothing, so it costs the main thread nothing. Windows leave on the main
/// thread too, so the set read once holds for the whole batch.
///
/// On WebKitGTK the whole batch is one evaluation in each attached page
/// ([`page`]), the window it concerns most first ([`first_served`]). The
/// rest (every window elsewhere, a page not attached) get one
/// `emit_filter` per event rather than an `emit_to` per window: Tauri
/// evaluates a script in every webview that listens to the event name on
/// each emit, so per-window emits would cost windows² evaluations on the
/// main thread. Every window gets the same envelope, so one emit to the
/// webview-window targets left is exact.
fn deliver<R: Runtime>(app: &AppHandle<R>, batch: &[Envelope]) {
    let mut recipients: Vec<String> = app
        .state::<Hub>()
        .read(|coordinator| coordinator.windows().labels())
        .iter()
        .map(|label| label.as_str().to_owned())
        .collect();
    if app.get_webview_window(diagnostics::LABEL).is_some() {
        recipients.push(diagnostics::LABEL.to_owned());
    }
    let started = Instant::now();
    first_served(app, batch, &mut recipients);
    let handed = direct(batch, &recipients);
    let rest: Vec<&String> = recipients.iter().filter(|r| !handed.contains(r)).collect();
    for envelope in batch.iter().filter(|_| !rest.is_empty()) {
        let emitted = app.emit_filter(EVENT_NAME, envelope, |target| {
            matches!(target, EventTarget::WebviewWindow { label } if rest.contains(&label))
        });
        if let Err(error) = emitted {
            // Only serialisation can fail here; a page that misses an event
            // takes a fresh snapshot at the next one, so nothing is lost.
            tracing::warn!(seq = envelope.seq, %error, "event not delivered");
        }
    }
    tracing::trace!(
        target: timing::TARGET,
        events = batch.len(),
        windows = recipients.len(),
        through_tauri = rest.len(),
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

/// Lets `window`'s page receive events straight from its web view
/// (WebKitGTK) instead of through Tauri's emit; see [`page`].
pub fn attach<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    page::attach(window);
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Puts first the window a batch concerns most: the new primary, whose
/// page takes the lead (a failover waits on it); then the focused window,
/// which the user is looking at. The others keep their order.
fn first_served<R: Runtime>(app: &AppHandle<R>, batch: &[Envelope], recipients: &mut [String]) {
    let new_primary = batch
        .iter()
        .rev()
        .find_map(|envelope| match &envelope.event {
            Event::PrimaryChanged(change) => change.label.as_ref().map(|l| l.as_str().to_owned()),
            _ => None,
        });
    let focused = |label: &str| {
        app.get_webview_window(label)
            .and_then(|window| window.is_focused().ok())
            .unwrap_or(false)
    };
    // A stable sort: false before true.
    recipients.sort_by_cached_key(|label| (Some(label) != new_primary.as_ref(), !focused(label)));
}

/// Hands `batch` straight to the attached page of each of `recipients`, in
/// order; answers the ones it reached. Elsewhere than on WebKitGTK, none.
fn direct<'a>(batch: &[Envelope], recipients: &'a [String]) -> Vec<&'a String> {
    #[cfg(target_os = "linux")]
    return page::hand(batch, recipients).unwrap_or_else(|error| {
        tracing::warn!(%error, "events not serialised for the pages");
        Vec::new()
    });
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (batch, recipients);
        Vec::new()
    }
}

/// WebKitGTK: a batch of events is one script, `__axolopEvents([<envelope>,
/// …])`, evaluated in every recipient's web view with no callback.
///
/// Tauri's emit builds, per web view, a script of its event plumbing and
/// evaluates it with a callback for the script's result, which the page
/// does not need; and it evaluates a script in every web view listening to
/// the event name, even those the filter leaves out. Here the envelope is
/// serialised once, the script is the smallest call that hands it to the
/// page, and nothing comes back (with 8 windows, the main thread's time per
/// event went from 0.76 to 0.60 ms, and the last page applied it 1.8 ->
/// 1.25 ms after it was queued; `--bench latency`).
#[cfg(target_os = "linux")]
mod page {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use axolop_coordinator::Envelope;
    use tauri::{Runtime, WebviewWindow};
    use webkit2gtk::glib::{self, prelude::ObjectExt, translate::ToGlibPtr, WeakRef};
    use webkit2gtk::WebView;

    thread_local! {
        /// The web view of each attached window, by label: GTK objects
        /// live on the main thread, where events are handed over. Weak, so
        /// a closed window's view goes when GTK drops it.
        static VIEWS: RefCell<HashMap<String, WeakRef<WebView>>> = RefCell::default();
    }

    pub fn attach<R: Runtime>(window: &WebviewWindow<R>) {
        let label = window.label().to_owned();
        let attached = window.with_webview(move |platform| {
            let view = platform.inner();
            VIEWS.with(|views| views.borrow_mut().insert(label, view.downgrade()));
        });
        if let Err(error) = attached {
            // The page still hears events, through Tauri's emit.
            tracing::warn!(window = %window.label(), %error, "events go through Tauri's emit");
        }
    }

    /// Evaluates `batch` in the attached web view of each of
    /// `recipients`, in order; answers the ones it was handed to.
    pub fn hand<'a>(
        batch: &[Envelope],
        recipients: &'a [String],
    ) -> serde_json::Result<Vec<&'a String>> {
        // JSON is a JavaScript expression: the batch is its own literal.
        let script = format!("window.__axolopEvents?.({})", serde_json::to_string(batch)?);
        let script: glib::GString = script.into();
        Ok(VIEWS.with(|views| {
            let mut views = views.borrow_mut();
            views.retain(|_, view| view.upgrade().is_some());
            recipients
                .iter()
                .filter(|label| {
                    let view = views.get(label.as_str()).and_then(WeakRef::upgrade);
                    view.inspect(|view| evaluate(view, &script)).is_some()
                })
                .collect()
        }))
    }

    /// `webkit_web_view_evaluate_javascript` with no callback (the Rust
    /// binding always passes one).
    fn evaluate(view: &WebView, script: &glib::GString) {
        // SAFETY: `view` is a live WebView on its own (the main) thread;
        // the script is a NUL-terminated UTF-8 string of the given length,
        // which WebKit copies before returning; no world, source URI,
        // cancellable, callback or user data.
        unsafe {
            webkit2gtk::ffi::webkit_web_view_evaluate_javascript(
                view.to_glib_none().0,
                script.as_ptr(),
                script.len() as isize,
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null_mut(),
                None,
                std::ptr::null_mut(),
            );
        }
    }
}
