//! gzip and zstd answers when the client asks for them.

use std::io::Read;

use crate::support::{TestApp, procedure, test_app};

/// The app over twenty procedures, a page worth compressing.
async fn twenty_procedures() -> TestApp {
    let t = test_app().await;
    t.storage
        .upsert_procedures(
            (0..20)
                .map(|n| procedure(&format!("1.{n:06}"), "Thủ tục"))
                .collect(),
        )
        .await
        .unwrap();
    t
}

#[tokio::test]
async fn gzip_when_asked() {
    let t = twenty_procedures().await;
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
    let t = twenty_procedures().await;
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

/// List pages are encoded and kept in memory by the server itself; their
/// headers are still those the compression layer writes on other answers
/// (one `Vary: accept-encoding`, the coding the layer would pick), and a
/// repeated answer is the same headers and bytes.
#[tokio::test]
async fn pages_from_memory_carry_the_compression_layers_headers() {
    let t = twenty_procedures().await;
    let vary = |answer: &crate::support::Answer| -> Vec<String> {
        answer
            .headers
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    let layer = t
        .get_with(
            "/api/v1/procedures/1.000001",
            &[("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(layer.headers["content-encoding"], "gzip");
    for (accept, coding) in [
        ("", None),
        ("gzip", Some("gzip")),
        ("zstd", Some("zstd")),
        ("gzip, zstd;q=0.5", Some("gzip")),
        ("br", None),
    ] {
        let first = t
            .get_with("/api/v1/procedures", &[("accept-encoding", accept)])
            .await;
        let again = t
            .get_with("/api/v1/procedures", &[("accept-encoding", accept)])
            .await;
        assert_eq!(first.status, 200);
        assert_eq!(vary(&first), vary(&layer), "{accept}");
        assert_eq!(
            first
                .headers
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            coding,
            "{accept}"
        );
        assert_eq!(first.headers["etag"], "W/\"procedures-20\"");
        assert_eq!(first.headers["cache-control"], "no-cache");
        assert_eq!(first.headers["content-type"], "application/json");
        assert_eq!(again.headers, first.headers, "{accept}");
        assert_eq!(again.body, first.body, "{accept}");
    }
}
