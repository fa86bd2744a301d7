//! Named locks across windows: leases, FIFO waiting, fencing, deadlock
//! detection, and release when a window goes away.
//!
//! A window asks for a lock by name in exclusive or shared mode. It gets a
//! lease at once, waits in line (first come, first served) until its wait
//! runs out, or is refused: a try-lock that would wait, a second request for
//! a lock it already holds or awaits, or a wait that would close a cycle of
//! windows waiting on each other. Every lease has a time to live; every
//! grant a fence number higher than any earlier grant of that lock, so a
//! holder that lost its lease can be told apart from the current one.
//!
//! - [`request`]: lock names, modes, tokens, and the limits of a request.
//! - [`table`]: the lock table itself.
//! - `entry`: one lock's holders and queue.
//! - `books`: the table's indexes (leases, timers, loads, counters).
//! - [`waits`]: the wait-for graph and its cycles.
//! - [`lease`]: a granted lease and its wire form.
//! - [`summary`]: what windows see of the locks, and why leases end.

mod books;
mod entry;
pub mod lease;
pub mod request;
pub mod summary;
pub mod table;
pub mod waits;

pub use lease::{Lease, LeaseInfo, LockCheck, WallClock};
pub use request::{LockMode, LockName, LockRequest, LockToken};
pub use summary::{EndReason, LeaseEnd, LockChange, LockSummary};
pub use table::{Acquisition, LockTable, PendingLease};
pub use waits::{Cycle, Wait};
