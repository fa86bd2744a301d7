//! A CRM window shows only the app's own pages: a page that sets
//! `location` to another site, submits a form to one, or calls
//! `window.open` stays on the app, and no window opens; a link the user
//! clicks opens in the system browser.

use std::os::unix::fs::PermissionsExt;
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

#[test]
fn a_clicked_link_opens_in_the_browser_and_the_window_stays() {
    // The system browser, as the opener finds it on Linux: `xdg-open` on
    // the PATH. This one notes the link it was asked to open.
    let browser = tempfile::tempdir().unwrap();
    let opened = browser.path().join("opened");
    let xdg_open = browser.path().join("xdg-open");
    std::fs::write(
        &xdg_open,
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$AXOLOP_TEST_OPENED\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&xdg_open, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        browser.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let app = App::launch_with(
        "links",
        &[
            ("PATH", &path),
            ("AXOLOP_TEST_OPENED", opened.to_str().unwrap()),
        ],
    );
    for (id, target) in [("plain", ""), ("blank", "_blank")] {
        app.execute(
            "crm-1",
            "const link = document.createElement('a');
             link.href = 'https://example.com/docs?from=' + arguments[0];
             link.id = arguments[0]; link.target = arguments[1];
             link.textContent = 'Read the docs';
             document.body.append(link); return true;",
            json!([id, target]),
        );
        app.click("crm-1", &format!("#{id}"));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let wanted = "https://example.com/docs?from=plain\nhttps://example.com/docs?from=blank\n";
    while std::fs::read_to_string(&opened).unwrap_or_default() != wanted
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(std::fs::read_to_string(&opened).unwrap_or_default(), wanted);
    assert!(on_the_app(&app, "crm-1"));
    assert_eq!(app.labels(), ["crm-1"]);
    assert_eq!(app.driver.handles().unwrap().len(), 1);
}
