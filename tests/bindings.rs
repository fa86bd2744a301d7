//! The TypeScript types the UI is checked against are generated from the
//! Rust types: every command's arguments and answer (from the command
//! table), the events, and the wire error. This test fails when
//! `ui/bindings/` is stale; regenerate with
//!
//! ```sh
//! AXOLOP_UPDATE_BINDINGS=1 cargo test -p axolop-desktop --test bindings
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use axolop_coordinator::{Envelope, WireError};
use axolop_desktop::commands::{self, bindings};
use axolop_store::ContactDraft;
use ts_rs::TS;

fn bindings_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/bindings")
}

/// Writes every generated type into `dir`.
fn export_into(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    bindings::export(&commands::signatures(), dir).unwrap();
    let config = bindings::config(dir);
    Envelope::export_all(&config).unwrap();
    WireError::export_all(&config).unwrap();
    // What a page edits before it becomes a command's argument.
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
         `AXOLOP_UPDATE_BINDINGS=1 cargo test -p axolop-desktop --test bindings`"
    );
}

#[test]
fn every_command_has_a_typed_entry_in_the_generated_commands_map() {
    let signatures = commands::signatures();
    let text = bindings::typescript(&signatures);
    for signature in &signatures {
        let entry = format!(
            "  {}: {{ args: {}, result: {} }},",
            signature.name, signature.args, signature.result
        );
        assert!(text.contains(&entry), "{entry} missing from:\n{text}");
    }
    // The arguments of commands that take some are named, generated types.
    let lock = signatures
        .iter()
        .find(|s| s.name == "lock_acquire")
        .unwrap();
    assert_eq!(
        (lock.args.as_str(), lock.result.as_str()),
        ("LockAcquireArgs", "LeaseInfo")
    );
    assert!(text.contains("import type { LockAcquireArgs } from \"./LockAcquireArgs\";"));
}
