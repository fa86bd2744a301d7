//! The whole coordinator under long random schedules: windows opening,
//! closing, hanging and recovering, heartbeats, lock traffic, agency
//! selections, sign-in, refreshes and sign-out, and time advancing, with
//! every invariant checked after every step:
//!
//! - at most one primary, and exactly one while an electable window exists;
//! - lock exclusion (an exclusive lock has one holder);
//! - no lock is held or awaited by a window that is closed or unresponsive;
//! - the agency version only grows;
//! - the event sequence has no gap, and each page's copy (its snapshot plus
//!   the events after it, or a fresh snapshot after it hung) equals the
//!   coordinator's own snapshot for that window;
//! - a required modal is presented by the primary.
//!
//! 20 seeds of 5,000 steps each (100,000 steps). A failure names its seed
//! and step; `AXOLOP_SEED=<seed> cargo test -p axolop-coordinator --test
//! whole` replays that seed alone.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use axolop_coordinator::agency::{AgencyRef, AgencySelection};
use axolop_coordinator::lock::PendingLease;
use axolop_coordinator::modal::ModalKind;
use axolop_coordinator::quit::QuitAnswer;
use axolop_coordinator::session::{Grant, RefreshFailure, Session, SessionUser, SignOutReason};
use axolop_coordinator::snapshot::Snapshot;
use axolop_coordinator::update::{UpdateAnswer, UpdateOffer};
use axolop_coordinator::{
    Acquisition, Coordinator, Envelope, Event, Lease, LockMode, LockRequest, WindowLabel,
    WindowState,
};
use secrecy::SecretString;

const SEEDS: u64 = 20;
const STEPS: usize = 5_000;
const MAX_WINDOWS: usize = 6;
const LOCKS: [&str; 3] = ["agency", "report", "sync"];

/// A page: its copy of the state, and whether its main thread is stuck.
struct Page {
    copy: Option<Snapshot>,
    hung: bool,
}

struct Sim {
    rng: fastrand::Rng,
    coordinator: Coordinator,
    now: Instant,
    pages: BTreeMap<String, Page>,
    held: Vec<(WindowLabel, Lease)>,
    waiting: Vec<(WindowLabel, PendingLease)>,
    seq: u64,
    agency_version: u64,
    grants: u32,
    seen: Seen,
}

/// What the schedules exercised, so a vacuous run shows (and fails).
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    silenced: u64,
    recovered: u64,
    granted_waiters: u64,
    agency_changes: u64,
    sessions_ended: u64,
    quits_asked: u64,
    quits_answered: u64,
}

impl Sim {
    fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
            coordinator: Coordinator::with_session(Session::supabase()),
            now: Instant::now(),
            pages: BTreeMap::new(),
            held: Vec::new(),
            waiting: Vec::new(),
            seq: 0,
            agency_version: 0,
            grants: 0,
            seen: Seen::default(),
        }
    }

    fn pick(&mut self) -> Option<WindowLabel> {
        let labels = self.coordinator.windows().labels();
        (!labels.is_empty()).then(|| labels[self.rng.usize(..labels.len())].clone())
    }

    fn grant(&mut self) -> Grant {
        self.grants += 1;
        Grant {
            user: SessionUser {
                id: format!("user-{}", self.rng.u8(..2)),
                email: None,
            },
            access_token: SecretString::from(format!("access-{}", self.grants)),
            refresh_token: SecretString::from(format!("refresh-{}", self.grants)),
            lifetime: Duration::from_secs(self.rng.u64(2..20)),
            expires_at_unix_ms: 1,
        }
    }

    /// One random step; returns what it did, for the failure message.
    fn step(&mut self) -> String {
        let roll = self.rng.u8(..100);
        let now = self.now;
        let what = match roll {
            0..=5 if self.coordinator.windows().len() < MAX_WINDOWS => {
                let label = self.coordinator.next_label();
                self.pages.insert(
                    label.to_string(),
                    Page {
                        copy: None,
                        hung: false,
                    },
                );
                self.coordinator.window_opened(label.clone(), now).unwrap();
                format!("open {label}")
            }
            0..=11 => match self.pick() {
                // A page (re)loads: it takes a snapshot.
                Some(label) => {
                    let snapshot = self.coordinator.window_attached(&label, now).unwrap();
                    self.deliver();
                    let page = self.pages.get_mut(label.as_str()).unwrap();
                    page.copy = Some(snapshot);
                    page.hung = false;
                    return format!("attach {label}");
                }
                None => return "nothing".into(),
            },
            12..=15 => match self.pick() {
                Some(label) => {
                    self.pages.remove(label.as_str());
                    self.coordinator.window_closed(&label, now).unwrap();
                    format!("close {label}")
                }
                None => return "nothing".into(),
            },
            16..=19 => match self.pick() {
                Some(label) => {
                    self.pages.get_mut(label.as_str()).unwrap().hung = true;
                    format!("hang {label}")
                }
                None => return "nothing".into(),
            },
            20..=23 => match self.pick() {
                Some(label) => {
                    let page = self.pages.get_mut(label.as_str()).unwrap();
                    let was_hung = std::mem::replace(&mut page.hung, false);
                    if self.coordinator.windows().state(&label).unwrap()
                        == WindowState::Unresponsive
                    {
                        self.seen.recovered += 1;
                    }
                    self.coordinator.heartbeat(&label, now).unwrap();
                    self.deliver();
                    if was_hung {
                        // Back from a hang: the page starts from a snapshot.
                        let snapshot = self.coordinator.snapshot(&label).unwrap();
                        self.pages.get_mut(label.as_str()).unwrap().copy = Some(snapshot);
                    }
                    return format!("recover {label}");
                }
                None => return "nothing".into(),
            },
            24..=45 => return self.advance(),
            46..=63 => return self.acquire(),
            64..=71 => match self.held.len() {
                0 => return "nothing".into(),
                n => {
                    let (window, lease) = self.held.swap_remove(self.rng.usize(..n));
                    // The lease may have ended since; then this is refused.
                    let _ = self.coordinator.lock_release(&window, lease.token, now);
                    format!("release {} by {window}", lease.name.as_str())
                }
            },
            72..=79 => match self.pick() {
                Some(label) => {
                    let n = self.rng.u8(..3);
                    let agency = AgencyRef {
                        id: format!("a{n}"),
                        name: format!("Agency {n}"),
                    };
                    let current = self.coordinator.agency().summary().version;
                    let expected = match self.rng.u8(..3) {
                        0 => None,
                        1 => Some(current),
                        _ => Some(current.saturating_sub(1)),
                    };
                    // A stale expectation is refused as a conflict.
                    let _ = self.coordinator.agency_select(&label, agency, expected);
                    format!("select by {label} expecting {expected:?}")
                }
                None => return "nothing".into(),
            },
            80..=85 => {
                let grant = self.grant();
                self.coordinator
                    .session_signed_in(AgencySelection::default(), grant, now)
                    .unwrap();
                "sign in".into()
            }
            86..=89 => {
                self.coordinator.session_sign_out();
                "sign out".into()
            }
            90..=92 => return self.edit_or_quit(),
            93 => return self.update(),
            _ => return self.refresh_if_due(),
        };
        self.deliver();
        what
    }

    /// An editor starts or stops holding changes, or a quit is asked for
    /// or answered (from the presenter or any other window).
    fn edit_or_quit(&mut self) -> String {
        let Some(label) = self.pick() else {
            return "nothing".into();
        };
        let what = match self.rng.u8(..10) {
            0..=3 => {
                let _ = self.coordinator.editor_unsaved(&label, Some("Jane Doe"));
                format!("{label} edits")
            }
            4..=5 => {
                let _ = self.coordinator.editor_unsaved(&label, None);
                format!("{label} saves")
            }
            6 if !self.coordinator.quit_status().editors.is_empty() => {
                self.coordinator.quit_requested();
                self.seen.quits_asked += 1;
                "quit".into()
            }
            6 => return "nothing".into(),
            _ => {
                // Mostly Cancel: a quit that goes ahead ends the schedule's
                // quitting for good, as it ends the app.
                let answer = [QuitAnswer::Save, QuitAnswer::Discard]
                    .get(self.rng.usize(..8))
                    .copied()
                    .unwrap_or(QuitAnswer::Cancel);
                if self.coordinator.quit_answer(&label, answer).is_ok() {
                    self.seen.quits_answered += 1;
                }
                format!("{label} answers the quit {answer:?}")
            }
        };
        self.deliver();
        what
    }

    /// A check finds an update, or a window answers it, or the download
    /// moves on.
    fn update(&mut self) -> String {
        let Some(label) = self.pick() else {
            return "nothing".into();
        };
        let what = match self.rng.u8(..6) {
            0 => {
                let version = format!("0.{}.0", self.rng.u8(2..4));
                self.coordinator
                    .update_found(UpdateOffer::new(version, "0.1.0".into(), None));
                "update found".into()
            }
            1 => {
                let answer = [
                    UpdateAnswer::Install,
                    UpdateAnswer::Later,
                    UpdateAnswer::Show,
                ][self.rng.usize(..3)];
                let _ = self.coordinator.update_answer(&label, answer);
                format!("{label} answers the update {answer:?}")
            }
            2 => {
                self.coordinator
                    .update_progressed(self.rng.u64(..100), Some(100));
                "download progress".into()
            }
            3 => {
                self.coordinator.update_installing();
                "installing".into()
            }
            _ => {
                self.coordinator.update_failed("bad signature".into());
                "update failed".into()
            }
        };
        self.deliver();
        what
    }

    /// The refresh that is due, answered at once: mostly a new token,
    /// sometimes the server unreachable, now and then the token revoked.
    fn refresh_if_due(&mut self) -> String {
        let now = self.now;
        let Some(job) = self.coordinator.session_refresh_due(now) else {
            return "nothing".into();
        };
        match self.rng.u8(..8) {
            0 | 1 => {
                let failure = RefreshFailure::Transient {
                    reason: "offline".into(),
                    retry_after: None,
                };
                self.coordinator
                    .session_refresh_failed(job.id, failure, self.rng.f64(), now);
            }
            2 => {
                let failure = RefreshFailure::Rejected(SignOutReason::Revoked);
                self.coordinator
                    .session_refresh_failed(job.id, failure, self.rng.f64(), now);
            }
            _ => {
                let grant = self.grant();
                self.coordinator.session_refreshed(job.id, grant, now);
            }
        }
        self.deliver();
        "refresh".into()
    }

    fn acquire(&mut self) -> String {
        let Some(label) = self.pick() else {
            return "nothing".into();
        };
        let name = LOCKS[self.rng.usize(..LOCKS.len())];
        let mode = if self.rng.bool() {
            LockMode::Exclusive
        } else {
            LockMode::Shared
        };
        let wait = [0, 500, 3_000][self.rng.usize(..3)];
        let ttl = [300, 2_000, 30_000][self.rng.usize(..3)];
        let request = LockRequest::new(name, Some(mode), Some(ttl), Some(wait)).unwrap();
        let seq = self.coordinator.last_seq();
        if let Ok(acquisition) = self.coordinator.lock_acquire(&label, request, self.now) {
            match acquisition {
                Acquisition::Granted(lease) => self.held.push((label.clone(), lease)),
                Acquisition::Queued(pending) => self.waiting.push((label.clone(), pending)),
            }
            self.deliver();
        } else {
            // Refusals (a deadlock, a taken try-lock, an unresponsive
            // window) change nothing.
            assert_eq!(
                self.coordinator.last_seq(),
                seq,
                "a refused request sent events"
            );
        }
        format!("acquire {name} by {label}")
    }

    /// Time passes: pages that are not hung beat every second, and the
    /// coordinator is ticked at every deadline in between, as the shell's
    /// task does.
    fn advance(&mut self) -> String {
        let ms = self.rng.u64(1..4_000);
        let until = self.now + Duration::from_millis(ms);
        let mut beat_at = self.now + Duration::from_secs(1);
        loop {
            let due = self.coordinator.next_deadline().filter(|&d| d <= until);
            let next = match due {
                Some(due) if due < beat_at.min(until) => due,
                _ if beat_at <= until => beat_at,
                _ => break,
            };
            self.now = next;
            self.coordinator.tick(next);
            self.deliver();
            // As the shell's task does after every tick.
            self.refresh_if_due();
            if next == beat_at {
                let beating: Vec<_> = self
                    .pages
                    .iter()
                    .filter(|(_, page)| !page.hung && page.copy.is_some())
                    .map(|(label, _)| WindowLabel::from(label.as_str()))
                    .collect();
                for label in beating {
                    let was_unresponsive = self.coordinator.windows().state(&label).unwrap()
                        == WindowState::Unresponsive;
                    self.coordinator.heartbeat(&label, next).unwrap();
                    self.deliver();
                    if was_unresponsive {
                        self.seen.recovered += 1;
                        let snapshot = self.coordinator.snapshot(&label).unwrap();
                        self.pages.get_mut(label.as_str()).unwrap().copy = Some(snapshot);
                    }
                }
                beat_at += Duration::from_secs(1);
            }
        }
        self.now = until;
        self.coordinator.tick(until);
        self.deliver();
        format!("advance {ms} ms")
    }

    /// Takes the events of the last transition, as the shell does after
    /// each one. Every page that is not hung applies them; a hung page misses
    /// them (and resyncs when it comes back).
    fn deliver(&mut self) {
        for envelope in &self.coordinator.take_events() {
            assert_eq!(envelope.seq, self.seq + 1, "gap in the event sequence");
            self.seq = envelope.seq;
            match &envelope.event {
                Event::WindowsChanged { windows } => {
                    self.seen.silenced += windows
                        .iter()
                        .filter(|w| w.state == WindowState::Unresponsive)
                        .count() as u64;
                }
                Event::AgencyChanged(_) => self.seen.agency_changes += 1,
                Event::SessionChanged(change) if change.session.user.is_none() => {
                    self.seen.sessions_ended += 1;
                }
                _ => {}
            }
            for page in self.pages.values_mut().filter(|page| !page.hung) {
                if let Some(copy) = &mut page.copy {
                    apply(copy, envelope);
                }
            }
        }
        // Answers to queued lock requests.
        let mut still = Vec::new();
        for (window, mut pending) in std::mem::take(&mut self.waiting) {
            match pending.try_outcome() {
                Some(Ok(lease)) => {
                    self.seen.granted_waiters += 1;
                    self.held.push((window, lease));
                }
                Some(Err(_)) => {}
                None => still.push((window, pending)),
            }
        }
        self.waiting = still;
        // Leases the coordinator ended are no longer ours to release.
        let live: BTreeSet<_> = self
            .coordinator
            .locks()
            .summaries()
            .iter()
            .flat_map(|lock| lock.holders.iter().map(|h| h.to_string()))
            .collect();
        self.held
            .retain(|(window, _)| live.contains(window.as_str()));
    }

    fn check(&self) -> Result<(), String> {
        let c = &self.coordinator;
        let windows = c.windows().summaries();
        let electable = windows.iter().any(|w| w.state.is_electable());
        let primary = c.election().primary();
        if primary.is_some() != electable {
            return Err(format!("primary {primary:?} with windows {windows:?}"));
        }
        if let Some(p) = &primary {
            if !c
                .windows()
                .state(&p.label)
                .map_err(|e| e.to_string())?
                .is_electable()
            {
                return Err(format!("primary {} is not electable", p.label));
            }
        }
        let state_of = |label: &str| {
            windows
                .iter()
                .find(|w| w.label.as_str() == label)
                .map(|w| w.state)
        };
        for lock in c.locks().summaries() {
            if lock.mode == LockMode::Exclusive && lock.holders.len() > 1 {
                return Err(format!(
                    "exclusive lock {} held by {:?}",
                    lock.name.as_str(),
                    lock.holders
                ));
            }
            for window in lock.holders.iter().chain(lock.waiting.iter()) {
                match state_of(window.as_str()) {
                    None => return Err(format!("{} held by closed {window}", lock.name.as_str())),
                    Some(WindowState::Unresponsive) => {
                        return Err(format!(
                            "{} held by unresponsive {window}",
                            lock.name.as_str()
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        let version = c.agency().summary().version;
        if version < self.agency_version {
            return Err(format!(
                "agency version went back: {} -> {version}",
                self.agency_version
            ));
        }
        for editor in &c.quit_status().editors {
            if state_of(editor.window.as_str()).is_none() {
                return Err(format!("closed {} holds unsaved changes", editor.window));
            }
        }
        if c.quit_status().is_pending() != (c.modal().required == Some(ModalKind::Quit)) {
            return Err(format!(
                "quit {:?} with modal {:?}",
                c.quit_status().stage,
                c.modal().required
            ));
        }
        if let Some(required) = c.modal().required {
            if c.modal().presenter != primary.as_ref().map(|p| p.label.clone()) {
                return Err(format!(
                    "{required:?} presented by {:?}, not the primary",
                    c.modal().presenter
                ));
            }
        }
        for (label, page) in &self.pages {
            let (Some(copy), false) = (&page.copy, page.hung) else {
                continue;
            };
            let fresh = c
                .snapshot(&WindowLabel::from(label.as_str()))
                .map_err(|e| e.to_string())?;
            let mut copy = copy.clone();
            // The page's own role comes from primary-changed.
            copy.self_.role = fresh.self_.role;
            if copy != fresh {
                return Err(format!(
                    "{label}'s copy differs from its snapshot:\n{copy:?}\n{fresh:?}"
                ));
            }
        }
        Ok(())
    }
}

/// A page applies an event to its copy, as `ui/js/store.js` does.
fn apply(copy: &mut Snapshot, envelope: &Envelope) {
    if envelope.seq != copy.seq + 1 {
        // A page that missed events (it was hung) resyncs; the simulation
        // replaces its copy when it recovers.
        return;
    }
    copy.seq = envelope.seq;
    match &envelope.event {
        Event::WindowsChanged { windows } => copy.windows = windows.clone(),
        Event::PrimaryChanged(change) => {
            copy.primary = change
                .label
                .clone()
                .map(|label| axolop_coordinator::PrimaryInfo {
                    label,
                    epoch: change.epoch,
                });
        }
        Event::LockChanged(change) => {
            copy.locks.retain(|lock| lock.name != change.lock.name);
            if !change.lock.is_free() {
                copy.locks.push(change.lock.clone());
                copy.locks
                    .sort_by(|a, b| a.name.as_str().cmp(b.name.as_str()));
            }
        }
        Event::SessionChanged(change) => copy.session = change.session.clone(),
        Event::ModalChanged(plan) => copy.modal = plan.clone(),
        Event::AgencyChanged(summary) => copy.agency = summary.clone(),
        Event::QuitChanged(quit) => copy.quit = quit.clone(),
        Event::UpdateChanged(update) => copy.update = update.clone(),
        Event::ContactsChanged(_) | Event::SyncChanged(_) | Event::LinkRefused(_) => {}
    }
}

fn run(seed: u64) -> Seen {
    let mut sim = Sim::new(seed);
    for step in 0..STEPS {
        let what = sim.step();
        if let Err(problem) = sim.check() {
            panic!(
                "seed {seed}, step {step} ({what}): {problem}\n\
                 replay with AXOLOP_SEED={seed} cargo test -p axolop-coordinator --test whole"
            );
        }
        sim.agency_version = sim.coordinator.agency().summary().version;
    }
    sim.seen
}

#[test]
fn every_invariant_holds_over_100_000_random_steps() {
    if let Some(seed) = std::env::var("AXOLOP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        run(seed);
        return;
    }
    let base = std::env::var("AXOLOP_SEED_BASE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..1_000_000));
    println!("seeds {base}..{}", base + SEEDS);
    let mut total = Seen::default();
    for seed in base..base + SEEDS {
        let seen = run(seed);
        total.silenced += seen.silenced;
        total.recovered += seen.recovered;
        total.granted_waiters += seen.granted_waiters;
        total.agency_changes += seen.agency_changes;
        total.sessions_ended += seen.sessions_ended;
        total.quits_asked += seen.quits_asked;
        total.quits_answered += seen.quits_answered;
    }
    println!("{total:?}");
    // The schedules reach every kind of change they are meant to mix.
    assert!(total.silenced > 100, "{total:?}");
    assert!(total.recovered > 100, "{total:?}");
    assert!(total.granted_waiters > 100, "{total:?}");
    assert!(total.agency_changes > 100, "{total:?}");
    assert!(total.sessions_ended > 100, "{total:?}");
    assert!(total.quits_asked > 50, "{total:?}");
    assert!(total.quits_answered > 15, "{total:?}");
}
