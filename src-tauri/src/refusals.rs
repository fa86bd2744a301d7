//! The refusals pages got lately, for the diagnostics window: the command,
//! the window and the code, never the values (a message may quote what the
//! page sent).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use axolop_coordinator::diagnostics::millis;
use serde::Serialize;
use ts_rs::TS;

/// How many refusals are kept.
pub const KEPT: usize = 50;

/// One refusal, as the diagnostics window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// The command that was refused.
    pub command: String,
    /// The window whose page called it.
    pub window: String,
    /// The wire error code.
    pub code: String,
    /// How long ago, in milliseconds.
    pub ago_ms: u64,
}

/// The recent refusals, newest last; managed as Tauri state.
#[derive(Debug, Default)]
pub struct Refusals(Mutex<VecDeque<(Instant, &'static str, String, &'static str)>>);

impl Refusals {
    /// Keeps a refusal of `command` from `window` with `code`.
    pub fn record(&self, command: &'static str, window: &str, code: &'static str) {
        let mut recent = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back((Instant::now(), command, window.to_owned(), code));
    }

    /// The refusals kept, newest first.
    pub fn recent(&self) -> Vec<Refusal> {
        let now = Instant::now();
        let recent = self.0.lock().unwrap_or_else(|p| p.into_inner());
        recent
            .iter()
            .rev()
            .map(|(at, command, window, code)| Refusal {
                command: (*command).to_owned(),
                window: window.clone(),
                code: (*code).to_owned(),
                ago_ms: millis(now.saturating_duration_since(*at)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_refusals_are_kept_newest_first() {
        let refusals = Refusals::default();
        for n in 0..KEPT + 5 {
            let window = format!("crm-{n}");
            refusals.record("lock_release", &window, "lock_not_held");
        }
        let recent = refusals.recent();
        assert_eq!(recent.len(), KEPT);
        assert_eq!(recent[0].window, format!("crm-{}", KEPT + 4));
        assert_eq!(recent[KEPT - 1].window, "crm-5");
        assert_eq!(recent[0].code, "lock_not_held");
    }
}
