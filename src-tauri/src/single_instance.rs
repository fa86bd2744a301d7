//! One app per user on macOS: a second launch hands over to the running
//! app through a Unix socket in a directory only this user can enter.
//!
//! Linux and Windows use `tauri-plugin-single-instance` (a D-Bus name on
//! the user's session bus, a per-session mutex). On macOS that plugin
//! listens at a fixed path in `/tmp`, shared by every user: another local
//! user could bind it first and silently swallow everyone else's launches.
//! Here the socket lives in `$TMPDIR` (per user on macOS) or else in the
//! app's data directory, and only in a directory that belongs to this user
//! and that nobody else may enter. Built on every Unix so that it is tested
//! on Linux.

use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The socket's file name.
const SOCKET: &str = "com.axolop.crm.desktop.sock";
/// The longest socket path the OS takes (`sun_path` is 104 bytes on macOS,
/// 108 on Linux, with the final NUL).
const PATH_MAX: usize = 103;
/// The most a launch may say; it says nothing today.
const MESSAGE_MAX: u64 = 4096;

/// What a launch found.
#[derive(Debug)]
pub enum Claim {
    /// No app runs for this user: this launch is the app, and hears later
    /// launches on this listener.
    First(UnixListener),
    /// The running app was told of this launch: this process may exit.
    HandedOver,
}

/// Where the socket goes: the first of `dirs` that is private to this
/// user and leaves room for the socket's name.
pub fn socket_path(dirs: &[PathBuf]) -> Option<PathBuf> {
    dirs.iter()
        .filter(|dir| is_private(dir))
        .map(|dir| dir.join(SOCKET))
        .find(|path| path.as_os_str().len() <= PATH_MAX)
}

/// Whether `dir` is a real directory (not a link to one) owned by this
/// user, that no one else may read, write or enter.
pub fn is_private(dir: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return false;
    };
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    meta.is_dir() && meta.uid() == me && meta.permissions().mode() & 0o077 == 0
}

/// Tells the app listening at `path` of this launch, or, if none listens,
/// becomes the app: a socket file left by an app that died is replaced.
pub fn claim(path: &Path) -> io::Result<Claim> {
    match UnixStream::connect(path) {
        // Connecting is the message; closing the stream ends it.
        Ok(_stream) => Ok(Claim::HandedOver),
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
            ) =>
        {
            match std::fs::remove_file(path) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
            let listener = UnixListener::bind(path)?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            Ok(Claim::First(listener))
        }
        Err(error) => Err(error),
    }
}

/// Calls `launched` for every later launch, on a thread of its own.
pub fn listen(listener: UnixListener, launched: impl Fn() + Send + 'static) {
    std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    Ok(stream) => {
                        drain(stream);
                        launched();
                    }
                    Err(error) => tracing::debug!(%error, "a second launch could not connect"),
                }
            }
        })
        .map(drop)
        .unwrap_or_else(
            |error| tracing::warn!(%error, "second launches will start apps of their own"),
        );
}

/// Reads what a launch sends, boundedly and briefly: a stuck or chatty
/// client must not hold the listener.
fn drain(stream: UnixStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = io::copy(&mut stream.take(MESSAGE_MAX), &mut io::sink());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;
    use std::sync::mpsc;

    fn dir_with_mode(mode: u32) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).unwrap();
        dir
    }

    #[test]
    fn only_a_directory_of_this_user_that_others_cannot_enter_is_private() {
        let private = dir_with_mode(0o700);
        assert!(is_private(private.path()));
        let shared = dir_with_mode(0o755);
        assert!(!is_private(shared.path()), "others may enter");
        let sticky_tmp = dir_with_mode(0o1777);
        assert!(!is_private(sticky_tmp.path()), "like /tmp");
        let link = private.path().join("link");
        symlink(private.path(), &link).unwrap();
        assert!(!is_private(&link), "a link may be swapped for another");
        assert!(!is_private(&private.path().join("missing")));
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            // As root (CI), a directory someone else owns.
            let theirs = dir_with_mode(0o700);
            std::os::unix::fs::chown(theirs.path(), Some(65534), Some(65534)).unwrap();
            assert!(!is_private(theirs.path()), "owned by another user");
        }
    }

    #[test]
    fn the_socket_goes_in_the_first_private_directory_it_fits_in() {
        let shared = dir_with_mode(0o755);
        let private = dir_with_mode(0o700);
        let dirs = [shared.path().to_path_buf(), private.path().to_path_buf()];
        assert_eq!(socket_path(&dirs), Some(private.path().join(SOCKET)));
        let deep = private.path().join("d".repeat(100));
        std::fs::create_dir(&deep).unwrap();
        std::fs::set_permissions(&deep, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(
            socket_path(&[deep, private.path().to_path_buf()]),
            Some(private.path().join(SOCKET)),
            "a path too long for a socket is skipped"
        );
        assert_eq!(socket_path(&[shared.path().to_path_buf()]), None);
        assert_eq!(socket_path(&[PathBuf::from("/tmp")]), None);
    }

    #[test]
    fn the_first_launch_listens_and_later_ones_hand_over() {
        let dir = dir_with_mode(0o700);
        let path = dir.path().join(SOCKET);
        let Claim::First(listener) = claim(&path).unwrap() else {
            panic!("nobody was listening");
        };
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let (heard, launches) = mpsc::channel();
        listen(listener, move || heard.send(()).unwrap());
        for _ in 0..3 {
            assert!(matches!(claim(&path).unwrap(), Claim::HandedOver));
            launches
                .recv_timeout(Duration::from_secs(5))
                .expect("the running app heard the launch");
        }
    }

    #[test]
    fn a_socket_left_by_an_app_that_died_is_taken_over() {
        let dir = dir_with_mode(0o700);
        let path = dir.path().join(SOCKET);
        let Claim::First(listener) = claim(&path).unwrap() else {
            panic!("nobody was listening");
        };
        drop(listener);
        assert!(path.exists(), "the dead app's socket file stays");
        assert!(matches!(claim(&path).unwrap(), Claim::First(_)));
    }
}
