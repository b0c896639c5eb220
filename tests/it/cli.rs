//! The `congdan` CLI against the real server, then offline from its cache.

use congdan_tests::bin_path;
use congdan_tests::server::TestServer;
use std::process::{Command, Output};

fn congdan(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(bin_path("congdan"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("congdan runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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
