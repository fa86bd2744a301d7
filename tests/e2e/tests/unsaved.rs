//! Unsaved work: closing a window whose contact editor holds unsaved
//! changes asks in that window first. Cancel keeps the window and the edit;
//! Discard closes it; Save saves the contact, then closes.

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::json;

fn wait_asks(app: &App, label: &str) {
    wait_for(&format!("{label} to ask"), PATIENCE, || {
        Ok(app.shows(label, "close-unsaved").then_some(()))
    })
    .unwrap();
}

#[test]
fn closing_a_window_with_unsaved_changes_asks_first() {
    let app = App::launch("unsaved");
    app.create_agency("Acme");
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    app.start_new_contact(&second, "Grace Hopper");

    // Ctrl+W, as a person presses it: the window asks and stays.
    app.type_keys(&second, "ctrl+w");
    wait_asks(&app, &second);
    assert!(app.labels().contains(&second));
    app.click(&second, "[data-testid=close-cancel]");
    assert!(!app.shows(&second, "close-unsaved"));
    let kept = app.execute(
        &second,
        "return document.querySelector('[data-testid=contact-name]').value;",
        json!([]),
    );
    assert_eq!(kept, json!("Grace Hopper"), "Cancel keeps the edit");

    // Again, and Discard: the window closes, nothing saved.
    app.invoke_detached(&second, "window_close");
    wait_asks(&app, &second);
    app.click(&second, "[data-testid=close-discard]");
    app.wait_for_labels(&["crm-1"]);

    // Save and close: the contact is saved, then the window goes.
    let third = app.open_window_from("crm-1");
    app.wait_ready(&third);
    app.start_new_contact(&third, "Ada Lovelace");
    app.invoke_detached(&third, "window_close");
    wait_asks(&app, &third);
    app.click(&third, "[data-testid=close-save]");
    app.wait_for_labels(&["crm-1"]);
    let names: Vec<_> = app.invoke("crm-1", "contacts_list", json!({})).unwrap()["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|contact| contact["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["Ada Lovelace"], "saved; the discarded one is not");

    // A window with nothing unsaved closes at once.
    let fourth = app.open_window_from("crm-1");
    app.wait_ready(&fourth);
    app.close_window(&fourth);
}
