//! Power cuts across processes: `congdan-server ingest-outages` on the real
//! schedules, the client core pulling its unit's cuts, `congdan outages`, a
//! newer schedule cancelling a withdrawn cut, and a refused file changing nothing.

use congdan_tests::cli::{congdan, ok, stdout};
use congdan_tests::demo_dir;
use congdan_tests::server::TestServer;
use serde_json::Value;

/// Phường 1 Bảo Lộc, named in several cuts of the Lâm Đồng schedule.
const UNIT: &str = "24823";

fn outages_json(db: &std::path::Path) -> Value {
    let out = ok(congdan(db, &["outages", "--from", "2026-06-24", "--json"]));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test]
async fn schedules_reach_the_cli_and_a_newer_one_cancels_a_withdrawn_cut() {
    let server = TestServer::seeded().await.unwrap();
    let schedule = demo_dir().join("outages/lam-dong-schedules-20260624.json");
    let out = server
        .admin(&["ingest-outages", schedule.to_str().unwrap()])
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout(&out).contains("lam-dong-json schedule: 57 cuts"),
        "{}",
        stdout(&out)
    );

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    ok(congdan(&db, &["--server", &server.url(), "set-unit", UNIT]));
    ok(congdan(&db, &["sync"]));
    let list = outages_json(&db);
    let items = list["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{list}");
    for item in items {
        assert_eq!(item["unit"], UNIT);
        assert_eq!(item["status"], "scheduled");
        assert!(item["start"].as_str().unwrap().ends_with("+07:00"));
        for key in ["end", "area", "reason"] {
            assert!(item.get(key).is_some(), "{key}");
        }
    }
    // Nothing of 2026-06 is left after the end of the schedule.
    let later = ok(congdan(&db, &["outages", "--from", "2026-07-01", "--json"]));
    let later: Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(later["items"].as_array().unwrap().len(), 0);

    // A newer schedule without the unit's first cut.
    let first_area = items[0]["area"].as_str().unwrap().to_owned();
    let mut entries: Vec<Value> =
        serde_json::from_slice(&std::fs::read(&schedule).unwrap()).unwrap();
    let before = entries.len();
    entries.retain(|e| loose(e["area"].as_str().unwrap()) != loose(&first_area));
    assert!(entries.len() < before);
    let newer = dir.path().join("newer.json");
    std::fs::write(&newer, serde_json::to_vec(&entries).unwrap()).unwrap();
    let out = server
        .admin(&["ingest-outages", newer.to_str().unwrap()])
        .unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(!stdout(&out).contains(" 0 cancelled"), "{}", stdout(&out));

    ok(congdan(&db, &["sync"]));
    let list = outages_json(&db);
    let cancelled: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "cancelled")
        .collect();
    assert!(!cancelled.is_empty(), "{list}");
    assert!(cancelled.iter().all(|i| i["area"] == first_area.as_str()));

    // A file in an unknown layout is refused and changes nothing the client sees.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "ngay,gio,khu_vuc\n1,2,3\n").unwrap();
    let out = server
        .admin(&["ingest-outages", bad.to_str().unwrap()])
        .unwrap();
    assert!(!out.status.success());
    assert!(stdout(&out).contains("line 1"), "{}", stdout(&out));
    ok(congdan(&db, &["sync"]));
    assert_eq!(outages_json(&db)["items"], list["items"]);
    let text = ok(congdan(&db, &["outages", "--from", "2026-06-24"]));
    assert!(stdout(&text).contains("[đã hủy]"), "{}", stdout(&text));
    let ics = stdout(&ok(congdan(
        &db,
        &["outages", "--from", "2026-06-24", "--ics"],
    )));
    assert_eq!(
        ics.matches("BEGIN:VEVENT").count(),
        list["items"].as_array().unwrap().len()
    );
    assert_eq!(ics.matches("STATUS:CANCELLED").count(), cancelled.len());
}

/// Areas as the server stores them are NFC with whitespace collapsed; the file's are not.
fn loose(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().filter(|c| !c.is_whitespace()).collect()
}
