//! Registered users: who may sign in, and how a user looks on the wire.
//!
//! Emails are unique and compared case-insensitively, as GoTrue lowercases
//! them. A user added by a test, or signed in through an OAuth provider
//! (whose email is verified), is confirmed from the start; one created by an
//! email sign-in is confirmed when its first link or code is used. Users
//! created by email or OAuth have no password until they set one. Time comes
//! in as an argument; nothing here reads the clock.

use std::collections::HashMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::error::AuthError;

/// A user's id: a random version-4 UUID in its usual text form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// A fresh random id.
    pub(crate) fn random() -> UserId {
        UserId(Uuid::new_v4().to_string())
    }

    /// A fixed id for unit tests that need no directory.
    #[cfg(test)]
    pub(crate) fn for_tests(name: &str) -> UserId {
        UserId(name.to_owned())
    }

    /// The id as sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// GoTrue's minimum password length (`GOTRUE_PASSWORD_MIN_LENGTH` default).
const MIN_PASSWORD_LENGTH: usize = 6;

/// One registered user.
#[derive(Debug)]
struct User {
    id: UserId,
    email: String,
    password: Option<String>,
    confirmed_at: Option<SystemTime>,
    /// How the user can sign in (`email`, `google`, …), first one first.
    providers: Vec<String>,
    user_metadata: Map<String, Value>,
    created_at: SystemTime,
    updated_at: SystemTime,
    last_sign_in_at: Option<SystemTime>,
}

/// Every registered user, by id and by lowercased email.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    users: HashMap<UserId, User>,
    by_email: HashMap<String, UserId>,
}

impl Directory {
    /// Registers a confirmed user.
    ///
    /// # Panics
    ///
    /// If a user with this email exists: a test that adds one twice has a bug.
    pub(crate) fn add(&mut self, email: &str, password: &str, now: SystemTime) -> UserId {
        assert!(
            self.id_of(email).is_none(),
            "a user with email {email} was already added"
        );
        let id = self.insert(email, "email", Some(now), now);
        self.user_mut(&id).password = Some(password.to_owned());
        id
    }

    /// The user an OAuth `provider` vouches for by `email`: the existing one,
    /// now able to use the provider too and confirmed, or a new confirmed one
    /// unless sign-ups are disabled.
    pub(crate) fn sign_in_external(
        &mut self,
        email: &str,
        provider: &str,
        signup_disabled: bool,
        now: SystemTime,
    ) -> Result<UserId, AuthError> {
        let Some(id) = self.id_of(email) else {
            if signup_disabled {
                return Err(AuthError::SignupDisabled);
            }
            return Ok(self.insert(email, provider, Some(now), now));
        };
        let user = self.user_mut(&id);
        if !user.providers.iter().any(|known| known == provider) {
            user.providers.push(provider.to_owned());
        }
        user.confirmed_at.get_or_insert(now);
        user.updated_at = now;
        Ok(id)
    }

    /// The user with this email, created unconfirmed and without a password
    /// if there is none, as an email sign-in signs a new address up.
    pub(crate) fn find_or_sign_up(
        &mut self,
        email: &str,
        signup_disabled: bool,
        now: SystemTime,
    ) -> Result<UserId, AuthError> {
        match self.id_of(email) {
            Some(id) => Ok(id),
            None if signup_disabled => Err(AuthError::SignupDisabled),
            None => Ok(self.insert(email, "email", None, now)),
        }
    }

    fn insert(
        &mut self,
        email: &str,
        provider: &str,
        confirmed_at: Option<SystemTime>,
        now: SystemTime,
    ) -> UserId {
        let key = email.to_lowercase();
        let id = UserId::random();
        self.by_email.insert(key.clone(), id.clone());
        let user = User {
            id: id.clone(),
            email: key,
            password: None,
            confirmed_at,
            providers: vec![provider.to_owned()],
            user_metadata: Map::new(),
            created_at: now,
            updated_at: now,
            last_sign_in_at: None,
        };
        self.users.insert(id.clone(), user);
        id
    }

    /// The id of the user with this email, if any.
    pub(crate) fn id_of(&self, email: &str) -> Option<UserId> {
        self.by_email.get(&email.to_lowercase()).cloned()
    }

    /// The user with this email and password, now signed in at `now`.
    pub(crate) fn sign_in(
        &mut self,
        email: &str,
        password: &str,
        now: SystemTime,
    ) -> Result<UserId, AuthError> {
        let user = self
            .by_email
            .get(&email.to_lowercase())
            .and_then(|id| self.users.get_mut(id))
            .filter(|user| user.password.as_deref() == Some(password))
            .ok_or(AuthError::InvalidCredentials)?;
        user.last_sign_in_at = Some(now);
        Ok(user.id.clone())
    }

    /// The lowercased address of `id`.
    pub(crate) fn email(&self, id: &UserId) -> &str {
        &self.users[id].email
    }

    /// Whether `id` has confirmed its address.
    pub(crate) fn is_confirmed(&self, id: &UserId) -> bool {
        self.users[id].confirmed_at.is_some()
    }

    /// Confirms `id`'s address, if it was not already.
    pub(crate) fn confirm(&mut self, id: &UserId, now: SystemTime) {
        let user = self.user_mut(id);
        if user.confirmed_at.is_none() {
            user.confirmed_at = Some(now);
            user.updated_at = now;
        }
    }

    /// Notes that `id` signed in at `now`, by any means.
    pub(crate) fn record_sign_in(&mut self, id: &UserId, now: SystemTime) {
        let user = self.user_mut(id);
        user.last_sign_in_at = Some(now);
        user.updated_at = now;
    }

    /// Sets `id`'s password, with GoTrue's strength and same-password checks.
    pub(crate) fn set_password(
        &mut self,
        id: &UserId,
        password: &str,
        now: SystemTime,
    ) -> Result<(), AuthError> {
        // GoTrue counts bytes.
        if password.len() < MIN_PASSWORD_LENGTH {
            return Err(AuthError::WeakPassword {
                min_length: MIN_PASSWORD_LENGTH,
            });
        }
        let user = self.user_mut(id);
        if user.password.as_deref() == Some(password) {
            return Err(AuthError::SamePassword);
        }
        user.password = Some(password.to_owned());
        user.updated_at = now;
        Ok(())
    }

    /// Merges `data` into `id`'s `user_metadata`; a `null` removes its key.
    pub(crate) fn update_metadata(
        &mut self,
        id: &UserId,
        data: &Map<String, Value>,
        now: SystemTime,
    ) {
        let user = self.user_mut(id);
        for (key, value) in data {
            if value.is_null() {
                user.user_metadata.remove(key);
            } else {
                user.user_metadata.insert(key.clone(), value.clone());
            }
        }
        user.updated_at = now;
    }

    /// # Panics
    ///
    /// If `id` was not issued by this directory; users are never removed.
    fn user_mut(&mut self, id: &UserId) -> &mut User {
        self.users
            .get_mut(id)
            .expect("ids come from this directory")
    }

    /// The user as GoTrue sends it in sessions and from `/user`.
    ///
    /// # Panics
    ///
    /// If `id` was not issued by this directory; users are never removed.
    pub(crate) fn json(&self, id: &UserId) -> Value {
        let user = &self.users[id];
        let confirmed = user.confirmed_at.map(rfc3339);
        json!({
            "id": user.id.as_str(),
            "aud": "authenticated",
            "role": "authenticated",
            "email": user.email,
            "email_confirmed_at": confirmed,
            "phone": "",
            "confirmed_at": confirmed,
            "last_sign_in_at": user.last_sign_in_at.map(rfc3339),
            "app_metadata": { "provider": user.providers[0], "providers": user.providers },
            "user_metadata": user.user_metadata,
            "identities": [],
            "created_at": rfc3339(user.created_at),
            "updated_at": rfc3339(user.updated_at),
            "is_anonymous": false,
        })
    }
}

/// `time` as an RFC 3339 UTC timestamp with microseconds, like GoTrue's.
fn rfc3339(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (year, month, day) = civil_date(seconds / 86_400);
    let of_day = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        since_epoch.subsec_micros(),
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01.
fn civil_date(days: u64) -> (u64, u64, u64) {
    // Count from 0000-03-01 so the leap day ends each 400-year era's years.
    let days = days + 719_468;
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        let leap_day = UNIX_EPOCH + Duration::from_micros(1_709_210_096_123_456);
        assert_eq!(rfc3339(leap_day), "2024-02-29T12:34:56.123456Z");
        let new_year = UNIX_EPOCH + Duration::from_secs(1_735_689_599);
        assert_eq!(rfc3339(new_year), "2024-12-31T23:59:59.000000Z");
    }

    #[test]
    fn user_ids_are_version_4_uuids() {
        let id = UserId::random();
        let groups: Vec<&str> = id.as_str().split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|group| group.len()).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
        assert!(groups[2].starts_with('4'));
        assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn sign_in_ignores_email_case_but_not_password_case() {
        let mut directory = Directory::default();
        let id = directory.add("Ada@Example.com", "Secret", UNIX_EPOCH);

        assert_eq!(
            directory.sign_in("ada@example.COM", "Secret", UNIX_EPOCH),
            Ok(id)
        );
        assert_eq!(
            directory.sign_in("ada@example.com", "secret", UNIX_EPOCH),
            Err(AuthError::InvalidCredentials)
        );
    }

    #[test]
    fn a_provider_signs_in_an_existing_user_and_creates_a_new_one() {
        let mut directory = Directory::default();
        let ada = directory.add("ada@example.com", "Secret", UNIX_EPOCH);

        let same = directory.sign_in_external("ADA@example.com", "google", false, UNIX_EPOCH);
        let new = directory.sign_in_external("bob@example.com", "github", false, UNIX_EPOCH);
        let refused = directory.sign_in_external("eve@example.com", "github", true, UNIX_EPOCH);

        assert_eq!(same, Ok(ada.clone()));
        assert_eq!(
            directory.json(&ada)["app_metadata"]["providers"],
            json!(["email", "google"])
        );
        let bob = new.unwrap();
        assert_eq!(directory.json(&bob)["app_metadata"]["provider"], "github");
        assert!(directory.is_confirmed(&bob));
        assert_eq!(refused, Err(AuthError::SignupDisabled));
    }

    #[test]
    fn an_email_sign_up_is_unconfirmed_and_cannot_use_a_password() {
        let mut directory = Directory::default();

        let id = directory
            .find_or_sign_up("new@example.com", false, UNIX_EPOCH)
            .unwrap();

        assert!(!directory.is_confirmed(&id));
        assert_eq!(directory.json(&id)["confirmed_at"], Value::Null);
        assert_eq!(
            directory.sign_in("new@example.com", "", UNIX_EPOCH),
            Err(AuthError::InvalidCredentials)
        );
    }

    #[test]
    fn a_new_password_must_be_long_enough_and_new() {
        let mut directory = Directory::default();
        let id = directory.add("ada@example.com", "Secret", UNIX_EPOCH);

        assert_eq!(
            directory.set_password(&id, "short", UNIX_EPOCH),
            Err(AuthError::WeakPassword { min_length: 6 })
        );
        assert_eq!(
            directory.set_password(&id, "Secret", UNIX_EPOCH),
            Err(AuthError::SamePassword)
        );
        assert_eq!(
            directory.set_password(&id, "Better secret", UNIX_EPOCH),
            Ok(())
        );
        assert!(directory
            .sign_in("ada@example.com", "Better secret", UNIX_EPOCH)
            .is_ok());
    }
}
