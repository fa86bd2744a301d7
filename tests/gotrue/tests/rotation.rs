//! Refresh-token rotation, as strict as Supabase with reuse detection.

mod support;

use std::sync::Barrier;

use support::{server_with_user, Client};

#[test]
fn a_refresh_returns_a_new_pair_that_works() {
    let server = server_with_user();
    let client = Client::new(&server);
    let session = client.session();
    let first_refresh = session["refresh_token"].as_str().unwrap();

    let answer = client.refresh(first_refresh);

    assert_eq!(answer.status, 200, "{}", answer.text);
    let next = answer.json();
    assert_ne!(next["refresh_token"], first_refresh);
    assert_ne!(next["access_token"], session["access_token"]);
    assert_eq!(next["user"]["id"], session["user"]["id"]);
    assert_eq!(client.user(next["access_token"].as_str()).status, 200);
    assert_eq!(
        client
            .refresh(next["refresh_token"].as_str().unwrap())
            .status,
        200
    );
    assert_eq!(server.stats().refreshes, 2);
}

#[test]
fn reusing_a_refresh_token_is_refused_and_revokes_the_newest_token_too() {
    let server = server_with_user();
    let client = Client::new(&server);
    let old = client.session_field("refresh_token");
    let newest = client.refresh(&old).field("refresh_token");

    let reuse = client.refresh(&old);
    let after_reuse = client.refresh(&newest);

    assert_eq!(reuse.status, 400);
    assert_eq!(reuse.error_code(), "refresh_token_already_used");
    assert_eq!(reuse.json()["msg"], "Invalid Refresh Token: Already Used");
    assert_eq!(after_reuse.status, 400);
    assert_eq!(after_reuse.error_code(), "session_not_found");
}

#[test]
fn reuse_ends_the_sessions_access_tokens() {
    let server = server_with_user();
    let client = Client::new(&server);
    let old = client.session_field("refresh_token");
    let access = client.refresh(&old).field("access_token");

    client.refresh(&old);

    let answer = client.user(Some(&access));
    assert_eq!(answer.status, 403);
    assert_eq!(answer.error_code(), "session_not_found");
}

#[test]
fn reuse_is_counted_and_shows_in_the_use_counts() {
    let server = server_with_user();
    let client = Client::new(&server);
    let old = client.session_field("refresh_token");
    client.refresh(&old);

    client.refresh(&old);

    let stats = server.stats();
    assert_eq!(stats.refresh_calls, 2);
    assert_eq!(stats.refreshes, 1);
    assert_eq!(stats.reuses, 1);
    assert_eq!(server.refresh_uses(), [2, 0]);
}

#[test]
fn a_well_behaved_client_uses_every_refresh_token_exactly_once() {
    let server = server_with_user();
    let client = Client::new(&server);
    let mut refresh = client.session_field("refresh_token");

    for _ in 0..5 {
        refresh = client.refresh(&refresh).field("refresh_token");
    }

    assert_eq!(server.refresh_uses(), [1, 1, 1, 1, 1, 0]);
    assert_eq!(server.stats().reuses, 0);
    assert_eq!(server.stats().tokens_issued, 12);
}

#[test]
fn an_unknown_refresh_token_is_not_found() {
    let server = server_with_user();

    let answer = Client::new(&server).refresh("rt-never-issued");

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "refresh_token_not_found");
    assert_eq!(server.stats().reuses, 0);
}

#[test]
fn racing_refreshes_of_one_token_rotate_it_exactly_once() {
    const RACERS: usize = 8;
    let server = server_with_user();
    let token = Client::new(&server).session_field("refresh_token");
    let start = Barrier::new(RACERS);

    let statuses: Vec<(u16, String)> = std::thread::scope(|scope| {
        let racers: Vec<_> = (0..RACERS)
            .map(|_| {
                scope.spawn(|| {
                    let client = Client::new(&server);
                    start.wait();
                    let answer = client.refresh(&token);
                    let code = match answer.status {
                        200 => String::new(),
                        _ => answer.error_code(),
                    };
                    (answer.status, code)
                })
            })
            .collect();
        racers
            .into_iter()
            .map(|racer| racer.join().unwrap())
            .collect()
    });

    // Requests are served one at a time: the first rotates, the second is
    // caught reusing and ends the session, the rest find it ended.
    let count = |code: &str| statuses.iter().filter(|(_, c)| c == code).count();
    assert_eq!(count(""), 1, "one winner: {statuses:?}");
    assert_eq!(count("refresh_token_already_used"), 1, "{statuses:?}");
    assert_eq!(count("session_not_found"), RACERS - 2, "{statuses:?}");
    assert_eq!(server.stats().refreshes, 1);
    assert_eq!(server.stats().reuses, RACERS - 1);
}
