//! The gateway over a real PostgreSQL with the project's migrations, asked
//! over real HTTP as the app asks: row-level security through the API,
//! retried inserts, version-checked updates, paged pulls, tokens, faults.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axolop_gotrue::jwt::{self, JWT_SECRET};
use axolop_gotrue::ANON_KEY;
use axolop_postgres::Postgres;
use axolop_postgrest::{Fault, Gateway};
use serde_json::{json, Value};

/// A gateway over a fresh cluster, and two users' access tokens.
struct Project {
    gateway: Gateway,
    ada: String,
    ada_token: String,
    bob_token: String,
    _postgres: Postgres,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn token(user: &str, expires_at: u64) -> String {
    jwt::sign(
        &jwt::access_claims(
            user,
            "s-1",
            now(),
            expires_at,
            &uuid::Uuid::new_v4().to_string(),
        ),
        JWT_SECRET,
    )
}

fn project() -> Project {
    let postgres = Postgres::start();
    let (ada, bob) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    postgres.add_user(&ada, "ada@example.com");
    postgres.add_user(&bob, "bob@example.com");
    let gateway = Gateway::start(&postgres.url("authenticator"), ANON_KEY, JWT_SECRET);
    Project {
        gateway,
        ada_token: token(&ada, now() + 3600),
        bob_token: token(&bob, now() + 3600),
        ada,
        _postgres: postgres,
    }
}

#[derive(Debug)]
struct Answer {
    status: u16,
    content_range: Option<String>,
    body: Value,
}

/// One request: `token` as the bearer (none for anon), the anon key unless
/// `key` says otherwise, extra headers, and a JSON body for POST and PATCH.
fn call(
    project: &Project,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Result<Answer, ureq::Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let url = format!("{}/rest/v1/{path}", project.gateway.url());
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    if !headers.iter().any(|(name, _)| *name == "apikey") {
        request = request.header("apikey", ANON_KEY);
    }
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = body.map(|body| body.to_string()).unwrap_or_default();
    let mut response = agent.run(
        request
            .header("content-type", "application/json")
            .body(body)
            .unwrap(),
    )?;
    let content_range = response
        .headers()
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.body_mut().read_to_string()?;
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    Ok(Answer {
        status: response.status().as_u16(),
        content_range,
        body,
    })
}

fn ask(
    project: &Project,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    call(project, method, path, token, headers, body).expect("the gateway answers")
}

const REPRESENTATION: (&str, &str) = ("prefer", "return=representation");

/// Ada's agency and one contact in it; their ids.
fn ada_agency(project: &Project) -> (String, String) {
    let agency = uuid::Uuid::new_v4().to_string();
    // Minimal: the creator can read the new agency only once the statement
    // made her its owner, after RETURNING would run.
    let created = ask(
        project,
        "POST",
        "agencies",
        Some(&project.ada_token),
        &[],
        Some(json!({ "id": agency, "name": "Acme" })),
    );
    assert_eq!(created.status, 201, "{:?}", created.body);
    let contact = uuid::Uuid::new_v4().to_string();
    let added = ask(
        project,
        "POST",
        "contacts",
        Some(&project.ada_token),
        &[REPRESENTATION],
        Some(json!({ "id": contact, "agency_id": agency, "name": "Grace" })),
    );
    assert_eq!(added.status, 201, "{:?}", added.body);
    assert_eq!(added.body[0]["version"], 1);
    assert_eq!(added.body[0]["updated_by"], project.ada);
    (agency, contact)
}

#[test]
fn row_level_security_decides_every_answer_through_the_api() {
    let project = project();
    let (agency, contact) = ada_agency(&project);

    let ada_reads = ask(
        &project,
        "GET",
        "contacts?select=*",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(ada_reads.body.as_array().map(Vec::len), Some(1));
    let bob_reads = ask(
        &project,
        "GET",
        "contacts?select=*",
        Some(&project.bob_token),
        &[],
        None,
    );
    assert_eq!((bob_reads.status, bob_reads.body.clone()), (200, json!([])));
    let bob_agencies = ask(
        &project,
        "GET",
        "agencies?select=*",
        Some(&project.bob_token),
        &[],
        None,
    );
    assert_eq!(bob_agencies.body, json!([]));

    let bob_edits = ask(
        &project,
        "PATCH",
        &format!("contacts?id=eq.{contact}"),
        Some(&project.bob_token),
        &[REPRESENTATION],
        Some(json!({ "name": "Taken" })),
    );
    assert_eq!(
        (bob_edits.status, bob_edits.body.clone()),
        (200, json!([])),
        "no row of Ada's matches for Bob"
    );
    let bob_plants = ask(
        &project,
        "POST",
        "contacts",
        Some(&project.bob_token),
        &[],
        Some(json!({ "agency_id": agency, "name": "Planted" })),
    );
    assert_eq!(bob_plants.status, 403);
    assert_eq!(bob_plants.body["code"], "42501");

    let anon = ask(&project, "GET", "contacts?select=*", None, &[], None);
    assert_eq!(anon.status, 401, "{:?}", anon.body);
    assert_eq!(anon.body["code"], "42501");

    let unchanged = ask(
        &project,
        "GET",
        &format!("contacts?id=eq.{contact}"),
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(unchanged.body[0]["name"], "Grace");
    assert_eq!(unchanged.body[0]["version"], 1);
}

#[test]
fn a_retried_insert_adds_one_row_and_a_stale_update_matches_none() {
    let project = project();
    let (agency, _) = ada_agency(&project);
    let id = uuid::Uuid::new_v4().to_string();
    let row = json!({ "id": id, "agency_id": agency, "name": "Linus" });
    let retry = [
        REPRESENTATION,
        (
            "prefer",
            "return=representation,resolution=ignore-duplicates",
        ),
    ];
    let first = ask(
        &project,
        "POST",
        "contacts?on_conflict=id",
        Some(&project.ada_token),
        &retry[1..],
        Some(row.clone()),
    );
    let again = ask(
        &project,
        "POST",
        "contacts?on_conflict=id",
        Some(&project.ada_token),
        &retry[1..],
        Some(row),
    );
    assert_eq!(first.body.as_array().map(Vec::len), Some(1));
    assert_eq!(
        (again.status, again.body.clone()),
        (201, json!([])),
        "the retry adds nothing"
    );
    let listed = ask(
        &project,
        "GET",
        &format!("contacts?id=eq.{id}"),
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));

    let path = format!("contacts?id=eq.{id}&version=eq.1");
    let update = ask(
        &project,
        "PATCH",
        &path,
        Some(&project.ada_token),
        &[REPRESENTATION],
        Some(json!({ "stage": "won" })),
    );
    assert_eq!(update.body[0]["version"], 2);
    assert_eq!(update.body[0]["stage"], "won");
    let stale = ask(
        &project,
        "PATCH",
        &path,
        Some(&project.ada_token),
        &[REPRESENTATION],
        Some(json!({ "stage": "lost" })),
    );
    assert_eq!(
        (stale.status, stale.body),
        (200, json!([])),
        "based on version 1, which is gone: a conflict"
    );
    let minimal = ask(
        &project,
        "PATCH",
        &format!("contacts?id=eq.{id}&version=eq.2"),
        Some(&project.ada_token),
        &[],
        Some(json!({ "notes": "x" })),
    );
    assert_eq!((minimal.status, minimal.body), (204, Value::Null));
}

#[test]
fn a_pull_reads_pages_in_order_after_a_watermark() {
    let project = project();
    let (agency, _) = ada_agency(&project);
    let rows: Vec<Value> = (0..249)
        .map(|i| json!({ "agency_id": agency, "name": format!("Contact {i:03}") }))
        .collect();
    let added = ask(
        &project,
        "POST",
        "contacts",
        Some(&project.ada_token),
        &[],
        Some(Value::Array(rows)),
    );
    assert_eq!(added.status, 201);
    let watermark = ask(
        &project,
        "POST",
        "rpc/sync_watermark",
        Some(&project.ada_token),
        &[],
        Some(json!({})),
    );
    assert!(
        watermark.body.as_i64().is_some_and(|w| w > 0),
        "{:?}",
        watermark.body
    );

    let path = format!(
        "contacts?select=*&agency_id=eq.{agency}&change_seq=gte.0&order=change_seq.asc,id.asc"
    );
    let mut seen = Vec::new();
    for (range, expected_range, status) in [
        ("0-99", "0-99/250", 206),
        ("100-199", "100-199/250", 206),
        ("200-299", "200-249/250", 206),
    ] {
        let page = ask(
            &project,
            "GET",
            &path,
            Some(&project.ada_token),
            &[("range", range), ("prefer", "count=exact")],
            None,
        );
        assert_eq!(page.status, status);
        assert_eq!(page.content_range.as_deref(), Some(expected_range));
        seen.extend(page.body.as_array().unwrap().iter().map(|row| {
            (
                row["change_seq"].as_i64().unwrap(),
                row["id"].as_str().unwrap().to_owned(),
            )
        }));
    }
    assert_eq!(seen.len(), 250);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages come in (change_seq, id) order");
    sorted.dedup();
    assert_eq!(sorted.len(), 250, "no row twice");

    let past = ask(
        &project,
        "GET",
        &path,
        Some(&project.ada_token),
        &[("range", "300-399")],
        None,
    );
    assert_eq!(
        (past.status, past.content_range.as_deref(), past.body),
        (200, Some("*/*"), json!([]))
    );
}

#[test]
fn keys_tokens_and_names_are_checked_as_postgrest_checks_them() {
    let project = project();
    let no_key = ask(
        &project,
        "GET",
        "contacts",
        Some(&project.ada_token),
        &[("apikey", "wrong")],
        None,
    );
    assert_eq!(no_key.status, 401);

    let expired = ask(
        &project,
        "GET",
        "contacts",
        Some(&token(&project.ada, now() - 1)),
        &[],
        None,
    );
    assert_eq!(
        (expired.status, expired.body["code"].clone()),
        (401, json!("PGRST303"))
    );
    assert_eq!(expired.body["message"], "JWT expired");
    let forged = jwt::sign(
        &jwt::access_claims(&project.ada, "s", now(), now() + 60, "t"),
        "another secret",
    );
    let forged = ask(&project, "GET", "contacts", Some(&forged), &[], None);
    assert_eq!(
        (forged.status, forged.body["code"].clone()),
        (401, json!("PGRST301"))
    );

    let table = ask(
        &project,
        "GET",
        "secrets",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(
        (table.status, table.body["code"].clone()),
        (404, json!("PGRST205"))
    );
    let column = ask(
        &project,
        "GET",
        "contacts?password=eq.x",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(
        (column.status, column.body["code"].clone()),
        (400, json!("42703"))
    );
    let function = ask(
        &project,
        "POST",
        "rpc/drop_everything",
        Some(&project.ada_token),
        &[],
        Some(json!({})),
    );
    assert_eq!(function.status, 404);
}

#[test]
fn faults_delay_fail_or_cut_the_next_requests_and_every_request_is_counted() {
    let project = project();
    project.gateway.inject(Fault::Status(503), 1);
    project.gateway.inject(Fault::Reset, 1);
    project
        .gateway
        .inject(Fault::Delay(Duration::from_millis(300)), 1);

    let unavailable = ask(
        &project,
        "GET",
        "contacts",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(unavailable.status, 503);
    assert!(
        call(
            &project,
            "GET",
            "contacts",
            Some(&project.ada_token),
            &[],
            None
        )
        .is_err(),
        "the connection is cut"
    );
    let started = Instant::now();
    let slow = ask(
        &project,
        "GET",
        "contacts",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(slow.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let normal = ask(
        &project,
        "GET",
        "contacts",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(normal.status, 200);

    let stats = project.gateway.stats();
    assert_eq!((stats.requests, stats.selects, stats.refused), (4, 2, 1));
}

#[test]
fn one_project_url_serves_sign_in_and_data_as_supabase_does() {
    let postgres = Postgres::start();
    let gotrue = axolop_gotrue::GoTrue::start();
    let user = gotrue
        .add_user("ada@example.com", "correct horse")
        .to_string();
    postgres.add_user(&user, "ada@example.com");
    let auth_addr = gotrue.url().trim_start_matches("http://").parse().unwrap();
    let gateway = Gateway::start_with_auth(
        &postgres.url("authenticator"),
        ANON_KEY,
        JWT_SECRET,
        Some(auth_addr),
    );

    let auth = axolop_auth::AuthClient::new(axolop_auth::AuthConfig {
        url: gateway.url(),
        anon_key: ANON_KEY.to_owned(),
    })
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let grant = runtime
        .block_on(auth.sign_in(
            "ada@example.com",
            &secrecy::SecretString::from("correct horse"),
        ))
        .expect("sign in through the gateway");
    assert_eq!(grant.user.id, user);
    assert_eq!(
        gotrue.stats().password_calls,
        1,
        "the auth server answered it"
    );

    let project = Project {
        gateway,
        ada: user,
        ada_token: secrecy::ExposeSecret::expose_secret(&grant.access_token).to_owned(),
        bob_token: String::new(),
        _postgres: postgres,
    };
    let agencies = ask(
        &project,
        "GET",
        "agencies?select=*",
        Some(&project.ada_token),
        &[],
        None,
    );
    assert_eq!(
        (agencies.status, agencies.body),
        (200, json!([])),
        "the token GoTrue issued opens the data API"
    );
}
