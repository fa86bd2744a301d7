//! A stream of contact writes for the crash test (`tests/crash.rs`): it
//! creates contacts and updates earlier ones in the agency named on the
//! command line, one transaction each, and prints each write once it is
//! committed (`<id> <version>`), until it is killed.
//!
//! `crash-writer <database> <agency id>`

use std::io::Write;

use axolop_store::{ContactDraft, Store};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(agency)) = (args.next(), args.next()) else {
        eprintln!("usage: crash-writer <database> <agency id>");
        std::process::exit(2);
    };
    let (mut store, _) = Store::open(path.as_ref(), 0).expect("open the database");
    let mut written: Vec<(String, u64)> = Vec::new();
    let mut out = std::io::stdout().lock();
    for n in 0u64.. {
        // Two creations for every update, so the file keeps growing.
        let update = n % 3 == 2 && !written.is_empty();
        let (draft, expected) = if update {
            let (id, version) = written[fastrand::usize(..written.len())].clone();
            let draft = ContactDraft {
                id: Some(id),
                name: format!("Contact {n} (edited)"),
                notes: "x".repeat(fastrand::usize(..2_000)),
                ..ContactDraft::default()
            };
            (draft, Some(version))
        } else {
            let draft = ContactDraft {
                name: format!("Contact {n}"),
                email: format!("c{n}@example.com"),
                ..ContactDraft::default()
            };
            (draft, None)
        };
        let contact = store
            .save_contact(&agency, &draft, expected, "crm-1", n)
            .expect("a write");
        // Committed: only now is it acknowledged.
        writeln!(out, "{} {}", contact.id, contact.version).expect("stdout");
        out.flush().expect("stdout");
        match written.iter_mut().find(|(id, _)| *id == contact.id) {
            Some(entry) => entry.1 = contact.version,
            None => written.push((contact.id, contact.version)),
        }
    }
}
