//! Shared fixtures: private temporary directories and a store with agencies.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::path::Path;

use axolop_store::{Agency, ContactDraft, Store, StoreError};
use tempfile::TempDir;

/// Unix ms used as "now" by the tests: a fixed instant, never the clock.
pub const NOW: u64 = 1_750_000_000_000;

/// The owner key of the local user in these tests.
pub const OWNER: &str = "local-user";

/// The window label the tests write as.
pub const WINDOW: &str = "crm-1";

/// A new, empty directory of its own under the system temp dir, named after
/// the test that made it (`axolop-store-<test>-…`), removed on drop.
pub fn temp_dir(test: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("axolop-store-{test}-"))
        .tempdir()
        .unwrap()
}

/// The names of the files in `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
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
