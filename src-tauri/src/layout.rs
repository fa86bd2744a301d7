//! Windows come back: the open CRM windows, in order, with each one's size,
//! position, maximized state and zoom, its id (which its editor draft is
//! kept under) and what it showed, kept in `windows.json` in the data
//! directory and reopened at the next launch.
//!
//! The file is written during the session, half a second after the last
//! change (a move, a resize, a window opened or closed, a zoom), through a
//! temporary file that replaces it whole: a crash or a kill restores the
//! last layout, never half of one. Closing the last window does not empty
//! it (that window comes back). A file that cannot be read is moved aside
//! and one window opens.
//!
//! Two launches in a row that end before a window is ready (`launches`)
//! make the next open one window instead: the layout may be what crashes.
//!
//! `tauri-plugin-window-state` is not used: it keys windows by label (and
//! labels start again at `crm-1` every run), saves at exit rather than as
//! the session goes, and knows nothing of the window order, the zoom, or a
//! window's draft and view.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, Runtime};
use tokio::sync::Notify;

use crate::hub::Hub;
use crate::paths::Paths;
use crate::views::{self, WindowView};
use crate::{drafts, files, launches, notices, windows, zoom};

/// The file, in the data directory.
const FILE: &str = "windows.json";
/// How long the layout must stay still before it is written.
const SETTLE: Duration = Duration::from_millis(500);
/// The most windows a layout reopens.
const MAX: usize = 16;

/// The layout as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// Its format.
    pub version: u32,
    /// The CRM windows, oldest first.
    pub windows: Vec<KeptWindow>,
}

/// One window as kept: its place, its id, and what it showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptWindow {
    /// Its place.
    #[serde(flatten)]
    pub placement: Placement,
    /// Its id, which its editor draft is kept under (absent in a layout
    /// kept before drafts were).
    #[serde(default)]
    pub id: Option<String>,
    /// What it showed.
    #[serde(default)]
    pub view: WindowView,
}

/// One window's place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// Its outer position, in physical pixels.
    pub x: i32,
    pub y: i32,
    /// Its inner size, in physical pixels.
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
    /// Its zoom level (1 is 100 %).
    pub zoom: f64,
}

/// A rectangle of the screen, in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl Placement {
    /// This placement moved onto `screens` if no part of its title bar's
    /// first 100 × 40 pixels shows on any: to the first screen's corner.
    pub fn onto(self, screens: &[Area]) -> Self {
        let grip = Area {
            x: self.x,
            y: self.y,
            width: 100,
            height: 40,
        };
        if screens.is_empty() || screens.iter().any(|screen| screen.overlaps(&grip)) {
            return self;
        }
        let first = screens[0];
        Self {
            x: first.x + 40,
            y: first.y + 40,
            width: self.width.min(first.width),
            height: self.height.min(first.height),
            ..self
        }
    }
}

impl Area {
    fn overlaps(&self, other: &Area) -> bool {
        let right = |a: &Area| i64::from(a.x) + i64::from(a.width);
        let bottom = |a: &Area| i64::from(a.y) + i64::from(a.height);
        i64::from(self.x) < right(other)
            && i64::from(other.x) < right(self)
            && i64::from(self.y) < bottom(other)
            && i64::from(other.y) < bottom(self)
    }
}

/// Reads the layout in `dir`. `None` when there is none; a file that
/// cannot be read is moved aside (and `None`).
pub fn read(dir: &Path) -> Option<Layout> {
    let path = dir.join(FILE);
    let bytes = std::fs::read(&path).ok()?;
    match serde_json::from_slice::<Layout>(&bytes) {
        Ok(layout) if layout.version == 1 && !layout.windows.is_empty() => Some(layout),
        Ok(_) | Err(_) => {
            let aside = dir.join(format!("{FILE}.unreadable"));
            tracing::warn!("the window layout could not be read; moved aside, one window opens");
            let _ = std::fs::rename(&path, aside);
            None
        }
    }
}

/// Writes `layout` in `dir`, whole.
pub fn write(dir: &Path, layout: &Layout) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(layout).map_err(std::io::Error::other)?;
    files::write_whole(&dir.join(FILE), &bytes)
}

/// Wakes the writer; managed as Tauri state once the layout is kept.
pub struct Keeper {
    changed: Notify,
    /// Set when windows are restored: nothing is written before.
    ready: AtomicBool,
}

/// Says the layout changed (a move, a resize, a window opened or closed,
/// a zoom): it is written once it has settled.
pub fn changed<R: Runtime>(app: &AppHandle<R>) {
    if let Some(keeper) = app.try_state::<Keeper>() {
        if keeper.ready.load(Ordering::SeqCst) {
            keeper.changed.notify_one();
        }
    }
}

/// Opens the windows of the last layout (or one window), then keeps the
/// layout as it changes. Without a data directory (tests), one window.
pub fn restore<R: Runtime>(app: &AppHandle<R>) -> crate::Result<()> {
    let Some(dir) = app.try_state::<Paths>().map(|paths| paths.data.clone()) else {
        windows::open(app)?;
        return Ok(());
    };
    let layout = if launches::begin(app, &dir) {
        read(&dir)
    } else {
        notices::add(app, launches::NOTICE.to_owned());
        None
    };
    app.manage(Keeper {
        changed: Notify::new(),
        ready: AtomicBool::new(false),
    });
    let mut kept: Vec<KeptWindow> = layout
        .map(|layout| layout.windows.into_iter().take(MAX).collect())
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    for window in &mut kept {
        window.id = Some(usable_id(window.id.take(), &mut seen));
    }
    let first_id = kept
        .first()
        .and_then(|window| window.id.clone())
        .unwrap_or_else(new_id);
    let ids: Vec<String> = kept
        .iter()
        .filter_map(|window| window.id.clone())
        .chain(kept.is_empty().then(|| first_id.clone()))
        .collect();
    // Before any page asks for its draft.
    drafts::adopt_orphans(app, &ids);
    let first = windows::open_as(app, Some(first_id))?.label;
    let mut kept = kept.into_iter();
    let Some(first_kept) = kept.next() else {
        app.state::<Keeper>().ready.store(true, Ordering::SeqCst);
        tauri::async_runtime::spawn(keep(app.clone(), dir));
        return Ok(());
    };
    let screens = screens(app);
    views::set(app, first.as_str(), first_kept.view);
    place(app, first.as_str(), first_kept.placement.onto(&screens));
    // The others open once the first is ready: it is elected first and
    // stays primary, as it was (a ready window that loads faster would
    // otherwise win the first election).
    let rest: Vec<KeptWindow> = kept.collect();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let ready = || {
            app.state::<Hub>().read(|coordinator| {
                coordinator.windows().state(&first) == Ok(axolop_coordinator::WindowState::Ready)
            })
        };
        for _ in 0..500 {
            if ready() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let count = rest.len() + 1;
        for window in rest {
            match windows::open_as(&app, window.id) {
                Ok(opened) => {
                    let label = opened.label.as_str();
                    views::set(&app, label, window.view);
                    place(&app, label, window.placement.onto(&screens));
                }
                Err(error) => tracing::warn!(%error, "a window could not be restored"),
            }
        }
        tracing::info!(windows = count, "windows restored");
        app.state::<Keeper>().ready.store(true, Ordering::SeqCst);
        keep(app.clone(), dir).await;
    });
    Ok(())
}

/// A new window id.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The id a restored window comes back under: the one kept, unless it is
/// missing, not an id (a hand-edited file), or another window's already;
/// then a new one (its draft, if any, is found as an orphan's).
fn usable_id(kept: Option<String>, seen: &mut std::collections::HashSet<String>) -> String {
    let id = kept
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .filter(|id| !seen.contains(id))
        .unwrap_or_else(new_id);
    seen.insert(id.clone());
    id
}

/// Puts window `label` at `placement`.
fn place<R: Runtime>(app: &AppHandle<R>, label: &str, placement: Placement) {
    let Some(window) = app.get_webview_window(label) else {
        return;
    };
    let placed = window
        .set_size(PhysicalSize::new(placement.width, placement.height))
        .and_then(|()| window.set_position(PhysicalPosition::new(placement.x, placement.y)))
        .and_then(|()| {
            if placement.maximized {
                window.maximize()
            } else {
                Ok(())
            }
        });
    if let Err(error) = placed {
        tracing::debug!(window = label, %error, "a window could not be placed");
    }
    if (placement.zoom - 1.0).abs() > f64::EPSILON {
        if let Err(error) = zoom::set(app, label, placement.zoom) {
            tracing::debug!(window = label, %error, "a window's zoom could not be restored");
        }
    }
}

/// The monitors' areas.
fn screens<R: Runtime>(app: &AppHandle<R>) -> Vec<Area> {
    app.available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|monitor| Area {
            x: monitor.position().x,
            y: monitor.position().y,
            width: monitor.size().width,
            height: monitor.size().height,
        })
        .collect()
}

/// The writer: after each change has settled, the layout of the open CRM
/// windows, in order (never an empty one).
async fn keep<R: Runtime>(app: AppHandle<R>, dir: PathBuf) {
    let keeper = app.state::<Keeper>();
    loop {
        keeper.changed.notified().await;
        // Settle: a drag is many moves.
        while tokio::time::timeout(SETTLE, keeper.changed.notified())
            .await
            .is_ok()
        {}
        let Some(layout) = current(&app) else {
            continue;
        };
        if let Err(error) = write(&dir, &layout) {
            tracing::warn!(%error, "the window layout could not be kept");
        }
    }
}

/// Writes the layout now, not once it settles: the app is about to restart
/// (an update) and its windows must come back as they are.
pub fn keep_now<R: Runtime>(app: &AppHandle<R>) {
    let Some(dir) = app.try_state::<Paths>().map(|paths| paths.data.clone()) else {
        return;
    };
    if let Some(layout) = current(app) {
        if let Err(error) = write(&dir, &layout) {
            tracing::warn!(%error, "the window layout could not be kept");
        }
    }
}

/// The layout of the open CRM windows now; `None` when none is open.
fn current<R: Runtime>(app: &AppHandle<R>) -> Option<Layout> {
    let labels = app
        .state::<Hub>()
        .read(|coordinator| coordinator.windows().labels());
    let placements: Vec<_> = labels
        .iter()
        .filter_map(|label| {
            let window = app.get_webview_window(label.as_str())?;
            if !window.is_visible().unwrap_or(false) {
                return None; // closing
            }
            let position = window.outer_position().ok()?;
            let size = window.inner_size().ok()?;
            Some(KeptWindow {
                placement: Placement {
                    x: position.x,
                    y: position.y,
                    width: size.width,
                    height: size.height,
                    maximized: window.is_maximized().unwrap_or(false),
                    zoom: zoom::level(app, label.as_str()),
                },
                id: windows::id_of(app, label.as_str()),
                view: views::of(app, label.as_str()),
            })
        })
        .collect();
    (!placements.is_empty()).then_some(Layout {
        version: 1,
        windows: placements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement(x: i32, y: i32) -> Placement {
        Placement {
            x,
            y,
            width: 800,
            height: 600,
            maximized: false,
            zoom: 1.0,
        }
    }

    const SCREEN: Area = Area {
        x: 0,
        y: 0,
        width: 1280,
        height: 900,
    };

    #[test]
    fn a_window_on_a_screen_stays_and_one_off_every_screen_comes_back() {
        assert_eq!(placement(100, 50).onto(&[SCREEN]), placement(100, 50));
        // Its corner just inside the screen: it stays.
        assert_eq!(placement(1250, 880).onto(&[SCREEN]), placement(1250, 880));
        // On a monitor that is gone.
        let moved = placement(3000, 200).onto(&[SCREEN]);
        assert_eq!((moved.x, moved.y), (40, 40));
        let above = placement(100, -500).onto(&[SCREEN]);
        assert_eq!((above.x, above.y), (40, 40));
        let second = Area { x: 1280, ..SCREEN };
        assert_eq!(
            placement(1500, 100).onto(&[SCREEN, second]),
            placement(1500, 100)
        );
    }

    #[test]
    fn a_window_keeps_its_id_unless_it_is_missing_odd_or_taken() {
        let mut seen = std::collections::HashSet::new();
        let kept = "4f1c2a9e-0000-4000-8000-000000000001".to_owned();
        assert_eq!(usable_id(Some(kept.clone()), &mut seen), kept);
        let again = usable_id(Some(kept.clone()), &mut seen);
        assert_ne!(again, kept, "two windows never share an id");
        for odd in [
            None,
            Some(String::new()),
            Some("a b".into()),
            Some("x".repeat(65)),
        ] {
            let id = usable_id(odd.clone(), &mut seen);
            assert_eq!(id.len(), 36, "{odd:?} gets a new id");
        }
        assert_eq!(seen.len(), 6);
    }

    #[test]
    fn a_layout_kept_before_ids_and_views_reads_with_neither() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"{"version":1,"windows":[{"x":1,"y":2,"width":800,"height":600,"maximized":false,"zoom":1.0}]}"#;
        std::fs::write(dir.path().join(FILE), old).unwrap();
        let layout = read(dir.path()).unwrap();
        assert_eq!(layout.windows[0].placement, placement(1, 2));
        assert_eq!(layout.windows[0].id, None);
        assert_eq!(layout.windows[0].view, WindowView::default());
    }

    #[test]
    fn a_layout_is_written_whole_and_an_unreadable_one_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), None);
        let kept = |placement, id: &str| KeptWindow {
            placement,
            id: Some(id.to_owned()),
            view: WindowView {
                contact: Some("c-1".into()),
                scroll: 240,
            },
        };
        let layout = Layout {
            version: 1,
            windows: vec![kept(placement(10, 20), "a"), kept(placement(30, 40), "b")],
        };
        write(dir.path(), &layout).unwrap();
        assert_eq!(read(dir.path()), Some(layout));
        std::fs::write(dir.path().join(FILE), b"{\"version\": 1, \"windows\": [").unwrap();
        assert_eq!(read(dir.path()), None);
        assert!(!dir.path().join(FILE).exists());
        assert!(dir.path().join(format!("{FILE}.unreadable")).exists());
    }
}
