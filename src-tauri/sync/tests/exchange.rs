//! Exchanges between devices through the server: each device has its own
//! local store (the cache and its outbox), and pushes and pulls through the
//! gateway over the real schema, with GoTrue-issued tokens.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use axolop_gotrue::jwt::{self, JWT_SECRET};
use axolop_postgrest::Fault;
use axolop_store::{Agency, ContactDraft, Pulled, Stage, Store};
use axolop_sync::exchange::{pull, push, Progress};
use axolop_sync::SyncError;
use secrecy::SecretString;
use support::Member;

mod support;

const NOW: u64 = 1_796_000_000_000;

/// A member's device: their session, and a store that caches the agency
/// and queues its changes.
struct Device {
    member: Member,
    store: Mutex<Store>,
}

impl Device {
    fn new(member: Member, agency: &str) -> Device {
        let mut store = Store::open_in_memory().unwrap();
        let cached = Agency {
            id: agency.to_owned(),
            name: "Acme".to_owned(),
            created_at: NOW,
        };
        store.cache_agency(&member.user, &cached).unwrap();
        store.set_queue_changes(true);
        Device {
            member,
            store: Mutex::new(store),
        }
    }
}

impl Device {
    fn save(&self, agency: &str, name: &str) -> axolop_store::Contact {
        let draft = ContactDraft {
            name: name.to_owned(),
            ..ContactDraft::default()
        };
        self.store
            .lock()
            .unwrap()
            .save_contact(agency, &draft, None, "crm-1", NOW)
            .unwrap()
    }

    fn edit(&self, agency: &str, id: &str, name: &str) -> axolop_store::Contact {
        let mut store = self.store.lock().unwrap();
        let current = store.contact(agency, id).unwrap();
        let draft = ContactDraft {
            id: Some(id.to_owned()),
            name: name.to_owned(),
            stage: Stage::Won,
            ..ContactDraft::default()
        };
        store
            .save_contact(agency, &draft, Some(current.version), "crm-1", NOW)
            .unwrap()
    }

    fn names(&self, agency: &str) -> Vec<String> {
        self.store
            .lock()
            .unwrap()
            .contacts(agency, 0, 100)
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    fn waiting(&self) -> u64 {
        self.store
            .lock()
            .unwrap()
            .outbox_len(&self.member.user)
            .unwrap()
    }
}

struct Devices {
    ada: Device,
    bob: Device,
    agency: String,
    servers: support::Servers,
}

impl std::ops::Deref for Devices {
    type Target = support::Servers;

    fn deref(&self) -> &support::Servers {
        &self.servers
    }
}

impl Devices {
    fn push(&self, device: &Device) -> axolop_sync::Result<axolop_sync::exchange::Pushes> {
        let member = &device.member;
        let mut told = Vec::new();
        let pushes = self.runtime.block_on(push(
            &member.rest,
            &member.token,
            &member.user,
            &device.store,
            &mut |_, _, changes| told.extend_from_slice(changes),
        ))?;
        assert_eq!(
            told, pushes.conflicts,
            "every conflict is told as it settles"
        );
        Ok(pushes)
    }

    fn pull(&self, device: &Device) -> Vec<Pulled> {
        let member = &device.member;
        let mut told = Vec::new();
        let pulled = self
            .runtime
            .block_on(pull(
                &member.rest,
                &member.token,
                &device.store,
                &self.agency,
                |_| {},
                &mut |_, agency, changes| {
                    assert_eq!(agency, self.agency);
                    told.extend_from_slice(changes);
                },
            ))
            .expect("pull");
        assert_eq!(told, pulled, "every change is told as it is applied");
        pulled
    }

    fn on_server(&self, name: &str) -> i64 {
        self.postgres
            .superuser()
            .query_one("select count(*) from contacts where name = $1", &[&name])
            .unwrap()
            .get(0)
    }
}

/// Ada's and Bob's devices, both caching their shared agency.
fn team() -> Devices {
    let support::Team {
        ada,
        bob,
        agency,
        servers,
    } = support::team();
    Devices {
        ada: Device::new(ada, &agency),
        bob: Device::new(bob, &agency),
        agency,
        servers,
    }
}

#[test]
fn what_one_device_saves_edits_and_deletes_reaches_the_other() {
    let team = team();
    let (ada, bob, agency) = (&team.ada, &team.bob, team.agency.as_str());
    let grace = ada.save(agency, "Grace");
    ada.save(agency, "Linus");
    ada.save(agency, "Ada");
    assert_eq!(ada.waiting(), 3);
    assert_eq!(team.push(ada).unwrap().applied, 3);
    assert_eq!(ada.waiting(), 0);

    let arrived = team.pull(bob);
    assert_eq!(arrived.len(), 3);
    assert_eq!(bob.names(agency), ["Ada", "Grace", "Linus"]);
    assert_eq!(team.pull(bob), [], "the next pull starts at the watermark");

    bob.edit(agency, &grace.id, "Grace Hopper");
    team.push(bob).unwrap();
    let edited = team.pull(ada);
    let [Pulled::Saved(contact)] = &edited[..] else {
        panic!("{edited:?}")
    };
    assert_eq!(
        (contact.name.as_str(), contact.stage),
        ("Grace Hopper", Stage::Won)
    );

    let linus = ada
        .store
        .lock()
        .unwrap()
        .contacts(agency, 0, 100)
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Linus")
        .unwrap();
    ada.store
        .lock()
        .unwrap()
        .delete_contact(agency, &linus.id, linus.version)
        .unwrap();
    team.push(ada).unwrap();
    let gone = team.pull(bob);
    assert!(
        matches!(&gone[..], [Pulled::Deleted(c)] if c.name == "Linus"),
        "{gone:?}"
    );
    assert_eq!(bob.names(agency), ["Ada", "Grace Hopper"]);
}

#[test]
fn two_offline_edits_of_one_contact_end_in_one_conflict_that_keeps_the_losing_text() {
    let team = team();
    let (ada, bob, agency) = (&team.ada, &team.bob, team.agency.as_str());
    let grace = ada.save(agency, "Grace");
    team.push(ada).unwrap();
    team.pull(bob);

    // Both edit while apart; Bob's push arrives first.
    ada.edit(agency, &grace.id, "Grace (Ada's)");
    bob.edit(agency, &grace.id, "Grace (Bob's)");
    team.push(bob).unwrap();
    let pushes = team.push(ada).unwrap();

    assert_eq!(pushes.conflicts.len(), 1);
    assert_eq!(
        ada.names(agency),
        ["Grace (Bob's)"],
        "the server's row wins in the cache"
    );
    let kept = ada
        .store
        .lock()
        .unwrap()
        .conflict(&grace.id)
        .unwrap()
        .expect("Ada's edit is kept");
    assert_eq!(kept.name, "Grace (Ada's)");
    assert_eq!(team.on_server("Grace (Bob's)"), 1);
    assert_eq!(team.on_server("Grace (Ada's)"), 0);
    assert_eq!(ada.waiting(), 0);
}

#[test]
fn a_push_the_network_cuts_keeps_its_line_and_lands_each_change_once_later() {
    let team = team();
    let (ada, agency) = (&team.ada, team.agency.as_str());
    for n in 0..5 {
        ada.save(agency, &format!("Offline {n}"));
    }
    team.gateway.inject(Fault::Status(503), 1);
    assert!(matches!(team.push(ada), Err(SyncError::Unavailable(_))));
    assert_eq!(ada.waiting(), 5, "nothing left the line");

    team.gateway.inject(Fault::Reset, 1);
    assert!(matches!(team.push(ada), Err(SyncError::Unavailable(_))));
    assert_eq!(team.push(ada).unwrap().applied, 5);
    for n in 0..5 {
        assert_eq!(
            team.on_server(&format!("Offline {n}")),
            1,
            "Offline {n} once"
        );
    }
}

#[test]
fn an_expired_token_stops_the_exchange_with_the_line_intact() {
    let team = team();
    let (ada, agency) = (&team.ada, team.agency.as_str());
    ada.save(agency, "Waiting");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expired = SecretString::from(jwt::sign(
        &jwt::access_claims(&ada.member.user, "s", now - 60, now - 1, "t"),
        JWT_SECRET,
    ));
    let result = team.runtime.block_on(push(
        &ada.member.rest,
        &expired,
        &ada.member.user,
        &ada.store,
        &mut |_, _, _| {},
    ));
    assert!(matches!(result, Err(SyncError::TokenExpired)), "{result:?}");
    assert_eq!(ada.waiting(), 1);
    assert_eq!(
        team.push(ada).unwrap().applied,
        1,
        "with a fresh token it goes"
    );
}

#[test]
fn a_first_sync_of_a_large_agency_comes_in_pages_and_says_how_far_it_is() {
    let team = team();
    team.postgres
        .superuser()
        .execute(
            "insert into contacts (agency_id, name) select $1::text::uuid, 'Contact ' || n from generate_series(1, 2500) n",
            &[&team.agency],
        )
        .unwrap();
    let bob = &team.bob;
    let mut reports = Vec::new();
    let changes = team
        .runtime
        .block_on(pull(
            &bob.member.rest,
            &bob.member.token,
            &bob.store,
            &team.agency,
            |progress| {
                let cached = bob
                    .store
                    .lock()
                    .unwrap()
                    .contact_count(&team.agency)
                    .unwrap();
                reports.push((progress, cached));
            },
            &mut |_, _, _| {},
        ))
        .unwrap();
    assert_eq!(changes.len(), 2500);
    let total = Some(2500);
    assert_eq!(
        reports,
        [
            (Progress { rows: 1000, total }, 1000),
            (Progress { rows: 2000, total }, 2000),
            (Progress { rows: 2500, total }, 2500),
        ],
        "each page is in the cache when it is reported"
    );
}

#[test]
fn an_edit_made_after_an_insert_whose_answer_was_lost_still_reaches_the_server() {
    let team = team();
    let (ada, agency) = (&team.ada, team.agency.as_str());
    let grace = ada.save(agency, "Grace");
    // The insert lands, but its answer never comes back.
    team.gateway.inject(Fault::LoseAnswer, 1);
    assert!(matches!(team.push(ada), Err(SyncError::Unavailable(_))));
    assert_eq!(team.on_server("Grace"), 1, "it landed");
    // Edited before the retry: the retry's insert is a duplicate, and the
    // edit goes over the version that landed.
    ada.edit(agency, &grace.id, "Grace Hopper");
    team.push(ada).unwrap();
    assert_eq!(team.on_server("Grace"), 0);
    assert_eq!(team.on_server("Grace Hopper"), 1);
    assert_eq!(ada.waiting(), 0);
}
