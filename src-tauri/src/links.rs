//! Links a user clicks in a page: opened in the system browser (or mail
//! app), never in an app window.
//!
//! A CRM window navigates only within the app ([`crate::navigation`]), so
//! the page hands every outside link it is clicked on to the `link_open`
//! command. Only `http`, `https` and `mailto` links go out: a `file:` or
//! custom-scheme URL could start a local program.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime, Url};

use crate::error::{Error, Result};

/// The longest link opened, in bytes.
pub const URL_MAX: usize = 2048;

/// Opens one link somewhere outside the app.
type Open = dyn Fn(&Url) -> std::io::Result<()> + Send + Sync;

/// Where links go: the system browser in the app, a stand-in in tests.
#[derive(Clone)]
pub struct Browser(Arc<Open>);

impl Browser {
    /// The user's default browser (or mail app), through
    /// `tauri-plugin-opener`.
    pub fn system() -> Self {
        Self(Arc::new(|url: &Url| {
            tauri_plugin_opener::open_url(url.as_str(), None::<&str>)
                .map_err(|error| std::io::Error::other(error.to_string()))
        }))
    }

    /// Hands links to `program`, run with the link as its one argument
    /// (the end-to-end tests' stand-in browser).
    pub fn program(program: std::path::PathBuf) -> Self {
        Self(Arc::new(move |url: &Url| {
            let status = std::process::Command::new(&program)
                .arg(url.as_str())
                .status()?;
            if status.success() {
                Ok(())
            } else {
                Err(std::io::Error::other(format!(
                    "the browser ended with {status}"
                )))
            }
        }))
    }

    /// Hands links to `open` instead (tests).
    pub fn with(open: impl Fn(&Url) -> std::io::Result<()> + Send + Sync + 'static) -> Self {
        Self(Arc::new(open))
    }
}

/// The link `text`, if it may leave the app.
pub fn checked(text: &str) -> Result<Url> {
    let invalid = |reason: String| Error::InvalidArgument {
        command: "link_open",
        reason,
    };
    if text.len() > URL_MAX {
        return Err(invalid(format!("a link has at most {URL_MAX} bytes")));
    }
    let url = Url::parse(text).map_err(|error| invalid(format!("not a link: {error}")))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        "mailto" => Ok(url),
        scheme => Err(invalid(format!(
            "only http, https and mailto links open outside the app, not {scheme}:"
        ))),
    }
}

/// Opens `url` in the browser the app uses (off the async runtime: the
/// launcher may take a moment).
pub async fn open<R: Runtime>(app: &AppHandle<R>, url: Url) -> Result<()> {
    let browser = app
        .try_state::<Browser>()
        .map(|browser| browser.inner().clone())
        .ok_or_else(|| Error::Io {
            context: "no browser is set up to open links".into(),
            source: std::io::Error::from(std::io::ErrorKind::Unsupported),
        })?;
    let opened = tauri::async_runtime::spawn_blocking(move || (browser.0)(&url))
        .await
        .map_err(|error| std::io::Error::other(error.to_string()))
        .and_then(|opened| opened);
    opened.map_err(|source| Error::Io {
        context: "the link could not be opened in the browser".into(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_and_mail_links_go_out_and_nothing_else() {
        for link in [
            "https://axolop.com/pricing?plan=team#faq",
            "http://example.com",
            "mailto:ada@example.com",
        ] {
            assert_eq!(checked(link).unwrap().as_str().trim_end_matches('/'), link);
        }
        for link in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "tauri://localhost/index.html",
            "smb://server/share",
            "ms-settings:privacy",
            "https:",
            "no link at all",
            "",
        ] {
            assert!(checked(link).is_err(), "{link} must not leave the app");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
        assert!(checked(&long).is_err());
    }
}
