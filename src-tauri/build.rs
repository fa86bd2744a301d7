//! Build script: the app package sits at the repository root while its
//! capabilities live under `src-tauri/`.

fn main() {
    // tauri-build watches its default capabilities folder only.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // On Linux, `tauri.linux.conf.json` leaves the `ipc:` scheme out of the
    // page's connect-src, so pages talk to the app over WebKit's script
    // message channel: half the round trip of a fetch to `ipc:` on
    // WebKitGTK (see README, Benchmarks). It also limits a plain `tauri
    // build` on Linux to the bundles that build offline (.deb, .rpm).
    println!("cargo:rerun-if-changed=tauri.linux.conf.json");
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/*.json");
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
