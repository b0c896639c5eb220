//! Bus networks: `ingest-gtfs` keeps the stored network when a feed is broken, and
//! `/api/v1/bus/{province}` serves it with a strong ETag, 304 and byte ranges.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use congdan_server::commands::bus::{BusIngestError, ingest_gtfs};
use congdan_transit::Network;

use crate::support::test_app;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gtfs/sample-feed.zip")
}

/// The sample feed without `drop`, as a new zip.
fn sample_without(drop: &str) -> tempfile::NamedTempFile {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(sample()).unwrap()).unwrap();
    let mut tmp = tempfile::NamedTempFile::new().unwrap();
    {
        let mut out = zip::ZipWriter::new(tmp.as_file_mut());
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            if entry.name() == drop {
                continue;
            }
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            out.start_file(entry.name(), zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&body).unwrap();
        }
        out.finish().unwrap();
    }
    tmp
}

#[tokio::test]
async fn a_broken_feed_is_refused_and_the_stored_network_stays_served() {
    let t = test_app().await;
    t.seed_units().await;
    let stored = ingest_gtfs(t.storage.as_ref(), "79", &sample())
        .await
        .unwrap();
    assert_eq!(stored.meta.stops as usize, 9);

    let broken = sample_without("stops.txt");
    let err = ingest_gtfs(t.storage.as_ref(), "79", broken.path())
        .await
        .unwrap_err();
    let BusIngestError::Refused(report) = err else {
        panic!("{err}")
    };
    assert!(report.to_string().contains("stops.txt"), "{report}");

    let answer = t.get("/api/v1/bus/79").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["etag"], stored.meta.etag.as_str());
    let network = Network::from_wire(&answer.body).unwrap();
    assert_eq!(network.stops.len(), 9);
    assert_eq!(network.timezone, "America/Los_Angeles");
}

#[tokio::test]
async fn unknown_or_commune_level_province_is_refused() {
    let t = test_app().await;
    t.seed_units().await;
    for code in ["99", "26734"] {
        let err = ingest_gtfs(t.storage.as_ref(), code, &sample())
            .await
            .unwrap_err();
        assert!(matches!(err, BusIngestError::UnknownProvince(_)), "{err}");
    }
    assert_eq!(t.get("/api/v1/bus/99").await.status, 404);
}

#[tokio::test]
async fn the_body_comes_in_ranges_with_a_strong_etag_and_304() {
    let t = test_app().await;
    t.seed_units().await;
    let stored = ingest_gtfs(t.storage.as_ref(), "79", &sample())
        .await
        .unwrap();
    let etag = stored.meta.etag.clone();

    let list = t.get("/api/v1/bus").await.json();
    assert_eq!(list[0]["province"], "79");
    assert_eq!(list[0]["bytes"], stored.meta.bytes);

    let whole = t
        .get_with("/api/v1/bus/79", &[("accept-encoding", "gzip, zstd")])
        .await;
    assert_eq!(whole.headers["accept-ranges"], "bytes");
    assert!(
        whole.headers.get("content-encoding").is_none(),
        "stored compressed, not compressed again"
    );
    assert_eq!(whole.body.len() as u64, stored.meta.bytes);

    let mut joined = Vec::new();
    let len = whole.body.len();
    let mut at = 0;
    while at < len {
        let range = format!("bytes={at}-{}", at + 999);
        let part = t
            .get_with("/api/v1/bus/79", &[("range", &range), ("if-range", &etag)])
            .await;
        assert_eq!(part.status, 206);
        let end = (at + 999).min(len - 1);
        assert_eq!(
            part.headers["content-range"],
            format!("bytes {at}-{end}/{len}").as_str()
        );
        joined.extend_from_slice(&part.body);
        at += 1000;
    }
    assert_eq!(joined, whole.body);

    let stale = t
        .get_with(
            "/api/v1/bus/79",
            &[("range", "bytes=0-9"), ("if-range", "\"bus-79-old\"")],
        )
        .await;
    assert_eq!((stale.status.as_u16(), stale.body.len()), (200, len));
    let past = t
        .get_with("/api/v1/bus/79", &[("range", &format!("bytes={len}-"))])
        .await;
    assert_eq!(past.status, 416);
    let same = t
        .get_with("/api/v1/bus/79", &[("if-none-match", &etag)])
        .await;
    assert_eq!(same.status, 304);
    assert!(same.body.is_empty());
}
