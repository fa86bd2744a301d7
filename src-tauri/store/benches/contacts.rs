//! Bulk insertion and paging of contacts in a real database file.
//!
//! - **Bulk insert**: 10,000 contacts into a fresh file database (WAL, one
//!   transaction). Target: well under one second in release.
//! - **Page read**: one page of 50 contacts from the middle of those 10,000,
//!   in display order (served by the v2 index).
//!
//! Run: `cargo bench -p axolop-store --bench contacts`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axolop_store::{ContactDraft, Stage, Store};

const ROUNDS: usize = 7;
const CONTACTS: usize = 10_000;
const PAGE: usize = 50;
const PAGE_READS: usize = 1_000;
const NOW: u64 = 1_750_000_000_000;

fn main() {
    let temp = tempfile::Builder::new()
        .prefix("axolop-store-bench-")
        .tempdir()
        .unwrap();
    let dir = temp.path();
    let drafts: Vec<ContactDraft> = (0..CONTACTS)
        .map(|i| ContactDraft {
            name: format!("Contact {:05}", (i * 7_919) % CONTACTS),
            email: format!("contact{i}@example.com"),
            phone: "+55 11 5555-0100".to_owned(),
            company: "Acme".to_owned(),
            stage: Stage::ALL[i % Stage::ALL.len()],
            ..ContactDraft::default()
        })
        .collect();

    let mut inserts = Vec::with_capacity(ROUNDS);
    let mut pages = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let path = dir.join(format!("round-{round}.db"));
        let (mut store, _) = Store::open(&path, NOW).unwrap();
        let agency = store.create_agency("bench", "Bench", NOW).unwrap();

        let started = Instant::now();
        store
            .insert_contacts(&agency.id, &drafts, "crm-1", NOW)
            .unwrap();
        inserts.push(started.elapsed());

        let started = Instant::now();
        for read in 0..PAGE_READS {
            let offset = (read * PAGE) % (CONTACTS - PAGE);
            black_box(store.contacts(&agency.id, offset, PAGE).unwrap());
        }
        pages.push(started.elapsed() / PAGE_READS as u32);
    }

    inserts.sort();
    pages.sort();
    println!(
        "contacts: bulk insert of {CONTACTS} into a file: median {:.1} ms (min {:.1}, max {:.1}; {ROUNDS} rounds; target well under 1000 ms)",
        millis(inserts[ROUNDS / 2]),
        millis(inserts[0]),
        millis(inserts[ROUNDS - 1]),
    );
    println!(
        "contacts: page of {PAGE} at an offset among {CONTACTS}: median {:.1} us ({PAGE_READS} reads per round)",
        pages[ROUNDS / 2].as_secs_f64() * 1e6,
    );
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
