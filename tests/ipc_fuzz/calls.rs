//! The calls the fuzz makes: a command, its arguments, the window that
//! sends it and the desk it starts from.
//!
//! Arguments come three ways: anything at all; objects of the command's
//! own fields with plausible values; and typed, scenario by scenario (a
//! free lock, another window's lock, a stale version, …) with each field
//! present or not and its value drawn from the field's domain, which holds
//! valid values, values just past each limit, and the desk's own ids,
//! tokens and versions, named `$agency`, `$mine`, … (see `Desk::names`).

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Every command a page may call, except `window_close`, which would close
/// the window the test speaks through (its refusals are in tests/ipc.rs),
/// and the self-test's `checks_run` and `checks_save` and `report_save`,
/// which start an app of their own or write to the Downloads folder
/// (tests/checks.rs and the end-to-end tests cover them); with how many shares of the cases each
/// gets: more for those with more outcomes to reach.
pub const COMMANDS: &[(&str, u32)] = &[
    ("coordinator_snapshot", 1),
    ("window_open", 1),
    ("window_focus_primary", 1),
    ("heartbeat", 2),
    ("lock_acquire", 4),
    ("lock_release", 3),
    ("lock_extend", 3),
    ("lock_check", 2),
    ("session_sign_in", 4),
    ("session_project", 1),
    ("session_sign_out", 2),
    ("sign_in_providers", 1),
    ("sign_in_provider", 2),
    ("sign_in_email_link", 2),
    ("sign_in_code", 2),
    ("password_recover", 1),
    ("password_choose", 1),
    ("sign_in_cancel", 1),
    ("agency_list", 1),
    ("agency_create", 3),
    ("agency_select", 4),
    ("contacts_list", 2),
    ("contact_get", 4),
    ("contact_save", 5),
    ("contact_delete", 4),
    ("contact_conflict", 3),
    ("contact_conflict_discard", 3),
    ("modal_draft_report", 4),
    ("modal_draft", 1),
    ("app_notices", 1),
    ("link_open", 3),
    ("diagnostics_open", 1),
    ("window_zoom", 3),
    ("window_unsaved", 2),
    ("window_view", 4),
    ("window_resume", 1),
    ("draft_keep", 8),
    ("quit_answer", 1),
    ("update_answer", 1),
    ("diagnostics_snapshot", 1),
];

/// Which state a case starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Acme is selected.
    AgencySelected,
    /// No agency is selected: crm-1 presents the agency-selection modal.
    NoAgency,
}

/// One generated call.
#[derive(Debug, Clone)]
pub struct Call {
    pub start: Start,
    pub caller: &'static str,
    pub command: &'static str,
    pub args: Value,
}

/// A call: mostly from crm-1 (the primary), and mostly from the desk
/// where the command has the most to do.
pub fn call() -> impl Strategy<Value = Call> {
    let weighted: Vec<_> = COMMANDS
        .iter()
        .map(|&(command, shares)| (shares, Just(command).boxed()))
        .collect();
    let command = prop::strategy::Union::new_weighted(weighted);
    command.prop_flat_map(|command| {
        let (selected, none) = match command {
            // A modal is open only while no agency is selected.
            "modal_draft_report" | "modal_draft" => (1, 3),
            // Contacts are refused while none is.
            "contacts_list" => (1, 1),
            "contact_get" | "contact_conflict" | "contact_conflict_discard" => (2, 1),
            _ => (3, 1),
        };
        let start = prop_oneof![
            selected => Just(Start::AgencySelected),
            none => Just(Start::NoAgency),
        ];
        let caller = prop_oneof![3 => Just("crm-1"), 1 => Just("crm-2")];
        (start, caller, arguments_for(command)).prop_map(move |(start, caller, args)| Call {
            start,
            caller,
            command,
            args,
        })
    })
}

/// Arguments for `command`: typed, shaped like its own, or anything.
fn arguments_for(command: &'static str) -> BoxedStrategy<Value> {
    let fields = fields_of(command);
    if fields.is_empty() {
        return prop_oneof![4 => typed(command), 1 => arguments()].boxed();
    }
    let shaped = prop::collection::vec((prop::sample::select(fields.to_vec()), plausible()), 0..4)
        .prop_map(|pairs| {
            Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
        });
    prop_oneof![4 => typed(command), 1 => shaped, 1 => arguments()].boxed()
}

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
    "resyncs",
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
        "sign_in_email_link" | "password_recover" => &["email"],
        "sign_in_provider" => &["provider"],
        "sign_in_code" => &["code"],
        "password_choose" => &["password"],
        "agency_create" => &["name"],
        "agency_select" => &["agencyId", "expectedVersion"],
        "contacts_list" => &["offset", "limit"],
        "contact_get" | "contact_conflict" | "contact_conflict_discard" => &["id"],
        "contact_delete" => &["id", "version"],
        "contact_save" => &["contact"],
        "modal_draft_report" => &["kind", "text"],
        "heartbeat" => &["appliedSeq", "resyncs"],
        "link_open" => &["url"],
        "window_zoom" => &["step"],
        "window_unsaved" => &["subject"],
        "window_view" => &["view"],
        "draft_keep" => &["draft"],
        "quit_answer" | "update_answer" => &["answer"],
        _ => &[],
    }
}

/// A plausible value: small numbers, names, the desk's own ids, tokens and
/// versions, or a contact object.
fn plausible() -> impl Strategy<Value = Value> {
    let scalar = prop_oneof![
        (0u64..4).prop_map(Value::from),
        prop::sample::select(vec![100u64, 2_000, 30_000, 600_001, u64::MAX]).prop_map(Value::from),
        prop::sample::select(vec![
            "$agency",
            "$other",
            "$contact",
            "$foreign",
            "$mine",
            "$theirs",
            "$version",
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

/// Values drawn from `domain`, each as often as it is listed. (Not
/// `sample::select`, which draws the first and last more often.)
fn one_of(domain: &[Value]) -> BoxedStrategy<Value> {
    prop::strategy::Union::new(domain.iter().cloned().map(Just)).boxed()
}

type Field = BoxedStrategy<Option<(String, Value)>>;

/// Field `name`, present with probability `present`, its value from `domain`.
fn field(name: &'static str, present: f64, domain: BoxedStrategy<Value>) -> Field {
    prop::option::weighted(
        present,
        domain.prop_map(move |value| (name.to_owned(), value)),
    )
    .boxed()
}

/// Field `name`, always present, always `value`.
fn fixed(name: &'static str, value: Value) -> Field {
    Just(Some((name.to_owned(), value))).boxed()
}

fn object(fields: Vec<Field>) -> BoxedStrategy<Value> {
    fields
        .prop_map(|pairs| Value::Object(pairs.into_iter().flatten().collect()))
        .boxed()
}

fn long(chars: usize) -> Value {
    Value::from("x".repeat(chars))
}

/// Lease times: valid ones, and one just past each limit.
fn ttls() -> BoxedStrategy<Value> {
    one_of(&[
        json!(600_000),
        json!(600_000),
        json!(30_000),
        json!(30_000),
        json!(100),
        json!(99),
        json!(600_001),
    ])
}

/// Ada, Bob (of Globex), and a contact nobody has.
fn contact_ids() -> BoxedStrategy<Value> {
    one_of(&[
        json!("$contact"),
        json!("$contact"),
        json!("$contact"),
        json!("$foreign"),
        json!("no-such-contact"),
        json!("no-such-contact"),
    ])
}

/// Ada's version, the one before it, and one far ahead.
fn versions() -> BoxedStrategy<Value> {
    one_of(&[json!("$version"), json!("$stale"), json!(99)])
}

/// A contact's display fields, valid most of the time.
fn contact_fields() -> Vec<Field> {
    vec![
        field(
            "name",
            0.95,
            one_of(&[
                json!("Ada Lovelace"),
                json!("Grace Hopper"),
                json!("  Bo  "),
                json!(""),
                long(121),
            ]),
        ),
        field(
            "email",
            0.3,
            one_of(&[json!("ada@example.com"), json!(""), json!("not-an-email")]),
        ),
        field(
            "phone",
            0.2,
            one_of(&[json!("+44 20 7946 0000"), json!(""), long(121)]),
        ),
        field("company", 0.2, one_of(&[json!("Acme"), json!("")])),
        field(
            "stage",
            0.3,
            one_of(&[json!("lead"), json!("won"), json!("asleep")]),
        ),
        field("notes", 0.2, one_of(&[json!("met at a fair"), json!("")])),
        field("updatedAt", 0.1, one_of(&[json!(1)])),
    ]
}

fn with(mut fields: Vec<Field>, more: Vec<Field>) -> Vec<Field> {
    fields.extend(more);
    fields
}

/// Typed arguments of `command`, scenario by scenario. Commands without
/// fields get `{}` or nothing, both valid.
fn typed(command: &str) -> BoxedStrategy<Value> {
    match command {
        "heartbeat" => object(vec![
            field(
                "appliedSeq",
                0.7,
                one_of(&[json!(0), json!(7), json!(u64::MAX), json!(-1), json!("7")]),
            ),
            field(
                "resyncs",
                0.5,
                one_of(&[
                    json!(1),
                    json!(u32::MAX),
                    json!(u64::from(u32::MAX) + 1),
                    json!(-1),
                ]),
            ),
        ]),
        "lock_acquire" => {
            let waits = || one_of(&[json!(0), json!(50), json!(10_000)]);
            prop_oneof![
                // A free lock.
                3 => object(vec![
                    fixed("name", json!("notes")),
                    field("mode", 0.5, one_of(&[json!("exclusive"), json!("shared")])),
                    field("ttlMs", 0.5, one_of(&[json!(100), json!(30_000), json!(600_000)])),
                    field("waitMs", 0.5, waits()),
                ]),
                // crm-2's lock: crm-1 cannot take it, or would wait in a
                // cycle; crm-2 holds it already. Or crm-1's, which crm-2
                // already waits for. None is granted.
                4 => object(vec![
                    fixed("name", json!("sync")),
                    field("mode", 0.3, one_of(&[json!("exclusive"), json!("shared")])),
                    fixed("waitMs", json!(0)),
                ]),
                1 => object(vec![
                    fixed("name", json!("sync")),
                    field("waitMs", 0.5, one_of(&[json!(50), json!(10_000)])),
                ]),
                1 => object(vec![fixed("name", json!("report")), field("waitMs", 0.5, waits())]),
                // Field by field, past the limits too.
                2 => object(vec![
                    field("name", 0.95, one_of(&[
                        json!("notes"),
                        json!("sync"),
                        json!("agency"),
                        json!(""),
                        long(129),
                    ])),
                    field("mode", 0.5, one_of(&[
                        json!("exclusive"),
                        json!("shared"),
                        json!("both"),
                    ])),
                    field("ttlMs", 0.5, ttls()),
                    field("waitMs", 0.6, one_of(&[
                        json!(0),
                        json!(50),
                        json!(10_000),
                        json!(60_001),
                    ])),
                ]),
            ]
            .boxed()
        }
        "lock_release" | "lock_check" | "lock_extend" => {
            let token = one_of(&[
                json!("$mine"),
                json!("$mine"),
                json!("$mine"),
                json!("$mine"),
                json!("$theirs"),
                json!("$released"),
                json!("lease-999999"),
                json!(""),
                long(65),
            ]);
            if command != "lock_extend" {
                return object(vec![field("token", 0.95, token)]);
            }
            prop_oneof![
                // The caller's own lease, for as long as it may ask.
                1 => object(vec![
                    fixed("token", json!("$mine")),
                    fixed("ttlMs", json!(600_000)),
                ]),
                // Mostly leases the caller does not hold.
                2 => object(vec![
                    field(
                        "token",
                        0.95,
                        one_of(&[
                            json!("$mine"),
                            json!("$theirs"),
                            json!("$theirs"),
                            json!("$released"),
                            json!("$released"),
                            json!("lease-999999"),
                            json!(""),
                            long(65),
                        ]),
                    ),
                    field("ttlMs", 0.95, ttls()),
                ]),
            ]
            .boxed()
        }
        "session_sign_in" => object(vec![
            field(
                "email",
                0.95,
                one_of(&[
                    json!("ada@example.com"),
                    json!("ada@example.com"),
                    json!("ada@example.com"),
                    json!(""),
                    long(321),
                ]),
            ),
            field(
                "password",
                0.95,
                one_of(&[json!("secret"), json!("secret"), json!("secret"), json!("")]),
            ),
        ]),
        "sign_in_email_link" | "password_recover" => object(vec![field(
            "email",
            0.95,
            one_of(&[
                json!("ada@example.com"),
                json!("ada@example.com"),
                json!("no-at-sign"),
                json!(""),
                long(321),
            ]),
        )]),
        "sign_in_provider" => object(vec![field(
            "provider",
            0.95,
            one_of(&[
                json!("google"),
                json!("google"),
                json!("Google"),
                json!("../settings"),
                json!(""),
                long(65),
            ]),
        )]),
        "sign_in_code" => object(vec![field(
            "code",
            0.95,
            one_of(&[
                json!("123456"),
                json!("123 456"),
                json!("12345"),
                json!("12345a"),
                json!(123456),
                long(11),
            ]),
        )]),
        "password_choose" => object(vec![field(
            "password",
            0.95,
            one_of(&[json!("a new password"), json!("a new password"), json!("")]),
        )]),
        "agency_create" => object(vec![field(
            "name",
            0.95,
            one_of(&[
                json!("Initech"),
                json!("Initech"),
                json!("  Umbrella  "),
                json!(""),
                json!("   "),
                long(121),
            ]),
        )]),
        "agency_select" => prop_oneof![
            // As a page does, naming the version it saw.
            2 => object(vec![
                field("agencyId", 0.95, one_of(&[
                    json!("$agency"),
                    json!("$agency"),
                    json!("$other"),
                ])),
                fixed("expectedVersion", json!("$selection")),
            ]),
            // A version the selection has moved on from.
            4 => object(vec![
                field("agencyId", 0.95, one_of(&[json!("$agency"), json!("$other")])),
                fixed("expectedVersion", json!("$old")),
            ]),
            // An agency nobody has.
            2 => object(vec![
                field("agencyId", 0.95, one_of(&[json!("no-such-agency"), json!("")])),
                field("expectedVersion", 0.5, one_of(&[json!("$selection")])),
            ]),
            // Field by field.
            2 => object(vec![
                field("agencyId", 0.95, one_of(&[
                    json!("$agency"),
                    json!("$other"),
                    json!("no-such-agency"),
                    json!(""),
                ])),
                field(
                    "expectedVersion",
                    0.5,
                    one_of(&[json!("$selection"), json!(99), json!(-1), json!(0)]),
                ),
            ]),
        ]
        .boxed(),
        "contacts_list" => object(vec![
            field(
                "offset",
                0.4,
                one_of(&[json!(0), json!(1), json!(5), json!(u64::MAX)]),
            ),
            field(
                "limit",
                0.4,
                one_of(&[json!(0), json!(1), json!(100), json!(u64::MAX)]),
            ),
        ]),
        "contact_get" | "contact_conflict" | "contact_conflict_discard" => {
            object(vec![field("id", 0.95, contact_ids())])
        }
        "contact_delete" => prop_oneof![
            // Ada at her version: deleted.
            2 => object(vec![
                fixed("id", json!("$contact")),
                fixed("version", json!("$version")),
            ]),
            // Bob, of another agency, or a contact nobody has.
            2 => object(vec![
                field("id", 0.95, one_of(&[json!("$foreign"), json!("no-such-contact")])),
                field("version", 0.95, versions()),
            ]),
            3 => object(vec![
                field("id", 0.95, contact_ids()),
                field("version", 0.95, versions()),
            ]),
        ]
        .boxed(),
        "contact_save" => {
            let contact = prop_oneof![
                // A new contact.
                3 => object(contact_fields()),
                // Ada, at the version last read.
                3 => object(with(
                    vec![
                        fixed("id", json!("$contact")),
                        fixed("version", json!("$version")),
                    ],
                    contact_fields(),
                )),
                // In the agency the window shows, or another.
                1 => object(with(
                    vec![field(
                        "agencyId",
                        0.95,
                        one_of(&[json!("$agency"), json!("$other"), json!("nope")]),
                    )],
                    contact_fields(),
                )),
                // Field by field.
                3 => object(with(
                    vec![
                        field("id", 0.5, contact_ids()),
                        field("version", 0.5, versions()),
                    ],
                    contact_fields(),
                )),
            ];
            object(vec![field("contact", 0.95, contact.boxed())])
        }
        "modal_draft_report" => object(vec![
            field(
                "kind",
                0.95,
                one_of(&[
                    json!("agency-selection"),
                    json!("agency-selection"),
                    json!("agency-selection"),
                    json!("agency-selection"),
                    json!("sign-in"),
                    json!("other"),
                ]),
            ),
            field(
                "text",
                0.95,
                one_of(&[
                    json!("Acme"),
                    json!("Acme"),
                    json!(""),
                    long(320),
                    long(321),
                ]),
            ),
        ]),
        "window_unsaved" => object(vec![field(
            "subject",
            0.9,
            one_of(&[
                json!("Jane Doe"),
                Value::Null,
                json!(" "),
                long(200),
                long(201),
                json!(true),
            ]),
        )]),
        "window_view" => object(vec![field(
            "view",
            0.95,
            object(vec![
                field(
                    "contact",
                    0.9,
                    one_of(&[json!("$contact"), Value::Null, json!(""), json!("a b")]),
                ),
                field(
                    "scroll",
                    0.9,
                    one_of(&[json!(0), json!(480), json!(50_000_001), json!(-1)]),
                ),
            ]),
        )]),
        "draft_keep" => {
            let fields = object(vec![
                field("id", 0.5, one_of(&[json!("$contact"), json!("")])),
                field(
                    "name",
                    0.95,
                    one_of(&[json!("Jane"), json!(""), long(1001)]),
                ),
                field("email", 0.95, one_of(&[json!("jane@"), long(1000)])),
                field("phone", 0.95, one_of(&[json!("")])),
                field("company", 0.95, one_of(&[json!("Acme")])),
                field(
                    "stage",
                    0.95,
                    one_of(&[json!("qualified"), json!("lead"), json!("nope")]),
                ),
                field(
                    "notes",
                    0.95,
                    one_of(&[json!("a\nb"), json!("a\nb"), json!(""), long(20_001)]),
                ),
            ]);
            let draft = object(vec![
                field("agencyId", 0.95, one_of(&[json!("$agency"), json!("nope")])),
                field(
                    "baseVersion",
                    0.9,
                    one_of(&[json!("$version"), Value::Null]),
                ),
                field("fields", 0.95, fields),
            ]);
            object(vec![field(
                "draft",
                0.95,
                prop_oneof![4 => draft, 1 => Just(Value::Null)].boxed(),
            )])
        }
        "quit_answer" => object(vec![field(
            "answer",
            0.9,
            one_of(&[
                json!("save"),
                json!("discard"),
                json!("cancel"),
                json!("later"),
            ]),
        )]),
        "update_answer" => object(vec![field(
            "answer",
            0.9,
            one_of(&[
                json!("install"),
                json!("later"),
                json!("show"),
                json!("save"),
            ]),
        )]),
        "window_zoom" => object(vec![field(
            "step",
            0.9,
            one_of(&[
                json!("in"),
                json!("out"),
                json!("reset"),
                json!("sideways"),
                json!(1),
            ]),
        )]),
        "link_open" => object(vec![field(
            "url",
            0.9,
            one_of(&[
                json!("https://axolop.com/help"),
                json!("mailto:ada@example.com"),
                json!("file:///etc/passwd"),
                json!("javascript:alert(1)"),
                json!("tauri://localhost/index.html"),
                json!(format!("https://example.com/{}", "a".repeat(2048))),
                json!(7),
            ]),
        )]),
        _ => one_of(&[json!({}), Value::Null]),
    }
}
