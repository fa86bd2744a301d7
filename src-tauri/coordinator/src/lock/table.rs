//! The lock table: who holds and who awaits each named lock.
//!
//! Invariants, after every public method:
//! - each lock's entry keeps its own (see [`super::entry`]): grants are
//!   strictly first come, first served, so a waiting exclusive request is
//!   never overtaken by later shared ones;
//! - the books match the entries (see [`super::books`]);
//! - a lock nobody holds or awaits has no entry (fences come from one
//!   counter for the whole table, so they still rise per name).
//!
//! Time only moves when the caller says so: [`LockTable::expire`] ends what
//! is due at `now`, and the caller runs it before any other operation.

use std::collections::HashMap;
use std::time::Instant;

use super::books::{Books, Claim, LeaseRecord};
use super::entry::{Entry, Involvement, Waiter};
use super::lease::Lease;
use super::request::{checked_ttl, LockName, LockRequest, LockToken, MAX_PER_WINDOW};
use super::summary::{EndReason, LeaseEnd, LockChange, LockSummary};
use super::waits::{self, Wait};
use crate::diagnostics::{
    millis, millis_until, HolderDiagnostics, LockDiagnostics, WaiterDiagnostics,
};
use crate::error::{Error, Result};
use crate::pending::Pending;
use crate::window::WindowLabel;

/// Every named lock that is held or awaited.
#[derive(Debug, Default)]
pub struct LockTable {
    locks: HashMap<LockName, Entry>,
    books: Books,
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
pub type PendingLease = Pending<Lease>;

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
        if let Some(involvement) = existing.and_then(|entry| entry.involvement(window)) {
            return Err(Error::AlreadyRequested {
                name,
                window: window.clone(),
                held: involvement == Involvement::Holds,
            });
        }
        if self.books.load.get(window).copied().unwrap_or(0) >= MAX_PER_WINDOW {
            return Err(Error::TooMany {
                window: window.clone(),
                limit: MAX_PER_WINDOW,
            });
        }
        let grantable = existing.is_none_or(|entry| entry.grants_at_once(mode));
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
            let claim = Claim {
                ticket,
                window,
                mode,
                ttl,
            };
            Acquisition::Granted(books.grant(entry, &name, claim, now))
        } else {
            let (reply, pending) = Pending::channel();
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
            Acquisition::Queued(pending)
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

    /// Moves the expiry of `window`'s lease `token` to `ttl_ms` from now
    /// (100 ms to 10 min).
    pub fn extend(
        &mut self,
        window: &WindowLabel,
        token: LockToken,
        ttl_ms: u64,
        now: Instant,
    ) -> Result<Lease> {
        let ttl = checked_ttl(ttl_ms)?;
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
            .filter(|(_, entry)| entry.involvement(window).is_some())
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

    /// Every lock held or awaited, by name, with its leases and queue as of
    /// `now`.
    pub fn diagnostics(&self, now: Instant) -> Vec<LockDiagnostics> {
        let mut locks: Vec<_> = self
            .locks
            .iter()
            .map(|(name, entry)| LockDiagnostics {
                name: name.clone(),
                mode: entry.shown_mode(),
                holders: entry
                    .holders
                    .iter()
                    .map(|holder| HolderDiagnostics {
                        window: holder.window.clone(),
                        lease_left_ms: self
                            .books
                            .leases
                            .get(&holder.ticket)
                            .map_or(0, |lease| millis_until(lease.expires_at, now)),
                    })
                    .collect(),
                waiting: entry
                    .queue
                    .iter()
                    .map(|waiter| WaiterDiagnostics {
                        window: waiter.window.clone(),
                        mode: waiter.mode,
                        waited_ms: millis(now.saturating_duration_since(waiter.since)),
                        gives_up_in_ms: millis_until(waiter.deadline, now),
                    })
                    .collect(),
                fence: entry.fence,
            })
            .collect();
        locks.sort_by(|a, b| a.name.cmp(&b.name));
        locks
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
                // A waiter whose caller is gone waits for nobody.
                .filter(|(_, waiter)| !waiter.reply.is_closed())
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
