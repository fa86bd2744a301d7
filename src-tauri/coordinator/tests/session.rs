//! The session rules, one behaviour per test, with injected time: the
//! refresh schedule, single flight, backoff, stale answers, sign-out, and
//! the sign-in modal presented by the primary only.

mod common;

use std::time::{Duration, Instant};

use axolop_coordinator::agency::{AgencyRef, AgencySelection};
use axolop_coordinator::modal::ModalKind;
use axolop_coordinator::session::{
    BrowserSignIn, Grant, KeyringTrouble, KeyringWrite, PendingToken, RefreshFailure, RefreshJob,
    RefreshRecorded, Session, SessionStatus, SessionUser, SignOutReason, TokenAnswer,
};
use axolop_coordinator::{Coordinator, Envelope, ErrorCode, Event};
use secrecy::{ExposeSecret, SecretString};

const LIFETIME: Duration = Duration::from_secs(5);

use common::{patient, w};

fn user() -> SessionUser {
    SessionUser {
        id: "user-1".into(),
        email: Some("ada@example.com".into()),
    }
}

fn grant(n: u32) -> Grant {
    Grant {
        user: user(),
        access_token: SecretString::from(format!("access-{n}")),
        refresh_token: SecretString::from(format!("refresh-{n}")),
        lifetime: LIFETIME,
        expires_at_unix_ms: 1_000_000 + u64::from(n),
    }
}

/// A Supabase-mode coordinator with `n` ready windows and a user signed in,
/// its events drained.
fn signed_in(n: u64) -> (Coordinator, Instant) {
    let (mut coordinator, now) = common::desk(n, Session::supabase(), patient());
    coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap();
    coordinator.take_events();
    (coordinator, now)
}

fn kinds(events: &[Envelope]) -> Vec<&'static str> {
    events.iter().map(|e| e.event.kind()).collect()
}

fn status(coordinator: &Coordinator) -> SessionStatus {
    coordinator.session().summary().status
}

fn pending(answer: (TokenAnswer, Option<RefreshJob>)) -> (PendingToken, Option<RefreshJob>) {
    match answer {
        (TokenAnswer::Pending(pending), job) => (pending, job),
        (TokenAnswer::Ready(_), _) => panic!("expected to wait for a refresh"),
    }
}

fn ready(answer: (TokenAnswer, Option<RefreshJob>)) -> (String, Option<RefreshJob>) {
    match answer {
        (TokenAnswer::Ready(token), job) => (token.expose_secret().to_owned(), job),
        (TokenAnswer::Pending(_), _) => panic!("expected a token at once"),
    }
}

#[test]
fn local_mode_has_no_tokens_and_no_sign_in_modal() {
    let mut coordinator = Coordinator::new();
    let label = coordinator.next_label();
    coordinator
        .window_opened(label.clone(), Instant::now())
        .unwrap();
    let snapshot = coordinator.window_attached(&label, Instant::now()).unwrap();
    assert_eq!(snapshot.session.status, SessionStatus::Local);
    // Nothing to sign in to: the first question is the agency.
    assert_eq!(snapshot.modal.required, Some(ModalKind::AgencySelection));
    let error = coordinator.session_token(Instant::now()).unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotConfigured);
    assert_eq!(
        coordinator
            .session_signed_in(AgencySelection::default(), grant(1), Instant::now())
            .unwrap_err()
            .code(),
        ErrorCode::NotConfigured
    );
}

#[test]
fn signed_out_the_primary_alone_presents_the_sign_in_modal_and_it_moves_with_the_primary() {
    let (mut coordinator, now) = common::desk(3, Session::supabase(), patient());
    let plan = coordinator.snapshot(&w(2)).unwrap().modal;
    assert_eq!(
        serde_json::to_value(&plan).unwrap(),
        serde_json::json!({ "required": "sign-in", "presenter": "crm-1" })
    );
    coordinator.window_closed(&w(1), now).unwrap();
    let events = coordinator.take_events();
    assert_eq!(
        kinds(&events),
        ["windows-changed", "primary-changed", "modal-changed"]
    );
    assert_eq!(
        coordinator.snapshot(&w(3)).unwrap().modal.presenter,
        Some(w(2))
    );
}

#[test]
fn signing_in_tells_every_window_without_a_token_and_ends_the_sign_in_modal() {
    let (mut coordinator, now) = common::desk(2, Session::supabase(), patient());
    coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap();
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["session-changed", "modal-changed"]);
    let wire = serde_json::to_string(&events).unwrap();
    assert!(
        !wire.contains("access-1") && !wire.contains("refresh-1"),
        "{wire}"
    );
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap()["data"],
        serde_json::json!({
            "cause": "signed-in", "status": "signed-in",
            "user": { "id": "user-1", "email": "ada@example.com" }, "expiresAt": 1_000_001,
            "remembered": true
        })
    );
    let snapshot = serde_json::to_string(&coordinator.snapshot(&w(2)).unwrap()).unwrap();
    assert!(
        !snapshot.contains("access-1") && !snapshot.contains("refresh-1"),
        "{snapshot}"
    );
    assert_eq!(
        coordinator.snapshot(&w(2)).unwrap().modal.required,
        Some(ModalKind::AgencySelection),
        "no agency was stored for this user"
    );
}

#[test]
fn a_browser_sign_in_is_followed_by_every_window_until_someone_signs_in() {
    let (mut coordinator, now) = common::desk(2, Session::supabase(), patient());
    let email_link = BrowserSignIn::EmailLink {
        email: "ada@example.com".into(),
    };
    coordinator
        .session_browser(Some(email_link.clone()))
        .unwrap();
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["session-changed"], "the modal stays put");
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap()["data"],
        serde_json::json!({
            "cause": "browser", "status": "signed-out",
            "browser": { "step": "email-link", "email": "ada@example.com" }
        })
    );
    assert_eq!(coordinator.session().browser(), Some(&email_link));
    coordinator.session_browser(Some(email_link)).unwrap();
    assert!(
        coordinator.take_events().is_empty(),
        "the same step is no news"
    );
    assert_eq!(
        coordinator.snapshot(&w(1)).unwrap().modal.required,
        Some(ModalKind::SignIn)
    );

    coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap();
    assert_eq!(coordinator.session().browser(), None, "signing in ends it");
    let error = coordinator
        .session_browser(Some(BrowserSignIn::Provider {
            provider: "google".into(),
        }))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(
        error.to_string(),
        "someone is signed in already; sign out first"
    );

    coordinator.session_sign_out();
    coordinator.take_events();
    coordinator.session_browser(None).unwrap();
    assert!(
        coordinator.take_events().is_empty(),
        "nothing was under way"
    );
}

#[test]
fn a_browser_sign_in_is_refused_in_local_mode_and_while_the_keyring_is_read() {
    let step = || Some(BrowserSignIn::NewPassword { email: None });
    let (mut local, _) = common::desk(1, Session::local(), patient());
    assert_eq!(
        local.session_browser(step()).unwrap_err().code(),
        ErrorCode::NotConfigured
    );
    let (mut loading, _) = common::desk(1, Session::supabase_loading(), patient());
    assert_eq!(
        loading.session_browser(step()).unwrap_err().code(),
        ErrorCode::Conflict
    );
    assert!(local.take_events().is_empty() && loading.take_events().is_empty());
}

#[test]
fn a_refused_link_is_told_to_every_window_and_changes_nothing() {
    let (mut coordinator, _) = signed_in(2);
    let before = serde_json::to_value(coordinator.snapshot(&w(1)).unwrap()).unwrap();
    coordinator.link_refused("no sign-in is waiting for this link".into());
    let events = coordinator.take_events();
    assert_eq!(
        serde_json::to_value(&events).unwrap()[0],
        serde_json::json!({
            "seq": events[0].seq, "kind": "link-refused",
            "data": { "message": "no sign-in is waiting for this link" }
        })
    );
    let mut after = serde_json::to_value(coordinator.snapshot(&w(1)).unwrap()).unwrap();
    after["seq"] = before["seq"].clone();
    assert_eq!(before, after);
}

#[test]
fn a_token_is_refreshed_a_fifth_of_its_lifetime_before_it_expires() {
    let (mut coordinator, now) = signed_in(1);
    assert_eq!(
        coordinator.next_deadline(),
        Some(now + Duration::from_secs(4))
    );
    assert!(coordinator
        .session_refresh_due(now + Duration::from_millis(3_999))
        .is_none());
    let job = coordinator
        .session_refresh_due(now + Duration::from_secs(4))
        .unwrap();
    assert_eq!(job.refresh_token.expose_secret(), "refresh-1");
    // Single flight: nothing more is due while the job is out.
    assert!(coordinator
        .session_refresh_due(now + Duration::from_secs(10))
        .is_none());
    assert_eq!(coordinator.session().next_deadline(), None);
}

#[test]
fn a_valid_token_is_handed_out_at_once_even_while_its_refresh_is_out() {
    let (mut coordinator, now) = signed_in(1);
    let later = now + Duration::from_millis(4_500);
    let (token, job) = ready(coordinator.session_token(later).unwrap());
    assert_eq!(token, "access-1");
    assert!(
        job.is_some(),
        "the due refresh starts with the first caller"
    );
    let (_, again) = ready(coordinator.session_token(later).unwrap());
    assert!(again.is_none(), "and only once");
}

#[test]
fn fifty_callers_after_expiry_share_exactly_one_refresh() {
    let (mut coordinator, now) = signed_in(4);
    let expired = now + Duration::from_secs(6);
    let mut jobs = Vec::new();
    let mut waiting = Vec::new();
    for _ in 0..50 {
        let (pending, job) = pending(coordinator.session_token(expired).unwrap());
        waiting.push(pending);
        jobs.extend(job);
    }
    assert_eq!(jobs.len(), 1, "one refresh for fifty callers");
    let applied = matches!(
        coordinator.session_refreshed(jobs[0].id, grant(2), expired),
        RefreshRecorded::Applied(_)
    );
    let events = coordinator.take_events();
    assert!(applied);
    assert_eq!(kinds(&events), ["session-changed"]);
    for mut pending in waiting {
        let token = pending.try_outcome().unwrap().unwrap();
        assert_eq!(token.expose_secret(), "access-2");
    }
    let (token, job) = ready(coordinator.session_token(expired).unwrap());
    assert_eq!((token.as_str(), job.is_none()), ("access-2", true));
}

#[test]
fn a_transient_failure_keeps_the_session_offline_and_retries_with_backoff() {
    let (mut coordinator, now) = signed_in(1);
    let expired = now + Duration::from_secs(6);
    let (mut waiter, job) = pending(coordinator.session_token(expired).unwrap());
    let failure = RefreshFailure::Transient {
        reason: "connection refused".into(),
        retry_after: None,
    };
    let ended = coordinator
        .session_refresh_failed(job.unwrap().id, failure, 0.0, expired)
        .is_some();
    let events = coordinator.take_events();
    assert!(!ended);
    assert_eq!(kinds(&events), ["session-changed"]);
    assert_eq!(status(&coordinator), SessionStatus::Offline);
    assert_eq!(
        coordinator.session().summary().user,
        Some(user()),
        "the session is kept"
    );
    assert_eq!(
        waiter.try_outcome().unwrap().unwrap_err().code(),
        ErrorCode::Network
    );
    // Callers are told at once while offline, not kept waiting.
    assert_eq!(
        coordinator.session_token(expired).unwrap_err().code(),
        ErrorCode::Network
    );
    // First retry after 250–500 ms (equal jitter 0 → 250 ms).
    assert_eq!(
        coordinator.next_deadline(),
        Some(expired + Duration::from_millis(250))
    );
    let retry = coordinator
        .session_refresh_due(expired + Duration::from_millis(250))
        .unwrap();
    assert_eq!(
        retry.refresh_token.expose_secret(),
        "refresh-1",
        "the same token, still unspent"
    );
    coordinator.session_refreshed(retry.id, grant(2), expired + Duration::from_secs(1));
    assert_eq!(status(&coordinator), SessionStatus::SignedIn);
}

#[test]
fn a_retry_after_from_the_server_is_honoured() {
    let (mut coordinator, now) = signed_in(1);
    let due = now + Duration::from_secs(4);
    let job = coordinator.session_refresh_due(due).unwrap();
    let failure = RefreshFailure::Transient {
        reason: "429".into(),
        retry_after: Some(Duration::from_secs(7)),
    };
    coordinator.session_refresh_failed(job.id, failure, 0.3, due);
    assert_eq!(
        coordinator.next_deadline(),
        Some(due + Duration::from_secs(7))
    );
}

#[test]
fn backoff_grows_with_each_failure_in_a_row() {
    let (mut coordinator, now) = signed_in(1);
    let mut at = now + Duration::from_secs(4);
    let mut waits = Vec::new();
    for _ in 0..4 {
        let job = coordinator.session_refresh_due(at).unwrap();
        let failure = RefreshFailure::Transient {
            reason: "503".into(),
            retry_after: None,
        };
        coordinator.session_refresh_failed(job.id, failure, 1.0, at);
        let next = coordinator.next_deadline().unwrap();
        waits.push(next - at);
        at = next;
    }
    let ms: Vec<_> = waits.iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [500, 1000, 2000, 4000]);
}

#[test]
fn a_rejected_refresh_ends_the_session_everywhere_with_the_reason() {
    let (mut coordinator, now) = signed_in(2);
    let expired = now + Duration::from_secs(6);
    let (mut waiter, job) = pending(coordinator.session_token(expired).unwrap());
    let ended = coordinator
        .session_refresh_failed(
            job.unwrap().id,
            RefreshFailure::Rejected(SignOutReason::Reused),
            0.5,
            expired,
        )
        .is_some();
    let events = coordinator.take_events();
    assert!(ended);
    assert_eq!(kinds(&events), ["session-changed", "modal-changed"]);
    let summary = coordinator.session().summary();
    assert_eq!(
        (summary.status, summary.ended),
        (SessionStatus::SignedOut, Some(SignOutReason::Reused))
    );
    assert_eq!(
        waiter.try_outcome().unwrap().unwrap_err().code(),
        ErrorCode::SignedOut
    );
    assert_eq!(
        coordinator.snapshot(&w(2)).unwrap().modal.presenter,
        Some(w(1))
    );
}

#[test]
fn a_refresh_answer_after_sign_out_is_discarded() {
    let (mut coordinator, now) = signed_in(1);
    let job = coordinator
        .session_refresh_due(now + Duration::from_secs(4))
        .unwrap();
    let revoke = coordinator.session_sign_out().revoke.unwrap();
    let events = coordinator.take_events();
    assert_eq!(
        revoke.access.unwrap().expose_secret(),
        "access-1",
        "for revoking the session on the server"
    );
    assert!(
        revoke.refresh_token.is_none(),
        "the refresh out is spending it: its answer is revoked instead"
    );
    assert_eq!(kinds(&events), ["session-changed", "modal-changed"]);
    let applied = matches!(
        coordinator.session_refreshed(job.id, grant(2), now + Duration::from_secs(5)),
        RefreshRecorded::Applied(_)
    );
    let events = coordinator.take_events();
    assert!(!applied && events.is_empty());
    assert_eq!(status(&coordinator), SessionStatus::SignedOut);
    assert_eq!(
        coordinator.session().summary().ended,
        Some(SignOutReason::SignedOut)
    );
}

#[test]
fn a_refresh_answer_for_a_replaced_session_is_discarded() {
    let (mut coordinator, now) = signed_in(1);
    let old = coordinator
        .session_refresh_due(now + Duration::from_secs(4))
        .unwrap();
    coordinator
        .session_signed_in(
            AgencySelection::default(),
            grant(7),
            now + Duration::from_secs(4),
        )
        .unwrap();
    let applied = matches!(
        coordinator.session_refreshed(old.id, grant(2), now + Duration::from_secs(5)),
        RefreshRecorded::Applied(_)
    );
    assert!(!applied);
    let (token, _) = ready(
        coordinator
            .session_token(now + Duration::from_secs(5))
            .unwrap(),
    );
    assert_eq!(token, "access-7");
    let failure = RefreshFailure::Rejected(SignOutReason::Revoked);
    coordinator.take_events();
    coordinator.session_refresh_failed(old.id, failure, 0.0, now);
    assert!(coordinator.take_events().is_empty());
    assert_eq!(status(&coordinator), SessionStatus::SignedIn);
}

#[test]
fn signing_out_twice_changes_nothing_the_second_time() {
    let (mut coordinator, _) = signed_in(1);
    coordinator.session_sign_out();
    coordinator.take_events();
    let before = coordinator.last_seq();
    let access = coordinator.session_sign_out().revoke;
    let events = coordinator.take_events();
    assert!(access.is_none() && events.is_empty());
    assert_eq!(coordinator.last_seq(), before);
}

#[test]
fn a_stored_session_is_restored_by_a_refresh_due_at_once() {
    let (mut coordinator, now) = common::desk(1, Session::supabase_loading(), patient());
    assert_eq!(status(&coordinator), SessionStatus::Restoring);
    assert_eq!(
        coordinator.snapshot(&w(1)).unwrap().modal.required,
        None,
        "no prompt while the keyring is read"
    );
    // The user's agency comes with their session, in the same transition.
    coordinator.session_restore(
        AgencySelection::restored(
            Some(AgencyRef {
                id: "a1".into(),
                name: "Acme".into(),
            }),
            1,
        ),
        user(),
        SecretString::from("refresh-0".to_owned()),
        now,
    );
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["agency-changed", "session-changed"]);
    assert_eq!(status(&coordinator), SessionStatus::Restoring);
    assert_eq!(
        coordinator.snapshot(&w(1)).unwrap().modal.required,
        None,
        "no sign-in prompt while restoring"
    );
    let job = coordinator.session_refresh_due(now).unwrap();
    assert_eq!(job.refresh_token.expose_secret(), "refresh-0");
    coordinator.session_refreshed(job.id, grant(1), now);
    assert_eq!(status(&coordinator), SessionStatus::SignedIn);
}

#[test]
fn a_stored_session_the_server_no_longer_knows_ends_in_the_sign_in_modal() {
    let (mut coordinator, now) = common::desk(1, Session::supabase_loading(), patient());
    coordinator.session_restore(
        AgencySelection::default(),
        user(),
        SecretString::from("stale".to_owned()),
        now,
    );
    let job = coordinator.session_refresh_due(now).unwrap();
    coordinator.session_refresh_failed(
        job.id,
        RefreshFailure::Rejected(SignOutReason::Unknown),
        0.0,
        now,
    );
    assert_eq!(
        coordinator.session().summary().ended,
        Some(SignOutReason::Unknown)
    );
    assert_eq!(
        coordinator.snapshot(&w(1)).unwrap().modal.presenter,
        Some(w(1))
    );
}

#[test]
fn a_wall_clock_jump_makes_the_refresh_due_at_once() {
    let (mut coordinator, now) = signed_in(1);
    let resumed = now + Duration::from_secs(1);
    assert!(coordinator.session_refresh_due(resumed).is_none());
    coordinator.clock_jumped(resumed);
    assert!(coordinator.session_refresh_due(resumed).is_some());
}

#[test]
fn tokens_never_show_in_debug_output() {
    let (mut coordinator, now) = signed_in(1);
    let job = coordinator
        .session_refresh_due(now + Duration::from_secs(4))
        .unwrap();
    let printed = format!("{:?} {:?} {:?}", grant(1), job, coordinator);
    assert!(
        !printed.contains("access-1") && !printed.contains("refresh-1"),
        "{printed}"
    );
    coordinator
        .session_signed_in(AgencySelection::default(), grant(3), now)
        .unwrap();
    if let Some(Event::SessionChanged(change)) = coordinator.take_events().first().map(|e| &e.event)
    {
        assert!(!format!("{change:?}").contains("access-3"));
    }
}

#[test]
fn a_session_the_keyring_cannot_keep_is_announced_once() {
    let (mut coordinator, _) = signed_in(1);
    coordinator.session_remembered(false);
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["session-changed"]);
    assert_eq!(coordinator.session().summary().remembered, Some(false));
    coordinator.session_remembered(false);
    assert!(coordinator.take_events().is_empty());
}

#[test]
fn switching_to_supabase_mode_asks_the_primary_for_a_sign_in_once_the_keyring_is_empty() {
    let mut coordinator = Coordinator::new();
    let label = coordinator.next_label();
    let now = Instant::now();
    coordinator.window_opened(label.clone(), now).unwrap();
    coordinator.window_attached(&label, now).unwrap();
    coordinator.take_events();
    coordinator.use_supabase();
    let events = coordinator.take_events();
    // The local agency question is withdrawn until someone signs in.
    assert_eq!(kinds(&events), ["session-changed", "modal-changed"]);
    assert_eq!(status(&coordinator), SessionStatus::Restoring);
    coordinator.use_supabase();
    assert!(coordinator.take_events().is_empty());
    coordinator.session_nothing_stored(None);
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["session-changed", "modal-changed"]);
    assert_eq!(
        coordinator.snapshot(&label).unwrap().modal.presenter,
        Some(label)
    );
}

#[test]
fn a_stored_session_read_after_a_sign_in_is_ignored() {
    let (mut coordinator, now) = common::desk(1, Session::supabase_loading(), patient());
    coordinator
        .session_signed_in(AgencySelection::default(), grant(5), now)
        .unwrap();
    coordinator.take_events();
    coordinator.session_restore(
        AgencySelection::default(),
        user(),
        SecretString::from("older".to_owned()),
        now,
    );
    assert!(coordinator.take_events().is_empty());
    coordinator.session_nothing_stored(None);
    assert!(coordinator.take_events().is_empty());
    let (token, _) = ready(coordinator.session_token(now).unwrap());
    assert_eq!(token, "access-5");
}

#[test]
fn after_a_wall_clock_jump_callers_wait_for_the_refresh_instead_of_an_expired_token() {
    let (mut coordinator, now) = signed_in(1);
    let resumed = now + Duration::from_secs(1);
    coordinator.clock_jumped(resumed);
    let (_pending, job) = pending(coordinator.session_token(resumed).unwrap());
    assert!(job.is_some());
}

#[test]
fn a_retry_in_flight_still_reads_as_offline() {
    let (mut coordinator, now) = signed_in(1);
    let due = now + Duration::from_secs(4);
    let job = coordinator.session_refresh_due(due).unwrap();
    let failure = RefreshFailure::Transient {
        reason: "503".into(),
        retry_after: None,
    };
    coordinator.session_refresh_failed(job.id, failure, 0.0, due);
    let retry = coordinator
        .session_refresh_due(due + Duration::from_secs(1))
        .unwrap();
    assert_eq!(status(&coordinator), SessionStatus::Offline);
    coordinator.session_refreshed(retry.id, grant(2), due + Duration::from_secs(1));
    assert_eq!(status(&coordinator), SessionStatus::SignedIn);
}

// The session policies the shell used to decide, one transition each.

fn acme() -> AgencyRef {
    AgencyRef {
        id: "acme".into(),
        name: "Acme".into(),
    }
}

fn saved_generation(write: &KeyringWrite) -> u64 {
    match write {
        KeyringWrite::Save {
            generation,
            user: saved,
            refresh_token,
        } => {
            assert_eq!(saved, &user());
            assert!(refresh_token.expose_secret().starts_with("refresh-"));
            *generation
        }
        KeyringWrite::Clear { .. } => panic!("expected a save, got {write:?}"),
    }
}

#[test]
fn a_sign_in_outside_supabase_mode_is_refused_and_changes_nothing() {
    let (mut coordinator, now) = common::desk(1, Session::local(), patient());
    let before = coordinator.agency().summary().clone();
    let refused =
        coordinator.session_signed_in(AgencySelection::restored(Some(acme()), 3), grant(1), now);
    assert_eq!(refused.unwrap_err().code(), ErrorCode::NotConfigured);
    assert_eq!(coordinator.agency().summary(), &before);
    assert!(coordinator.take_events().is_empty());
}

#[test]
fn a_sign_in_brings_the_users_agency_and_asks_the_keyring_to_keep_it() {
    let (mut coordinator, now) = common::desk(1, Session::supabase(), patient());
    let signed_in = coordinator
        .session_signed_in(AgencySelection::restored(Some(acme()), 3), grant(1), now)
        .unwrap();
    let write = signed_in.keyring;
    assert_eq!(saved_generation(&write), coordinator.session().generation());
    assert!(coordinator.keyring_write_current(&write));
    assert!(signed_in.revoke.is_none(), "nobody was signed in");
    assert_eq!(
        coordinator.agency().summary().selected.as_ref(),
        Some(&acme())
    );
    // The agency first, then the session: the sign-in modal closes and no
    // window ever asks for the agency.
    let events = coordinator.take_events();
    assert_eq!(
        kinds(&events),
        ["agency-changed", "session-changed", "modal-changed"]
    );
    assert!(events.iter().all(|e| match &e.event {
        Event::ModalChanged(plan) => plan.required.is_none(),
        _ => true,
    }));
}

#[test]
fn a_sign_in_made_while_the_keyring_was_read_wins_over_the_stored_session() {
    let (mut coordinator, now) = common::desk(1, Session::supabase_loading(), patient());
    coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap();
    coordinator.take_events();
    let stored = SessionUser {
        id: "someone-else".into(),
        email: None,
    };
    coordinator.session_restore(
        AgencySelection::restored(Some(acme()), 9),
        stored,
        SecretString::from("stored".to_owned()),
        now,
    );
    assert!(coordinator.take_events().is_empty());
    let summary = coordinator.session().summary();
    assert_eq!(summary.user.map(|u| u.id), Some("user-1".to_owned()));
    assert_eq!(coordinator.agency().summary().selected, None);
}

#[test]
fn a_save_decided_for_a_session_that_ended_no_longer_stands() {
    let (mut coordinator, now) = common::desk(1, Session::supabase(), patient());
    let save = coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap()
        .keyring;
    let signed_out = coordinator.session_sign_out();
    assert!(!coordinator.keyring_write_current(&save));
    assert!(coordinator.keyring_write_current(&signed_out.keyring));
    let revoke = signed_out.revoke.unwrap();
    assert_eq!(
        revoke.access.map(|t| t.expose_secret().to_owned()),
        Some("access-1".to_owned())
    );
    assert_eq!(
        revoke.refresh_token.map(|t| t.expose_secret().to_owned()),
        Some("refresh-1".to_owned()),
        "for when the access token has run out"
    );
}

#[test]
fn signing_out_while_restoring_revokes_with_the_refresh_token() {
    let (mut coordinator, now) = common::desk(1, Session::supabase_loading(), patient());
    let stored = SessionUser {
        id: "user-1".into(),
        email: None,
    };
    coordinator.session_restore(
        AgencySelection::default(),
        stored,
        SecretString::from("stored".to_owned()),
        now,
    );
    let revoke = coordinator.session_sign_out().revoke.unwrap();
    assert!(revoke.access.is_none(), "no access token yet");
    assert_eq!(
        revoke.refresh_token.map(|t| t.expose_secret().to_owned()),
        Some("stored".to_owned())
    );
}

#[test]
fn a_sign_in_over_a_live_session_revokes_the_one_it_replaces() {
    let (mut coordinator, now) = signed_in(1);
    let replaced = coordinator
        .session_signed_in(AgencySelection::default(), grant(2), now)
        .unwrap()
        .revoke
        .expect("the replaced session is to be revoked");
    assert_eq!(
        replaced.access.map(|t| t.expose_secret().to_owned()),
        Some("access-1".to_owned())
    );
    assert!(coordinator.session().is_signed_in());
    assert_eq!(
        coordinator.session().summary().expires_at,
        Some(1_000_002),
        "the new grant is the session now"
    );
}

#[test]
fn a_removal_decided_before_a_new_sign_in_no_longer_stands() {
    let (mut coordinator, now) = common::desk(1, Session::supabase(), patient());
    coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap();
    let clear = coordinator.session_sign_out().keyring;
    let save = coordinator
        .session_signed_in(AgencySelection::default(), grant(2), now)
        .unwrap()
        .keyring;
    assert!(!coordinator.keyring_write_current(&clear));
    assert!(coordinator.keyring_write_current(&save));
}

#[test]
fn signing_out_with_nobody_signed_in_still_forgets_the_stored_session() {
    let (mut coordinator, _) = common::desk(1, Session::supabase_loading(), patient());
    let signed_out = coordinator.session_sign_out();
    assert!(signed_out.revoke.is_none());
    assert!(matches!(signed_out.keyring, KeyringWrite::Clear { .. }));
    assert!(coordinator.keyring_write_current(&signed_out.keyring));
}

#[test]
fn an_applied_refresh_asks_the_keyring_to_keep_the_new_token() {
    let (mut coordinator, now) = signed_in(1);
    let job = coordinator
        .session_refresh_due(now + Duration::from_secs(4))
        .unwrap();
    match coordinator.session_refreshed(job.id, grant(2), now + Duration::from_secs(4)) {
        RefreshRecorded::Applied(write) => {
            let KeyringWrite::Save { refresh_token, .. } = &write else {
                panic!("expected a save, got {write:?}");
            };
            assert_eq!(refresh_token.expose_secret(), "refresh-2");
            assert!(coordinator.keyring_write_current(&write));
        }
        RefreshRecorded::Discarded { .. } => panic!("the answer was for the live session"),
    }
}

#[test]
fn a_refresh_answer_after_a_sign_out_is_to_be_revoked_not_kept() {
    let (mut coordinator, now) = signed_in(1);
    let job = coordinator
        .session_refresh_due(now + Duration::from_secs(4))
        .unwrap();
    coordinator.session_sign_out();
    coordinator.take_events();
    match coordinator.session_refreshed(job.id, grant(2), now + Duration::from_secs(5)) {
        RefreshRecorded::Discarded { revoke } => assert_eq!(revoke.expose_secret(), "access-2"),
        RefreshRecorded::Applied(write) => panic!("a stale answer was kept: {write:?}"),
    }
    assert!(coordinator.take_events().is_empty());
}

#[test]
fn a_rejected_refresh_asks_the_keyring_to_forget_and_a_transient_one_does_not() {
    let (mut coordinator, now) = signed_in(1);
    let due = now + Duration::from_secs(4);
    let job = coordinator.session_refresh_due(due).unwrap();
    let transient = RefreshFailure::Transient {
        reason: "offline".into(),
        retry_after: None,
    };
    assert!(coordinator
        .session_refresh_failed(job.id, transient, 0.0, due)
        .is_none());
    let retry = coordinator
        .session_refresh_due(due + Duration::from_secs(60))
        .unwrap();
    let rejected = RefreshFailure::Rejected(SignOutReason::Revoked);
    let write = coordinator
        .session_refresh_failed(retry.id, rejected, 0.0, due + Duration::from_secs(60))
        .expect("the session ended");
    assert!(matches!(write, KeyringWrite::Clear { .. }));
    assert!(coordinator.keyring_write_current(&write));
}

#[test]
fn a_token_a_server_refused_as_expired_is_refreshed_once_however_many_requests_saw_it() {
    let (mut coordinator, now) = signed_in(2);
    let (token, _) = ready(coordinator.session_token(now).unwrap());
    let refused = SecretString::from(token);
    // Three requests in flight with the token all come back 401.
    let current: Vec<bool> = (0..3)
        .map(|_| coordinator.session_token_rejected(&refused, now))
        .collect();
    assert_eq!(current, [true, true, true]);
    let mut jobs = Vec::new();
    let mut waiting = Vec::new();
    for _ in 0..3 {
        let (pending, job) = pending(coordinator.session_token(now).unwrap());
        waiting.push(pending);
        jobs.extend(job);
    }
    assert_eq!(jobs.len(), 1, "one refresh for every refused request");
    coordinator.session_refreshed(jobs[0].id, grant(2), now);
    for mut pending in waiting {
        assert_eq!(
            pending.try_outcome().unwrap().unwrap().expose_secret(),
            "access-2"
        );
    }
    // A late refusal of the old token leaves the new one alone.
    assert!(!coordinator.session_token_rejected(&refused, now));
    let (token, job) = ready(coordinator.session_token(now).unwrap());
    assert_eq!((token.as_str(), job.is_none()), ("access-2", true));
}

#[test]
fn a_refused_token_without_a_session_changes_nothing() {
    let mut coordinator = Coordinator::with_session(Session::supabase());
    let token = SecretString::from("access-1".to_owned());
    assert!(!coordinator.session_token_rejected(&token, Instant::now()));
    assert!(coordinator.take_events().is_empty());
}

#[test]
fn keyring_trouble_shows_while_signed_out_and_ends_with_the_next_sign_in() {
    let (mut coordinator, now) = common::desk(1, Session::supabase_loading(), patient());
    coordinator.session_nothing_stored(Some(KeyringTrouble::NotRead));
    assert_eq!(
        coordinator.session().summary().keyring,
        Some(KeyringTrouble::NotRead)
    );
    coordinator.take_events();
    coordinator.session_keyring_not_removed();
    assert_eq!(kinds(&coordinator.take_events()), ["session-changed"]);
    assert_eq!(
        coordinator.session().summary().keyring,
        Some(KeyringTrouble::NotRemoved)
    );
    coordinator.session_keyring_not_removed();
    assert!(coordinator.take_events().is_empty(), "no news twice");
    coordinator
        .session_signed_in(AgencySelection::default(), grant(1), now)
        .unwrap();
    assert_eq!(coordinator.session().summary().keyring, None);
    coordinator.session_keyring_not_removed();
    assert_eq!(
        coordinator.session().summary().keyring,
        None,
        "only a signed-out session can have been left behind"
    );
}
