//! The page a shared announcement link opens in a browser (`GET
//! /api/v1/announcements/{id}` with `Accept: text/html`): neighbours without
//! the app read the same published text, event and attachments. Every value
//! is escaped; the page loads nothing but its own attachments.

use congdan_protocol::announcements::Announcement;
use quick_xml::escape::escape;

/// The Content-Security-Policy of the page: inline style, and images only
/// from this server, as opened or as its public URL names it (`public_base`,
/// e.g. `https://congdan.example.vn/xa`), which the attachment links use.
pub fn page_csp(public_base: &str) -> String {
    let origin: String = public_base.split('/').take(3).collect::<Vec<_>>().join("/");
    format!("default-src 'none'; img-src 'self' {origin}; style-src 'unsafe-inline'")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;\
padding:1rem;line-height:1.5;color:#1a1a1a}h1{font-size:1.4rem}\
.meta{color:#555}img{max-width:100%;height:auto;display:block;margin:.5rem 0}\
.event{background:#eef5ff;padding:.5rem .75rem;border-radius:.5rem}";

/// The whole HTML document of a published announcement (Vietnamese; dates
/// in Vietnam time).
pub fn render(item: &Announcement) -> String {
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&congdan_hours::deadlines::vietnam_offset())
            .format("%H:%M %d/%m/%Y")
            .to_string()
    };
    let mut html = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body><article>\
         <h1>{title}</h1><p class=\"meta\">{author} · {published}</p>",
        title = escape(item.title.as_str()),
        author = escape(item.author_name.as_str()),
        published = local(item.published_at),
    );
    if let Some(start) = item.event_start {
        html.push_str(&format!("<p class=\"event\">Thời gian: {}", local(start)));
        if let Some(place) = &item.event_place {
            html.push_str(&format!("<br>Địa điểm: {}", escape(place.as_str())));
        }
        html.push_str("</p>");
    }
    for paragraph in item.body.split('\n').filter(|p| !p.trim().is_empty()) {
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    for file in &item.attachments {
        let url = escape(file.url.as_str());
        let name = escape(file.name.as_str());
        if file.mime.starts_with("image/") {
            html.push_str(&format!("<img src=\"{url}\" alt=\"{name}\">"));
        } else {
            html.push_str(&format!(
                "<p><a href=\"{url}\" download=\"{name}\">Tải tệp {name}</a></p>"
            ));
        }
    }
    html.push_str("<p class=\"meta\">Thông báo từ ứng dụng Cổng Dân.</p></article></body></html>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use congdan_protocol::announcements::Attachment;

    #[test]
    fn images_may_come_from_the_public_origin_and_nothing_else_loads() {
        assert_eq!(
            page_csp("https://congdan.example.vn:8443/xa/ba-dinh"),
            "default-src 'none'; img-src 'self' https://congdan.example.vn:8443; \
             style-src 'unsafe-inline'"
        );
    }

    #[test]
    fn every_value_is_escaped_and_attachments_are_listed() {
        let item = Announcement {
            id: "a".into(),
            title: "Họp <b>tổ</b> & dân".into(),
            body: "Dòng 1\n\n<script>alert(1)</script>".into(),
            units: vec!["00004".into()],
            event_start: Some(chrono::Utc.with_ymd_and_hms(2026, 12, 8, 1, 30, 0).unwrap()),
            event_place: Some("Nhà văn hoá \"số 1\"".into()),
            author_name: "Trưởng thôn".into(),
            author_unit: "00004-01".into(),
            published_at: chrono::Utc.with_ymd_and_hms(2026, 12, 5, 2, 0, 0).unwrap(),
            attachments: vec![
                Attachment {
                    url: "http://x/open311/v2/media/p".into(),
                    name: "ảnh.jpg".into(),
                    mime: "image/jpeg".into(),
                    bytes: 10,
                },
                Attachment {
                    url: "http://x/open311/v2/media/d".into(),
                    name: "kế hoạch.pdf".into(),
                    mime: "application/pdf".into(),
                    bytes: 20,
                },
            ],
        };
        let html = render(&item);
        assert!(
            html.contains("<h1>Họp &lt;b&gt;tổ&lt;/b&gt; &amp; dân</h1>"),
            "{html}"
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("Thời gian: 08:30 08/12/2026"), "{html}");
        assert!(html.contains("Nhà văn hoá &quot;số 1&quot;"), "{html}");
        assert!(html.contains("<img src=\"http://x/open311/v2/media/p\" alt=\"ảnh.jpg\">"));
        assert!(html.contains("download=\"kế hoạch.pdf\">Tải tệp kế hoạch.pdf</a>"));
    }
}
