//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary
//! directory, `postgres` listening only on a Unix socket in that directory (so
//! that clusters of tests running side by side never race for a port), a
//! connection URL, and on drop an immediate shutdown and the directory removed.
//!
//! PostgreSQL refuses to run as root, so when the tests run as root the cluster
//! runs as an unprivileged user (`postgres` when the Debian package created it,
//! else `nobody`) through `setpriv`, which `exec`s, so the child we hold is the
//! postmaster itself. The binaries are Debian's (`/usr/lib/postgresql/<n>/bin`,
//! the newest), or those of `$PG_BIN`.
//!
//! When they are missing the cluster is not started: [`PgCluster::start`]
//! returns `None` after printing why, so that a developer without PostgreSQL
//! still runs every other test, and it panics when `CI=true`, so that CI never
//! passes without having tested the PostgreSQL engine.
//!
//! This file is compiled into the server's unit tests and, through `#[path]`,
//! into its API tests; it is not part of the server binary.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long `postgres` may take to say it accepts connections.
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Database user created by `initdb` (trust authentication on loopback only).
const SUPERUSER: &str = "congdan";

/// A running throwaway cluster; stopped and deleted on drop.
pub struct PgCluster {
    child: Child,
    url: String,
    // Dropped after the child is stopped (see `Drop`).
    _dir: tempfile::TempDir,
}

impl PgCluster {
    /// Start a cluster, or `None` (with the reason printed) when PostgreSQL is
    /// not installed and `CI` is not `true`.
    ///
    /// # Panics
    /// When the binaries are missing under `CI=true`, or when they are present
    /// but the cluster does not start: a broken set-up must fail the test.
    pub fn start() -> Option<Self> {
        let Some(bin) = bin_dir() else {
            let reason = "PostgreSQL binaries not found (install the Debian package `postgresql` \
                          or set PG_BIN)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{reason}: required under CI=true"
            );
            eprintln!("skipped: {reason}");
            return None;
        };
        Some(Self::start_with(&bin))
    }

    /// Connection URL of the cluster's `postgres` database, e.g.
    /// `postgres://congdan@%2Ftmp%2Fcongdan-pg-AbC123/postgres`.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn start_with(bin: &Path) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("congdan-pg-")
            .tempdir()
            .expect("a temporary directory for the cluster");
        let data = dir.path().join("data");
        let user = run_as();
        if let Some(user) = &user {
            let status = Command::new("chown")
                .arg(format!("{}:{}", user.uid, user.gid))
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                status.success(),
                "chown {} {}",
                user.uid,
                dir.path().display()
            );
        }
        let out = command(user.as_ref(), &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale"])
            .arg("--no-sync")
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut child = command(user.as_ref(), &bin.join("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-c", "listen_addresses="])
            .arg("-c")
            .arg(format!("unix_socket_directories={}", dir.path().display()))
            // A test cluster: durability is not wanted, speed is.
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=50"])
            .args(["-c", "shared_buffers=16MB"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("postgres starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (ready_tx, ready_rx) = mpsc::channel();
        // Reads the log until the end, so that the pipe never fills; the lines
        // before "ready" are kept for the failure message.
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut ready_tx = Some(ready_tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(tx) = &ready_tx {
                    if line.contains("ready to accept connections") {
                        let _ = tx.send(Ok(()));
                        ready_tx = None;
                    } else {
                        seen.push(line);
                    }
                }
            }
            if let Some(tx) = ready_tx {
                let _ = tx.send(Err(seen.join("\n")));
            }
        });
        match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(())) => {}
            Ok(Err(log)) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("postgres exited before accepting connections:\n{log}");
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("postgres did not accept connections within {READY_TIMEOUT:?}");
            }
        }
        // The socket directory as the URL's host, percent-encoded (a host
        // that starts with `/` names a socket directory).
        let host = dir.path().display().to_string().replace('/', "%2F");
        Self {
            child,
            url: format!("postgres://{SUPERUSER}@{host}/postgres"),
            _dir: dir,
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // SIGQUIT: immediate shutdown (the data is thrown away anyway). As root
        // we may signal the unprivileged postmaster; `kill` is the one portable
        // way to send a signal other than SIGKILL without a libc binding.
        let quit = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        if !matches!(quit, Ok(status) if status.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The directory holding `initdb` and `postgres`.
fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        let dir = PathBuf::from(dir);
        return dir.join("initdb").is_file().then_some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Numeric ids of the unprivileged user PostgreSQL runs as.
struct RunAs {
    uid: String,
    gid: String,
}

/// `id` with these arguments, or `None` when it fails (no such user).
fn id(args: &[&str]) -> Option<String> {
    let out = Command::new("id")
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The unprivileged user to run PostgreSQL as, when we are root: `postgres`
/// (created by the Debian package), else `nobody`.
fn run_as() -> Option<RunAs> {
    if id(&["-u"]).as_deref() != Some("0") {
        return None;
    }
    ["postgres", "nobody"].into_iter().find_map(|user| {
        Some(RunAs {
            uid: id(&["-u", user])?,
            gid: id(&["-g", user])?,
        })
    })
}

/// `program`, run as `user` (dropping root) when one is given.
fn command(user: Option<&RunAs>, program: &Path) -> Command {
    match user {
        None => Command::new(program),
        Some(user) => {
            let mut cmd = Command::new("setpriv");
            cmd.args([
                "--reuid",
                &user.uid,
                "--regid",
                &user.gid,
                "--clear-groups",
                "--",
            ])
            .arg(program);
            cmd
        }
    }
}
