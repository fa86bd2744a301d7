//! An answer the state machine owes a caller who has to wait: a queued lock
//! request, or a token during a refresh.
//!
//! The state machine keeps the sending half and completes it in the
//! transition that decides (grant, timeout, refresh, sign-out); the caller
//! awaits the receiving half with the coordinator unlocked.

use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// The sending half the state machine keeps.
pub(crate) type Reply<T> = oneshot::Sender<Result<T>>;

/// An answer still to come.
#[derive(Debug)]
pub struct Pending<T> {
    reply: oneshot::Receiver<Result<T>>,
}

impl<T> Pending<T> {
    /// A pending answer and the half that will give it.
    pub(crate) fn channel() -> (Reply<T>, Self) {
        let (reply, receiver) = oneshot::channel();
        (reply, Self { reply: receiver })
    }

    /// Waits for the answer. A state machine dropped without answering (the
    /// app is exiting) answers `Shutdown`.
    pub async fn outcome(self) -> Result<T> {
        self.reply.await.unwrap_or(Err(Error::Shutdown))
    }

    /// The answer, if it has come.
    pub fn try_outcome(&mut self) -> Option<Result<T>> {
        match self.reply.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(oneshot::error::TryRecvError::Empty) => None,
            Err(oneshot::error::TryRecvError::Closed) => Some(Err(Error::Shutdown)),
        }
    }
}
