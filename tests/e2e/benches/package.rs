//! What users install, measured on the app unpacked from the `.deb` (the
//! release build `npx tauri build --bundles deb,rpm` made):
//!
//! (a) sizes: the release binary, the `.deb` and the `.rpm`;
//! (b) start-up: from spawning the process to the shell answering the first
//!     window's `coordinator_snapshot` (its page's first call), the median
//!     of 10 launches. *Cold* drops the kernel's page cache before each
//!     launch (root only), so WebKit's libraries come from disk, as at the
//!     first start after boot; *warm* does not;
//! (c) memory of the whole app (the app process and every WebKit process it
//!     started) with 1, 4, 8 and 16 windows: resident (RSS, shared pages
//!     counted in each process) and proportional (PSS, shared pages split
//!     among their sharers: what the app costs the machine), and the PSS
//!     each window past the first adds; then with 1 and 8 windows with
//!     WebKit's compositing forced on (`WEBKIT_DISABLE_COMPOSITING_MODE=0`),
//!     what a window cost before the app rendered on the CPU without a GPU;
//! (d) the CPU the whole app uses with 1, 4, 8 and 16 idle windows, over 20 s
//!     each, nothing touched and no test driver attached: what an idle app
//!     costs a user's machine, heartbeats included.
//!
//! Launches go straight to the binary, without WebDriver, so nothing but
//! the app runs. Each launch waits for the previous app to be gone, since a
//! second launch in one D-Bus session only opens a window in the first.
//!
//! Run with `bash scripts/bench.sh` (it builds the packages and provides
//! the display and the D-Bus session).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::Duration;

use axolop_e2e::package::{self, Unpacked};
use axolop_e2e::{
    cpu_seconds_of_group, fresh_data_dir, log_file, memory_of_group, report_ms, stop_group,
    wait_for, wall_micros, Memory, PATIENCE,
};

const STARTS: usize = 10;
/// Time for a new window's page to finish its first paint and settle
/// before its memory is read.
const SETTLE: Duration = Duration::from_secs(3);
/// The window counts memory and idle CPU are read at.
const WINDOWS: [usize; 4] = [1, 4, 8, 16];
/// How long idle CPU is measured over.
const IDLE: Duration = Duration::from_secs(20);

fn main() {
    let deb = package::deb();
    let rpm = package::rpm();
    let unpacked = Unpacked::new(&deb, "bench");
    let binary = unpacked.binary();

    println!("(a) release binary: {}", size(&binary));
    println!("(a) .deb: {}", size(&deb));
    println!("(a) .rpm: {}", size(&rpm));

    let data_dir = fresh_data_dir("bench-package");
    // The first start creates the database; later ones, like a user's
    // every-day start, open it.
    Launched::start(&binary, &data_dir).stop();

    match cold_starts(&binary, &data_dir) {
        Ok(samples) => report_ms(
            "(b) cold start (page cache dropped) -> first coordinator_snapshot answered",
            &samples,
            0,
        ),
        Err(why) => println!("(b) cold start not measured: {why}"),
    }
    let warm: Vec<f64> = (0..STARTS)
        .map(|_| {
            let app = Launched::start(&binary, &data_dir);
            let ms = app.started_ms;
            app.stop();
            ms
        })
        .collect();
    report_ms(
        "(b) warm start -> first coordinator_snapshot answered",
        &warm,
        0,
    );

    windows_at(&binary, &data_dir, &[], &WINDOWS, "");
    // What a window cost before the app chose CPU rendering without a GPU:
    // WebKit's compositing forced on (on llvmpipe under Xvfb).
    // A data directory of its own: the app reopens the windows a previous
    // run left open.
    let forced_dir = fresh_data_dir("bench-package-compositing");
    windows_at(
        &binary,
        &forced_dir,
        &[("WEBKIT_DISABLE_COMPOSITING_MODE", "0")],
        &[1, 8],
        ", compositing forced on",
    );
    let _ = std::fs::remove_dir_all(&forced_dir);
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// Memory and idle CPU of one launch with `env` as its windows open, at
/// each count of `counts`.
fn windows_at(binary: &Path, data_dir: &Path, env: &[(&str, &str)], counts: &[usize], how: &str) {
    let app = Launched::start_with(binary, data_dir, env);
    let mut open = 1;
    let mut first_pss = 0;
    for &count in counts {
        while open < count {
            app.open_window();
            open += 1;
            app.wait_for_windows(open);
            // Second launches faster than 4 in 2 s only focus the primary.
            sleep(Duration::from_millis(600));
        }
        sleep(SETTLE);
        let memory = print_memory(&format!("(c) {count} windows{how}"), app.group());
        if count == 1 {
            first_pss = memory.pss_kib;
        } else {
            println!(
                "(c) each window past the first, with {count}{how}: PSS {:.1} MiB",
                (memory.pss_kib - first_pss) as f64 / 1024.0 / (count - 1) as f64
            );
        }
        let before = cpu_seconds_of_group(app.group());
        sleep(IDLE);
        let used = cpu_seconds_of_group(app.group()) - before;
        println!(
            "(d) {count} idle windows{how}, whole app: {:.2}% of a core",
            used / IDLE.as_secs_f64() * 100.0
        );
    }
    app.stop();
}

fn size(path: &Path) -> String {
    let bytes = std::fs::metadata(path).expect("file").len();
    format!(
        "{:.2} MiB ({bytes} bytes, {})",
        bytes as f64 / 1024.0 / 1024.0,
        path.file_name().unwrap_or_default().to_string_lossy()
    )
}

fn print_memory(what: &str, group: u32) -> Memory {
    let memory = memory_of_group(group);
    println!(
        "{what}: RSS {:.1} MiB, PSS {:.1} MiB over {} processes",
        memory.rss_kib as f64 / 1024.0,
        memory.pss_kib as f64 / 1024.0,
        memory.processes
    );
    memory
}

fn cold_starts(binary: &Path, data_dir: &Path) -> Result<Vec<f64>, String> {
    let mut samples = Vec::new();
    for _ in 0..STARTS {
        drop_page_cache()?;
        let app = Launched::start(binary, data_dir);
        samples.push(app.started_ms);
        app.stop();
    }
    Ok(samples)
}

/// Writes dirty pages out, then asks the kernel to drop its page cache.
fn drop_page_cache() -> Result<(), String> {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3")
        .map_err(|error| format!("cannot drop the page cache ({error}); run as root"))
}

/// One app launched straight from its binary.
struct Launched {
    binary: PathBuf,
    data_dir: PathBuf,
    process: Child,
    /// From spawning to the first window's snapshot answered.
    started_ms: f64,
}

impl Launched {
    fn start(binary: &Path, data_dir: &Path) -> Launched {
        Self::start_with(binary, data_dir, &[])
    }

    /// Starts the app with extra environment variables.
    fn start_with(binary: &Path, data_dir: &Path, env: &[(&str, &str)]) -> Launched {
        // A fresh log, so the lines read are this launch's.
        let _ = std::fs::remove_dir_all(data_dir.join("logs"));
        let spawned_at = wall_micros();
        let process = Self::command(binary, data_dir)
            .envs(env.iter().copied())
            // Its own process group: the app and its WebKit processes.
            .process_group(0)
            .spawn()
            .expect("start the app");
        let mut app = Launched {
            binary: binary.to_path_buf(),
            data_dir: data_dir.to_path_buf(),
            process,
            started_ms: 0.0,
        };
        let ready = app.wait_for_windows(1);
        app.started_ms = (ready[0] - spawned_at as f64) / 1000.0;
        app
    }

    fn command(binary: &Path, data_dir: &Path) -> Command {
        let mut command = Command::new(binary);
        command
            .env("AXOLOP_DATA_DIR", data_dir)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    fn group(&self) -> u32 {
        self.process.id()
    }

    /// Launches the binary again: the running app opens a window and the
    /// second process exits.
    fn open_window(&self) {
        let status = Self::command(&self.binary, &self.data_dir)
            .status()
            .expect("second launch");
        assert!(status.success(), "a second launch failed: {status}");
    }

    /// Waits until `count` windows have answered their first snapshot and
    /// returns when each did (wall clock, microseconds).
    fn wait_for_windows(&self, count: usize) -> Vec<f64> {
        let log = log_file(&self.data_dir);
        wait_for(&format!("{count} windows ready"), PATIENCE, || {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let ready: Vec<f64> = text
                .lines()
                .filter(|line| line.contains("window ready"))
                .filter_map(|line| {
                    line.split("wall_us=")
                        .nth(1)?
                        .split_whitespace()
                        .next()?
                        .parse()
                        .ok()
                })
                .collect();
            Ok((ready.len() >= count).then_some(ready))
        })
        .expect("the app's windows to get ready")
    }

    fn stop(mut self) {
        stop_group(self.group());
        let _ = self.process.wait();
    }
}
