//! The desktop life cycle: a quit with unsaved editors in two windows asks
//! once, in the primary, and the others say where; a draft typed before a
//! SIGKILL comes back in its window, and so does the contact a window had
//! open; launches that crash before a window is ready stop reopening the
//! layout.

use axolop_e2e::{fresh_data_dir, wait_for, wait_until_ended, App, PATIENCE};
use serde_json::{json, Value};

fn editor_name(app: &App, label: &str) -> Value {
    app.execute(
        label,
        "const input = document.querySelector('[data-testid=contact-name]');
         return input && !input.closest('form').hidden ? input.value : null;",
        json!([]),
    )
}

fn quit(app: &App) -> Value {
    app.invoke("crm-1", "coordinator_snapshot", json!({}))
        .unwrap()["quit"]
        .clone()
}

fn contact_names(app: &App) -> Vec<String> {
    app.invoke("crm-1", "contacts_list", json!({})).unwrap()["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|contact| contact["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_quit_with_unsaved_editors_in_two_windows_asks_once_in_the_primary() {
    let dir = fresh_data_dir("quit-unsaved");
    let app = App::launch_in(&dir, &[]);
    app.create_agency("Acme");
    let second = app.open_window_from("crm-1");
    let third = app.open_window_from("crm-1");
    app.wait_ready(&second);
    app.wait_ready(&third);
    app.start_new_contact(&second, "Jane Doe");
    app.start_new_contact(&third, "Bob Stone");
    wait_for("both editors to be unsaved", PATIENCE, || {
        Ok((quit(&app)["editors"].as_array().map(Vec::len) == Some(2)).then_some(()))
    })
    .unwrap();

    // Ctrl+Q in the third window: the primary asks, listing both.
    app.type_keys(&third, "ctrl+q");
    wait_for("the primary to ask", PATIENCE, || {
        Ok(app.shows("crm-1", "quit-modal").then_some(()))
    })
    .unwrap();
    let listed = app.text("crm-1", "quit-editors").unwrap();
    assert!(
        listed.contains("Window 2: Jane Doe") && listed.contains("Window 3: Bob Stone"),
        "{listed}"
    );
    for label in [&second, &third] {
        wait_for(
            &format!("{label} to say where the quit waits"),
            PATIENCE,
            || Ok(app.shows(label, "modal-waiting").then_some(())),
        )
        .unwrap();
        assert!(
            !app.shows(label, "quit-modal"),
            "asked once, in the primary"
        );
        let waiting = app.execute(
            label,
            "const notice = document.querySelector('[data-testid=modal-waiting]');
             return [notice.dataset.kind, notice.dataset.presenter, notice.textContent];",
            json!([]),
        );
        assert_eq!(waiting[0], "quit");
        assert_eq!(waiting[1], "crm-1");
        assert!(waiting[2].as_str().unwrap().contains("Window 1 is asking"));
    }

    // Cancel: every window as it was, still running.
    app.click("crm-1", "[data-testid=quit-cancel]");
    wait_for("the question to go", PATIENCE, || {
        Ok(
            (!app.shows("crm-1", "quit-modal") && !app.shows(&second, "modal-waiting"))
                .then_some(()),
        )
    })
    .unwrap();
    assert_eq!(editor_name(&app, &second), "Jane Doe");
    assert_eq!(editor_name(&app, &third), "Bob Stone");
    assert_eq!(quit(&app)["stage"], "idle");

    // Again, and Save all: both are saved, then the app ends.
    let pid = app.app_pid();
    app.type_keys("crm-1", "ctrl+q");
    wait_for("the primary to ask again", PATIENCE, || {
        Ok(app.shows("crm-1", "quit-modal").then_some(()))
    })
    .unwrap();
    app.click("crm-1", "[data-testid=quit-save]");
    wait_until_ended(pid).unwrap();
    drop(app);

    let app = App::launch_in(&dir, &[]);
    app.wait_for_labels(&["crm-1", "crm-2", "crm-3"]);
    let mut names = contact_names(&app);
    names.sort();
    assert_eq!(names, ["Bob Stone", "Jane Doe"]);
    for label in ["crm-1", "crm-2", "crm-3"] {
        app.wait_ready(label);
        let resume = app.invoke(label, "window_resume", json!({})).unwrap();
        assert_eq!(
            resume["draft"],
            Value::Null,
            "{label}: saved, no draft left"
        );
    }
}

#[test]
fn a_draft_and_an_open_contact_survive_a_kill() {
    let dir = fresh_data_dir("draft-kill");
    {
        let app = App::launch_in(&dir, &[]);
        app.create_agency("Acme");
        let saved = app
            .invoke(
                "crm-1",
                "contact_save",
                json!({ "contact": { "name": "Ada Lovelace" } }),
            )
            .unwrap();
        let second = app.open_window_from("crm-1");
        app.wait_ready(&second);
        // The first window has Ada open; the second types a new contact.
        app.click(
            "crm-1",
            &format!(
                "[data-testid=contact-row][data-id='{}']",
                saved["id"].as_str().unwrap()
            ),
        );
        app.start_new_contact(&second, "Grace Hopper");
        wait_for("the draft to be kept", PATIENCE, || {
            Ok(app.shows(&second, "contact-draft-kept").then_some(()))
        })
        .unwrap();
        wait_for("the open contact to be kept", PATIENCE, || {
            let kept = std::fs::read_to_string(dir.join("windows.json")).unwrap_or_default();
            Ok(kept.contains(saved["id"].as_str().unwrap()).then_some(()))
        })
        .unwrap();
        // Dropping the app kills it with SIGKILL.
    }
    let app = App::launch_in(&dir, &[]);
    app.wait_for_labels(&["crm-1", "crm-2"]);
    app.wait_ready("crm-2");
    wait_for("the draft back in its window", PATIENCE, || {
        Ok((editor_name(&app, "crm-2") == "Grace Hopper").then_some(()))
    })
    .unwrap();
    assert!(
        app.text("crm-2", "notice")
            .is_some_and(|text| text.contains("from before Axolop CRM closed")),
        "the window says where the text came from"
    );
    wait_for("Ada open again in the first window", PATIENCE, || {
        Ok((editor_name(&app, "crm-1") == "Ada Lovelace").then_some(()))
    })
    .unwrap();
    // Still a draft, not saved: a close asks.
    assert_eq!(contact_names(&app), ["Ada Lovelace"]);
    app.invoke_detached("crm-2", "window_close");
    wait_for("crm-2 to ask", PATIENCE, || {
        Ok(app.shows("crm-2", "close-unsaved").then_some(()))
    })
    .unwrap();
}

#[test]
fn after_two_launches_that_crashed_one_window_opens_and_says_why() {
    let dir = fresh_data_dir("crash-loop");
    std::fs::write(
        dir.join("windows.json"),
        r#"{"version": 1, "windows": [
            {"x": 10, "y": 10, "width": 700, "height": 500, "maximized": false, "zoom": 1.0},
            {"x": 200, "y": 120, "width": 700, "height": 500, "maximized": false, "zoom": 1.0}
        ]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("unready-launches"), "2").unwrap();
    let app = App::launch_in(&dir, &[]);
    wait_for("the notice", PATIENCE, || {
        Ok(app
            .text("crm-1", "notice")
            .filter(|text| text.contains("previous windows were not restored"))
            .map(drop))
    })
    .unwrap();
    assert_eq!(app.labels(), ["crm-1"]);
    // The window got ready: the next launch restores again.
    assert!(!dir.join("unready-launches").exists());
}
