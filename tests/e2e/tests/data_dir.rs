//! The data directory a test gets: its own, gone after a passing test, kept
//! for reading after a failing one. Needs no display.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use axolop_e2e::fresh_data_dir;

#[test]
fn a_data_directory_is_empty_and_named_after_its_test() {
    let dir = fresh_data_dir("named");
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("axolop-e2e-named-"), "{name}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

#[test]
fn a_data_directory_is_removed_when_its_test_passes() {
    let dir = fresh_data_dir("passing");
    std::fs::write(dir.join("driver.log"), "log").unwrap();
    let path = dir.to_path_buf();
    drop(dir);
    assert!(!path.exists());
}

#[test]
fn a_data_directory_is_kept_when_its_test_fails() {
    let mut path = PathBuf::new();
    let failed = catch_unwind(AssertUnwindSafe(|| {
        let dir = fresh_data_dir("failing");
        path = dir.to_path_buf();
        panic!("a test failing on purpose, with its data directory alive");
    }));
    assert!(failed.is_err());
    assert!(path.is_dir(), "{} was removed", path.display());
    std::fs::remove_dir_all(&path).unwrap();
}
