//! Randomised schedules of lock traffic: several windows acquiring (at once,
//! waiting, try-locking, shared and exclusive), releasing, extending, timing
//! out, reloading, hanging and closing, with injected time. After every step
//! it checks, against a model built only from what each caller was told:
//!
//! - mutual exclusion: one exclusive holder, or shared holders only;
//! - the coordinator's holders and waiters are exactly the model's, waiters
//!   in request order (FIFO), and no request is granted while an earlier one
//!   for the same lock still waits;
//! - no waiter is still waiting, or granted, past its deadline;
//! - fences strictly increase per lock;
//! - no cycle of waiting windows ever exists, and a request is refused as a
//!   deadlock only when it would have closed one;
//! - each window's load is what it holds and awaits;
//! - a replica built from `lock-changed` events equals the snapshot;
//! - once every window is gone, no lock, wait or timer is left.
//!
//! proptest prints the minimal failing schedule and persists its seed.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use axolop_coordinator::health::{HeartbeatTimeout, MAX_TIMEOUT};
use axolop_coordinator::lock::PendingLease;
use axolop_coordinator::{
    Acquisition, Coordinator, Error, Event, Lease, LockMode, LockRequest, LockSummary, WindowLabel,
    WindowState,
};
use proptest::prelude::*;

const LOCKS: [&str; 3] = ["agency", "contacts", "report"];
const WAITS_MS: [u64; 4] = [0, 200, 1_000, 5_000];
const TTLS_MS: [u64; 4] = [100, 500, 2_000, 30_000];

#[derive(Debug, Clone)]
enum Step {
    Open,
    Close(usize),
    Reload(usize),
    Hang(usize),
    Acquire {
        window: usize,
        lock: usize,
        shared: bool,
        wait: usize,
        ttl: usize,
    },
    Release(usize),
    Extend(usize),
    Advance(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => Just(Step::Open),
        1 => any::<usize>().prop_map(Step::Close),
        1 => any::<usize>().prop_map(Step::Reload),
        1 => any::<usize>().prop_map(Step::Hang),
        8 => (any::<usize>(), 0..LOCKS.len(), any::<bool>(), 0..WAITS_MS.len(), 0..TTLS_MS.len())
            .prop_map(|(window, lock, shared, wait, ttl)| Step::Acquire { window, lock, shared, wait, ttl }),
        4 => any::<usize>().prop_map(Step::Release),
        1 => any::<usize>().prop_map(Step::Extend),
        3 => (0u64..2_500).prop_map(Step::Advance),
    ]
}

/// Whether the directed graph has a cycle (depth-first search for a back
/// edge).
fn has_cycle(edges: &HashMap<WindowLabel, Vec<WindowLabel>>) -> bool {
    fn visit(
        node: &WindowLabel,
        edges: &HashMap<WindowLabel, Vec<WindowLabel>>,
        on_path: &mut HashMap<WindowLabel, bool>,
    ) -> bool {
        match on_path.get(node) {
            Some(true) => return true,
            Some(false) => return false,
            None => {}
        }
        on_path.insert(node.clone(), true);
        for next in edges.get(node).into_iter().flatten() {
            if visit(next, edges, on_path) {
                return true;
            }
        }
        on_path.insert(node.clone(), false);
        false
    }
    let mut on_path = HashMap::new();
    edges.keys().any(|node| visit(node, edges, &mut on_path))
}

/// One request as its caller saw it.
struct Request {
    window: WindowLabel,
    lock: &'static str,
    mode: LockMode,
    deadline: Instant,
    state: RequestState,
}

enum RequestState {
    Waiting(PendingLease),
    Holding(Lease),
    Done,
}

struct Model {
    coordinator: Coordinator,
    now: Instant,
    /// Every request that was not refused, in request order.
    requests: Vec<Request>,
    /// The highest fence granted per lock.
    fences: HashMap<&'static str, u64>,
    /// Locks as the events describe them.
    replica: BTreeMap<String, LockSummary>,
    seq: u64,
}

impl Model {
    fn new() -> Self {
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
            fences: HashMap::new(),
            replica: BTreeMap::new(),
            seq: 0,
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

    /// Takes the events of the last transition and applies them.
    fn apply(&mut self) -> Result<(), TestCaseError> {
        for envelope in self.coordinator.take_events() {
            prop_assert_eq!(envelope.seq, self.seq + 1, "gap in the event sequence");
            self.seq = envelope.seq;
            if let Event::LockChanged(change) = envelope.event {
                // Leases that ended are over for their holders.
                for end in &change.ended {
                    for request in &mut self.requests {
                        if let RequestState::Holding(lease) = &request.state {
                            if request.window == end.window && lease.fence == end.fence {
                                request.state = RequestState::Done;
                            }
                        }
                    }
                }
                let name = change.lock.name.as_str().to_owned();
                if change.lock.is_free() {
                    self.replica.remove(&name);
                } else {
                    self.replica.insert(name, change.lock);
                }
            }
        }
        Ok(())
    }

    fn step(&mut self, step: &Step) -> Result<(), TestCaseError> {
        self.now += Duration::from_millis(10);
        self.coordinator.tick(self.now);
        self.apply()?;
        self.collect_answers()?;
        let now = self.now;
        match step {
            Step::Open => {
                let label = self.coordinator.next_label();
                self.coordinator.window_opened(label.clone(), now).unwrap();
                self.coordinator.window_attached(&label, now).unwrap();
            }
            Step::Close(i) | Step::Reload(i) | Step::Hang(i) => {
                let Some(label) = self.pick(*i) else {
                    return Ok(());
                };
                match step {
                    Step::Close(_) => self.coordinator.window_closed(&label, now).unwrap(),
                    Step::Reload(_) => self.coordinator.window_reloaded(&label, now).unwrap(),
                    _ => self.coordinator.window_unresponsive(&label, now).unwrap(),
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
                let deadline = now + request.wait();
                match self.coordinator.lock_acquire(&label, request, now) {
                    Ok(acquisition) => {
                        let state = match acquisition {
                            Acquisition::Granted(lease) => {
                                self.check_fence(LOCKS[*lock], &lease)?;
                                RequestState::Holding(lease)
                            }
                            Acquisition::Queued(pending) => {
                                prop_assert!(WAITS_MS[*wait] > 0, "a try-lock was queued");
                                RequestState::Waiting(pending)
                            }
                        };
                        self.requests.push(Request {
                            window: label,
                            lock: LOCKS[*lock],
                            mode,
                            deadline,
                            state,
                        });
                    }
                    Err(Error::LockUnavailable { .. }) => {
                        prop_assert_eq!(
                            WAITS_MS[*wait],
                            0,
                            "only a try-lock is refused as unavailable"
                        );
                    }
                    Err(Error::WindowUnresponsive { .. }) => {
                        prop_assert_eq!(
                            self.coordinator.windows().state(&label).unwrap(),
                            WindowState::Unresponsive,
                            "a responsive window was refused as unresponsive"
                        );
                    }
                    Err(Error::Deadlock { .. }) => {
                        prop_assert!(
                            self.would_deadlock(&label, LOCKS[*lock], mode),
                            "refused as a deadlock without a cycle"
                        );
                    }
                    Err(Error::AlreadyRequested { .. }) => {
                        let asked = self.requests.iter().any(|r| {
                            r.window == label
                                && r.lock == LOCKS[*lock]
                                && !matches!(r.state, RequestState::Done)
                        });
                        prop_assert!(asked, "refused as asked twice, but it was not");
                    }
                    Err(other) => return Err(TestCaseError::fail(format!("unexpected {other}"))),
                }
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
                let (window, token) = (request.window.clone(), lease.token);
                if let Step::Release(_) = step {
                    self.coordinator.lock_release(&window, token, now).unwrap();
                    self.requests[index].state = RequestState::Done;
                } else {
                    let extended = self
                        .coordinator
                        .lock_extend(&window, token, 500, now)
                        .unwrap();
                    prop_assert_eq!(extended.expires_at, now + Duration::from_millis(500));
                    self.requests[index].state = RequestState::Holding(extended);
                }
            }
            Step::Advance(ms) => {
                // As the shell's timer does: wake at each deadline in turn.
                let until = self.now + Duration::from_millis(*ms);
                while let Some(due) = self.coordinator.next_deadline().filter(|&due| due <= until) {
                    self.now = due;
                    self.coordinator.tick(due);
                    self.apply()?;
                    self.collect_answers()?;
                    self.check()?;
                }
                self.now = until;
                self.coordinator.tick(until);
            }
        }
        self.apply()?;
        self.collect_answers()?;
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

    /// Reads the answers that arrived for waiting requests, checking that
    /// none came after its deadline and that grants went first come, first
    /// served.
    fn collect_answers(&mut self) -> Result<(), TestCaseError> {
        let now = self.now;
        for index in 0..self.requests.len() {
            let RequestState::Waiting(pending) = &mut self.requests[index].state else {
                continue;
            };
            let Some(outcome) = pending.try_outcome() else {
                continue;
            };
            let request = &self.requests[index];
            match outcome {
                Ok(lease) => {
                    prop_assert!(now <= request.deadline, "granted after its deadline");
                    let earlier_waiting = self.requests[..index].iter().any(|r| {
                        r.lock == request.lock && matches!(r.state, RequestState::Waiting(_))
                    });
                    prop_assert!(
                        !earlier_waiting,
                        "a later request overtook one still waiting"
                    );
                    let lock = request.lock;
                    self.check_fence(lock, &lease)?;
                    self.requests[index].state = RequestState::Holding(lease);
                }
                Err(Error::LockTimeout { .. }) => {
                    prop_assert!(now >= request.deadline, "timed out early");
                    self.requests[index].state = RequestState::Done;
                }
                Err(Error::WaitCancelled { .. }) => self.requests[index].state = RequestState::Done,
                Err(other) => return Err(TestCaseError::fail(format!("unexpected {other}"))),
            }
        }
        Ok(())
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

    /// The wait-for graph: a waiter waits for every holder of its lock, and
    /// for every earlier waiter it cannot share with. `extra` is one more
    /// request, queued last.
    fn edges(
        &self,
        extra: Option<(&WindowLabel, &str, LockMode)>,
    ) -> HashMap<WindowLabel, Vec<WindowLabel>> {
        let waiting = self
            .requests
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.state, RequestState::Waiting(_)))
            .map(|(index, r)| (index, &r.window, r.lock, r.mode))
            .chain(extra.map(|(window, lock, mode)| (self.requests.len(), window, lock, mode)));
        let mut edges: HashMap<WindowLabel, Vec<WindowLabel>> = HashMap::new();
        for (index, window, lock, mode) in waiting {
            let targets = self
                .requests
                .iter()
                .enumerate()
                .filter(|(position, other)| {
                    other.lock == lock
                        && *position != index
                        && match other.state {
                            RequestState::Holding(_) => true,
                            RequestState::Waiting(_) => {
                                *position < index
                                    && !(other.mode == LockMode::Shared && mode == LockMode::Shared)
                            }
                            RequestState::Done => false,
                        }
                })
                .map(|(_, other)| other.window.clone());
            edges.entry(window.clone()).or_default().extend(targets);
        }
        edges
    }

    fn wait_for_graph_is_acyclic(&self) -> bool {
        !has_cycle(&self.edges(None))
    }

    /// Whether `window` waiting for `lock` in `mode` would close a cycle.
    fn would_deadlock(&self, window: &WindowLabel, lock: &str, mode: LockMode) -> bool {
        has_cycle(&self.edges(Some((window, lock, mode))))
    }

    /// Closes every window; afterwards nothing may be left.
    fn close_all(&mut self) -> Result<(), TestCaseError> {
        while let Some(label) = self.pick(0) {
            self.coordinator.window_closed(&label, self.now).unwrap();
            self.apply()?;
            self.collect_answers()?;
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn locks_stay_exclusive_fair_fenced_and_deadlock_free_under_any_schedule(
        schedule in prop::collection::vec(step(), 1..80)
    ) {
        let mut model = Model::new();
        for step in &schedule {
            model.step(step)?;
        }
        model.close_all()?;
    }
}
