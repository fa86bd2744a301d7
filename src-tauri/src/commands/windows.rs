//! Commands about windows: the snapshot, heartbeats, and opening, closing
//! and focusing windows.

use axolop_coordinator::{Snapshot, WindowRef, WindowState};
use tauri::{Manager, Runtime, Webview};

use super::caller;
use axolop_coordinator::quit::QuitStage;

use crate::args::{
    DraftKeepArgs, HeartbeatArgs, NoArgs, QuitAnswerArgs, UpdateAnswerArgs, WindowUnsavedArgs,
    WindowViewArgs, WindowZoomArgs,
};
use crate::error::Result;
use crate::heartbeat;
use crate::hub::Hub;
use crate::timing;
use crate::views::{self, WindowResume};
use crate::windows;
use crate::zoom;
use crate::{drafts, quit};

/// The state as the calling window sees it. The first call of a page also
/// marks its window ready.
pub async fn coordinator_snapshot<R: Runtime>(
    webview: Webview<R>,
    _args: NoArgs,
) -> Result<Snapshot> {
    let label = caller(&webview);
    let mut first = false;
    let snapshot = webview.state::<Hub>().transact(|coordinator, now| {
        match coordinator.windows().state(&label)? {
            WindowState::Loading => first = true,
            WindowState::Unresponsive => {
                tracing::info!(window = %label, "window responding again (its page reloaded)");
            }
            WindowState::Ready => {}
        }
        coordinator.window_attached(&label, now)
    })?;
    if first {
        // `wall_us` lets the start-up benchmark time launch to first answer.
        tracing::info!(window = %label, wall_us = timing::wall_micros(), "window ready");
        crate::launches::window_ready(webview.app_handle());
    }
    Ok(snapshot)
}

/// Opens a new CRM window.
pub async fn window_open<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<WindowRef> {
    windows::open(webview.app_handle())
}

/// Closes the calling window exactly as its close button does.
pub async fn window_close<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<()> {
    tracing::trace!(
        target: timing::TARGET,
        window = webview.label(),
        at_us = timing::now_micros(),
        wall_us = timing::wall_micros(),
        "close requested"
    );
    windows::close(&webview.window())
}

/// Brings the primary window to the front.
pub async fn window_focus_primary<R: Runtime>(
    webview: Webview<R>,
    _args: NoArgs,
) -> Result<WindowRef> {
    windows::focus_primary(webview.app_handle())
}

/// The calling window's editor started or stopped holding unsaved changes:
/// while it does, a close asks the page first, and a quit asks the primary.
pub fn window_unsaved<R: Runtime>(webview: &Webview<R>, args: WindowUnsavedArgs) -> Result<()> {
    let label = caller(webview);
    webview
        .state::<Hub>()
        .transact(|coordinator, _| coordinator.editor_unsaved(&label, args.subject.as_deref()))?;
    if args.subject.is_none() {
        // Nothing unsaved: the draft is spent (saved or discarded). Here,
        // on the main thread, before a quit this may end is delivered.
        drafts::drop_for(webview.app_handle(), &[label]);
    }
    Ok(())
}

/// The calling window shows `view` now (kept with the window's place).
pub fn window_view<R: Runtime>(webview: &Webview<R>, args: WindowViewArgs) -> Result<()> {
    args.view.check()?;
    views::set(webview.app_handle(), webview.label(), args.view);
    crate::layout::changed(webview.app_handle());
    Ok(())
}

/// What the calling window's page starts from: the view it showed and its
/// editor's draft.
pub async fn window_resume<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<WindowResume> {
    let app = webview.app_handle();
    Ok(WindowResume {
        view: views::of(app, webview.label()),
        draft: drafts::of(app, webview.label()).await?,
    })
}

/// Keeps the calling window's editor draft as typed (`null` drops it).
pub async fn draft_keep<R: Runtime>(webview: Webview<R>, args: DraftKeepArgs) -> Result<()> {
    drafts::keep(webview.app_handle(), webview.label(), args.draft).await
}

/// The calling window answers the update question (install from the
/// primary; later; show, from a badge anywhere). Install starts the
/// download.
pub fn update_answer<R: Runtime>(webview: &Webview<R>, args: UpdateAnswerArgs) -> Result<()> {
    let label = caller(webview);
    let download = webview
        .state::<Hub>()
        .transact(|coordinator, _| coordinator.update_answer(&label, args.answer))?;
    if download {
        crate::updates::install(webview.app_handle());
    }
    Ok(())
}

/// The calling window answers the quit question (save and discard from
/// the primary; cancel from any window).
pub fn quit_answer<R: Runtime>(webview: &Webview<R>, args: QuitAnswerArgs) -> Result<QuitStage> {
    quit::answer(webview.app_handle(), &caller(webview), args.answer)
}

/// Zooms the calling window one step; answers its new level (Ctrl+=,
/// Ctrl+- and Ctrl+0 in the page, when the menu does not see the keys).
pub fn window_zoom<R: Runtime>(webview: &Webview<R>, args: WindowZoomArgs) -> Result<f64> {
    zoom::zoom(webview.app_handle(), webview.label(), args.step)
}

/// The calling page is alive, and may say which event it applied last
/// (where the engine has no one-way message for it; see [`heartbeat`]).
pub async fn heartbeat<R: Runtime>(webview: Webview<R>, args: HeartbeatArgs) -> Result<()> {
    heartbeat::beat(webview.app_handle(), &caller(&webview), args)
}

/// Benchmark builds only: re-sends the window list as a fresh event.
#[cfg(feature = "bench")]
pub async fn bench_republish<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<()> {
    webview.state::<Hub>().transact(|coordinator, _| {
        coordinator.republish_windows();
        Ok(())
    })
}
