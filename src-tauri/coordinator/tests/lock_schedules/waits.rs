//! The wait-for graph of the model's requests, and its cycles.

use std::collections::HashMap;

use axolop_coordinator::{LockMode, WindowLabel};

use crate::model::{Request, RequestState};

/// Whether the directed graph has a cycle (depth-first search for a back
/// edge).
pub(crate) fn has_cycle(edges: &HashMap<WindowLabel, Vec<WindowLabel>>) -> bool {
    fn visit(
        node: &WindowLabel,
        edges: &HashMap<WindowLabel, Vec<WindowLabel>>,
        on_path: &mut HashMap<WindowLabel, bool>,
    ) -> bool {
        match on_path.get(node) {
            Some(true) => return true,
            Some(false) => return false,
            None => {}
        }
        on_path.insert(node.clone(), true);
        for next in edges.get(node).into_iter().flatten() {
            if visit(next, edges, on_path) {
                return true;
            }
        }
        on_path.insert(node.clone(), false);
        false
    }
    let mut on_path = HashMap::new();
    edges.keys().any(|node| visit(node, edges, &mut on_path))
}

/// The wait-for graph of `requests`: a waiter waits for every holder of its
/// lock, and for every earlier waiter it cannot share with. `extra` is one
/// more request, queued last.
pub(crate) fn edges(
    requests: &[Request],
    extra: Option<(&WindowLabel, &str, LockMode)>,
) -> HashMap<WindowLabel, Vec<WindowLabel>> {
    let waiting = requests
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.state, RequestState::Waiting(_)))
        .map(|(index, r)| (index, &r.window, r.lock, r.mode))
        .chain(extra.map(|(window, lock, mode)| (requests.len(), window, lock, mode)));
    let mut edges: HashMap<WindowLabel, Vec<WindowLabel>> = HashMap::new();
    for (index, window, lock, mode) in waiting {
        let targets = requests
            .iter()
            .enumerate()
            .filter(|(position, other)| {
                other.lock == lock
                    && *position != index
                    && match other.state {
                        RequestState::Holding(_) => true,
                        RequestState::Waiting(_) => {
                            *position < index
                                && !(other.mode == LockMode::Shared && mode == LockMode::Shared)
                        }
                        RequestState::Done => false,
                    }
            })
            .map(|(_, other)| other.window.clone());
        edges.entry(window.clone()).or_default().extend(targets);
    }
    edges
}
