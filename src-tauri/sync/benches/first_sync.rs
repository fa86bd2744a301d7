//! A first sync of an agency of 10,000 contacts, as one exchange pulls it
//! into an empty cache: through the PostgREST gateway over the real schema
//! (PostgreSQL on loopback), with a GoTrue-issued token. Prints the time to
//! the first page in the cache (what a window could show), to all of it,
//! and the requests it took; medians over several fresh caches.
//!
//! `cargo bench -p axolop-sync --bench first_sync` (part of scripts/bench.sh).
//! What it leaves out: the app's windows (this is the exchange alone) and a
//! real network (loopback).

use std::sync::Mutex;
use std::time::Instant;

use axolop_store::{Agency, Store};
use axolop_sync::exchange::{pull, PAGE};

#[path = "../tests/support/mod.rs"]
mod support;

const CONTACTS: u64 = 10_000;
const RUNS: usize = 7;

fn main() {
    let team = support::team();
    team.postgres
        .superuser()
        .execute(
            "insert into contacts (agency_id, name, email, company, notes)
             select $1::text::uuid, 'Contact ' || n, 'contact' || n || '@example.com', 'Company ' || (n % 97), repeat('note ', 10)
             from generate_series(1, $2::int) n",
            &[&team.agency, &(CONTACTS as i32)],
        )
        .expect("seed the agency");
    let bob = &team.bob;
    let (mut first, mut all, mut requests) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let mut store = Store::open_in_memory().unwrap();
        let agency = Agency {
            id: team.agency.clone(),
            name: "Acme".to_owned(),
            created_at: 0,
        };
        store.cache_agency(&bob.user, &agency).unwrap();
        let store = Mutex::new(store);
        let before = team.gateway.stats().requests;
        let started = Instant::now();
        let mut first_page = None;
        let changes = team
            .runtime
            .block_on(pull(
                &bob.rest,
                &bob.token,
                &store,
                &team.agency,
                |_| {
                    first_page.get_or_insert_with(|| started.elapsed());
                },
                &mut |_, _, _| {},
            ))
            .expect("pull");
        all.push(started.elapsed().as_secs_f64() * 1000.0);
        first.push(first_page.expect("a page").as_secs_f64() * 1000.0);
        requests.push(team.gateway.stats().requests - before);
        assert_eq!(changes.len() as u64, CONTACTS);
    }
    let median = |samples: &mut Vec<f64>| {
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    };
    println!(
        "first sync of {CONTACTS} contacts (pages of {PAGE}), exchange alone over loopback: first page cached after median {:.0} ms, all cached after median {:.0} ms (min {:.0}, max {:.0}), {} requests ({RUNS} runs)",
        median(&mut first),
        median(&mut all),
        all[0],
        all[all.len() - 1],
        requests[0],
    );
}
