//! The window menu and its keyboard shortcuts.
//!
//! Every CRM window carries its own copy of the menu. Menu events carry only
//! an item id and reach every window's handler, so each copy's ids name their
//! window (`crm-2:close-window`) and a handler acts only on its own items:
//! Ctrl+W in one window never closes another. On macOS the menu bar belongs
//! to the app; there the ids say `app:` and the focused window is acted on.

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder, Window};

use crate::diagnostics;
use crate::windows;
use crate::zoom::{self, ZoomStep};

/// What a menu item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// File > New Window (Ctrl/Cmd+N).
    NewWindow,
    /// File > Close Window (Ctrl/Cmd+W).
    CloseWindow,
    /// File > Quit (Ctrl/Cmd+Q).
    Quit,
    /// View > Reload (F5).
    Reload,
    /// Window > Focus Primary Window (Ctrl/Cmd+Shift+P).
    FocusPrimary,
    /// Help > Diagnostics (Ctrl/Cmd+Shift+D).
    Diagnostics,
    /// View > Zoom In (Ctrl/Cmd+=).
    ZoomIn,
    /// View > Zoom Out (Ctrl/Cmd+-).
    ZoomOut,
    /// View > Actual Size (Ctrl/Cmd+0).
    ZoomReset,
}

impl Action {
    const ALL: [Action; 9] = [
        Action::NewWindow,
        Action::CloseWindow,
        Action::Quit,
        Action::Reload,
        Action::FocusPrimary,
        Action::Diagnostics,
        Action::ZoomIn,
        Action::ZoomOut,
        Action::ZoomReset,
    ];

    fn name(self) -> &'static str {
        match self {
            Action::NewWindow => "new-window",
            Action::CloseWindow => "close-window",
            Action::Quit => "quit",
            Action::Reload => "reload",
            Action::FocusPrimary => "focus-primary",
            Action::Diagnostics => "diagnostics",
            Action::ZoomIn => "zoom-in",
            Action::ZoomOut => "zoom-out",
            Action::ZoomReset => "zoom-reset",
        }
    }

    fn text(self) -> &'static str {
        match self {
            Action::NewWindow => "New Window",
            Action::CloseWindow => "Close Window",
            Action::Quit => "Quit Axolop CRM",
            Action::Reload => "Reload",
            Action::FocusPrimary => "Focus Primary Window",
            Action::Diagnostics => "Diagnostics",
            Action::ZoomIn => "Zoom In",
            Action::ZoomOut => "Zoom Out",
            Action::ZoomReset => "Actual Size",
        }
    }

    fn accelerator(self) -> &'static str {
        match self {
            Action::NewWindow => "CmdOrCtrl+N",
            Action::CloseWindow => "CmdOrCtrl+W",
            Action::Quit => "CmdOrCtrl+Q",
            Action::Reload => "F5",
            Action::FocusPrimary => "CmdOrCtrl+Shift+P",
            Action::Diagnostics => "CmdOrCtrl+Shift+D",
            Action::ZoomIn => "CmdOrCtrl+=",
            Action::ZoomOut => "CmdOrCtrl+-",
            Action::ZoomReset => "CmdOrCtrl+0",
        }
    }

    /// The item id of this action in the menu copy of `scope`.
    pub fn id(self, scope: &str) -> String {
        format!("{scope}:{}", self.name())
    }

    /// Splits an item id into its scope and action.
    pub fn parse(id: &str) -> Option<(&str, Action)> {
        let (scope, name) = id.rsplit_once(':')?;
        let action = Action::ALL.into_iter().find(|a| a.name() == name)?;
        Some((scope, action))
    }
}

/// Builds the menu copy of `scope`: File (New Window, Close Window, Quit),
/// View (Reload, Zoom In, Zoom Out, Actual Size), Window (Focus Primary
/// Window), Help (Diagnostics).
pub fn build<R: Runtime, M: Manager<R>>(manager: &M, scope: &str) -> tauri::Result<Menu<R>> {
    let item = |action: Action| {
        MenuItem::with_id(
            manager,
            action.id(scope),
            action.text(),
            true,
            Some(action.accelerator()),
        )
    };
    let file = Submenu::with_items(
        manager,
        "File",
        true,
        &[
            &item(Action::NewWindow)?,
            &item(Action::CloseWindow)?,
            &PredefinedMenuItem::separator(manager)?,
            &item(Action::Quit)?,
        ],
    )?;
    let view = Submenu::with_items(
        manager,
        "View",
        true,
        &[
            &item(Action::Reload)?,
            &PredefinedMenuItem::separator(manager)?,
            &item(Action::ZoomIn)?,
            &item(Action::ZoomOut)?,
            &item(Action::ZoomReset)?,
        ],
    )?;
    let window = Submenu::with_items(manager, "Window", true, &[&item(Action::FocusPrimary)?])?;
    let help = Submenu::with_items(manager, "Help", true, &[&item(Action::Diagnostics)?])?;
    Menu::with_items(manager, &[&file, &view, &window, &help])
}

/// Gives a window under construction its menu copy and menu handler.
#[cfg(not(target_os = "macos"))]
pub fn attach<'a, R: Runtime, M: Manager<R>>(
    manager: &'a M,
    label: &str,
    builder: WebviewWindowBuilder<'a, R, M>,
) -> tauri::Result<WebviewWindowBuilder<'a, R, M>> {
    Ok(builder
        .menu(build(manager, label)?)
        .on_menu_event(|window, event| {
            if let Some((scope, action)) = Action::parse(event.id().as_ref()) {
                if scope == window.label() {
                    perform(window, action);
                }
            }
        }))
}

/// On macOS the app owns the menu bar; see [`install_app_menu`].
#[cfg(target_os = "macos")]
pub fn attach<'a, R: Runtime, M: Manager<R>>(
    _manager: &'a M,
    _label: &str,
    builder: WebviewWindowBuilder<'a, R, M>,
) -> tauri::Result<WebviewWindowBuilder<'a, R, M>> {
    Ok(builder)
}

/// Installs the app-wide menu bar (macOS), acting on the focused window.
#[cfg(target_os = "macos")]
pub fn install_app_menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    app.set_menu(build(app, "app")?)?;
    app.on_menu_event(|app, event: tauri::menu::MenuEvent| {
        let Some((_, action)) = Action::parse(event.id().as_ref()) else {
            return;
        };
        let focused = app
            .webview_windows()
            .into_values()
            .find(|window| window.is_focused().unwrap_or(false));
        match (focused, action) {
            (Some(window), _) => perform(&window.as_ref().window(), action),
            (None, Action::NewWindow) => windows::open_in_background(app),
            (None, Action::Diagnostics) => diagnostics::show_in_background(app),
            (None, Action::Quit) => quit(app),
            (None, _) => {}
        }
    });
    Ok(())
}

/// Performs `action` for `window`.
pub fn perform<R: Runtime>(window: &Window<R>, action: Action) {
    let outcome = match action {
        Action::NewWindow => {
            windows::open_in_background(window.app_handle());
            Ok(())
        }
        Action::CloseWindow => windows::close(window),
        Action::FocusPrimary => windows::focus_primary(window).map(drop),
        Action::Diagnostics => {
            diagnostics::show_in_background(window.app_handle());
            Ok(())
        }
        Action::ZoomIn => zoom::zoom(window.app_handle(), window.label(), ZoomStep::In).map(drop),
        Action::ZoomOut => zoom::zoom(window.app_handle(), window.label(), ZoomStep::Out).map(drop),
        Action::ZoomReset => {
            zoom::zoom(window.app_handle(), window.label(), ZoomStep::Reset).map(drop)
        }
        Action::Reload => match window.get_webview_window(window.label()) {
            Some(webview) => webview.reload().map_err(Into::into),
            None => Ok(()),
        },
        Action::Quit => {
            quit(window.app_handle());
            Ok(())
        }
    };
    if let Err(error) = outcome {
        tracing::error!(window = window.label(), ?action, %error, "menu action failed");
    }
}

fn quit<R: Runtime>(app: &AppHandle<R>) {
    crate::quit::requested(app);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids_round_trip_scope_and_action() {
        for action in Action::ALL {
            let id = action.id("crm-12");
            assert_eq!(Action::parse(&id), Some(("crm-12", action)), "{id}");
        }
    }

    #[test]
    fn foreign_ids_are_not_actions() {
        for id in ["", "quit", "crm-1:", "crm-1:explode"] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
    }
}
