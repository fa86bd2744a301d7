//! The project's Supabase schema on a real PostgreSQL, each request made
//! the way PostgREST makes it (as `authenticator`, switched to the JWT's
//! role with its claims set), so the real row-level security policies and
//! triggers decide every answer.

use axolop_postgres::{as_claims, describe, user_claims, Client, Postgres};

const ANON: &str = "{}";

struct Users {
    ada: String,
    bob: String,
}

fn users(postgres: &Postgres) -> Users {
    let users = Users {
        ada: uuid::Uuid::new_v4().to_string(),
        bob: uuid::Uuid::new_v4().to_string(),
    };
    postgres.add_user(&users.ada, "ada@example.com");
    postgres.add_user(&users.bob, "bob@example.com");
    users
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Creates an agency as `user` and one contact in it; returns their ids.
fn agency_with_contact(api: &mut Client, user: &str, name: &str) -> (String, String) {
    let (agency, contact) = (new_id(), new_id());
    let mut tx = as_claims(api, &user_claims(user));
    tx.execute(
        "insert into agencies (id, name) values ($1::text::uuid, $2)",
        &[&agency, &name],
    )
    .expect("create an agency");
    tx.execute(
        "insert into contacts (id, agency_id, name) values ($1::text::uuid, $2::text::uuid, 'Grace')",
        &[&contact, &agency],
    )
    .expect("add a contact");
    tx.commit().unwrap();
    (agency, contact)
}

/// The SQLSTATE of a statement that must fail.
fn refusal(result: Result<u64, postgres::Error>) -> String {
    let error = result.expect_err("the statement is refused");
    error
        .as_db_error()
        .map(|db| db.code().code().to_owned())
        .unwrap_or_else(|| describe(&error))
}

fn count(api: &mut Client, claims: &str, sql: &str) -> i64 {
    let mut tx = as_claims(api, claims);
    let n: i64 = tx
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {}", describe(&e)))
        .get(0);
    tx.rollback().unwrap();
    n
}

#[test]
fn the_creator_of_an_agency_is_its_owner_and_reads_and_writes_it() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (agency, contact) = agency_with_contact(&mut api, &users.ada, "Acme");

    let ada = user_claims(&users.ada);
    let mut tx = as_claims(&mut api, &ada);
    let role: String = tx
        .query_one(
            "select role from agency_members where agency_id = $1::text::uuid and user_id = $2::text::uuid",
            &[&agency, &users.ada],
        )
        .unwrap()
        .get(0);
    assert_eq!(role, "owner");
    let changed = tx
        .execute(
            "update contacts set name = 'Grace Hopper' where id = $1::text::uuid",
            &[&contact],
        )
        .unwrap();
    assert_eq!(changed, 1);
    tx.commit().unwrap();
    assert_eq!(count(&mut api, &ada, "select count(*) from agencies"), 1);
    assert_eq!(count(&mut api, &ada, "select count(*) from contacts"), 1);
}

#[test]
fn another_user_can_neither_read_nor_change_an_agency_or_its_contacts() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (agency, contact) = agency_with_contact(&mut api, &users.ada, "Acme");
    let bob = user_claims(&users.bob);

    for table in ["agencies", "agency_members", "contacts"] {
        let sql = format!("select count(*) from {table}");
        assert_eq!(count(&mut api, &bob, &sql), 0, "bob reads {table}");
    }
    let mut tx = as_claims(&mut api, &bob);
    let changed = tx
        .execute(
            "update contacts set name = 'Taken' where id = $1::text::uuid",
            &[&contact],
        )
        .unwrap();
    assert_eq!(changed, 0, "bob's update finds no row");
    let renamed = tx
        .execute(
            "update agencies set name = 'Taken' where id = $1::text::uuid",
            &[&agency],
        )
        .unwrap();
    assert_eq!(renamed, 0, "bob's rename finds no agency");
    tx.rollback().unwrap();

    let mut tx = as_claims(&mut api, &bob);
    let insert = tx.execute(
        "insert into contacts (agency_id, name) values ($1::text::uuid, 'Planted')",
        &[&agency],
    );
    assert_eq!(
        refusal(insert),
        "42501",
        "row-level security refuses the insert"
    );
    drop(tx);
    let mut tx = as_claims(&mut api, &bob);
    let join = tx.execute(
        "insert into agency_members (agency_id, user_id) values ($1::text::uuid, $2::text::uuid)",
        &[&agency, &users.bob],
    );
    assert_eq!(
        refusal(join),
        "42501",
        "nobody joins an agency through the API"
    );
    drop(tx);

    // Nothing of it moved: the superuser sees Ada's rows as she left them.
    let mut admin = postgres.superuser();
    let row = admin
        .query_one(
            "select c.name, a.name, (select count(*) from agency_members) from contacts c join agencies a on a.id = c.agency_id",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Grace");
    assert_eq!(row.get::<_, String>(1), "Acme");
    assert_eq!(row.get::<_, i64>(2), 1);
}

#[test]
fn a_member_added_in_supabase_shares_the_agency() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (agency, contact) = agency_with_contact(&mut api, &users.ada, "Acme");
    postgres
        .superuser()
        .execute(
            "insert into agency_members (agency_id, user_id) values ($1::text::uuid, $2::text::uuid)",
            &[&agency, &users.bob],
        )
        .unwrap();

    let bob = user_claims(&users.bob);
    assert_eq!(count(&mut api, &bob, "select count(*) from agencies"), 1);
    assert_eq!(
        count(&mut api, &bob, "select count(*) from agency_members"),
        2
    );
    let mut tx = as_claims(&mut api, &bob);
    let row = tx
        .query_one(
            "update contacts set stage = 'won' where id = $1::text::uuid returning version, updated_by::text",
            &[&contact],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 2);
    assert_eq!(row.get::<_, String>(1), users.bob);
    tx.commit().unwrap();
}

#[test]
fn anon_reads_nothing_and_writes_nothing() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (agency, _) = agency_with_contact(&mut api, &users.ada, "Acme");

    for sql in [
        "select count(*) from agencies",
        "select count(*) from agency_members",
        "select count(*) from contacts",
        "select sync_watermark()",
    ] {
        let mut tx = as_claims(&mut api, ANON);
        let result = tx.query_one(sql, &[]).map(|_| 0);
        assert_eq!(refusal(result), "42501", "anon: {sql}");
    }
    let mut tx = as_claims(&mut api, ANON);
    let insert = tx.execute(
        "insert into contacts (agency_id, name) values ($1::text::uuid, 'Planted')",
        &[&agency],
    );
    assert_eq!(refusal(insert), "42501");
}

#[test]
fn the_server_assigns_versions_times_and_authors_and_rows_keep_their_agency() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (agency, _) = agency_with_contact(&mut api, &users.ada, "Acme");
    let (other_agency, _) = agency_with_contact(&mut api, &users.ada, "Globex");
    let ada = user_claims(&users.ada);
    let id = new_id();

    // What the client claims is replaced by the server's values.
    let mut tx = as_claims(&mut api, &ada);
    let row = tx
        .query_one(
            "insert into contacts (id, agency_id, name, version, updated_at, updated_by)
             values ($1::text::uuid, $2::text::uuid, 'Linus', 99, '2001-01-01', $3::text::uuid)
             returning version, updated_at > now() - interval '1 minute', updated_by::text",
            &[&id, &agency, &users.bob],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);
    assert!(row.get::<_, bool>(1), "the server's clock");
    assert_eq!(row.get::<_, String>(2), users.ada);
    tx.commit().unwrap();

    let mut tx = as_claims(&mut api, &ada);
    let version: i64 = tx
        .query_one(
            "update contacts set notes = 'met at the fair', version = 1 where id = $1::text::uuid returning version",
            &[&id],
        )
        .unwrap()
        .get(0);
    assert_eq!(version, 2, "every update moves the version on by one");
    tx.commit().unwrap();

    let mut tx = as_claims(&mut api, &ada);
    let moved = tx.execute(
        "update contacts set agency_id = $2::text::uuid where id = $1::text::uuid",
        &[&id, &other_agency],
    );
    assert_eq!(refusal(moved), "42501", "a contact never changes agency");
    drop(tx);
    let mut tx = as_claims(&mut api, &ada);
    let renumbered = tx.execute(
        "update contacts set id = gen_random_uuid() where id = $1::text::uuid",
        &[&id],
    );
    assert_eq!(refusal(renumbered), "42501", "an id never changes");
}

#[test]
fn a_deletion_is_a_tombstone_and_nobody_deletes_through_the_api() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (_, contact) = agency_with_contact(&mut api, &users.ada, "Acme");
    let ada = user_claims(&users.ada);

    let mut tx = as_claims(&mut api, &ada);
    let deleted = tx.execute(
        "delete from contacts where id = $1::text::uuid",
        &[&contact],
    );
    assert_eq!(refusal(deleted), "42501");
    drop(tx);

    let mut tx = as_claims(&mut api, &ada);
    let row = tx
        .query_one(
            "update contacts set deleted_at = now() where id = $1::text::uuid returning version",
            &[&contact],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 2);
    tx.commit().unwrap();
    assert_eq!(
        count(
            &mut api,
            &ada,
            "select count(*) from contacts where deleted_at is not null"
        ),
        1,
        "the tombstone is still pulled"
    );
}

/// The pull protocol's promise: a transaction that started before a pull and
/// commits after it is read by the next pull, although its rows carry a
/// lower `change_seq` than rows the first pull already read.
#[test]
fn a_late_commit_is_pulled_next_time() {
    let postgres = Postgres::start();
    let users = users(&postgres);
    let mut api = postgres.authenticator();
    let (agency, _) = agency_with_contact(&mut api, &users.ada, "Acme");
    let ada = user_claims(&users.ada);
    let pull = |api: &mut Client, since: i64| -> (i64, Vec<(String, i64)>) {
        let mut tx = as_claims(api, &ada);
        let watermark: i64 = tx.query_one("select sync_watermark()", &[]).unwrap().get(0);
        let rows = tx
            .query(
                "select name, change_seq from contacts where agency_id = $1::text::uuid and change_seq >= $2 order by change_seq, id",
                &[&agency, &since],
            )
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        tx.rollback().unwrap();
        (watermark, rows)
    };
    let (cursor, _) = pull(&mut api, 0);

    // Two overlapping transactions: the slow one writes first, the fast one
    // writes and commits after it, and a pull runs between the two commits.
    let mut slow_client = postgres.authenticator();
    let mut slow = as_claims(&mut slow_client, &ada);
    slow.execute(
        "insert into contacts (agency_id, name) values ($1::text::uuid, 'Slow')",
        &[&agency],
    )
    .unwrap();
    let mut fast_client = postgres.authenticator();
    let mut fast = as_claims(&mut fast_client, &ada);
    fast.execute(
        "insert into contacts (agency_id, name) values ($1::text::uuid, 'Fast')",
        &[&agency],
    )
    .unwrap();
    fast.commit().unwrap();

    let (cursor, first) = pull(&mut api, cursor);
    let names: Vec<&str> = first.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["Fast"], "the first pull sees only what committed");
    slow.commit().unwrap();

    let (_, second) = pull(&mut api, cursor);
    let slow_row = second
        .iter()
        .find(|(name, _)| name == "Slow")
        .unwrap_or_else(|| panic!("the next pull reads the late commit: {second:?}"));
    // The case a "newest seen" cursor loses: the late row is stamped lower
    // than a row already pulled.
    assert!(
        slow_row.1 < first[0].1,
        "the late commit is stamped before the row pulled first ({} vs {})",
        slow_row.1,
        first[0].1
    );
}
