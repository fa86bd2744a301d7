//! Windows come back: three windows at distinct sizes and places reopen as
//! they were, after SIGKILL and after a normal quit; a window on a screen
//! that is gone comes back onto the one there is.

use std::process::Command;
use std::time::Duration;

use axolop_e2e::{fresh_data_dir, wait_for, wait_until_ended, App, PATIENCE};
use serde_json::json;

/// The X window of CRM window `number`.
fn x_window(number: u32) -> String {
    wait_for(&format!("the X window of crm-{number}"), PATIENCE, || {
        Ok(
            axolop_e2e::x_windows(&format!("Axolop CRM \\({number}\\)$"))
                .into_iter()
                .next(),
        )
    })
    .unwrap()
}

/// Where CRM window `number` is and how big: x, y, width, height.
fn geometry(number: u32) -> (i64, i64, i64, i64) {
    let shown = Command::new("xdotool")
        .args(["getwindowgeometry", "--shell", &x_window(number)])
        .output()
        .expect("xdotool");
    let text = String::from_utf8_lossy(&shown.stdout).into_owned();
    let value = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in {text}"))
    };
    (value("X"), value("Y"), value("WIDTH"), value("HEIGHT"))
}

fn place(number: u32, (x, y, width, height): (i64, i64, i64, i64)) {
    let window = x_window(number);
    for args in [
        vec![
            "windowsize".to_owned(),
            window.clone(),
            width.to_string(),
            height.to_string(),
        ],
        vec![
            "windowmove".to_owned(),
            window.clone(),
            x.to_string(),
            y.to_string(),
        ],
    ] {
        assert!(Command::new("xdotool")
            .args(&args)
            .status()
            .unwrap()
            .success());
    }
}

const PLACES: [(i64, i64, i64, i64); 3] = [
    (10, 10, 700, 500),
    (200, 120, 760, 540),
    (400, 240, 820, 580),
];

fn assert_placed(app: &App) {
    app.wait_for_labels(&["crm-1", "crm-2", "crm-3"]);
    for (index, expected) in PLACES.iter().enumerate() {
        let number = index as u32 + 1;
        wait_for(&format!("crm-{number} at its place"), PATIENCE, || {
            Ok((geometry(number) == *expected).then_some(()))
        })
        .unwrap_or_else(|error| panic!("{error}: crm-{number} is at {:?}", geometry(number)));
    }
    let snapshot = app
        .invoke("crm-1", "coordinator_snapshot", json!({}))
        .unwrap();
    assert_eq!(
        snapshot["primary"]["label"], "crm-1",
        "the oldest leads, as before"
    );
}

#[test]
fn three_windows_come_back_as_they_were_after_a_kill_and_after_a_quit() {
    let dir = fresh_data_dir("restore");
    {
        let app = App::launch_in(&dir, &[]);
        app.open_window_from("crm-1");
        app.open_window_from("crm-1");
        for (index, place_of) in PLACES.iter().enumerate() {
            place(index as u32 + 1, *place_of);
        }
        // Kept half a second after the last move.
        wait_for("the layout to be kept", PATIENCE, || {
            let kept = std::fs::read_to_string(dir.join("windows.json")).unwrap_or_default();
            Ok((kept.contains("\"x\": 400") && kept.contains("\"width\": 700")).then_some(()))
        })
        .unwrap();
        // Dropping the app kills it with SIGKILL.
    }
    let app = App::launch_in(&dir, &[]);
    assert_placed(&app);

    // File > Quit (Ctrl+Q), then start again.
    let pid = app.app_pid();
    app.type_keys("crm-2", "ctrl+q");
    wait_until_ended(pid).unwrap();
    drop(app);
    let app = App::launch_in(&dir, &[]);
    assert_placed(&app);
}

#[test]
fn a_window_on_a_screen_that_is_gone_comes_back_onto_this_one() {
    let dir = fresh_data_dir("restore-off-screen");
    std::fs::write(
        dir.join("windows.json"),
        r#"{"version": 1, "windows": [
            {"x": 5000, "y": 3000, "width": 640, "height": 480, "maximized": false, "zoom": 1.0}
        ]}"#,
    )
    .unwrap();
    let app = App::launch_in(&dir, &[]);
    app.wait_for_labels(&["crm-1"]);
    wait_for("crm-1 on the screen", PATIENCE, || {
        Ok((geometry(1) == (40, 40, 640, 480)).then_some(()))
    })
    .unwrap_or_else(|error| panic!("{error}: crm-1 is at {:?}", geometry(1)));
    std::thread::sleep(Duration::from_millis(10));
}
