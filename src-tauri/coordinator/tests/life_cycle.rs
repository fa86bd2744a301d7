//! Quitting with unsaved editors in several windows, and an update: each
//! one question, in the primary; every window told.

mod common;

use axolop_coordinator::agency::AgencyRef;
use axolop_coordinator::modal::ModalKind;
use axolop_coordinator::quit::{QuitAnswer, QuitStage};
use axolop_coordinator::update::{UpdateAnswer, UpdateOffer, UpdateStatus};
use axolop_coordinator::{Coordinator, ErrorCode, Event};

use common::{w, Desk};

/// Three windows in local mode, an agency selected, so no modal is up.
fn desk() -> Coordinator {
    let mut desk = Desk::with_windows(3);
    let agency = AgencyRef {
        id: "acme".into(),
        name: "Acme".into(),
    };
    desk.coordinator.agency_select(&w(1), agency, None).unwrap();
    desk.coordinator.take_events();
    assert_eq!(desk.coordinator.modal().required, None);
    desk.coordinator
}

fn kinds(coordinator: &mut Coordinator) -> Vec<&'static str> {
    coordinator
        .take_events()
        .iter()
        .map(|envelope| envelope.event.kind())
        .collect()
}

#[test]
fn a_quit_over_two_unsaved_editors_asks_once_in_the_primary() {
    let mut c = desk();
    c.editor_unsaved(&w(2), Some("Jane Doe")).unwrap();
    c.editor_unsaved(&w(3), Some("Bob Stone")).unwrap();
    assert_eq!(kinds(&mut c), ["quit-changed", "quit-changed"]);

    assert_eq!(c.quit_requested(), QuitStage::Asking);
    assert_eq!(kinds(&mut c), ["quit-changed", "modal-changed"]);
    assert_eq!(c.modal().required, Some(ModalKind::Quit));
    assert_eq!(c.modal().presenter, Some(w(1)), "the primary asks");
    let listed: Vec<_> = c
        .quit_status()
        .editors
        .iter()
        .map(|e| (e.window.clone(), e.subject.clone()))
        .collect();
    assert_eq!(
        listed,
        [
            (w(2), "Jane Doe".to_owned()),
            (w(3), "Bob Stone".to_owned())
        ]
    );
    // Only the presenter answers for everyone.
    let refused = c.quit_answer(&w(2), QuitAnswer::Discard).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidArgument);
    assert!(
        c.take_events().is_empty(),
        "a refused answer changes nothing"
    );

    // Save: the app quits once the last editor is clean.
    assert_eq!(
        c.quit_answer(&w(1), QuitAnswer::Save).unwrap(),
        QuitStage::Saving
    );
    c.editor_unsaved(&w(2), None).unwrap();
    assert_eq!(c.quit_status().stage, QuitStage::Saving);
    c.editor_unsaved(&w(3), None).unwrap();
    assert_eq!(c.quit_status().stage, QuitStage::Quitting);
    assert_eq!(c.modal().required, None);
}

#[test]
fn a_cancelled_quit_leaves_every_window_as_it_was() {
    let mut c = desk();
    c.editor_unsaved(&w(2), Some("Jane Doe")).unwrap();
    let before = c.snapshot(&w(2)).unwrap();
    c.quit_requested();
    // A window whose save failed cancels from where it is.
    c.quit_answer(&w(2), QuitAnswer::Cancel).unwrap();
    let after = c.snapshot(&w(2)).unwrap();
    assert_eq!(after.quit, before.quit);
    assert_eq!(after.modal, before.modal);
    assert!(
        c.quit_answer(&w(1), QuitAnswer::Cancel).is_err(),
        "nothing waits"
    );
}

#[test]
fn a_quit_with_nothing_unsaved_goes_ahead_but_an_editor_that_crashed_still_waits_for_the_answer() {
    let mut c = desk();
    assert_eq!(c.quit_requested(), QuitStage::Quitting);

    // Its page reloaded (a crash): the draft is still kept, and the user
    // has not said to go.
    let mut c = desk();
    c.editor_unsaved(&w(3), Some("Jane Doe")).unwrap();
    c.quit_requested();
    let now = std::time::Instant::now();
    c.window_reloaded(&w(3), now).unwrap();
    assert_eq!(c.quit_status().stage, QuitStage::Asking);
    assert!(c.quit_status().editors.is_empty());
    // Saving with nothing left to save goes ahead.
    assert_eq!(
        c.quit_answer(&w(1), QuitAnswer::Save).unwrap(),
        QuitStage::Quitting
    );

    // The editor's own window said it is clean (saved or discarded there).
    let mut c = desk();
    c.editor_unsaved(&w(3), Some("Jane Doe")).unwrap();
    c.quit_requested();
    c.editor_unsaved(&w(3), None).unwrap();
    assert_eq!(
        c.quit_status().stage,
        QuitStage::Asking,
        "still the user's call"
    );
}

#[test]
fn the_primary_closing_moves_the_quit_question_to_the_next_primary() {
    let mut c = desk();
    c.editor_unsaved(&w(3), Some("Jane Doe")).unwrap();
    c.quit_requested();
    c.window_closed(&w(1), std::time::Instant::now()).unwrap();
    assert_eq!(c.modal().required, Some(ModalKind::Quit));
    assert_eq!(c.modal().presenter, Some(w(2)));
    c.quit_answer(&w(2), QuitAnswer::Discard).unwrap();
    assert_eq!(c.quit_status().stage, QuitStage::Quitting);
}

#[test]
fn an_update_is_one_modal_in_the_primary_after_everything_else() {
    let mut c = desk();
    c.editor_unsaved(&w(2), Some("Jane Doe")).unwrap();
    c.quit_requested();
    c.take_events();
    c.update_found(UpdateOffer::new("0.2.0".into(), "0.1.0".into(), None));
    assert_eq!(kinds(&mut c), ["update-changed"]);
    assert_eq!(c.modal().required, Some(ModalKind::Quit), "the quit first");
    c.quit_answer(&w(1), QuitAnswer::Cancel).unwrap();
    assert_eq!(c.modal().required, Some(ModalKind::Update));
    assert_eq!(c.modal().presenter, Some(w(1)));

    // Other windows may open it again from their badge, not install.
    assert!(c.update_answer(&w(2), UpdateAnswer::Install).is_err());
    assert!(!c.update_answer(&w(1), UpdateAnswer::Later).unwrap());
    assert_eq!(c.modal().required, None);
    assert!(!c.update_answer(&w(3), UpdateAnswer::Show).unwrap());
    assert_eq!(c.modal().presenter, Some(w(1)));
    assert!(c.update_answer(&w(1), UpdateAnswer::Install).unwrap());
    c.take_events();
    c.update_progressed(50, Some(100));
    let events = c.take_events();
    assert!(matches!(
        &events[..],
        [e] if matches!(&e.event, Event::UpdateChanged(UpdateStatus::Downloading { received: 50, .. }))
    ));
    c.update_failed("the update's signature does not verify".into());
    assert!(matches!(c.update_status(), UpdateStatus::Failed { .. }));
    assert_eq!(c.modal().required, Some(ModalKind::Update), "reported");
}
