//! The change bell across processes (issues 11 and 12): a long poll held by
//! one `serve` process answers within two seconds of an alert issued through
//! another process, and news written by another process is in the next list
//! answer, not a page kept in memory. On PostgreSQL two `serve` processes
//! share one database (`NOTIFY`/`LISTEN`); on SQLite the `issue-alert` and
//! `ingest-feed` verbs write the file `serve` has open (`PRAGMA data_version`).
//! The PostgreSQL tests are skipped with a printed reason when PostgreSQL is
//! not installed (failed under `CI=true`).

use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::engines::{Server, congdan_server};
use crate::pg_cluster::PgCluster;
use crate::support::alert_input;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
const ALERTS: &str = "/api/v1/alerts?unit=00004";
const NEWS: &str = "/api/v1/news?unit=00004";
/// How soon a change made elsewhere must reach an answer.
const PROMPTLY: Duration = Duration::from_secs(2);

/// A `serve` process on `db`, seeded with the demo data first.
fn seeded(db: &str) -> Server {
    congdan_server(&["seed", "--demo", "--db", db, SEED]);
    Server::start(db)
}

/// A long poll of the unit's alerts on `server` with `etag` still current:
/// its status, its body and when it was answered.
fn long_poll(server: &Server, etag: &str) -> JoinHandle<(u16, String, Instant)> {
    let request = reqwest::Client::new()
        .get(format!("{}{ALERTS}&wait=20", server.base))
        .header("if-none-match", etag)
        .send();
    tokio::spawn(async move {
        let answer = request.await.unwrap();
        let status = answer.status().as_u16();
        let body = answer.text().await.unwrap();
        (status, body, Instant::now())
    })
}

/// Waits for `poll` and checks it carries the alert `id`, answered within
/// [`PROMPTLY`] of `issued` (or before it: the issue may return after the
/// poll was already answered).
async fn assert_woken(poll: JoinHandle<(u16, String, Instant)>, id: &str, issued: Instant) {
    let (status, body, answered) = tokio::time::timeout(Duration::from_secs(15), poll)
        .await
        .expect("the long poll answers before its wait is up")
        .unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(id), "{body}");
    let late = answered.saturating_duration_since(issued);
    assert!(late < PROMPTLY, "answered {late:?} after the alert");
}

/// A one-item RSS feed whose item is titled `title`.
fn feed(dir: &std::path::Path, title: &str) -> String {
    let path = dir.join("feed.xml");
    std::fs::write(
        &path,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>\
             <title>UBND phường</title><link>https://ubnd.example.vn</link><description>Tin</description>\
             <item><title>{title}</title><link>https://ubnd.example.vn/tin/1</link>\
             <guid>https://ubnd.example.vn/tin/1</guid><pubDate>Sat, 05 Dec 2026 08:00:00 +0700</pubDate>\
             <description>Nội dung</description></item></channel></rss>"
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

/// Issue an alert through `server`'s officer API as the demo officer; its id.
async fn issue_over_http(server: &Server) -> String {
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&serde_json::json!({
            "username": congdan_server::accounts::DEMO_USERNAME,
            "password": congdan_server::accounts::DEMO_PASSWORD,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("the demo officer logs in");
    let issued = http
        .post(format!("{}/api/v1/officer/alerts", server.base))
        .bearer_auth(token)
        .json(&alert_input("00004"))
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), 200);
    let rows: serde_json::Value = issued.json().await.unwrap();
    rows[0]["alert"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_long_poll_on_one_postgres_process_wakes_on_an_alert_issued_through_another() {
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let db = cluster.url();
    let a = seeded(db);
    let b = Server::start(db);
    let etag = a.get(ALERTS).await.0.unwrap();
    let poll = long_poll(&a, &etag);
    let id = issue_over_http(&b).await;
    assert_woken(poll, &id, Instant::now()).await;
}

#[tokio::test]
async fn a_long_poll_on_sqlite_wakes_on_an_alert_issued_by_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.db");
    let file = file.to_str().unwrap();
    let server = seeded(file);
    let etag = server.get(ALERTS).await.0.unwrap();
    let poll = long_poll(&server, &etag);
    let id = congdan_server(&[
        "issue-alert",
        "--db",
        file,
        "--unit",
        "00004",
        "--event",
        "Bão số 3",
        "--severity",
        "Severe",
        "--urgency",
        "Immediate",
        "--certainty",
        "Likely",
        "--headline",
        "Bão số 3 đổ bộ đêm nay",
    ]);
    assert_woken(poll, id.trim(), Instant::now()).await;
}

/// GET `path` on `server` with `etag` as `If-None-Match`: status and body.
async fn conditional_get(server: &Server, path: &str, etag: &str) -> (u16, String) {
    let answer = reqwest::Client::new()
        .get(format!("{}{path}", server.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// A `serve` process on `db` (seeded here) keeps the unit's news after its
/// head in memory (asked twice, and 304 to its ETag); then another process
/// (`ingest-feed`) adds an item. A conditional GET must bring it within
/// `within` (zero: the very next answer), and then every answer does.
async fn news_written_elsewhere_reaches_the_next_answers(db: &str, within: Duration) {
    let server = seeded(db);
    let etag = server.get(NEWS).await.0.unwrap();
    let head = etag.trim_start_matches("W/\"news-").trim_end_matches('"');
    let path = format!("{NEWS}&since={head}");
    let (etag, body) = server.get(&path).await;
    assert_eq!(server.get(&path).await.1, body);
    assert!(body.starts_with("{\"items\":[]"), "{body}");
    let etag = etag.unwrap();
    assert_eq!(conditional_get(&server, &path, &etag).await.0, 304);

    let dir = tempfile::tempdir().unwrap();
    let title = "Lịch tiếp dân tháng 12 của phường";
    let source = feed(dir.path(), title);
    congdan_server(&["ingest-feed", "--db", db, "--unit", "00004", &source]);
    let deadline = Instant::now() + within;
    loop {
        let (status, body) = conditional_get(&server, &path, &etag).await;
        if status == 200 {
            assert!(body.contains(title), "{body}");
            break;
        }
        assert!(Instant::now() < deadline, "still 304 after {within:?}");
        tokio::task::yield_now().await;
    }
    let (new_etag, after) = server.get(&path).await;
    assert_ne!(new_etag.as_deref(), Some(etag.as_str()));
    assert!(after.contains(title), "{after}");
}

/// On PostgreSQL the notification reaches the other process within
/// milliseconds, not at once: the answers are polled for two seconds.
#[tokio::test]
async fn news_another_postgres_process_writes_is_not_served_from_memory() {
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    news_written_elsewhere_reaches_the_next_answers(cluster.url(), PROMPTLY).await;
}

/// On SQLite each answer from memory first looks at `PRAGMA data_version`.
#[tokio::test]
async fn news_the_cli_writes_on_sqlite_is_in_the_very_next_answer() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.db");
    news_written_elsewhere_reaches_the_next_answers(file.to_str().unwrap(), Duration::ZERO).await;
}
