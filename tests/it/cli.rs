//! The `congdan` CLI against the real server, then offline from its cache.

use congdan_tests::cli::{congdan, stdout};
use congdan_tests::server::TestServer;

#[tokio::test]
async fn cli_syncs_searches_and_works_offline() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");

    let out = congdan(&db, &["--server", &server.url(), "sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = congdan(&db, &["set-unit", "00004"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = congdan(&db, &["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    drop(server);

    let out = congdan(
        &db,
        &["search", "cap lai can cuoc", "--json", "--limit", "5"],
    );
    assert!(out.status.success());
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = results["hits"][0]["name"].as_str().unwrap().to_lowercase();
    assert!(
        first.contains("cấp lại") && first.contains("căn cước"),
        "{first}"
    );

    let code = results["hits"][0]["code"].as_str().unwrap().to_string();
    let out = congdan(&db, &["procedure", &code, "--json"]);
    assert!(out.status.success());
    let detail: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(detail["procedure"]["code"], code.as_str());

    // Issue 7: how residents ask, the weak answer, and the ways in before typing.
    let out = congdan(
        &db,
        &["search", "chung thuc chu ky", "--json", "--limit", "3"],
    );
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("Chứng thực chữ ký")),
        "{names:?}"
    );
    let out = congdan(&db, &["search", "mua vé máy bay giá rẻ"]);
    assert!(
        stdout(&out).contains("Không tìm thấy thủ tục khớp hẳn"),
        "{}",
        stdout(&out)
    );
    let out = congdan(&db, &["save", &code]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = congdan(&db, &["guide", "--json"]);
    let home: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(home["saved"][0]["code"], code.as_str());
    assert_eq!(home["recent"][0]["code"], code.as_str(), "opened above");
    assert!(stdout(&congdan(&db, &["guide"])).contains("Sinh con"));
    let out = congdan(&db, &["guide", "sinh-con", "--json"]);
    let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["procedures"][0]["code"], "1.001193");
    assert_eq!(
        congdan(&db, &["guide", "no-such-event"]).status.code(),
        Some(2)
    );

    let out = congdan(&db, &["news", "--json", "--limit", "3"]);
    assert!(out.status.success());
    let news: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(news["items"].as_array().unwrap().len(), 3);

    // The server is gone: sync fails with a Vietnamese message and a non-zero exit.
    let out = congdan(&db, &["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kết nối") || err.contains("Máy chủ"), "{err}");
}

#[test]
fn cli_reports_an_unknown_procedure_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let out = congdan(&dir.path().join("empty.db"), &["procedure", "9.999999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
    assert!(stdout(&out).is_empty());
}

#[tokio::test]
async fn my_report_shows_the_working_time_left_counted_with_the_holiday_table() {
    use congdan_tests::cli::{LAMP_REPORT, ok};
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let key = congdan_tests::DEMO_API_KEY;
    ok(congdan(
        &db,
        &["--server", &server.url(), "--api-key", key, "sync"],
    ));
    ok(congdan(&db, &["set-unit", "00004"]));
    ok(congdan(&db, LAMP_REPORT));
    ok(congdan(&db, &["outbox", "--drain"]));
    ok(congdan(&db, &["sync"]));
    let mine: serde_json::Value =
        serde_json::from_slice(&ok(congdan(&db, &["requests", "--json"])).stdout).unwrap();
    let item = &mine["items"][0];
    let deadline = chrono::DateTime::parse_from_rfc3339(item["deadline"].as_str().unwrap())
        .unwrap()
        .to_utc();
    let left = &item["timeLeft"];
    assert_eq!(left["overdue"], false, "{item}");
    // The server's table (synced) and the built-in one agree here; the core
    // counts from "now" a moment after this test's clock read.
    let calendar =
        congdan_hours::holidays::HolidayCalendar::from_iter(congdan_hours::holidays::builtin());
    let expected =
        congdan_hours::deadlines::working_minutes_between(chrono::Utc::now(), deadline, &calendar);
    let shown = left["workingMinutes"].as_i64().unwrap();
    assert!(
        (expected..=expected + 1).contains(&shown),
        "{shown} vs {expected}"
    );
    assert!(shown > 0, "{item}");
}

#[tokio::test]
async fn the_data_saver_leaves_the_catalogue_for_sync_full() {
    use congdan_tests::cli::ok;
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    ok(congdan(
        &db,
        &["--server", &server.url(), "data-saver", "on"],
    ));
    let light = ok(congdan(&db, &["sync"]));
    assert!(
        stdout(&light).contains("chờ `sync --full`"),
        "{}",
        stdout(&light)
    );
    let status: serde_json::Value =
        serde_json::from_slice(&ok(congdan(&db, &["status", "--json"])).stdout).unwrap();
    let count = |status: &serde_json::Value, name: &str| {
        status["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == name)
            .map(|r| r["count"].as_u64().unwrap())
    };
    assert_eq!(count(&status, "procedures"), Some(0), "{status}");
    assert!(count(&status, "units").unwrap() > 3000);
    ok(congdan(&db, &["sync", "--full"]));
    let status: serde_json::Value =
        serde_json::from_slice(&ok(congdan(&db, &["status", "--json"])).stdout).unwrap();
    assert!(count(&status, "procedures").unwrap() > 2000, "{status}");
}
