//! Every command fed arbitrary JSON on the mock runtime, with a real store:
//! each answer is a result or a `{code, message}` error with a code from
//! the documented set, nothing panics, and a refused call leaves the
//! coordinator's state and the store exactly as they were.
//!
//! proptest prints the smallest failing call and keeps its seed.

mod common;

use axolop_coordinator::health::{HeartbeatTimeout, MAX_TIMEOUT};
use axolop_desktop::{agencies, configure, crm, Hub};
use common::{invoke, snapshot, window, DataDir};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Manager, WebviewWindow};

/// Every command a page may call, except `window_close`, which would close
/// the window the test speaks through (its refusals are in tests/ipc.rs).
const COMMANDS: &[&str] = &[
    "coordinator_snapshot",
    "window_open",
    "window_focus_primary",
    "heartbeat",
    "lock_acquire",
    "lock_release",
    "lock_extend",
    "lock_check",
    "session_sign_in",
    "session_sign_out",
    "agency_list",
    "agency_create",
    "agency_select",
    "contacts_list",
    "contact_get",
    "contact_save",
    "contact_delete",
    "modal_draft_report",
    "modal_draft",
    "app_notices",
];

/// The documented error codes.
const CODES: &[&str] = &[
    "invalid_argument",
    "not_found",
    "conflict",
    "lock_unavailable",
    "lock_timeout",
    "lock_not_held",
    "deadlock",
    "too_many",
    "invalid_credentials",
    "network",
    "not_configured",
    "signed_out",
    "internal",
];

/// Field names the commands know, so generated objects often get past the
/// "unknown field" check and reach the checks behind it.
const KEYS: &[&str] = &[
    "name",
    "mode",
    "ttlMs",
    "waitMs",
    "token",
    "agencyId",
    "expectedVersion",
    "contact",
    "id",
    "version",
    "offset",
    "limit",
    "kind",
    "text",
    "email",
    "password",
    "appliedSeq",
    "stage",
    "notes",
    "phone",
    "company",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0u64..5).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z]{0,3}".prop_map(Value::from),
        ".{0,130}".prop_map(Value::from),
        prop_oneof![
            Just("exclusive"),
            Just("shared"),
            Just("agency-selection"),
            Just("lead"),
            Just("a@b.co")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-zA-Z]{1,8}",
    ]
}

/// Arguments: mostly objects of known fields, sometimes anything at all.
fn arguments() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::vec((key(), json_value()), 0..4)
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        1 => json_value(),
    ]
}

/// The fields `command` takes, so shaped arguments reach the checks and
/// the state behind the parser.
fn fields_of(command: &str) -> &'static [&'static str] {
    match command {
        "lock_acquire" => &["name", "mode", "ttlMs", "waitMs"],
        "lock_release" | "lock_check" => &["token"],
        "lock_extend" => &["token", "ttlMs"],
        "session_sign_in" => &["email", "password"],
        "agency_create" => &["name"],
        "agency_select" => &["agencyId", "expectedVersion"],
        "contacts_list" => &["offset", "limit"],
        "contact_get" => &["id"],
        "contact_delete" => &["id", "version"],
        "contact_save" => &["contact"],
        "modal_draft_report" => &["kind", "text"],
        "heartbeat" => &["appliedSeq"],
        _ => &[],
    }
}

/// A plausible value: small numbers, names, the ids of the agency and
/// contact that exist (`$agency`, `$contact`), or a contact object.
fn plausible() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        (0u64..4).prop_map(Value::from),
        prop::sample::select(vec![100u64, 2_000, 30_000, 600_001, u64::MAX]).prop_map(Value::from),
        prop::sample::select(vec![
            "$agency",
            "$contact",
            "Acme",
            "report",
            "",
            " ",
            "exclusive",
            "shared",
            "lead",
            "won",
            "sign-in",
            "agency-selection",
            "ada@example.com",
            "not-an-email",
        ])
        .prop_map(Value::from),
        ".{0,130}".prop_map(Value::from),
        Just(Value::Null),
    ];
    let contact_fields = prop::collection::vec(
        (
            prop::sample::select(vec![
                "name",
                "email",
                "phone",
                "company",
                "stage",
                "notes",
                "id",
                "version",
                "agencyId",
                "updatedAt",
                "colour",
            ]),
            scalar.clone(),
        ),
        0..6,
    )
    .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
    prop_oneof![4 => scalar, 1 => contact_fields]
}

/// Arguments for `command`: shaped like its own, or anything.
fn arguments_for(command: &'static str) -> BoxedStrategy<Value> {
    let fields = fields_of(command);
    if fields.is_empty() {
        return arguments().boxed();
    }
    let shaped = prop::collection::vec((prop::sample::select(fields.to_vec()), plausible()), 0..4)
        .prop_map(|pairs| {
            Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        });
    prop_oneof![3 => shaped, 2 => arguments()].boxed()
}

/// Puts the ids that exist where the arguments name them.
fn with_ids(value: Value, agency: &str, contact: &str) -> Value {
    match value {
        Value::String(s) if s == "$agency" => Value::from(agency),
        Value::String(s) if s == "$contact" => Value::from(contact),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| with_ids(v, agency, contact))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, with_ids(v, agency, contact)))
                .collect(),
        ),
        other => other,
    }
}

/// A local-mode app with a store, an agency selected, one contact, and no
/// heartbeat timeout to speak of (the test does not beat).
fn app(dir: &DataDir) -> App<MockRuntime> {
    let data = dir.0.clone();
    let mut app = configure(mock_builder(), move |app| {
        crm::open(app, &data)?;
        agencies::restore_local(app)?;
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
    let first = window(&app, "crm-1");
    snapshot(&first);
    let agency = invoke(&first, "agency_create", json!({ "name": "Acme" })).unwrap();
    invoke(&first, "agency_select", json!({ "agencyId": agency["id"] })).unwrap();
    invoke(
        &first,
        "contact_save",
        json!({ "contact": { "name": "Ada" } }),
    )
    .unwrap();
    app
}

/// What a refused call must leave as it was.
fn state(first: &WebviewWindow<MockRuntime>) -> Value {
    json!({
        "snapshot": snapshot(first),
        "agencies": invoke(first, "agency_list", json!({})).unwrap(),
        "contacts": invoke(first, "contacts_list", json!({})).unwrap(),
        "draft": invoke(first, "modal_draft", json!({})).unwrap(),
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn any_json_to_any_command_is_answered_in_the_wire_format_and_refusals_change_nothing(
        (command, args) in prop::sample::select(COMMANDS)
            .prop_flat_map(|command| (Just(command), arguments_for(command))),
    ) {
        thread_local! {
            static APP: (DataDir, App<MockRuntime>) = {
                let dir = DataDir::new("ipc-fuzz");
                let app = app(&dir);
                (dir, app)
            };
        }
        APP.with(|(_, app)| {
            let first = window(app, "crm-1");
            let before = state(&first);
            let agency = before["snapshot"]["agency"]["selected"]["id"].as_str().unwrap_or_default().to_owned();
            let contact = before["contacts"]["contacts"][0]["id"].as_str().unwrap_or_default().to_owned();
            let args = with_ids(args, &agency, &contact);
            match invoke(&first, command, args.clone()) {
                Ok(lease) if command == "lock_acquire" => {
                    // Released at once: a short lease expiring during a
                    // later refused call would change the state for its
                    // own good reason.
                    invoke(&first, "lock_release", json!({ "token": lease["token"] })).unwrap();
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(error) => {
                    let code = error["code"].as_str().unwrap_or_default();
                    prop_assert!(CODES.contains(&code), "{command} {args}: {error}");
                    prop_assert!(
                        error["message"].as_str().is_some_and(|m| !m.is_empty()),
                        "{command} {args}: {error}"
                    );
                    let fields: Vec<_> = error.as_object().unwrap().keys().collect();
                    prop_assert_eq!(fields, ["code", "message"], "{} {}", command, args);
                    prop_assert_eq!(&state(&first), &before, "{} {} changed the state", command, args);
                    Ok(())
                }
            }
        })?;
    }
}
