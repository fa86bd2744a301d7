//! The UI follows the system's light or dark appearance.

use axolop_e2e::App;
use serde_json::json;

/// Whether window `label` sees a dark system, and its page's background.
fn appearance(app: &App, label: &str) -> (bool, String) {
    let seen = app.execute(
        label,
        "return [matchMedia('(prefers-color-scheme: dark)').matches,
                 getComputedStyle(document.documentElement).backgroundColor];",
        json!([]),
    );
    (
        seen[0].as_bool().unwrap_or_default(),
        seen[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn the_ui_is_light_on_a_light_system_and_dark_on_a_dark_one() {
    let light = App::launch("appearance-light");
    assert_eq!(
        appearance(&light, "crm-1"),
        (false, "rgb(250, 249, 252)".to_owned())
    );
    drop(light);
    // GTK's own switch for a dark system, as a dark desktop theme sets it.
    let dark = App::launch_with("appearance-dark", &[("GTK_THEME", "Adwaita:dark")]);
    assert_eq!(
        appearance(&dark, "crm-1"),
        (true, "rgb(21, 20, 27)".to_owned())
    );
}
