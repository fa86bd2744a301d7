//! Faults a test queues for the next calls of an endpoint.
//!
//! Each endpoint has its own first-in, first-out queue; one call takes at most
//! one fault. Only calls that carry the API key take a fault, so a request the
//! gateway would reject anyway never uses one up. A fault other than
//! [`Fault::Delay`] replaces the endpoint's work entirely: the request body is
//! not read and no token is used, issued or revoked.

use std::collections::VecDeque;
use std::time::Duration;

use crate::endpoint::Endpoint;

/// What goes wrong with one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// 500 with an `unexpected_failure` error body.
    Status500,
    /// 503 with a `service_unavailable` error body, as a proxy in front would send.
    Status503,
    /// 429 with an `over_request_rate_limit` body and `Retry-After` in whole
    /// seconds, rounded up.
    TooManyRequests {
        /// How long the client is told to wait.
        retry_after: Duration,
    },
    /// Close the connection with a TCP reset, without any response.
    ConnectionReset,
    /// 200 with `Content-Type: application/json` and a body cut off mid-object.
    MalformedJson,
}

/// The queued faults of every endpoint.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queues: [VecDeque<Fault>; Endpoint::ALL.len()],
}

impl FaultQueue {
    /// Queues `fault` for the next `times` calls of `endpoint`, after those already queued.
    pub(crate) fn push(&mut self, endpoint: Endpoint, fault: Fault, times: usize) {
        self.queues[endpoint.index()].extend(std::iter::repeat_n(fault, times));
    }

    /// The fault for this call of `endpoint`, if one is queued.
    pub(crate) fn take(&mut self, endpoint: Endpoint) -> Option<Fault> {
        self.queues[endpoint.index()].pop_front()
    }

    /// Forgets every queued fault.
    pub(crate) fn clear(&mut self) {
        self.queues.iter_mut().for_each(VecDeque::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_come_out_in_order_and_only_for_their_endpoint() {
        let mut faults = FaultQueue::default();
        faults.push(Endpoint::Refresh, Fault::Status500, 2);
        faults.push(Endpoint::Refresh, Fault::MalformedJson, 1);

        assert_eq!(faults.take(Endpoint::Password), None);
        assert_eq!(faults.take(Endpoint::Refresh), Some(Fault::Status500));
        assert_eq!(faults.take(Endpoint::Refresh), Some(Fault::Status500));
        assert_eq!(faults.take(Endpoint::Refresh), Some(Fault::MalformedJson));
        assert_eq!(faults.take(Endpoint::Refresh), None);
    }

    #[test]
    fn clearing_forgets_every_queue() {
        let mut faults = FaultQueue::default();
        faults.push(Endpoint::User, Fault::Status503, 3);
        faults.push(Endpoint::Logout, Fault::ConnectionReset, 1);

        faults.clear();

        assert!(Endpoint::ALL.iter().all(|e| faults.take(*e).is_none()));
    }
}
