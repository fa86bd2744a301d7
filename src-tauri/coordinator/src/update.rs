//! Updates: what the one check found, and how far installing it got.
//!
//! The shell checks (at start and every six hours, one check however many
//! windows are open) and downloads; the coordinator decides who asks. An
//! available update is a modal in the primary only (Install or Later); the
//! other windows show a small badge. A download that fails, or a signature
//! that does not verify, is reported in the primary, and the app keeps
//! running on the version it has.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The longest release notes kept, in characters; longer notes are cut.
pub const NOTES_MAX_CHARS: usize = 4000;

/// An update the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UpdateOffer {
    /// Its version ("0.2.0").
    pub version: String,
    /// The version running now.
    pub current: String,
    /// Its release notes, if the manifest has any.
    pub notes: Option<String>,
}

impl UpdateOffer {
    /// An offer with its notes cut to [`NOTES_MAX_CHARS`].
    pub fn new(version: String, current: String, notes: Option<String>) -> Self {
        let notes = notes
            .map(|notes| {
                notes
                    .trim()
                    .chars()
                    .take(NOTES_MAX_CHARS)
                    .collect::<String>()
            })
            .filter(|notes| !notes.is_empty());
        Self {
            version,
            current,
            notes,
        }
    }
}

/// Where an update stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "stage", rename_all = "kebab-case")]
pub enum UpdateStatus {
    /// No update is known (none found yet, or the app is current).
    #[default]
    None,
    /// An update was found. `later`: the user put it off; only the badge
    /// shows until they open it again or the next check.
    Available {
        /// The update.
        offer: UpdateOffer,
        /// Whether the user chose Later.
        later: bool,
    },
    /// The update is downloading.
    Downloading {
        /// The update.
        offer: UpdateOffer,
        /// Bytes received so far.
        received: u64,
        /// The download's size, when the server said.
        total: Option<u64>,
    },
    /// Downloaded and verified; installing, then the app restarts.
    Installing {
        /// The update.
        offer: UpdateOffer,
    },
    /// The download or the install failed; the app runs on as it was.
    Failed {
        /// The update.
        offer: UpdateOffer,
        /// What went wrong, for the user.
        message: String,
    },
}

/// The user's answer to the update modal (or the badge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateAnswer {
    /// Download and install it now.
    Install,
    /// Not now: hide the modal, keep the badge.
    Later,
    /// Show the modal again (the badge was clicked).
    Show,
}

impl UpdateStatus {
    /// Whether the primary presents the update modal.
    pub fn wants_modal(&self) -> bool {
        match self {
            UpdateStatus::None => false,
            UpdateStatus::Available { later, .. } => !later,
            UpdateStatus::Downloading { .. }
            | UpdateStatus::Installing { .. }
            | UpdateStatus::Failed { .. } => true,
        }
    }

    /// The update concerned, if any.
    pub fn offer(&self) -> Option<&UpdateOffer> {
        match self {
            UpdateStatus::None => None,
            UpdateStatus::Available { offer, .. }
            | UpdateStatus::Downloading { offer, .. }
            | UpdateStatus::Installing { offer }
            | UpdateStatus::Failed { offer, .. } => Some(offer),
        }
    }

    /// Whether a download or an install is under way.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            UpdateStatus::Downloading { .. } | UpdateStatus::Installing { .. }
        )
    }

    /// A check found `offer`. A newer find replaces what was known (and
    /// asks again); the same version keeps the user's Later; a download
    /// under way is left alone.
    pub(crate) fn found(&mut self, offer: UpdateOffer) {
        if self.is_busy() {
            return;
        }
        let later = match self {
            UpdateStatus::Available {
                offer: known,
                later,
            } => known.version == offer.version && *later,
            _ => false,
        };
        *self = UpdateStatus::Available { offer, later };
    }

    /// Applies the user's answer; returns whether a download must start.
    pub(crate) fn answer(&mut self, answer: UpdateAnswer) -> Result<bool> {
        let Some(offer) = self.offer().cloned() else {
            return Err(Error::InvalidArgument {
                reason: "no update is available".into(),
            });
        };
        if self.is_busy() {
            return Err(Error::InvalidArgument {
                reason: format!("update {} is already being installed", offer.version),
            });
        }
        let download = answer == UpdateAnswer::Install;
        *self = match answer {
            UpdateAnswer::Install => UpdateStatus::Downloading {
                offer,
                received: 0,
                total: None,
            },
            UpdateAnswer::Later => UpdateStatus::Available { offer, later: true },
            UpdateAnswer::Show => UpdateStatus::Available {
                offer,
                later: false,
            },
        };
        Ok(download)
    }

    /// The download's progress. Ignored unless downloading.
    pub(crate) fn progressed(&mut self, bytes: u64, size: Option<u64>) -> bool {
        match self {
            UpdateStatus::Downloading {
                received, total, ..
            } if (*received, *total) != (bytes, size) => {
                *received = bytes;
                *total = size;
                true
            }
            _ => false,
        }
    }

    /// The download verified; installing. Ignored unless downloading.
    pub(crate) fn installing(&mut self) -> bool {
        match self {
            UpdateStatus::Downloading { offer, .. } => {
                *self = UpdateStatus::Installing {
                    offer: offer.clone(),
                };
                true
            }
            _ => false,
        }
    }

    /// The download or install failed with `message`. Ignored unless busy.
    pub(crate) fn failed(&mut self, message: String) -> bool {
        match self {
            UpdateStatus::Downloading { offer, .. } | UpdateStatus::Installing { offer } => {
                *self = UpdateStatus::Failed {
                    offer: offer.clone(),
                    message,
                };
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(version: &str) -> UpdateOffer {
        UpdateOffer::new(version.into(), "0.1.0".into(), Some(" Faster. ".into()))
    }

    #[test]
    fn a_found_update_asks_until_put_off_and_the_same_version_stays_put_off() {
        let mut status = UpdateStatus::None;
        assert!(!status.wants_modal());
        status.found(offer("0.2.0"));
        assert!(status.wants_modal());
        assert!(!status.answer(UpdateAnswer::Later).unwrap());
        assert!(!status.wants_modal());
        status.found(offer("0.2.0"));
        assert!(!status.wants_modal(), "the six-hourly check does not nag");
        status.found(offer("0.3.0"));
        assert!(status.wants_modal(), "a newer version asks again");
        status.answer(UpdateAnswer::Later).unwrap();
        status.answer(UpdateAnswer::Show).unwrap();
        assert!(status.wants_modal());
    }

    #[test]
    fn install_downloads_then_installs_and_a_failure_is_reported() {
        let mut status = UpdateStatus::None;
        assert!(status.answer(UpdateAnswer::Install).is_err());
        status.found(offer("0.2.0"));
        assert!(status.answer(UpdateAnswer::Install).unwrap());
        assert!(
            status.answer(UpdateAnswer::Install).is_err(),
            "one download"
        );
        assert!(status.progressed(10, Some(100)));
        assert!(!status.progressed(10, Some(100)));
        status.found(offer("0.3.0"));
        assert!(matches!(
            status,
            UpdateStatus::Downloading { received: 10, .. }
        ));
        assert!(status.installing());
        assert!(status.failed("the signature did not verify".into()));
        assert!(status.wants_modal());
        status.answer(UpdateAnswer::Later).unwrap();
        assert!(!status.wants_modal());
        assert_eq!(status.offer().unwrap().version, "0.2.0");
    }

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(offer("0.2.0").notes.as_deref(), Some("Faster."));
        let long = UpdateOffer::new("1".into(), "0".into(), Some("x".repeat(5000)));
        assert_eq!(long.notes.unwrap().chars().count(), NOTES_MAX_CHARS);
        assert_eq!(
            UpdateOffer::new("1".into(), "0".into(), Some("  ".into())).notes,
            None
        );
    }
}
