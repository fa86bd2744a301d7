//! How one IPC call is answered: its arguments parsed strictly, the command
//! run where it belongs, and a refusal logged by its code.
//!
//! Three ways to answer, one per kind of command:
//!
//! - [`main`]: answered at once, on the main thread where the IPC message
//!   arrives. Ordered with the window's page lifecycle (reported on the
//!   main thread too) and with no hop to the async runtime and back (a
//!   third off the round trip on WebKitGTK; README, Benchmarks). For
//!   commands that hold the coordinator for microseconds and never wait.
//! - [`task`]: answered from the async runtime, for commands that wait on
//!   the network, the keyring, the database or a window.
//! - [`queued`]: decided on the main thread like [`main`], but the answer
//!   may come later (a lock request that waits in line).
//!
//! Every call runs in a `command` span naming the command and the calling
//! window. A refusal is logged with its wire code only: its message may
//! quote what the page sent, which is the page's business, not the log's.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use tauri::ipc::{Invoke, InvokeError};
use tauri::{AppHandle, Manager, Runtime, Webview};
use tracing::Instrument;

use crate::args::{parse, CommandArgs};
use crate::error::{Error, Result};
use crate::refusals::Refusals;

/// An answer decided now that may only be known later.
pub enum Reply<T> {
    /// Known now.
    Now(T),
    /// Known when the future completes (off the main thread).
    Later(Pin<Box<dyn Future<Output = Result<T>> + Send>>),
}

/// Answers `invoke` at once with `run` (see the module doc).
pub fn main<R, A, T>(
    invoke: Invoke<R>,
    name: &'static str,
    run: impl FnOnce(&Webview<R>, A) -> Result<T>,
) -> bool
where
    R: Runtime,
    A: CommandArgs,
    T: Serialize + Send + 'static,
{
    queued(invoke, name, |webview, args| {
        run(webview, args).map(Reply::Now)
    })
}

/// Answers `invoke` from the async runtime with `run`'s future.
pub fn task<R, A, T, F>(
    invoke: Invoke<R>,
    name: &'static str,
    run: impl FnOnce(Webview<R>, A) -> F + Send + 'static,
) -> bool
where
    R: Runtime,
    A: CommandArgs + Send,
    T: Serialize,
    F: Future<Output = Result<T>> + Send + 'static,
{
    let Invoke {
        message, resolver, ..
    } = invoke;
    let span = span(name, message.webview_ref());
    let caller = Caller::of(name, message.webview_ref());
    let args = parse::<A>(name, message.payload());
    let webview = message.webview();
    let answer = async move {
        let outcome = match args {
            Ok(args) => run(webview, args).await,
            Err(error) => Err(error),
        };
        caller.answer(outcome)
    };
    resolver.respond_async(answer.instrument(span));
    true
}

/// Decides `invoke` at once with `run`; the answer follows when it is known.
pub fn queued<R, A, T>(
    invoke: Invoke<R>,
    name: &'static str,
    run: impl FnOnce(&Webview<R>, A) -> Result<Reply<T>>,
) -> bool
where
    R: Runtime,
    A: CommandArgs,
    T: Serialize + Send + 'static,
{
    let Invoke {
        message, resolver, ..
    } = invoke;
    let span = span(name, message.webview_ref());
    let caller = Caller::of(name, message.webview_ref());
    let decided = {
        let _entered = span.enter();
        parse::<A>(name, message.payload()).and_then(|args| run(message.webview_ref(), args))
    };
    match decided {
        Ok(Reply::Now(value)) => resolver.resolve(value),
        Ok(Reply::Later(answer)) => {
            resolver.respond_async(async move { caller.answer(answer.await) }.instrument(span));
        }
        Err(error) => {
            let _entered = span.enter();
            resolver.invoke_error(caller.refused(error));
        }
    }
    true
}

/// The span every call runs in: the command and the calling window.
fn span<R: Runtime>(name: &'static str, webview: &Webview<R>) -> tracing::Span {
    tracing::info_span!("command", name, window = webview.label())
}

/// Who made a call, for recording its refusal.
struct Caller<R: Runtime> {
    command: &'static str,
    window: String,
    app: AppHandle<R>,
}

impl<R: Runtime> Caller<R> {
    fn of(command: &'static str, webview: &Webview<R>) -> Self {
        Self {
            command,
            window: webview.label().to_owned(),
            app: webview.app_handle().clone(),
        }
    }

    /// `outcome` as Tauri sends it, with a refusal logged.
    fn answer<T>(&self, outcome: Result<T>) -> std::result::Result<T, InvokeError> {
        outcome.map_err(|error| self.refused(error))
    }

    /// Logs a refusal by its code (never its values), keeps it for the
    /// diagnostics window, and wraps it for the page.
    fn refused(&self, error: Error) -> InvokeError {
        let wire = error.to_wire();
        let code = wire.code.as_str();
        tracing::info!(code, "refused");
        if let Some(refusals) = self.app.try_state::<Refusals>() {
            refusals.record(self.command, &self.window, code);
        }
        InvokeError::from(wire)
    }
}
