//! Bad outside input through the real server binary: rejected with a clear report,
//! and nothing already stored is lost.

use congdan_tests::server::TestServer;
use std::io::Write;

async fn news_count(server: &TestServer, unit: &str) -> usize {
    let mut total = 0;
    let mut since = "0".to_string();
    loop {
        let url = format!(
            "{}/api/v1/news?unit={unit}&since={since}&limit=1000",
            server.url()
        );
        let page: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        total += page["items"].as_array().unwrap().len();
        if !page["more"].as_bool().unwrap() {
            return total;
        }
        since = page["next"].as_str().unwrap().to_string();
    }
}

fn ingest(server: &TestServer, file: &std::path::Path) -> std::process::Output {
    server
        .admin(&["ingest-feed", "--unit", "00004", file.to_str().unwrap()])
        .unwrap()
}

#[tokio::test]
async fn hostile_feeds_are_rejected_and_stored_news_stays() {
    let server = TestServer::seeded().await.unwrap();
    let before = news_count(&server, "00004").await;
    assert!(before >= 100);
    let dir = tempfile::tempdir().unwrap();

    let not_xml = dir.path().join("not-xml.xml");
    std::fs::write(&not_xml, "<html><body>Trang bảo trì {{{").unwrap();

    let laughs = dir.path().join("laughs.xml");
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        bomb.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    bomb.push_str("]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title><link>http://x/1</link></item></channel></rss>");
    std::fs::write(&laughs, bomb).unwrap();

    let huge = dir.path().join("huge.xml");
    let mut f = std::fs::File::create(&huge).unwrap();
    f.write_all(b"<rss version=\"2.0\"><channel><title>x</title>")
        .unwrap();
    let filler = format!("<item><title>{}</title></item>", "a".repeat(1000));
    for _ in 0..(50 * 1024) {
        f.write_all(filler.as_bytes()).unwrap();
    }
    f.write_all(b"</channel></rss>").unwrap();
    drop(f);

    for (file, what) in [(&not_xml, "not a feed"), (&huge, "50 MB")] {
        let out = ingest(&server, file);
        assert!(!out.status.success(), "{what} was accepted");
        assert!(
            !out.stderr.is_empty() || !out.stdout.is_empty(),
            "{what}: no report"
        );
    }
    // The entity bomb is either refused or parsed without expansion; never billions of lols.
    let out = ingest(&server, &laughs);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.len() < 100_000,
        "report exploded: {} bytes",
        report.len()
    );

    let after = news_count(&server, "00004").await;
    assert!(after >= before, "stored news lost: {before} -> {after}");
}

#[tokio::test]
async fn script_tags_in_a_feed_never_reach_clients() {
    let server = TestServer::seeded().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("xss.xml");
    std::fs::write(
        &feed,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>UBND Phường Ba Đình</title><link>http://example.invalid/</link>
<item><title>Thông báo &lt;script&gt;alert(1)&lt;/script&gt; lịch tiếp dân</title>
<link>http://example.invalid/tin/1</link><guid>tin-1</guid>
<pubDate>Mon, 23 Nov 2026 08:00:00 +0700</pubDate>
<description><![CDATA[<p onclick="steal()">Lịch tiếp công dân tháng 12.</p><script>alert('x')</script><img src="javascript:alert(1)"><a href="javascript:void(0)">x</a>]]></description>
</item></channel></rss>"#,
    )
    .unwrap();
    let out = ingest(&server, &feed);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let url = format!("{}/api/v1/news?unit=00004&since=0&limit=1000", server.url());
    let body = reqwest::get(url).await.unwrap().text().await.unwrap();
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    let item = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"].as_str().unwrap_or("").contains("lịch tiếp dân"))
        .expect("the item was stored");
    let html = item["body_html"].as_str().unwrap();
    assert!(html.contains("Lịch tiếp công dân"));
    for bad in ["<script", "onclick", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(!item["title"].as_str().unwrap().contains("<script"));
}

#[tokio::test]
async fn a_broken_catalogue_line_is_reported_with_its_number_and_the_rest_loads() {
    use flate2::{Compression, read::GzDecoder, write::GzEncoder};
    use std::io::Read;

    let demo = congdan_tests::demo_dir();
    let mut text = String::new();
    GzDecoder::new(std::fs::File::open(demo.join("procedures.jsonl.gz")).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut lines: Vec<&str> = text.lines().take(4).collect();
    lines.insert(2, "{\"ma_thu_tuc\": \"1.999999\", \"ten_thu_tuc\": "); // line 3: cut off

    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    std::fs::create_dir(&seed).unwrap();
    std::fs::copy(demo.join("units.csv"), seed.join("units.csv")).unwrap();
    let mut gz = GzEncoder::new(
        std::fs::File::create(seed.join("procedures.jsonl.gz")).unwrap(),
        Compression::fast(),
    );
    gz.write_all(lines.join("\n").as_bytes()).unwrap();
    gz.finish().unwrap();

    let db = dir.path().join("s.db");
    let out = std::process::Command::new(congdan_tests::bin_path("congdan-server"))
        .args(["seed", "--db"])
        .arg(&db)
        .arg(&seed)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(report.contains("line 3"), "line number missing: {report}");

    let server = TestServer::start_on(&db).await.unwrap();
    let url = format!("{}/api/v1/procedures?since=0&limit=100", server.url());
    let page: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
}

/// Issue 7: a commune extends the synonym dictionary at seed (DIR/synonyms.tsv
/// and --synonyms); a malformed file fails the seed with its line number
/// before anything is written.
#[tokio::test]
async fn a_communes_synonym_file_adds_aliases_and_a_bad_one_writes_nothing() {
    let demo = congdan_tests::demo_dir();
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    std::fs::create_dir(&seed).unwrap();
    for file in ["units.csv", "procedures.jsonl.gz"] {
        std::fs::copy(demo.join(file), seed.join(file)).unwrap();
    }
    let run = |db: &std::path::Path, synonyms: &std::path::Path| {
        std::process::Command::new(congdan_tests::bin_path("congdan-server"))
            .args(["seed", "--db"])
            .arg(db)
            .arg("--synonyms")
            .arg(synonyms)
            .arg(&seed)
            .output()
            .unwrap()
    };

    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "# ours\nonly-one-column\n").unwrap();
    let bad_db = dir.path().join("bad.db");
    let out = run(&bad_db, &bad);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(!bad_db.exists(), "nothing written");

    let ours = dir.path().join("ours.tsv");
    std::fs::write(
        &ours,
        "giấy khai sinh con\tđăng ký khai sinh\tour ward's posts\n",
    )
    .unwrap();
    let db = dir.path().join("s.db");
    let out = run(&db, &ours);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("procedures have colloquial names"));
    let server = TestServer::start_on(&db).await.unwrap();
    let url = format!("{}/api/v1/procedures/1.001193", server.url());
    let p: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    let aliases: Vec<&str> = p["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(aliases.contains(&"giấy khai sinh con"), "{aliases:?}");
    assert!(
        aliases.contains(&"giấy khai sinh"),
        "the shipped dictionary too: {aliases:?}"
    );
}
