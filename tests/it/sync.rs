//! Real client core against the real server binary over loopback HTTP.

use congdan_core::{Core, ErrorCode, SyncProgress};
use congdan_tests::proxy::CountingProxy;
use congdan_tests::server::TestServer;
use std::sync::{Arc, Mutex};

/// Number of procedures in the demo catalogue (data/demo/procedures.jsonl.gz).
const CATALOGUE_SIZE: u32 = 2642;
/// A real Hà Nội ward from the demo units, used as the home unit.
const HOME_UNIT: &str = "00004";

fn client(dir: &tempfile::TempDir, url: &str) -> Core {
    let core = Core::open(&dir.path().join("client.db")).expect("client profile opens");
    core.set_server_url(url).expect("server url is valid");
    core
}

fn report_of<'a>(
    report: &'a congdan_core::SyncReport,
    resource: &str,
) -> &'a congdan_core::ResourceReport {
    report
        .resources
        .iter()
        .find(|r| r.resource == resource)
        .unwrap_or_else(|| panic!("no report for {resource}: {report:?}"))
}

async fn first_full_sync(core: &Core) -> congdan_core::SyncReport {
    core.sync(&|_| {}).await.expect("units and procedures sync");
    core.set_home_unit(HOME_UNIT)
        .await
        .expect("home unit exists after units sync");
    core.sync(&|_| {}).await.expect("news sync")
}

#[tokio::test]
async fn first_sync_fills_the_cache_and_search_works_offline() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = client(&dir, &server.url());

    let report = core.sync(&|_| {}).await.unwrap();
    assert_eq!(report_of(&report, "procedures").items, CATALOGUE_SIZE);
    assert_eq!(report_of(&report, "units").items, 34 + 3321);
    let home = core.set_home_unit(HOME_UNIT).await.unwrap();
    assert_eq!(home.province_code, "01");
    let report = core.sync(&|_| {}).await.unwrap();
    assert!(report_of(&report, "news").items >= 100, "{report:?}");

    drop(server); // everything below must come from the cache
    let hits = core
        .search_procedures(&congdan_core::ProcedureQuery {
            text: "dang ky khai sinh".into(),
            level: None,
            field: None,
            limit: 10,
        })
        .unwrap();
    assert!(
        hits.hits
            .iter()
            .any(|h| h.name.to_lowercase().contains("đăng ký khai sinh")),
        "{:?}",
        hits.hits.iter().map(|h| &h.name).collect::<Vec<_>>()
    );
    let news = core.news(50).unwrap();
    assert_eq!(news.items.len(), 50);
    assert!(news.freshness.synced_at.is_some());
}

/// A device fully synced through a counting proxy, then synced again with
/// nothing changed on the server; the proxy has counted only that second sync.
struct SyncedTwice {
    server: TestServer,
    proxy: CountingProxy,
    dir: tempfile::TempDir,
    core: Core,
    report: congdan_core::SyncReport,
}

async fn synced_twice() -> SyncedTwice {
    let server = TestServer::seeded().await.unwrap();
    let proxy = CountingProxy::start(server.addr()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = client(&dir, &proxy.url());
    first_full_sync(&core).await;
    proxy.counters().reset();
    let report = core.sync(&|_| {}).await.unwrap();
    SyncedTwice {
        server,
        proxy,
        dir,
        core,
        report,
    }
}

#[tokio::test]
async fn second_sync_is_all_not_modified_and_tiny_on_the_wire() {
    let SyncedTwice { proxy, report, .. } = synced_twice().await;
    for resource in ["units", "procedures", "news", "services", "public_requests"] {
        report_of(&report, resource);
    }
    for r in &report.resources {
        assert!(r.not_modified, "{} was not a 304: {r:?}", r.resource);
        assert_eq!((r.items, r.deleted), (0, 0));
    }
    let bytes = proxy.counters().total();
    // The five content and Open311 checks fitted in 2 KB. The change feeds now
    // share one `POST /api/v1/check` (issue 12: 2.2 KB in all, 3.3 KB with a 304
    // each); each document added since (holidays, announcements, the bus network)
    // is one more conditional GET answered 304, about 310 bytes both ways.
    assert!(bytes < 2048 + 3 * 320, "second sync moved {bytes} bytes");
}

/// The change feeds a sync of the home unit pulls (documents are not change feeds).
const FEEDS: &[&str] = &[
    "/api/v1/units",
    "/api/v1/procedures",
    "/api/v1/news",
    "/api/v1/outages",
    "/api/v1/alerts",
    "/api/v1/bulletins",
];

/// Issue 12: an unchanged sync asks about every change feed in ONE check
/// instead of one conditional GET each (a round trip each, 1.3 s on 2G), and
/// reports them as not modified; after news arrives on the server, the next
/// sync pulls news, and only news of the feeds.
#[tokio::test]
async fn an_unchanged_sync_checks_the_feeds_in_one_request_and_new_news_is_pulled() {
    let SyncedTwice {
        server,
        proxy,
        dir,
        core,
        report,
    } = synced_twice().await;
    let requests = proxy.counters().requests();
    let checks = requests.iter().filter(|r| *r == "POST /api/v1/check");
    assert_eq!(checks.count(), 1, "{requests:?}");
    let feed_gets: Vec<&String> = requests
        .iter()
        .filter(|r| FEEDS.iter().any(|feed| *r == &format!("GET {feed}")))
        .collect();
    assert!(feed_gets.is_empty(), "{requests:?}");
    for feed in FEEDS {
        let name = feed.trim_start_matches("/api/v1/");
        assert!(report_of(&report, name).not_modified, "{report:?}");
    }

    let rss = dir.path().join("tin-moi.xml");
    std::fs::write(
        &rss,
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Phường Ba Đình</title>\
         <link>https://badinh.hanoi.gov.vn/</link><description>Tin</description>\
         <item><title>Lịch tiêm chủng tháng 12</title><link>https://badinh.hanoi.gov.vn/tin/1</link>\
         <guid>https://badinh.hanoi.gov.vn/tin/1</guid><pubDate>Sat, 05 Dec 2026 08:00:00 +0700</pubDate>\
         <description>Trạm y tế phường tiêm vào sáng thứ Bảy.</description></item></channel></rss>",
    )
    .unwrap();
    let out = server
        .admin(&["ingest-feed", "--unit", HOME_UNIT, rss.to_str().unwrap()])
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    proxy.counters().reset();
    let report = core.sync(&|_| {}).await.unwrap();
    let requests = proxy.counters().requests();
    let feed_gets: Vec<&String> = requests
        .iter()
        .filter(|r| FEEDS.iter().any(|feed| *r == &format!("GET {feed}")))
        .collect();
    assert_eq!(feed_gets, ["GET /api/v1/news"], "{requests:?}");
    assert_eq!(report_of(&report, "news").items, 1, "{report:?}");
    assert!(report_of(&report, "units").not_modified);
    assert!(
        core.news(500)
            .unwrap()
            .items
            .iter()
            .any(|n| n.title == "Lịch tiêm chủng tháng 12")
    );
}

#[tokio::test]
async fn deletions_on_the_server_reach_the_client() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = client(&dir, &server.url());
    first_full_sync(&core).await;

    let victim = core.news(1).unwrap().items[0].id.clone();
    let out = server.admin(&["delete-news", &victim]).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = server.admin(&["delete-procedure", "1.001193"]).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let report = core.sync(&|_| {}).await.unwrap();
    assert_eq!(report_of(&report, "news").deleted, 1);
    assert_eq!(report_of(&report, "procedures").deleted, 1);
    assert_eq!(
        core.news_item(&victim).unwrap_err().code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        core.procedure("1.001193").unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_killed_mid_sync_leaves_a_consistent_store_and_the_next_sync_resumes() {
    let server = Arc::new(tokio::sync::Mutex::new(TestServer::seeded().await.unwrap()));
    let db = server.lock().await.db().to_path_buf();
    let dir = tempfile::tempdir().unwrap();
    let url = server.lock().await.url();
    let core = client(&dir, &url);

    // Kill the server as soon as the second range of the catalogue's bundle is kept.
    let killer = server.clone();
    let kept = Arc::new(Mutex::new((0u32, 0u32)));
    let seen = kept.clone();
    let progress = move |p: SyncProgress| {
        if p.resource == "procedures" && !p.done {
            let mut seen = seen.lock().unwrap();
            seen.0 += 1;
            seen.1 = seen.1.max(p.bytes);
            if seen.0 == 2 {
                let killer = killer.clone();
                // The callback is synchronous; kill on the runtime and wait for it.
                tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current()
                        .block_on(async move { killer.lock().await.kill().await.unwrap() })
                });
            }
        }
    };
    let err = core.sync(&progress).await.unwrap_err();
    assert!(
        matches!(
            err.code(),
            ErrorCode::Offline | ErrorCode::ServerUnavailable
        ),
        "{err:?}"
    );

    let stored = core
        .status()
        .unwrap()
        .resources
        .into_iter()
        .find(|r| r.resource == "procedures")
        .unwrap()
        .count;
    let (ranges, bytes) = *kept.lock().unwrap();
    assert_eq!(
        (stored, ranges),
        (0, 2),
        "two ranges kept, no procedure before the whole bundle"
    );
    assert!(bytes > 0);
    assert!(core.status().unwrap().last_error.is_some());

    // Restart at the same address on the same database; the client resumes the
    // bundle after the bytes it kept and stores the whole catalogue.
    let addr = server.lock().await.addr().to_string();
    let _restarted = TestServer::start_at(&db, &addr).await.unwrap();
    let resumed_from = Arc::new(Mutex::new(None));
    let first = resumed_from.clone();
    let report = core
        .sync(&move |p: SyncProgress| {
            if p.resource == "procedures" && !p.done {
                first.lock().unwrap().get_or_insert(p.bytes);
            }
        })
        .await
        .unwrap();
    assert_eq!(report_of(&report, "procedures").items, CATALOGUE_SIZE);
    let resumed_from = resumed_from.lock().unwrap().expect("the bundle went on");
    assert!(
        resumed_from > bytes,
        "the first range after the restart ends past the {bytes} bytes kept ({resumed_from})"
    );
    assert!(core.status().unwrap().last_error.is_none());
}
