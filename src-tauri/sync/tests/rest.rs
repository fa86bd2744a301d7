//! The client against the real schema: PostgreSQL with the project's
//! migrations, the PostgREST gateway in front, and access tokens from the
//! GoTrue test server, as a device signed in to Supabase has them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axolop_gotrue::jwt::{self, JWT_SECRET};
use axolop_gotrue::ANON_KEY;
use axolop_model::{ContactDraft, Stage};
use axolop_postgrest::Fault;
use axolop_sync::{Pushed, Rest, SyncError};
use secrecy::SecretString;

mod support;

use support::team;

fn fields(name: &str) -> ContactDraft {
    ContactDraft {
        name: name.to_owned(),
        email: format!("{}@example.com", name.to_lowercase()),
        phone: String::new(),
        company: "Acme".to_owned(),
        stage: Stage::Lead,
        notes: String::new(),
        id: None,
    }
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[test]
fn one_device_pushes_and_another_pulls_edits_conflicts_and_tombstones() {
    let team = team();
    let runtime = &team.runtime;
    let (ada, bob) = (&team.ada, &team.bob);
    runtime.block_on(async {
        let id = new_id();
        let Pushed::Applied(created) = ada
            .rest
            .insert_contact(&ada.token, &id, &team.agency, &fields("Grace"))
            .await
            .unwrap()
        else {
            panic!("the insert applies");
        };
        assert_eq!(
            (created.version, created.updated_by.as_deref()),
            (1, Some(ada.user.as_str()))
        );

        let watermark = bob.rest.watermark(&bob.token).await.unwrap();
        let page = bob
            .rest
            .contacts_changed(&bob.token, &team.agency, 0, None, 100)
            .await
            .unwrap();
        assert_eq!(page.total, Some(1));
        assert_eq!(page.rows, vec![*created.clone()]);

        let mut edit = fields("Grace");
        edit.stage = Stage::Won;
        let Pushed::Applied(bobs) = bob
            .rest
            .update_contact(&bob.token, &id, 1, &edit)
            .await
            .unwrap()
        else {
            panic!("bob's edit applies");
        };
        assert_eq!((bobs.version, bobs.stage), (2, Stage::Won));
        let stale = ada
            .rest
            .update_contact(&ada.token, &id, 1, &fields("Grace H."))
            .await
            .unwrap();
        assert_eq!(stale, Pushed::Conflict, "ada's edit was based on version 1");

        let Pushed::Applied(tombstone) = ada.rest.delete_contact(&ada.token, &id, 2).await.unwrap()
        else {
            panic!("the deletion applies");
        };
        assert!(tombstone.is_deleted());
        let later = bob
            .rest
            .contacts_changed(&bob.token, &team.agency, watermark, None, 100)
            .await
            .unwrap();
        assert_eq!(later.rows.len(), 1);
        assert!(
            later.rows[0].is_deleted(),
            "the deletion travels as a tombstone"
        );
        assert_eq!(later.rows[0].version, 3);
    });
}

#[test]
fn a_retried_insert_is_recognised_and_agencies_list_the_members_own() {
    let team = team();
    let runtime = &team.runtime;
    let ada = &team.ada;
    runtime.block_on(async {
        let id = new_id();
        let first = ada
            .rest
            .insert_contact(&ada.token, &id, &team.agency, &fields("Linus"))
            .await
            .unwrap();
        assert!(matches!(first, Pushed::Applied(_)));
        let retry = ada
            .rest
            .insert_contact(&ada.token, &id, &team.agency, &fields("Linus"))
            .await
            .unwrap();
        assert_eq!(retry, Pushed::AlreadyApplied);
        let page = ada
            .rest
            .contacts_changed(&ada.token, &team.agency, 0, None, 100)
            .await
            .unwrap();
        assert_eq!(page.total, Some(1), "one row, however often it was sent");

        ada.rest
            .create_agency(&ada.token, &team.agency, "Acme")
            .await
            .expect("a retried creation is no error");
        let agencies = ada.rest.agencies(&ada.token).await.unwrap();
        let names: Vec<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Acme"]);
        assert_eq!(
            team.bob.rest.agencies(&team.bob.token).await.unwrap().len(),
            1
        );
    });
}

/// 250 contacts written by one transaction (one `change_seq`), paged by
/// 100, with one row of the first page changed between pages: every row
/// still comes, in order. With offset pages the change would move that row
/// to the end and shift an unchanged one back past the page boundary.
#[test]
fn a_large_pull_comes_in_keyset_pages_that_a_concurrent_edit_cannot_thin() {
    let team = team();
    let runtime = &team.runtime;
    let mut admin = team.postgres.superuser();
    admin
        .execute(
            "insert into contacts (agency_id, name) select $1::text::uuid, 'Contact ' || n from generate_series(1, 250) n",
            &[&team.agency],
        )
        .unwrap();
    let ada = &team.ada;
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut after: Option<(i64, String)> = None;
    loop {
        let page = runtime
            .block_on(ada.rest.contacts_changed(
                &ada.token,
                &team.agency,
                0,
                after.as_ref().map(|(seq, id)| (*seq, id.as_str())),
                100,
            ))
            .unwrap();
        if after.is_none() {
            assert_eq!(page.total, Some(250));
            let first = &page.rows[0].id;
            admin
                .execute(
                    "update contacts set notes = 'edited meanwhile' where id = $1::text::uuid",
                    &[first],
                )
                .unwrap();
        }
        let done = page.rows.len() < 100;
        seen.extend(page.rows.into_iter().map(|row| (row.change_seq, row.id)));
        after = seen.last().cloned();
        if done {
            break;
        }
    }
    assert!(
        seen.windows(2).all(|pair| pair[0] < pair[1]),
        "in (change_seq, id) order"
    );
    let mut ids: Vec<&String> = seen.iter().map(|(_, id)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        250,
        "every contact came; the edited one twice ({} rows)",
        seen.len()
    );
}

#[test]
fn each_failure_says_what_to_do_next() {
    let team = team();
    let runtime = &team.runtime;
    let (ada, bob) = (&team.ada, &team.bob);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expired = SecretString::from(jwt::sign(
        &jwt::access_claims(&ada.user, "s", now - 60, now - 1, "t"),
        JWT_SECRET,
    ));
    let forged = SecretString::from(jwt::sign(
        &jwt::access_claims(&ada.user, "s", now, now + 60, "t"),
        "not the secret",
    ));
    let outsider_agency = new_id();
    runtime.block_on(async {
        assert_eq!(ada.rest.watermark(&expired).await, Err(SyncError::TokenExpired));
        assert!(matches!(ada.rest.watermark(&forged).await, Err(SyncError::Unauthorized { .. })));

        let planted = bob.rest.insert_contact(&bob.token, &new_id(), &outsider_agency, &fields("Planted")).await;
        assert!(
            matches!(&planted, Err(SyncError::Refused { status: 403, code, .. }) if code == "42501"),
            "{planted:?}"
        );

        team.gateway.inject(Fault::Status(503), 1);
        assert!(matches!(ada.rest.watermark(&ada.token).await, Err(SyncError::Unavailable(_))));
        team.gateway.inject(Fault::Reset, 1);
        assert!(matches!(ada.rest.watermark(&ada.token).await, Err(SyncError::Unavailable(_))));
        assert!(ada.rest.watermark(&ada.token).await.is_ok(), "the faults are spent");
    });
    let gone = Rest::new(
        reqwest_client(),
        &format!("http://127.0.0.1:{}", closed_port()),
        ANON_KEY,
    )
    .unwrap();
    let offline = runtime.block_on(gone.watermark(&ada.token));
    assert!(
        matches!(offline, Err(SyncError::Unavailable(_))),
        "{offline:?}"
    );
}

fn reqwest_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn a_rogue_server_can_neither_flood_the_app_nor_forge_its_log_lines() {
    let message = format!("denied\n2026-01-01 INFO forged line {}", "x".repeat(10_000));
    let body = serde_json::json!({ "code": "P0001", "message": message }).to_string();
    let url = axolop_gotrue::rogue::serve(vec![
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n[".to_owned(),
        format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ),
    ]);
    let rest = Rest::new(reqwest_client(), &url, ANON_KEY).unwrap();
    let token = SecretString::from("t");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let huge = runtime.block_on(rest.watermark(&token));
    assert!(
        matches!(&huge, Err(SyncError::Protocol(why)) if why.contains("larger than")),
        "{huge:?}"
    );
    let refused = runtime.block_on(rest.watermark(&token));
    let Err(SyncError::Refused { message, .. }) = refused else {
        panic!("{refused:?}");
    };
    assert!(!message.contains('\n'), "{message:?}");
    assert!(
        message.chars().count() <= 301,
        "{} characters",
        message.chars().count()
    );
}
