//! The diagnostic report, end to end: saved from the diagnostics window by
//! a signed-in user with contacts, it holds what support needs and no
//! token, password, email address or contact data.

use std::io::Read;

use axolop_e2e::{wait_for, App, PATIENCE};
use axolop_postgrest::Project;
use serde_json::json;

const PASSWORD: &str = "report-password-51c9";
const EMAIL: &str = "ada@example.com";

#[test]
fn the_diagnostic_report_holds_no_credential_email_or_contact() {
    let project = Project::start();
    project.add_user(EMAIL, PASSWORD);
    let app = App::launch_computer("report", &project);
    app.sign_in_as(EMAIL, PASSWORD);
    let agency = app.create_agency("Acme");
    let contact = json!({
        "agencyId": agency["id"],
        "name": "Grace Hopper",
        "email": "grace@navy.example",
        "phone": "+1 555 0100",
        "company": "Harvard Mark I",
        "notes": "Met at the compiler conference",
    });
    app.invoke("crm-1", "contact_save", json!({ "contact": contact }))
        .unwrap();

    app.open_diagnostics_from("crm-1");
    app.click("diagnostics", "[data-testid=report-save]");
    let status = wait_for("the report to be saved", PATIENCE, || {
        let status = app.text("diagnostics", "report-status").unwrap_or_default();
        Ok(status.contains("saved to").then_some(status))
    })
    .unwrap();
    let path = status.split("saved to ").nth(1).unwrap().trim().to_owned();
    let bytes = std::fs::read(&path).expect("the saved report");
    std::fs::remove_file(&path).unwrap();

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut entries = std::collections::BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        entries.insert(entry.name().to_owned(), text);
    }
    for name in [
        "README.txt",
        "diagnostics.json",
        "self-test.json",
        "versions.json",
        "settings.json",
        "logs/axolop-desktop.log",
    ] {
        assert!(entries.contains_key(name), "{name} in {:?}", entries.keys());
    }
    assert!(entries["logs/axolop-desktop.log"].contains("signed in"));
    assert!(entries["settings.json"].contains(&project.url()));
    let diagnostics: serde_json::Value =
        serde_json::from_str(&entries["diagnostics.json"]).unwrap();
    assert_eq!(
        diagnostics["coordination"]["session"]["status"], "signed-in",
        "the session's state is there, without its user"
    );

    let mut secrets: Vec<String> = project.gotrue.issued_tokens();
    assert!(!secrets.is_empty(), "the test server issued tokens");
    secrets.extend(
        [
            PASSWORD,
            EMAIL,
            project.anon_key(),
            "Grace Hopper",
            "grace@navy.example",
            "+1 555 0100",
            "Harvard Mark I",
            "Met at the compiler conference",
        ]
        .map(str::to_owned),
    );
    for (name, text) in &entries {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{name} holds {secret:?}");
        }
    }
}
