//! Zoom per window: Ctrl+= / Ctrl+- / Ctrl+0 (View > Zoom In, Zoom Out,
//! Actual Size), through the browser's usual steps. Each window keeps its
//! own level while it is open.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;

use crate::error::Result;

/// The levels zooming steps through, as browsers do.
pub const LEVELS: [f64; 13] = [
    0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0,
];

/// Which way to zoom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ZoomStep {
    /// One level larger.
    In,
    /// One level smaller.
    Out,
    /// Back to 100 %.
    Reset,
}

/// The level after `step` from `level`; the ends of [`LEVELS`] hold.
pub fn next(level: f64, step: ZoomStep) -> f64 {
    let nearest = LEVELS
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| (*a - level).abs().total_cmp(&(*b - level).abs()))
        .map_or(5, |(index, _)| index);
    match step {
        ZoomStep::In => LEVELS[(nearest + 1).min(LEVELS.len() - 1)],
        ZoomStep::Out => LEVELS[nearest.saturating_sub(1)],
        ZoomStep::Reset => 1.0,
    }
}

/// Every window's level; managed as Tauri state.
#[derive(Default)]
pub struct Zooms(Mutex<HashMap<String, f64>>);

/// Zooms window `label` one `step`; answers its new level.
pub fn zoom<R: Runtime>(app: &AppHandle<R>, label: &str, step: ZoomStep) -> Result<f64> {
    let level = next(self::level(app, label), step);
    set(app, label, level)?;
    crate::layout::changed(app);
    Ok(level)
}

/// Window `label`'s level (1 when never zoomed).
pub fn level<R: Runtime>(app: &AppHandle<R>, label: &str) -> f64 {
    with_levels(app, |levels| levels.get(label).copied())
        .flatten()
        .unwrap_or(1.0)
}

/// Sets window `label`'s level, within [`LEVELS`], and keeps it.
pub fn set<R: Runtime>(app: &AppHandle<R>, label: &str, level: f64) -> Result<()> {
    let level = level.clamp(LEVELS[0], LEVELS[LEVELS.len() - 1]);
    if let Some(webview) = app.get_webview_window(label) {
        webview.set_zoom(level)?;
    }
    with_levels(app, |levels| levels.insert(label.to_owned(), level));
    Ok(())
}

/// Forgets a closed window's level.
pub fn forget<R: Runtime>(app: &AppHandle<R>, label: &str) {
    with_levels(app, |levels| levels.remove(label));
}

/// Runs `f` on the levels (`None` before they are managed).
fn with_levels<R: Runtime, T>(
    app: &AppHandle<R>,
    f: impl FnOnce(&mut HashMap<String, f64>) -> T,
) -> Option<T> {
    let zooms = app.try_state::<Zooms>()?;
    let mut levels = zooms.0.lock().unwrap_or_else(|p| p.into_inner());
    Some(f(&mut levels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zooming_steps_through_the_levels_and_stops_at_the_ends() {
        assert_eq!(next(1.0, ZoomStep::In), 1.1);
        assert_eq!(next(1.1, ZoomStep::Out), 1.0);
        assert_eq!(next(1.0, ZoomStep::Out), 0.9);
        assert_eq!(next(3.0, ZoomStep::In), 3.0);
        assert_eq!(next(0.5, ZoomStep::Out), 0.5);
        assert_eq!(next(2.5, ZoomStep::Reset), 1.0);
        // A level between steps moves from the nearest one.
        assert_eq!(next(1.3, ZoomStep::In), 1.5);
    }
}
