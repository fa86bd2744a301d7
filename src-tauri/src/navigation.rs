//! Where a CRM window may go: only the app's own pages. A page that sets
//! `location` to another site, submits a form to one, or calls
//! `window.open` stays where it is, and nothing new opens: a trusted app
//! window, with its title and menus, never shows someone else's page.

use tauri::webview::NewWindowResponse;
use tauri::{Runtime, Url};

/// Whether `url` is one of the app's own pages: the custom protocol
/// (`tauri://localhost` on Linux and macOS, `http(s)://tauri.localhost` on
/// Windows).
pub fn is_app_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// The navigation handler of every CRM window: its own pages only.
pub fn allow(url: &Url) -> bool {
    let allowed = is_app_page(url);
    if !allowed {
        // The host only: a URL's path or query may carry anything.
        tracing::warn!(
            host = url.host_str().unwrap_or(""),
            scheme = url.scheme(),
            "a CRM window was kept from leaving the app"
        );
    }
    allowed
}

/// The new-window handler of every CRM window: none opens (new CRM windows
/// come from the coordinator, through `window_open`).
pub fn refuse_new_window<R: Runtime>(url: &Url) -> NewWindowResponse<R> {
    tracing::warn!(
        host = url.host_str().unwrap_or(""),
        "a CRM window asked to open another; refused"
    );
    NewWindowResponse::Deny
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_origin_is_a_page_of_the_app() {
        for own in [
            "tauri://localhost/index.html",
            "tauri://localhost/",
            "http://tauri.localhost/index.html",
            "https://tauri.localhost/",
        ] {
            assert!(is_app_page(&own.parse().unwrap()), "{own}");
        }
        for other in [
            "https://example.com/",
            "http://localhost:8080/",
            "tauri://example.com/",
            "https://tauri.localhost.example.com/",
            "file:///etc/passwd",
            "data:text/html,hi",
            "javascript:alert(1)",
        ] {
            assert!(!is_app_page(&other.parse().unwrap()), "{other}");
        }
    }
}
