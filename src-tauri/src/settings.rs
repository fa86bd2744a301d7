//! The app's settings, read once at start: the environment, then the
//! settings file.
//!
//! [`Settings::load`] is the only place the environment is read, so every
//! part of the app sees the same values, and tests pass their own.
//!
//! Which Supabase project the app signs in to, if any:
//! `AXOLOP_SUPABASE_URL` and `AXOLOP_SUPABASE_ANON_KEY` win; otherwise the
//! same two values from `settings.json` in the config directory
//! (`{"supabaseUrl": "…", "supabaseAnonKey": "…"}`). Neither means local
//! mode. Half a configuration (one value without the other) is an error that
//! names what is missing, never a silent fallback.

use std::path::{Path, PathBuf};

use axolop_auth::AuthConfig;
use axolop_coordinator::health::HeartbeatTimeout;
use serde::Deserialize;

use crate::error::{Error, Result};

/// The data directory variable (tests isolate with it).
pub const DATA_DIR_ENV: &str = "AXOLOP_DATA_DIR";
/// The project URL variable.
pub const URL_ENV: &str = "AXOLOP_SUPABASE_URL";
/// The anon key variable.
pub const KEY_ENV: &str = "AXOLOP_SUPABASE_ANON_KEY";
/// The secret store variable: `os` (default) or `memory` (tests only).
pub const STORE_ENV: &str = "AXOLOP_SECRET_STORE";
/// How long a window may be silent before it is unresponsive, in ms
/// (default 5000, 2000 to 300000).
pub const HEARTBEAT_TIMEOUT_ENV: &str = "AXOLOP_HEARTBEAT_TIMEOUT_MS";
/// Where updates are looked for instead of the configured endpoint (a
/// mirror, or a test's server): an `https` URL of an update manifest (the
/// shipped build refuses plain `http`).
pub const UPDATE_ENDPOINT_ENV: &str = "AXOLOP_UPDATE_ENDPOINT";
/// The key updates must be signed with instead of the configured one:
/// honoured by debug builds only (the update test signs with its own key);
/// a shipped build trusts the key it was built with and nothing else.
pub const UPDATE_PUBKEY_ENV: &str = "AXOLOP_UPDATE_PUBKEY";
/// `off` turns update checks off (managed installs, tests).
pub const UPDATES_ENV: &str = "AXOLOP_UPDATES";
/// A program links are handed to instead of the system browser: honoured
/// by debug builds only (the end-to-end tests play the browser).
pub const BROWSER_ENV: &str = "AXOLOP_BROWSER";
/// The settings file in the config directory.
pub const FILE: &str = "settings.json";

/// What the environment says, as read at start. An empty variable counts
/// as unset.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    data_dir: Option<String>,
    supabase_url: Option<String>,
    supabase_anon_key: Option<String>,
    secret_store: Option<String>,
    heartbeat_timeout_ms: Option<String>,
    update_endpoint: Option<String>,
    update_pubkey: Option<String>,
    updates: Option<String>,
    browser: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsFile {
    supabase_url: Option<String>,
    supabase_anon_key: Option<String>,
}

impl Settings {
    /// Reads the environment, once.
    pub fn load() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings `lookup` gives for each variable.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        Self {
            data_dir: get(DATA_DIR_ENV),
            supabase_url: get(URL_ENV),
            supabase_anon_key: get(KEY_ENV),
            secret_store: get(STORE_ENV),
            heartbeat_timeout_ms: get(HEARTBEAT_TIMEOUT_ENV),
            update_endpoint: get(UPDATE_ENDPOINT_ENV),
            update_pubkey: get(UPDATE_PUBKEY_ENV).filter(|_| cfg!(debug_assertions)),
            updates: get(UPDATES_ENV),
            browser: get(BROWSER_ENV).filter(|_| cfg!(debug_assertions)),
        }
    }

    /// The data directory named by `AXOLOP_DATA_DIR`, if any (otherwise
    /// the OS default).
    pub fn data_dir(&self) -> Option<PathBuf> {
        self.data_dir.as_ref().map(PathBuf::from)
    }

    /// The profile the keyring entry is kept under: the data directory,
    /// when one is named, so two profiles never share a session.
    pub fn profile(&self) -> Option<&str> {
        self.data_dir.as_deref()
    }

    /// Where the session is kept (`os` or `memory`), if set.
    pub fn secret_store(&self) -> Option<&str> {
        self.secret_store.as_deref()
    }

    /// The Supabase project from the environment or the settings file in
    /// `config_dir`; `None` for local mode.
    pub fn supabase(&self, config_dir: &Path) -> Result<Option<AuthConfig>> {
        let (url, key, source) = match (&self.supabase_url, &self.supabase_anon_key) {
            (None, None) => {
                let file = read_file(&config_dir.join(FILE))?;
                (file.supabase_url, file.supabase_anon_key, FILE)
            }
            (url, key) => (url.clone(), key.clone(), "the environment"),
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

    /// The settings for a diagnostic report: every value but the anon key,
    /// which is only said to be set.
    pub fn for_report(&self, config_dir: &Path) -> serde_json::Value {
        let file = read_file(&config_dir.join(FILE)).unwrap_or_default();
        let url = self.supabase_url.clone().or(file.supabase_url);
        let key_set = self.supabase_anon_key.is_some() || file.supabase_anon_key.is_some();
        serde_json::json!({
            "dataDir": self.data_dir,
            "supabaseUrl": url,
            "supabaseAnonKey": key_set.then_some("(set; removed from the report)"),
            "secretStore": self.secret_store,
            "heartbeatTimeoutMs": self.heartbeat_timeout_ms,
        })
    }

    /// The heartbeat timeout set in the environment, if any.
    pub fn heartbeat_timeout(&self) -> Result<Option<HeartbeatTimeout>> {
        let Some(text) = &self.heartbeat_timeout_ms else {
            return Ok(None);
        };
        let millis: u64 = text.trim().parse().map_err(|_| Error::Settings {
            reason: format!(
                "{HEARTBEAT_TIMEOUT_ENV} must be a number of milliseconds, not {text:?}"
            ),
        })?;
        HeartbeatTimeout::from_millis(millis)
            .map(Some)
            .map_err(|error| Error::Settings {
                reason: format!("{HEARTBEAT_TIMEOUT_ENV}: {error}"),
            })
    }
}

impl Settings {
    /// Whether the app looks for updates (unless `AXOLOP_UPDATES=off`).
    pub fn updates_enabled(&self) -> bool {
        !self
            .updates
            .as_deref()
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("off"))
    }

    /// The update manifest named by `AXOLOP_UPDATE_ENDPOINT`, if any.
    pub fn update_endpoint(&self) -> Result<Option<tauri::Url>> {
        self.update_endpoint
            .as_deref()
            .map(|text| {
                tauri::Url::parse(text.trim()).map_err(|error| Error::Settings {
                    reason: format!("{UPDATE_ENDPOINT_ENV} must be a URL ({error}), not {text:?}"),
                })
            })
            .transpose()
    }

    /// The program named by `AXOLOP_BROWSER` (debug builds only).
    pub fn browser(&self) -> Option<PathBuf> {
        self.browser.as_ref().map(PathBuf::from)
    }

    /// The update key named by `AXOLOP_UPDATE_PUBKEY` (debug builds only).
    pub fn update_pubkey(&self) -> Option<&str> {
        self.update_pubkey.as_deref()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(contents: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix("axolop-settings-")
            .tempdir()
            .unwrap();
        if let Some(contents) = contents {
            std::fs::write(dir.path().join(FILE), contents).unwrap();
        }
        dir
    }

    fn no_env() -> Settings {
        Settings::from_lookup(|_| None)
    }

    fn env(pairs: &[(&str, &str)]) -> Settings {
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn update_checks_are_on_unless_turned_off_and_a_bad_endpoint_is_named() {
        assert!(no_env().updates_enabled());
        assert!(!env(&[(UPDATES_ENV, " OFF ")]).updates_enabled());
        assert!(env(&[(UPDATES_ENV, "on")]).updates_enabled());
        assert_eq!(no_env().update_endpoint().unwrap(), None);
        let mirror = env(&[(
            UPDATE_ENDPOINT_ENV,
            "https://updates.example.com/latest.json",
        )]);
        assert_eq!(
            mirror.update_endpoint().unwrap().unwrap().host_str(),
            Some("updates.example.com")
        );
        let error = env(&[(UPDATE_ENDPOINT_ENV, "not a url")])
            .update_endpoint()
            .unwrap_err();
        assert!(error.to_string().contains(UPDATE_ENDPOINT_ENV), "{error}");
        // This test runs in a debug build, which honours the test key.
        assert_eq!(
            env(&[(UPDATE_PUBKEY_ENV, "key")]).update_pubkey(),
            cfg!(debug_assertions).then_some("key")
        );
    }

    #[test]
    fn no_settings_at_all_means_local_mode() {
        assert_eq!(no_env().supabase(dir_with(None).path()).unwrap(), None);
    }

    #[test]
    fn both_values_in_the_file_configure_supabase() {
        let dir = dir_with(Some(
            r#"{"supabaseUrl": "https://x.supabase.co/", "supabaseAnonKey": " k "}"#,
        ));
        assert_eq!(
            no_env().supabase(dir.path()).unwrap(),
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
        let settings = env(&[(URL_ENV, "http://env"), (KEY_ENV, "env-key")]);
        let config = settings.supabase(dir.path()).unwrap().unwrap();
        assert_eq!(
            (config.url.as_str(), config.anon_key.as_str()),
            ("http://env", "env-key")
        );
    }

    #[test]
    fn half_a_configuration_or_a_broken_file_is_an_error_that_says_what_is_wrong() {
        let half = no_env()
            .supabase(dir_with(Some(r#"{"supabaseUrl": "https://x"}"#)).path())
            .unwrap_err();
        assert!(half.to_string().contains("supabaseAnonKey"), "{half}");
        let half_env = env(&[(URL_ENV, "http://x")])
            .supabase(dir_with(None).path())
            .unwrap_err();
        assert!(half_env.to_string().contains(KEY_ENV), "{half_env}");
        let broken = no_env()
            .supabase(dir_with(Some("{not json")).path())
            .unwrap_err();
        assert!(broken.to_string().contains("is not valid"), "{broken}");
    }

    #[test]
    fn empty_variables_count_as_unset() {
        let settings = env(&[(DATA_DIR_ENV, ""), (URL_ENV, " "), (KEY_ENV, "")]);
        assert_eq!(settings.data_dir(), None);
        assert_eq!(settings.supabase(dir_with(None).path()).unwrap(), None);
    }

    #[test]
    fn the_data_directory_names_the_keyring_profile() {
        let settings = env(&[(DATA_DIR_ENV, "/tmp/device-b")]);
        assert_eq!(settings.data_dir(), Some(PathBuf::from("/tmp/device-b")));
        assert_eq!(settings.profile(), Some("/tmp/device-b"));
        assert_eq!(no_env().profile(), None);
    }

    #[test]
    fn a_heartbeat_timeout_that_is_no_number_or_out_of_range_says_so() {
        assert!(no_env().heartbeat_timeout().unwrap().is_none());
        let set = env(&[(HEARTBEAT_TIMEOUT_ENV, "3000")]);
        assert_eq!(
            set.heartbeat_timeout()
                .unwrap()
                .map(|t| t.get().as_millis()),
            Some(3000)
        );
        let words = env(&[(HEARTBEAT_TIMEOUT_ENV, "soon")]).heartbeat_timeout();
        assert!(words.unwrap_err().to_string().contains("milliseconds"));
        assert!(env(&[(HEARTBEAT_TIMEOUT_ENV, "1")])
            .heartbeat_timeout()
            .is_err());
    }
}
