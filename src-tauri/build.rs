//! Build script: the app package sits at the repository root while its
//! capabilities live under `src-tauri/`.

fn main() {
    // tauri-build watches its default capabilities folder only.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/*.json");
    tauri_build::try_build(attributes).expect("tauri-build failed");
}
