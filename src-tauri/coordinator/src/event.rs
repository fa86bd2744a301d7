//! The typed events the coordinator pushes to every window, and their global
//! sequence numbers.
//!
//! Every state change produces events stamped with consecutive sequence
//! numbers, starting at 1. A window that has applied event `n` expects `n + 1`
//! next; anything else means it missed one and must take a fresh snapshot.
//!
//! The log keeps what it stamped until the owner drains it: a transition
//! never hands its events back by hand, so none can be forgotten on the way
//! to the windows, and a refused transition that already stamped something
//! (a tick before it) still delivers it, leaving no gap.

use serde::Serialize;
use ts_rs::TS;

use crate::agency::AgencySummary;
use crate::contacts::ContactsChange;
use crate::election::PrimaryChange;
use crate::lock::LockChange;
use crate::modal::ModalPlan;
use crate::quit::QuitStatus;
use crate::session::SessionChange;
use crate::sync::SyncStatus;
use crate::update::UpdateStatus;
use crate::window::WindowSummary;

/// The name of the one IPC event every coordinator event travels under.
pub const EVENT_NAME: &str = "coordinator";

/// A change of coordinator state, as every window receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", content = "data", rename_all = "kebab-case")]
pub enum Event {
    /// A window opened, closed or changed state; carries the whole list.
    WindowsChanged {
        /// Every open window, oldest first.
        windows: Vec<WindowSummary>,
    },
    /// The primary moved (or there is none left).
    PrimaryChanged(PrimaryChange),
    /// A lock was granted, queued for, released, or lost; carries the lock's
    /// new state and the leases that ended.
    LockChanged(LockChange),
    /// Someone signed in or out, the token was refreshed, or the auth server
    /// stopped answering; carries the session (never a token).
    SessionChanged(SessionChange),
    /// The required modal or the window presenting it changed.
    ModalChanged(ModalPlan),
    /// A window selected an agency; every window switches to it.
    AgencyChanged(AgencySummary),
    /// A contact of an agency was saved or deleted; carries the change.
    ContactsChanged(ContactsChange),
    /// The device's standing with the server changed: online or offline,
    /// changes waiting, a first sync's progress.
    SyncChanged(SyncStatus),
    /// An editor started or stopped holding unsaved changes, or a quit
    /// asked, was answered, or goes ahead.
    QuitChanged(QuitStatus),
    /// An update was found, is downloading or installing, or failed.
    UpdateChanged(UpdateStatus),
    /// A link the operating system handed to the app (a sign-in callback,
    /// or anything else a second launch brought) was refused; the primary
    /// says why. Nothing else changed.
    LinkRefused(LinkRefusal),
}

/// Why a link was refused, for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LinkRefusal {
    /// One sentence that says what happened and what to do.
    pub message: String,
}

impl Event {
    /// The event's `kind` on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::WindowsChanged { .. } => "windows-changed",
            Event::PrimaryChanged(_) => "primary-changed",
            Event::LockChanged(_) => "lock-changed",
            Event::SessionChanged(_) => "session-changed",
            Event::ModalChanged(_) => "modal-changed",
            Event::AgencyChanged(_) => "agency-changed",
            Event::ContactsChanged(_) => "contacts-changed",
            Event::SyncChanged(_) => "sync-changed",
            Event::QuitChanged(_) => "quit-changed",
            Event::UpdateChanged(_) => "update-changed",
            Event::LinkRefused(_) => "link-refused",
        }
    }
}

/// An event with its global sequence number: `{ seq, kind, data }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Envelope {
    /// Global, gap-free sequence number of this event.
    pub seq: u64,
    /// The change itself.
    #[serde(flatten)]
    pub event: Event,
}

/// Hands out sequence numbers, and keeps the stamped events until they are
/// drained for delivery.
#[derive(Debug, Default, Clone)]
pub struct EventLog {
    last: u64,
    undelivered: Vec<Envelope>,
}

impl EventLog {
    /// The sequence number of the newest event (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.last
    }

    /// Stamps `event` with the next sequence number and keeps it for
    /// [`Self::drain`].
    pub fn stamp(&mut self, event: Event) {
        self.last += 1;
        self.undelivered.push(Envelope {
            seq: self.last,
            event,
        });
    }

    /// The events stamped since the last drain, in sequence order.
    pub fn drain(&mut self) -> Vec<Envelope> {
        std::mem::take(&mut self.undelivered)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::window::{WindowLabel, WindowState};

    #[test]
    fn envelopes_are_numbered_consecutively_from_one() {
        let mut log = EventLog::default();
        let change = PrimaryChange {
            label: None,
            epoch: 1,
        };
        log.stamp(Event::PrimaryChanged(change.clone()));
        log.stamp(Event::PrimaryChanged(change));
        let seqs: Vec<u64> = log.drain().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(log.last_seq(), 2);
    }

    #[test]
    fn a_drain_hands_each_event_out_once_and_numbering_goes_on() {
        let mut log = EventLog::default();
        let change = PrimaryChange {
            label: None,
            epoch: 1,
        };
        log.stamp(Event::PrimaryChanged(change.clone()));
        assert_eq!(log.drain().len(), 1);
        assert!(log.drain().is_empty());
        log.stamp(Event::PrimaryChanged(change));
        assert_eq!(log.drain()[0].seq, 2);
    }

    #[test]
    fn an_envelope_serialises_as_seq_kind_and_data() {
        let envelope = Envelope {
            seq: 7,
            event: Event::WindowsChanged {
                windows: vec![WindowSummary {
                    label: WindowLabel::numbered(1),
                    state: WindowState::Ready,
                }],
            },
        };
        assert_eq!(
            serde_json::to_value(&envelope).unwrap(),
            json!({
                "seq": 7,
                "kind": "windows-changed",
                "data": { "windows": [{ "label": "crm-1", "state": "ready" }] }
            })
        );
    }

    #[test]
    fn the_kind_method_matches_the_serialised_kind() {
        let events = [
            Event::WindowsChanged { windows: vec![] },
            Event::PrimaryChanged(PrimaryChange {
                label: Some(WindowLabel::numbered(2)),
                epoch: 3,
            }),
        ];
        for event in events {
            let value = serde_json::to_value(&event).unwrap();
            assert_eq!(value["kind"], event.kind());
        }
    }
}
