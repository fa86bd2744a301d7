//! Signed updates, for real as far as this machine allows: the test makes
//! a key pair of its own, signs an update of a higher version, and serves
//! the manifest and the bundle from a static server on loopback. The check
//! finds it, the primary alone presents it (the other window shows a
//! badge), the download shows its progress, a tampered bundle is refused
//! with nothing replaced and the app running on, and the genuine one is
//! verified, installed over the app and restarted, with its windows.
//!
//! The app stands as an AppImage: `APPIMAGE` names a copy of the app under
//! test, which the updater replaces in place, as it replaces an installed
//! AppImage (the update is that copy with a version trailer, so the
//! restarted program is recognisably the new file). An AppImage cannot be
//! built here (its bundling tools come from GitHub), and the `.deb` and
//! `.rpm` installs run the package manager as root (pkexec): see README,
//! "Updates".

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axolop_e2e::{app_binary, fresh_data_dir, log_file, wait_for, App, PATIENCE};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

/// The version the update announces (the app under test is 0.1.0).
const NEW_VERSION: &str = "0.2.0";
/// How the bundle is served: in pieces, a moment apart, so the download
/// takes long enough to show its progress.
const PIECE: usize = 4 << 20;
const PIECE_PAUSE: Duration = Duration::from_millis(40);

/// The files a [`Server`] serves: path and body.
type Files = Arc<Mutex<Vec<(String, Arc<Vec<u8>>)>>>;

/// A static file server on loopback whose files the test may swap.
struct Server {
    port: u16,
    files: Files,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let files = Files::default();
        let served = files.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let files = served.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut request = String::new();
                    if reader.read_line(&mut request).is_err() {
                        return;
                    }
                    // The headers, up to the blank line.
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let body = files
                        .lock()
                        .unwrap()
                        .iter()
                        .find(|(name, _)| *name == path)
                        .map(|(_, body)| body.clone());
                    let mut stream = stream;
                    let Some(body) = body else {
                        let _ = stream.write_all(
                            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                        );
                        return;
                    };
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-length: {}\r\ncontent-type: application/octet-stream\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    if stream.write_all(head.as_bytes()).is_err() {
                        return;
                    }
                    for piece in body.chunks(PIECE) {
                        if stream.write_all(piece).is_err() {
                            return;
                        }
                        if body.len() > PIECE {
                            std::thread::sleep(PIECE_PAUSE);
                        }
                    }
                });
            }
        });
        Server { port, files }
    }

    fn serve(&self, path: &str, body: Vec<u8>) {
        let mut files = self.files.lock().unwrap();
        files.retain(|(name, _)| name != path);
        files.push((path.to_owned(), Arc::new(body)));
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// A key pair: the public key as the app's configuration holds it, and
/// signatures as the release workflow's bundler writes them.
struct Signer {
    keys: minisign::KeyPair,
}

impl Signer {
    fn new() -> Self {
        Signer {
            keys: minisign::KeyPair::generate_unencrypted_keypair().unwrap(),
        }
    }

    fn public_key(&self) -> String {
        STANDARD.encode(self.keys.pk.to_box().unwrap().to_string())
    }

    fn sign(&self, bytes: &[u8]) -> String {
        let comment = format!("timestamp:0\tfile:Axolop.CRM.AppImage\tversion:{NEW_VERSION}");
        let signature = minisign::sign(None, &self.keys.sk, bytes, Some(&comment), None).unwrap();
        STANDARD.encode(signature.to_string())
    }
}

/// The process running `program` now, if one is.
fn running(program: &Path) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            (exe == program).then_some(pid)
        })
}

/// Kills whatever still runs `program` when the test ends, pass or fail:
/// the restarted app is no WebDriver session's to end.
struct Reaper(PathBuf);

impl Drop for Reaper {
    fn drop(&mut self) {
        while let Some(pid) = running(&self.0) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn update_stage(app: &App) -> String {
    app.invoke("crm-1", "coordinator_snapshot", json!({}))
        .unwrap()["update"]["stage"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_signed_update_is_found_shown_once_verified_installed_and_restarted_and_a_tampered_one_is_refused(
) {
    let dir = fresh_data_dir("update");
    let install = tempfile::tempdir().unwrap();
    let appimage = install.path().join("Axolop.CRM.AppImage");
    std::fs::copy(app_binary(), &appimage).unwrap();
    let current = std::fs::read(&appimage).unwrap();
    let _reaper = Reaper(appimage.clone());

    let signer = Signer::new();
    let mut bundle = current.clone();
    bundle.extend_from_slice(format!("\n#axolop-update-{NEW_VERSION}\n").as_bytes());
    let signature = signer.sign(&bundle);
    let mut tampered = bundle.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0xff;

    let server = Server::start();
    let manifest = json!({
        "version": NEW_VERSION,
        "notes": "Windows open faster.\nDrafts survive a crash.",
        "pub_date": "2026-11-30T12:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": server.url("/Axolop.CRM.AppImage"), "signature": signature }
        }
    });
    server.serve("/latest.json", manifest.to_string().into_bytes());
    // First a bundle that is not the one signed.
    server.serve("/Axolop.CRM.AppImage", tampered);

    let app = App::launch_in(
        &dir,
        &[
            ("AXOLOP_UPDATE_ENDPOINT", &server.url("/latest.json")),
            ("AXOLOP_UPDATE_PUBKEY", &signer.public_key()),
            ("APPIMAGE", appimage.to_str().unwrap()),
        ],
    );
    // An update waits behind the questions that must come first.
    app.create_agency("Acme");
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);

    // The one check finds it; the primary asks, the other shows a badge.
    wait_for("the primary to present the update", PATIENCE, || {
        Ok(app.shows("crm-1", "update-modal").then_some(()))
    })
    .unwrap();
    let text = app.text("crm-1", "update-text").unwrap();
    assert!(
        text.contains("0.2.0 is available (you have 0.1.0)"),
        "{text}"
    );
    assert!(app
        .text("crm-1", "update-notes")
        .unwrap()
        .contains("Drafts survive a crash."));
    wait_for("the badge in the other window", PATIENCE, || {
        Ok(app.shows(&second, "update-badge").then_some(()))
    })
    .unwrap();
    assert!(!app.shows(&second, "update-modal"), "one window asks");
    assert!(
        !app.shows(&second, "modal-waiting"),
        "a badge, not a banner"
    );
    assert_eq!(
        app.log().matches("update available").count(),
        1,
        "one check, however many windows"
    );

    // Install the tampered bundle: refused, reported, nothing replaced.
    app.click("crm-1", "[data-testid=update-install]");
    let mut fractions = Vec::new();
    wait_for("the download to fail its signature", PATIENCE * 3, || {
        if let Some(fraction) = app.execute(
            "crm-1",
            "return document.querySelector('[data-testid=update-progress]')?.dataset.fraction ?? null;",
            json!([]),
        ).as_str().and_then(|f| f.parse::<f64>().ok()) {
            fractions.push(fraction);
        }
        Ok((update_stage(&app) == "failed").then_some(()))
    })
    .unwrap();
    assert!(
        fractions.iter().any(|f| *f > 0.0 && *f < 1.0),
        "the progress bar moved: {fractions:?}"
    );
    wait_for("the failure to show", PATIENCE, || {
        Ok(app
            .text("crm-1", "update-text")
            .filter(|text| text.contains("signature does not match"))
            .map(drop))
    })
    .unwrap();
    assert!(
        std::fs::read(&appimage).unwrap() == current,
        "nothing replaced"
    );
    assert_eq!(app.labels(), ["crm-1", &second], "the app runs on");

    // The genuine bundle: verified, installed over the app, restarted.
    server.serve("/Axolop.CRM.AppImage", bundle.clone());
    let old = app.app_pid();
    app.click("crm-1", "[data-testid=update-install]");
    wait_for("the app to be replaced", PATIENCE * 3, || {
        Ok((std::fs::read(&appimage).unwrap() == bundle).then_some(()))
    })
    .unwrap();
    let restarted = wait_for("the new version to start", PATIENCE, || {
        Ok(running(&appimage).filter(|pid| *pid != old))
    })
    .unwrap();
    // Its windows come back: both, in the new process.
    wait_for("the windows to come back", PATIENCE * 2, || {
        let log = std::fs::read_to_string(log_file(&dir)).unwrap_or_default();
        let starts = log.matches("Axolop CRM starting").count();
        Ok((starts == 2 && log.contains("windows restored windows=2")).then_some(()))
    })
    .unwrap_or_else(|error| {
        panic!(
            "{error}: {}",
            std::fs::read_to_string(log_file(&dir)).unwrap_or_default()
        )
    });
    for number in [1, 2] {
        wait_for(
            &format!("window {number} of the new version"),
            PATIENCE,
            || {
                Ok(
                    (!axolop_e2e::x_windows(&format!("Axolop CRM \\({number}\\)$")).is_empty())
                        .then_some(()),
                )
            },
        )
        .unwrap();
    }
    let program = std::fs::read(format!("/proc/{restarted}/exe")).unwrap();
    assert!(program == bundle, "the restarted program is the update");
}

#[test]
fn with_no_update_server_the_check_is_quietly_tried_later() {
    let dir = fresh_data_dir("update-offline");
    let install = tempfile::tempdir().unwrap();
    let appimage = install.path().join("Axolop.CRM.AppImage");
    std::fs::copy(app_binary(), &appimage).unwrap();
    let _reaper = Reaper(appimage.clone());
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}/latest.json", closed.local_addr().unwrap());
    drop(closed);
    let app = App::launch_in(
        &dir,
        &[
            ("AXOLOP_UPDATE_ENDPOINT", &endpoint),
            ("AXOLOP_UPDATE_PUBKEY", &Signer::new().public_key()),
            ("APPIMAGE", appimage.to_str().unwrap()),
        ],
    );
    app.create_agency("Acme");
    wait_for("the check to fail", PATIENCE, || {
        Ok(app
            .log()
            .contains("no update check this time")
            .then_some(()))
    })
    .unwrap();
    assert_eq!(update_stage(&app), "none");
    assert!(
        !app.shows("crm-1", "update-modal"),
        "nothing to tell the user"
    );
    assert!(!app.shows("crm-1", "update-badge"), "quietly");
}
