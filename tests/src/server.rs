//! The real `congdan-server` binary on a loopback port with a temporary, seeded database.

use crate::{bin_path, demo_dir};
use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long the server may take to print its address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server process; killed when dropped.
pub struct TestServer {
    child: Child,
    addr: SocketAddr,
    db: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

/// Seeds the demo data (`seed --demo`: content, the demo officer and the demo
/// key [`crate::DEMO_API_KEY`]) into a template database and returns its path;
/// every server copies it (or `congdan-server copy` moves it into PostgreSQL), so
/// seeding cost is paid once. The template sits beside the binaries, named after the
/// server build it came from, and is shared by every test process: nextest runs each
/// test in its own process, and a template per process in a temp dir that a static
/// never drops left 40 MB behind per test (a CI run filled its disk).
pub fn seeded_template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let server = bin_path("congdan-server");
        let dir = server
            .parent()
            .expect("binaries have a directory")
            .join("test-template");
        std::fs::create_dir_all(&dir).expect("the template directory can be made");
        let built = std::fs::metadata(&server).expect("the server binary is readable");
        let stamp = built
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let name = format!("seed-{}-{stamp}.db", built.len());
        let db = dir.join(&name);
        if db.exists() {
            return db;
        }
        // Seed under a name of our own, then rename: a process that finds the final
        // name never sees a half-written file, and two that race both end up right.
        let scratch = tempfile::Builder::new()
            .prefix("seeding-")
            .tempdir_in(&dir)
            .expect("a scratch directory for seeding");
        let fresh = scratch.path().join("seed.db");
        let out = std::process::Command::new(&server)
            .arg("seed")
            .arg("--demo")
            .arg("--db")
            .arg(&fresh)
            .arg(demo_dir())
            .output()
            .expect("congdan-server seed runs");
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // `seed` has closed the database; fold its WAL in so one file is the whole.
        let conn = rusqlite::Connection::open(&fresh).expect("the fresh seed opens");
        conn.pragma_update(None, "journal_mode", "DELETE")
            .expect("the seed's journal folds into the file");
        drop(conn);
        std::fs::rename(&fresh, &db).expect("the seed takes its final name");
        // Templates of earlier server builds are never used again.
        for old in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = old.path();
            let stale = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("seed-") && n != name);
            if stale {
                let _ = std::fs::remove_file(path);
            }
        }
        db
    })
}

impl TestServer {
    /// Starts a server on a fresh copy of the seeded demo database.
    pub async fn seeded() -> anyhow::Result<Self> {
        Self::seeded_with(&[]).await
    }

    /// Like [`TestServer::seeded`], with more `serve` options (e.g. `--public-url URL`).
    pub async fn seeded_with(serve_args: &[&str]) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("server.db");
        std::fs::copy(seeded_template(), &db).context("copying the seeded template")?;
        let mut server = Self::start_with(&db, "127.0.0.1:0", serve_args).await?;
        server._dir = Some(dir);
        Ok(server)
    }

    /// Starts a server on an existing database file, on a free loopback port.
    pub async fn start_on(db: &Path) -> anyhow::Result<Self> {
        Self::start_at(db, "127.0.0.1:0").await
    }

    /// Starts a server on an existing database file and address; restarting at the
    /// address a killed server had lets clients carry on as after a crash.
    pub async fn start_at(db: &Path, listen: &str) -> anyhow::Result<Self> {
        Self::start_with(db, listen, &[]).await
    }

    /// Starts a server on a database file and address with more `serve` options.
    pub async fn start_with(db: &Path, listen: &str, serve_args: &[&str]) -> anyhow::Result<Self> {
        let mut child = Command::new(bin_path("congdan-server"))
            .arg("serve")
            .arg("--db")
            .arg(db)
            .arg("--listen")
            .arg(listen)
            .args(serve_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("starting congdan-server")?;
        let stdout = child.stdout.take().context("server stdout is piped")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    return Ok::<_, anyhow::Error>(addr.trim().parse::<SocketAddr>()?);
                }
            }
            bail!("server exited before it was listening")
        })
        .await
        .context("server did not start in time")??;
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            child,
            addr,
            db: db.to_path_buf(),
            _dir: None,
        })
    }

    /// Base URL such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server's database file.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Kills the process at once (SIGKILL), as a crash or a pulled plug would.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        self.child.kill().await?;
        Ok(())
    }

    /// Runs a `congdan-server` admin subcommand against this server's database.
    pub fn admin(&self, args: &[&str]) -> anyhow::Result<std::process::Output> {
        let (cmd, rest) = args.split_first().context("a subcommand is needed")?;
        let out = std::process::Command::new(bin_path("congdan-server"))
            .arg(cmd)
            .arg("--db")
            .arg(&self.db)
            .args(rest)
            .output()?;
        Ok(out)
    }
}

/// The password of every demo official (`seed --demo`).
pub const DEMO_PASSWORD: &str = "demo-2026";

/// Logs `username` in with [`DEMO_PASSWORD`] over HTTP; the session token.
pub async fn login(client: &reqwest::Client, base: &str, username: &str) -> String {
    let answer: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("login sent")
        .error_for_status()
        .unwrap_or_else(|e| panic!("login of {username}: {e}"))
        .json()
        .await
        .expect("a session");
    answer["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {answer}"))
        .to_owned()
}

/// POSTs an Open311 request (form fields, the demo key among them); its id.
pub async fn post_request(client: &reqwest::Client, base: &str, form: &[(&str, &str)]) -> String {
    let created: serde_json::Value = client
        .post(format!("{base}/open311/v2/requests.json"))
        .form(form)
        .send()
        .await
        .expect("request sent")
        .json()
        .await
        .expect("a JSON answer");
    created[0]["service_request_id"]
        .as_str()
        .unwrap_or_else(|| panic!("created: {created}"))
        .to_owned()
}

/// GETs `url` (with `token` as Bearer when given) and parses the JSON answer,
/// whatever its status.
pub async fn get_json(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
) -> serde_json::Value {
    let mut call = client.get(url);
    if let Some(token) = token {
        call = call.bearer_auth(token);
    }
    call.send()
        .await
        .expect("GET sent")
        .json()
        .await
        .unwrap_or(serde_json::Value::Null)
}
