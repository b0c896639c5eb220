//! Crash safety (issue 12): the client (`congdan` CLI) and the server
//! (`congdan-server`) are killed with SIGKILL at seeded random moments of their
//! work, again and again. After each kill the database passes `PRAGMA
//! integrity_check`; at the end nothing the user saved is lost, nothing arrived
//! twice, and a restarted server serves consistent data and answers a replayed
//! `Idempotency-Key` as it did the first time.
//!
//! The client test kills [`client_kills`] times: 200 by default (about two
//! minutes in a debug build); `CONGDAN_CRASH_KILLS=N` changes it, e.g. for a
//! longer soak: `CONGDAN_CRASH_KILLS=2000 cargo test -p congdan-tests --test it
//! crash::`.

use congdan_core::secrets::MemoryStore;
use congdan_core::{Core, CoreOptions, OutboxState};
use congdan_tests::server::TestServer;
use congdan_tests::{bin_path, demo_dir};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::outbox::{arrived, assert_each_once, submit_with_photo};

/// Procedures in the demo catalogue.
const CATALOGUE_SIZE: u32 = 2642;
/// Units in the demo data.
const UNITS: u32 = 3355;

/// Kills of the client test: `CONGDAN_CRASH_KILLS`, else 200 (the count).
fn client_kills() -> u32 {
    std::env::var("CONGDAN_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

/// xorshift64: seeded, so a failing run can be replayed.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// `PRAGMA integrity_check` of a database file another process may just have
/// been killed in (its WAL is recovered on open).
fn assert_intact(db: &Path, when: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(verdict, "ok", "{} after {when}", db.display());
}

/// Runs `congdan --db DB ARGS` and SIGKILLs it after `after` (if it is still
/// running then). Returns whether it was killed.
async fn run_and_kill(db: &Path, args: &[&str], after: Duration) -> bool {
    let mut child = tokio::process::Command::new(bin_path("congdan"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    match tokio::time::timeout(after, child.wait()).await {
        Ok(status) => {
            status.unwrap();
            false
        }
        Err(_) => {
            child.kill().await.unwrap();
            true
        }
    }
}

fn count(core: &Core, resource: &str) -> u32 {
    core.status()
        .unwrap()
        .resources
        .into_iter()
        .find(|r| r.resource == resource)
        .map_or(0, |r| r.count)
}

fn open_profile(db: &Path) -> Core {
    Core::open_with(
        db,
        CoreOptions {
            secrets: Some(Arc::new(MemoryStore::new())),
            ..CoreOptions::default()
        },
    )
    .unwrap()
}

/// The client killed at random moments of `sync` (a first sync of the whole
/// catalogue, later ones that drain the outbox first) and of `outbox --drain`,
/// with reports saved between the kills.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_killed_at_random_moments_loses_nothing_and_sends_nothing_twice() {
    let kills_wanted = client_kills();
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.db");
    // Only the settings: the first sync is one of the things killed.
    {
        let core = open_profile(&db);
        core.set_server_url(&server.url()).unwrap();
        core.set_api_key(congdan_tests::DEMO_API_KEY).unwrap();
        core.set_home_unit("00004").await.unwrap();
    }
    let photo = congdan_tests::photos::synthetic_jpeg(320, 240, 90).unwrap();
    let mut seed: u64 = 0x00c0_ffee;
    let mut saved = 0usize;
    let mut kills = 0;
    let mut rounds = 0;
    while kills < kills_wanted {
        rounds += 1;
        assert!(
            rounds < kills_wanted * 10,
            "only {kills} kills in {rounds} rounds"
        );
        // Every other round the user saves a report (once services are known).
        if next(&mut seed).is_multiple_of(2) {
            let core = open_profile(&db);
            if core
                .services()
                .unwrap()
                .iter()
                .any(|s| s.service_code == crate::outbox::SERVICE)
            {
                submit_with_photo(&core, saved, &photo);
                saved += 1;
            }
        }
        let args: &[&str] = if next(&mut seed).is_multiple_of(2) {
            &["sync"]
        } else {
            &["outbox", "--drain"]
        };
        // Anywhere from start-up (opening the store) to a drain or sync in full flow.
        let after = Duration::from_millis(next(&mut seed) % 600);
        if run_and_kill(&db, args, after).await {
            kills += 1;
            assert_intact(&db, &format!("kill {kills} ({args:?} after {after:?})"));
        }
    }
    // Nothing saved is lost: every report is still in the outbox table, sent or
    // not (the app lists only the latest sent ones, so ask the table).
    let requests: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM outbox WHERE kind = 'request'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(requests, saved as i64, "reports lost from the outbox");
    // Finish without kills; then the server holds each report exactly once.
    for _ in 0..5 {
        if !run_and_kill(&db, &["sync"], Duration::from_secs(120)).await {
            break;
        }
    }
    let core = open_profile(&db);
    for entry in core.outbox().unwrap() {
        assert_eq!(entry.state, OutboxState::Done, "{entry:?}");
    }
    let unsent: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM outbox WHERE state != 'done'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(unsent, 0, "rows left unsent");
    assert_eq!(count(&core, "procedures"), CATALOGUE_SIZE);
    assert_eq!(count(&core, "units"), UNITS);
    let (seen, with_photo) = arrived(&server.url()).await;
    assert_each_once(&seen, saved);
    assert_eq!(with_photo, saved);
    assert!(
        saved > 10,
        "only {saved} reports saved: the drain was hardly tested"
    );
}

/// `congdan-server ARGS` SIGKILLed after `after`; returns whether it was killed.
async fn server_command_killed(args: &[&std::ffi::OsStr], after: Duration) -> bool {
    let mut child = tokio::process::Command::new(bin_path("congdan-server"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    match tokio::time::timeout(after, child.wait()).await {
        Ok(status) => {
            assert!(status.unwrap().success(), "{args:?} failed on its own");
            false
        }
        Err(_) => {
            child.kill().await.unwrap();
            true
        }
    }
}

/// Every item of a change feed, following `next` to the end.
async fn feed_count(http: &reqwest::Client, url: &str) -> usize {
    let mut since = "0".to_string();
    let mut total = 0;
    loop {
        let page: serde_json::Value = http
            .get(format!("{url}&since={since}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        total += page["items"].as_array().unwrap().len();
        if !page["more"].as_bool().unwrap() {
            return total;
        }
        since = page["next"].as_str().unwrap().to_string();
    }
}

/// The server killed during `seed` and `ingest-feed` (each kill followed by an
/// integrity check), then completed: it serves the whole data, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_during_ingest_serves_consistent_data_after() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let demo = demo_dir();
    let mut seed: u64 = 0x5eed_0012;
    let mut kills = 0;
    for _ in 0..12 {
        let after = Duration::from_millis(next(&mut seed) % 3000);
        let args = [
            "seed".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
            demo.as_os_str(),
        ];
        if server_command_killed(&args, after).await {
            kills += 1;
            assert_intact(&db, &format!("seed killed after {after:?}"));
        }
    }
    assert!(kills > 3, "only {kills} seeds killed");
    let feed = std::fs::read_dir(demo.join("feeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "xml"))
        .unwrap();
    for _ in 0..6 {
        let after = Duration::from_millis(next(&mut seed) % 400);
        let args = [
            "ingest-feed".as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
            "--unit".as_ref(),
            "00004".as_ref(),
            feed.as_os_str(),
        ];
        if server_command_killed(&args, after).await {
            assert_intact(&db, &format!("ingest-feed killed after {after:?}"));
        }
    }
    // Completed runs after the kills: the same data as a clean seed.
    let args = [
        "seed".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        demo.as_os_str(),
    ];
    assert!(!server_command_killed(&args, Duration::from_secs(300)).await);
    let server = TestServer::start_on(&db).await.unwrap();
    let http = reqwest::Client::new();
    let base = server.url();
    assert_eq!(
        feed_count(&http, &format!("{base}/api/v1/units?limit=1000")).await,
        UNITS as usize
    );
    assert_eq!(
        feed_count(&http, &format!("{base}/api/v1/procedures?limit=1000")).await,
        CATALOGUE_SIZE as usize
    );
    let news = feed_count(&http, &format!("{base}/api/v1/news?unit=00004&limit=1000")).await;
    assert!(news > 0);
}

/// The server killed while Open311 POSTs are in flight, restarted on the same
/// database: a replay of every POST with its `Idempotency-Key` makes no second
/// request, and a POST answered before the kill is answered the same after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_during_requests_answers_replays_the_same_after_restart() {
    const POSTS: usize = 200;
    let mut server = TestServer::seeded().await.unwrap();
    let db = server.db().to_path_buf();
    let addr = server.addr().to_string();
    let http = reqwest::Client::new();
    let form = |n: usize| {
        format!(
            "api_key={}&service_code={}&description=Crash+{n}&lat=21.0341&long=105.8372\
             &attribute%5Btinh_trang%5D=khong-sang",
            congdan_tests::DEMO_API_KEY,
            crate::outbox::SERVICE
        )
    };
    let key = |n: usize| format!("7c0f3a52-0000-4000-8000-{n:012}");
    let post = |n: usize, url: String| {
        let http = http.clone();
        let body = form(n);
        let key = key(n);
        async move {
            let answer = http
                .post(format!("{url}/open311/v2/requests.json"))
                .header("idempotency-key", key)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .ok()?;
            let status = answer.status().as_u16();
            Some((status, answer.text().await.ok()?))
        }
    };
    // Fire every POST at once and kill the server once a few are answered.
    let url = server.url();
    let answered = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let inflight: Vec<_> = (0..POSTS)
        .map(|n| {
            let answered = answered.clone();
            let sent = post(n, url.clone());
            tokio::spawn(async move {
                let answer = sent.await;
                answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                answer
            })
        })
        .collect();
    congdan_tests::wait::until("a few answers", Duration::from_secs(30), async || {
        (answered.load(std::sync::atomic::Ordering::SeqCst) >= 10).then_some(())
    })
    .await
    .unwrap();
    server.kill().await.unwrap();
    let mut first: HashMap<usize, (u16, String)> = HashMap::new();
    for (n, task) in inflight.into_iter().enumerate() {
        if let Some(answer) = task.await.unwrap() {
            first.insert(n, answer);
        }
    }
    assert_intact(&db, "the server was killed during POSTs");
    let restarted = TestServer::start_at(&db, &addr).await.unwrap();
    for n in 0..POSTS {
        let (status, body) = post(n, restarted.url()).await.unwrap();
        assert_eq!(status, 201, "{body}");
        if let Some((first_status, first_body)) = first.get(&n)
            && *first_status == 201
        {
            assert_eq!(
                &body, first_body,
                "POST {n} answered differently after the restart"
            );
        }
    }
    let list: Vec<serde_json::Value> = http
        .get(format!(
            "{}/open311/v2/requests.json?service_code={}",
            restarted.url(),
            crate::outbox::SERVICE
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in &list {
        *seen
            .entry(r["description"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
    }
    for n in 0..POSTS {
        assert_eq!(seen.get(&format!("Crash {n}")), Some(&1), "POST {n}");
    }
    assert!(
        first.values().filter(|(s, _)| *s == 201).count() < POSTS,
        "the kill came after every POST was answered"
    );
}
