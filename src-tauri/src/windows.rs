//! CRM windows: opening, closing and focusing them.
//!
//! The coordinator hands out labels (`crm-1`, `crm-2`, …, never reused) and
//! learns of a window before its page can ask for anything, so a page never
//! races its own registration. A window leaves the coordinator the moment it
//! is asked to close (close button, Ctrl+W, `window_close`): it is hidden at
//! once and its webview torn down a moment later. A window destroyed any
//! other way leaves when Tauri reports it destroyed.

use std::time::Duration;

use axolop_coordinator::{WindowLabel, WindowRef};
use tauri::webview::PageLoadEvent;
use tauri::{
    AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder,
    WindowEvent,
};

use crate::diagnostics;
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::menu;
use crate::navigation;
use crate::web_process;

/// Default size of a new window, in logical pixels.
const SIZE: (f64, f64) = (1100.0, 720.0);
/// Smallest size at which the CRM layout still works.
const MIN_SIZE: (f64, f64) = (640.0, 420.0);
/// How long a closed (already hidden) window waits before its webview is
/// torn down, so the events of its departure go out first.
const TEARDOWN_DELAY: Duration = Duration::from_millis(50);

/// The window title: the agency it works in, the product name and the
/// window number ("Acme Realty — Axolop CRM (2)"), so the system's window
/// switcher tells windows apart.
pub fn title(label: &WindowLabel, agency: Option<&str>) -> String {
    let product = match label.number() {
        Some(number) => format!("Axolop CRM ({number})"),
        None => "Axolop CRM".to_owned(),
    };
    match agency.map(str::trim).filter(|name| !name.is_empty()) {
        Some(agency) => format!("{agency} — {product}"),
        None => product,
    }
}

/// The agency every window works in, by name.
fn agency_name<R: Runtime, M: Manager<R>>(manager: &M) -> Option<String> {
    manager.state::<Hub>().read(|coordinator| {
        coordinator
            .agency()
            .summary()
            .selected
            .as_ref()
            .map(|agency| agency.name.clone())
    })
}

/// Gives every CRM window the title of the agency now selected (called
/// on the main thread when the selection changed).
pub fn retitle<R: Runtime>(app: &AppHandle<R>) {
    let agency = agency_name(app);
    let labels = app
        .state::<Hub>()
        .read(|coordinator| coordinator.windows().labels());
    for label in labels {
        if let Some(window) = app.get_webview_window(label.as_str()) {
            if let Err(error) = window.set_title(&title(&label, agency.as_deref())) {
                tracing::debug!(window = %label, %error, "a window's title could not be set");
            }
        }
    }
}

/// Opens the next CRM window and returns its label.
pub fn open<R: Runtime, M: Manager<R>>(manager: &M) -> Result<WindowRef> {
    open_as(manager, None)
}

/// Opens the next CRM window under window id `id` (a restored window's), or
/// a new id; returns its label.
pub fn open_as<R: Runtime, M: Manager<R>>(manager: &M, id: Option<String>) -> Result<WindowRef> {
    let hub = manager.state::<Hub>();
    let label = hub.transact(|coordinator, now| {
        coordinator.window_room()?;
        let label = coordinator.next_label();
        coordinator.window_opened(label.clone(), now)?;
        Ok(label)
    })?;
    if let Some(ids) = manager.try_state::<Ids>() {
        let id = id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        ids.set(label.as_str(), Some(id));
    }
    match build(manager, &label) {
        Ok(_) => {
            tracing::info!(window = %label, "window opened");
            crate::layout::changed(manager.app_handle());
            Ok(WindowRef { label })
        }
        Err(error) => {
            tracing::error!(window = %label, %error, "window could not be created");
            // Undo the registration; the label stays unused.
            if let Some(ids) = manager.try_state::<Ids>() {
                ids.set(label.as_str(), None);
            }
            hub.transact(|coordinator, now| coordinator.window_closed(&label, now))?;
            Err(error)
        }
    }
}

/// Opens a window on behalf of something with no caller to answer (a second
/// launch, a menu item), logging a failure. The window is built off the
/// calling thread: building one from inside a main-thread event handler
/// waits on the very event loop that handler is blocking.
pub fn open_in_background<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = open(&app) {
            tracing::error!(%error, "could not open a new window");
            // The user sees the app rather than nothing.
            let _ = focus_primary(&app);
        }
    });
}

/// How many second launches may open a window within [`HAND_OFF_WINDOW`]:
/// a script launching the app in a loop opens a few windows, not a storm.
pub const HAND_OFFS_PER_WINDOW: usize = 4;
/// The span [`HAND_OFFS_PER_WINDOW`] counts over.
pub const HAND_OFF_WINDOW: Duration = Duration::from_secs(2);

/// The recent second launches that opened a window.
#[derive(Default)]
pub struct HandOffs(std::sync::Mutex<std::collections::VecDeque<std::time::Instant>>);

impl HandOffs {
    /// Whether a second launch at `now` may open a window (and counts it).
    pub fn admit(&self, now: std::time::Instant) -> bool {
        let mut recent = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        crate::timing::forget_older(&mut recent, now, HAND_OFF_WINDOW);
        let admitted = recent.len() < HAND_OFFS_PER_WINDOW;
        if admitted {
            recent.push_back(now);
        }
        admitted
    }
}

/// Each CRM window's id: unlike its label (`crm-1` again at every launch),
/// it survives a restart (the layout keeps it), so a window's draft and view
/// find it again. Managed as Tauri state.
#[derive(Default)]
pub struct Ids(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl Ids {
    /// The id of window `label`, if it is a CRM window.
    pub fn of(&self, label: &str) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(label)
            .cloned()
    }

    fn set(&self, label: &str, id: Option<String>) {
        let mut ids = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match id {
            Some(id) => ids.insert(label.to_owned(), id),
            None => ids.remove(label),
        };
    }
}

/// The id of window `label` (`None` for a window that is not a CRM window).
pub fn id_of<R: Runtime, M: Manager<R>>(manager: &M, label: &str) -> Option<String> {
    manager.try_state::<Ids>()?.of(label)
}

/// Whether window `label`'s editor holds unsaved changes.
fn holds_unsaved<R: Runtime>(app: &AppHandle<R>, label: &WindowLabel) -> bool {
    app.state::<Hub>().read(|coordinator| {
        coordinator
            .quit_status()
            .editors
            .iter()
            .any(|editor| editor.window == *label)
    })
}

/// The event that asks a page what to do with its unsaved changes before
/// its window closes.
pub const CLOSE_REQUESTED_EVENT: &str = "close-requested";

/// A second launch handed over: opens a window, unless launches come
/// faster than [`HAND_OFFS_PER_WINDOW`] in [`HAND_OFF_WINDOW`] (then the
/// primary comes to the front instead).
pub fn second_launch<R: Runtime>(app: &AppHandle<R>) {
    let admitted = app
        .try_state::<HandOffs>()
        .is_none_or(|hand_offs| hand_offs.admit(std::time::Instant::now()));
    if admitted {
        open_in_background(app);
    } else {
        tracing::warn!("second launches come too fast: no window opened for this one");
        let _ = focus_primary(app);
    }
}

/// Closes `window` exactly as its close button does: listeners see
/// `CloseRequested`, then the window is destroyed.
pub fn close<R: Runtime>(window: &tauri::Window<R>) -> Result<()> {
    window.close().map_err(Error::from)
}

/// Brings the primary window to the front and focuses it.
pub fn focus_primary<R: Runtime, M: Manager<R>>(manager: &M) -> Result<WindowRef> {
    let primary = manager
        .state::<Hub>()
        .read(|coordinator| coordinator.election().primary())
        .ok_or(axolop_coordinator::Error::NoPrimary)?;
    let window = manager
        .get_webview_window(primary.label.as_str())
        .ok_or_else(|| axolop_coordinator::Error::UnknownWindow {
            label: primary.label.clone(),
        })?;
    bring_forward(&window)?;
    Ok(WindowRef {
        label: primary.label,
    })
}

/// Brings `window` to the front, focused, even if it was minimized.
pub fn bring_forward<R: Runtime>(window: &WebviewWindow<R>) -> Result<()> {
    window.unminimize()?;
    window.show()?;
    window.set_focus()?;
    Ok(())
}

fn build<R: Runtime, M: Manager<R>>(manager: &M, label: &WindowLabel) -> Result<WebviewWindow<R>> {
    let builder = WebviewWindowBuilder::new(
        manager,
        label.as_str(),
        WebviewUrl::App("index.html".into()),
    )
    .title(title(label, agency_name(manager).as_deref()))
    .inner_size(SIZE.0, SIZE.1)
    .min_inner_size(MIN_SIZE.0, MIN_SIZE.1)
    .on_navigation(navigation::allow)
    .on_new_window(|url, _| navigation::refuse_new_window(&url))
    .on_page_load(|webview, payload| {
        if payload.event() == PageLoadEvent::Started {
            page_started(webview.app_handle(), &WindowLabel::from(webview.label()));
        }
    });
    let builder = menu::attach(manager, label.as_str(), builder)?;
    let window = builder.build()?;
    web_process::watch(&window);
    crate::heartbeat::listen(&window);
    let label = label.clone();
    let app = manager.app_handle().clone();
    window.on_window_event(move |event| match event {
        WindowEvent::CloseRequested { api, .. } => {
            api.prevent_close();
            // Unsaved changes in its editor: the page asks (save, discard
            // or keep the window), and closes the window itself after.
            if holds_unsaved(&app, &label) {
                let target = tauri::EventTarget::webview_window(label.as_str());
                if let Err(error) = app.emit_to(target, CLOSE_REQUESTED_EVENT, ()) {
                    tracing::warn!(window = %label, %error, "a window with unsaved changes could not ask");
                }
                return;
            }
            // Otherwise the window is leaving. It disappears and leaves the
            // coordinator at once; the webview is torn down a moment later,
            // because tearing it down holds the main thread for several
            // milliseconds, and the other windows' events (the new primary
            // above all) must not wait behind it.
            if let Some(window) = app.get_webview_window(label.as_str()) {
                if let Err(error) = window.hide() {
                    tracing::debug!(window = %label, %error, "could not hide a closing window");
                }
                tauri::async_runtime::spawn(async move {
                    tokio::time::sleep(TEARDOWN_DELAY).await;
                    if let Err(error) = window.destroy() {
                        tracing::warn!(window = window.label(), %error, "could not destroy a closed window");
                    }
                });
            }
            forget(&app, &label);
        }
        WindowEvent::Destroyed => forget(&app, &label),
        WindowEvent::Moved(_) | WindowEvent::Resized(_) => crate::layout::changed(&app),
        _ => {}
    });
    Ok(window)
}

/// A window's page (re)started loading: the old page, if any, is gone, and
/// with it every lock it held or awaited. The first load finds nothing to
/// release.
fn page_started<R: Runtime>(app: &AppHandle<R>, label: &WindowLabel) {
    // The coordinator forgets the old page's editor with its locks.
    let released = app.state::<Hub>().transact(|coordinator, now| {
        if !coordinator.windows().contains(label) {
            return Ok(());
        }
        coordinator.window_reloaded(label, now)
    });
    if let Err(error) = released {
        tracing::warn!(window = %label, %error, "the locks of a reloaded page could not be released");
    }
}

/// Removes a leaving window from the coordinator, once: the close request
/// and the destruction that follows both report it.
fn forget<R: Runtime>(app: &AppHandle<R>, label: &WindowLabel) {
    let forgotten = app.state::<Hub>().transact(|coordinator, now| {
        if !coordinator.windows().contains(label) {
            return Ok(false);
        }
        coordinator.window_closed(label, now)?;
        Ok(true)
    });
    match forgotten {
        Ok(true) => {
            tracing::info!(window = %label, "window closed");
            crate::layout::changed(app);
            crate::zoom::forget(app, label.as_str());
            crate::views::forget(app, label.as_str());
            if let Some(ids) = app.try_state::<Ids>() {
                ids.set(label.as_str(), None);
            }
            diagnostics::close_if_alone(app);
        }
        Ok(false) => {}
        Err(error) => tracing::warn!(window = %label, %error, "window could not be forgotten"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    #[test]
    fn a_title_names_the_agency_and_the_window_number() {
        let second = WindowLabel::numbered(2);
        assert_eq!(title(&second, None), "Axolop CRM (2)");
        assert_eq!(
            title(&second, Some("Acme Realty")),
            "Acme Realty — Axolop CRM (2)"
        );
        assert_eq!(title(&second, Some("  ")), "Axolop CRM (2)");
        assert_eq!(title(&WindowLabel::from("other"), None), "Axolop CRM");
    }

    #[test]
    fn a_burst_of_second_launches_opens_a_few_windows_then_waits() {
        let hand_offs = HandOffs::default();
        let start = Instant::now();
        let admitted = (0..100)
            .filter(|n| hand_offs.admit(start + Duration::from_millis(*n)))
            .count();
        assert_eq!(admitted, HAND_OFFS_PER_WINDOW);
        assert!(hand_offs.admit(start + HAND_OFF_WINDOW + Duration::from_millis(1)));
    }
}
