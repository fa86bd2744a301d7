//! Harness for end-to-end tests: launches the real app through tauri-driver
//! and WebKitWebDriver, and talks to its windows by label.
//!
//! Needs a display and a D-Bus session (the README's test command provides
//! both, with Xvfb and `dbus-run-session`). Single-instance makes every
//! launch in one D-Bus session the same app, so apps run one at a time: each
//! [`App`] holds a process-wide lock for its whole life.
//!
//! # Layout
//!
//! - [`webdriver`]: the W3C WebDriver client.
//! - [`App`]: one launched app, its driver, data directory and windows.
//! - [`computer`]: computers sharing a Supabase project (Supabase mode
//!   against a test project, each in a session of its own).
//! - [`package`]: the Linux packages `npx tauri build` makes, and an
//!   unpacked copy to run.

pub mod computer;
pub mod package;
pub mod webdriver;

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
pub use webdriver::{wait_for, Session, WebDriverError};

/// Generous bound for anything a window does in response to an action.
pub const PATIENCE: Duration = Duration::from_secs(20);

static ONE_APP_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The app binary under test: `AXOLOP_APP`, or the debug build next to the
/// test executable (`cargo test --workspace` builds it first).
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AXOLOP_APP") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> -> target/<profile>/axolop-desktop
    exe.parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("axolop-desktop"))
        .expect("target directory")
}

/// How many drivers a launch starts before it gives up.
const DRIVER_STARTS: u32 = 3;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free local port")
}

fn require_environment() {
    for variable in ["DISPLAY", "DBUS_SESSION_BUS_ADDRESS"] {
        assert!(
            std::env::var_os(variable).is_some(),
            "{variable} is not set: end-to-end tests need a display and a D-Bus session; \
             run them with `bash scripts/test.sh --e2e` (see README)"
        );
    }
}

/// The app's log file in `data_dir` (the app logs to `logs/` there).
pub fn log_file(data_dir: &Path) -> PathBuf {
    data_dir.join("logs").join("axolop-desktop.log")
}

/// An empty data directory for `test`.
pub fn fresh_data_dir(test: &str) -> DataDir {
    let dir = tempfile::Builder::new()
        .prefix(&format!("axolop-e2e-{test}-"))
        .tempdir()
        .expect("data dir");
    DataDir(dir)
}

/// A data directory of its own (`axolop-e2e-<test>-…` under the system temp
/// dir), used as a [`Path`]. Removed on drop, except while the test is
/// failing: the app's logs in it are kept for reading.
pub struct DataDir(tempfile::TempDir);

impl std::ops::Deref for DataDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for DataDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.disable_cleanup(true);
            eprintln!("kept the data directory {}", self.0.path().display());
        }
    }
}

/// One running app under test.
pub struct App {
    /// The WebDriver session; it acts on one window at a time.
    pub driver: Session,
    /// The app's `AXOLOP_DATA_DIR`.
    pub data_dir: PathBuf,
    driver_process: Child,
    /// `data_dir` when the app made it: removed after the app stops.
    owned_data_dir: Option<DataDir>,
    handles: RefCell<HashMap<String, String>>,
    /// Held by an app in the shared D-Bus session (see [`Seat`]).
    _alone: Option<MutexGuard<'static, ()>>,
}

/// Where an app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seat {
    /// The test run's own D-Bus session and display, one app at a time
    /// (single-instance would make a second launch the first app).
    Shared,
    /// A D-Bus session and an Xvfb display of its own, as on another
    /// computer: any number run at once. Its session keeps nothing in a
    /// keyring (`AXOLOP_SECRET_STORE=memory`).
    Device,
}

/// Takes the turn of the apps in the shared session, for a test that runs
/// [`App::launch_device`]s and wants no other app beside them.
pub fn alone() -> MutexGuard<'static, ()> {
    ONE_APP_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    /// Launches the app with a fresh data directory and waits until its
    /// first window is ready.
    pub fn launch(test: &str) -> App {
        Self::launch_with(test, &[])
    }

    /// Like [`App::launch`], with extra environment variables for the app.
    pub fn launch_with(test: &str, env: &[(&str, &str)]) -> App {
        let data_dir = fresh_data_dir(test);
        let mut app = Self::launch_in(&data_dir, env);
        app.owned_data_dir = Some(data_dir);
        app
    }

    /// Launches the app on `data_dir` as it is (a restart keeps what the
    /// previous run left there), with extra environment variables. The
    /// directory is the caller's: it outlives the app.
    pub fn launch_in(data_dir: &Path, env: &[(&str, &str)]) -> App {
        Self::launch_binary_in(&app_binary(), data_dir, env)
    }

    /// Launches `binary` (an installed copy, say) with a fresh data
    /// directory and waits until its first window is ready.
    pub fn launch_binary(binary: &Path, test: &str) -> App {
        let data_dir = fresh_data_dir(test);
        let mut app = Self::launch_binary_in(binary, &data_dir, &[]);
        app.owned_data_dir = Some(data_dir);
        app
    }

    /// Launches the app as another computer would run it: with a fresh
    /// data directory, in a D-Bus session and on a display of its own (see
    /// [`Seat::Device`]), so several run at once.
    pub fn launch_device(test: &str, env: &[(&str, &str)]) -> App {
        let data_dir = fresh_data_dir(test);
        let mut app = Self::launch_seated(&app_binary(), &data_dir, env, Seat::Device);
        app.owned_data_dir = Some(data_dir);
        app
    }

    /// Like [`App::launch_device`], on `data_dir` as it is (the computer
    /// restarted after a crash, say). The directory is the caller's.
    pub fn launch_device_in(data_dir: &Path, env: &[(&str, &str)]) -> App {
        Self::launch_seated(&app_binary(), data_dir, env, Seat::Device)
    }

    fn launch_binary_in(binary: &Path, data_dir: &Path, env: &[(&str, &str)]) -> App {
        Self::launch_seated(binary, data_dir, env, Seat::Shared)
    }

    fn launch_seated(binary: &Path, data_dir: &Path, env: &[(&str, &str)], seat: Seat) -> App {
        require_environment();
        let alone = (seat == Seat::Shared).then(alone);
        assert!(
            binary.exists(),
            "app binary {} is missing: build it first",
            binary.display()
        );

        let data_dir = data_dir.to_path_buf();
        let log = std::fs::File::options()
            .create(true)
            .append(true)
            .open(data_dir.join("driver.log"))
            .expect("driver log");

        // Now and then (seen in CI, right after the previous app was
        // killed) every retry of `POST /session` finds its connection
        // dropped: the driver behind tauri-driver is gone. A new driver is
        // a new start; three in a row failing is a real failure.
        let mut attempt = 1;
        let (driver_process, driver) = loop {
            let (mut driver_process, port) = spawn_driver(seat, &data_dir, env, &log);
            wait_until_listening(port);
            match Session::start(port, &binary.to_string_lossy()) {
                Ok(driver) => break (driver_process, driver),
                Err(error) if attempt < DRIVER_STARTS => {
                    eprintln!("WebDriver session, start {attempt}: {error}; starting a new driver");
                    stop_group(driver_process.id());
                    let _ = driver_process.wait();
                    attempt += 1;
                }
                Err(error) => panic!("WebDriver session: {error}"),
            }
        };
        let app = App {
            driver,
            data_dir,
            driver_process,
            owned_data_dir: None,
            handles: RefCell::new(HashMap::new()),
            _alone: alone,
        };
        app.wait_for_labels(&["crm-1"]);
        app.wait_ready("crm-1");
        app
    }

    /// The labels of every open window, mapped to WebDriver handles.
    pub fn labels(&self) -> Vec<String> {
        let handles = self.driver.handles().expect("window handles");
        let mut known = self.handles.borrow_mut();
        known.retain(|_, handle| handles.contains(handle));
        for handle in &handles {
            if known.values().any(|h| h == handle) {
                continue;
            }
            if self.driver.switch_to(handle).is_err() {
                continue;
            }
            let label = self
                .driver
                .execute(
                    "return document.documentElement.dataset.windowLabel || null;",
                    json!([]),
                )
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            if let Some(label) = label {
                known.insert(label, handle.clone());
            }
        }
        let mut labels: Vec<_> = known.keys().cloned().collect();
        labels.sort_by_key(|label| {
            label
                .trim_start_matches("crm-")
                .parse::<u64>()
                .unwrap_or(u64::MAX)
        });
        labels
    }

    /// Waits until exactly `expected` windows are open and labelled.
    pub fn wait_for_labels(&self, expected: &[&str]) {
        wait_for(&format!("windows {expected:?}"), PATIENCE, || {
            let labels = self.labels();
            Ok((labels == expected).then_some(()))
        })
        .unwrap_or_else(|e| panic!("{e}; open: {:?}", self.labels()));
    }

    /// Makes `label` the window the driver acts on.
    pub fn focus_driver_on(&self, label: &str) {
        let handle = self
            .handles
            .borrow()
            .get(label)
            .cloned()
            .unwrap_or_else(|| panic!("no window {label}; open: {:?}", self.labels()));
        self.driver.switch_to(&handle).expect("switch window");
    }

    /// Runs `script` in window `label`.
    pub fn execute(&self, label: &str, script: &str, args: Value) -> Value {
        self.focus_driver_on(label);
        self.driver.execute(script, args).expect("execute script")
    }

    /// Invokes a command from window `label`'s page and waits for its answer:
    /// `Ok(result)` or `Err({code, message})`.
    pub fn invoke(&self, label: &str, command: &str, args: Value) -> Result<Value, Value> {
        self.focus_driver_on(label);
        let outcome = self
            .driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI__.core.invoke(arguments[0], arguments[1])
                   .then((ok) => done({ ok: ok ?? null }), (err) => done({ err }));",
                json!([command, args]),
            )
            .expect("invoke");
        match outcome.get("err") {
            Some(error) => Err(error.clone()),
            None => Ok(outcome["ok"].clone()),
        }
    }

    /// Starts a command from window `label` without waiting for its answer
    /// (for commands that close the window or start a new web process).
    pub fn invoke_detached(&self, label: &str, command: &str) {
        self.execute(
            label,
            // Deferred, so the script answers before the window can go away.
            "const command = arguments[0];
             setTimeout(() => window.__TAURI__.core.invoke(command).catch(() => {}), 0);
             return true;",
            json!([command]),
        );
    }

    /// Runs an asynchronous `script` in window `label` and returns what it
    /// passes to its callback (the last argument).
    pub fn execute_async(&self, label: &str, script: &str) -> Value {
        self.focus_driver_on(label);
        self.driver
            .execute_async(script, json!([]))
            .expect("execute async script")
    }

    /// Starts a command from window `label`'s page and returns at once; its
    /// answer is kept in the page under `slot` (see [`App::wait_outcome`]).
    /// For commands that wait, such as a queued `lock_acquire`.
    pub fn start(&self, label: &str, slot: &str, command: &str, args: Value) {
        self.execute(
            label,
            "const [slot, command, args] = arguments;
             window.__outcomes = window.__outcomes || {};
             window.__outcomes[slot] = null;
             window.__TAURI__.core.invoke(command, args).then(
               (ok) => { window.__outcomes[slot] = { ok: ok ?? null }; },
               (err) => { window.__outcomes[slot] = { err }; });
             return true;",
            json!([slot, command, args]),
        );
    }

    /// The answer of the command started under `slot`, if it has come.
    pub fn outcome(&self, label: &str, slot: &str) -> Option<Result<Value, Value>> {
        let outcome = self.execute(
            label,
            "return (window.__outcomes || {})[arguments[0]] ?? null;",
            json!([slot]),
        );
        if outcome.is_null() {
            return None;
        }
        Some(match outcome.get("err") {
            Some(error) => Err(error.clone()),
            None => Ok(outcome["ok"].clone()),
        })
    }

    /// Waits for the answer of the command started under `slot`.
    pub fn wait_outcome(&self, label: &str, slot: &str) -> Result<Value, Value> {
        wait_for(
            &format!("{label} to be answered ({slot})"),
            PATIENCE,
            || Ok(self.outcome(label, slot)),
        )
        .unwrap()
    }

    /// Waits until window `label` has rendered its first snapshot.
    pub fn wait_ready(&self, label: &str) {
        wait_for(&format!("{label} ready"), PATIENCE, || {
            self.focus_driver_on(label);
            let ready = self.driver.execute(
                "return !!(window.__axolop && window.__axolop.store.state) && !!document.documentElement.dataset.role;",
                json!([]),
            )?;
            Ok((ready == json!(true)).then_some(()))
        })
        .unwrap();
    }

    /// The text of `[data-testid=<testid>]` in window `label`.
    pub fn text(&self, label: &str, testid: &str) -> Option<String> {
        self.focus_driver_on(label);
        self.driver
            .text(&format!("[data-testid={testid}]"))
            .expect("read text")
    }

    /// Whether `[data-testid=<testid>]` is in window `label`'s page and
    /// not hidden.
    pub fn shows(&self, label: &str, testid: &str) -> bool {
        self.execute(
            label,
            "const el = document.querySelector(`[data-testid=${arguments[0]}]`);
             return !!el && !el.closest('[hidden]');",
            json!([testid]),
        ) == json!(true)
    }

    /// Clicks the first element matching `css` in window `label`, as a
    /// person's click would (the element must be there and enabled).
    pub fn click(&self, label: &str, css: &str) {
        let clicked = self.execute(
            label,
            "const el = document.querySelector(arguments[0]);
             if (!el || el.disabled || el.closest('[inert]')) return false;
             el.click();
             return true;",
            json!([css]),
        );
        assert_eq!(
            clicked,
            json!(true),
            "nothing clickable at {css} in {label}"
        );
    }

    /// Replaces the text of the field matching `css` in window `label`, with
    /// the `input` event typing sends.
    pub fn fill(&self, label: &str, css: &str, text: &str) {
        let filled = self.execute(
            label,
            "const [css, text] = arguments;
             const el = document.querySelector(css);
             if (!el) return false;
             el.focus();
             el.value = text;
             el.dispatchEvent(new Event('input', { bubbles: true }));
             return true;",
            json!([css, text]),
        );
        assert_eq!(filled, json!(true), "no field at {css} in {label}");
    }

    /// The value of the field matching `css` in window `label`.
    pub fn value(&self, label: &str, css: &str) -> Option<String> {
        self.execute(
            label,
            "const el = document.querySelector(arguments[0]); return el ? el.value : null;",
            json!([css]),
        )
        .as_str()
        .map(str::to_owned)
    }

    /// Starts this app's binary again with `args`, as the operating system
    /// does to open an `axolop:` link: the launch hands over to the running
    /// app and exits at once, opening nothing of its own.
    pub fn launch_again(&self, args: &[&str]) {
        self.launch_binary_again(&app_binary(), args);
    }

    /// Like [`App::launch_again`], with `binary` (an installed copy, say).
    pub fn launch_binary_again(&self, binary: &Path, args: &[&str]) {
        let started = Instant::now();
        let status = Command::new(binary)
            .args(args)
            .env("AXOLOP_DATA_DIR", &self.data_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("a second launch");
        assert!(status.success(), "the second launch exited with {status}");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the second launch lingered"
        );
    }

    /// What window `label` holds that a page could read, as text: its
    /// markup, its storage, anything its page kept in `window.__seen`, and
    /// its snapshot. Token scans search it.
    pub fn readable_state(&self, label: &str) -> String {
        let page = self.execute(
            label,
            "return [document.documentElement.outerHTML, JSON.stringify({ ...localStorage }),
                     JSON.stringify({ ...sessionStorage }), JSON.stringify(window.__seen ?? [])];",
            json!([]),
        );
        let snapshot = self
            .invoke(label, "coordinator_snapshot", json!({}))
            .expect("a snapshot");
        format!("{page}{snapshot}")
    }

    /// The role window `label` shows.
    pub fn role(&self, label: &str) -> String {
        self.text(label, "window-role").unwrap_or_default()
    }

    /// Waits until window `label` shows `role`.
    pub fn wait_role(&self, label: &str, role: &str) {
        wait_for(&format!("{label} to show {role}"), PATIENCE, || {
            Ok((self.role(label) == role).then_some(()))
        })
        .unwrap();
    }

    /// Opens a new contact in `label`'s editor and types `name` into it,
    /// as a person does (an input event per change).
    pub fn start_new_contact(&self, label: &str, name: &str) {
        self.click(label, "[data-testid=contact-new]");
        self.execute(
            label,
            "const input = document.querySelector('[data-testid=contact-name]');
             input.value = arguments[0];
             input.dispatchEvent(new Event('input', { bubbles: true }));
             return true;",
            serde_json::json!([name]),
        );
    }

    /// Opens the diagnostics window from window `from` (as Ctrl+Shift+D
    /// would) and waits until its page has read the coordination.
    pub fn open_diagnostics_from(&self, from: &str) {
        self.invoke_detached(from, "diagnostics_open");
        wait_for("the diagnostics window", PATIENCE, || {
            if !self.labels().iter().any(|l| l == "diagnostics") {
                return Ok(None);
            }
            self.focus_driver_on("diagnostics");
            let read = self
                .driver
                .execute("return !!document.documentElement.dataset.seq;", json!([]))?;
            Ok((read == json!(true)).then_some(()))
        })
        .unwrap();
    }

    /// Opens a window from window `from` and waits until it is ready;
    /// returns the label of the new window.
    pub fn open_window_from(&self, from: &str) -> String {
        let before = self.labels();
        self.invoke_detached(from, "window_open");
        let label = wait_for("a new window", PATIENCE, || {
            Ok(self.labels().into_iter().find(|l| !before.contains(l)))
        })
        .unwrap();
        self.wait_ready(&label);
        label
    }

    /// Closes window `label` through the app, as its close button would,
    /// and waits until it is gone.
    pub fn close_window(&self, label: &str) {
        self.invoke_detached(label, "window_close");
        wait_for(&format!("{label} to close"), PATIENCE, || {
            Ok((!self.labels().iter().any(|l| l == label)).then_some(()))
        })
        .unwrap();
    }

    /// Types `keys` (xdotool syntax, e.g. `ctrl+n`) on the real X keyboard
    /// into window `label`, so the key goes through GTK and the menu's
    /// accelerators exactly as a person's key press does.
    pub fn type_keys(&self, label: &str, keys: &str) {
        let number = label.trim_start_matches("crm-");
        let window = x_windows(&format!("Axolop CRM \\({number}\\)$"))
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no X window titled … Axolop CRM ({number})"));
        let status = Command::new("xdotool")
            .args([
                "windowfocus",
                "--sync",
                &window,
                "key",
                "--clearmodifiers",
                keys,
            ])
            .status()
            .expect("xdotool");
        assert!(status.success(), "xdotool key {keys} failed");
    }

    /// The window labels listed in window `label`'s window list.
    pub fn listed_windows(&self, label: &str) -> Vec<String> {
        let value = self.execute(
            label,
            "return [...document.querySelectorAll('[data-testid=window-list] li')].map(li => li.dataset.windowLabel);",
            json!([]),
        );
        serde_json::from_value(value).unwrap_or_default()
    }

    /// CPU time used so far by every process of the app under test (the
    /// app, its web processes, and the idle WebDriver pair), in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        // Linux counts these in clock ticks of 1/100 s (USER_HZ).
        let ticks: u64 = processes_in(self.driver_process.id())
            .map(|process| process.cpu_ticks)
            .sum();
        ticks as f64 / 100.0
    }

    /// The pid of the app process itself (not of its WebKit processes).
    pub fn app_pid(&self) -> u32 {
        processes_in(self.driver_process.id())
            .find(|process| process.is_live() && process.command.starts_with("axolop-desktop"))
            .expect("the app process")
            .pid
    }

    /// Kills the app process itself with SIGKILL, as a power cut or the
    /// OOM killer would, and waits until it is gone.
    /// The memory of the app and the processes it started (its web and
    /// network processes), not of the driver, bus or display around it.
    pub fn app_memory(&self) -> Memory {
        let app = self.app_pid();
        let all: Vec<Process> = processes_in(self.driver_process.id())
            .filter(Process::is_live)
            .collect();
        let mut family = vec![app];
        // Parents come before children in a walk repeated until nothing
        // joins (the tree is a few levels deep).
        loop {
            let joined: Vec<u32> = all
                .iter()
                .filter(|p| family.contains(&p.parent) && !family.contains(&p.pid))
                .map(|p| p.pid)
                .collect();
            if joined.is_empty() {
                break;
            }
            family.extend(joined);
        }
        memory_of(all.into_iter().filter(|p| family.contains(&p.pid)))
    }

    pub fn kill_app(&self) {
        let app = self.app_pid();
        kill_now(app);
        wait_until_ended(app).unwrap();
    }

    /// Kills (SIGKILL) the newest web content process of the app: the page
    /// of the window opened last, as WebKitGTK gives each window its own.
    /// Returns its pid.
    pub fn kill_newest_web_process(&self) -> u32 {
        let newest = *self
            .web_processes()
            .last()
            .expect("a web process of the app");
        kill_now(newest);
        newest
    }

    /// The live web content processes of the app, oldest first: as
    /// WebKitGTK gives each window its own, the processes of windows
    /// opened one after another are in their order.
    pub fn web_processes(&self) -> Vec<u32> {
        let mut processes: Vec<Process> = processes_in(self.driver_process.id())
            .filter(|process| process.is_live() && process.command.starts_with("WebKitWebProces"))
            .collect();
        processes.sort_by_key(|process| process.started);
        processes.iter().map(|process| process.pid).collect()
    }

    /// The environment each live web content process of the app started
    /// with, oldest first (`/proc/<pid>/environ`: what the app handed WebKit).
    pub fn web_process_environments(&self) -> Vec<Vec<String>> {
        self.web_processes()
            .into_iter()
            .map(|pid| {
                std::fs::read(format!("/proc/{pid}/environ"))
                    .unwrap_or_default()
                    .split(|byte| *byte == 0)
                    .map(|entry| String::from_utf8_lossy(entry).into_owned())
                    .collect()
            })
            .collect()
    }

    /// The app's log file contents.
    pub fn log(&self) -> String {
        std::fs::read_to_string(log_file(&self.data_dir)).unwrap_or_default()
    }

    /// Creates agency `name` and selects it from window `label`, over IPC.
    pub fn select_new_agency(&self, label: &str, name: &str) -> Value {
        let agency = self
            .invoke(label, "agency_create", json!({ "name": name }))
            .expect("agency_create");
        self.invoke(label, "agency_select", json!({ "agencyId": agency["id"] }))
            .expect("agency_select");
        agency
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.driver.end();
        stop_group(self.driver_process.id());
        let _ = self.driver_process.wait();
        // Then `owned_data_dir` drops: kept if the test failed, else removed.
    }
}

/// Starts tauri-driver for one launch of the app, on free ports, logging to
/// `log`; answers the process and the port it listens on.
fn spawn_driver(
    seat: Seat,
    data_dir: &Path,
    env: &[(&str, &str)],
    log: &std::fs::File,
) -> (std::process::Child, u16) {
    let port = free_port();
    let native_port = free_port();
    let tauri_driver = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
    let mut command = match seat {
        Seat::Shared => Command::new(tauri_driver),
        Seat::Device => {
            let mut command = Command::new("dbus-run-session");
            command
                .args(["--", "xvfb-run", "-a", "-s", "-screen 0 1280x900x24"])
                .arg(tauri_driver)
                .env("AXOLOP_SECRET_STORE", "memory");
            command
        }
    };
    let process = command
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("AXOLOP_DATA_DIR", data_dir)
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log.try_clone().expect("log"))
        // Its own process group, so the driver, WebKitWebDriver and the
        // app can all be stopped together.
        .process_group(0)
        .spawn()
        .expect("tauri-driver must be installed (cargo install tauri-driver --locked)");
    (process, port)
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + PATIENCE;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "tauri-driver did not listen on {port}"
        );
        sleep(Duration::from_millis(50));
    }
}

/// Stops every process of a group: politely, then for sure. Waits until no
/// live process is left, so the next app starts alone in the D-Bus session.
pub fn stop_group(group: u32) {
    let signal = |name: &str| {
        let _ = Command::new("kill")
            .args([name, "--", &format!("-{group}")])
            .stderr(Stdio::null())
            .status();
    };
    signal("-TERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while live_members(group) > 0 {
        if Instant::now() > deadline {
            signal("-KILL");
        }
        if Instant::now() > deadline + Duration::from_secs(5) {
            break;
        }
        sleep(Duration::from_millis(50));
    }
}

/// The ids of the X windows whose title matches `pattern` (xdotool's
/// extended regular expression).
pub fn x_windows(pattern: &str) -> Vec<String> {
    let found = Command::new("xdotool")
        .args(["search", "--name", pattern])
        .output()
        .expect("xdotool must be installed");
    String::from_utf8_lossy(&found.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The title of X window `id`.
pub fn x_window_title(id: &str) -> String {
    let name = Command::new("xdotool")
        .args(["getwindowname", id])
        .output()
        .expect("xdotool must be installed");
    String::from_utf8_lossy(&name.stdout).trim().to_owned()
}

/// Waits until process `pid` has ended: it is gone, or a zombie its
/// parent has yet to reap.
pub fn wait_until_ended(pid: u32) -> Result<(), WebDriverError> {
    wait_for(&format!("process {pid} to end"), PATIENCE, || {
        Ok(Process::read(pid)
            .is_none_or(|process| !process.is_live())
            .then_some(()))
    })
}

/// How many processes of `group` are not zombies.
fn live_members(group: u32) -> usize {
    processes_in(group).filter(Process::is_live).count()
}

/// One process, as `/proc/<pid>/stat` describes it.
struct Process {
    pid: u32,
    /// The command name, cut to 15 characters by the kernel.
    command: String,
    /// `R`, `S`, `Z`, …
    state: String,
    parent: u32,
    group: u32,
    /// User and system time, in clock ticks.
    cpu_ticks: u64,
    /// When it started, in clock ticks after boot.
    started: u64,
}

impl Process {
    fn read(pid: u32) -> Option<Process> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command is in parentheses and may hold spaces; the fields
        // after it start with the state (the 3rd field of the line).
        let (head, rest) = stat.rsplit_once(')')?;
        let fields: Vec<_> = rest.split_whitespace().collect();
        let number = |index: usize| fields.get(index)?.parse::<u64>().ok();
        Some(Process {
            pid,
            command: head.split_once('(')?.1.to_owned(),
            state: fields.first()?.to_string(),
            parent: u32::try_from(number(1)?).ok()?,
            group: u32::try_from(number(2)?).ok()?,
            cpu_ticks: number(11)? + number(12)?,
            started: number(19)?,
        })
    }

    fn is_live(&self) -> bool {
        self.state != "Z"
    }
}

/// Every process of `group`, zombies included.
fn processes_in(group: u32) -> impl Iterator<Item = Process> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
        .filter_map(Process::read)
        .filter(move |process| process.group == group)
}

/// Memory of a whole process group: the app and its WebKit processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// Live processes counted.
    pub processes: usize,
    /// Resident set sizes summed. Pages shared between processes (the
    /// libraries every WebKit process maps) count once per process.
    pub rss_kib: u64,
    /// Proportional set sizes summed: shared pages split among their
    /// sharers, so this is what the group costs the machine.
    pub pss_kib: u64,
}

/// CPU time (user and system, seconds) used so far by the live processes
/// of `group`.
pub fn cpu_seconds_of_group(group: u32) -> f64 {
    let ticks: u64 = processes_in(group)
        .filter(Process::is_live)
        .map(|process| process.cpu_ticks)
        .sum();
    // Linux counts these in clock ticks of 1/100 s (USER_HZ).
    ticks as f64 / 100.0
}

/// Reads [`Memory`] of every live process of `group` (`/proc/<pid>/smaps_rollup`).
pub fn memory_of_group(group: u32) -> Memory {
    memory_of(processes_in(group).filter(Process::is_live))
}

fn memory_of(processes: impl Iterator<Item = Process>) -> Memory {
    let mut memory = Memory {
        processes: 0,
        rss_kib: 0,
        pss_kib: 0,
    };
    for process in processes {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{}/smaps_rollup", process.pid))
        else {
            continue; // it ended meanwhile
        };
        let kib = |field: &str| {
            rollup
                .lines()
                .find_map(|line| line.strip_prefix(field)?.trim().strip_suffix("kB"))
                .and_then(|value| value.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        memory.processes += 1;
        memory.rss_kib += kib("Rss:");
        memory.pss_kib += kib("Pss:");
    }
    memory
}

/// The wall clock, in microseconds since the Unix epoch: what the app's
/// `wall_us` log fields and the pages' stamps are compared with.
pub fn wall_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_micros() as u64)
}

/// Sends SIGKILL to `pid`.
pub fn kill_now(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill {pid}");
}

/// Prints `what` with the median, 95th percentile, minimum and maximum of
/// `samples` (milliseconds), to `decimals` places: one benchmark line.
pub fn report_ms(what: &str, samples: &[f64], decimals: usize) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: median {:.decimals$} ms, p95 {:.decimals$} ms, min {:.decimals$} ms, max {:.decimals$} ms ({} samples)",
        at(0.5),
        at(0.95),
        sorted[0],
        sorted[sorted.len() - 1],
        sorted.len()
    );
}
