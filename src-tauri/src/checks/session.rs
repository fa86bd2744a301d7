//! The session check, run in the user's app: however many callers ask for
//! a token that has run out, exactly one refresh goes to the server.

use std::time::Instant;

use tauri::{AppHandle, Manager, Runtime};

use super::{result_of, CheckOutcome, CheckResult};
use crate::hub::Hub;
use crate::session::{self, SessionDriver};

const ID: &str = "session";
const TITLE: &str = "One refresh for many callers";
/// How many callers ask at once.
const CALLERS: usize = 20;

/// Runs the check, or skips it when nobody is signed in.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> CheckResult {
    let began = Instant::now();
    let signed_in = app.try_state::<SessionDriver>().is_some()
        && app.state::<Hub>().read(|c| {
            c.session().summary().status == axolop_coordinator::session::SessionStatus::SignedIn
        });
    if !signed_in {
        return CheckResult {
            id: ID.into(),
            title: TITLE.into(),
            outcome: CheckOutcome::Skipped,
            ms: 0,
            detail: "nobody is signed in to a Supabase project".into(),
        };
    }
    result_of(ID, TITLE, began, one_refresh(app).await)
}

async fn one_refresh<R: Runtime>(app: &AppHandle<R>) -> Result<String, String> {
    let refreshes = || {
        app.state::<Hub>()
            .read(|c| c.session().diagnostics(Instant::now()).refreshes)
    };
    let token = session::access_token(app)
        .await
        .map_err(|error| format!("no access token: {error}"))?;
    let before = refreshes();
    // The token counts as run out: every caller now waits for a refresh.
    session::token_rejected(app, &token);
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { session::access_token(&app).await })
        })
        .collect();
    let mut tokens = Vec::with_capacity(CALLERS);
    for caller in callers {
        let token = caller
            .await
            .map_err(|error| format!("a caller stopped: {error}"))?
            .map_err(|error| format!("a caller got no token: {error}"))?;
        tokens.push(token);
    }
    let after = refreshes();
    use secrecy::ExposeSecret;
    let same = tokens
        .windows(2)
        .all(|pair| pair[0].expose_secret() == pair[1].expose_secret());
    if after != before + 1 || !same {
        return Err(format!(
            "{} refreshes for {CALLERS} callers; {}",
            after - before,
            if same {
                "every caller got the same token"
            } else {
                "callers got different tokens"
            }
        ));
    }
    Ok(format!("{CALLERS} callers, 1 refresh, 1 new token"))
}
