//! Which Supabase project the app signs in to, if any.
//!
//! `AXOLOP_SUPABASE_URL` and `AXOLOP_SUPABASE_ANON_KEY` win; otherwise the
//! same two values from `settings.json` in the config directory
//! (`{"supabaseUrl": "…", "supabaseAnonKey": "…"}`). Neither means local
//! mode. Half a configuration (one value without the other) is an error that
//! names what is missing, never a silent fallback.

use std::path::Path;

use axolop_auth::AuthConfig;
use axolop_coordinator::health::HeartbeatTimeout;
use serde::Deserialize;

use crate::error::{Error, Result};

/// The project URL variable.
pub const URL_ENV: &str = "AXOLOP_SUPABASE_URL";
/// The anon key variable.
pub const KEY_ENV: &str = "AXOLOP_SUPABASE_ANON_KEY";
/// The secret store variable: `os` (default) or `memory` (tests only).
pub const STORE_ENV: &str = "AXOLOP_SECRET_STORE";
/// How long a window may be silent before it is unresponsive, in ms
/// (default 5000, 2000 to 300000).
pub const HEARTBEAT_TIMEOUT_ENV: &str = "AXOLOP_HEARTBEAT_TIMEOUT_MS";
/// The settings file in the config directory.
pub const FILE: &str = "settings.json";

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsFile {
    supabase_url: Option<String>,
    supabase_anon_key: Option<String>,
}

/// The Supabase project from the environment or the settings file in
/// `config_dir`; `None` for local mode.
pub fn supabase(config_dir: &Path) -> Result<Option<AuthConfig>> {
    from_sources(config_dir, |name| std::env::var(name).ok())
}

/// [`supabase`] with the environment passed in.
fn from_sources(
    config_dir: &Path,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<AuthConfig>> {
    let env = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let (url, key, source) = match (env(URL_ENV), env(KEY_ENV)) {
        (None, None) => {
            let file = read_file(&config_dir.join(FILE))?;
            (file.supabase_url, file.supabase_anon_key, FILE)
        }
        (url, key) => (url, key, "the environment"),
    };
    match (url, key) {
        (Some(url), Some(anon_key)) => Ok(Some(AuthConfig {
            url: url.trim().to_owned(),
            anon_key: anon_key.trim().to_owned(),
        })),
        (None, None) => Ok(None),
        (Some(_), None) => Err(half(source, "the anon key", KEY_ENV, "supabaseAnonKey")),
        (None, Some(_)) => Err(half(source, "the project URL", URL_ENV, "supabaseUrl")),
    }
}

fn read_file(path: &Path) -> Result<SettingsFile> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Settings {
            reason: format!("{} is not valid: {e}", path.display()),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(SettingsFile::default()),
        Err(source) => Err(Error::Io {
            context: format!("cannot read {}", path.display()),
            source,
        }),
    }
}

fn half(source: &str, missing: &str, variable: &str, field: &str) -> Error {
    Error::Settings {
        reason: format!(
            "Supabase is half configured in {source}: {missing} is missing \
             (set {variable}, or `{field}` in {FILE})"
        ),
    }
}

/// The heartbeat timeout set in the environment, if any.
pub fn heartbeat_timeout() -> Result<Option<HeartbeatTimeout>> {
    let Ok(text) = std::env::var(HEARTBEAT_TIMEOUT_ENV) else {
        return Ok(None);
    };
    let millis: u64 = text.trim().parse().map_err(|_| Error::Settings {
        reason: format!("{HEARTBEAT_TIMEOUT_ENV} must be a number of milliseconds, not {text:?}"),
    })?;
    HeartbeatTimeout::from_millis(millis)
        .map(Some)
        .map_err(|error| Error::Settings {
            reason: format!("{HEARTBEAT_TIMEOUT_ENV}: {error}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(contents: Option<&str>) -> tempdir::Dir {
        let dir = tempdir::Dir::new();
        if let Some(contents) = contents {
            std::fs::write(dir.path().join(FILE), contents).unwrap();
        }
        dir
    }

    /// A directory removed on drop (no test crate needed for this).
    mod tempdir {
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let path = std::env::temp_dir().join(format!(
                    "axolop-settings-{}-{}",
                    std::process::id(),
                    fastrand::u64(..)
                ));
                std::fs::create_dir_all(&path).unwrap();
                Self(path)
            }
            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn no_settings_at_all_means_local_mode() {
        assert_eq!(from_sources(dir_with(None).path(), no_env).unwrap(), None);
    }

    #[test]
    fn both_values_in_the_file_configure_supabase() {
        let dir = dir_with(Some(
            r#"{"supabaseUrl": "https://x.supabase.co/", "supabaseAnonKey": " k "}"#,
        ));
        assert_eq!(
            from_sources(dir.path(), no_env).unwrap(),
            Some(AuthConfig {
                url: "https://x.supabase.co/".into(),
                anon_key: "k".into()
            })
        );
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let dir = dir_with(Some(
            r#"{"supabaseUrl": "https://file", "supabaseAnonKey": "file"}"#,
        ));
        let env = |name: &str| {
            Some(
                if name == URL_ENV {
                    "http://env"
                } else {
                    "env-key"
                }
                .to_owned(),
            )
        };
        let config = from_sources(dir.path(), env).unwrap().unwrap();
        assert_eq!(
            (config.url.as_str(), config.anon_key.as_str()),
            ("http://env", "env-key")
        );
    }

    #[test]
    fn half_a_configuration_or_a_broken_file_is_an_error_that_says_what_is_wrong() {
        let half = from_sources(
            dir_with(Some(r#"{"supabaseUrl": "https://x"}"#)).path(),
            no_env,
        )
        .unwrap_err();
        assert!(half.to_string().contains("supabaseAnonKey"), "{half}");
        let url_only = |name: &str| (name == URL_ENV).then(|| "http://x".to_owned());
        let half_env = from_sources(dir_with(None).path(), url_only).unwrap_err();
        assert!(half_env.to_string().contains(KEY_ENV), "{half_env}");
        let broken = from_sources(dir_with(Some("{not json")).path(), no_env).unwrap_err();
        assert!(broken.to_string().contains("is not valid"), "{broken}");
    }
}
