//! What the app leaves on disk is its user's alone (Unix modes), and a
//! desktop launch does not copy its log to stderr.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use axolop_e2e::{fresh_data_dir, log_file, App};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_data_and_logs_are_private_and_stderr_gets_no_log() {
    let dir = fresh_data_dir("files-private");
    // Made more open than it should be, as by hand or an older version.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let app = App::launch_in(&dir, &[]);
    app.select_new_agency("crm-1", "Acme");
    assert_eq!(mode(&dir), 0o700, "the data directory");
    assert_eq!(mode(&dir.join("logs")), 0o700, "the log directory");
    assert_eq!(mode(&log_file(&dir)), 0o600, "the log file");
    for name in ["axolop.sqlite3", "axolop.sqlite3-wal", "axolop.sqlite3-shm"] {
        assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
    }
    drop(app);
    // The app's stderr went to the driver's log: no terminal, no log lines.
    let stderr = std::fs::read_to_string(dir.join("driver.log")).unwrap();
    assert!(
        !stderr.contains("Axolop CRM starting"),
        "the log was copied to stderr"
    );
    assert!(std::fs::read_to_string(log_file(&dir))
        .unwrap()
        .contains("Axolop CRM starting"));
}

#[test]
fn a_corrupt_database_moved_aside_is_private() {
    let dir = fresh_data_dir("files-corrupt");
    let database = dir.join("axolop.sqlite3");
    std::fs::write(&database, "not a database\n".repeat(200)).unwrap();
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).unwrap();
    let app = App::launch_in(&dir, &[]);
    drop(app);
    let copies: Vec<_> = std::fs::read_dir(&*dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(mode(&copies[0]), 0o600);
    assert_eq!(mode(&database), 0o600);
}
