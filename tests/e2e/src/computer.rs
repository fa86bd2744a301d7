//! Computers sharing a Supabase project: app instances in Supabase mode
//! against a test [`Project`], each in a D-Bus session, display and data
//! directory of its own ([`App::launch_device`]).

use std::path::Path;

use axolop_postgrest::Project;
use serde_json::{json, Value};

use crate::{wait_for, App, PATIENCE};

impl App {
    /// A new computer for `test`, using `project`, nobody signed in yet.
    pub fn launch_computer(test: &str, project: &Project) -> App {
        let url = project.url();
        App::launch_device(test, &settings(&url, project))
    }

    /// The computer whose data directory is `dir`, started again.
    pub fn launch_computer_in(dir: &Path, project: &Project) -> App {
        let url = project.url();
        App::launch_device_in(dir, &settings(&url, project))
    }

    /// Signs `email` in from `crm-1`, once the app asks for a sign-in.
    pub fn sign_in_as(&self, email: &str, password: &str) {
        wait_for(&format!("{email}'s sign-in"), PATIENCE, || {
            Ok(self
                .invoke(
                    "crm-1",
                    "session_sign_in",
                    json!({ "email": email, "password": password }),
                )
                .ok())
        })
        .unwrap();
    }

    /// Creates agency `name` from `crm-1` and selects it; answers it as
    /// `agency_create` did.
    pub fn create_agency(&self, name: &str) -> Value {
        let agency = self
            .invoke("crm-1", "agency_create", json!({ "name": name }))
            .unwrap();
        self.invoke(
            "crm-1",
            "agency_select",
            json!({ "agencyId": agency["id"] }),
        )
        .unwrap();
        agency
    }

    /// Selects `agency` (as `agency_create` answered it) once this
    /// computer has it from the server.
    pub fn select_when_synced(&self, agency: &Value) {
        wait_for("the agency from the server", PATIENCE, || {
            Ok(self
                .invoke(
                    "crm-1",
                    "agency_select",
                    json!({ "agencyId": agency["id"] }),
                )
                .ok())
        })
        .unwrap();
    }
}

/// The settings that point an app at `project`, whose URL is `url`.
fn settings<'a>(url: &'a str, project: &Project) -> [(&'static str, &'a str); 2] {
    [
        ("AXOLOP_SUPABASE_URL", url),
        ("AXOLOP_SUPABASE_ANON_KEY", project.anon_key()),
    ]
}
