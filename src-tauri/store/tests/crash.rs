//! Crash safety: a writer process is killed with SIGKILL at a random moment
//! in a stream of writes, 100 times over one database. Every writer ends by
//! the kill (a writer that failed and exited on its own would leave nothing
//! to test); after every kill the file opens as it is (no recovery needed),
//! and every write the writer acknowledged (printed after its commit) is
//! there, at that version or a later one (a write can commit and be killed
//! before it is printed).

use std::collections::HashMap;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::Duration;

use axolop_store::{Opened, Store};

const KILLS: usize = 100;

#[test]
fn every_acknowledged_write_survives_a_sigkill_at_any_moment() {
    // Kept if the test fails (the database is the evidence); removed at the end.
    let dir = tempfile::Builder::new()
        .prefix("axolop-crash-")
        .tempdir()
        .unwrap()
        .keep();
    let path = dir.join("axolop.sqlite3");
    let agency = {
        let (mut store, _) = Store::open(&path, 0).unwrap();
        store.create_agency("local-user", "Acme", 0).unwrap().id
    };
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut acknowledged: HashMap<String, u64> = HashMap::new();
    let mut total = 0;
    for kill in 0..KILLS {
        let mut writer = Command::new(env!("CARGO_BIN_EXE_crash-writer"))
            .arg(&path)
            .arg(&agency)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("crash-writer");
        std::thread::sleep(Duration::from_millis(rng.u64(5..80)));
        writer.kill().expect("SIGKILL");
        let status = writer.wait().unwrap();
        if !ended_by_kill(status) {
            let mut complaint = String::new();
            let _ = writer.stderr.take().unwrap().read_to_string(&mut complaint);
            panic!(
                "seed {seed}, kill {kill}: the writer ended on its own ({status}), \
                 not by the kill: {complaint}"
            );
        }
        let mut printed = String::new();
        writer
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut printed)
            .unwrap();
        for line in printed.lines() {
            // A line cut by the kill was never acknowledged.
            let Some((id, version)) = line.split_once(' ') else {
                continue;
            };
            let Ok(version) = version.parse::<u64>() else {
                continue;
            };
            total += 1;
            let entry = acknowledged.entry(id.to_owned()).or_default();
            *entry = (*entry).max(version);
        }
        let (store, opened) = Store::open(&path, 0)
            .unwrap_or_else(|e| panic!("seed {seed}, kill {kill}: the database did not open: {e}"));
        assert!(
            matches!(opened, Opened::Existing),
            "seed {seed}, kill {kill}: opened as {opened:?}"
        );
        for (id, version) in &acknowledged {
            let stored = store
                .contact(&agency, id)
                .unwrap_or_else(|e| panic!("seed {seed}, kill {kill}: {id} is lost: {e}"));
            assert!(
                stored.version >= *version,
                "seed {seed}, kill {kill}: {id} went back from version {version} to {}",
                stored.version
            );
        }
    }
    println!(
        "{KILLS} kills, {total} acknowledged writes, {} contacts checked after each (seed {seed})",
        acknowledged.len()
    );
    assert!(total > KILLS, "the writer hardly wrote: {total} writes");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether `status` is that of a process ended by [`std::process::Child::kill`]
/// (SIGKILL; on Windows, `TerminateProcess` with exit code 1), not one that
/// exited on its own, such as after a panic (exit code 101).
fn ended_by_kill(status: ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        const SIGKILL: i32 = 9;
        status.signal() == Some(SIGKILL)
    }
    #[cfg(windows)]
    {
        status.code() == Some(1)
    }
}
