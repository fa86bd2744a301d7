//! The TypeScript types the UI is checked against are generated from these
//! Rust types. This test fails when `ui/bindings/` is stale; regenerate with
//!
//! ```sh
//! AXOLOP_UPDATE_BINDINGS=1 cargo test -p axolop-coordinator --test bindings
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use axolop_coordinator::contacts::ContactsPage;
use axolop_coordinator::modal::ModalDraft;
use axolop_coordinator::{Envelope, LeaseInfo, LockCheck, Snapshot, WindowRef, WireError};
use axolop_model::{Agency, ContactDraft};
use ts_rs::{Config, TS};

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/bindings")
}

/// Writes every exported type, with its dependencies, into `dir`.
fn export_into(dir: &Path) {
    // Sequence numbers and epochs stay far below 2^53: plain numbers in JS.
    let config = Config::new().with_out_dir(dir).with_large_int("number");
    Envelope::export_all(&config).unwrap();
    Snapshot::export_all(&config).unwrap();
    WireError::export_all(&config).unwrap();
    WindowRef::export_all(&config).unwrap();
    LeaseInfo::export_all(&config).unwrap();
    LockCheck::export_all(&config).unwrap();
    ModalDraft::export_all(&config).unwrap();
    ContactsPage::export_all(&config).unwrap();
    Agency::export_all(&config).unwrap();
    ContactDraft::export_all(&config).unwrap();
}

fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|ext| ext == "ts") {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(name, fs::read_to_string(&path).unwrap());
        }
    }
    files
}

#[test]
fn generated_ui_bindings_are_up_to_date() {
    let committed = bindings_dir();
    if std::env::var_os("AXOLOP_UPDATE_BINDINGS").is_some() {
        let _ = fs::remove_dir_all(&committed);
        export_into(&committed);
    }
    let fresh = tempfile::Builder::new()
        .prefix("axolop-bindings-")
        .tempdir()
        .unwrap();
    export_into(fresh.path());
    let expected = read_tree(fresh.path());

    let actual = read_tree(&committed);
    let stale: Vec<_> = expected
        .keys()
        .chain(actual.keys())
        .filter(|name| expected.get(*name) != actual.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/bindings is stale ({stale:?}); run \
         `AXOLOP_UPDATE_BINDINGS=1 cargo test -p axolop-coordinator --test bindings`"
    );
}
