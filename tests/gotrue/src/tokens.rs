//! Sessions, and the access and refresh tokens they issue.
//!
//! A session starts at sign-in and is the family of every refresh token
//! descended from it. Invariants:
//!
//! - A refresh token works once: the first presentation of a live session's
//!   token rotates it, issuing a new pair in the same session.
//! - Presenting a token a second time is a reuse: the session ends, so the
//!   newest token of the family and every access token of it stop working too.
//! - An ended session never comes back; its tokens answer `session_not_found`.
//! - An access token works until `issued + lifetime`, and the `expires_at` it
//!   is issued with (whole unix seconds, rounded down) is never later than that.
//!
//! Time comes in as an argument; nothing here reads the clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::AuthError;
use crate::jwt;
use crate::user::UserId;

/// Random characters after a token's prefix: about 238 bits, unguessable in tests.
const TOKEN_CHARS: usize = 40;

/// Position of a session in [`Sessions::sessions`].
type SessionIndex = usize;

/// A token pair just issued, with what the session body needs.
#[derive(Debug)]
pub(crate) struct Issued {
    pub(crate) user: UserId,
    pub(crate) access_token: String,
    pub(crate) refresh_token: String,
    /// The access token's lifetime in whole seconds.
    pub(crate) expires_in: u64,
    /// When the access token expires, in unix seconds rounded down.
    pub(crate) expires_at: u64,
}

/// The holder of a valid access token.
#[derive(Debug)]
pub(crate) struct Bearer {
    pub(crate) user: UserId,
    session: SessionIndex,
}

/// Which sessions a logout ends, as GoTrue's `scope` parameter says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogoutScope {
    /// Every session of the user (GoTrue's default).
    Global,
    /// Only the bearer's session.
    Local,
    /// Every session of the user except the bearer's.
    Others,
}

#[derive(Debug)]
struct Session {
    user: UserId,
    ended: bool,
}

#[derive(Debug)]
struct RefreshToken {
    session: SessionIndex,
    /// Times a refresh presented this token, accepted or not.
    uses: usize,
}

#[derive(Debug)]
struct AccessToken {
    session: SessionIndex,
    expires: SystemTime,
}

/// Every session and every token ever issued.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    sessions: Vec<Session>,
    /// Refresh tokens in the order they were issued.
    refresh_log: Vec<RefreshToken>,
    /// Position of each refresh token in `refresh_log`.
    refresh_by_token: HashMap<String, usize>,
    access_tokens: HashMap<String, AccessToken>,
    /// Access and refresh tokens in the order they were issued.
    issued: Vec<String>,
    refreshes: usize,
    reuses: usize,
}

impl Sessions {
    /// Starts a session for `user`, as a sign-in does, and issues its first pair.
    pub(crate) fn start(
        &mut self,
        user: UserId,
        now: SystemTime,
        lifetime: Duration,
        rng: &mut fastrand::Rng,
    ) -> Issued {
        self.sessions.push(Session { user, ended: false });
        self.issue(self.sessions.len() - 1, now, lifetime, rng)
    }

    /// Rotates `refresh_token`: a new pair in the same session, or a refusal.
    pub(crate) fn refresh(
        &mut self,
        refresh_token: &str,
        now: SystemTime,
        lifetime: Duration,
        rng: &mut fastrand::Rng,
    ) -> Result<Issued, AuthError> {
        let position = *self
            .refresh_by_token
            .get(refresh_token)
            .ok_or(AuthError::RefreshTokenNotFound)?;
        let token = &mut self.refresh_log[position];
        token.uses += 1;
        let reused = token.uses > 1;
        let session = token.session;
        if reused {
            self.reuses += 1;
        }
        if self.sessions[session].ended {
            return Err(AuthError::RefreshSessionEnded);
        }
        if reused {
            // Someone else holds the newer tokens; nobody can tell who is
            // legitimate, so the whole family goes, as Supabase does.
            self.sessions[session].ended = true;
            return Err(AuthError::RefreshTokenAlreadyUsed);
        }
        self.refreshes += 1;
        Ok(self.issue(session, now, lifetime, rng))
    }

    /// Who holds `access_token`, if it is known, unexpired at `now`, and its session live.
    pub(crate) fn authenticate(
        &self,
        access_token: &str,
        now: SystemTime,
    ) -> Result<Bearer, AuthError> {
        let token = self
            .access_tokens
            .get(access_token)
            .ok_or(AuthError::BadJwt {
                reason: "token is malformed",
            })?;
        if now >= token.expires {
            return Err(AuthError::BadJwt {
                reason: "token has invalid claims: token is expired",
            });
        }
        let session = &self.sessions[token.session];
        if session.ended {
            return Err(AuthError::SessionNotFound);
        }
        Ok(Bearer {
            user: session.user.clone(),
            session: token.session,
        })
    }

    /// Ends the sessions `scope` selects, relative to `bearer`'s.
    pub(crate) fn log_out(&mut self, bearer: &Bearer, scope: LogoutScope) {
        for (index, session) in self.sessions.iter_mut().enumerate() {
            let selected = match scope {
                LogoutScope::Global => session.user == bearer.user,
                LogoutScope::Local => index == bearer.session,
                LogoutScope::Others => session.user == bearer.user && index != bearer.session,
            };
            session.ended |= selected;
        }
    }

    /// Ends every session of `user`, as an admin does in the dashboard
    /// (or a password reset): their refresh tokens are refused from now on.
    pub(crate) fn end_sessions_of(&mut self, user: &UserId) {
        for session in &mut self.sessions {
            session.ended |= session.user == *user;
        }
    }

    /// Every access and refresh token issued, oldest first.
    pub(crate) fn issued_tokens(&self) -> &[String] {
        &self.issued
    }

    /// How often each refresh token was presented, in the order they were issued.
    pub(crate) fn refresh_uses(&self) -> Vec<usize> {
        self.refresh_log.iter().map(|token| token.uses).collect()
    }

    /// Refreshes that issued a new pair.
    pub(crate) fn refreshes(&self) -> usize {
        self.refreshes
    }

    /// Refresh attempts with a token presented before.
    pub(crate) fn reuses(&self) -> usize {
        self.reuses
    }

    fn issue(
        &mut self,
        session: SessionIndex,
        now: SystemTime,
        lifetime: Duration,
        rng: &mut fastrand::Rng,
    ) -> Issued {
        let expires = now + lifetime;
        let unix = |time: SystemTime| {
            time.duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs()
        };
        let claims = jwt::access_claims(
            &self.sessions[session].user.to_string(),
            &format!("session-{session}"),
            unix(now),
            unix(expires),
            &random_token("", rng),
        );
        let access_token = jwt::sign(&claims, jwt::JWT_SECRET);
        let refresh_token = random_token("rt-", rng);
        self.access_tokens
            .insert(access_token.clone(), AccessToken { session, expires });
        self.refresh_by_token
            .insert(refresh_token.clone(), self.refresh_log.len());
        self.refresh_log.push(RefreshToken { session, uses: 0 });
        self.issued.push(access_token.clone());
        self.issued.push(refresh_token.clone());
        Issued {
            user: self.sessions[session].user.clone(),
            access_token,
            refresh_token,
            expires_in: lifetime.as_secs(),
            expires_at: unix(expires),
        }
    }
}

fn random_token(prefix: &str, rng: &mut fastrand::Rng) -> String {
    let mut token = String::with_capacity(prefix.len() + TOKEN_CHARS);
    token.push_str(prefix);
    token.extend((0..TOKEN_CHARS).map(|_| rng.alphanumeric()));
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn t(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + seconds)
    }

    fn signed_in(sessions: &mut Sessions, rng: &mut fastrand::Rng, who: &str) -> Issued {
        sessions.start(UserId::for_tests(who), t(0), HOUR, rng)
    }

    #[test]
    fn a_refresh_rotates_to_a_new_pair_in_the_same_session() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(1));
        let first = signed_in(&mut sessions, &mut rng, "ada");

        let second = sessions
            .refresh(&first.refresh_token, t(10), HOUR, &mut rng)
            .expect("the first use rotates");

        assert_ne!(second.refresh_token, first.refresh_token);
        assert_ne!(second.access_token, first.access_token);
        assert_eq!(second.user, first.user);
        assert_eq!(sessions.refreshes(), 1);
        assert_eq!(sessions.refresh_uses(), [1, 0]);
    }

    #[test]
    fn reusing_a_refresh_token_ends_the_session_for_the_newest_token_too() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(2));
        let first = signed_in(&mut sessions, &mut rng, "ada");
        let second = sessions
            .refresh(&first.refresh_token, t(1), HOUR, &mut rng)
            .unwrap();

        let reuse = sessions.refresh(&first.refresh_token, t(2), HOUR, &mut rng);
        let newest = sessions.refresh(&second.refresh_token, t(3), HOUR, &mut rng);

        assert_eq!(reuse.unwrap_err(), AuthError::RefreshTokenAlreadyUsed);
        assert_eq!(newest.unwrap_err(), AuthError::RefreshSessionEnded);
        assert_eq!(
            sessions
                .authenticate(&second.access_token, t(3))
                .unwrap_err(),
            AuthError::SessionNotFound
        );
        assert_eq!(sessions.reuses(), 1);
        assert_eq!(sessions.refresh_uses(), [2, 1]);
    }

    #[test]
    fn presenting_a_used_token_of_an_ended_session_still_counts_as_a_reuse() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(3));
        let first = signed_in(&mut sessions, &mut rng, "ada");
        let second = sessions
            .refresh(&first.refresh_token, t(1), HOUR, &mut rng)
            .unwrap();
        let bearer = sessions.authenticate(&second.access_token, t(1)).unwrap();
        sessions.log_out(&bearer, LogoutScope::Local);

        let stale = sessions.refresh(&first.refresh_token, t(2), HOUR, &mut rng);

        assert_eq!(stale.unwrap_err(), AuthError::RefreshSessionEnded);
        assert_eq!(sessions.reuses(), 1);
    }

    #[test]
    fn an_unknown_refresh_token_is_not_found_and_not_counted() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(4));
        signed_in(&mut sessions, &mut rng, "ada");

        let unknown = sessions.refresh("rt-nobody", t(1), HOUR, &mut rng);

        assert_eq!(unknown.unwrap_err(), AuthError::RefreshTokenNotFound);
        assert_eq!(sessions.refresh_uses(), [0]);
    }

    #[test]
    fn an_access_token_works_until_its_lifetime_is_over() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(5));
        let issued = sessions.start(
            UserId::for_tests("ada"),
            t(0),
            Duration::from_secs(60),
            &mut rng,
        );

        assert!(sessions.authenticate(&issued.access_token, t(59)).is_ok());
        assert!(matches!(
            sessions.authenticate(&issued.access_token, t(60)),
            Err(AuthError::BadJwt { .. })
        ));
        assert_eq!(issued.expires_in, 60);
        assert_eq!(UNIX_EPOCH + Duration::from_secs(issued.expires_at), t(60));
    }

    #[test]
    fn expires_at_rounds_down_so_clients_never_think_a_token_outlives_the_server() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(6));
        let now = t(0) + Duration::from_millis(900);
        let issued = sessions.start(
            UserId::for_tests("ada"),
            now,
            Duration::from_secs(1),
            &mut rng,
        );

        assert_eq!(UNIX_EPOCH + Duration::from_secs(issued.expires_at), t(1));
    }

    #[test]
    fn global_logout_ends_every_session_of_the_user_and_no_one_elses() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(7));
        let laptop = signed_in(&mut sessions, &mut rng, "ada");
        let phone = signed_in(&mut sessions, &mut rng, "ada");
        let other = signed_in(&mut sessions, &mut rng, "bob");
        let bearer = sessions.authenticate(&laptop.access_token, t(1)).unwrap();

        sessions.log_out(&bearer, LogoutScope::Global);

        assert!(sessions.authenticate(&laptop.access_token, t(1)).is_err());
        assert!(sessions.authenticate(&phone.access_token, t(1)).is_err());
        assert!(sessions.authenticate(&other.access_token, t(1)).is_ok());
    }

    #[test]
    fn local_and_others_logout_split_the_users_sessions() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(8));
        let laptop = signed_in(&mut sessions, &mut rng, "ada");
        let phone = signed_in(&mut sessions, &mut rng, "ada");
        let bearer = sessions.authenticate(&laptop.access_token, t(1)).unwrap();

        sessions.log_out(&bearer, LogoutScope::Others);
        assert!(sessions.authenticate(&laptop.access_token, t(1)).is_ok());
        assert!(sessions.authenticate(&phone.access_token, t(1)).is_err());

        sessions.log_out(&bearer, LogoutScope::Local);
        assert!(sessions.authenticate(&laptop.access_token, t(1)).is_err());
    }

    #[test]
    fn access_tokens_are_signed_jwts_and_no_token_repeats() {
        let (mut sessions, mut rng) = (Sessions::default(), fastrand::Rng::with_seed(9));
        let issued = signed_in(&mut sessions, &mut rng, "ada");

        let claims =
            jwt::verify(&issued.access_token, jwt::JWT_SECRET, issued.expires_at - 1).unwrap();
        assert_eq!(claims["sub"], issued.user.to_string());
        assert!(issued.refresh_token.starts_with("rt-"));
        assert_eq!(issued.refresh_token.len(), 3 + TOKEN_CHARS);
        let mut all = sessions.issued_tokens().to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 2);
    }
}
