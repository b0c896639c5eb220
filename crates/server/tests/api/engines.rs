//! The real binary on PostgreSQL (issue 11): `migrate`, `seed` and two `serve`
//! processes on one database, which answer as one system; `copy` from a SQLite
//! file, after which the same requests get the same ETags and pages. Skipped with a
//! printed reason when PostgreSQL is not installed (failed under `CI=true`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::pg_cluster::PgCluster;
use crate::support::png;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_congdan-server");

pub(crate) fn congdan_server(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "congdan-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A `serve` process, killed on drop.
pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
}

impl Server {
    pub(crate) fn start(db: &str) -> Self {
        let mut child = Command::new(BIN)
            .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The server prints this line once bound; EOF means it exited.
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("no listening line, got {line:?}"));
        Self {
            base: format!("http://{addr}"),
            child,
        }
    }

    /// ETag (when the answer has one) and body of a GET.
    pub(crate) async fn get(&self, path: &str) -> (Option<String>, String) {
        let answer = reqwest::get(format!("{}{path}", self.base)).await.unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let etag = answer
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        (etag, answer.text().await.unwrap())
    }

    /// [`Server::get`] once its ETag is no longer `old`: a change another
    /// process made reaches this one's memory when its notification arrives,
    /// within milliseconds, so this polls with a deadline of two seconds.
    pub(crate) async fn get_changed(
        &self,
        path: &str,
        old: &Option<String>,
    ) -> (Option<String>, String) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        loop {
            let answer = self.get(path).await;
            if &answer.0 != old {
                return answer;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{path} did not change"
            );
            tokio::task::yield_now().await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn two_servers_on_one_postgres_database_answer_as_one() {
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let db = cluster.url();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    assert!(congdan_server(&["migrate", "--db", db]).contains("schema up to date"));
    let report = congdan_server(&["seed", "--db", db, seed]);
    assert!(report.contains("procedures"), "{report}");

    let (a, b) = (Server::start(db), Server::start(db));
    let before = a.get("/api/v1/procedures").await;
    assert_eq!(b.get("/api/v1/procedures").await, before);
    assert!(before.1.contains("1.000005"));

    // A change made by a third process is seen by both, with one ETag and one
    // cursor, as soon as its notification arrives (milliseconds: poll for it).
    congdan_server(&["delete-procedure", "--db", db, "1.000005"]);
    let after = a.get_changed("/api/v1/procedures", &before.0).await;
    assert!(after.0.is_some());
    assert_eq!(b.get_changed("/api/v1/procedures", &before.0).await, after);
    let page: serde_json::Value = serde_json::from_str(&after.1).unwrap();
    assert_eq!(page["deleted"], serde_json::json!(["1.000005"]));
    // Migrating again with servers running changes nothing.
    congdan_server(&["migrate", "--db", db]);
    assert_eq!(a.get("/api/v1/procedures").await, after);
}

#[tokio::test]
async fn a_commune_moves_to_postgres_with_its_etags_and_cursors() {
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.db");
    let file = file.to_str().unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    congdan_server(&["seed", "--demo", "--db", file, seed]);
    congdan_server(&["delete-procedure", "--db", file, "1.000005"]);
    let paths = [
        "/api/v1/units",
        "/api/v1/procedures",
        "/api/v1/procedures?since=1&limit=2",
        "/api/v1/news?unit=00004",
        "/api/v1/units/00004/villages",
    ];
    let mut before = Vec::new();
    {
        let sqlite = Server::start(file);
        for path in paths {
            before.push(sqlite.get(path).await);
        }
    }
    assert!(before[..4].iter().all(|(etag, _)| etag.is_some()));
    let report = congdan_server(&["copy", "--from", file, "--to", cluster.url()]);
    assert!(report.contains("procedures: "), "{report}");
    let pg = Server::start(cluster.url());
    for (path, expected) in paths.iter().zip(&before) {
        assert_eq!(&pg.get(path).await, expected, "{path}");
    }
    // A second copy into the now full database is refused and changes nothing.
    let again = Command::new(BIN)
        .args(["copy", "--from", file, "--to", cluster.url()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    assert_eq!(pg.get(paths[1]).await, before[1]);
}

/// The promise for replicas, through HTTP: an Idempotency-Key replayed
/// on the other process gets the first answer, an upload started on one
/// continues on the other at the right offset, and a login lock made on one
/// holds on the other.
#[tokio::test]
async fn writes_started_on_one_server_finish_on_the_other() {
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let db = cluster.url();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    congdan_server(&["seed", "--demo", "--db", db, seed]);
    let (a, b) = (Server::start(db), Server::start(db));
    let http = reqwest::Client::new();

    let form = "api_key=congdan-demo-key&service_code=ha-tang-giao-thong&lat=21.0341\
                &long=105.8372&description=%E1%BB%94%20g%C3%A0&unit=00004\
                &attribute[loai_hu_hong]=o-ga&attribute[nguy_hiem]=co";
    let post = |server: &Server| {
        http.post(format!("{}/open311/v2/requests.json", server.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("idempotency-key", "9a0c5d2e-1111-4222-8333-444455556666")
            .body(form)
            .send()
    };
    let first = post(&a).await.unwrap();
    let status = first.status();
    let first = first.text().await.unwrap();
    assert_eq!(status, 201, "{first}");
    let again = post(&b).await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first);

    let photo = png();
    let created: serde_json::Value = http
        .post(format!("{}/api/v1/uploads", a.base))
        .header("upload-length", photo.len())
        .header("content-type", "image/png")
        .header("x-api-key", "congdan-demo-key")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/uploads/{}", created["id"].as_str().unwrap());
    let half = photo.len() / 2;
    let patch = |server: &Server, offset: usize, bytes: Vec<u8>| {
        http.patch(format!("{}{path}", server.base))
            .header("upload-offset", offset)
            .body(bytes)
            .send()
    };
    assert_eq!(
        patch(&a, 0, photo[..half].to_vec()).await.unwrap().status(),
        204
    );
    let head = http.head(format!("{}{path}", b.base)).send().await.unwrap();
    assert_eq!(head.headers()["upload-offset"], half.to_string().as_str());
    let rest = patch(&b, half, photo[half..].to_vec()).await.unwrap();
    assert_eq!(rest.status(), 204);
    assert_eq!(
        rest.headers()["upload-offset"],
        photo.len().to_string().as_str()
    );

    let login = |server: &Server, password: &'static str| {
        http.post(format!("{}/api/v1/auth/login", server.base))
            .json(&serde_json::json!({"username": congdan_server::accounts::DEMO_USERNAME, "password": password}))
            .send()
    };
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &b };
        assert_eq!(login(server, "sai-mat-khau").await.unwrap().status(), 401);
    }
    let locked = login(&b, congdan_server::accounts::DEMO_PASSWORD)
        .await
        .unwrap();
    assert_eq!(locked.status(), 429);
}
