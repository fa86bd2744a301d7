//! The Linux packages that `npx tauri build --bundles deb,rpm` makes from a
//! release build: where they are, what they declare and hold, and an
//! unpacked copy of the `.deb` to run.
//!
//! Reading them needs `dpkg-deb` (always on Debian and Ubuntu) and `rpm`
//! (`scripts/setup.sh` installs it).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// The version every package must carry: the workspace's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The repository's root directory.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Where `tauri build` leaves the packages: `AXOLOP_BUNDLE_DIR`, or
/// `release/bundle` in the target directory of this test executable.
pub fn bundle_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("AXOLOP_BUNDLE_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> -> target/release/bundle
    exe.ancestors()
        .nth(3)
        .map(|target| target.join("release").join("bundle"))
        .expect("target directory")
}

/// The one package of this version in `bundle/<kind>/` whose file name
/// ends with `suffix` (`.deb`, `.rpm`).
fn package(kind: &str, suffix: &str) -> PathBuf {
    let dir = bundle_dir().join(kind);
    let found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|name| name.contains(VERSION) && name.ends_with(suffix))
        })
        .collect();
    match found.as_slice() {
        [one] => one.clone(),
        [] => panic!(
            "no {suffix} of version {VERSION} in {}: build the packages first with \
             `npx tauri build --bundles deb,rpm` (scripts/test.sh does)",
            dir.display()
        ),
        many => panic!("several {suffix} packages of version {VERSION}: {many:?}"),
    }
}

/// The `.deb` of this version.
pub fn deb() -> PathBuf {
    package("deb", ".deb")
}

/// The `.rpm` of this version.
pub fn rpm() -> PathBuf {
    package("rpm", ".rpm")
}

/// Runs `program` with `args` and returns its standard output; panics with
/// its standard error if it fails.
pub fn output_of(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Runs `command` for a tool's verdict: how it ended, and everything it
/// said (standard output, then standard error).
pub fn verdict_of(command: &mut Command) -> (ExitStatus, String) {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status, said)
}

/// One control field of `deb` (`Package`, `Depends`, …).
pub fn deb_field(deb: &Path, field: &str) -> String {
    output_of("dpkg-deb", &["--field", &deb.to_string_lossy(), field])
        .trim()
        .to_owned()
}

/// The packages a `Depends` field names, without version constraints or
/// alternatives.
pub fn dependencies(depends: &str) -> Vec<String> {
    depends
        .split(',')
        .map(|item| {
            let first = item.split('|').next().unwrap_or_default();
            first
                .split('(')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// The regular files `deb` installs, as absolute paths (`/usr/bin/…`).
pub fn deb_files(deb: &Path) -> Vec<String> {
    let listing = output_of("dpkg-deb", &["--contents", &deb.to_string_lossy()]);
    let mut files: Vec<String> = listing
        .lines()
        .filter(|line| line.starts_with('-'))
        // `-rw-r--r-- 0/0 1767 2026-11-28 02:20 ./usr/share/…`: the path is
        // everything after the fifth field, and may hold spaces.
        .filter_map(|line| {
            let mut rest = line;
            for _ in 0..5 {
                rest = rest.trim_start().split_once(' ')?.1;
            }
            Some(rest.trim_start().trim_start_matches('.').to_owned())
        })
        .map(|path| {
            if path.starts_with('/') {
                path
            } else {
                format!("/{path}")
            }
        })
        .collect();
    files.sort();
    files
}

/// A `.deb` unpacked into a directory of its own, as `dpkg -i` would lay
/// it out under `/`. Removed when dropped.
pub struct Unpacked {
    pub root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Unpacked {
    /// Unpacks `deb` into a fresh directory named after `purpose`.
    pub fn new(deb: &Path, purpose: &str) -> Unpacked {
        let dir = tempfile::Builder::new()
            .prefix(&format!("axolop-unpacked-{purpose}-"))
            .tempdir()
            .expect("unpack directory");
        let root = dir.path().to_path_buf();
        output_of(
            "dpkg-deb",
            &["--extract", &deb.to_string_lossy(), &root.to_string_lossy()],
        );
        Unpacked { root, _dir: dir }
    }

    /// `path` (absolute, as installed) inside the unpacked tree.
    pub fn path(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    /// The installed app binary.
    pub fn binary(&self) -> PathBuf {
        self.path("/usr/bin/axolop-desktop")
    }
}

/// Width and height of a PNG image, from its header.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    // The signature, then the IHDR chunk: length, type, width, height.
    if png.len() < 24 || !png.starts_with(SIGNATURE) || &png[12..16] != b"IHDR" {
        return None;
    }
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    Some((word(16), word(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_drop_versions_and_alternatives() {
        assert_eq!(
            dependencies("libwebkit2gtk-4.1-0 (>= 2.40), libgtk-3-0 | libgtk-4-1,  libc6"),
            ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libc6"]
        );
        assert!(dependencies("").is_empty());
    }

    #[test]
    fn png_size_reads_the_header_and_refuses_other_files() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&256u32.to_be_bytes());
        png.extend_from_slice(&128u32.to_be_bytes());
        assert_eq!(png_size(&png), Some((256, 128)));
        assert_eq!(png_size(b"GIF89a and more bytes than that..."), None);
        assert_eq!(png_size(&png[..20]), None);
    }
}
