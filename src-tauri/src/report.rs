//! The diagnostic report: one `.zip` a user can send to support, saved in
//! the Downloads folder from the diagnostics window.
//!
//! It holds the coordination as the diagnostics window shows it, the last
//! self-test, versions, the settings and the recent logs. Never a token,
//! a password, an email or contact data: the session's user is left out,
//! the agency is named by id only, the anon key is only said to be set,
//! and every log line is scrubbed of anything shaped like an email
//! address or a token before it goes in (the logs hold neither by design;
//! the scrub is a second wall).

use std::io::{Cursor, Read, Seek, Write};
use std::path::Path;

use tauri::{AppHandle, Manager, Runtime};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

use crate::checks::LastReport;
use crate::diagnostics;
use crate::error::{Error, Result};
use crate::files;
use crate::logging;
use crate::paths::Paths;
use crate::settings::Settings;

/// The most of each log file that goes in (its end, the recent part).
const LOG_TAIL_BYTES: u64 = 2 * 1024 * 1024;

const README: &str = "Axolop CRM diagnostic report\n\
\n\
diagnostics.json  the coordination when the report was made: windows, elections,\n\
                  locks, the session's refresh schedule (no user), agency (id only)\n\
self-test.json    the last self-test of this run, if one ran\n\
versions.json     app, Tauri, webview and operating system\n\
settings.json     the settings, with the anon key removed\n\
logs/             the recent logs, scrubbed of email addresses and tokens\n\
\n\
It holds no password, token, email address or contact.\n";

/// Builds the report and saves it in the Downloads folder (the data
/// directory when there is none), whole or not at all; answers its path.
pub fn save<R: Runtime>(app: &AppHandle<R>) -> Result<String> {
    let bytes = build(app)?;
    let name = format!("axolop-report-{}.zip", crate::timing::unix_ms());
    let path = files::save_for_user(app, &name, &bytes)?;
    tracing::info!("diagnostic report saved");
    Ok(path)
}

/// The report's bytes.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<u8>> {
    let mut view = serde_json::to_value(diagnostics::view(app)?).map_err(json_error)?;
    redact(&mut view);
    let self_test = app
        .try_state::<LastReport>()
        .and_then(|last| last.get())
        .map_or(
            serde_json::json!({ "note": "no self-test ran in this run of the app" }),
            |report| serde_json::to_value(report).unwrap_or_default(),
        );
    let paths = app.try_state::<Paths>();
    let settings = paths
        .as_ref()
        .map(|paths| Settings::load().for_report(&paths.config))
        .unwrap_or_default();

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut add = |name: &str, bytes: &[u8]| -> Result<()> {
        zip.start_file(name, SimpleFileOptions::default())
            .map_err(zip_error)?;
        zip.write_all(bytes).map_err(|source| Error::Io {
            context: "the report could not be built".into(),
            source,
        })
    };
    add("README.txt", README.as_bytes())?;
    add("diagnostics.json", &pretty(&view)?)?;
    add("self-test.json", &pretty(&self_test)?)?;
    add(
        "versions.json",
        &pretty(&serde_json::to_value(diagnostics::AppFacts::here()).map_err(json_error)?)?,
    )?;
    add("settings.json", &pretty(&settings)?)?;
    if let Some(paths) = paths {
        for (name, text) in logs(&paths.logs) {
            add(&format!("logs/{name}"), scrub(&text).as_bytes())?;
        }
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

/// Takes what could name a person out of the diagnostics view.
fn redact(view: &mut serde_json::Value) {
    let coordination = &mut view["coordination"];
    if let Some(session) = coordination["session"].as_object_mut() {
        session.remove("user");
    }
    if let Some(selected) = coordination["agency"]["selected"].as_object_mut() {
        selected.remove("name");
    }
    if let Some(sync) = coordination["sync"].as_object_mut() {
        // A server's message may quote a row.
        sync.remove("problem");
    }
}

/// The end of each log file, newest first.
fn logs(dir: &Path) -> Vec<(String, String)> {
    let rotated = (1..=logging::KEPT_FILES).map(|n| format!("{}.{n}", logging::FILE_NAME));
    std::iter::once(logging::FILE_NAME.to_owned())
        .chain(rotated)
        .filter_map(|name| tail(&dir.join(&name)).map(|text| (name, text)))
        .collect()
}

/// The last [`LOG_TAIL_BYTES`] of `path`, from a line start.
fn tail(path: &Path) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let length = file.metadata().ok()?.len();
    let skipped = length.saturating_sub(LOG_TAIL_BYTES);
    file.seek(std::io::SeekFrom::Start(skipped)).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Some(match (skipped > 0, text.find('\n')) {
        (true, Some(first_break)) => text[first_break + 1..].to_owned(),
        _ => text,
    })
}

/// `text` with every word shaped like an email address or a token
/// replaced.
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(&scrub_word(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '(' | ')' | '<' | '>' | '=') {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn scrub_word(word: &str) -> std::borrow::Cow<'_, str> {
    let email = word
        .split_once('@')
        .is_some_and(|(name, domain)| !name.is_empty() && domain.contains('.'));
    // A JWT (three base64url parts), or any long unbroken run of
    // token-like characters (refresh tokens, keys).
    let token_like = |part: &str| {
        part.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/'))
    };
    let jwt = {
        let parts: Vec<_> = word.split('.').collect();
        parts.len() == 3 && parts.iter().all(|p| p.len() >= 8 && token_like(p))
    };
    let long_secret = word.split('.').any(|part| {
        part.len() >= 24
            && token_like(part)
            && part.chars().any(|c| c.is_ascii_digit())
            && part.chars().any(|c| c.is_ascii_alphabetic())
    });
    if email {
        "[email removed]".into()
    } else if jwt || long_secret {
        "[token removed]".into()
    } else {
        word.into()
    }
}

fn pretty(value: &serde_json::Value) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(json_error)
}

fn json_error(error: serde_json::Error) -> Error {
    Error::Io {
        context: "the report could not be built".into(),
        source: std::io::Error::other(error),
    }
}

fn zip_error(error: zip::result::ZipError) -> Error {
    Error::Io {
        context: "the report could not be built".into(),
        source: std::io::Error::other(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_tokens_are_scrubbed_and_the_rest_kept() {
        let line = "2026-11-30T15:00:00Z INFO signed in user=4f1c2a9e-1234 email=ada@example.com \
                    token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U \
                    refresh=v1.Mz3k9qXw8Tn2Lp5Rv7Yb4Hc6Jd1Fg0Ks (window=crm-1) lock \"axolop.self-test.fifo\"";
        let scrubbed = scrub(line);
        assert!(!scrubbed.contains("ada@example.com"), "{scrubbed}");
        assert!(!scrubbed.contains("eyJhbGci"), "{scrubbed}");
        assert!(
            !scrubbed.contains("Mz3k9qXw8Tn2Lp5Rv7Yb4Hc6Jd1Fg0Ks"),
            "{scrubbed}"
        );
        for kept in [
            "2026-11-30T15:00:00Z",
            "signed in",
            "crm-1",
            "axolop.self-test.fifo",
            "4f1c2a9e-1234",
        ] {
            assert!(scrubbed.contains(kept), "{kept} in {scrubbed}");
        }
    }

    #[test]
    fn the_view_loses_the_user_the_agency_name_and_server_messages() {
        let mut view = serde_json::json!({
            "coordination": {
                "session": { "status": "signed-in", "user": { "id": "u1", "email": "ada@example.com" } },
                "agency": { "selected": { "id": "a1", "name": "Lovelace Realty" }, "version": 3 },
                "sync": { "state": "offline", "problem": "row ada@example.com refused" }
            }
        });
        redact(&mut view);
        let text = view.to_string();
        assert!(
            !text.contains("ada@example.com") && !text.contains("Lovelace"),
            "{text}"
        );
        assert!(
            text.contains("\"a1\"") && text.contains("signed-in"),
            "{text}"
        );
    }

    #[test]
    fn a_log_tail_starts_at_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        let line = "x".repeat(99) + "\n";
        std::fs::write(&path, line.repeat(30_000)).unwrap();
        let tail = tail(&path).unwrap();
        assert!(tail.len() as u64 <= LOG_TAIL_BYTES);
        assert!(tail.starts_with('x') && tail.lines().all(|l| l.len() == 99));
    }
}
