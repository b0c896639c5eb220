//! The catalogue's bundle: built by `seed`, served byte for byte in ranges with
//! a strong ETag, and holding exactly what paging through the feed gives.

use congdan_protocol::{BUNDLE_CONTENT_TYPE, Page, Procedure};
use congdan_search::Synonyms;
use congdan_server::commands;
use congdan_server::storage::{Resource, Scope};

use crate::support::{procedure, test_app};

const PATH: &str = "/api/v1/procedures/bundle";

#[tokio::test]
async fn seed_builds_the_bundle_and_it_comes_in_ranges_as_the_feed_pages_would() {
    let t = test_app().await;
    assert_eq!(t.get(PATH).await.status, 404, "no bundle before an ingest");

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed");
    commands::seed(t.storage.as_ref(), &dir, &Synonyms::builtin())
        .await
        .unwrap();
    let head = t
        .storage
        .head(Resource::Procedures, Scope::All)
        .await
        .unwrap();

    let whole = t.get_with(PATH, &[("accept-encoding", "gzip, zstd")]).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.headers["content-type"], BUNDLE_CONTENT_TYPE);
    assert_eq!(whole.headers["accept-ranges"], "bytes");
    assert!(
        whole.headers.get("content-encoding").is_none(),
        "stored compressed, not compressed again"
    );
    let etag = whole.headers["etag"].to_str().unwrap().to_owned();
    assert!(!etag.starts_with("W/"), "ranges need a strong tag: {etag}");
    let json = zstd::stream::decode_all(whole.body.as_ref()).unwrap();
    let bundled: Page<Procedure> = serde_json::from_slice(&json).unwrap();
    assert_eq!(bundled.next, head.to_string());
    assert!(!bundled.more);
    let paged: Page<Procedure> =
        serde_json::from_value(t.get("/api/v1/procedures?limit=1000").await.json()).unwrap();
    assert_eq!(
        bundled.items, paged.items,
        "the same procedures in the same order"
    );

    let len = whole.body.len();
    let mut joined = Vec::new();
    while joined.len() < len {
        let at = joined.len();
        let range = format!("bytes={at}-{}", at + 499);
        let part = t
            .get_with(PATH, &[("range", &range), ("if-range", &etag)])
            .await;
        assert_eq!(part.status, 206);
        joined.extend_from_slice(&part.body);
    }
    assert_eq!(joined, whole.body);
    assert_eq!(
        t.get_with(PATH, &[("if-none-match", &etag)]).await.status,
        304
    );

    // A new procedure: the next ingest builds a new bundle, and a resumed
    // download of the old one is told to start again.
    t.storage
        .upsert_procedures(vec![procedure("9.000001", "Thủ tục mới")])
        .await
        .unwrap();
    commands::seed(t.storage.as_ref(), &dir, &Synonyms::builtin())
        .await
        .unwrap();
    let stale = t
        .get_with(PATH, &[("range", "bytes=10-19"), ("if-range", &etag)])
        .await;
    assert_eq!(stale.status, 200, "a changed bundle comes whole");
    assert_ne!(stale.headers["etag"].to_str().unwrap(), etag);
}
