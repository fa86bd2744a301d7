//! How the model judges endings, from the clock and from its own window
//! events, never from the coordinator's word: which leases a transition must
//! end and why, which waits it must time out or cancel, and that nothing
//! else ends.

use axolop_coordinator::lock::EndReason;
use axolop_coordinator::{Error, Event, WindowLabel};
use proptest::prelude::*;

use super::{Model, Request, RequestState};

/// What the transition being applied may end, as the model judges it from
/// the clock and from its own window events, never from the coordinator's
/// word.
#[derive(Debug, Clone)]
pub(super) enum Cause {
    /// Opening a window, asking for a lock or extending a lease: nothing
    /// ends, and no waiter is granted.
    Nothing,
    /// The clock reached `now`: the leases due by then expire, the waits due
    /// by then time out.
    Tick,
    /// `window` released its lease `fence`.
    Release { window: WindowLabel, fence: u64 },
    /// `window` closed, reloaded or hung: its leases end and its waits are
    /// cancelled, for `reason`.
    Departure {
        window: WindowLabel,
        reason: EndReason,
    },
}

impl Model {
    /// Why `request`'s lease must end in a transition of `cause`, if it
    /// must: the model's own judgement.
    fn ending(&self, request: &Request, cause: &Cause) -> Option<EndReason> {
        let RequestState::Holding(lease) = &request.state else {
            return None;
        };
        match cause {
            Cause::Nothing => None,
            Cause::Tick => (lease.expires_at <= self.now).then_some(EndReason::Expired),
            Cause::Release { window, fence } => {
                (&request.window == window && lease.fence == *fence).then_some(EndReason::Released)
            }
            Cause::Departure { window, reason } => (&request.window == window).then_some(*reason),
        }
    }

    /// Takes the events of the transition of `cause`, applies them, and
    /// reads the answers to waiting requests; then nothing the model expected
    /// to end may be left.
    pub(super) fn settle(&mut self, cause: Cause) -> Result<(), TestCaseError> {
        self.apply(&cause)?;
        self.collect_answers(&cause)?;
        for request in &self.requests {
            prop_assert_eq!(
                self.ending(request, &cause),
                None,
                "{}'s lease of {} did not end after {:?}",
                request.window,
                request.lock,
                &cause
            );
            if let (Cause::Departure { window, .. }, RequestState::Waiting(_)) =
                (&cause, &request.state)
            {
                prop_assert!(
                    &request.window != window,
                    "{}'s wait for {} outlived its window",
                    request.window,
                    request.lock
                );
            }
        }
        Ok(())
    }

    /// Applies the events of the transition of `cause`: every ending must
    /// be one the model expects, for the reason it expects.
    fn apply(&mut self, cause: &Cause) -> Result<(), TestCaseError> {
        for envelope in self.coordinator.take_events() {
            prop_assert_eq!(envelope.seq, self.seq + 1, "gap in the event sequence");
            self.seq = envelope.seq;
            if let Event::LockChanged(change) = envelope.event {
                for end in &change.ended {
                    let held = self.requests.iter().position(|request| {
                        matches!(&request.state, RequestState::Holding(lease)
                            if request.window == end.window && lease.fence == end.fence)
                    });
                    let Some(index) = held else {
                        return Err(TestCaseError::fail(format!(
                            "ended a lease nobody holds: {end:?}"
                        )));
                    };
                    prop_assert_eq!(
                        Some(end.reason),
                        self.ending(&self.requests[index], cause),
                        "{:?} after {:?}",
                        end,
                        cause
                    );
                    match end.reason {
                        EndReason::Expired => self.seen.expiries += 1,
                        EndReason::Released => self.seen.releases += 1,
                        _ => self.seen.departed_leases += 1,
                    }
                    self.requests[index].state = RequestState::Done;
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

    /// Reads the answers that arrived for waiting requests in a transition
    /// of `cause`, checking that a grant came from a lock freeing up, not
    /// after its deadline and first come, first served; a timeout at its
    /// deadline; and a cancellation only from its own window departing.
    fn collect_answers(&mut self, cause: &Cause) -> Result<(), TestCaseError> {
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
                    self.seen.granted_waiters += 1;
                    prop_assert!(
                        !matches!(cause, Cause::Nothing),
                        "a waiter was granted though nothing freed"
                    );
                    prop_assert_eq!(lease.expires_at, now + request.ttl, "lease time");
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
                Err(Error::LockTimeout { name, waited }) => {
                    self.seen.timeouts += 1;
                    prop_assert!(matches!(cause, Cause::Tick), "timed out by {:?}", cause);
                    prop_assert!(now >= request.deadline, "timed out early");
                    prop_assert_eq!(
                        (name.as_str(), waited),
                        (request.lock, request.wait),
                        "the timeout names another wait"
                    );
                    self.requests[index].state = RequestState::Done;
                }
                Err(Error::WaitCancelled { name, reason }) => {
                    self.seen.cancelled_waits += 1;
                    let departed = matches!(cause, Cause::Departure { window, reason: why }
                        if window == &request.window && *why == reason);
                    prop_assert!(
                        departed,
                        "{}'s wait for {} cancelled ({}) after {:?}",
                        request.window,
                        request.lock,
                        reason,
                        cause
                    );
                    prop_assert_eq!(name.as_str(), request.lock);
                    self.requests[index].state = RequestState::Done;
                }
                Err(other) => return Err(TestCaseError::fail(format!("unexpected {other}"))),
            }
        }
        Ok(())
    }
}
