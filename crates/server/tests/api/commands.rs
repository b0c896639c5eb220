//! Operator commands through the library: seed from a data directory, ingest a
//! feed from a file or a loopback URL, and refuse bad feeds without touching data.

use std::path::{Path, PathBuf};

use axum::routing::get;
use congdan_search::Synonyms;
use congdan_server::commands::{self, CommandError, FeedSource};
use congdan_server::storage::{Resource, Scope};

use crate::support::test_app;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn vnexpress() -> PathBuf {
    fixtures().join("seed/feeds/vnexpress-tin-moi-nhat-20170218.xml")
}

#[tokio::test]
async fn seed_reports_and_reseeding_changes_nothing() {
    let t = test_app().await;
    let dictionary = Synonyms::builtin()
        .extended(Synonyms::parse("HQ\thải quan\ta commune's own line\n").unwrap());
    let report = commands::seed(t.storage.as_ref(), &fixtures().join("seed"), &dictionary)
        .await
        .unwrap();
    assert_eq!(
        report.procedures_with_aliases, 2,
        "the two customs procedures get HQ"
    );
    assert!(
        report
            .to_string()
            .contains("synonyms: 2 procedures have colloquial names")
    );
    let names: Vec<&str> = report.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "units.csv",
            "procedures.jsonl.gz",
            "feeds/vnexpress-tin-moi-nhat-20170218.xml"
        ]
    );
    let procedures = &report.sources[1];
    assert_eq!(procedures.counts.inserted, 3);
    assert_eq!(procedures.rejected.len(), 1, "{procedures}");
    assert_eq!(procedures.rejected[0].position, "line 4");
    assert!(report.sources[2].counts.inserted > 0);
    assert_eq!(report.failed_feeds.len(), 1);
    assert_eq!(report.failed_feeds[0].0, "feeds/broken.xml");
    let text = report.to_string();
    assert!(
        text.contains("procedures.jsonl.gz: 3 accepted (3 new"),
        "{text}"
    );

    let head = t.storage.head(Resource::Units, Scope::All).await.unwrap();
    let again = commands::seed(t.storage.as_ref(), &fixtures().join("seed"), &dictionary)
        .await
        .unwrap();
    for source in &again.sources {
        assert_eq!(
            source.counts.inserted + source.counts.updated,
            0,
            "{source}"
        );
    }
    assert_eq!(
        t.storage.head(Resource::Units, Scope::All).await.unwrap(),
        head
    );

    // Seeded units scope news: a Hà Nội ward sees the national feed.
    let answer = t.get("/api/v1/news?unit=00004").await;
    assert_eq!(answer.status, 200);
    assert!(!answer.json()["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn seed_without_catalogue_fails() {
    let t = test_app().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("seed/units.csv"),
        dir.path().join("units.csv"),
    )
    .unwrap();
    let err = commands::seed(t.storage.as_ref(), dir.path(), &Synonyms::builtin())
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Source { .. }), "{err}");
}

async fn seeded_units() -> crate::support::TestApp {
    let t = test_app().await;
    t.seed_units().await;
    t
}

#[tokio::test]
async fn ingest_file_for_a_unit_and_refuse_unknown_units() {
    let t = seeded_units().await;
    let report = commands::ingest_feed(t.storage.as_ref(), "00001", &FeedSource::File(vnexpress()))
        .await
        .unwrap();
    assert!(report.counts.inserted > 0);
    let page = t.get("/api/v1/news?unit=00001&limit=1000").await.json();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), report.counts.inserted);
    assert!(items.iter().all(|item| item["unit"] == "00001"));
    // Not visible to another province.
    let other = t.get("/api/v1/news?unit=79").await.json();
    assert!(other["items"].as_array().unwrap().is_empty());

    let err = commands::ingest_feed(t.storage.as_ref(), "12345", &FeedSource::File(vnexpress()))
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::UnknownUnit { .. }), "{err}");
    commands::ingest_feed(t.storage.as_ref(), "VN", &FeedSource::File(vnexpress()))
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_feeds_leave_stored_news_untouched() {
    let t = seeded_units().await;
    commands::ingest_feed(t.storage.as_ref(), "00001", &FeedSource::File(vnexpress()))
        .await
        .unwrap();
    let scope = Scope::Units(vec!["00001".into()]);
    let head = t.storage.head(Resource::News, scope.clone()).await.unwrap();

    let not_a_feed = FeedSource::File(fixtures().join("not-a-feed.xml"));
    let err = commands::ingest_feed(t.storage.as_ref(), "00001", &not_a_feed)
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Source { .. }), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.xml");
    std::fs::write(
        &huge,
        vec![b' '; congdan_sources::feed::MAX_FEED_BYTES + 10],
    )
    .unwrap();
    let err = commands::ingest_feed(t.storage.as_ref(), "00001", &FeedSource::File(huge))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::Source {
                source: congdan_sources::SourceError::TooLarge { .. },
                ..
            }
        ),
        "{err}"
    );

    let missing = FeedSource::File(dir.path().join("missing.xml"));
    let err = commands::ingest_feed(t.storage.as_ref(), "00001", &missing)
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Io { .. }), "{err}");

    assert_eq!(t.storage.head(Resource::News, scope).await.unwrap(), head);
}

#[tokio::test]
async fn ingest_from_a_loopback_url() {
    let t = seeded_units().await;
    let feed = std::fs::read(vnexpress()).unwrap();
    let big = vec![b' '; congdan_sources::feed::MAX_FEED_BYTES + 4096];
    let router = axum::Router::new()
        .route("/feed.xml", get(move || async move { feed }))
        .route("/big.xml", get(move || async move { big }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let source = FeedSource::parse(&format!("http://{addr}/feed.xml"));
    assert!(matches!(source, FeedSource::Url(_)));
    let report = commands::ingest_feed(t.storage.as_ref(), "01", &source)
        .await
        .unwrap();
    assert!(report.counts.inserted > 0);

    let missing = FeedSource::parse(&format!("http://{addr}/missing.xml"));
    let err = commands::ingest_feed(t.storage.as_ref(), "01", &missing)
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Fetch { .. }), "{err}");

    let big = FeedSource::parse(&format!("http://{addr}/big.xml"));
    let err = commands::ingest_feed(t.storage.as_ref(), "01", &big)
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::Source { .. }), "{err}");

    server.abort();
}

#[tokio::test]
async fn delete_command_reports_missing_keys() {
    let t = test_app().await;
    t.storage
        .upsert_procedures(vec![crate::support::procedure("1.000001", "A")])
        .await
        .unwrap();
    commands::delete(t.storage.as_ref(), Resource::Procedures, "1.000001")
        .await
        .unwrap();
    let err = commands::delete(t.storage.as_ref(), Resource::Procedures, "1.000001")
        .await
        .unwrap_err();
    assert!(matches!(err, CommandError::NotFound { .. }), "{err}");
}
