//! What the OS keyring must hold after a session transition: the decision
//! is the coordinator's, the writing the shell's.
//!
//! Keyring calls are slow and run outside the coordinator, so by the time
//! a write is performed the session may have moved on (a sign-out while a
//! refreshed token was being saved, a new sign-in while the old one was
//! being removed). Each write names the session generation it was decided
//! for, and [`crate::Coordinator::keyring_write_current`] says at write
//! time whether it still stands: a stale or foreign token never lands in
//! the keyring, and a newer session is never erased.

use secrecy::SecretString;

use super::grant::SessionUser;

/// One write to the OS keyring, decided by a session transition.
#[derive(Debug, Clone)]
pub enum KeyringWrite {
    /// Keep `user`'s session (its refresh token) for the next run.
    Save {
        /// The session generation this session is.
        generation: u64,
        /// Whose session it is.
        user: SessionUser,
        /// The refresh token to restore it with.
        refresh_token: SecretString,
    },
    /// Remove the stored session: the session of that generation ended.
    Clear {
        /// The generation the session ended in.
        generation: u64,
    },
}

impl KeyringWrite {
    /// The session generation the write was decided for.
    pub fn generation(&self) -> u64 {
        match self {
            Self::Save { generation, .. } | Self::Clear { generation } => *generation,
        }
    }
}

/// What became of a refresh answer that carried new tokens.
#[derive(Debug)]
pub enum RefreshRecorded {
    /// The session runs on the new tokens; keep them.
    Applied(KeyringWrite),
    /// The session it was for ended or was replaced while the refresh was
    /// out: the server-side session it renewed must not linger, so revoke
    /// it with this access token.
    Discarded {
        /// The discarded grant's access token.
        revoke: SecretString,
    },
}

/// A server-side session that ended here and must end on the server too:
/// the shell logs out with the access token, or, when there is none (a
/// restore or an offline stretch) or it has run out, first refreshes with
/// the refresh token.
#[derive(Debug, Clone)]
pub struct Revocation {
    /// The session's access token, if it had one.
    pub access: Option<SecretString>,
    /// The session's refresh token, unless a refresh is spending it (that
    /// refresh's answer is discarded and revoked instead: see
    /// [`RefreshRecorded::Discarded`]).
    pub refresh_token: Option<SecretString>,
}

impl Revocation {
    /// Whether there is anything to revoke with.
    pub fn is_possible(&self) -> bool {
        self.access.is_some() || self.refresh_token.is_some()
    }
}

/// What a sign-out leaves for the shell to do.
#[derive(Debug)]
pub struct SignedOut {
    /// The server-side session to end, if anyone was signed in.
    pub revoke: Option<Revocation>,
    /// Removes the stored session.
    pub keyring: KeyringWrite,
}

/// What a sign-in leaves for the shell to do.
#[derive(Debug)]
pub struct SignedIn {
    /// Keeps the new session.
    pub keyring: KeyringWrite,
    /// The session it replaced, if someone was signed in.
    pub revoke: Option<Revocation>,
}
