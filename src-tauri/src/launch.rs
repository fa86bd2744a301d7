//! What a launch's arguments ask of the app: nothing (a window), or one
//! `axolop:` link for it to follow.
//!
//! On Linux and Windows the operating system opens a link by starting the
//! app with the link as its one argument; a running app hears of that
//! launch through the single-instance plugin and follows the link instead
//! of opening a window. On macOS links arrive as an event of the running
//! app ([`tauri::RunEvent::Opened`]). The app reads the arguments itself
//! rather than through `tauri-plugin-deep-link`, whose events any page
//! that listens would receive, link and code included.

use axolop_coordinator::WindowLabel;
use tauri::{AppHandle, Runtime};

use crate::{browser_sign_in, notices, windows};

/// What a launch's arguments (after the program's name) ask for.
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    /// No arguments: a window.
    Window,
    /// One link of this app's scheme.
    Link(String),
    /// Anything else: refused, nothing opened.
    Unknown,
}

impl Asked {
    /// Reads `args`, the program's name first.
    pub fn of(args: &[String]) -> Self {
        match args.get(1..).unwrap_or_default() {
            [] => Asked::Window,
            [link] if is_ours(link) => Asked::Link(link.clone()),
            _ => Asked::Unknown,
        }
    }
}

/// What a launch that brought something the app does not take is told.
const UNKNOWN: &str = "Axolop CRM was started again with something it does not open (only its own sign-in links); nothing was done.";

/// Whether `arg` is a link of the app's scheme (`axolop:`, any case).
fn is_ours(arg: &str) -> bool {
    let scheme = axolop_auth::callback::SCHEME;
    arg.get(..=scheme.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(&format!("{scheme}:")))
}

/// A later launch handed over with `args`: a window, a link followed, or
/// a refusal the primary shows.
pub fn handed_over<R: Runtime>(app: &AppHandle<R>, args: &[String]) {
    match Asked::of(args) {
        Asked::Window => windows::second_launch(app),
        Asked::Link(link) => browser_sign_in::link_opened(app, link),
        Asked::Unknown => {
            tracing::warn!(
                arguments = args.len().saturating_sub(1),
                "a second launch brought arguments the app does not take"
            );
            let _ = windows::focus_primary(app);
            browser_sign_in::refuse(app, UNKNOWN.into());
        }
    }
}

/// The first launch's own arguments, read once the app is set up. A link
/// cannot be followed: the sign-in it answers was started by an app that
/// is no longer running, and its verifier went with it. The first window
/// says so when its page loads (once).
pub fn at_start<R: Runtime>(app: &AppHandle<R>, args: &[String]) {
    if let Asked::Link(_) = Asked::of(args) {
        tracing::warn!("started with a sign-in link that no running app waits for");
        notices::add_for(
            app,
            WindowLabel::numbered(1).as_str(),
            "Axolop CRM was opened with a sign-in link, but the sign-in it belongs to was started before the app last closed. Start the sign-in again.".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        std::iter::once("axolop-desktop")
            .chain(list.iter().copied())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_launch_asks_for_a_window_a_link_or_nothing_the_app_takes() {
        assert_eq!(Asked::of(&args(&[])), Asked::Window);
        assert_eq!(Asked::of(&[]), Asked::Window, "not even a program name");
        let link = "axolop://auth/callback?state=s&code=c";
        assert_eq!(Asked::of(&args(&[link])), Asked::Link(link.into()));
        assert_eq!(
            Asked::of(&args(&["AXOLOP://auth/callback"])),
            Asked::Link("AXOLOP://auth/callback".into()),
            "schemes are case-insensitive; the callback reader decides the rest"
        );
        for unknown in [
            args(&["https://example.com"]),
            args(&["axolop"]),
            args(&["axolopx://auth/callback"]),
            args(&["--new-window"]),
            args(&[link, link]),
            args(&[""]),
        ] {
            assert_eq!(Asked::of(&unknown), Asked::Unknown, "{unknown:?}");
        }
    }
}
