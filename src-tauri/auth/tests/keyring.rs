//! The session in the real OS keyring: on Linux the Secret Service of the
//! D-Bus session that `scripts/test.sh` starts, with gnome-keyring unlocked.

use axolop_auth::{SecretStore, StoredSession};
use axolop_coordinator::session::SessionUser;
use secrecy::{ExposeSecret, SecretString};

/// A keyring entry of this test's own, so the app's entry is never touched.
fn store() -> SecretStore {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the keyring test needs a D-Bus session with an unlocked keyring; \
         run it with `bash scripts/test.sh` (see README)"
    );
    let account = format!("keyring-test-{}", std::process::id());
    SecretStore::os_entry("com.axolop.crm.desktop.tests", &account)
}

#[test]
fn a_session_survives_in_the_os_keyring_until_it_is_cleared() {
    let store = store();
    store.clear().unwrap();
    assert!(store.load().unwrap().is_none());
    let session = StoredSession {
        user: SessionUser {
            id: "user-7".into(),
            email: Some("ada@example.com".into()),
        },
        refresh_token: SecretString::from("rt-from-the-keyring".to_owned()),
    };
    store.save(&session).unwrap();
    // A second store reads what the first wrote: it is in the keyring, not
    // in the process.
    let reread = SecretStore::os_entry(
        "com.axolop.crm.desktop.tests",
        &format!("keyring-test-{}", std::process::id()),
    );
    let loaded = reread.load().unwrap().expect("stored");
    assert_eq!(loaded.refresh_token.expose_secret(), "rt-from-the-keyring");
    assert_eq!(loaded.user, session.user);
    store.clear().unwrap();
    assert!(reread.load().unwrap().is_none());
}
