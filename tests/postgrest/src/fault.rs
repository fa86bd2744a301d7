//! Faults a test queues for the next requests, to play a slow, failing or
//! unreachable server.

use std::time::Duration;

/// What the next request suffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answered normally, after this delay.
    Delay(Duration),
    /// Answered with this status and a PostgREST error body, without
    /// touching the database (500, 503, …).
    Status(u16),
    /// The connection is reset before any answer.
    Reset,
    /// The request is carried out, then the connection is reset before its
    /// answer: the client cannot tell whether it landed.
    LoseAnswer,
}
