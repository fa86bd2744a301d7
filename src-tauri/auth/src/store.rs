//! Where the session waits between runs: the refresh token and the user, as
//! one secret in the OS keyring (the Secret Service on Linux, the Keychain
//! on macOS, the Credential Manager on Windows).
//!
//! Never a file: when no keyring is available the shell keeps the session
//! for this run only and says so. The in-memory store exists for tests
//! without a Secret Service (`AXOLOP_SECRET_STORE=memory`).
//!
//! Every call may block on D-Bus or the OS; callers run them off the async
//! runtime's worker threads.

use std::time::Duration;

use axolop_coordinator::session::{Grant, SessionUser};
use parking_lot::Mutex;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::AuthError;

/// The keyring service the session is filed under (the app identifier).
pub const SERVICE: &str = "com.axolop.crm.desktop";
/// The keyring account the session is filed under, before the project it
/// belongs to (see [`account_for`]).
pub const ACCOUNT: &str = "supabase-session";

/// The keyring account for the session with the project at `url`, in the
/// profile `profile` (a data directory other than the default): one entry
/// per project and profile, so switching either never restores a token
/// that belongs elsewhere.
pub fn account_for(url: &str, profile: Option<&str>) -> String {
    match profile {
        Some(profile) => format!("{ACCOUNT} {url} {profile}"),
        None => format!("{ACCOUNT} {url}"),
    }
}

/// Which store a [`SecretStore`] writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// The OS keyring.
    Os,
    /// Process memory: tests only; nothing outlives the run.
    Memory,
}

/// A session as kept between runs.
#[derive(Debug, Clone)]
pub struct StoredSession {
    /// Whose session it is.
    pub user: SessionUser,
    /// The refresh token to restore it with.
    pub refresh_token: SecretString,
}

impl StoredSession {
    /// What to keep of `grant`: its user and its refresh token.
    pub fn of(grant: &Grant) -> Self {
        Self {
            user: grant.user.clone(),
            refresh_token: grant.refresh_token.clone(),
        }
    }
}

/// The secret's layout inside the keyring entry.
#[derive(Serialize, Deserialize)]
struct Record {
    user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    refresh_token: String,
}

/// How a memory store misbehaves, for tests of what the app does with a
/// keyring that is slow (an unlock prompt nobody answers, a hung D-Bus)
/// or refuses writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryFaults {
    /// Every call takes this long.
    pub delay: Duration,
    /// Saving fails.
    pub fail_saves: bool,
    /// Removing fails.
    pub fail_clears: bool,
}

/// The store the session is kept in.
#[derive(Debug)]
pub struct SecretStore {
    kind: StoreKind,
    service: String,
    account: String,
    /// The secret, for [`StoreKind::Memory`].
    memory: Mutex<Option<SecretString>>,
    /// For [`StoreKind::Memory`].
    faults: Mutex<MemoryFaults>,
}

impl SecretStore {
    /// The OS keyring, under the app's service name.
    pub fn os() -> Self {
        Self::os_entry(SERVICE, ACCOUNT)
    }

    /// The OS keyring under another entry (tests use their own).
    pub fn os_entry(service: &str, account: &str) -> Self {
        Self {
            kind: StoreKind::Os,
            service: service.to_owned(),
            account: account.to_owned(),
            memory: Mutex::new(None),
            faults: Mutex::new(MemoryFaults::default()),
        }
    }

    /// Process memory only.
    pub fn memory() -> Self {
        Self {
            kind: StoreKind::Memory,
            ..Self::os()
        }
    }

    /// Process memory, misbehaving as `faults` say (tests only).
    pub fn memory_with(faults: MemoryFaults) -> Self {
        let store = Self::memory();
        store.set_faults(faults);
        store
    }

    /// Makes a memory store misbehave from now on (tests only).
    pub fn set_faults(&self, faults: MemoryFaults) {
        *self.faults.lock() = faults;
    }

    /// The store `AXOLOP_SECRET_STORE` names: `os` (the default, under
    /// `account`) or `memory`.
    pub fn from_setting(setting: Option<&str>, account: &str) -> Result<Self, AuthError> {
        match setting.map(str::trim) {
            None | Some("") | Some("os") => Ok(Self::os_entry(SERVICE, account)),
            Some("memory") => Ok(Self::memory()),
            Some(other) => Err(AuthError::Config(format!(
                "AXOLOP_SECRET_STORE must be `os` or `memory`, not {other:?}"
            ))),
        }
    }

    /// Which store this is.
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// The stored session, if any.
    pub fn load(&self) -> Result<Option<StoredSession>, AuthError> {
        let Some(secret) = self.read()? else {
            return Ok(None);
        };
        let record: Record = serde_json::from_str(secret.expose_secret()).map_err(|e| {
            AuthError::Keyring(format!(
                "the stored session is not readable ({e}); sign in again"
            ))
        })?;
        Ok(Some(StoredSession {
            user: SessionUser {
                id: record.user_id,
                email: record.email,
            },
            refresh_token: SecretString::from(record.refresh_token),
        }))
    }

    /// Keeps `session`, replacing any stored one.
    pub fn save(&self, session: &StoredSession) -> Result<(), AuthError> {
        let record = Record {
            user_id: session.user.id.clone(),
            email: session.user.email.clone(),
            refresh_token: session.refresh_token.expose_secret().to_owned(),
        };
        let secret = SecretString::from(
            serde_json::to_string(&record).map_err(|e| AuthError::Keyring(e.to_string()))?,
        );
        match self.kind {
            StoreKind::Memory => {
                self.misbehave(|faults| faults.fail_saves)?;
                *self.memory.lock() = Some(secret);
                Ok(())
            }
            StoreKind::Os => self
                .entry()?
                .set_password(secret.expose_secret())
                .map_err(keyring_error),
        }
    }

    /// Forgets the stored session (nothing stored is fine).
    pub fn clear(&self) -> Result<(), AuthError> {
        match self.kind {
            StoreKind::Memory => {
                self.misbehave(|faults| faults.fail_clears)?;
                *self.memory.lock() = None;
                Ok(())
            }
            StoreKind::Os => match self.entry()?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(error) => Err(keyring_error(error)),
            },
        }
    }

    fn read(&self) -> Result<Option<SecretString>, AuthError> {
        match self.kind {
            StoreKind::Memory => {
                self.misbehave(|_| false)?;
                Ok(self.memory.lock().clone())
            }
            StoreKind::Os => match self.entry()?.get_password() {
                Ok(secret) => Ok(Some(SecretString::from(secret))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(error) => Err(keyring_error(error)),
            },
        }
    }

    /// A memory store's faults: its delay, then a failure if `fails`.
    fn misbehave(&self, fails: impl Fn(&MemoryFaults) -> bool) -> Result<(), AuthError> {
        let faults = *self.faults.lock();
        std::thread::sleep(faults.delay);
        if fails(&faults) {
            return Err(AuthError::Keyring(
                "the system keyring refused the request (a test fault)".into(),
            ));
        }
        Ok(())
    }

    fn entry(&self) -> Result<keyring::Entry, AuthError> {
        keyring::Entry::new(&self.service, &self.account).map_err(keyring_error)
    }
}

fn keyring_error(error: keyring::Error) -> AuthError {
    AuthError::Keyring(format!("the system keyring is not available ({error})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(token: &str) -> StoredSession {
        StoredSession {
            user: SessionUser {
                id: "u1".into(),
                email: Some("ada@example.com".into()),
            },
            refresh_token: SecretString::from(token.to_owned()),
        }
    }

    #[test]
    fn the_memory_store_keeps_replaces_and_forgets_a_session() {
        let store = SecretStore::memory();
        assert!(store.load().unwrap().is_none());
        store.save(&session("rt-1")).unwrap();
        store.save(&session("rt-2")).unwrap();
        let loaded = store.load().unwrap().unwrap();
        assert_eq!(loaded.refresh_token.expose_secret(), "rt-2");
        assert_eq!(loaded.user.email.as_deref(), Some("ada@example.com"));
        store.clear().unwrap();
        store.clear().unwrap();
        assert!(store.load().unwrap().is_none());
    }

    #[test]
    fn the_setting_picks_the_store_and_refuses_anything_else() {
        let account = account_for("https://x.supabase.co", None);
        let kind = |setting| SecretStore::from_setting(setting, &account).map(|s| s.kind());
        assert_eq!(kind(None).unwrap(), StoreKind::Os);
        assert_eq!(kind(Some("os")).unwrap(), StoreKind::Os);
        assert_eq!(kind(Some("memory")).unwrap(), StoreKind::Memory);
        assert!(kind(Some("file")).is_err());
    }

    #[test]
    fn each_project_and_profile_has_its_own_keyring_account() {
        let a = account_for("https://a.supabase.co", None);
        let b = account_for("https://b.supabase.co", None);
        let a_test = account_for("https://a.supabase.co", Some("/tmp/profile"));
        assert!(a != b && a != a_test && b != a_test);
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let store = SecretStore::memory();
        store.save(&session("rt-secret")).unwrap();
        let printed = format!("{store:?} {:?}", session("rt-secret"));
        assert!(!printed.contains("rt-secret"), "{printed}");
    }
}
