//! A window's web content process dying: WebKit crashed, or the system
//! killed it for memory. The window is declared unresponsive at once (it
//! loses primacy and its locks without waiting for the heartbeat timeout),
//! its page is reloaded, which starts a new web process, and the reloaded
//! page tells the user what happened instead of showing a blank window.
//!
//! A page that keeps crashing is not reloaded forever: the second crash
//! within a minute waits a second before the reload, and the third shows
//! "This window keeps crashing" with a Reload button instead (the app's
//! page in a mode that runs nothing else).
//!
//! A page that stops answering the input it is given is also caught here,
//! before its heartbeat timeout: WebKitGTK reports the web process
//! unresponsive about 3 s after input reached a stuck page, and the window
//! loses primacy and its locks at once. It is back, as a secondary, when
//! WebKit finds it answering again (or at its next beat).
//!
//! Only Linux (WebKitGTK) reports either today; elsewhere a dead or stuck
//! page stops beating and the heartbeat timeout catches it.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axolop_coordinator::{WindowLabel, WindowState};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

use crate::hub::Hub;
use crate::notices;

/// Watches `window`'s web process for its death.
pub fn watch<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    linux::watch(window);
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// The span crashes are counted over.
pub const CRASH_SPAN: Duration = Duration::from_secs(60);
/// Crashes within [`CRASH_SPAN`] after which a window stops reloading.
pub const CRASHES_BEFORE_GIVING_UP: usize = 3;

/// What to do after a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// Reload the page after this delay.
    Reload(Duration),
    /// Stop: show that the window keeps crashing, with a Reload button.
    GiveUp,
}

/// The recent crashes of each window.
#[derive(Debug, Default)]
pub struct Crashes(Mutex<HashMap<String, VecDeque<Instant>>>);

impl Crashes {
    /// Records a crash of window `label` at `now` and says what to do:
    /// reload at once the first time in a minute, after a second the
    /// second time, and give up the third.
    pub fn record(&self, label: &str, now: Instant) -> Recovery {
        let mut crashes = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let recent = crashes.entry(label.to_owned()).or_default();
        crate::timing::forget_older(recent, now, CRASH_SPAN);
        recent.push_back(now);
        match recent.len() {
            1 => Recovery::Reload(Duration::ZERO),
            n if n < CRASHES_BEFORE_GIVING_UP => Recovery::Reload(Duration::from_secs(1)),
            _ => Recovery::GiveUp,
        }
    }
}

/// Window `label`'s web process died because `why`: declare the window
/// unresponsive now, decide whether to reload it, and leave the user a
/// notice for the reloaded page.
pub fn died<R: Runtime>(app: &AppHandle<R>, label: &WindowLabel, why: &str) -> Recovery {
    let recovery = app
        .try_state::<Crashes>()
        .map_or(Recovery::Reload(Duration::ZERO), |crashes| {
            crashes.record(label.as_str(), Instant::now())
        });
    tracing::warn!(window = %label, reason = why, "the window's page died; reloading it");
    let marked = app.state::<Hub>().transact(|coordinator, now| {
        match coordinator.windows().state(label) {
            Ok(WindowState::Ready | WindowState::Loading) => coordinator.window_crashed(label, now),
            // Already unresponsive, or closed meanwhile.
            _ => Ok(()),
        }
    });
    if let Err(error) = marked {
        tracing::warn!(window = %label, %error, "a crashed window could not be marked");
    }
    if recovery == Recovery::GiveUp {
        tracing::error!(window = %label, "the window keeps crashing: not reloading it again");
        return recovery;
    }
    notices::add_for(
        app,
        label.as_str(),
        format!(
            "This window's page stopped unexpectedly ({why}) and was reloaded. \
             What was saved is safe; anything typed but not saved in this window was lost."
        ),
    );
    recovery
}

/// WebKit found window `label`'s page not answering the input it was
/// given (`answering` false): the window counts as unresponsive now, as if
/// its heartbeat had timed out. Answering again, it is back, as a beat
/// would bring it.
pub fn answering<R: Runtime>(app: &AppHandle<R>, label: &WindowLabel, answering: bool) {
    let marked = app.state::<Hub>().transact(|coordinator, now| {
        match (coordinator.windows().state(label), answering) {
            (Ok(WindowState::Ready), false) => {
                tracing::warn!(window = %label, "the window's page stopped answering input");
                coordinator.window_unresponsive(label, now)
            }
            (Ok(WindowState::Unresponsive), true) => {
                tracing::info!(window = %label, "window responding again");
                coordinator.heartbeat(label, now)
            }
            // Not judged yet (loading), already so, or closed.
            _ => Ok(()),
        }
    });
    if let Err(error) = marked {
        tracing::warn!(window = %label, %error, "an unresponsive window could not be marked");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_keeps_crashing_is_reloaded_slower_then_left_alone() {
        let crashes = Crashes::default();
        let start = Instant::now();
        let at = |seconds| start + Duration::from_secs(seconds);
        assert_eq!(
            crashes.record("crm-1", at(0)),
            Recovery::Reload(Duration::ZERO)
        );
        assert_eq!(
            crashes.record("crm-1", at(5)),
            Recovery::Reload(Duration::from_secs(1))
        );
        // Another window's crashes are its own.
        assert_eq!(
            crashes.record("crm-2", at(6)),
            Recovery::Reload(Duration::ZERO)
        );
        assert_eq!(crashes.record("crm-1", at(10)), Recovery::GiveUp);
        // A minute later, a crash is a first one again.
        assert_eq!(
            crashes.record("crm-1", at(80)),
            Recovery::Reload(Duration::ZERO)
        );
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use axolop_coordinator::WindowLabel;
    use tauri::{Manager, Runtime, WebviewWindow};
    use webkit2gtk::glib;
    use webkit2gtk::{WebProcessTerminationReason, WebViewExt};

    pub fn watch<R: Runtime>(window: &WebviewWindow<R>) {
        let app = window.app_handle().clone();
        let label = WindowLabel::from(window.label());
        let stuck = (app.clone(), label.clone());
        let watched = window.with_webview(move |platform| {
            platform
                .inner()
                .connect_is_web_process_responsive_notify(move |webview| {
                    super::answering(&stuck.0, &stuck.1, webview.is_web_process_responsive());
                });
            platform
                .inner()
                .connect_web_process_terminated(move |webview, reason| {
                    let why = match reason {
                        WebProcessTerminationReason::Crashed => "its web process crashed",
                        WebProcessTerminationReason::ExceededMemoryLimit => {
                            "its web process ran out of memory"
                        }
                        // Ended by the app itself (a window being torn down).
                        _ => return,
                    };
                    match super::died(&app, &label, why) {
                        super::Recovery::Reload(delay) if delay.is_zero() => {
                            // Once the main loop is idle: the new primary's
                            // `primary-changed` is delivered on this thread
                            // too, and starting a web process first held it
                            // back (crash failover 19 ms, 15 ms deferred).
                            let webview = webview.clone();
                            glib::idle_add_local_once(move || webview.reload());
                        }
                        super::Recovery::Reload(delay) => {
                            let webview = webview.clone();
                            glib::timeout_add_local_once(delay, move || webview.reload());
                        }
                        super::Recovery::GiveUp => {
                            // The app's own page, in a mode that runs nothing
                            // but a Reload button.
                            let uri = webview.uri().map(|uri| uri.to_string()).unwrap_or_default();
                            let base = uri.split('#').next().unwrap_or_default().to_owned();
                            webview.load_uri(&format!("{base}#keeps-crashing"));
                        }
                    }
                });
        });
        if let Err(error) = watched {
            tracing::warn!(window = %window.label(), %error, "the window's web process cannot be watched");
        }
    }
}
