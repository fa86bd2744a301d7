//! A CRM window shows only the app's own pages: a page that sets
//! `location` to another site, submits a form to one, or calls
//! `window.open` stays on the app, and no window opens.

use std::time::Duration;

use axolop_e2e::App;
use serde_json::json;

/// Whether window `label` still shows the app (its page labels itself).
fn on_the_app(app: &App, label: &str) -> bool {
    app.execute(
        label,
        "return document.documentElement.dataset.windowLabel === arguments[0]
           && location.protocol !== 'https:' && location.hostname !== 'example.com';",
        json!([label]),
    ) == json!(true)
}

#[test]
fn a_page_cannot_take_its_window_elsewhere_nor_open_another() {
    let app = App::launch("navigation");
    let attempts = [
        "location.href = 'https://example.com/'; return true;",
        "const form = document.createElement('form');
         form.action = 'https://example.com/collect'; form.method = 'post';
         document.body.append(form); form.submit(); return true;",
        "return window.open('https://example.com/') === null;",
        "location.assign('file:///etc/hostname'); return true;",
    ];
    for attempt in attempts {
        let _ = app.driver.execute(attempt, json!([]));
        std::thread::sleep(Duration::from_millis(800));
        assert!(on_the_app(&app, "crm-1"), "left the app after: {attempt}");
        assert_eq!(app.labels(), ["crm-1"], "after: {attempt}");
        assert_eq!(
            app.driver.handles().unwrap().len(),
            1,
            "a window opened after: {attempt}"
        );
    }
    // The app's own navigation still works: a reload comes back.
    app.execute("crm-1", "location.reload(); return true;", json!([]));
    app.wait_ready("crm-1");
    assert!(on_the_app(&app, "crm-1"));
}
