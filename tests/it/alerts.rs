//! Alerts across processes: an operator issues one with `congdan-server
//! issue-alert`, a client waiting with `congdan alerts --wait` (long poll) has
//! it pinned within 5 s; alerts issued while a client was away all arrive with
//! its next sync, ordered by severity; the `.cap` answer is CAP 1.2.

use std::time::{Duration, Instant};

use congdan_tests::bin_path;
use congdan_tests::cli::{congdan, ok, stdout};
use congdan_tests::server::TestServer;
use serde_json::Value;

fn issue(server: &TestServer, severity: &str, headline: &str) -> String {
    let out = server
        .admin(&[
            "issue-alert",
            "--unit",
            "00004",
            "--event",
            "Bão số 3",
            "--severity",
            severity,
            "--urgency",
            "Immediate",
            "--certainty",
            "Likely",
            "--headline",
            headline,
            "--expires",
            "2099-01-01T00:00:00+07:00",
        ])
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out).trim().to_owned()
}

#[tokio::test]
async fn an_issued_alert_reaches_a_waiting_client_within_five_seconds() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    ok(congdan(
        &db,
        &["--server", &server.url(), "set-unit", "00004"],
    ));
    ok(congdan(&db, &["sync"]));
    let empty: Value =
        serde_json::from_slice(&ok(congdan(&db, &["alerts", "--json"])).stdout).unwrap();
    assert_eq!(empty["active"].as_array().unwrap().len(), 0);

    // The client waits (long poll) while the operator issues.
    let waiting = tokio::process::Command::new(bin_path("congdan"))
        .arg("--db")
        .arg(&db)
        .args(["alerts", "--wait", "20", "--json"])
        .output();
    let waiting = tokio::spawn(waiting);
    // Whether the poll reaches the server before or after the issue, the answer
    // must carry the alert within 5 s of it (before: the held request is
    // answered on the change; after: its ETag is stale and it is answered at once).
    let id = issue(&server, "Severe", "Bão số 3 đổ bộ đêm nay");
    let issued = Instant::now();
    let out = tokio::time::timeout(Duration::from_secs(15), waiting)
        .await
        .expect("the long poll answers")
        .unwrap()
        .unwrap();
    let latency = issued.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list["active"][0]["alert"], id.as_str(), "{list}");
    assert!(latency < Duration::from_secs(5), "{latency:?}");
    for key in [
        "id", "event", "severity", "urgency", "headline", "expires", "units",
    ] {
        assert!(list["active"][0].get(key).is_some(), "{key}");
    }

    // Away from the network: two more, one Extreme; the next sync brings both, Extreme first.
    issue(&server, "Moderate", "Mưa lớn");
    let extreme = issue(&server, "Extreme", "Lũ quét");
    ok(congdan(&db, &["sync"]));
    let list: Value =
        serde_json::from_slice(&ok(congdan(&db, &["alerts", "--json"])).stdout).unwrap();
    let severities: Vec<&str> = list["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["Extreme", "Severe", "Moderate"]);
    assert_eq!(list["active"][0]["alert"], extreme.as_str());

    // Readable offline, and the CAP document is served.
    let cap = reqwest::get(format!("{}/api/v1/alerts/{extreme}.cap", server.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(cap.contains("<severity>Extreme</severity>"), "{cap}");
    drop(server);
    let text = stdout(&ok(congdan(&db, &["alerts"])));
    assert!(text.contains("[Extreme · Immediate] Lũ quét"), "{text}");
}
