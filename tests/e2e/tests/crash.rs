//! The whole app killed with SIGKILL at random moments while a page writes
//! contacts as fast as it can, 100 times over one data directory: every
//! restart opens the database as it is, and every save the page saw
//! answered before the kill is there. No save fails before the kill: a
//! failed save would end the page's writing, and the kills after it would
//! hit an idle app.

use std::collections::BTreeSet;
use std::time::Duration;

use axolop_e2e::{fresh_data_dir, App};
use serde_json::{json, Value};

const KILLS: usize = 100;

/// Starts the page's write loop: contact after contact, each id recorded
/// once its save has answered. A refused or failed save ends the loop and
/// is recorded (a refusal is `{code, message}`).
const WRITE_LOOP: &str = "window.__acked = [];
    window.__failed = null;
    (async () => {
      for (let n = 0; ; n++) {
        const saved = await window.__TAURI__.core.invoke('contact_save', { contact: { name: 'Crash ' + n } });
        window.__acked.push(saved.id);
      }
    })().catch((error) => {
      window.__failed = error instanceof Error ? String(error) : JSON.stringify(error);
    });
    return true;";

/// What the write loop saw answered so far, and how it failed, if it did.
const WRITTEN: &str = "return { acked: window.__acked, failed: window.__failed };";

/// The ids of every contact the app lists, page by page (a page holds at
/// most 5,000).
fn stored_ids(app: &App) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    loop {
        let page = app
            .invoke("crm-1", "contacts_list", json!({ "offset": ids.len() }))
            .unwrap();
        let contacts = page["contacts"].as_array().unwrap();
        ids.extend(
            contacts
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        if contacts.is_empty() || ids.len() as u64 >= page["total"].as_u64().unwrap() {
            return ids;
        }
    }
}

#[test]
fn every_answered_save_survives_the_app_being_killed_at_any_moment() {
    let dir = fresh_data_dir("crash-kill");
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut acked: BTreeSet<String> = BTreeSet::new();
    for kill in 0..KILLS {
        let app = App::launch_in(&dir, &[]);
        if kill == 0 {
            app.select_new_agency("crm-1", "Acme");
        } else {
            // What every earlier run acknowledged is here.
            let stored = stored_ids(&app);
            let lost: Vec<_> = acked.difference(&stored).collect();
            assert!(lost.is_empty(), "seed {seed}, kill {kill}: lost {lost:?}");
        }
        app.execute("crm-1", WRITE_LOOP, json!([]));
        std::thread::sleep(Duration::from_millis(rng.u64(20..250)));
        let written = app.execute("crm-1", WRITTEN, json!([]));
        app.kill_app();
        assert!(
            written["failed"].is_null(),
            "seed {seed}, kill {kill}: a save failed before the kill: {}",
            written["failed"]
        );
        acked.extend(
            written["acked"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        drop(app);
    }
    let log = std::fs::read_to_string(axolop_e2e::log_file(&dir)).unwrap();
    assert!(
        !log.contains("was corrupt"),
        "a restart found the database corrupt"
    );
    assert!(
        acked.len() > KILLS,
        "the page hardly wrote: {} saves",
        acked.len()
    );
    println!(
        "{KILLS} kills, {} answered saves all kept (seed {seed})",
        acked.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
