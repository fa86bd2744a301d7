//! The lock table: who holds and who awaits each named lock.
//!
//! Invariants, after every public method:
//! - a lock's holders are one exclusive holder or any number of shared ones;
//! - the head of a lock's queue cannot be granted (otherwise it would have
//!   been): grants are strictly first come, first served, so a waiting
//!   exclusive request is never overtaken by later shared ones;
//! - every lease and every waiter has exactly one timer (its expiry or its
//!   deadline), and a window's load counts exactly its leases and waiters;
//! - a lock nobody holds or awaits has no entry (fences come from one
//!   counter for the whole table, so they still rise per name).
//!
//! Time only moves when the caller says so: [`LockTable::expire`] ends what
//! is due at `now`, and the caller runs it before any other operation.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::lease::Lease;
use super::request::{LockMode, LockName, LockRequest, LockToken, MAX_PER_WINDOW};
use super::summary::{EndReason, LeaseEnd, LockChange, LockSummary};
use super::waits::{self, Wait};
use crate::error::{Error, Result};
use crate::window::WindowLabel;

/// Every named lock that is held or awaited.
#[derive(Debug, Default)]
pub struct LockTable {
    locks: HashMap<LockName, Entry>,
    books: Books,
}

/// The indexes kept beside the locks, split out so a lock's entry and the
/// books can be borrowed together.
#[derive(Debug, Default)]
struct Books {
    /// Live leases by ticket (a lease's token is its request's ticket).
    leases: HashMap<u64, LeaseRecord>,
    /// Queued requests by ticket: the lock each waits for.
    queued: HashMap<u64, LockName>,
    /// Lease expiries and wait deadlines, earliest first.
    timers: BTreeSet<(Instant, u64)>,
    /// How many locks each window holds or awaits.
    load: HashMap<WindowLabel, usize>,
    last_fence: u64,
    last_ticket: u64,
}

#[derive(Debug)]
struct Entry {
    holders: Vec<Holder>,
    queue: VecDeque<Waiter>,
    /// The holders' mode; with none, the mode of the last grant.
    mode: LockMode,
    /// The fence of the newest grant.
    fence: u64,
}

#[derive(Debug)]
struct Holder {
    ticket: u64,
    window: WindowLabel,
}

#[derive(Debug)]
struct Waiter {
    ticket: u64,
    window: WindowLabel,
    mode: LockMode,
    ttl: Duration,
    since: Instant,
    deadline: Instant,
    reply: oneshot::Sender<Result<Lease>>,
}

#[derive(Debug)]
struct LeaseRecord {
    name: LockName,
    window: WindowLabel,
    mode: LockMode,
    fence: u64,
    expires_at: Instant,
}

impl LeaseRecord {
    fn lease(&self, ticket: u64) -> Lease {
        Lease {
            token: LockToken(ticket),
            name: self.name.clone(),
            mode: self.mode,
            fence: self.fence,
            expires_at: self.expires_at,
        }
    }
}

/// The outcome of a request that was not refused.
#[derive(Debug)]
pub enum Acquisition {
    /// Granted at once.
    Granted(Lease),
    /// Queued: the answer comes when the lock is granted, the wait runs out,
    /// or the window leaves.
    Queued(PendingLease),
}

/// A queued request's answer, still to come.
#[derive(Debug)]
pub struct PendingLease {
    reply: oneshot::Receiver<Result<Lease>>,
}

impl PendingLease {
    /// Waits for the answer.
    pub async fn outcome(self) -> Result<Lease> {
        self.reply.await.unwrap_or(Err(Error::Shutdown))
    }

    /// The answer, if it has come.
    pub fn try_outcome(&mut self) -> Option<Result<Lease>> {
        match self.reply.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(Error::Shutdown)),
        }
    }
}

impl Entry {
    fn new(mode: LockMode) -> Self {
        Self {
            holders: Vec::new(),
            queue: VecDeque::new(),
            mode,
            fence: 0,
        }
    }

    /// Whether a request in `mode` could hold alongside the current holders.
    fn admits(&self, mode: LockMode) -> bool {
        self.holders.is_empty() || mode.compatible_with(self.mode)
    }

    fn involves(&self, window: &WindowLabel) -> Option<bool> {
        if self.holders.iter().any(|h| &h.window == window) {
            Some(true)
        } else if self.queue.iter().any(|w| &w.window == window) {
            Some(false)
        } else {
            None
        }
    }

    fn summary(&self, name: &LockName) -> LockSummary {
        let mode = match (self.holders.is_empty(), self.queue.front()) {
            (true, Some(first)) => first.mode,
            _ => self.mode,
        };
        LockSummary {
            name: name.clone(),
            mode,
            holders: self.holders.iter().map(|h| h.window.clone()).collect(),
            waiting: self.queue.iter().map(|w| w.window.clone()).collect(),
            fence: self.fence,
        }
    }

    /// The windows a request in `mode` waits on when queued at `position`:
    /// every holder, and every request ahead it cannot share with.
    fn blockers(&self, mode: LockMode, position: usize) -> impl Iterator<Item = &WindowLabel> {
        let ahead = self.queue.iter().take(position);
        self.holders.iter().map(|h| &h.window).chain(
            ahead
                .filter(move |w| !w.mode.compatible_with(mode))
                .map(|w| &w.window),
        )
    }
}

impl Books {
    fn next_ticket(&mut self) -> u64 {
        self.last_ticket += 1;
        self.last_ticket
    }

    fn add_load(&mut self, window: &WindowLabel) {
        *self.load.entry(window.clone()).or_default() += 1;
    }

    fn drop_load(&mut self, window: &WindowLabel) {
        if let Some(count) = self.load.get_mut(window) {
            *count -= 1;
            if *count == 0 {
                self.load.remove(window);
            }
        }
    }

    /// Makes `window` a holder of `entry` under `ticket`.
    #[allow(clippy::too_many_arguments)]
    fn grant(
        &mut self,
        entry: &mut Entry,
        name: &LockName,
        ticket: u64,
        window: &WindowLabel,
        mode: LockMode,
        ttl: Duration,
        now: Instant,
    ) -> Lease {
        self.last_fence += 1;
        let record = LeaseRecord {
            name: name.clone(),
            window: window.clone(),
            mode,
            fence: self.last_fence,
            expires_at: now + ttl,
        };
        let lease = record.lease(ticket);
        self.timers.insert((record.expires_at, ticket));
        self.leases.insert(ticket, record);
        entry.mode = mode;
        entry.fence = self.last_fence;
        entry.holders.push(Holder {
            ticket,
            window: window.clone(),
        });
        lease
    }

    /// Grants the head of the queue, and every request after it that can
    /// hold alongside, in order. A waiter whose caller is gone is skipped:
    /// a lease nobody can release would only block the others until it
    /// expired.
    fn promote(&mut self, entry: &mut Entry, name: &LockName, now: Instant) {
        while entry
            .queue
            .front()
            .is_some_and(|head| entry.admits(head.mode))
        {
            let Some(waiter) = entry.queue.pop_front() else {
                break;
            };
            self.queued.remove(&waiter.ticket);
            self.timers.remove(&(waiter.deadline, waiter.ticket));
            if waiter.reply.is_closed() {
                self.drop_load(&waiter.window);
                continue;
            }
            let lease = self.grant(
                entry,
                name,
                waiter.ticket,
                &waiter.window,
                waiter.mode,
                waiter.ttl,
                now,
            );
            if waiter.reply.send(Ok(lease)).is_err() {
                // The caller went away between the check and the send.
                self.end_lease(entry, waiter.ticket, EndReason::Released);
            }
        }
    }

    /// Ends a live lease of `entry`.
    fn end_lease(&mut self, entry: &mut Entry, ticket: u64, reason: EndReason) -> Option<LeaseEnd> {
        let record = self.leases.remove(&ticket)?;
        self.timers.remove(&(record.expires_at, ticket));
        self.drop_load(&record.window);
        entry.holders.retain(|h| h.ticket != ticket);
        Some(LeaseEnd {
            window: record.window,
            fence: record.fence,
            reason,
        })
    }

    /// Takes a waiter out of `entry`'s queue and tells it `why`.
    fn withdraw(&mut self, entry: &mut Entry, ticket: u64, why: impl FnOnce(&Waiter) -> Error) {
        self.queued.remove(&ticket);
        let Some(position) = entry.queue.iter().position(|w| w.ticket == ticket) else {
            return;
        };
        let Some(waiter) = entry.queue.remove(position) else {
            return;
        };
        self.timers.remove(&(waiter.deadline, ticket));
        self.drop_load(&waiter.window);
        let error = why(&waiter);
        // A caller that stopped waiting needs no answer.
        let _ = waiter.reply.send(Err(error));
    }
}

/// Changes gathered over one operation, one per lock touched.
#[derive(Default)]
struct Touched(Vec<(LockName, Vec<LeaseEnd>)>);

impl Touched {
    fn lock(&mut self, name: &LockName) -> &mut Vec<LeaseEnd> {
        let index = match self.0.iter().position(|(n, _)| n == name) {
            Some(index) => index,
            None => {
                self.0.push((name.clone(), Vec::new()));
                self.0.len() - 1
            }
        };
        &mut self.0[index].1
    }
}

impl LockTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Grants `request` to `window` at once, queues it, or refuses it.
    ///
    /// Refused without any change: a lock the window already holds or awaits
    /// (waiting would wait for itself), more than [`MAX_PER_WINDOW`] locks,
    /// a try-lock (`wait` zero) that cannot be granted now, and a wait that
    /// would close a cycle of waiting windows.
    pub fn acquire(
        &mut self,
        window: &WindowLabel,
        request: LockRequest,
        now: Instant,
    ) -> Result<(Acquisition, LockChange)> {
        let LockRequest {
            name,
            mode,
            ttl,
            wait,
        } = request;
        let existing = self.locks.get(&name);
        if let Some(held) = existing.and_then(|entry| entry.involves(window)) {
            return Err(Error::AlreadyRequested {
                name,
                window: window.clone(),
                held,
            });
        }
        if self.books.load.get(window).copied().unwrap_or(0) >= MAX_PER_WINDOW {
            return Err(Error::TooMany {
                window: window.clone(),
                limit: MAX_PER_WINDOW,
            });
        }
        let grantable = existing.is_none_or(|entry| entry.queue.is_empty() && entry.admits(mode));
        if !grantable {
            let entry = existing.expect("only an existing lock can be busy");
            if wait.is_zero() {
                return Err(Error::LockUnavailable {
                    summary: entry.summary(&name),
                });
            }
            let blockers: Vec<_> = entry.blockers(mode, entry.queue.len()).cloned().collect();
            if let Some(cycle) = waits::cycle_through(window, &name, &blockers, self.waits()) {
                return Err(Error::Deadlock { cycle });
            }
        }

        let books = &mut self.books;
        let ticket = books.next_ticket();
        books.add_load(window);
        let entry = self
            .locks
            .entry(name.clone())
            .or_insert_with(|| Entry::new(mode));
        let acquisition = if grantable {
            Acquisition::Granted(books.grant(entry, &name, ticket, window, mode, ttl, now))
        } else {
            let (reply, pending) = oneshot::channel();
            let deadline = now + wait;
            entry.queue.push_back(Waiter {
                ticket,
                window: window.clone(),
                mode,
                ttl,
                since: now,
                deadline,
                reply,
            });
            books.queued.insert(ticket, name.clone());
            books.timers.insert((deadline, ticket));
            Acquisition::Queued(PendingLease { reply: pending })
        };
        let change = LockChange {
            lock: entry.summary(&name),
            ended: Vec::new(),
        };
        Ok((acquisition, change))
    }

    /// Ends `window`'s lease `token` and grants the next waiters.
    pub fn release(
        &mut self,
        window: &WindowLabel,
        token: LockToken,
        now: Instant,
    ) -> Result<LockChange> {
        let name = self.live_lease(window, token, now)?.name.clone();
        let mut touched = Touched::default();
        let entry = self
            .locks
            .get_mut(&name)
            .expect("a live lease has an entry");
        let ended = touched.lock(&name);
        ended.extend(self.books.end_lease(entry, token.0, EndReason::Released));
        self.books.promote(entry, &name, now);
        Ok(self.settle(touched).remove(0))
    }

    /// Moves the expiry of `window`'s lease `token` to `now + ttl`.
    pub fn extend(
        &mut self,
        window: &WindowLabel,
        token: LockToken,
        ttl: Duration,
        now: Instant,
    ) -> Result<Lease> {
        let old = self.live_lease(window, token, now)?.expires_at;
        let books = &mut self.books;
        let record = books.leases.get_mut(&token.0).expect("checked live");
        record.expires_at = now + ttl;
        books.timers.remove(&(old, token.0));
        books.timers.insert((record.expires_at, token.0));
        Ok(record.lease(token.0))
    }

    /// `window`'s lease `token`, if it is still live.
    pub fn check(&self, window: &WindowLabel, token: LockToken, now: Instant) -> Option<Lease> {
        self.live_lease(window, token, now)
            .ok()
            .map(|record| record.lease(token.0))
    }

    /// Ends every lease and wait that is due at `now`, in the order they fell
    /// due, granting waiters as locks free up.
    pub fn expire(&mut self, now: Instant) -> Vec<LockChange> {
        let mut touched = Touched::default();
        while let Some(&(due, ticket)) = self.books.timers.first() {
            if due > now {
                break;
            }
            let name = match self.books.leases.get(&ticket) {
                Some(record) => record.name.clone(),
                None => match self.books.queued.get(&ticket) {
                    Some(name) => name.clone(),
                    None => {
                        // Unreachable by the invariants; never spin on it.
                        self.books.timers.remove(&(due, ticket));
                        continue;
                    }
                },
            };
            let entry = self
                .locks
                .get_mut(&name)
                .expect("a timer's lock has an entry");
            if let Some(end) = self.books.end_lease(entry, ticket, EndReason::Expired) {
                touched.lock(&name).push(end);
            } else {
                self.books
                    .withdraw(entry, ticket, |waiter| Error::LockTimeout {
                        name: name.clone(),
                        waited: due - waiter.since,
                    });
                touched.lock(&name);
            }
            self.books.promote(entry, &name, now);
        }
        self.settle(touched)
    }

    /// Ends every lease and wait of `window`, for `reason`, and grants the
    /// next waiters of every lock it held.
    pub fn release_window(
        &mut self,
        window: &WindowLabel,
        reason: EndReason,
        now: Instant,
    ) -> Vec<LockChange> {
        if !self.books.load.contains_key(window) {
            return Vec::new();
        }
        let mut touched = Touched::default();
        let mut names: Vec<_> = self
            .locks
            .iter()
            .filter(|(_, entry)| entry.involves(window).is_some())
            .map(|(name, _)| name.clone())
            .collect();
        names.sort();
        for name in names {
            let entry = self.locks.get_mut(&name).expect("listed above");
            let (held, awaited): (Vec<u64>, Vec<u64>) = (
                entry
                    .holders
                    .iter()
                    .filter(|h| &h.window == window)
                    .map(|h| h.ticket)
                    .collect(),
                entry
                    .queue
                    .iter()
                    .filter(|w| &w.window == window)
                    .map(|w| w.ticket)
                    .collect(),
            );
            let ended = touched.lock(&name);
            for ticket in held {
                ended.extend(self.books.end_lease(entry, ticket, reason));
            }
            for ticket in awaited {
                self.books
                    .withdraw(entry, ticket, |_| Error::WaitCancelled {
                        name: name.clone(),
                        reason,
                    });
            }
            self.books.promote(entry, &name, now);
        }
        self.settle(touched)
    }

    /// When the next lease expires or wait runs out, if any.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.books.timers.first().map(|&(due, _)| due)
    }

    /// Every lock that is held or awaited, by name.
    pub fn summaries(&self) -> Vec<LockSummary> {
        let mut summaries: Vec<_> = self
            .locks
            .iter()
            .map(|(name, entry)| entry.summary(name))
            .collect();
        summaries.sort_by(|a, b| a.name.cmp(&b.name));
        summaries
    }

    /// How many locks `window` holds or awaits.
    pub fn load_of(&self, window: &WindowLabel) -> usize {
        self.books.load.get(window).copied().unwrap_or(0)
    }

    fn live_lease(
        &self,
        window: &WindowLabel,
        token: LockToken,
        now: Instant,
    ) -> Result<&LeaseRecord> {
        self.books
            .leases
            .get(&token.0)
            .filter(|record| &record.window == window && record.expires_at > now)
            .ok_or_else(|| Error::LockNotHeld {
                token: token.to_string(),
            })
    }

    /// Every edge of the wait-for graph.
    fn waits(&self) -> impl Iterator<Item = Wait> + '_ {
        self.locks.iter().flat_map(|(name, entry)| {
            entry
                .queue
                .iter()
                .enumerate()
                .flat_map(move |(position, waiter)| {
                    entry
                        .blockers(waiter.mode, position)
                        .map(move |blocker| Wait {
                            window: waiter.window.clone(),
                            lock: name.clone(),
                            blocker: blocker.clone(),
                        })
                })
        })
    }

    /// Summarises each touched lock, and forgets the ones now free.
    fn settle(&mut self, touched: Touched) -> Vec<LockChange> {
        touched
            .0
            .into_iter()
            .filter_map(|(name, ended)| {
                let entry = self.locks.get(&name)?;
                let lock = entry.summary(&name);
                if lock.is_free() {
                    self.locks.remove(&name);
                }
                Some(LockChange { lock, ended })
            })
            .collect()
    }
}
