//! The agency and its contacts across real windows: the agency modal in the
//! primary only, moving when the primary closes; one selection for every
//! window; contacts created in one window appearing in the others; and two
//! windows editing one contact meeting exactly one conflict, losing nothing.

use std::time::{Duration, Instant};

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::json;

const WINDOWS: [&str; 3] = ["crm-1", "crm-2", "crm-3"];

/// WebDriver key codes.
const ARROW_DOWN: &str = "\u{E015}";
const ENTER: &str = "\u{E007}";

fn wait_shows(app: &App, label: &str, testid: &str) {
    wait_for(&format!("{label} to show {testid}"), PATIENCE, || {
        Ok(app.shows(label, testid).then_some(()))
    })
    .unwrap();
}

fn wait_text(app: &App, label: &str, testid: &str, wanted: &str) {
    wait_for(
        &format!("{label} to show {wanted:?} in {testid}"),
        PATIENCE,
        || Ok((app.text(label, testid).as_deref() == Some(wanted)).then_some(())),
    )
    .unwrap_or_else(|e| panic!("{e}; it shows {:?}", app.text(label, testid)));
}

/// The window fits its content at its default size: the document never
/// scrolls (only the content area may) and the status bar is in view. A
/// scrolling document also made every repaint, and so every event, slower.
fn assert_fits(app: &App, label: &str, when: &str) {
    let fits = app.execute(
        label,
        "const root = document.scrollingElement;
         const bar = document.querySelector('.statusbar').getBoundingClientRect();
         return {
           documentScrolls: root.scrollHeight > root.clientHeight,
           statusBarInView: bar.top >= 0 && bar.bottom <= window.innerHeight,
         };",
        json!([]),
    );
    assert_eq!(
        fits,
        json!({ "documentScrolls": false, "statusBarInView": true }),
        "{label} {when}"
    );
}

#[test]
fn the_agency_modal_is_in_the_primary_only_and_moves_when_it_closes() {
    let app = App::launch("agency-modal");
    app.open_window_from("crm-1");
    app.open_window_from("crm-1");
    wait_shows(&app, "crm-1", "agency-modal");
    for label in ["crm-2", "crm-3"] {
        wait_shows(&app, label, "modal-waiting");
        assert!(!app.shows(label, "agency-modal"), "{label}");
        assert_fits(&app, label, "waiting for the agency, its list empty");
    }
    assert!(!app.shows("crm-1", "modal-waiting"));

    // Half-typed in crm-1, which then closes: the modal moves to crm-2 at
    // once, empty (the window it was typed in is gone).
    app.fill("crm-1", "[data-testid=agency-name-input]", "Half typed");
    app.close_window("crm-1");
    let moved = Instant::now();
    wait_for("the modal to move to crm-2", PATIENCE, || {
        Ok(app.shows("crm-2", "agency-modal").then_some(()))
    })
    .unwrap();
    assert!(
        moved.elapsed() < Duration::from_secs(1),
        "moved in {:?}",
        moved.elapsed()
    );
    assert!(!app.shows("crm-3", "agency-modal"));
    assert!(app.shows("crm-3", "modal-waiting"));
    assert_eq!(
        app.value("crm-2", "[data-testid=agency-name-input]")
            .as_deref(),
        Some("")
    );

    // Created and chosen in crm-2: every window works in it, and no one asks.
    app.fill("crm-2", "[data-testid=agency-name-input]", "Sunrise Realty");
    app.click("crm-2", "[data-testid=agency-create]");
    for label in ["crm-2", "crm-3"] {
        wait_text(&app, label, "current-agency", "Sunrise Realty");
        wait_for(&format!("{label} to stop asking"), PATIENCE, || {
            Ok(
                (!app.shows(label, "modal-waiting") && !app.shows(label, "agency-modal"))
                    .then_some(()),
            )
        })
        .unwrap();
    }
}

#[test]
fn selecting_an_agency_switches_every_window_and_its_contacts() {
    let app = App::launch("agency-switch");
    app.open_window_from("crm-1");
    app.open_window_from("crm-1");
    let acme = app.select_new_agency("crm-1", "Acme");
    for label in WINDOWS {
        wait_text(&app, label, "current-agency", "Acme");
    }

    // Added through crm-2's form; listed in every window.
    app.click("crm-2", "[data-testid=contact-new]");
    app.fill("crm-2", "[data-testid=contact-name]", "Ada Lovelace");
    app.fill("crm-2", "[data-testid=contact-email]", "ada@example.com");
    app.click("crm-2", "[data-testid=contact-save]");
    for label in WINDOWS {
        wait_text(&app, label, "contact-count", "1");
        wait_for(&format!("{label} to list Ada"), PATIENCE, || {
            let names = app.execute(
                label,
                "return [...document.querySelectorAll('[data-testid=contact-row] .contact-name')].map(e => e.textContent);",
                json!([]),
            );
            Ok((names == json!(["Ada Lovelace"])).then_some(()))
        })
        .unwrap();
    }

    // The keyboard opens it too: the list focused, Down, then Enter.
    app.execute(
        "crm-1",
        "document.querySelector('[data-testid=contact-list]').focus(); return true;",
        json!([]),
    );
    app.focus_driver_on("crm-1");
    app.driver.press(&[], ARROW_DOWN).unwrap();
    app.driver.press(&[], ENTER).unwrap();
    wait_shows(&app, "crm-1", "contact-editor");
    assert_fits(&app, "crm-1", "with the contact editor open");
    assert_eq!(
        app.value("crm-1", "[data-testid=contact-email]").as_deref(),
        Some("ada@example.com")
    );
    app.click("crm-1", "[data-testid=contact-close]");

    // Switched from crm-3 through the switcher: every window follows, and
    // shows the new agency's (empty) list.
    let globex = app
        .invoke("crm-3", "agency_create", json!({ "name": "Globex" }))
        .unwrap();
    app.click("crm-3", "[data-testid=agency-switch]");
    wait_for("the switcher to list Globex", PATIENCE, || {
        Ok(app
            .shows("crm-3", "agency-switcher")
            .then(|| {
                app.execute(
                    "crm-3",
                    "return !!document.querySelector(`[data-agency-id='${arguments[0]}']`);",
                    json!([globex["id"]]),
                ) == json!(true)
            })
            .filter(|listed| *listed))
    })
    .unwrap();
    app.click(
        "crm-3",
        &format!("[data-agency-id='{}']", globex["id"].as_str().unwrap()),
    );
    for label in WINDOWS {
        wait_text(&app, label, "current-agency", "Globex");
        wait_text(&app, label, "contact-count", "0");
    }
    assert!(
        !app.shows("crm-3", "agency-switcher"),
        "the switcher closed"
    );
    // A save still aimed at Acme is refused.
    let refused = app
        .invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "name": "Late", "agencyId": acme["id"] } }),
        )
        .unwrap_err();
    assert_eq!(refused["code"], "conflict");
}

#[test]
fn two_windows_editing_one_contact_meet_exactly_one_conflict_and_lose_nothing() {
    let app = App::launch("agency-conflict");
    app.open_window_from("crm-1");
    app.select_new_agency("crm-1", "Acme");
    let grace = app
        .invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "name": "Grace Hopper" } }),
        )
        .unwrap();
    let row = format!(
        "[data-testid=contact-row][data-id='{}']",
        grace["id"].as_str().unwrap()
    );
    for label in ["crm-1", "crm-2"] {
        wait_for(&format!("{label} to list Grace"), PATIENCE, || {
            Ok(app.shows(label, "contact-row").then_some(()))
        })
        .unwrap();
        app.click(label, &row);
        wait_shows(&app, label, "contact-editor");
    }
    // Both edit; crm-1 saves first.
    app.fill("crm-2", "[data-testid=contact-company]", "US Navy");
    app.fill("crm-1", "[data-testid=contact-phone]", "+1 555 0100");
    app.click("crm-1", "[data-testid=contact-save]");
    wait_for("crm-1's save", PATIENCE, || {
        Ok((!app.shows("crm-1", "contact-editor")).then_some(()))
    })
    .unwrap();
    // crm-2's save meets the conflict, and keeps what was typed.
    app.click("crm-2", "[data-testid=contact-save]");
    wait_shows(&app, "crm-2", "contact-conflict");
    assert!(!app.shows("crm-1", "contact-conflict"));
    assert_eq!(
        app.value("crm-2", "[data-testid=contact-company]")
            .as_deref(),
        Some("US Navy")
    );
    let stored = app
        .invoke("crm-2", "contact_get", json!({ "id": grace["id"] }))
        .unwrap();
    assert_eq!(
        (stored["version"].clone(), stored["phone"].clone()),
        (json!(2), json!("+1 555 0100")),
        "crm-1's save is kept"
    );
    // Overwriting is the user's choice, at the stored version.
    app.click("crm-2", "[data-testid=conflict-overwrite]");
    wait_for("crm-2's overwrite", PATIENCE, || {
        Ok((!app.shows("crm-2", "contact-editor")).then_some(()))
    })
    .unwrap();
    let stored = app
        .invoke("crm-1", "contact_get", json!({ "id": grace["id"] }))
        .unwrap();
    assert_eq!(
        (
            stored["version"].clone(),
            stored["company"].clone(),
            stored["updatedBy"].clone()
        ),
        (json!(3), json!("US Navy"), json!("crm-2"))
    );
}

/// The titles of the X windows whose title matches `pattern`.
fn window_titles(pattern: &str) -> Vec<String> {
    axolop_e2e::x_windows(pattern)
        .iter()
        .map(|id| axolop_e2e::x_window_title(id))
        .collect()
}

#[test]
fn window_titles_name_the_agency_and_the_window_number() {
    let app = App::launch("titles");
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    assert!(
        window_titles(r"^Axolop CRM \(2\)$").len() == 1,
        "no agency yet: {:?}",
        window_titles("Axolop CRM")
    );
    let agency = app
        .invoke("crm-1", "agency_create", json!({ "name": "Acme Realty" }))
        .unwrap();
    app.invoke(
        "crm-2",
        "agency_select",
        json!({ "agencyId": agency["id"] }),
    )
    .unwrap();
    let titles = wait_for("the titles to name the agency", PATIENCE, || {
        let mut titles = window_titles(r"^Acme Realty — Axolop CRM \([12]\)$");
        titles.sort();
        Ok((titles.len() == 2).then_some(titles))
    })
    .unwrap();
    assert_eq!(
        titles,
        [
            "Acme Realty — Axolop CRM (1)",
            "Acme Realty — Axolop CRM (2)"
        ]
    );
}
