//! gzip and zstd answers when the client asks for them.

use std::io::Read;

use crate::support::{procedure, test_app};

#[tokio::test]
async fn gzip_when_asked() {
    let t = test_app().await;
    t.storage
        .upsert_procedures(
            (0..20)
                .map(|n| procedure(&format!("1.{n:06}"), "Thủ tục"))
                .collect(),
        )
        .await
        .unwrap();
    let answer = t
        .get_with("/api/v1/procedures", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-encoding"], "gzip");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&answer.body[..])
        .read_to_string(&mut text)
        .unwrap();
    let page: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn zstd_when_asked() {
    let t = test_app().await;
    t.storage
        .upsert_procedures(
            (0..20)
                .map(|n| procedure(&format!("1.{n:06}"), "Thủ tục"))
                .collect(),
        )
        .await
        .unwrap();
    let answer = t
        .get_with("/api/v1/procedures", &[("accept-encoding", "zstd")])
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["content-encoding"], "zstd");
    // Zstandard frame magic number, little endian 0xFD2FB528.
    assert_eq!(&answer.body[..4], &[0x28, 0xB5, 0x2F, 0xFD]);

    let plain = t.get("/api/v1/procedures").await;
    assert!(!plain.headers.contains_key("content-encoding"));
    assert!(answer.body.len() < plain.body.len());
}
