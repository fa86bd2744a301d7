use axolop_e2e::App;
use axolop_postgrest::{Fault, Project};
use serde_json::json;

#[test]
fn shot() {
    let project = Project::start();
    project.add_user("ada@example.com", "e2e-password-7b1c");
    let url = project.url();
    let app = App::launch_with(
        "shot",
        &[
            ("AXOLOP_SUPABASE_URL", &url),
            ("AXOLOP_SUPABASE_ANON_KEY", project.anon_key()),
            ("AXOLOP_SECRET_STORE", "memory"),
        ],
    );
    std::thread::sleep(std::time::Duration::from_secs(2));
    app.invoke(
        "crm-1",
        "session_sign_in",
        json!({"email": "ada@example.com", "password": "e2e-password-7b1c"}),
    )
    .unwrap();
    let agency = app
        .invoke("crm-1", "agency_create", json!({"name": "Acme"}))
        .unwrap();
    app.invoke("crm-1", "agency_select", json!({"agencyId": agency["id"]}))
        .unwrap();
    for name in ["Grace Hopper", "Ada Lovelace"] {
        app.invoke("crm-1", "contact_save", json!({"contact": {"name": name}}))
            .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    std::process::Command::new("import")
        .args(["-window", "root", "/tmp/w/online.png"])
        .status()
        .unwrap();
    project.gateway.inject(Fault::Reset, 1_000_000);
    for n in 0..5 {
        app.invoke(
            "crm-1",
            "contact_save",
            json!({"contact": {"name": format!("Offline {n}")}}),
        )
        .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    std::process::Command::new("import")
        .args(["-window", "root", "/tmp/w/offline.png"])
        .status()
        .unwrap();
}
