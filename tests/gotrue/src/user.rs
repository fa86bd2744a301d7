//! Registered users: who may sign in, and how a user looks on the wire.
//!
//! Emails are unique and compared case-insensitively, as GoTrue lowercases
//! them. Every user is confirmed from the moment it is added. Time comes in
//! as an argument; nothing here reads the clock.

use std::collections::HashMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
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

/// One registered user.
#[derive(Debug)]
struct User {
    id: UserId,
    email: String,
    password: String,
    created_at: SystemTime,
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
        let key = email.to_lowercase();
        assert!(
            !self.by_email.contains_key(&key),
            "a user with email {email} was already added"
        );
        let id = UserId::random();
        self.by_email.insert(key.clone(), id.clone());
        let user = User {
            id: id.clone(),
            email: key,
            password: password.to_owned(),
            created_at: now,
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
            .filter(|user| user.password == password)
            .ok_or(AuthError::InvalidCredentials)?;
        user.last_sign_in_at = Some(now);
        Ok(user.id.clone())
    }

    /// The user as GoTrue sends it in sessions and from `/user`.
    ///
    /// # Panics
    ///
    /// If `id` was not issued by this directory; users are never removed.
    pub(crate) fn json(&self, id: &UserId) -> Value {
        let user = &self.users[id];
        let created = rfc3339(user.created_at);
        json!({
            "id": user.id.as_str(),
            "aud": "authenticated",
            "role": "authenticated",
            "email": user.email,
            "email_confirmed_at": created,
            "phone": "",
            "confirmed_at": created,
            "last_sign_in_at": user.last_sign_in_at.map(rfc3339),
            "app_metadata": { "provider": "email", "providers": ["email"] },
            "user_metadata": {},
            "identities": [],
            "created_at": created,
            "updated_at": rfc3339(user.last_sign_in_at.unwrap_or(user.created_at)),
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
}
