//! The indexes the lock table keeps beside its locks (leases by token,
//! queued requests, timers, each window's load, the fence and ticket
//! counters), and the steps that keep them in line with a lock's entry:
//! grant, promote, end a lease, withdraw a waiter.
//!
//! Invariant: every lease and every waiter has exactly one timer (its expiry
//! or its deadline), and a window's load counts exactly its leases and
//! waiters.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use super::entry::{Entry, Holder, Waiter};
use super::lease::Lease;
use super::request::{LockMode, LockName, LockToken};
use super::summary::{EndReason, LeaseEnd};
use crate::error::Error;
use crate::window::WindowLabel;

/// The indexes, split from the locks so a lock's entry and the books can be
/// borrowed together.
#[derive(Debug, Default)]
pub(super) struct Books {
    /// Live leases by ticket (a lease's token is its request's ticket).
    pub(super) leases: HashMap<u64, LeaseRecord>,
    /// Queued requests by ticket: the lock each waits for.
    pub(super) queued: HashMap<u64, LockName>,
    /// Lease expiries and wait deadlines, earliest first.
    pub(super) timers: BTreeSet<(Instant, u64)>,
    /// How many locks each window holds or awaits.
    pub(super) load: HashMap<WindowLabel, usize>,
    last_fence: u64,
    last_ticket: u64,
}

/// A live lease.
#[derive(Debug)]
pub(super) struct LeaseRecord {
    pub(super) name: LockName,
    pub(super) window: WindowLabel,
    pub(super) mode: LockMode,
    pub(super) fence: u64,
    pub(super) expires_at: Instant,
}

impl LeaseRecord {
    pub(super) fn lease(&self, ticket: u64) -> Lease {
        Lease {
            token: LockToken(ticket),
            name: self.name.clone(),
            mode: self.mode,
            fence: self.fence,
            expires_at: self.expires_at,
        }
    }
}

/// A request about to be granted.
pub(super) struct Claim<'a> {
    pub(super) ticket: u64,
    pub(super) window: &'a WindowLabel,
    pub(super) mode: LockMode,
    pub(super) ttl: Duration,
}

impl Books {
    pub(super) fn next_ticket(&mut self) -> u64 {
        self.last_ticket += 1;
        self.last_ticket
    }

    pub(super) fn add_load(&mut self, window: &WindowLabel) {
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

    /// Makes the claimant a holder of `entry`, with the next fence.
    pub(super) fn grant(
        &mut self,
        entry: &mut Entry,
        name: &LockName,
        claim: Claim<'_>,
        now: Instant,
    ) -> Lease {
        self.last_fence += 1;
        let record = LeaseRecord {
            name: name.clone(),
            window: claim.window.clone(),
            mode: claim.mode,
            fence: self.last_fence,
            expires_at: now + claim.ttl,
        };
        let lease = record.lease(claim.ticket);
        self.timers.insert((record.expires_at, claim.ticket));
        self.leases.insert(claim.ticket, record);
        entry.mode = claim.mode;
        entry.fence = self.last_fence;
        entry.holders.push(Holder {
            ticket: claim.ticket,
            window: claim.window.clone(),
        });
        lease
    }

    /// Grants the head of the queue, and every request after it that can
    /// hold alongside, in order. A waiter whose caller is gone is skipped:
    /// a lease nobody can release would only block the others until it
    /// expired.
    pub(super) fn promote(&mut self, entry: &mut Entry, name: &LockName, now: Instant) {
        while entry
            .queue
            .front()
            .is_some_and(|head| entry.admits(head.mode) || head.reply.is_closed())
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
            let claim = Claim {
                ticket: waiter.ticket,
                window: &waiter.window,
                mode: waiter.mode,
                ttl: waiter.ttl,
            };
            let lease = self.grant(entry, name, claim, now);
            if waiter.reply.send(Ok(lease)).is_err() {
                // The caller went away between the check and the send.
                self.end_lease(entry, waiter.ticket, EndReason::Released);
            }
        }
    }

    /// Ends a live lease of `entry`.
    pub(super) fn end_lease(
        &mut self,
        entry: &mut Entry,
        ticket: u64,
        reason: EndReason,
    ) -> Option<LeaseEnd> {
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
    pub(super) fn withdraw(
        &mut self,
        entry: &mut Entry,
        ticket: u64,
        why: impl FnOnce(&Waiter) -> Error,
    ) {
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
