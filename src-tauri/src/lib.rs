//! Axolop CRM Desktop: the Tauri shell around the coordinator.
//!
//! The shell turns IPC calls into coordinator calls and coordinator events into
//! IPC events, and owns windows, menus, plugins and logging. It holds no CRM
//! logic of its own: every decision is the coordinator's.
//!
//! # Layout
//!
//! - [`hub`]: the one shared coordinator and its clocks behind one mutex:
//!   one way to change it (`transact`, whose events are delivered for the
//!   caller), one way to read it.
//! - [`delivery`]: sends each coordinator event to every window's own webview.
//! - [`deadlines`]: wakes the coordinator when a lease expires, a wait runs out
//!   or a heartbeat is overdue.
//! - [`clocks`]: notices time jumping under the app (sleep, a stopped process).
//! - [`heartbeat`]: a page's beat (a one-way WebKit message on Linux).
//! - [`web_process`]: a window's crashed web process: marked, reloaded, told;
//!   a stuck one (WebKit's own signal): marked at once.
//! - [`web_engine`]: pages rendered on the CPU where there is no GPU,
//!   which keeps each window light.
//! - [`windows`]: opens, numbers, closes and focuses CRM windows.
//! - [`layout`]: the windows' places, kept as they change and reopened at
//!   the next launch; [`views`]: what each window showed; [`drafts`]: each
//!   window's editor draft, kept as typed; [`launches`]: one window, not
//!   the layout, after launches that crashed before a window was ready.
//! - [`quit`]: File > Quit, asking once about unsaved editors.
//! - [`updates`]: signed updates: the check, the download, the install and
//!   the restart.
//! - [`checks`]: the self-test suite (`--self-test`, and "Run all checks"
//!   in the diagnostics window).
//! - [`diagnostics`]: the diagnostics window, which shows the coordination
//!   as it happens; [`refusals`]: the refusals it lists; [`report`]: the
//!   diagnostic report it saves for support.
//! - [`navigation`]: where a CRM window may go (its own pages only) and
//!   that it opens no other.
//! - [`links`]: links a user clicks, opened in the system browser.
//! - [`zoom`]: each window's zoom level (Ctrl+= / Ctrl+- / Ctrl+0).
//! - [`menu`]: the window menu and its keyboard shortcuts.
//! - [`commands`]: the command table (routing, threads, the UI's generated
//!   `Commands` type) and the commands, each a line or two that delegates.
//! - [`args`]: command arguments that answer `invalid_argument` when
//!   malformed, and declare whether a refusal may quote them.
//! - [`logging`]: `tracing` to stderr and to size-bounded rotating files.
//! - [`paths`]: where state and logs live (a named data directory or the OS
//!   default).
//! - [`settings`]: everything read from the environment, read once, and
//!   which Supabase project to sign in to, if any.
//! - [`crm`]: the local CRM store (SQLite), opened at start.
//! - [`agencies`]: listing, creating and selecting agencies.
//! - [`contacts`]: the selected agency's contacts, written by compare-and-set.
//! - [`notices`]: start-up notices every window shows.
//! - [`session`]: the session driver: sign-in, refresh and sign-out against
//!   Supabase, and the one task that reads and writes the OS keyring, all as
//!   the coordinator's session transitions decide.
//! - [`browser_sign_in`]: signing in through the system browser or an
//!   email (providers, magic links and codes, password resets), by PKCE
//!   and the `axolop://` link; [`launch`]: what a launch's arguments ask
//!   for (a window, or a link to follow).
//! - [`revocation`]: ending a session on the server once it ended here,
//!   retried while the server cannot be reached.
//! - [`single_instance`]: one app per user on macOS, through a socket in a
//!   directory only that user can enter.
//! - [`sign_out_marker`]: the file that keeps a signed-out session from
//!   being restored, whatever became of its keyring entry.
//! - [`sync_engine`]: the one task that exchanges the cache with the
//!   Supabase project: pushes the outbox, pulls what changed, and reports
//!   where the device stands (Supabase mode).
//! - [`timing`]: monotonic stamps for latency tracing, and wall-clock Unix ms.
//! - [`files`]: files written for the user, whole or not at all.
//! - [`error`]: the shell's error enum and its `{code, message}` wire form.

pub mod agencies;
pub mod args;
pub mod browser_sign_in;
pub mod checks;
pub mod clocks;
pub mod commands;
pub mod contacts;
pub mod crm;
pub mod deadlines;
pub mod delivery;
pub mod diagnostics;
pub mod drafts;
pub mod error;
pub mod files;
pub mod heartbeat;
pub mod hub;
pub mod launch;
pub mod launches;
pub mod layout;
pub mod links;
pub mod logging;
pub mod menu;
pub mod navigation;
pub mod notices;
pub mod paths;
pub mod quit;
pub mod refusals;
pub mod report;
pub mod revocation;
pub mod session;
pub mod settings;
pub mod sign_out_marker;
#[cfg(unix)]
pub mod single_instance;
pub mod sync_engine;
pub mod timing;
pub mod updates;
pub mod views;
pub mod web_engine;
pub mod web_process;
pub mod windows;
pub mod zoom;

use tauri::{AppHandle, Manager, RunEvent, Runtime};

pub use error::{Error, Result};
pub use hub::Hub;
use settings::Settings;

/// Adds everything that makes a CRM app to `builder`: the shared coordinator,
/// the commands, event delivery and the first window. `prepare` runs first in
/// set-up (the app installs logging there). Generic over the runtime so the
/// mock runtime tests exercise exactly what the app runs.
pub fn configure<R: Runtime>(
    builder: tauri::Builder<R>,
    prepare: impl FnOnce(&AppHandle<R>) -> Result<()> + Send + 'static,
) -> tauri::Builder<R> {
    let (hub, outbox) = Hub::new();
    builder
        .manage(hub)
        .manage(windows::HandOffs::default())
        .manage(web_process::Crashes::default())
        .manage(refusals::Refusals::default())
        .manage(checks::LastReport::default())
        .manage(zoom::Zooms::default())
        .manage(windows::Ids::default())
        .manage(views::Views::default())
        .invoke_handler(commands::handler())
        .setup(move |app| {
            prepare(app.handle())?;
            delivery::start(app.handle().clone(), outbox)?;
            deadlines::start(app.handle().clone());
            // A self-test opens the windows it needs, and no other.
            if !checks::headless::is_headless(app.handle()) {
                layout::restore(app.handle())?;
            }
            Ok(())
        })
}

/// The app's configuration, embedded UI and permissions (its capabilities),
/// for any runtime: the permission tests run the mock runtime on exactly
/// what the app ships.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Supabase mode when it is configured, local mode otherwise. Bad settings
/// are reported and leave the app in local mode rather than not starting.
fn start_session<R: Runtime>(app: &AppHandle<R>, settings: &Settings, paths: &paths::Paths) {
    let configured = settings.supabase(&paths.config).and_then(|config| {
        let Some(config) = config else {
            return Ok(false);
        };
        let account = axolop_auth::account_for(&config.url, settings.profile());
        let store = axolop_auth::SecretStore::from_setting(settings.secret_store(), &account)?;
        session::start(app, config, store, session::Options::in_dir(&paths.data))?;
        Ok(true)
    });
    match configured {
        Ok(true) => tracing::info!("Supabase mode"),
        Ok(false) => tracing::info!("local mode (no Supabase project configured)"),
        Err(error) => {
            eprintln!("Axolop CRM: {error}; starting in local mode");
            tracing::error!(%error, "the Supabase settings are unusable; starting in local mode");
            // Every window says so: a user who expected to sign in must
            // not wonder where the sign-in went.
            notices::add(
                app,
                format!(
                    "The Supabase settings were not used ({error}). Axolop runs in local mode."
                ),
            );
        }
    }
}

/// Applies the heartbeat timeout from the settings; a bad value is
/// reported and the default kept.
fn configure_health<R: Runtime>(app: &AppHandle<R>, settings: &Settings) {
    match settings.heartbeat_timeout() {
        Ok(Some(timeout)) => {
            tracing::info!(
                timeout_ms = timeout.get().as_millis() as u64,
                "heartbeat timeout"
            );
            // Before any window opens: nothing to refuse, nothing to tell.
            let _ = app.state::<Hub>().transact(|coordinator, _| {
                coordinator.set_heartbeat_timeout(timeout);
                Ok(())
            });
        }
        Ok(None) => {}
        Err(error) => {
            eprintln!("Axolop CRM: {error}; keeping the default heartbeat timeout");
            tracing::error!(%error, "keeping the default heartbeat timeout");
        }
    }
}

/// Opens the CRM store. A store that cannot be opened at all is reported;
/// the app still starts (windows, locks and the session work without it).
fn open_store<R: Runtime>(app: &AppHandle<R>, paths: &paths::Paths) {
    match crm::open(app, &paths.data) {
        Ok(()) => {}
        Err(error) => {
            eprintln!("Axolop CRM: {error}");
            tracing::error!(%error, "the CRM database could not be opened");
            notices::add(
                app,
                format!("{error}. Contacts and agencies are unavailable until the app restarts."),
            );
        }
    }
}

/// In local mode, restores the agency selection before the first window.
/// (In Supabase mode the user's selection comes with their session.)
fn restore_local_agency<R: Runtime>(app: &AppHandle<R>) {
    let local = app
        .state::<Hub>()
        .read(|coordinator| !coordinator.session().is_configured());
    if local {
        if let Err(error) = agencies::restore_local(app) {
            tracing::warn!(%error, "the agency selection could not be restored");
        }
    }
}

/// On macOS: hands this launch over to the app already running for this
/// user and exits, or becomes that app (see [`single_instance`]).
#[cfg(target_os = "macos")]
fn hand_over_or_listen<R: Runtime>(app: &AppHandle<R>, paths: &paths::Paths) {
    use single_instance::Claim;
    let dirs: Vec<_> = std::env::var_os("TMPDIR")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain([paths.data.clone()])
        .collect();
    let Some(path) = single_instance::socket_path(&dirs) else {
        eprintln!("Axolop CRM: no private directory for the single-instance socket");
        return;
    };
    match single_instance::claim(&path) {
        Ok(Claim::HandedOver) => std::process::exit(0),
        Ok(Claim::First(listener)) => {
            let app = app.clone();
            single_instance::listen(listener, move || windows::second_launch(&app));
        }
        Err(error) => {
            eprintln!("Axolop CRM: second launches will start apps of their own ({error})")
        }
    }
}

/// Runs the desktop app until its last window closes.
pub fn run() {
    web_engine::prepare();
    let self_test = checks::headless::requested(std::env::args());
    let builder = tauri::Builder::default();
    // First, so that a second launch hands over before anything else starts.
    // A self-test is an app of its own: it hands nothing over.
    #[cfg(not(target_os = "macos"))]
    let builder = if self_test.is_none() {
        builder.plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            launch::handed_over(app, &argv);
        }))
    } else {
        builder
    };
    // Signed updates; driven from Rust only (pages get none of its commands).
    let builder = builder.plugin(tauri_plugin_updater::Builder::new().build());
    let app = configure(builder, move |app| {
        let settings = Settings::load();
        app.manage(match settings.browser() {
            Some(program) => links::Browser::program(program),
            None => links::Browser::system(),
        });
        let headless = self_test
            .map(checks::headless::Headless::new)
            .transpose()
            .map_err(|source| Error::Io {
                context: "the self-test's data directory could not be made".into(),
                source,
            })?;
        let data_dir = match &headless {
            Some(headless) => Some(headless.data_dir().to_path_buf()),
            None => settings.data_dir(),
        };
        let paths = paths::Paths::resolve(app, data_dir)?;
        #[cfg(target_os = "macos")]
        if headless.is_none() {
            hand_over_or_listen(app, &paths);
        }
        logging::init(&paths.logs)?;
        tracing::info!(data_dir = %paths.data.display(), "Axolop CRM starting");
        configure_health(app, &settings);
        // The store first: a restored session brings its user's agency.
        open_store(app, &paths);
        if let Some(headless) = headless {
            // Local mode: the self-test never signs in anywhere.
            app.manage(headless);
            checks::headless::start(app);
        } else {
            start_session(app, &settings, &paths);
            updates::start(app, &settings);
        }
        restore_local_agency(app);
        launch::at_start(app, &std::env::args().collect::<Vec<_>>());
        #[cfg(target_os = "macos")]
        menu::install_app_menu(app)?;
        app.manage(paths);
        Ok(())
    })
    .build(context())
    .unwrap_or_else(|error| {
        eprintln!("Axolop CRM could not start: {error}");
        std::process::exit(1);
    });
    app.run(|app, event| match event {
        // A self-test closes every window between checks; it ends the
        // process itself when the report is out.
        RunEvent::ExitRequested {
            api, code: None, ..
        } if checks::headless::is_headless(app) => {
            api.prevent_exit();
        }
        // macOS hands links to the running app rather than launching it.
        #[cfg(target_os = "macos")]
        RunEvent::Opened { urls } => {
            for url in urls {
                browser_sign_in::link_opened(app, url.to_string());
            }
        }
        RunEvent::Exit => {
            tracing::info!("Axolop CRM exiting: the last window closed or Quit was chosen");
            session::finish_before_exit(app);
        }
        _ => {}
    });
}
