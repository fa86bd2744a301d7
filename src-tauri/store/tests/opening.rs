//! Opening a database file: creating, reopening, migrating, refusing a newer
//! schema, and recovering from corruption.

mod common;

use std::fs;
use std::path::Path;

use axolop_store::{
    ContactDraft, Opened, Stage, Store, StoreError, StoredSelection, SCHEMA_VERSION,
};
use common::{draft, file_names, temp_dir, NOW, OWNER, WINDOW};
use rusqlite::Connection;

/// The schema version recorded in the file, read without the store.
fn user_version(path: &Path) -> u32 {
    let conn = Connection::open(path).unwrap();
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

/// A database as version 1 of the app wrote it, with one agency (no
/// `created_at`) and two contacts.
fn build_v1_database(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "
        CREATE TABLE agencies (
            id TEXT PRIMARY KEY NOT NULL,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at INTEGER
        );
        CREATE TABLE contacts (
            id TEXT PRIMARY KEY NOT NULL,
            agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            company TEXT NOT NULL DEFAULT '',
            stage TEXT NOT NULL DEFAULT 'lead',
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL
        );
        INSERT INTO agencies (id, owner, name) VALUES ('ag-1', 'local-user', 'Old Agency');
        INSERT INTO contacts (id, agency_id, name, email, phone, company, stage, version,
                              updated_at, updated_by)
            VALUES ('c-1', 'ag-1', 'Bruno', 'bruno@example.com', '123', 'B Ltd', 'won', 3,
                    1700000000000, 'crm-2'),
                   ('c-2', 'ag-1', 'ana', '', '', '', 'lead', 1, 1700000000001, 'crm-1');
        PRAGMA user_version = 1;
        ",
    )
    .unwrap();
}

/// A closed, checkpointed database file holding an agency and many contacts.
fn build_populated_database(path: &Path) {
    let (mut store, _) = Store::open(path, NOW).unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    let drafts: Vec<ContactDraft> = (0..2_000).map(|i| draft(&format!("Contact {i}"))).collect();
    store
        .insert_contacts(&agency.id, &drafts, WINDOW, NOW)
        .unwrap();
    // Closing the last connection checkpoints the WAL into the main file.
    drop(store);
    assert!(!Path::new(&format!("{}-wal", path.display())).exists());
}

/// Asserts recovery moved the file to `<name>.corrupt-<NOW>`, and returns
/// the moved file's path.
fn assert_recovered(opened: &Opened, path: &Path) -> std::path::PathBuf {
    let Opened::Recovered { moved_to, .. } = opened else {
        panic!("expected Recovered, got {opened:?}");
    };
    assert_eq!(moved_to.parent(), path.parent());
    assert_eq!(
        moved_to.file_name().unwrap().to_string_lossy(),
        format!("crm.db.corrupt-{NOW}")
    );
    assert!(moved_to.exists());
    moved_to.clone()
}

#[test]
fn a_missing_file_opens_fresh_at_the_latest_schema() {
    let dir = temp_dir("fresh");
    let path = dir.path().join("crm.db");
    let (store, opened) = Store::open(&path, NOW).unwrap();
    assert_eq!(opened, Opened::Fresh);
    assert!(store.agencies(OWNER).unwrap().is_empty());
    drop(store);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}

#[test]
fn a_missing_data_directory_is_created() {
    let dir = temp_dir("missing-dir");
    let path = dir.path().join("nested/deeper/crm.db");
    let (_, opened) = Store::open(&path, NOW).unwrap();
    assert_eq!(opened, Opened::Fresh);
    assert!(path.exists());
}

#[test]
fn a_file_database_runs_in_wal_mode() {
    let dir = temp_dir("wal");
    let path = dir.path().join("crm.db");
    let (_store, _) = Store::open(&path, NOW).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn reopening_keeps_agencies_contacts_and_selections() {
    let dir = temp_dir("reopen");
    let path = dir.path().join("crm.db");
    let (mut store, _) = Store::open(&path, NOW).unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    let contact = store
        .save_contact(&agency.id, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    let selection = StoredSelection {
        agency_id: Some(agency.id.clone()),
        version: 4,
        changed_by: Some(WINDOW.to_owned()),
        changed_at: Some(NOW),
    };
    store.save_selection(OWNER, &selection).unwrap();
    drop(store);

    let (store, opened) = Store::open(&path, NOW + 1).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(store.agencies(OWNER).unwrap(), vec![agency.clone()]);
    assert_eq!(store.contact(&agency.id, &contact.id).unwrap(), contact);
    assert_eq!(store.selection(OWNER).unwrap(), Some(selection));
}

#[test]
fn a_v1_database_is_migrated_keeping_its_data() {
    let dir = temp_dir("v1");
    let path = dir.path().join("crm.db");
    build_v1_database(&path);

    let (mut store, opened) = Store::open(&path, NOW).unwrap();
    assert_eq!(
        opened,
        Opened::Migrated {
            from: 1,
            to: SCHEMA_VERSION
        }
    );
    let agency = store.agency(OWNER, "ag-1").unwrap();
    assert_eq!(agency.name, "Old Agency");
    assert_eq!(agency.created_at, 0, "v1 did not record a creation time");
    let contacts = store.contacts("ag-1", 0, 10).unwrap();
    let names: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["ana", "Bruno"]);
    let bruno = &contacts[1];
    assert_eq!(
        (bruno.stage, bruno.version, bruno.updated_by.as_str()),
        (Stage::Won, 3, "crm-2")
    );
    assert!(contacts.iter().all(|c| c.notes.is_empty()));
    // The selections table arrived with v2.
    assert_eq!(store.selection(OWNER).unwrap(), None);
    store
        .save_selection(OWNER, &StoredSelection::default())
        .unwrap();
    drop(store);
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}

#[test]
fn a_newer_schema_is_refused_and_the_file_left_untouched() {
    let dir = temp_dir("newer");
    let path = dir.path().join("crm.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x INTEGER); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = fs::read(&path).unwrap();

    let error = Store::open(&path, NOW).expect_err("a newer schema is refused");
    assert!(
        matches!(
            error,
            StoreError::NewerSchema {
                found: 99,
                known: SCHEMA_VERSION,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
    assert_eq!(file_names(dir.path()), ["crm.db"]);
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_and_a_fresh_store_works() {
    let dir = temp_dir("garbage");
    let path = dir.path().join("crm.db");
    let garbage = "this is not a database\n".repeat(500);
    fs::write(&path, &garbage).unwrap();

    let (mut store, opened) = Store::open(&path, NOW).unwrap();
    let moved_to = assert_recovered(&opened, &path);
    assert_eq!(fs::read_to_string(moved_to).unwrap(), garbage);
    assert!(opened.notice().unwrap().contains("crm.db.corrupt-"));
    store.create_agency(OWNER, "Acme", NOW).unwrap();
    assert_eq!(store.agencies(OWNER).unwrap().len(), 1);
}

#[test]
fn a_truncated_database_is_moved_aside_and_a_fresh_store_works() {
    let dir = temp_dir("truncated");
    let path = dir.path().join("crm.db");
    build_populated_database(&path);
    let full = fs::metadata(&path).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(full / 2)
        .unwrap();

    let (mut store, opened) = Store::open(&path, NOW).unwrap();
    let moved_to = assert_recovered(&opened, &path);
    assert_eq!(fs::metadata(moved_to).unwrap().len(), full / 2);
    assert!(store.agencies(OWNER).unwrap().is_empty());
    store.create_agency(OWNER, "Acme", NOW).unwrap();
}

#[test]
fn a_database_with_scribbled_pages_is_moved_aside() {
    let dir = temp_dir("scribbled");
    let path = dir.path().join("crm.db");
    build_populated_database(&path);
    let mut bytes = fs::read(&path).unwrap();
    // Leave the header page intact; wreck the b-tree pages behind it.
    let page = 4096;
    for byte in &mut bytes[page..page * 8] {
        *byte = 0xA5;
    }
    fs::write(&path, &bytes).unwrap();

    let (store, opened) = Store::open(&path, NOW).unwrap();
    assert_recovered(&opened, &path);
    assert_eq!(store.contact_count("anything").unwrap(), 0);
}

#[test]
fn stale_journal_files_of_a_corrupt_database_never_reach_the_fresh_one() {
    let dir = temp_dir("companions");
    let path = dir.path().join("crm.db");
    fs::write(&path, "not a database".repeat(100)).unwrap();
    fs::write(dir.path().join("crm.db-wal"), "stale wal").unwrap();
    fs::write(dir.path().join("crm.db-shm"), "stale shm").unwrap();

    let (mut store, opened) = Store::open(&path, NOW).unwrap();
    assert_recovered(&opened, &path);
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    drop(store);
    for name in ["crm.db-wal", "crm.db-shm"] {
        let left = fs::read(dir.path().join(name)).unwrap_or_default();
        assert!(
            !left.starts_with(b"stale"),
            "{name} still holds the stale file"
        );
    }
    let (store, opened) = Store::open(&path, NOW + 1).unwrap();
    assert_eq!(opened, Opened::Existing);
    assert_eq!(store.agencies(OWNER).unwrap(), vec![agency]);
}

#[test]
fn a_second_recovery_in_the_same_millisecond_keeps_the_first_file() {
    let dir = temp_dir("same-ms");
    let path = dir.path().join("crm.db");
    fs::write(&path, "first garbage".repeat(100)).unwrap();
    let (first, _) = Store::open(&path, NOW).unwrap();
    drop(first);
    fs::write(&path, "second garbage".repeat(100)).unwrap();

    let (_store, opened) = Store::open(&path, NOW).unwrap();
    let Opened::Recovered { moved_to, .. } = opened else {
        panic!("expected Recovered, got {opened:?}");
    };
    assert_eq!(
        moved_to.file_name().unwrap().to_string_lossy(),
        format!("crm.db.corrupt-{NOW}-2")
    );
    let first_moved = dir.path().join(format!("crm.db.corrupt-{NOW}"));
    assert!(fs::read_to_string(first_moved)
        .unwrap()
        .starts_with("first"));
}

#[test]
fn only_a_recovery_has_a_notice_for_the_user() {
    assert_eq!(Opened::Fresh.notice(), None);
    assert_eq!(Opened::Existing.notice(), None);
    assert_eq!(Opened::Migrated { from: 1, to: 2 }.notice(), None);
}

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_database_and_its_companions_are_their_users_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("private");
    let path = dir.path().join("crm.db");
    let (mut store, _) = Store::open(&path, NOW).unwrap();
    store.create_agency(OWNER, "Acme", NOW).unwrap();
    for name in ["crm.db", "crm.db-wal", "crm.db-shm"] {
        assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
    }
    drop(store);

    // A file an earlier version left readable by others is closed up.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    Store::open(&path, NOW).unwrap();
    assert_eq!(mode(&path), 0o600);
}

#[cfg(unix)]
#[test]
fn a_corrupt_copy_moved_aside_is_private_too() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("private-corrupt");
    let path = dir.path().join("crm.db");
    fs::write(&path, "not a database\n".repeat(100)).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let (_store, opened) = Store::open(&path, NOW).unwrap();
    let moved_to = assert_recovered(&opened, &path);
    assert_eq!(mode(&moved_to), 0o600);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn only_the_three_newest_corrupt_copies_are_kept() {
    let dir = temp_dir("pruned");
    let path = dir.path().join("crm.db");
    for n in 0..5u64 {
        // The database goes bad again and again.
        fs::write(&path, "not a database\n".repeat(100)).unwrap();
        drop(Store::open(&path, NOW + n).unwrap());
    }
    let copies: Vec<String> = file_names(dir.path())
        .into_iter()
        .filter(|name| name.contains(".corrupt-"))
        .collect();
    assert_eq!(
        copies,
        [
            format!("crm.db.corrupt-{}", NOW + 2),
            format!("crm.db.corrupt-{}", NOW + 3),
            format!("crm.db.corrupt-{}", NOW + 4),
        ]
    );
}

#[test]
fn deleted_rows_are_overwritten_on_disk() {
    let dir = temp_dir("secure-delete");
    let path = dir.path().join("crm.db");
    // What matters is what is left in the file, so that is what is read.
    let (mut store, _) = Store::open(&path, NOW).unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    let secret = "zq-unforgettable-secret-note-zq";
    let contact = store
        .save_contact(
            &agency.id,
            &ContactDraft {
                notes: secret.to_owned(),
                ..draft("Ana")
            },
            None,
            WINDOW,
            NOW,
        )
        .unwrap();
    store.delete_contact(&agency.id, &contact.id, 1).unwrap();
    drop(store);
    let mut bytes = fs::read(&path).unwrap();
    if let Ok(wal) = fs::read(dir.path().join("crm.db-wal")) {
        bytes.extend(wal);
    }
    let found = bytes
        .windows(secret.len())
        .any(|window| window == secret.as_bytes());
    assert!(!found, "the deleted note is still in the file");
}
