//! `congdan-server backup` against the real server while it serves: the copy,
//! started as a new server (the documented restore: copy the file back, start),
//! serves the same ETags as the original (issue 13).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use congdan_tests::bin_path;
use congdan_tests::server::TestServer;

const SERVICE: &str = "ha-tang-giao-thong";

/// Files one Open311 request and returns its id.
async fn file_request(http: &reqwest::Client, url: &str, n: usize) -> String {
    let answer = http
        .post(format!("{url}/open311/v2/requests.json"))
        .form(&[
            ("api_key", "congdan-demo-key"),
            ("service_code", SERVICE),
            ("lat", "21.0341"),
            ("long", "105.8372"),
            ("description", &format!("Ổ gà số {n} trước nhà văn hoá")),
            ("attribute[loai_hu_hong]", "o-ga"),
            ("attribute[nguy_hiem]", "co"),
        ])
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body[0]["service_request_id"].as_str().unwrap().to_owned()
}

/// The ETag and body of a GET.
async fn etag(http: &reqwest::Client, url: &str) -> (String, String) {
    let answer = http.get(url).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{url}");
    let tag = answer.headers()["etag"].to_str().unwrap().to_owned();
    (tag, answer.text().await.unwrap())
}

#[tokio::test]
async fn backup_while_serving_restores_to_a_server_with_the_same_etags() {
    let original = TestServer::seeded().await.unwrap();
    let url = original.url();
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(file_request(&http, &url, n).await);
    }

    // Keep writing while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (http, url, stop) = (http.clone(), url.clone(), stop.clone());
        async move {
            let mut n = 100;
            while !stop.load(Ordering::Relaxed) {
                file_request(&http, &url, n).await;
                n += 1;
            }
            n - 100
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let out = tokio::process::Command::new(bin_path("congdan-server"))
        .arg("backup")
        .arg("--db")
        .arg(original.db())
        .arg(&copy)
        .output()
        .await
        .unwrap();
    stop.store(true, Ordering::Relaxed);
    let written_during = writer.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backup written"));
    eprintln!("{written_during} requests filed while the backup ran");

    // Restore: the backup file is the new server's database.
    let restored_db = dir.path().join("restored.db");
    std::fs::copy(&copy, &restored_db).unwrap();
    let restored = TestServer::start_on(&restored_db).await.unwrap();

    let mut paths = vec!["/api/v1/procedures".to_owned(), "/api/v1/units".to_owned()];
    paths.extend(
        ids.iter()
            .map(|id| format!("/open311/v2/requests/{id}.json")),
    );
    for path in &paths {
        let (tag_a, body_a) = etag(&http, &format!("{url}{path}")).await;
        let (tag_b, body_b) = etag(&http, &format!("{}{path}", restored.url())).await;
        assert_eq!(tag_a, tag_b, "{path}");
        assert_eq!(body_a, body_b, "{path}");
        // The restored server answers the original's ETag with 304.
        let answer = http
            .get(format!("{}{path}", restored.url()))
            .header("if-none-match", &tag_a)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 304, "{path}");
    }
}
