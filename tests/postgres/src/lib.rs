//! A real PostgreSQL for tests: the distribution's server, started in a
//! temporary directory on a free loopback port, set up the way a Supabase
//! project is before its migrations run (`supabase.sql`: the API roles, the
//! `auth` schema and `auth.uid()`), then the project's own migrations from
//! `supabase/migrations`, unchanged, in file-name order.
//!
//! PostgreSQL refuses to run as root. Run as root (as CI does), the cluster
//! belongs to the `postgres` user that the distribution's package creates,
//! and its programs run through `runuser`; otherwise they run as the caller.
//!
//! Each [`Postgres`] is its own cluster, stopped and removed on drop, so
//! tests never share rows. [`Postgres::as_user`] opens a transaction the
//! way PostgREST does for a request (role `authenticated`, the user's JWT
//! claims in `request.jwt.claims`), so row-level security decides what it
//! sees.

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use postgres::{Client, NoTls, Transaction};
use tempfile::TempDir;

/// The database the tests use (the cluster's default).
pub const DATABASE: &str = "postgres";
/// The superuser: migrations and test set-up run as it.
pub const SUPERUSER: &str = "postgres";
/// How long the server may take to accept connections.
const START_PATIENCE: Duration = Duration::from_secs(30);

/// A running cluster, stopped and removed on drop.
pub struct Postgres {
    dir: TempDir,
    port: u16,
    server: Child,
    owner: Owner,
}

impl Postgres {
    /// Starts a cluster with Supabase's roles and `auth` schema and every
    /// migration of the project applied.
    pub fn start() -> Postgres {
        let postgres = Postgres::start_empty();
        let mut client = postgres.superuser();
        client
            .batch_execute(include_str!("../supabase.sql"))
            .expect("supabase.sql applies");
        for (name, sql) in migrations() {
            client
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("migration {name} applies: {}", describe(&e)));
        }
        postgres
    }

    /// Starts a cluster with nothing in it.
    pub fn start_empty() -> Postgres {
        let owner = Owner::detect();
        let dir = tempfile::Builder::new()
            .prefix("axolop-postgres-")
            .tempdir()
            .expect("a temporary directory");
        owner.hand_over(dir.path());
        let data = dir.path().join("data");
        let status = owner
            .command(&bin("initdb"))
            .args([
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--username",
            ])
            .arg(SUPERUSER)
            .arg("--pgdata")
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .expect("initdb runs");
        assert!(status.success(), "initdb failed: {status}");

        let port = free_port();
        let log = File::create(dir.path().join("server.log")).expect("a server log");
        let server = owner
            .command(&bin("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .arg("-k")
            .arg(dir.path())
            // Loopback only; durability is not what these tests check.
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("postgres starts");
        let postgres = Postgres {
            dir,
            port,
            server,
            owner,
        };
        postgres.wait_until_ready();
        postgres
    }

    /// The loopback port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection string for `user` (trust authentication: no password).
    pub fn url(&self, user: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={user} dbname={DATABASE}",
            self.port
        )
    }

    /// A connection as the superuser, which row-level security does not bind.
    pub fn superuser(&self) -> Client {
        Client::connect(&self.url(SUPERUSER), NoTls).expect("connect as the superuser")
    }

    /// A connection as `authenticator`, the role PostgREST logs in as.
    pub fn authenticator(&self) -> Client {
        Client::connect(&self.url("authenticator"), NoTls).expect("connect as authenticator")
    }

    /// Adds a user to `auth.users`, as signing up does in Supabase.
    pub fn add_user(&self, id: &str, email: &str) {
        self.superuser()
            .execute(
                "insert into auth.users (id, email) values ($1::text::uuid, $2)",
                &[&id, &email],
            )
            .expect("add the user");
    }

    /// The server's log so far (for a failing test's message).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    fn wait_until_ready(&self) {
        let started = Instant::now();
        loop {
            match Client::connect(&self.url(SUPERUSER), NoTls) {
                Ok(_) => return,
                Err(_) if started.elapsed() < START_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(error) => panic!(
                    "postgres did not accept connections within {START_PATIENCE:?}: {error}\n{}",
                    self.log()
                ),
            }
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A fast shutdown: open transactions roll back, nothing is flushed
        // that a throwaway cluster needs.
        let _ = self
            .owner
            .command(&bin("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "fast", "-w"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Opens a transaction as PostgREST does for a request carrying `claims`
/// (a JWT's claims as JSON): it switches to the claims' role (`anon` when
/// there is none) and sets `request.jwt.claims`, both for this transaction
/// only. `client` must have logged in as `authenticator`.
pub fn as_claims<'a>(client: &'a mut Client, claims: &str) -> Transaction<'a> {
    let mut transaction = client.transaction().expect("begin");
    let role: String = transaction
        .query_one(
            "select coalesce($1::text::jsonb ->> 'role', 'anon')",
            &[&claims],
        )
        .expect("read the role claim")
        .get(0);
    transaction
        .execute(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
            &[&role, &claims],
        )
        .expect("switch role");
    transaction
}

/// The claims of a signed-in user's access token, as GoTrue issues them.
pub fn user_claims(user_id: &str) -> String {
    format!(r#"{{"sub":"{user_id}","role":"authenticated","aud":"authenticated"}}"#)
}

/// The project's migrations, `(file name, SQL)`, in the order they apply.
pub fn migrations() -> Vec<(String, String)> {
    let dir = repository().join("supabase").join("migrations");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let sql = fs::read_to_string(&path).expect("read a migration");
            (name, sql)
        })
        .collect()
}

/// A database error with its SQLSTATE and message (postgres's `Display`
/// says only "db error").
pub fn describe(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => error.to_string(),
    }
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the repository root")
        .to_path_buf()
}

/// Who runs the server: the caller, or when that is root, `postgres`.
enum Owner {
    Caller,
    System { uid: u32, gid: u32 },
}

impl Owner {
    fn detect() -> Owner {
        let id = |flag: &str, user: Option<&str>| -> u32 {
            let output = Command::new("id")
                .arg(flag)
                .args(user)
                .output()
                .expect("id runs");
            String::from_utf8_lossy(&output.stdout)
                .trim()
                .parse()
                .unwrap_or_else(|_| {
                    panic!(
                        "no user {}: install PostgreSQL (scripts/setup.sh), whose package creates it",
                        user.unwrap_or("?")
                    )
                })
        };
        if id("-u", None) != 0 {
            return Owner::Caller;
        }
        Owner::System {
            uid: id("-u", Some(SUPERUSER)),
            gid: id("-g", Some(SUPERUSER)),
        }
    }

    fn hand_over(&self, dir: &Path) {
        if let Owner::System { uid, gid } = self {
            std::os::unix::fs::chown(dir, Some(*uid), Some(*gid))
                .expect("chown the cluster directory");
        }
    }

    fn command(&self, program: &Path) -> Command {
        match self {
            Owner::Caller => Command::new(program),
            Owner::System { .. } => {
                let mut command = Command::new("runuser");
                command.args(["-u", SUPERUSER, "--"]).arg(program);
                command
            }
        }
    }
}

/// A PostgreSQL server program: from the newest version the distribution
/// installed (`/usr/lib/postgresql/<version>/bin`, off the PATH), else the PATH.
fn bin(name: &str) -> PathBuf {
    let newest = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let path = entry.path().join("bin").join(name);
            path.exists().then_some((version, path))
        })
        .max_by_key(|(version, _)| *version);
    newest.map_or_else(|| PathBuf::from(name), |(_, path)| path)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}
