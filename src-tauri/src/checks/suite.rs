//! The checks: each opens the temporary windows it needs, drives the
//! coordination through them, and says what it saw when it fails. Lock
//! names start with [`NAMESPACE`], so they never meet a page's own.

use std::time::Duration;

use axolop_coordinator::lock::PendingLease;
use axolop_coordinator::{
    Acquisition, Error as CoordinatorError, LockMode, WindowLabel, WindowState,
};
use tauri::{AppHandle, Runtime};

use super::lab::{within, Failure, Lab};
use crate::error::Error;

/// The prefix of every lock a check takes.
pub const NAMESPACE: &str = "axolop.self-test.";

/// How long a grant may take once due.
const GRANT_TIMEOUT: Duration = Duration::from_secs(5);

fn lock(name: &str) -> String {
    format!("{NAMESPACE}{name}")
}

/// Passes when `holds`, or fails saying what was seen.
fn expect(holds: bool, saw: impl FnOnce() -> String) -> Result<(), Failure> {
    if holds {
        Ok(())
    } else {
        Err(saw())
    }
}

/// The primary now, if any.
fn primary<R: Runtime>(lab: &Lab<R>) -> Option<WindowLabel> {
    lab.read(|c| c.election().primary().map(|primary| primary.label))
}

/// Waits for `pending` to be granted; returns the lease's fence.
async fn granted(what: &str, pending: PendingLease) -> Result<u64, Failure> {
    within(what, GRANT_TIMEOUT, pending.outcome())
        .await?
        .map(|lease| lease.fence)
        .map_err(|error| format!("{what}: refused ({error})"))
}

fn queued(acquisition: Acquisition, who: &WindowLabel) -> Result<PendingLease, Failure> {
    match acquisition {
        Acquisition::Queued(pending) => Ok(pending),
        Acquisition::Granted(_) => Err(format!("{who} was granted a lock another window holds")),
    }
}

/// Election: exactly one primary; closing the primary hands over to
/// another window, and the epoch only grows.
pub async fn election<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let windows = lab.open_many(3).await?;
    let (leader, epoch) = lab
        .read(|c| c.election().primary().map(|p| (p.label, p.epoch)))
        .ok_or("no window is primary")?;
    let primaries = lab.read(|c| {
        c.windows()
            .labels()
            .iter()
            .filter(|label| c.election().role_of(label) == axolop_coordinator::Role::Primary)
            .count()
    });
    expect(primaries == 1, || format!("{primaries} primaries"))?;
    if !windows.contains(&leader) {
        return Ok(format!(
            "{leader} (not a temporary window) leads; failover not timed"
        ));
    }
    lab.close(&leader)?;
    let failover = lab
        .until("a new primary", GRANT_TIMEOUT, |c| {
            c.election().primary().is_some_and(|p| {
                p.label != leader && c.windows().state(&p.label) == Ok(WindowState::Ready)
            })
        })
        .await?;
    let (successor, new_epoch) = lab
        .read(|c| c.election().primary().map(|p| (p.label, p.epoch)))
        .ok_or("no primary after the failover")?;
    expect(new_epoch > epoch, || {
        format!("the epoch went from {epoch} to {new_epoch}")
    })?;
    Ok(format!(
        "{leader} closed, {successor} primary in {} ms (epoch {epoch} → {new_epoch})",
        failover.as_millis()
    ))
}

/// Events: every window applies a fresh event (a round trip through each
/// page), and no window found a gap in the sequence.
pub async fn events<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let windows = lab.open_many(3).await?;
    let resyncs = |lab: &Lab<R>| {
        lab.read(|c| {
            c.windows()
                .records()
                .filter(|r| windows.contains(&r.label))
                .map(|r| (r.label.clone(), r.resyncs))
                .collect::<Vec<_>>()
        })
    };
    // Each page reports its snapshot count with its first heartbeats.
    lab.until("the first heartbeats", GRANT_TIMEOUT, |c| {
        c.windows()
            .records()
            .filter(|r| windows.contains(&r.label))
            .all(|r| r.resyncs.is_some())
    })
    .await?;
    let before = resyncs(&lab);
    // Each page reports every event it applies at once, not at its next
    // heartbeat: the round trip is measured, not the heartbeat interval.
    for window in &windows {
        lab.eval(window, "window.__axolop.echo = true;")?;
    }
    let mut seq = 0;
    for _ in 0..20 {
        seq = lab.transact(|c, _| {
            c.republish_windows();
            Ok(c.last_seq())
        })?;
    }
    let round_trip = lab
        .until("every window to apply the last event", GRANT_TIMEOUT, |c| {
            c.windows()
                .records()
                .filter(|r| windows.contains(&r.label))
                .all(|r| r.applied_seq.is_some_and(|applied| applied >= seq))
        })
        .await?;
    let after = resyncs(&lab);
    expect(before == after, || {
        format!("a window found a gap and read a snapshot again: {before:?} → {after:?}")
    })?;
    Ok(format!(
        "20 events reached {} windows in {} ms, no gap",
        windows.len(),
        round_trip.as_millis()
    ))
}

/// Exclusive contention between two windows.
pub async fn lock_contention<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let [a, b] = <[_; 2]>::try_from(lab.open_many(2).await?)
        .map_err(|_| "the lab opened a different number of windows")?;
    let name = lock("contention");
    let lease = lab.grant(&a, &name, LockMode::Exclusive, 30_000)?;
    match lab.try_acquire(&b, &name, LockMode::Exclusive, 30_000, 0) {
        Err(Error::Coordinator(CoordinatorError::LockUnavailable { .. })) => {}
        Err(error) => return Err(format!("a try-lock of a held lock was refused: {error}")),
        Ok(_) => return Err("a try-lock of a held lock was answered".into()),
    }
    let waiting = queued(
        lab.acquire(&b, &name, LockMode::Exclusive, 30_000, 5_000)?,
        &b,
    )?;
    lab.release(&a, &lease)?;
    let fence = granted("the waiter's grant after the release", waiting).await?;
    expect(fence > lease.fence, || {
        format!("fence {fence} after {}", lease.fence)
    })?;
    Ok(format!(
        "{b} waited for {a}, then held it (fence {} → {fence})",
        lease.fence
    ))
}

/// Three waiters are served first come, first served.
pub async fn lock_fifo<R: Runtime>(app: &AppHandle<R>, reversed: bool) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let windows = lab.open_many(4).await?;
    let name = lock("fifo");
    let mut lease = lab.grant(&windows[0], &name, LockMode::Exclusive, 30_000)?;
    let mut holder = windows[0].clone();
    let mut waiting = Vec::new();
    for window in &windows[1..] {
        waiting.push((
            window.clone(),
            queued(
                lab.acquire(window, &name, LockMode::Exclusive, 30_000, 10_000)?,
                window,
            )?,
        ));
    }
    let mut order = Vec::new();
    for (window, mut pending) in waiting {
        lab.release(&holder, &lease)?;
        tokio::task::yield_now().await;
        let next = within("the next grant", GRANT_TIMEOUT, async {
            loop {
                if let Some(outcome) = pending.try_outcome() {
                    return outcome;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await?
        .map_err(|error| format!("{window} was refused: {error}"))?;
        order.push(window.clone());
        holder = window;
        lease = next;
    }
    lab.release(&holder, &lease)?;
    let mut expected: Vec<_> = windows[1..].to_vec();
    if reversed {
        // The test-only hook: expect the wrong order, to see a failure.
        expected.reverse();
    }
    let names = |labels: &[WindowLabel]| {
        labels
            .iter()
            .map(WindowLabel::as_str)
            .collect::<Vec<_>>()
            .join(" → ")
    };
    expect(order == expected, || {
        format!(
            "granted in the order {}, expected {}",
            names(&order),
            names(&expected)
        )
    })?;
    Ok(format!(
        "granted in the order they asked: {}",
        names(&order)
    ))
}

/// A wait that would close a cycle is refused at once with `deadlock`.
pub async fn lock_deadlock<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let [a, b] = <[_; 2]>::try_from(lab.open_many(2).await?)
        .map_err(|_| "the lab opened a different number of windows")?;
    let (first, second) = (lock("deadlock.1"), lock("deadlock.2"));
    let held_a = lab.grant(&a, &first, LockMode::Exclusive, 30_000)?;
    let held_b = lab.grant(&b, &second, LockMode::Exclusive, 30_000)?;
    let _a_waits = queued(
        lab.acquire(&a, &second, LockMode::Exclusive, 30_000, 10_000)?,
        &a,
    )?;
    let started = std::time::Instant::now();
    let answer = lab.try_acquire(&b, &first, LockMode::Exclusive, 30_000, 10_000);
    let took = started.elapsed();
    lab.release(&b, &held_b)?;
    lab.release(&a, &held_a)?;
    match answer {
        Err(error @ Error::Coordinator(CoordinatorError::Deadlock { .. })) => Ok(format!(
            "refused at once ({} µs): {error}",
            took.as_micros()
        )),
        Err(error) => Err(format!(
            "a cycle was refused, but not as a deadlock: {error}"
        )),
        Ok(_) => Err("a wait that closes a cycle was accepted".into()),
    }
}

/// A short lease runs out and passes to the waiter.
pub async fn lock_lease<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let [a, b] = <[_; 2]>::try_from(lab.open_many(2).await?)
        .map_err(|_| "the lab opened a different number of windows")?;
    let name = lock("lease");
    let started = std::time::Instant::now();
    let _short = lab.grant(&a, &name, LockMode::Exclusive, 300)?;
    let waiting = queued(
        lab.acquire(&b, &name, LockMode::Exclusive, 30_000, 5_000)?,
        &b,
    )?;
    granted("the waiter's grant when the lease ran out", waiting).await?;
    let took = started.elapsed();
    expect(took >= Duration::from_millis(300), || {
        format!(
            "granted after {} ms, before the 300 ms lease ran out",
            took.as_millis()
        )
    })?;
    Ok(format!(
        "a 300 ms lease ran out and passed on after {} ms",
        took.as_millis()
    ))
}

/// Shared holders hold together; an exclusive request waits for both.
pub async fn lock_shared<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let [a, b, c] = <[_; 3]>::try_from(lab.open_many(3).await?)
        .map_err(|_| "the lab opened a different number of windows")?;
    let name = lock("shared");
    let first = lab.grant(&a, &name, LockMode::Shared, 30_000)?;
    let second = lab.grant(&b, &name, LockMode::Shared, 30_000)?;
    let exclusive = queued(
        lab.acquire(&c, &name, LockMode::Exclusive, 30_000, 5_000)?,
        &c,
    )?;
    lab.release(&a, &first)?;
    lab.release(&b, &second)?;
    granted(
        "the exclusive grant after both shared holders left",
        exclusive,
    )
    .await?;
    Ok(format!("{a} and {b} held it together; {c} waited for both"))
}

/// Health: a window busy past the heartbeat timeout loses primacy and its
/// locks, then rejoins as a secondary.
pub async fn health<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    let windows = lab.open_many(2).await?;
    let busy = primary(&lab)
        .filter(|p| windows.contains(p))
        .unwrap_or_else(|| windows[0].clone());
    let was_primary = primary(&lab).as_ref() == Some(&busy);
    let name = lock("health");
    lab.grant(&busy, &name, LockMode::Exclusive, 60_000)?;
    let timeout = lab.read(|c| {
        c.diagnostics(std::time::Instant::now())
            .heartbeat_timeout_ms
    });
    let busy_ms = timeout + 1_500;
    lab.eval(
        &busy,
        &format!("{{ const end = Date.now() + {busy_ms}; while (Date.now() < end) {{}} }}"),
    )?;
    let limit = Duration::from_millis(timeout + 3_000);
    let declared = lab
        .until("the busy window to be declared unresponsive", limit, |c| {
            c.windows().state(&busy) == Ok(WindowState::Unresponsive)
        })
        .await?;
    let (still_primary, holds) = lab.read(|c| {
        (
            c.election().primary().is_some_and(|p| p.label == busy),
            c.locks()
                .summaries()
                .iter()
                .any(|lock| lock.holders.contains(&busy)),
        )
    });
    expect(!still_primary, || {
        format!("{busy} stayed primary while unresponsive")
    })?;
    expect(!holds, || {
        format!("{busy} kept its lock while unresponsive")
    })?;
    lab.until("the busy window to come back", limit, |c| {
        c.windows().state(&busy) == Ok(WindowState::Ready)
    })
    .await?;
    let role = lab.read(|c| c.election().role_of(&busy));
    expect(role == axolop_coordinator::Role::Secondary, || {
        format!("{busy} came back as {role:?}")
    })?;
    Ok(format!(
        "{busy}{} went silent, lost {} and its lock after {} ms, and came back as a secondary",
        if was_primary { " (primary)" } else { "" },
        if was_primary {
            "primacy"
        } else {
            "nothing else"
        },
        declared.as_millis()
    ))
}

/// Modals: the required modal is presented by the primary.
pub async fn modals<R: Runtime>(app: &AppHandle<R>) -> Result<String, Failure> {
    let mut lab = Lab::new(app);
    lab.open_many(2).await?;
    let (plan, primary) = lab.read(|c| {
        (
            c.snapshot(&c.windows().labels()[0]).map(|s| s.modal),
            c.election().primary().map(|p| p.label),
        )
    });
    let plan = plan.map_err(|error| error.to_string())?;
    match plan.required {
        None => Ok("no modal is required now; nothing to present".into()),
        Some(kind) => {
            let kind = serde_json::to_value(kind)
                .ok()
                .and_then(|name| name.as_str().map(str::to_owned))
                .unwrap_or_default();
            let name = |label: &Option<WindowLabel>| {
                label
                    .as_ref()
                    .map_or("no window".to_owned(), |l| l.to_string())
            };
            expect(plan.presenter == primary, || {
                format!(
                    "the {kind} prompt is presented by {}, the primary is {}",
                    name(&plan.presenter),
                    name(&primary)
                )
            })?;
            Ok(format!(
                "the {kind} prompt is presented by the primary, {}",
                name(&primary)
            ))
        }
    }
}
