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
//! Each start, cancel or sign-in is a new *attempt*. An answer the server
//! gives after its attempt ended (the user cancelled, started again, or
//! signed in another way while a code was being exchanged) is not used:
//! its session is ended on the server and nothing changes here. The same
//! holds in the coordinator, which signs in from a step only while that
//! step is still the one every window shows.
//!
//! A password reset signs in only once the new password is set: the
//! session its link grants waits here, never in the keyring, and is ended
//! on the server if the user cancels.
//!
//! Lock order: [`Pending::waiting`], then the hub. No hub transaction
//! touches [`Pending`].

use std::time::Instant;

use axolop_auth::callback::{self, Callback};
use axolop_auth::flow::{Flow, FlowKind, Flows, Refusal};
use axolop_coordinator::session::{BrowserSignIn, Grant, SessionSummary};
use parking_lot::Mutex;
use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime, Url};

use crate::args::invalid;
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::{links, revocation, session, windows};

/// The flow waiting for its callback, the session a followed reset link
/// granted, and the providers the project offers; managed in Supabase
/// mode only.
#[derive(Default)]
pub struct Pending {
    waiting: Mutex<Waiting>,
    recovery: Mutex<Option<Recovery>>,
    providers: Mutex<Option<Vec<String>>>,
}

/// The flow waiting, and which attempt this is.
#[derive(Default)]
struct Waiting {
    flows: Flows,
    attempt: u64,
}

impl Pending {
    /// Ends a reset link's session that waits, if any, on the server.
    fn drop_recovery<R: Runtime>(&self, app: &AppHandle<R>) {
        let recovery = self.recovery.lock().take();
        if let Some(recovery) = recovery {
            revoke(app, recovery.grant);
        }
    }
}

impl Waiting {
    /// Ends the attempt under way (its flow, if any, is dropped).
    fn next(&mut self) {
        self.flows.cancel();
        self.attempt += 1;
    }
}

/// A followed reset link's session, until the new password is set.
struct Recovery {
    grant: Grant,
    /// When the session was asked for: its lifetime counts from then.
    sent: Instant,
    attempt: u64,
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
    let (address, attempt) = start(app, FlowKind::Provider(provider.clone()), step, |flow| {
        client.authorize_url(
            &provider,
            &callback::redirect_for(flow.state()),
            flow.pkce().challenge(),
        )
    })?;
    let opened = match Url::parse(&address) {
        Ok(url) => links::open(app, url).await,
        Err(error) => Err(Error::Io {
            context: "the sign-in address could not be made".into(),
            source: std::io::Error::other(error.to_string()),
        }),
    };
    if let Err(error) = opened {
        // Nothing will come back: the dialog goes back to its choices.
        end(app, Some(attempt));
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
    let ((redirect, challenge), attempt) = start(app, FlowKind::MagicLink, step, link_for)?;
    if let Err(error) = client
        .send_sign_in_link(&email, &redirect, &challenge)
        .await
    {
        end(app, Some(attempt));
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
    let ((redirect, challenge), attempt) = start(app, FlowKind::Recovery, step, link_for)?;
    if let Err(error) = client.send_recovery(&email, &redirect, &challenge).await {
        end(app, Some(attempt));
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
    let step = app
        .state::<Hub>()
        .read(|coordinator| coordinator.session().browser().cloned());
    let email = match &step {
        Some(BrowserSignIn::EmailLink { email }) => email.clone(),
        _ => {
            return Err(not_waiting(
                "no sign-in code was emailed: choose “Email me a sign-in link” first",
            ))
        }
    };
    let sent = Instant::now();
    let grant = client.verify_code(&email, &code).await?;
    session::sign_in_with(app, grant, sent, step.as_ref()).await
}

/// Sets the new password after a followed reset link, and signs in with
/// the session that link granted. A password the server refuses (too
/// weak) leaves the reset waiting, to try another.
pub async fn choose_password<R: Runtime>(
    app: &AppHandle<R>,
    password: SecretString,
) -> Result<SessionSummary> {
    let pending = pending(app)?;
    let (grant, sent, attempt) = {
        let recovery = pending.recovery.lock();
        let recovery = recovery.as_ref().ok_or_else(|| {
            not_waiting("no password reset is under way: choose “Forgot password?” first")
        })?;
        (recovery.grant.clone(), recovery.sent, recovery.attempt)
    };
    if sent.elapsed() >= grant.lifetime {
        end(app, Some(attempt));
        return Err(not_waiting(
            "the password reset took too long: choose “Forgot password?” again",
        ));
    }
    session::client(app)?
        .set_password(&grant.access_token, &password)
        .await?;
    drop(password);
    tracing::info!("new password set after a reset");
    // Taken out before signing in (which ends what still waits), unless
    // the reset was cancelled or replaced meanwhile.
    let taken = {
        let mut recovery = pending.recovery.lock();
        let current = recovery.as_ref().is_some_and(|r| r.attempt == attempt);
        current.then(|| recovery.take()).flatten()
    };
    if taken.is_none() {
        revoke(app, grant);
        return Err(not_waiting(
            "the password reset was cancelled meanwhile; the new password is set: sign in with it",
        ));
    }
    let step = BrowserSignIn::NewPassword {
        email: grant.user.email.clone(),
    };
    session::sign_in_with(app, grant, sent, Some(&step)).await
}

/// Cancels the browser or email sign-in under way, if any; a reset
/// link's session is ended on the server.
pub fn cancel<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    pending(app)?;
    end(app, None);
    Ok(())
}

/// Drops whatever waits here once someone signed in, by any way (the
/// sign-in itself cleared the step every window shows).
pub fn forget<R: Runtime>(app: &AppHandle<R>) {
    let Some(pending) = app.try_state::<Pending>() else {
        return;
    };
    pending.waiting.lock().next();
    pending.drop_recovery(app);
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
    let (flow, attempt, step) = {
        let mut waiting = pending.waiting.lock();
        let attempt = waiting.attempt;
        match waiting.flows.accept(&callback, Instant::now()) {
            Ok(flow) => {
                let step = app
                    .state::<Hub>()
                    .read(|coordinator| coordinator.session().browser().cloned());
                (flow, attempt, step)
            }
            Err(refusal) => {
                drop(waiting);
                if refusal == Refusal::Expired {
                    end(app, Some(attempt));
                }
                return Err(sentence(&refusal.to_string()));
            }
        }
    };
    let code = match callback {
        Callback::Code { code, .. } => code,
        Callback::Refused { description, .. } => {
            end(app, Some(attempt));
            return Err(sentence(&format!("the sign-in was refused: {description}")));
        }
    };
    let sent = Instant::now();
    let client = session::client(app).map_err(|error| sentence(&error.to_string()))?;
    let grant = match client.exchange_code(&code, flow.pkce().verifier()).await {
        Ok(grant) => grant,
        Err(error) => {
            end(app, Some(attempt));
            return Err(sentence(&format!(
                "the sign-in link could not be used: {error}"
            )));
        }
    };
    if flow.kind == FlowKind::Recovery {
        return await_new_password(app, grant, sent, attempt, step.as_ref())
            .map_err(|error| sentence(&error.to_string()));
    }
    // Cancelled and started again for the same step while the code was
    // out: the step matches, the attempt does not.
    if pending.waiting.lock().attempt != attempt {
        revoke(app, grant);
        return Err(sentence(&cancelled().to_string()));
    }
    session::sign_in_with(app, grant, sent, step.as_ref())
        .await
        .map(drop)
        .map_err(|error| sentence(&format!("the sign-in could not be finished: {error}")))
}

/// A followed reset link granted a session: it waits here, and every
/// window is told a new password is being chosen. Only while the reset's
/// attempt is still the one under way (its step unchanged).
fn await_new_password<R: Runtime>(
    app: &AppHandle<R>,
    grant: Grant,
    sent: Instant,
    attempt: u64,
    step: Option<&BrowserSignIn>,
) -> Result<()> {
    let pending = pending(app)?;
    let waiting = pending.waiting.lock();
    let next = BrowserSignIn::NewPassword {
        email: grant.user.email.clone(),
    };
    let advanced = app.state::<Hub>().transact(|coordinator, _| {
        let current = coordinator.session().browser();
        if waiting.attempt != attempt || step.is_none() || current != step {
            return Err(cancelled());
        }
        coordinator.session_browser(Some(next))
    });
    if let Err(error) = advanced {
        drop(waiting);
        revoke(app, grant);
        return Err(error);
    }
    let replaced = pending.recovery.lock().replace(Recovery {
        grant,
        sent,
        attempt,
    });
    drop(waiting);
    if let Some(old) = replaced {
        revoke(app, old.grant);
    }
    tracing::info!("password-reset link followed: choosing a new password");
    Ok(())
}

/// Starts a flow of `kind` at `step` (replacing any that waits) and makes
/// what it needs from it while its secrets are at hand; returns that and
/// the attempt. Refused, with nothing changed, unless nobody is signed in.
fn start<R: Runtime, T>(
    app: &AppHandle<R>,
    kind: FlowKind,
    step: BrowserSignIn,
    make: impl FnOnce(&Flow) -> T,
) -> Result<(T, u64)> {
    let pending = pending(app)?;
    let mut waiting = pending.waiting.lock();
    // The coordinator first: it refuses if someone is signed in.
    set_step(app, Some(step))?;
    waiting.next();
    let made = match waiting.flows.start(kind, Instant::now()) {
        Ok(flow) => make(flow),
        Err(error) => {
            let _ = set_step(app, None);
            return Err(error.into());
        }
    };
    let attempt = waiting.attempt;
    drop(waiting);
    // A reset link's session from before is no longer wanted.
    pending.drop_recovery(app);
    Ok((made, attempt))
}

/// Ends the attempt under way, if it is `attempt` (any, with `None`): the
/// flow, a reset link's session, and the step every window shows.
fn end<R: Runtime>(app: &AppHandle<R>, attempt: Option<u64>) {
    let Ok(pending) = pending(app) else {
        return;
    };
    let mut waiting = pending.waiting.lock();
    if attempt.is_some_and(|attempt| attempt != waiting.attempt) {
        return; // a newer attempt is under way: it stays
    }
    waiting.next();
    // Signed in meanwhile: there was no step to end.
    let _ = set_step(app, None);
    drop(waiting);
    pending.drop_recovery(app);
}

/// Ends a session the server granted and the app will not use.
pub fn revoke<R: Runtime>(app: &AppHandle<R>, grant: Grant) {
    if let Ok(client) = session::client(app) {
        revocation::spawn(client, grant.revocation());
    }
}

/// What an emailed link's flow needs: the redirect and the challenge.
fn link_for(flow: &Flow) -> (String, String) {
    (
        callback::redirect_for(flow.state()),
        flow.pkce().challenge().to_owned(),
    )
}

fn set_step<R: Runtime>(app: &AppHandle<R>, step: Option<BrowserSignIn>) -> Result<()> {
    app.state::<Hub>()
        .transact(|coordinator, _| coordinator.session_browser(step))
}

fn pending<R: Runtime>(app: &AppHandle<R>) -> Result<tauri::State<'_, Pending>> {
    app.try_state::<Pending>()
        .ok_or(Error::Coordinator(axolop_coordinator::Error::NotConfigured))
}

fn not_waiting(reason: &str) -> Error {
    Error::Coordinator(cancelled_with(reason))
}

/// The sign-in a late answer belonged to was cancelled or replaced.
pub fn cancelled() -> axolop_coordinator::Error {
    cancelled_with("the sign-in was cancelled or replaced before it finished; nothing changed")
}

fn cancelled_with(reason: &str) -> axolop_coordinator::Error {
    axolop_coordinator::Error::NotWaiting {
        reason: reason.to_owned(),
    }
}

/// `text` as a sentence: capitalised, with one full stop.
fn sentence(text: &str) -> String {
    let text = text.trim_end_matches('.');
    let mut chars = text.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    first.unwrap_or_default() + chars.as_str() + "."
}
