//! The Linux packages users install: what the `.deb` and `.rpm` declare and
//! hold, that the installed binary starts to a ready window, that its
//! desktop entry is valid, matches its windows and opens `axolop:` links
//! with the running app, and that the icons are
//! the ones `tauri icon` makes from the one source image.
//!
//! The packages come from `npx tauri build --bundles deb,rpm` (a release
//! build), which `scripts/test.sh` runs first. The `.deb` is unpacked into a
//! directory of its own rather than installed with `dpkg -i`, so running the
//! tests changes nothing on the machine; `apt-get install --simulate`
//! checks that it would install here.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use axolop_e2e::package::{self, Unpacked};
use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::json;

/// The ceiling for the `.deb`: 15 MB.
const DEB_MAX_BYTES: u64 = 15_000_000;
/// The icon sizes the freedesktop hicolor theme should get.
const HICOLOR_SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];
const DESKTOP_ENTRY: &str = "/usr/share/applications/Axolop CRM.desktop";
/// Where each kind of package keeps the license, by its distribution's rules.
const DEB_COPYRIGHT: &str = "/usr/share/doc/axolop-crm/copyright";
const RPM_LICENSE: &str = "/usr/share/licenses/axolop-crm/LICENSE";

#[test]
fn deb_declares_name_version_dependencies_and_size() {
    let deb = package::deb();
    assert_eq!(package::deb_field(&deb, "Package"), "axolop-crm");
    assert_eq!(package::deb_field(&deb, "Version"), package::VERSION);
    assert_eq!(package::deb_field(&deb, "Architecture"), "amd64");
    assert_eq!(package::deb_field(&deb, "Homepage"), "https://axolop.com");
    assert_eq!(package::deb_field(&deb, "Section"), "office");
    assert!(
        package::deb_field(&deb, "Description").starts_with("Axolop CRM for the desktop"),
        "description"
    );

    let depends = package::dependencies(&package::deb_field(&deb, "Depends"));
    assert!(
        depends.iter().any(|name| name == "libwebkit2gtk-4.1-0"),
        "the .deb must depend on libwebkit2gtk-4.1-0, not {depends:?}"
    );
    let unique: BTreeSet<_> = depends.iter().collect();
    assert_eq!(
        unique.len(),
        depends.len(),
        "a dependency listed twice: {depends:?}"
    );

    let bytes = std::fs::metadata(&deb).expect("the .deb").len();
    assert!(
        bytes <= DEB_MAX_BYTES,
        "the .deb is {bytes} bytes, over the {DEB_MAX_BYTES} allowed"
    );
}

#[test]
fn deb_would_install_here_with_its_dependencies_met() {
    let deb = package::deb();
    // apt takes a local package by a path it can tell from a package name,
    // and the bundler's file name holds a space: give it a plain one.
    let plain = std::env::temp_dir().join(format!("axolop-{}.deb", std::process::id()));
    std::fs::copy(&deb, &plain).expect("copy the .deb");
    // Simulated: resolves Depends the way `apt install ./the.deb` would,
    // packages that provide a dependency included (Ubuntu 24.04's
    // libgtk-3-0t64 provides libgtk-3-0), and changes nothing.
    let (status, report) = package::verdict_of(
        Command::new("apt-get")
            .args(["install", "--simulate", "--no-install-recommends"])
            .arg(&plain),
    );
    let _ = std::fs::remove_file(&plain);
    assert!(
        status.success(),
        "the .deb would not install here: {report}"
    );
    // Only the app itself: every dependency is already on this machine.
    let installs: Vec<&str> = report
        .lines()
        .filter(|line| line.starts_with("Inst "))
        .collect();
    assert_eq!(installs.len(), 1, "{report}");
    assert!(installs[0].starts_with("Inst axolop-crm "), "{report}");
}

#[test]
fn deb_installs_the_binary_desktop_entry_and_hicolor_icons() {
    let deb = package::deb();
    let files = package::deb_files(&deb);
    let unpacked = Unpacked::new(&deb, "contents");

    let binary = unpacked.binary();
    assert!(
        files.contains(&"/usr/bin/axolop-desktop".to_owned()),
        "{files:?}"
    );
    let mode = std::fs::metadata(&binary).expect("binary").permissions();
    assert!(
        std::os::unix::fs::PermissionsExt::mode(&mode) & 0o111 != 0,
        "executable"
    );

    let entries: Vec<_> = files
        .iter()
        .filter(|path| path.starts_with("/usr/share/applications/"))
        .collect();
    assert_eq!(entries, [DESKTOP_ENTRY], "exactly one desktop entry");

    // Every icon sits in the hicolor folder of its real pixel size.
    let mut sizes = Vec::new();
    for icon in files
        .iter()
        .filter(|path| path.starts_with("/usr/share/icons/"))
    {
        let folder = icon
            .strip_prefix("/usr/share/icons/hicolor/")
            .and_then(|rest| rest.strip_suffix("/apps/axolop-desktop.png"))
            .unwrap_or_else(|| panic!("{icon} is not a hicolor app icon"));
        let png = std::fs::read(unpacked.path(icon)).expect("icon");
        let (width, height) = package::png_size(&png).expect("a PNG");
        assert_eq!(
            folder,
            format!("{width}x{height}"),
            "{icon} is {width}x{height}"
        );
        sizes.push(width);
    }
    sizes.sort_unstable();
    assert_eq!(sizes, HICOLOR_SIZES);

    // Debian policy: every package says under which terms it comes.
    let copyright = std::fs::read_to_string(unpacked.path(DEB_COPYRIGHT)).expect("copyright file");
    assert!(copyright.contains("License: MIT"), "{copyright}");

    // Nothing else: no stray files in the user's system.
    let expected = 1 + 1 + HICOLOR_SIZES.len() + 1;
    assert_eq!(files.len(), expected, "{files:?}");
}

#[test]
fn desktop_entry_is_valid_and_names_what_the_package_installs() {
    let deb = package::deb();
    let unpacked = Unpacked::new(&deb, "desktop-entry");
    let entry_path = unpacked.path(DESKTOP_ENTRY);

    // desktop-file-validate comes with desktop-file-utils.
    let (status, complaints) =
        package::verdict_of(Command::new("desktop-file-validate").arg(&entry_path));
    assert!(status.success(), "invalid desktop entry: {complaints}");
    assert_eq!(complaints.trim(), "", "desktop-file-validate has remarks");

    let entry = desktop_entry(&unpacked);
    let main = &entry["Desktop Entry"];
    assert_eq!(main["Name"], "Axolop CRM");
    assert_eq!(main["Type"], "Application");
    assert_eq!(main["Categories"], "Office;");
    // `%u`: a link the desktop opens with the app comes as its argument.
    assert_eq!(main["Exec"], "axolop-desktop %u");
    assert_eq!(
        main["MimeType"], "x-scheme-handler/axolop;",
        "the desktop opens axolop: links with the app"
    );
    assert!(unpacked.path("/usr/bin/axolop-desktop").exists());
    assert!(unpacked
        .path(&format!(
            "/usr/share/icons/hicolor/256x256/apps/{}.png",
            main["Icon"]
        ))
        .exists());
    // "New Window" on the launcher's menu: a second launch opens a window
    // in the running app.
    assert_eq!(main["Actions"], "new-window;");
    assert_eq!(entry["Desktop Action new-window"]["Exec"], "axolop-desktop");
}

#[test]
fn installed_binary_starts_to_a_ready_window_its_launcher_matches() {
    let deb = package::deb();
    let unpacked = Unpacked::new(&deb, "start");
    let app = App::launch_binary(&unpacked.binary(), "installed");

    let snapshot = app
        .invoke("crm-1", "coordinator_snapshot", json!({}))
        .expect("a snapshot");
    assert_eq!(snapshot["self"]["label"], "crm-1");
    assert_eq!(snapshot["self"]["role"], "primary");
    assert_eq!(snapshot["windows"][0]["state"], "ready");
    assert!(
        app.log().contains("window ready"),
        "the app logs its first ready window"
    );

    // Docks group a window under the launcher whose StartupWMClass is the
    // window's WM_CLASS.
    let entry = desktop_entry(&unpacked);
    let class = &entry["Desktop Entry"]["StartupWMClass"];
    let titles = wait_for("a window of the desktop entry's class", PATIENCE, || {
        let ids = Command::new("xdotool")
            .args(["search", "--classname", &format!("^{class}$")])
            .output()
            .expect("xdotool");
        let titles: Vec<String> = String::from_utf8_lossy(&ids.stdout)
            .lines()
            .map(|id| {
                package::output_of("xdotool", &["getwindowname", id])
                    .trim()
                    .to_owned()
            })
            .collect();
        Ok(titles
            .iter()
            .any(|title| title == "Axolop CRM (1)")
            .then_some(titles))
    })
    .unwrap();
    assert!(titles.contains(&"Axolop CRM (1)".to_owned()), "{titles:?}");

    // The desktop opening an `axolop:` link runs the installed binary with
    // it: the running app takes it (a refusal here, as no sign-in waits in
    // local mode) and no window opens.
    app.launch_binary_again(
        &unpacked.binary(),
        &["axolop://auth/callback?state=s&code=c"],
    );
    wait_for("the refusal in the primary", PATIENCE, || {
        let notice = app.text("crm-1", "notice").unwrap_or_default();
        Ok(notice.contains("local mode").then_some(()))
    })
    .unwrap();
    assert_eq!(app.labels(), ["crm-1"], "a link opens no window");
}

#[test]
fn rpm_carries_the_same_files_and_metadata_as_the_deb() {
    let rpm = package::rpm();
    let rpm = rpm.to_string_lossy();
    let info = package::output_of(
        "rpm",
        &[
            "--query",
            "--package",
            "--queryformat",
            "%{NAME}|%{VERSION}|%{LICENSE}|%{URL}|%{SUMMARY}",
            &rpm,
        ],
    );
    assert_eq!(
        info,
        format!(
            "axolop-crm|{}|MIT|https://axolop.com|Axolop CRM for the desktop",
            package::VERSION
        )
    );
    let requires = package::output_of("rpm", &["--query", "--package", "--requires", &rpm]);
    assert!(
        requires
            .lines()
            .any(|line| line.starts_with("libwebkit2gtk-4.1.so.0")),
        "{requires}"
    );
    let mut rpm_files: Vec<String> =
        package::output_of("rpm", &["--query", "--package", "--list", &rpm])
            .lines()
            .map(str::to_owned)
            .collect();
    rpm_files.sort();
    let mut deb_files = package::deb_files(&package::deb());
    // The same files, but for where each distribution wants the license.
    assert!(
        rpm_files.iter().any(|file| file == RPM_LICENSE),
        "{rpm_files:?}"
    );
    rpm_files.retain(|file| file != RPM_LICENSE);
    deb_files.retain(|file| file != DEB_COPYRIGHT);
    assert_eq!(rpm_files, deb_files);
}

#[test]
fn icons_are_what_tauri_icon_makes_from_the_source_image() {
    let repository = package::repository();
    let icons = repository.join("icons");
    let dir = tempfile::Builder::new()
        .prefix("axolop-icons-")
        .tempdir()
        .expect("icons directory");
    let generated = dir.path();
    let tauri = repository.join("node_modules/.bin/tauri");
    let source = icons.join("source.png");
    // The same two runs as `scripts/icons.sh`.
    for extra in [&[][..], &["--png", "16,24,48,256"][..]] {
        let mut args = vec![
            "icon".to_owned(),
            source.to_string_lossy().into_owned(),
            "--output".to_owned(),
            generated.to_string_lossy().into_owned(),
        ];
        args.extend(extra.iter().map(|arg| arg.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        package::output_of(&tauri.to_string_lossy(), &args);
    }

    let mut compared = 0;
    for entry in std::fs::read_dir(generated)
        .expect("generated icons")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            continue; // android/ and ios/: the app ships to neither
        }
        let name = entry.file_name();
        let committed = std::fs::read(icons.join(&name)).unwrap_or_else(|_| {
            panic!("icons/{} is missing: run scripts/icons.sh", name.display())
        });
        let fresh = std::fs::read(&path).expect("generated icon");
        if path.extension().is_some_and(|ext| ext == "icns") {
            // The .icns entries come out in a different order on each run.
            assert_eq!(
                icns_entries(&committed),
                icns_entries(&fresh),
                "{}",
                name.display()
            );
        } else {
            assert!(
                committed == fresh,
                "icons/{} differs from what `tauri icon` makes now: icons/source.png \
                 changed (or the Tauri CLI was upgraded); run scripts/icons.sh",
                name.display()
            );
        }
        compared += 1;
    }
    assert!(compared >= 20, "only {compared} icons generated");
}

/// The groups of the package's desktop entry, each a map of its keys.
fn desktop_entry(unpacked: &Unpacked) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(unpacked.path(DESKTOP_ENTRY)).expect("desktop entry");
    let mut groups: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut group = String::new();
    for line in text.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            group = name.to_owned();
        } else if let Some((key, value)) = line.split_once('=') {
            groups
                .entry(group.clone())
                .or_default()
                .insert(key.to_owned(), value.to_owned());
        }
    }
    groups
}

/// The images of an Apple icon file, by type, in a stable order.
fn icns_entries(icns: &[u8]) -> BTreeMap<[u8; 4], Vec<u8>> {
    assert!(icns.starts_with(b"icns"), "not an icns file");
    let mut entries = BTreeMap::new();
    let mut at = 8;
    while at + 8 <= icns.len() {
        let kind: [u8; 4] = icns[at..at + 4].try_into().expect("4 bytes");
        let length = u32::from_be_bytes(icns[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
        assert!(
            length >= 8 && at + length <= icns.len(),
            "a broken icns entry"
        );
        entries.insert(kind, icns[at + 8..at + length].to_vec());
        at += length;
    }
    entries
}

#[test]
fn installed_binary_passes_its_self_test() {
    let deb = package::deb();
    let unpacked = Unpacked::new(&deb, "self-test");
    let _alone = axolop_e2e::alone();
    let started = std::time::Instant::now();
    let output = Command::new(unpacked.binary())
        .args(["--self-test", "--json"])
        .output()
        .expect("the installed binary runs");
    let took = started.elapsed();
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
            panic!(
                "the self-test printed no report ({error}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        });
    let failed: Vec<_> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|check| check["outcome"] == "failed")
        .map(|check| format!("{}: {}", check["id"], check["detail"]))
        .collect();
    assert!(failed.is_empty(), "failed checks: {failed:?}");
    assert_eq!(report["passed"], true);
    assert!(output.status.success(), "exit status {}", output.status);
    println!(
        "the installed self-test passed {} checks in {} ms ({} ms with start-up)",
        report["checks"].as_array().map_or(0, Vec::len),
        report["ms"],
        took.as_millis()
    );
}
