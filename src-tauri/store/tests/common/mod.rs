//! Shared fixtures: private temporary directories and a store with agencies.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use axolop_store::{Agency, ContactDraft, Store, StoreError};

/// Unix ms used as "now" by the tests: a fixed instant, never the clock.
pub const NOW: u64 = 1_750_000_000_000;

/// The owner key of the local user in these tests.
pub const OWNER: &str = "local-user";

/// The window label the tests write as.
pub const WINDOW: &str = "crm-1";

/// A directory of its own under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A new, empty directory whose name says which test made it.
    pub fn new(test: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "axolop-store-{test}-{}-{n}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// A path inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names of the files in the directory, sorted.
    pub fn file_names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An in-memory store with one agency of [`OWNER`].
pub fn store_with_agency() -> (Store, Agency) {
    let mut store = Store::open_in_memory().unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    (store, agency)
}

/// A valid draft for a new contact named `name`.
pub fn draft(name: &str) -> ContactDraft {
    ContactDraft {
        name: name.to_owned(),
        email: "ana@example.com".to_owned(),
        phone: "+55 11 5555-0100".to_owned(),
        company: "Lima & Co".to_owned(),
        notes: "Met at the fair.".to_owned(),
        ..ContactDraft::default()
    }
}

/// The reason of an `InvalidArgument`, or a panic naming what came instead.
pub fn invalid_reason<T: std::fmt::Debug>(result: Result<T, StoreError>) -> String {
    match result {
        Err(StoreError::InvalidArgument { reason }) => reason,
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
}

/// Asserts that `result` failed as `NotFound` for a `what`.
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::NotFound { what: found, .. }) => assert_eq!(found, what),
        other => panic!("expected {what} not found, got {other:?}"),
    }
}
