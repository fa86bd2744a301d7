//! The wait-for graph between windows, and the cycles that are deadlocks.
//!
//! A waiting request waits for every holder of its lock, and for every
//! request queued ahead of it in a mode it cannot share with (grants are
//! FIFO). Requests ahead that it can share with are granted together with
//! it, so they are no edge. A new request is the only thing that adds edges,
//! so checking each new request for a path back to its own window finds
//! every deadlock the moment it would form.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use super::request::LockName;
use crate::window::WindowLabel;

/// One edge of the graph: `window` waits for `lock`, which `blocker` holds
/// or is queued for ahead of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// The window that waits.
    pub window: WindowLabel,
    /// The lock it waits for.
    pub lock: LockName,
    /// A window it waits on.
    pub blocker: WindowLabel,
}

/// A cycle of waits: each window waits for the next one; the last waits for
/// the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle(pub Vec<Wait>);

impl fmt::Display for Cycle {
    /// `crm-1 waits for "b" held by crm-2, crm-2 waits for "a" held by crm-1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, wait) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(
                f,
                "{} waits for {:?} held by {}",
                wait.window,
                wait.lock.as_str(),
                wait.blocker
            )?;
        }
        Ok(())
    }
}

/// Finds the shortest cycle that `requester` would close by waiting for
/// `lock` behind `blockers`, given the waits that exist already.
pub fn cycle_through(
    requester: &WindowLabel,
    lock: &LockName,
    blockers: &[WindowLabel],
    existing: impl IntoIterator<Item = Wait>,
) -> Option<Cycle> {
    let mut edges: HashMap<WindowLabel, Vec<Wait>> = HashMap::new();
    for wait in existing {
        edges.entry(wait.window.clone()).or_default().push(wait);
    }
    // Breadth first from the blockers, remembering how each window was
    // reached, until the requester is reached again.
    let mut reached_by: HashMap<WindowLabel, Option<Wait>> = HashMap::new();
    let mut frontier = VecDeque::new();
    for blocker in blockers {
        if reached_by.insert(blocker.clone(), None).is_none() {
            frontier.push_back(blocker.clone());
        }
    }
    while let Some(window) = frontier.pop_front() {
        if &window == requester {
            return Some(Cycle(path_to(requester, lock, &reached_by)));
        }
        for wait in edges.get(&window).into_iter().flatten() {
            if !reached_by.contains_key(&wait.blocker) {
                reached_by.insert(wait.blocker.clone(), Some(wait.clone()));
                frontier.push_back(wait.blocker.clone());
            }
        }
    }
    None
}

/// The cycle from the requester's new wait back to the requester.
fn path_to(
    requester: &WindowLabel,
    lock: &LockName,
    reached_by: &HashMap<WindowLabel, Option<Wait>>,
) -> Vec<Wait> {
    let mut back = Vec::new();
    let mut at = requester.clone();
    while let Some(Some(wait)) = reached_by.get(&at) {
        at = wait.window.clone();
        back.push(wait.clone());
    }
    // `at` is the blocker the search started from.
    back.push(Wait {
        window: requester.clone(),
        lock: lock.clone(),
        blocker: at,
    });
    back.reverse();
    back
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(n: u64) -> WindowLabel {
        WindowLabel::numbered(n)
    }

    fn l(name: &str) -> LockName {
        LockName::new(name).unwrap()
    }

    fn wait(window: u64, lock: &str, blocker: u64) -> Wait {
        Wait {
            window: w(window),
            lock: l(lock),
            blocker: w(blocker),
        }
    }

    #[test]
    fn two_windows_waiting_for_each_other_form_a_cycle() {
        // crm-2 waits for "a" held by crm-1; crm-1 now asks for "b" held by crm-2.
        let cycle = cycle_through(&w(1), &l("b"), &[w(2)], [wait(2, "a", 1)]).unwrap();
        assert_eq!(cycle.0, vec![wait(1, "b", 2), wait(2, "a", 1)]);
        assert_eq!(
            cycle.to_string(),
            r#"crm-1 waits for "b" held by crm-2, crm-2 waits for "a" held by crm-1"#
        );
    }

    #[test]
    fn a_chain_that_does_not_return_is_no_cycle() {
        let existing = [wait(2, "a", 3), wait(3, "c", 4)];
        assert_eq!(cycle_through(&w(1), &l("b"), &[w(2)], existing), None);
    }

    #[test]
    fn the_shortest_of_several_cycles_is_reported() {
        // 1 → 2 → 3 → 1 and 1 → 4 → 1: the second is named.
        let existing = [wait(2, "x", 3), wait(3, "y", 1), wait(4, "z", 1)];
        let cycle = cycle_through(&w(1), &l("b"), &[w(2), w(4)], existing).unwrap();
        assert_eq!(cycle.0, vec![wait(1, "b", 4), wait(4, "z", 1)]);
    }

    #[test]
    fn a_three_window_ring_is_named_in_order() {
        let existing = [wait(2, "c", 3), wait(3, "a", 1)];
        let cycle = cycle_through(&w(1), &l("b"), &[w(2)], existing).unwrap();
        assert_eq!(
            cycle.0,
            vec![wait(1, "b", 2), wait(2, "c", 3), wait(3, "a", 1)]
        );
    }
}
