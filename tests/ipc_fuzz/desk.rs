//! The desk each case starts from: a mock app with a store, two windows,
//! agencies, contacts and locks in a known state, rebuilt once a call
//! moves it out of reach of what the cases name.
//!
//! crm-1 (primary) holds lock `report`; crm-2 holds `sync` and waits for
//! `report`, so any wait crm-1 starts for `sync` would close a cycle and is
//! refused at once, and nothing a case sends can block. Either Acme is
//! selected, with Ada at version 2 (Globex has Bob), or no agency is and
//! crm-1 presents the agency-selection modal.

use std::time::{Duration, Instant};

use axolop_coordinator::health::{HeartbeatTimeout, MAX_TIMEOUT};
use axolop_coordinator::lock::PendingLease;
use axolop_coordinator::{Acquisition, LockRequest, WindowLabel};
use axolop_desktop::{agencies, configure, crm, links, Hub};
use serde_json::{json, Map, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Manager, WebviewWindow};

use crate::calls::{Call, Start};
use crate::common::{invoke, snapshot, window, DataDir};

/// The longest lease and the longest wait a request may ask for.
const TTL_MAX_MS: u64 = 600_000;
const WAIT_MAX_MS: u64 = 60_000;
/// A desk older than this is rebuilt, well before crm-2's wait runs out.
const LIFETIME: Duration = Duration::from_secs(30);
/// With more windows, agencies or contacts than this, a desk is rebuilt.
const MAX_WINDOWS: usize = 5;
const MAX_AGENCIES: usize = 8;
const MAX_CONTACTS: u64 = 12;

/// A mock app in a known state.
pub struct Desk {
    pub app: App<MockRuntime>,
    start: Start,
    built: Instant,
    /// The desk's own ids and tokens, by their `$name` in arguments.
    names: Map<String, Value>,
    /// Ada's id.
    contact: String,
    /// The lock table as built; any other means a lease ended.
    locks: Value,
    /// crm-2's wait for `report`.
    _waiting: PendingLease,
    /// Dropped after the app (fields drop in order).
    _dir: DataDir,
}

impl Desk {
    fn new(start: Start, number: u32) -> Self {
        let dir = DataDir::new(&format!("ipc-fuzz-{number}"));
        let app = patient_app(&dir);
        let first = window(&app, "crm-1");
        snapshot(&first);
        invoke(&first, "window_open", json!({})).unwrap();
        let second = window(&app, "crm-2");
        snapshot(&second);
        let acme = invoke(&first, "agency_create", json!({ "name": "Acme" })).unwrap();
        let globex = invoke(&first, "agency_create", json!({ "name": "Globex" })).unwrap();
        let select = |agency: &Value| {
            invoke(&first, "agency_select", json!({ "agencyId": agency["id"] })).unwrap();
        };
        let save = |contact: Value| invoke(&first, "contact_save", json!({ "contact": contact }));
        let (contact, foreign) = match start {
            Start::AgencySelected => {
                select(&globex);
                let bob = save(json!({ "name": "Bob" })).unwrap();
                select(&acme);
                let ada = save(json!({ "name": "Ada" })).unwrap();
                // At version 2, so version 1 is stale.
                save(json!({ "id": ada["id"], "version": 1, "name": "Ada Lovelace" })).unwrap();
                (ada["id"].clone(), bob["id"].clone())
            }
            Start::NoAgency => (json!("no-such-contact"), json!("no-such-contact-either")),
        };
        let acquire = |from: &WebviewWindow<MockRuntime>, name: &str| {
            let lease = invoke(
                from,
                "lock_acquire",
                json!({ "name": name, "ttlMs": TTL_MAX_MS }),
            );
            lease.unwrap()["token"].clone()
        };
        let report = acquire(&first, "report");
        let sync = acquire(&second, "sync");
        let released = acquire(&first, "spent");
        invoke(&first, "lock_release", json!({ "token": released })).unwrap();
        // A page's waiting `lock_acquire` would block the test, so crm-2's
        // wait is queued on the coordinator directly, as that call queues it.
        let request =
            LockRequest::new("report", None, Some(TTL_MAX_MS), Some(WAIT_MAX_MS)).unwrap();
        let waiting = app
            .state::<Hub>()
            .transact(|coordinator, now| {
                coordinator.lock_acquire(&WindowLabel::from("crm-2"), request, now)
            })
            .unwrap();
        let Acquisition::Queued(waiting) = waiting else {
            panic!("crm-1 holds report, so crm-2 waits for it");
        };
        let locks = snapshot(&first)["locks"].clone();
        let names = [
            ("$agency", acme["id"].clone()),
            ("$other", globex["id"].clone()),
            ("$contact", contact.clone()),
            ("$foreign", foreign),
            ("$report", report),
            ("$sync", sync),
            ("$released", released),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
        Self {
            app,
            start,
            built: Instant::now(),
            names,
            contact: contact.as_str().unwrap().to_owned(),
            locks,
            _waiting: waiting,
            _dir: dir,
        }
    }

    /// What a refused call must leave as it was, as crm-1 reads it.
    pub fn state(&self) -> Value {
        let first = window(&self.app, "crm-1");
        let read = |command| {
            invoke(&first, command, json!({}))
                .unwrap_or_else(|refused| json!({ "refused": refused }))
        };
        json!({
            "snapshot": snapshot(&first),
            "agencies": read("agency_list"),
            "contacts": read("contacts_list"),
            "draft": read("modal_draft"),
            "resume": read("window_resume"),
        })
    }

    /// Whether every case can still reach what it names from `state`.
    fn in_reach(&self, state: &Value) -> bool {
        let snapshot = &state["snapshot"];
        let selected = &snapshot["agency"]["selected"]["id"];
        let count = |value: &Value| value.as_array().map_or(0, Vec::len);
        let contacts_in_reach = match self.start {
            Start::AgencySelected => {
                *selected == self.names["$agency"]
                    && self.version(state).is_some()
                    && state["contacts"]["total"]
                        .as_u64()
                        .is_some_and(|total| total <= MAX_CONTACTS)
            }
            Start::NoAgency => selected.is_null(),
        };
        self.built.elapsed() < LIFETIME
            && snapshot["locks"] == self.locks
            && count(&snapshot["windows"]) <= MAX_WINDOWS
            && count(&state["agencies"]) <= MAX_AGENCIES
            && contacts_in_reach
    }

    /// Ada's version in `state`, if she is there.
    fn version(&self, state: &Value) -> Option<u64> {
        state["contacts"]["contacts"]
            .as_array()?
            .iter()
            .find(|contact| contact["id"] == self.contact.as_str())?["version"]
            .as_u64()
    }

    /// The `$name`s of arguments for a call from `caller`, with the
    /// versions as of `state`: `$mine` is the caller's lease, `$theirs` the
    /// other window's.
    pub fn names(&self, state: &Value, caller: &str) -> Map<String, Value> {
        let version = self.version(state).unwrap_or(1);
        let selection = state["snapshot"]["agency"]["version"].as_u64().unwrap();
        let mut names = self.names.clone();
        let (mine, theirs) = match caller {
            "crm-1" => ("$report", "$sync"),
            _ => ("$sync", "$report"),
        };
        names.insert("$mine".into(), self.names[mine].clone());
        names.insert("$theirs".into(), self.names[theirs].clone());
        names.insert("$version".into(), json!(version));
        names.insert("$stale".into(), json!(version - 1));
        names.insert("$selection".into(), json!(selection));
        names.insert("$old".into(), json!(selection.saturating_sub(1)));
        names
    }

    /// Puts back what an answered call changed that later cases rely on:
    /// a new lease is released (a short one would end during a later case,
    /// changing the state for its own good reason), an extended one gets
    /// its long lease back, and Acme is selected again.
    pub fn settle(&self, caller: &WebviewWindow<MockRuntime>, call: &Call, answer: &Value) {
        match call.command {
            "lock_acquire" => {
                invoke(caller, "lock_release", json!({ "token": answer["token"] })).unwrap();
            }
            "lock_extend" => {
                let long = json!({ "token": answer["token"], "ttlMs": TTL_MAX_MS });
                invoke(caller, "lock_extend", long).unwrap();
            }
            "agency_select"
                if call.start == Start::AgencySelected
                    && answer["selected"]["id"] != self.names["$agency"] =>
            {
                let acme = json!({ "agencyId": self.names["$agency"] });
                invoke(&window(&self.app, "crm-1"), "agency_select", acme).unwrap();
            }
            _ => {}
        }
    }
}

/// A local-mode app with a store and no heartbeat timeout to speak of (no
/// page beats).
fn patient_app(dir: &DataDir) -> App<MockRuntime> {
    let data = dir.0.clone();
    let mut app = configure(mock_builder(), move |app| {
        crm::open(app, &data)?;
        agencies::restore_local(app)?;
        // Links go nowhere: a browser that takes any link.
        app.manage(links::Browser::with(|_| Ok(())));
        let patient = HeartbeatTimeout::from_millis(MAX_TIMEOUT.as_millis() as u64).unwrap();
        app.state::<Hub>().transact(|coordinator, _| {
            coordinator.set_heartbeat_timeout(patient);
            Ok(())
        })?;
        Ok(())
    })
    .build(mock_context(noop_assets()))
    .expect("mock app");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

/// One desk per start, each rebuilt once out of reach.
#[derive(Default)]
pub struct Desks {
    agency_selected: Option<Desk>,
    no_agency: Option<Desk>,
    /// How many desks were built.
    pub built: u32,
}

impl Desks {
    /// The desk for `start`, in reach, and its state.
    pub fn ready(&mut self, start: Start) -> (&Desk, Value) {
        let slot = match start {
            Start::AgencySelected => &mut self.agency_selected,
            Start::NoAgency => &mut self.no_agency,
        };
        if let Some(desk) = slot.take() {
            let state = desk.state();
            if desk.in_reach(&state) {
                return (slot.insert(desk), state);
            }
        }
        self.built += 1;
        let desk = slot.insert(Desk::new(start, self.built));
        let state = desk.state();
        assert!(desk.in_reach(&state), "a new desk is in reach: {state}");
        (desk, state)
    }
}

/// Replaces each string that is a `$name` by the value it names.
pub fn resolve(value: Value, names: &Map<String, Value>) -> Value {
    match value {
        Value::String(text) => names.get(&text).cloned().unwrap_or(Value::String(text)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| resolve(v, names)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, resolve(v, names)))
                .collect(),
        ),
        other => other,
    }
}
