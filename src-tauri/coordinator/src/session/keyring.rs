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

/// What a sign-out leaves for the shell to do.
#[derive(Debug)]
pub struct SignedOut {
    /// The access token to tell the server with (best effort), if anyone
    /// was signed in.
    pub revoke: Option<SecretString>,
    /// Removes the stored session.
    pub keyring: KeyringWrite,
}
