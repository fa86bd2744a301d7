//! A sign-in that goes through the system browser or an email, as windows
//! see it: which step it is at and for whom, never its `state`, code or
//! verifier (those stay in the shell's memory).

use serde::Serialize;
use ts_rs::TS;

/// The step a browser or email sign-in is at, while nobody is signed in.
/// The primary's sign-in dialog follows it; the other windows keep their
/// waiting notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "step",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum BrowserSignIn {
    /// The system browser is signing in with an external provider.
    Provider {
        /// The provider's name in the auth server (`google`, `azure`, …).
        provider: String,
    },
    /// A sign-in link and a one-time code were emailed.
    EmailLink {
        /// Where they went.
        email: String,
    },
    /// A password-reset link was emailed.
    Recovery {
        /// Where it went.
        email: String,
    },
    /// The reset link was followed: the user chooses a new password, and
    /// is signed in once it is set.
    NewPassword {
        /// Whose password it is, when the server said.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        email: Option<String>,
    },
}
