//! The release pipeline as committed: the two GitHub workflows, the bundle
//! metadata every installer is built from, and the version every release
//! is tagged with. GitHub Actions cannot run here, so these tests check
//! what can go wrong before a tag is pushed: a matrix that lost a platform,
//! a release that would publish without review, an action that is not
//! pinned, a secret in reach of a compiler or of a step that does not sign,
//! installers that would go out without checksums or provenance, a secret
//! the docs do not explain, an icon the bundler cannot find, a version that
//! disagrees.
//!
//! The pipeline's rules are checks in `release/workflow_rules.rs` and
//! `release/secret_rules.rs`, run here on the committed workflows;
//! `release/broken_copies.rs` shows that each fails on a workflow that
//! breaks it, and says which rule and which job and step.

#[path = "release/broken_copies.rs"]
mod broken_copies;
#[path = "release/secret_rules.rs"]
mod secret_rules;
#[path = "release/workflow.rs"]
mod workflow;
#[path = "release/workflow_rules.rs"]
mod workflow_rules;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use axolop_e2e::package::{self, VERSION};
use serde_json::Value;
use yaml_rust2::Yaml;

use workflow::Workflow;
use workflow_rules as rules;

/// The text of `.github/workflows/<name>`.
fn workflow_text(name: &str) -> String {
    let path = package::repository().join(".github/workflows").join(name);
    std::fs::read_to_string(path).expect("workflow file")
}

/// `.github/workflows/<name>`, parsed.
fn workflow(name: &str) -> Workflow {
    Workflow::parse(&workflow_text(name))
}

/// Fails with every place that breaks a rule, one a line.
fn assert_kept(workflow: &str, broken: Vec<String>) {
    assert!(broken.is_empty(), "{workflow}:\n{}", broken.join("\n"));
}

fn text(value: &Yaml) -> &str {
    value.as_str().unwrap_or_default()
}

/// Every step of every job, with the job's name.
fn steps(workflow: &Yaml) -> Vec<(String, Yaml)> {
    let jobs = workflow["jobs"].as_hash().expect("jobs");
    jobs.iter()
        .flat_map(|(name, job)| {
            let name = text(name).to_owned();
            job["steps"]
                .as_vec()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |step| (name.clone(), step))
        })
        .collect()
}

fn tauri_config() -> Value {
    let path = package::repository().join("tauri.conf.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("tauri.conf.json"))
        .expect("tauri.conf.json is JSON")
}

#[test]
fn ci_runs_the_test_suite_on_ubuntu() {
    let ci = workflow("ci.yml");
    let ci = ci.doc();
    let on = &ci["on"];
    assert!(!on["push"].is_badvalue() && !on["pull_request"].is_badvalue());
    let test = &ci["jobs"]["test"];
    assert!(text(&test["runs-on"]).starts_with("ubuntu-"));
    let minutes = test["timeout-minutes"].as_i64().expect("a timeout");
    assert!((1..=90).contains(&minutes), "timeout {minutes} min");
    let runs: Vec<String> = steps(ci)
        .iter()
        .map(|(_, step)| text(&step["run"]).to_owned())
        .collect();
    assert!(
        runs.iter().any(|run| run.trim() == "bash .ci/run"),
        "{runs:?}"
    );
}

#[test]
fn release_builds_every_installer_into_a_draft_on_a_version_tag() {
    let release = workflow("release.yml");
    let release = release.doc();
    let tags: Vec<&str> = release["on"]["push"]["tags"]
        .as_vec()
        .expect("tag trigger")
        .iter()
        .map(text)
        .collect();
    assert_eq!(tags, ["v*"]);
    assert!(release["on"]["push"]["branches"].is_badvalue(), "tags only");

    let installers = &release["jobs"]["installers"];
    assert_eq!(
        text(&installers["needs"]),
        "draft",
        "the tag is checked and one draft made before any build"
    );
    let matrix: BTreeSet<(String, String)> = installers["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("matrix include")
        .iter()
        .map(|entry| {
            (
                text(&entry["platform"]).to_owned(),
                text(&entry["args"]).to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("ubuntu-22.04", "--bundles deb,rpm,appimage"),
        ("windows-latest", "--bundles msi,nsis"),
        (
            "macos-latest",
            "--target aarch64-apple-darwin --bundles app,dmg",
        ),
        (
            "macos-latest",
            "--target x86_64-apple-darwin --bundles app,dmg",
        ),
    ]
    .iter()
    .map(|(platform, args)| (platform.to_string(), args.to_string()))
    .collect();
    assert_eq!(matrix, expected);

    let steps = steps(release);
    // Every OS bundles what its matrix entry asks for, and only its own OS.
    let bundles: Vec<&Yaml> = steps
        .iter()
        .filter(|(_, step)| text(&step["run"]).contains("tauri bundle"))
        .map(|(_, step)| step)
        .collect();
    let oses: BTreeSet<&str> = bundles.iter().map(|step| text(&step["if"])).collect();
    let expected_oses: BTreeSet<&str> = [
        "runner.os == 'Linux'",
        "runner.os == 'macOS'",
        "runner.os == 'Windows'",
    ]
    .into();
    assert_eq!(oses, expected_oses, "one bundling step per OS");
    for step in &bundles {
        assert_eq!(text(&step["env"]["BUNDLE_ARGS"]), "${{ matrix.args }}");
    }
    // The macOS targets are installed before they are built.
    let toolchain = steps
        .iter()
        .find(|(_, step)| text(&step["name"]) == "Rust toolchain")
        .map(|(_, step)| step)
        .expect("a Rust toolchain step");
    assert_eq!(text(&toolchain["env"]["TARGET"]), "${{ matrix.target }}");
    assert!(text(&toolchain["run"]).contains("rustup target add \"$TARGET\""));

    // One draft, made by the first job; the installers go into it and
    // nowhere else, and never into a release someone already published.
    let draft_job = &release["jobs"]["draft"];
    assert_eq!(
        text(&draft_job["outputs"]["id"]),
        "${{ steps.draft.outputs.id }}"
    );
    let job_runs = |job: &str| -> Vec<String> {
        steps
            .iter()
            .filter(|(name, _)| name == job)
            .map(|(_, step)| text(&step["run"]).to_owned())
            .collect()
    };
    let draft_runs = job_runs("draft");
    assert!(
        draft_runs.iter().any(|run| run.contains("-F draft=true")),
        "the draft job creates a draft release"
    );
    assert!(
        draft_runs
            .iter()
            .any(|run| run.contains("scripts/version.sh check")),
        "{draft_runs:?}"
    );
    let upload = steps
        .iter()
        .find(|(_, step)| text(&step["run"]).contains("gh release upload"))
        .map(|(_, step)| step)
        .expect("an upload step");
    assert_eq!(
        text(&upload["env"]["RELEASE_ID"]),
        "${{ needs.draft.outputs.id }}"
    );
    assert!(
        text(&upload["run"]).contains("\"$RELEASE_ID true\""),
        "only into the draft"
    );
    assert!(!job_runs("publish")
        .iter()
        .any(|run| run.contains("--draft=false")));
}

/// The release's update manifest step, run as the workflow runs it, on the
/// update signatures the bundle steps leave: `latest.json` names, for each
/// platform and package kind, where its update is and its signature.
#[test]
fn signed_updates_are_published_with_a_manifest_of_every_platform() {
    let release = workflow("release.yml");
    let steps = steps(release.doc());
    let run_of = |name: &str| {
        steps
            .iter()
            .find(|(_, step)| text(&step["name"]) == name)
            .map(|(job, step)| (job.clone(), text(&step["run"]).to_owned()))
            .unwrap_or_else(|| panic!("a step named {name:?}"))
    };
    let (job, manifest) = run_of("Update manifest (latest.json)");
    assert_eq!(job, "publish");
    let bundling = steps
        .iter()
        .filter(|(_, step)| text(&step["run"]).contains("tauri bundle"))
        .filter(|(_, step)| text(&step["run"]).contains("createUpdaterArtifacts"))
        .count();
    assert_eq!(bundling, 3, "every OS signs its updates with the key");
    let (_, upload) = run_of("Upload to the draft release");
    assert!(
        upload.contains("updater/*"),
        "the update files are uploaded"
    );

    let dir = tempfile::tempdir().unwrap();
    let updater = dir.path().join("updater");
    std::fs::create_dir(&updater).unwrap();
    let files = [
        "Axolop.CRM_0.2.0_amd64.AppImage",
        "Axolop.CRM_0.2.0_amd64.deb",
        "Axolop.CRM-0.2.0-1.x86_64.rpm",
        "Axolop.CRM_0.2.0_x64_en-US.msi",
        "Axolop.CRM_0.2.0_x64-setup.exe",
        "Axolop.CRM_macos-aarch64.app.tar.gz",
        "Axolop.CRM_macos-x86_64.app.tar.gz",
    ];
    for file in files {
        std::fs::write(
            updater.join(format!("{file}.sig")),
            format!("sig-of-{file}\n"),
        )
        .unwrap();
    }
    let ran = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &manifest])
        .current_dir(dir.path())
        .env("TAG", "v0.2.0")
        .env("GITHUB_REPOSITORY", "axolop/axolop-desktop")
        .output()
        .expect("bash");
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let latest: Value =
        serde_json::from_str(&std::fs::read_to_string(updater.join("latest.json")).unwrap())
            .unwrap();
    assert_eq!(latest["version"], "0.2.0");
    let base = "https://github.com/axolop/axolop-desktop/releases/download/v0.2.0";
    for (platform, file) in [
        ("linux-x86_64", files[0]),
        ("linux-x86_64-appimage", files[0]),
        ("linux-x86_64-deb", files[1]),
        ("linux-x86_64-rpm", files[2]),
        ("windows-x86_64-msi", files[3]),
        ("windows-x86_64", files[4]),
        ("darwin-aarch64", files[5]),
        ("darwin-x86_64", files[6]),
    ] {
        let entry = &latest["platforms"][platform];
        assert_eq!(entry["url"], format!("{base}/{file}"), "{platform}");
        assert_eq!(entry["signature"], format!("sig-of-{file}"), "{platform}");
    }

    // The app trusts one key, and looks where the release puts the manifest.
    let config = tauri_config();
    let updater = &config["plugins"]["updater"];
    assert!(updater["pubkey"]
        .as_str()
        .is_some_and(|key| key.len() > 100));
    assert!(updater["endpoints"][0]
        .as_str()
        .is_some_and(|url| url.ends_with("/releases/latest/download/latest.json")));
    assert!(
        updater["dangerousInsecureTransportProtocol"].is_null(),
        "https only"
    );
}

#[test]
fn every_third_party_action_is_pinned_to_a_full_commit_with_its_version() {
    for name in ["release.yml", "ci.yml"] {
        assert_kept(name, rules::unpinned_actions(&workflow(name)));
    }
}

#[test]
fn an_action_has_one_pin_across_both_workflows() {
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    for name in ["release.yml", "ci.yml"] {
        for (action, commit, version) in rules::pins(&workflow(name)) {
            let pin = (commit, version);
            let first = seen.entry(action.clone()).or_insert_with(|| pin.clone());
            assert_eq!(*first, pin, "{name}: {action} is pinned to two commits");
        }
    }
    assert!(seen.len() >= 5, "{seen:?}");
}

#[test]
fn the_workflows_grant_no_permission_and_every_job_names_its_own() {
    for name in ["release.yml", "ci.yml"] {
        assert_kept(name, rules::permission_violations(&workflow(name)));
    }
    let release = workflow("release.yml");
    assert!(
        release.doc()["permissions"]
            .as_hash()
            .is_some_and(|permissions| permissions.is_empty()),
        "release.yml: `permissions: {{}}`"
    );
}

#[test]
fn signing_secrets_reach_only_the_env_of_the_steps_that_bundle_and_sign() {
    for name in ["release.yml", "ci.yml"] {
        assert_kept(name, secret_rules::misplaced_secrets(&workflow(name)));
    }
}

#[test]
fn the_app_is_compiled_with_no_secret_in_reach_before_it_is_bundled() {
    assert_kept(
        "release.yml",
        secret_rules::compile_violations(&workflow("release.yml")),
    );
}

#[test]
fn nothing_is_written_to_github_env_and_no_secret_to_any_runner_file() {
    for name in ["release.yml", "ci.yml"] {
        assert_kept(name, secret_rules::runner_file_violations(&workflow(name)));
    }
}

#[test]
fn unset_signing_secrets_never_reach_the_bundler_as_empty_variables() {
    assert_kept(
        "release.yml",
        secret_rules::empty_signing_variables(&workflow("release.yml")),
    );
}

#[test]
fn sha256sums_of_the_installers_is_uploaded_with_them() {
    assert_kept(
        "release.yml",
        rules::checksum_violations(&workflow("release.yml")),
    );
}

#[test]
fn the_installers_are_attested_by_the_job_that_uploads_them() {
    assert_kept(
        "release.yml",
        rules::provenance_violations(&workflow("release.yml")),
    );
}

#[test]
fn every_secret_the_release_uses_is_documented_and_none_is_committed() {
    let repository = package::repository();
    let release =
        std::fs::read_to_string(repository.join(".github/workflows/release.yml")).expect("release");
    let docs = std::fs::read_to_string(repository.join("docs/RELEASING.md")).expect("docs");
    let secrets: BTreeSet<&str> = release
        .split("secrets.")
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .filter(|name| *name != "GITHUB_TOKEN")
        .collect();
    assert!(secrets.len() >= 8, "{secrets:?}");
    for secret in &secrets {
        assert!(
            docs.contains(&format!("`{secret}`")),
            "docs/RELEASING.md does not explain {secret}"
        );
    }
    // Signing material never sits in the repository.
    let config = tauri_config();
    assert!(config["bundle"]["windows"]["certificateThumbprint"].is_null());
    assert!(config["bundle"]["macOS"]["signingIdentity"].is_null());
    // Without a certificate, macOS builds are signed ad hoc.
    let macos: Value = serde_json::from_str(
        &std::fs::read_to_string(repository.join("tauri.macos.conf.json")).expect("macOS config"),
    )
    .expect("tauri.macos.conf.json is JSON");
    assert_eq!(macos["bundle"]["macOS"]["signingIdentity"], "-");
    for leaked in [
        "BEGIN PRIVATE KEY",
        "BEGIN ENCRYPTED PRIVATE KEY",
        "untrusted comment:",
    ] {
        assert!(!release.contains(leaked));
    }
}

#[test]
fn bundle_metadata_is_complete_and_every_icon_exists() {
    let config = tauri_config();
    assert_eq!(config["productName"], "Axolop CRM");
    assert_eq!(config["identifier"], "com.axolop.crm.desktop");
    assert_eq!(config["mainBinaryName"], "axolop-desktop");
    assert!(
        config["version"].is_null(),
        "the version comes from Cargo.toml alone"
    );
    let bundle = &config["bundle"];
    for field in [
        "publisher",
        "copyright",
        "license",
        "homepage",
        "category",
        "shortDescription",
        "longDescription",
    ] {
        let value = bundle[field].as_str().unwrap_or_default();
        assert!(!value.trim().is_empty(), "bundle.{field} is missing");
    }
    assert_eq!(bundle["license"], env!("CARGO_PKG_LICENSE"));

    let repository = package::repository();
    let icons: Vec<&str> = bundle["icon"]
        .as_array()
        .expect("bundle.icon")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for icon in &icons {
        assert!(
            repository.join(icon).is_file(),
            "{icon} is listed but missing"
        );
    }
    // Tauri embeds the first PNG as every window's icon on Linux (as raw
    // pixels): big enough for docks and task switchers, small enough to
    // carry in the binary.
    let window_icon = icons
        .iter()
        .find(|icon| icon.ends_with(".png"))
        .expect("a PNG icon");
    let png = std::fs::read(repository.join(window_icon)).expect("window icon");
    assert_eq!(
        package::png_size(&png),
        Some((128, 128)),
        "window icon {window_icon}"
    );
    for needed in [".ico", ".icns"] {
        assert!(
            icons.iter().any(|icon| icon.ends_with(needed)),
            "no {needed} icon"
        );
    }
    for file in [
        bundle["licenseFile"].as_str().expect("licenseFile"),
        bundle["linux"]["deb"]["desktopTemplate"]
            .as_str()
            .expect("deb desktop template"),
        bundle["linux"]["rpm"]["desktopTemplate"]
            .as_str()
            .expect("rpm desktop template"),
    ] {
        assert!(repository.join(file).is_file(), "{file} is missing");
    }

    // A plain `npx tauri build` on Linux makes only what builds offline.
    let linux: Value = serde_json::from_str(
        &std::fs::read_to_string(repository.join("tauri.linux.conf.json")).expect("linux config"),
    )
    .expect("tauri.linux.conf.json is JSON");
    assert_eq!(
        linux["bundle"]["targets"],
        serde_json::json!(["deb", "rpm"])
    );
    assert_eq!(bundle["targets"], "all", "every installer elsewhere");

    // The MSI upgrade code: a GUID that must never change between releases.
    let upgrade = bundle["windows"]["wix"]["upgradeCode"]
        .as_str()
        .expect("upgradeCode");
    let groups: Vec<usize> = upgrade.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{upgrade}");
    assert!(upgrade.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
}

#[test]
fn version_script_accepts_only_the_tag_of_the_cargo_version() {
    // A copy of what the script reads and writes, so that even a broken
    // script cannot touch the working tree.
    let repository = package::repository();
    let dir = tempfile::Builder::new()
        .prefix("axolop-version-")
        .tempdir()
        .expect("copy");
    let copy = dir.path();
    std::fs::create_dir_all(copy.join("scripts")).expect("copy");
    for file in ["scripts/version.sh", "Cargo.toml", "package.json"] {
        std::fs::copy(repository.join(file), copy.join(file)).expect("copy");
    }
    let run = |args: &[&str]| {
        Command::new("bash")
            .arg(copy.join("scripts/version.sh"))
            .args(args)
            .output()
            .expect("bash")
    };
    let printed = run(&[]);
    assert_eq!(String::from_utf8_lossy(&printed.stdout).trim(), VERSION);

    assert!(run(&["check", &format!("v{VERSION}")]).status.success());
    for wrong in [
        VERSION.to_owned(),
        format!("v{VERSION}.1"),
        "v0.0.0-0".to_owned(),
    ] {
        let refused = run(&["check", &wrong]);
        assert!(!refused.status.success(), "{wrong} accepted");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("does not match"));
    }
    // Versions an MSI cannot carry are refused before anything is written.
    for bad in [
        "1.0.0-beta.1",
        "1.0",
        "01.2.3",
        "1.0.0-70000",
        "256.0.0",
        "1.256.0",
        "1.0.65536",
    ] {
        let refused = run(&["set", bad]);
        assert_eq!(refused.status.code(), Some(2), "{bad} accepted");
    }
    let cargo = std::fs::read(copy.join("Cargo.toml")).expect("Cargo.toml");
    assert_eq!(
        cargo,
        std::fs::read(repository.join("Cargo.toml")).expect("Cargo.toml")
    );
}
