//! Feed parsing against real captures and hand-made hostile input.

use congdan_sources::{SourceError, feed};
use unicode_normalization::is_nfc;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const VNEXPRESS: [&str; 4] = [
    "vnexpress-tin-moi-nhat-20170218.xml",
    "vnexpress-tin-moi-nhat-20170419.xml",
    "vnexpress-tin-moi-nhat-20170726.xml",
    "vnexpress-tin-moi-nhat-20170830.xml",
];

#[test]
fn vnexpress_captures_parse_clean() {
    for name in VNEXPRESS {
        let parsed = feed::parse(&fixture(name), "01").unwrap();
        assert!(parsed.rejected.is_empty(), "{name}: {:?}", parsed.rejected);
        assert_eq!(parsed.items.len(), 25, "{name}");
        for item in &parsed.items {
            assert_eq!(item.source, "Tin mới nhất - VnExpress RSS");
            assert_eq!(item.unit, "01");
            assert_eq!(item.id.len(), 32);
            assert!(!item.title.is_empty() && item.title == item.title.trim());
            assert!(!item.title.contains('\n') && !item.summary.contains('\n'));
            assert!(is_nfc(&item.title) && is_nfc(&item.summary) && is_nfc(&item.body_html));
            let link = item.link.as_deref().unwrap();
            assert!(
                link.starts_with("http://") && !link.contains('\n'),
                "{link}"
            );
            let image = item.image.as_deref().unwrap();
            assert!(
                image.starts_with("http") && image.contains("vnecdn.net/"),
                "{image}"
            );
            assert!(!item.summary.contains('<'));
            assert!(item.body_html.contains("rel=\"noopener noreferrer\""));
        }
        let ids: std::collections::HashSet<_> = parsed.items.iter().map(|i| &i.id).collect();
        assert_eq!(ids.len(), 25, "ids are unique");
    }
}

#[test]
fn ids_are_stable_and_scoped_by_unit() {
    let bytes = fixture(VNEXPRESS[0]);
    let a = feed::parse(&bytes, "01").unwrap();
    let b = feed::parse(&bytes, "01").unwrap();
    let c = feed::parse(&bytes, "79").unwrap();
    assert_eq!(a.items[0].id, b.items[0].id);
    assert_ne!(a.items[0].id, c.items[0].id);
}

#[test]
fn entity_and_non_nfc_titles() {
    let parsed = feed::parse(&fixture(VNEXPRESS[1]), "VN").unwrap();
    assert!(
        parsed
            .items
            .iter()
            .any(|i| i.title.contains("'Fast & Furious 8'")),
        "&amp; decodes to &"
    );
    let first = &parsed.items[0];
    assert_eq!(
        first.title,
        "Ủy ban Tài chính: Chi 65 tỷ đồng mua quà tặng thành lập tỉnh là quá lãng phí"
    );
    assert_eq!(first.published_at.to_rfc3339(), "2017-04-19T12:45:55+00:00");
}

#[test]
fn other_formats_parse() {
    for (name, min) in [
        ("rss2.0withAtomNS.xml", 1),
        ("rss1.0withModules.xml", 1),
        ("atomthreadingwithentry.xml", 1),
        ("georss_polygon.xml", 1),
    ] {
        let parsed = feed::parse(&fixture(name), "VN").unwrap();
        assert!(parsed.items.len() + parsed.rejected.len() >= min, "{name}");
        for item in &parsed.items {
            assert!(!item.title.is_empty(), "{name}");
        }
    }
    let rss1 = feed::parse(&fixture("rss1.0withModules.xml"), "VN").unwrap();
    assert_eq!(rss1.items[0].title, "Test Item - RSS 1.0");
}

#[test]
fn json_feed_parses() {
    let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Xã A",
        "items":[{"id":"1","url":"https://xa-a.gov.vn/tin/1","title":"Lịch tiêm chủng",
        "content_html":"<p>Mời <b>bà con</b></p><img src=\"https://xa-a.gov.vn/a.jpg\">",
        "date_published":"2026-01-02T03:04:05Z"}]}"#
        .as_bytes();
    let parsed = feed::parse(json, "00004").unwrap();
    assert_eq!(parsed.items.len(), 1);
    let item = &parsed.items[0];
    assert_eq!(item.source, "Xã A");
    assert_eq!(item.title, "Lịch tiêm chủng");
    assert_eq!(item.summary, "Mời bà con");
    assert_eq!(item.image.as_deref(), Some("https://xa-a.gov.vn/a.jpg"));
}

#[test]
fn scripts_handlers_and_bad_urls_are_stripped() {
    let rss = r#"<rss version="2.0"><channel><title>  &lt;b&gt;UBND&lt;/b&gt;  xã  </title>
      <item><title>Tin &lt;script&gt;alert(1)&lt;/script&gt;mới</title>
      <link>https://xa.gov.vn/tin/1</link><pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate>
      <description><![CDATA[<p onclick="x()">Nội dung<script>alert(2)</script><style>p{}</style>
        <iframe src="https://evil"></iframe><a href="javascript:alert(3)">a</a>
        <a href="/tuong-doi">b</a><img src="data:image/png;base64,AAAA"><img src="anh.jpg" alt="Ảnh">
      </p>]]></description></item></channel></rss>"#.as_bytes();
    let parsed = feed::parse(rss, "00004").unwrap();
    let item = &parsed.items[0];
    assert_eq!(item.source, "UBND xã");
    assert_eq!(item.title, "Tin mới");
    let body = &item.body_html;
    for bad in [
        "script",
        "alert",
        "style",
        "iframe",
        "onclick",
        "javascript",
        "data:",
    ] {
        assert!(!body.contains(bad), "{bad} in {body}");
    }
    assert!(
        body.contains(r#"href="https://xa.gov.vn/tuong-doi""#),
        "{body}"
    );
    assert!(
        body.contains(r#"src="https://xa.gov.vn/tin/anh.jpg""#),
        "{body}"
    );
    assert_eq!(item.image.as_deref(), Some("https://xa.gov.vn/tin/anh.jpg"));
}

#[test]
fn entries_without_title_and_link_or_date_are_rejected() {
    let rss = r#"<rss version="2.0"><channel><title>T</title>
      <item><title>Có ngày</title><pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate></item>
      <item><description>không tiêu đề, không link</description><pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate></item>
      <item><title>Không ngày</title><link>https://a.vn/x</link></item>
      <item><link>https://a.vn/y</link><pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate></item>
    </channel></rss>"#.as_bytes();
    let parsed = feed::parse(rss, "VN").unwrap();
    let positions: Vec<&str> = parsed
        .rejected
        .iter()
        .map(|r| r.position.as_str())
        .collect();
    assert_eq!(positions, ["entry 2", "entry 3"]);
    assert!(parsed.rejected[1].reason.contains("no date"));
    assert_eq!(parsed.items.len(), 2);
    assert_eq!(parsed.items[1].title, "https://a.vn/y");
}

#[test]
fn entries_fall_back_to_the_feed_date() {
    let rss = r#"<rss version="2.0"><channel><title>T</title><pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate>
      <item><title>A</title></item></channel></rss>"#.as_bytes();
    let parsed = feed::parse(rss, "VN").unwrap();
    assert_eq!(
        parsed.items[0].published_at.to_rfc3339(),
        "2024-01-01T01:00:00+00:00"
    );
}

#[test]
fn not_a_feed_is_an_error() {
    for input in [
        &b""[..],
        b"hello",
        b"<html><body>hi</body></html>",
        b"{\"a\":",
        b"<rss",
    ] {
        match feed::parse(input, "VN") {
            Err(SourceError::NotAFeed { .. }) => {}
            Ok(p) => assert!(p.items.is_empty(), "{:?}", String::from_utf8_lossy(input)),
            Err(e) => panic!("unexpected {e}"),
        }
    }
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = vec![b' '; 50 * 1024 * 1024];
    assert!(matches!(
        feed::parse(&big, "VN"),
        Err(SourceError::TooLarge { limit, .. }) if limit == feed::MAX_FEED_BYTES
    ));
}

#[test]
fn billion_laughs_stays_bounded() {
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str(
        "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title>",
    );
    doc.push_str("<description>&lol9;</description><pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate></item></channel></rss>");
    let started = std::time::Instant::now();
    let result = feed::parse(doc.as_bytes(), "VN");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Custom entities are never expanded: whatever comes out is tiny.
    if let Ok(parsed) = result {
        for item in parsed.items {
            assert!(
                item.title.len() < 100 && item.body_html.len() < 100,
                "{item:?}"
            );
        }
    }
}
