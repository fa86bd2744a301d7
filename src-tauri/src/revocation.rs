//! Ending a session on the server once it has ended here: after a
//! sign-out, a sign-in that replaced it, or a signed-out session still
//! found in the keyring at start.
//!
//! Signed out here must mean signed out: a session left alive on the
//! server keeps a refresh token that works. With an access token the
//! server is told at once; without one (the session was being restored,
//! or was offline) or with one that has run out, the refresh token first
//! buys one. When the server cannot be reached, the revocation is retried
//! in the background with growing waits until it answers or the app quits.

use std::time::Duration;

use axolop_auth::{AuthClient, AuthError};
use axolop_coordinator::session::Revocation;

/// The first wait before a retry; each retry doubles it, up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_secs(5);
const RETRY_MAX: Duration = Duration::from_secs(300);

/// How one attempt went.
#[derive(Debug)]
enum Attempt {
    /// The server ended the session, or it was already over.
    Done,
    /// The server could not be reached: try again later with `left`.
    Later(Revocation),
}

/// Ends `revocation`'s session on the server, retrying in the background
/// while the server cannot be reached.
pub fn spawn(client: AuthClient, revocation: Revocation) {
    if !revocation.is_possible() {
        return;
    }
    tauri::async_runtime::spawn(async move { run(&client, revocation, RETRY_FIRST).await });
}

/// Ends `revocation`'s session, waiting `wait` (doubling) between
/// attempts that cannot reach the server.
pub async fn run(client: &AuthClient, mut revocation: Revocation, mut wait: Duration) {
    loop {
        match attempt(client, revocation).await {
            Attempt::Done => return,
            Attempt::Later(left) => {
                tracing::info!(
                    retry_in_s = wait.as_secs(),
                    "the server could not be told of the sign-out; retrying"
                );
                revocation = left;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(RETRY_MAX);
            }
        }
    }
}

/// One try: log out with the access token; if there is none or the server
/// refuses it, refresh and log out with the new one.
async fn attempt(client: &AuthClient, revocation: Revocation) -> Attempt {
    let Revocation {
        access,
        refresh_token,
    } = revocation;
    if let Some(access) = &access {
        match client.sign_out(access).await {
            Ok(()) => return done("the server ended the session"),
            Err(AuthError::Unavailable { .. }) => {
                return Attempt::Later(Revocation {
                    access: Some(access.clone()),
                    refresh_token,
                })
            }
            // Run out or refused: the refresh token may still end it.
            Err(error) => tracing::debug!(%error, "logging out with the access token failed"),
        }
    }
    let Some(refresh_token) = refresh_token else {
        return done("no refresh token left to end the session with");
    };
    let grant = match client.refresh(&refresh_token).await {
        Ok(grant) => grant,
        Err(AuthError::Unavailable { .. }) => {
            return Attempt::Later(Revocation {
                access: None,
                refresh_token: Some(refresh_token),
            })
        }
        // Revoked, reused or unknown: the session is already over.
        Err(AuthError::Rejected(_)) => return done("the session was already over"),
        Err(error) => {
            tracing::warn!(%error, "the session could not be ended on the server");
            return Attempt::Done;
        }
    };
    match client.sign_out(&grant.access_token).await {
        Ok(()) => done("the server ended the session"),
        // The refresh spent the old token: keep the new pair for the retry.
        Err(AuthError::Unavailable { .. }) => Attempt::Later(Revocation {
            access: Some(grant.access_token),
            refresh_token: Some(grant.refresh_token),
        }),
        Err(error) => {
            tracing::warn!(%error, "the session could not be ended on the server");
            Attempt::Done
        }
    }
}

fn done(what: &'static str) -> Attempt {
    tracing::info!("{what}");
    Attempt::Done
}
