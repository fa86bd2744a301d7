//! The model the schedules are checked against: every request as its
//! caller saw it, the windows the schedule hung, and the locks as the events
//! describe them. It steps the coordinator as the shell does (a tick before
//! each transition, the events taken after it) and checks after each step.

mod endings;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use axolop_coordinator::health::{HeartbeatTimeout, MAX_TIMEOUT};
use axolop_coordinator::lock::{EndReason, PendingLease};
use axolop_coordinator::{
    Acquisition, Coordinator, Error, Lease, LockMode, LockRequest, LockSummary, WindowLabel,
};
use proptest::prelude::*;

use self::endings::Cause;
use crate::waits::{edges, has_cycle};
use crate::{Seen, Step, LOCKS, TTLS_MS, WAITS_MS};

/// One request as its caller saw it.
pub(crate) struct Request {
    pub(crate) window: WindowLabel,
    pub(crate) lock: &'static str,
    pub(crate) mode: LockMode,
    pub(crate) ttl: Duration,
    pub(crate) wait: Duration,
    pub(crate) deadline: Instant,
    pub(crate) state: RequestState,
}

/// Where a request stands, as its caller was told.
pub(crate) enum RequestState {
    Waiting(PendingLease),
    Holding(Lease),
    Done,
}

/// The coordinator under test and what its callers were told.
pub(crate) struct Model {
    coordinator: Coordinator,
    now: Instant,
    /// Every request that was not refused, in request order.
    requests: Vec<Request>,
    /// The windows the schedule hung (they never beat again).
    hung: HashSet<WindowLabel>,
    /// The highest fence granted per lock.
    fences: HashMap<&'static str, u64>,
    /// Locks as the events describe them.
    replica: BTreeMap<String, LockSummary>,
    seq: u64,
    pub(crate) seen: Seen,
}

impl Model {
    pub(crate) fn new() -> Self {
        // Pages beat every second in the app; here no window goes silent for
        // the longest timeout (a schedule spans at most 200 s), so every
        // departure is one the schedule chose.
        let mut coordinator = Coordinator::new();
        coordinator.set_heartbeat_timeout(
            HeartbeatTimeout::from_millis(MAX_TIMEOUT.as_millis() as u64).unwrap(),
        );
        Self {
            coordinator,
            now: Instant::now(),
            requests: Vec::new(),
            hung: HashSet::new(),
            fences: HashMap::new(),
            replica: BTreeMap::new(),
            seq: 0,
            seen: Seen::default(),
        }
    }

    fn pick(&self, index: usize) -> Option<WindowLabel> {
        let windows = self.coordinator.windows().summaries();
        (!windows.is_empty()).then(|| windows[index % windows.len()].label.clone())
    }

    fn holding(&self) -> Vec<usize> {
        (0..self.requests.len())
            .filter(|&i| matches!(self.requests[i].state, RequestState::Holding(_)))
            .collect()
    }

    /// One step of a schedule, then every check.
    pub(crate) fn step(&mut self, step: &Step) -> Result<(), TestCaseError> {
        self.now += Duration::from_millis(10);
        self.coordinator.tick(self.now);
        self.settle(Cause::Tick)?;
        let now = self.now;
        let cause = match step {
            Step::Open => {
                let label = self.coordinator.next_label();
                self.coordinator.window_opened(label.clone(), now).unwrap();
                self.coordinator.window_attached(&label, now).unwrap();
                Cause::Nothing
            }
            Step::Close(i) | Step::Reload(i) | Step::Hang(i) => {
                let Some(label) = self.pick(*i) else {
                    return Ok(());
                };
                let reason = match step {
                    Step::Close(_) => {
                        self.coordinator.window_closed(&label, now).unwrap();
                        self.hung.remove(&label);
                        EndReason::WindowClosed
                    }
                    Step::Reload(_) => {
                        self.coordinator.window_reloaded(&label, now).unwrap();
                        EndReason::WindowReloaded
                    }
                    _ => {
                        self.coordinator.window_unresponsive(&label, now).unwrap();
                        self.hung.insert(label.clone());
                        EndReason::WindowUnresponsive
                    }
                };
                Cause::Departure {
                    window: label,
                    reason,
                }
            }
            Step::Acquire {
                window,
                lock,
                shared,
                wait,
                ttl,
            } => {
                let Some(label) = self.pick(*window) else {
                    return Ok(());
                };
                let mode = if *shared {
                    LockMode::Shared
                } else {
                    LockMode::Exclusive
                };
                let request = LockRequest::new(
                    LOCKS[*lock],
                    Some(mode),
                    Some(TTLS_MS[*ttl]),
                    Some(WAITS_MS[*wait]),
                )
                .unwrap();
                let (ttl, wait) = (request.ttl(), request.wait());
                let grantable = self.grantable(LOCKS[*lock], mode);
                let hung = self.hung.contains(&label);
                match self.coordinator.lock_acquire(&label, request, now) {
                    Ok(acquisition) => {
                        prop_assert!(!hung, "{} is hung but was served", label);
                        let state = match acquisition {
                            Acquisition::Granted(lease) => {
                                prop_assert!(grantable, "granted at once past holders or waiters");
                                prop_assert_eq!(lease.expires_at, now + ttl, "lease time");
                                self.check_fence(LOCKS[*lock], &lease)?;
                                RequestState::Holding(lease)
                            }
                            Acquisition::Queued(pending) => {
                                prop_assert!(!wait.is_zero(), "a try-lock was queued");
                                prop_assert!(!grantable, "queued, but the lock was free for it");
                                RequestState::Waiting(pending)
                            }
                        };
                        self.requests.push(Request {
                            window: label,
                            lock: LOCKS[*lock],
                            mode,
                            ttl,
                            wait,
                            deadline: now + wait,
                            state,
                        });
                    }
                    Err(Error::LockUnavailable { .. }) => {
                        self.seen.unavailable += 1;
                        prop_assert!(wait.is_zero(), "only a try-lock is refused as unavailable");
                        prop_assert!(!grantable, "refused as unavailable, but it was free");
                    }
                    Err(Error::WindowUnresponsive { .. }) => {
                        self.seen.unresponsive += 1;
                        prop_assert!(hung, "a responsive window was refused as unresponsive");
                    }
                    Err(Error::Deadlock { .. }) => {
                        self.seen.deadlocks += 1;
                        prop_assert!(
                            self.would_deadlock(&label, LOCKS[*lock], mode),
                            "refused as a deadlock without a cycle"
                        );
                    }
                    Err(Error::AlreadyRequested { .. }) => {
                        self.seen.asked_twice += 1;
                        let asked = self.requests.iter().any(|r| {
                            r.window == label
                                && r.lock == LOCKS[*lock]
                                && !matches!(r.state, RequestState::Done)
                        });
                        prop_assert!(asked, "refused as asked twice, but it was not");
                    }
                    Err(other) => return Err(TestCaseError::fail(format!("unexpected {other}"))),
                }
                Cause::Nothing
            }
            Step::Release(i) | Step::Extend(i) => {
                let holding = self.holding();
                if holding.is_empty() {
                    return Ok(());
                }
                let index = holding[i % holding.len()];
                let request = &self.requests[index];
                let RequestState::Holding(lease) = &request.state else {
                    unreachable!()
                };
                let (window, token, fence) = (request.window.clone(), lease.token, lease.fence);
                if let Step::Release(_) = step {
                    // The lease ends by the release's own event.
                    self.coordinator.lock_release(&window, token, now).unwrap();
                    Cause::Release { window, fence }
                } else {
                    let extended = self
                        .coordinator
                        .lock_extend(&window, token, 500, now)
                        .unwrap();
                    prop_assert_eq!(extended.expires_at, now + Duration::from_millis(500));
                    self.requests[index].state = RequestState::Holding(extended);
                    Cause::Nothing
                }
            }
            Step::Advance(ms) => {
                // As the shell's timer does: wake at each deadline in turn.
                let until = self.now + Duration::from_millis(*ms);
                while let Some(due) = self.coordinator.next_deadline().filter(|&due| due <= until) {
                    self.now = due;
                    self.coordinator.tick(due);
                    self.settle(Cause::Tick)?;
                    self.check()?;
                }
                self.now = until;
                self.coordinator.tick(until);
                Cause::Tick
            }
        };
        self.settle(cause)?;
        self.check()?;
        // Finished requests matter no more; keeping the rest in order keeps
        // the checks linear in what is live.
        self.requests
            .retain(|r| !matches!(r.state, RequestState::Done));
        Ok(())
    }

    fn check_fence(&mut self, lock: &'static str, lease: &Lease) -> Result<(), TestCaseError> {
        let last = self.fences.insert(lock, lease.fence).unwrap_or(0);
        prop_assert!(
            lease.fence > last,
            "fence {} after {} on {}",
            lease.fence,
            last,
            lock
        );
        Ok(())
    }

    /// Whether a request for `lock` in `mode` is granted at once, by the
    /// model's holders and waiters: nobody waits for the lock, and nobody
    /// holds it or everybody holds it shared, as this asks.
    fn grantable(&self, lock: &str, mode: LockMode) -> bool {
        self.requests
            .iter()
            .filter(|r| r.lock == lock)
            .all(|r| match r.state {
                RequestState::Done => true,
                RequestState::Holding(_) => r.mode == LockMode::Shared && mode == LockMode::Shared,
                RequestState::Waiting(_) => false,
            })
    }

    fn check(&self) -> Result<(), TestCaseError> {
        let summaries = self.coordinator.locks().summaries();
        for lock in LOCKS {
            let holders: Vec<&Request> = self
                .requests
                .iter()
                .filter(|r| r.lock == lock && matches!(r.state, RequestState::Holding(_)))
                .collect();
            let waiting: Vec<&Request> = self
                .requests
                .iter()
                .filter(|r| r.lock == lock && matches!(r.state, RequestState::Waiting(_)))
                .collect();
            // Mutual exclusion and shared/exclusive compatibility.
            let exclusive = holders
                .iter()
                .filter(|r| r.mode == LockMode::Exclusive)
                .count();
            prop_assert!(
                exclusive == 0 || holders.len() == 1,
                "{} holders on {} with an exclusive one",
                holders.len(),
                lock
            );
            // The coordinator agrees with what callers were told.
            let summary = summaries.iter().find(|s| s.name.as_str() == lock);
            let mut told: Vec<_> = holders.iter().map(|r| r.window.clone()).collect();
            let mut listed = summary.map(|s| s.holders.clone()).unwrap_or_default();
            told.sort();
            listed.sort();
            prop_assert_eq!(told, listed, "holders of {}", lock);
            let queued: Vec<_> = waiting.iter().map(|r| r.window.clone()).collect();
            prop_assert_eq!(
                queued,
                summary.map(|s| s.waiting.clone()).unwrap_or_default(),
                "waiters of {}",
                lock
            );
            // Nobody waits past the deadline.
            for request in &waiting {
                prop_assert!(
                    request.deadline > self.now,
                    "still waiting past its deadline"
                );
            }
        }
        prop_assert!(
            self.wait_for_graph_is_acyclic(),
            "a cycle of waiting windows formed"
        );
        for window in self.coordinator.windows().summaries() {
            let load = self
                .requests
                .iter()
                .filter(|r| r.window == window.label && !matches!(r.state, RequestState::Done))
                .count();
            prop_assert_eq!(self.coordinator.locks().load_of(&window.label), load);
        }
        let replica: Vec<_> = self.replica.values().cloned().collect();
        prop_assert_eq!(&replica, &summaries, "replica from events");
        prop_assert_eq!(self.seq, self.coordinator.last_seq());
        if self.coordinator.windows().summaries().is_empty() {
            prop_assert!(summaries.is_empty(), "locks left with no window open");
            prop_assert_eq!(self.coordinator.next_deadline(), None);
        }
        Ok(())
    }

    fn wait_for_graph_is_acyclic(&self) -> bool {
        !has_cycle(&edges(&self.requests, None))
    }

    /// Whether `window` waiting for `lock` in `mode` would close a cycle.
    fn would_deadlock(&self, window: &WindowLabel, lock: &str, mode: LockMode) -> bool {
        has_cycle(&edges(&self.requests, Some((window, lock, mode))))
    }

    /// Closes every window; afterwards nothing may be left.
    pub(crate) fn close_all(&mut self) -> Result<(), TestCaseError> {
        while let Some(label) = self.pick(0) {
            self.coordinator.window_closed(&label, self.now).unwrap();
            self.hung.remove(&label);
            self.settle(Cause::Departure {
                window: label,
                reason: EndReason::WindowClosed,
            })?;
        }
        self.check()?;
        for request in &self.requests {
            prop_assert!(
                matches!(request.state, RequestState::Done),
                "a request outlived its window"
            );
        }
        self.requests.clear();
        Ok(())
    }
}
