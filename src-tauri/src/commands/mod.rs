//! The IPC commands, routed from one table. Each command is a plain
//! function of a line or two that delegates; the calling window is always
//! the invoking webview, never an argument.
//!
//! The table below is the only place a command is named: it routes the
//! call, says where it runs (see [`route`]), and gives the argument and
//! result types that the UI's `Commands` type is generated from
//! ([`bindings`]).
//!
//! - [`windows`]: the snapshot, heartbeats, and opening, closing and
//!   focusing windows.
//! - [`locks`]: acquiring, releasing, extending and checking named locks.
//! - [`session`]: signing in and out of Supabase.
//! - [`agencies`]: listing, creating and selecting agencies.
//! - [`contacts`]: listing, saving and deleting the selected agency's
//!   contacts.
//! - [`modals`]: the mandatory modal's draft, and start-up notices.
//! - [`links`]: opening a clicked link in the system browser.
//! - [`diagnostics`]: the diagnostics window's view, and opening it.
//! - [`checks`]: running the self-test from the diagnostics window, and
//!   saving its report.
//! - [`route`]: how one call is parsed, run, answered and logged.
//! - [`bindings`]: the TypeScript `Commands` type.

pub mod agencies;
pub mod bindings;
pub mod checks;
pub mod contacts;
pub mod diagnostics;
pub mod links;
pub mod locks;
pub mod modals;
pub mod route;
pub mod session;
pub mod windows;

use axolop_coordinator::agency::AgencySummary;
use axolop_coordinator::contacts::ContactsPage;
use axolop_coordinator::modal::ModalDraft;
use axolop_coordinator::session::SessionSummary;
use axolop_coordinator::{LeaseInfo, LockCheck, Snapshot, WindowLabel, WindowRef};
use axolop_store::{Agency, Contact, ContactDraft};
use tauri::ipc::Invoke;
use tauri::{Runtime, Webview};

use crate::args::*;
use bindings::Signature;

/// Declares the command table: `kind name(Args) -> Result = handler;`.
/// Expands to the invoke handler and to the list of signatures.
macro_rules! commands {
    ($($(#[$attr:meta])* $kind:ident $name:ident($args:ty) -> $out:ty = $run:path;)*) => {
        /// Every command, for `Builder::invoke_handler`. An unknown name is
        /// left to Tauri, which refuses it.
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            |invoke| match invoke.message.command() {
                $($(#[$attr])* stringify!($name) => commands!(@route $kind, invoke, $name, $args, $out, $run),)*
                _ => false,
            }
        }

        /// Every command's name, argument type and result type.
        // One push per row, so that a row's `cfg` applies to it alone.
        #[allow(clippy::vec_init_then_push)]
        pub fn signatures() -> Vec<Signature> {
            let mut signatures = Vec::new();
            $($(#[$attr])* signatures.push(Signature::of::<$args, $out>(stringify!($name)));)*
            signatures
        }
    };
    (@route main, $invoke:ident, $name:ident, $args:ty, $out:ty, $run:path) => {
        route::main::<R, $args, $out>($invoke, stringify!($name), $run)
    };
    (@route queued, $invoke:ident, $name:ident, $args:ty, $out:ty, $run:path) => {
        route::queued::<R, $args, $out>($invoke, stringify!($name), $run)
    };
    (@route task, $invoke:ident, $name:ident, $args:ty, $out:ty, $run:path) => {
        route::task::<R, $args, $out, _>($invoke, stringify!($name), $run)
    };
}

commands! {
    task coordinator_snapshot(NoArgs) -> Snapshot = windows::coordinator_snapshot;
    task window_open(NoArgs) -> WindowRef = windows::window_open;
    task window_close(NoArgs) -> () = windows::window_close;
    task window_focus_primary(NoArgs) -> WindowRef = windows::window_focus_primary;
    task heartbeat(HeartbeatArgs) -> () = windows::heartbeat;
    main window_zoom(WindowZoomArgs) -> f64 = windows::window_zoom;
    main window_unsaved(WindowUnsavedArgs) -> () = windows::window_unsaved;
    main window_view(WindowViewArgs) -> () = windows::window_view;
    task window_resume(NoArgs) -> crate::views::WindowResume = windows::window_resume;
    task draft_keep(DraftKeepArgs) -> () = windows::draft_keep;
    main update_answer(UpdateAnswerArgs) -> () = windows::update_answer;
    main quit_answer(QuitAnswerArgs) -> axolop_coordinator::quit::QuitStage = windows::quit_answer;
    queued lock_acquire(LockAcquireArgs) -> LeaseInfo = locks::lock_acquire;
    main lock_release(LockTokenArgs) -> () = locks::lock_release;
    main lock_extend(LockExtendArgs) -> LeaseInfo = locks::lock_extend;
    main lock_check(LockTokenArgs) -> LockCheck = locks::lock_check;
    task session_project(NoArgs) -> Option<String> = session::session_project;
    task session_sign_in(SignInArgs) -> SessionSummary = session::session_sign_in;
    task sign_in_providers(NoArgs) -> Vec<String> = session::sign_in_providers;
    task sign_in_provider(SignInProviderArgs) -> () = session::sign_in_provider;
    task sign_in_email_link(EmailArgs) -> () = session::sign_in_email_link;
    task sign_in_code(SignInCodeArgs) -> SessionSummary = session::sign_in_code;
    task password_recover(EmailArgs) -> () = session::password_recover;
    task password_choose(PasswordChooseArgs) -> SessionSummary = session::password_choose;
    task sign_in_cancel(NoArgs) -> () = session::sign_in_cancel;
    task session_sign_out(SignOutArgs) -> crate::session::SignOutOutcome = session::session_sign_out;
    task agency_list(NoArgs) -> Vec<Agency> = agencies::agency_list;
    task agency_create(AgencyCreateArgs) -> Agency = agencies::agency_create;
    task agency_select(AgencySelectArgs) -> AgencySummary = agencies::agency_select;
    task contacts_list(ContactsListArgs) -> ContactsPage = contacts::contacts_list;
    task contact_get(ContactIdArgs) -> Contact = contacts::contact_get;
    task contact_save(ContactSaveArgs) -> Contact = contacts::contact_save;
    task contact_delete(ContactDeleteArgs) -> Contact = contacts::contact_delete;
    task contact_conflict(ContactIdArgs) -> Option<ContactDraft> = contacts::contact_conflict;
    task contact_conflict_discard(ContactIdArgs) -> Contact = contacts::contact_conflict_discard;
    main modal_draft_report(ModalDraftArgs) -> () = modals::modal_draft_report;
    main modal_draft(NoArgs) -> Option<ModalDraft> = modals::modal_draft;
    main app_notices(NoArgs) -> Vec<String> = modals::app_notices;
    task link_open(LinkOpenArgs) -> () = links::link_open;
    main diagnostics_open(NoArgs) -> () = diagnostics::diagnostics_open;
    main diagnostics_snapshot(NoArgs) -> crate::diagnostics::DiagnosticsView = diagnostics::diagnostics_snapshot;
    task checks_run(NoArgs) -> checks::ChecksRun = checks::checks_run;
    main checks_save(ChecksSaveArgs) -> String = checks::checks_save;
    task report_save(NoArgs) -> String = diagnostics::report_save;
    // Benchmark builds only.
    #[cfg(feature = "bench")]
    task bench_republish(NoArgs) -> () = windows::bench_republish;
    // Benchmark builds only.
    #[cfg(feature = "bench")]
    task bench_seed_contacts(BenchSeedArgs) -> usize = contacts::bench_seed_contacts;
}

/// The label of the window whose page made the call.
fn caller<R: Runtime>(webview: &Webview<R>) -> WindowLabel {
    WindowLabel::from(webview.label())
}
