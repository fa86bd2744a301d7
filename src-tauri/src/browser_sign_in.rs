//! Signing in through the system browser or an email: an external
//! provider, a magic link or its one-time code, and a password reset, all
//! through PKCE and the `axolop://auth/callback` link.
//!
//! The verifier and `state` of the one flow waiting live here, in this
//! process's memory only ([`Flows`]); windows see only the step it is at
//! (the coordinator's [`BrowserSignIn`]), which this module keeps in step
//! with it. A callback comes back from the operating system ([`crate::launch`])
//! and is accepted once; every refusal leaves the app as it was and is
//! told to the user by the primary window (`link-refused`).
//!
//! A password reset signs in only once the new password is set: the
//! session its link grants waits here, never in the keyring, and is ended
//! on the server if the user cancels.

use std::time::Instant;

use axolop_auth::callback::{self, Callback};
use axolop_auth::flow::{FlowKind, Flows, Refusal};
use axolop_coordinator::session::{BrowserSignIn, Grant, Revocation, SessionSummary};
use parking_lot::Mutex;
use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime, Url};

use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::{links, revocation, session, windows};

/// The flow waiting for its callback, the session a followed reset link
/// granted, and the providers the project offers; managed in Supabase
/// mode only.
#[derive(Default)]
pub struct Pending {
    flows: Mutex<Flows>,
    /// The reset link's session and when it was asked for, until the new
    /// password is set.
    recovery: Mutex<Option<(Grant, Instant)>>,
    providers: Mutex<Option<Vec<String>>>,
}

/// The external providers the project offers, read from its public
/// settings once and kept for the run (a failure is not kept).
pub async fn providers<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<String>> {
    if let Some(known) = pending(app)?.providers.lock().clone() {
        return Ok(known);
    }
    let listed = session::client(app)?.providers().await?;
    *pending(app)?.providers.lock() = Some(listed.clone());
    Ok(listed)
}

/// Starts signing in with `provider` in the system browser.
pub async fn start_provider<R: Runtime>(app: &AppHandle<R>, provider: String) -> Result<()> {
    if !providers(app).await?.contains(&provider) {
        return Err(invalid(format!(
            "this project does not offer signing in with {provider:?}"
        )));
    }
    let client = session::client(app)?;
    let step = BrowserSignIn::Provider {
        provider: provider.clone(),
    };
    let address = start(app, FlowKind::Provider(provider.clone()), step, |flow| {
        client.authorize_url(
            &provider,
            &callback::redirect_for(flow.state()),
            flow.pkce().challenge(),
        )
    })?;
    let url = Url::parse(&address).map_err(|error| Error::Io {
        context: "the sign-in address could not be made".into(),
        source: std::io::Error::other(error.to_string()),
    })?;
    if let Err(error) = links::open(app, url).await {
        // Nothing will come back: the dialog goes back to its choices.
        end(app);
        return Err(error);
    }
    tracing::info!(%provider, "browser sign-in started");
    Ok(())
}

/// Emails `email` a sign-in link and a one-time code.
pub async fn send_link<R: Runtime>(app: &AppHandle<R>, email: String) -> Result<()> {
    let client = session::client(app)?;
    let step = BrowserSignIn::EmailLink {
        email: email.clone(),
    };
    let (redirect, challenge) = start(app, FlowKind::MagicLink, step, |flow| {
        let redirect = callback::redirect_for(flow.state());
        (redirect, flow.pkce().challenge().to_owned())
    })?;
    if let Err(error) = client
        .send_sign_in_link(&email, &redirect, &challenge)
        .await
    {
        end(app);
        return Err(error.into());
    }
    tracing::info!("sign-in link emailed");
    Ok(())
}

/// Emails `email` a password-reset link.
pub async fn send_recovery<R: Runtime>(app: &AppHandle<R>, email: String) -> Result<()> {
    let client = session::client(app)?;
    let step = BrowserSignIn::Recovery {
        email: email.clone(),
    };
    let (redirect, challenge) = start(app, FlowKind::Recovery, step, |flow| {
        let redirect = callback::redirect_for(flow.state());
        (redirect, flow.pkce().challenge().to_owned())
    })?;
    if let Err(error) = client.send_recovery(&email, &redirect, &challenge).await {
        end(app);
        return Err(error.into());
    }
    tracing::info!("password-reset link emailed");
    Ok(())
}

/// Signs in with the one-time code from the sign-in email: the address is
/// the one the waiting link went to.
pub async fn sign_in_with_code<R: Runtime>(
    app: &AppHandle<R>,
    code: String,
) -> Result<SessionSummary> {
    let client = session::client(app)?;
    let email = app
        .state::<Hub>()
        .read(|coordinator| {
            coordinator
                .session()
                .browser()
                .and_then(BrowserSignIn::takes_code)
                .map(str::to_owned)
        })
        .ok_or_else(|| {
            not_waiting("no sign-in code was emailed: choose “Email me a sign-in link” first")
        })?;
    let sent = Instant::now();
    let grant = client.verify_code(&email, &code).await?;
    session::sign_in_with(app, grant, sent).await
}

/// Sets the new password after a followed reset link, and signs in with
/// the session that link granted. A password the server refuses (too
/// weak) leaves the reset waiting, to try another.
pub async fn choose_password<R: Runtime>(
    app: &AppHandle<R>,
    password: SecretString,
) -> Result<SessionSummary> {
    let pending = pending(app)?;
    let (grant, sent) = pending.recovery.lock().clone().ok_or_else(|| {
        not_waiting("no password reset is under way: choose “Forgot password?” first")
    })?;
    session::client(app)?
        .set_password(&grant.access_token, &password)
        .await?;
    drop(password);
    tracing::info!("new password set after a reset");
    // Taken out before signing in, which ends what still waits.
    if pending.recovery.lock().take().is_none() {
        return Err(not_waiting(
            "the password reset was cancelled meanwhile; the new password is set: sign in with it",
        ));
    }
    session::sign_in_with(app, grant, sent).await
}

/// Cancels the browser or email sign-in under way, if any; a reset
/// link's session is ended on the server.
pub fn cancel<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    pending(app)?;
    end(app);
    Ok(())
}

/// Drops whatever waits, here and in every window, once someone signed in
/// (by any way) or the user cancelled.
pub fn forget<R: Runtime>(app: &AppHandle<R>) {
    let Some(pending) = app.try_state::<Pending>() else {
        return;
    };
    pending.flows.lock().cancel();
    let recovery = pending.recovery.lock().take();
    if let Some((grant, _)) = recovery {
        revoke(app, grant);
    }
}

/// A link the operating system handed over (`axolop:…`): a callback is
/// accepted once, for the flow waiting; anything else is refused and
/// changes nothing. The primary window comes forward either way: the
/// user was in the browser.
pub fn link_opened<R: Runtime>(app: &AppHandle<R>, link: String) {
    let _ = windows::focus_primary(app);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(message) = follow(&app, &link).await {
            tracing::warn!(%message, "a sign-in link was refused");
            refuse(&app, message);
        }
    });
}

/// Tells the user, through the primary, why a link was refused.
pub fn refuse<R: Runtime>(app: &AppHandle<R>, message: String) {
    let _ = app.state::<Hub>().transact(|coordinator, _| {
        coordinator.link_refused(message);
        Ok(())
    });
}

/// Follows `link`; the message says why it was refused.
async fn follow<R: Runtime>(app: &AppHandle<R>, link: &str) -> Result<(), String> {
    let callback = callback::parse(link).map_err(|error| sentence(&error.to_string()))?;
    let Ok(pending) = pending(app) else {
        return Err(
            "This copy of Axolop CRM runs in local mode: there is no account to sign in to.".into(),
        );
    };
    let accepted = pending.flows.lock().accept(&callback, Instant::now());
    let flow = match accepted {
        Ok(flow) => flow,
        Err(refusal) => {
            if refusal == Refusal::Expired {
                end(app);
            }
            return Err(sentence(&refusal.to_string()));
        }
    };
    let code = match callback {
        Callback::Code { code, .. } => code,
        Callback::Refused { description, .. } => {
            end(app);
            return Err(format!("The sign-in was refused: {description}"));
        }
    };
    let sent = Instant::now();
    let client = session::client(app).map_err(|error| error.to_string())?;
    let grant = match client.exchange_code(&code, flow.pkce().verifier()).await {
        Ok(grant) => grant,
        Err(error) => {
            end(app);
            return Err(format!("The sign-in link could not be used: {error}."));
        }
    };
    if flow.kind == FlowKind::Recovery {
        let email = grant.user.email.clone();
        *pending.recovery.lock() = Some((grant, sent));
        if let Err(error) = set_step(app, Some(BrowserSignIn::NewPassword { email })) {
            // Signed in some other way meanwhile: the reset is not wanted.
            forget(app);
            return Err(sentence(&error.to_string()));
        }
        tracing::info!("password-reset link followed: choosing a new password");
        return Ok(());
    }
    session::sign_in_with(app, grant, sent)
        .await
        .map(drop)
        .map_err(|error| format!("The sign-in could not be finished: {error}."))
}

/// Starts a flow of `kind` at `step` (replacing any that waits) and makes
/// what it needs from it while its secrets are at hand. Refused, with
/// nothing changed, unless nobody is signed in.
fn start<R: Runtime, T>(
    app: &AppHandle<R>,
    kind: FlowKind,
    step: BrowserSignIn,
    make: impl FnOnce(&axolop_auth::flow::Flow) -> T,
) -> Result<T> {
    let pending = pending(app)?;
    // The coordinator first: it refuses if someone is signed in.
    set_step(app, Some(step))?;
    let mut flows = pending.flows.lock();
    let flow = match flows.start(kind, Instant::now()) {
        Ok(flow) => flow,
        Err(error) => {
            drop(flows);
            end(app);
            return Err(error.into());
        }
    };
    let made = make(flow);
    drop(flows);
    // A reset link's session from before is no longer wanted.
    let recovery = pending.recovery.lock().take();
    if let Some((grant, _)) = recovery {
        revoke(app, grant);
    }
    Ok(made)
}

/// Ends whatever waits: the flow, a reset link's session, and the step
/// every window shows.
fn end<R: Runtime>(app: &AppHandle<R>) {
    forget(app);
    // Signed in meanwhile, or local mode: there was no step to end.
    let _ = set_step(app, None);
}

fn revoke<R: Runtime>(app: &AppHandle<R>, grant: Grant) {
    if let Ok(client) = session::client(app) {
        revocation::spawn(
            client,
            Revocation {
                access: Some(grant.access_token),
                refresh_token: Some(grant.refresh_token),
            },
        );
    }
}

fn set_step<R: Runtime>(app: &AppHandle<R>, step: Option<BrowserSignIn>) -> Result<()> {
    app.state::<Hub>()
        .transact(|coordinator, _| coordinator.session_browser(step))
}

fn pending<R: Runtime>(app: &AppHandle<R>) -> Result<tauri::State<'_, Pending>> {
    app.try_state::<Pending>()
        .ok_or(Error::Coordinator(axolop_coordinator::Error::NotConfigured))
}

fn invalid(reason: String) -> Error {
    Error::Coordinator(axolop_coordinator::Error::InvalidArgument { reason })
}

fn not_waiting(reason: &str) -> Error {
    Error::Coordinator(axolop_coordinator::Error::NotWaiting {
        reason: reason.to_owned(),
    })
}

/// `text` as a sentence: capitalised, with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    let mut sentence = first.unwrap_or_default() + chars.as_str();
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    sentence
}
