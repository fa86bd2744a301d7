//! The checks' workbench: temporary CRM windows, and lock requests made on
//! their behalf through the same coordinator transitions their commands
//! use. Every window a check opens is closed when the lab is dropped.

use std::future::Future;
use std::time::{Duration, Instant};

use axolop_coordinator::{
    Acquisition, Coordinator, Lease, LockMode, LockRequest, WindowLabel, WindowState,
};
use tauri::{AppHandle, Manager, Runtime};

use crate::hub::Hub;
use crate::windows;

/// How long a temporary window may take to load its page.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(10);

/// A check's failure: what it saw.
pub type Failure = String;

/// The workbench of one check.
pub struct Lab<R: Runtime> {
    app: AppHandle<R>,
    opened: Vec<WindowLabel>,
}

impl<R: Runtime> Lab<R> {
    pub fn new(app: &AppHandle<R>) -> Self {
        Self {
            app: app.clone(),
            opened: Vec::new(),
        }
    }

    /// Opens a temporary CRM window and waits until its page is ready.
    pub async fn open(&mut self) -> Result<WindowLabel, Failure> {
        let label = windows::open(&self.app)
            .map_err(|error| format!("a temporary window could not open: {error}"))?
            .label;
        self.opened.push(label.clone());
        self.until(&format!("{label} to be ready"), OPEN_TIMEOUT, |c| {
            c.windows().state(&label) == Ok(WindowState::Ready)
        })
        .await?;
        Ok(label)
    }

    /// Opens `n` temporary windows, one after the other.
    pub async fn open_many(&mut self, n: usize) -> Result<Vec<WindowLabel>, Failure> {
        let mut labels = Vec::with_capacity(n);
        for _ in 0..n {
            labels.push(self.open().await?);
        }
        Ok(labels)
    }

    /// Closes `label` as its close button would.
    pub fn close(&mut self, label: &WindowLabel) -> Result<(), Failure> {
        let window = self
            .app
            .get_webview_window(label.as_str())
            .ok_or_else(|| format!("{label} is not open"))?;
        windows::close(&window.as_ref().window())
            .map_err(|error| format!("{label} could not close: {error}"))
    }

    /// Runs `script` in `label`'s page.
    pub fn eval(&self, label: &WindowLabel, script: &str) -> Result<(), Failure> {
        let webview = self
            .app
            .get_webview_window(label.as_str())
            .ok_or_else(|| format!("{label} is not open"))?;
        webview
            .eval(script)
            .map_err(|error| format!("{label} could not run a script: {error}"))
    }

    /// Reads the coordinator.
    pub fn read<T>(&self, read: impl FnOnce(&Coordinator) -> T) -> T {
        self.app.state::<Hub>().read(read)
    }

    /// Changes the coordinator, as a command would.
    pub fn transact<T>(
        &self,
        change: impl FnOnce(&mut Coordinator, Instant) -> axolop_coordinator::Result<T>,
    ) -> Result<T, Failure> {
        self.app
            .state::<Hub>()
            .transact(change)
            .map_err(|error| error.to_string())
    }

    /// Asks for lock `name` on behalf of `window`, as `lock_acquire` does.
    pub fn try_acquire(
        &self,
        window: &WindowLabel,
        name: &str,
        mode: LockMode,
        ttl_ms: u64,
        wait_ms: u64,
    ) -> crate::Result<Acquisition> {
        let request = LockRequest::new(name, Some(mode), Some(ttl_ms), Some(wait_ms))?;
        self.app
            .state::<Hub>()
            .transact(|coordinator, now| coordinator.lock_acquire(window, request, now))
    }

    /// Like [`Self::try_acquire`]; a refusal is a failure.
    pub fn acquire(
        &self,
        window: &WindowLabel,
        name: &str,
        mode: LockMode,
        ttl_ms: u64,
        wait_ms: u64,
    ) -> Result<Acquisition, Failure> {
        self.try_acquire(window, name, mode, ttl_ms, wait_ms)
            .map_err(|error| format!("{window} asking for {name}: {error}"))
    }

    /// Asks for lock `name` on behalf of `window`; it must be granted at once.
    pub fn grant(
        &self,
        window: &WindowLabel,
        name: &str,
        mode: LockMode,
        ttl_ms: u64,
    ) -> Result<Lease, Failure> {
        match self.acquire(window, name, mode, ttl_ms, 0)? {
            Acquisition::Granted(lease) => Ok(lease),
            Acquisition::Queued(_) => Err(format!("{window} was queued for {name}")),
        }
    }

    /// Releases `lease` on behalf of `window`.
    pub fn release(&self, window: &WindowLabel, lease: &Lease) -> Result<(), Failure> {
        self.transact(|coordinator, now| coordinator.lock_release(window, lease.token, now))
    }

    /// Waits until `holds` is true of the coordinator, up to `timeout`;
    /// returns how long it took.
    pub async fn until(
        &self,
        what: &str,
        timeout: Duration,
        holds: impl Fn(&Coordinator) -> bool,
    ) -> Result<Duration, Failure> {
        let start = Instant::now();
        loop {
            if self.read(&holds) {
                return Ok(start.elapsed());
            }
            if start.elapsed() > timeout {
                return Err(format!("waited {timeout:?} for {what}"));
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

impl<R: Runtime> Drop for Lab<R> {
    fn drop(&mut self) {
        for label in &self.opened {
            if let Some(window) = self.app.get_webview_window(label.as_str()) {
                let _ = windows::close(&window.as_ref().window());
            }
        }
    }
}

/// Waits for `future` up to `timeout`.
pub async fn within<T>(
    what: &str,
    timeout: Duration,
    future: impl Future<Output = T>,
) -> Result<T, Failure> {
    tokio::time::timeout(timeout, future)
        .await
        .map_err(|_| format!("waited {timeout:?} for {what}"))
}
