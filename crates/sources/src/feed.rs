//! News feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed (through feed-rs) mapped into
//! [`NewsItem`]s. Titles and summaries become plain NFC text; bodies are
//! sanitized HTML (ammonia) with only http(s) links and images.
//!
//! It does not fetch feeds or download images; it only reads bytes it is given.
//! Input larger than [`MAX_FEED_BYTES`] is refused before any parsing, and the
//! XML reader (quick-xml inside feed-rs) never expands custom entities, so a
//! hostile document cannot blow up in memory.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use congdan_protocol::NewsItem;
use feed_rs::model::{Entry, Feed};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;
use url::Url;

use crate::text::clean;
use crate::{Parsed, Rejected, SourceError};

/// Largest feed accepted (10 MiB); bigger input is refused before parsing.
pub const MAX_FEED_BYTES: usize = 10 * 1024 * 1024;

/// Longest summary kept when it has to be cut from the body, in characters.
const SUMMARY_CHARS: usize = 300;
/// Hex digits of the sha256 kept in an item id (128 bits).
const ID_HEX_LEN: usize = 32;

/// Parses one feed document published for `unit` (a unit code, or "VN").
///
/// Entries with neither title nor link, or with no date anywhere, are
/// rejected at "entry N" (1-based); the rest become items in feed order.
pub fn parse(bytes: &[u8], unit: &str) -> Result<Parsed<NewsItem>, SourceError> {
    if bytes.len() > MAX_FEED_BYTES {
        return Err(SourceError::TooLarge {
            size: bytes.len(),
            limit: MAX_FEED_BYTES,
        });
    }
    let parser = feed_rs::parser::Builder::new()
        // An empty id tells us the entry had none; we then derive one from its link.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    let feed = parser.parse(bytes).map_err(|e| SourceError::NotAFeed {
        reason: e.to_string(),
    })?;
    Ok(map_feed(&feed, unit))
}

/// Maps every entry of a parsed feed, collecting rejections.
fn map_feed(feed: &Feed, unit: &str) -> Parsed<NewsItem> {
    let source = feed
        .title
        .as_ref()
        .map(|t| plain_text(&t.content))
        .unwrap_or_default();
    let feed_date = feed.published.or(feed.updated);
    let mut parsed = Parsed::default();
    for (index, entry) in feed.entries.iter().enumerate() {
        match map_entry(entry, unit, &source, feed_date) {
            Ok(item) => parsed.items.push(item),
            Err(reason) => parsed
                .rejected
                .push(Rejected::new(format!("entry {}", index + 1), reason)),
        }
    }
    parsed
}

/// Maps one entry, or says why it cannot be used.
fn map_entry(
    entry: &Entry,
    unit: &str,
    source: &str,
    feed_date: Option<DateTime<Utc>>,
) -> Result<NewsItem, &'static str> {
    let link = entry_link(entry);
    let title = entry
        .title
        .as_ref()
        .map(|t| plain_text(&t.content))
        .unwrap_or_default();
    if title.is_empty() && link.is_none() {
        return Err("entry has neither a title nor a link");
    }
    let published_at = entry
        .published
        .or(entry.updated)
        .or(feed_date)
        .ok_or("entry has no date and the feed has none")?;

    // The entry's own id, else its link, else its title and date: whatever the
    // publisher keeps stable between fetches.
    let key = match (entry.id.trim(), &link) {
        ("", Some(link)) => link.clone(),
        ("", None) => format!("{title}\u{0}{}", published_at.to_rfc3339()),
        (id, _) => id.to_owned(),
    };
    let id = item_id(unit, &key);

    let base = link.as_deref().and_then(|l| Url::parse(l).ok());
    let content_html = entry.content.as_ref().and_then(|c| c.body.as_deref());
    let summary_html = entry.summary.as_ref().map(|s| s.content.as_str());

    let (body_html, body_image) = match content_html.or(summary_html) {
        Some(html) => sanitize_html(html, base.as_ref()),
        None => (String::new(), None),
    };
    let summary = match summary_html {
        Some(html) => plain_text(html),
        None => truncate_chars(&plain_text(content_html.unwrap_or_default()), SUMMARY_CHARS),
    };
    let image = media_image(entry)
        .or(body_image)
        .or_else(|| match (content_html, summary_html) {
            // The body came from the content; the summary may still carry a picture.
            (Some(_), Some(html)) => sanitize_html(html, base.as_ref()).1,
            _ => None,
        });

    let title = if title.is_empty() {
        match truncate_chars(&summary, 100) {
            t if t.is_empty() => link.clone().unwrap_or_default(),
            t => t,
        }
    } else {
        title
    };

    Ok(NewsItem {
        id,
        unit: unit.to_owned(),
        source: source.to_owned(),
        title,
        summary,
        body_html,
        link,
        image,
        published_at,
    })
}

/// Stable id: the first 128 bits of sha256(unit, entry key), in hex, so the same
/// entry ingested twice for the same unit updates instead of duplicating.
fn item_id(unit: &str, key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(unit.as_bytes());
    hasher.update([0u8]);
    hasher.update(key.as_bytes());
    let digest = hasher.finalize();
    let mut hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex.truncate(ID_HEX_LEN);
    hex
}

/// The article link: the first alternate (or unlabelled) link that is an http(s) URL.
fn entry_link(entry: &Entry) -> Option<String> {
    entry
        .links
        .iter()
        .filter(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .chain(entry.links.iter())
        .find_map(|l| http_url(&l.href))
}

/// The trimmed URL if it parses as an absolute http or https URL.
fn http_url(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// First picture from media:thumbnail, media:content or an image enclosure.
fn media_image(entry: &Entry) -> Option<String> {
    entry.media.iter().find_map(|m| {
        m.thumbnails
            .iter()
            .find_map(|t| http_url(&t.image.uri))
            .or_else(|| {
                m.content
                    .iter()
                    .filter(|c| {
                        c.content_type
                            .as_ref()
                            .is_some_and(|t| t.ty().as_str().eq_ignore_ascii_case("image"))
                    })
                    .find_map(|c| c.url.as_ref().and_then(|u| http_url(u.as_str())))
            })
    })
}

/// HTML (or text that may contain HTML) reduced to plain text: every tag dropped,
/// script/style content removed, entities decoded, whitespace collapsed, NFC.
pub(crate) fn plain_text(html: &str) -> String {
    let stripped = ammonia::Builder::empty().clean(html).to_string();
    clean(&unescape_serialized(&stripped))
}

/// Reverses the escaping html5ever's serializer applies to text (and nothing
/// else): the input was already entity-decoded by the HTML parser, so this
/// restores exactly the text the parser saw.
fn unescape_serialized(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Sanitizes an article body and returns it with the first picture it shows.
///
/// Kept: paragraphs, links (http/https only, `rel="noopener noreferrer"`),
/// images (http/https `src` and `alt`), lists, emphasis, headings, line breaks,
/// figures. Everything else (scripts, styles, iframes, event handlers, data:
/// URLs) is dropped. Relative URLs are resolved against the article link, or
/// dropped when there is none.
fn sanitize_html(html: &str, base: Option<&Url>) -> (String, Option<String>) {
    let first_image: Arc<Mutex<Option<String>>> = Arc::default();
    let seen = Arc::clone(&first_image);
    let tags: HashSet<&str> = [
        "p",
        "a",
        "img",
        "ul",
        "ol",
        "li",
        "em",
        "strong",
        "b",
        "i",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "figure",
        "figcaption",
        "blockquote",
    ]
    .into_iter()
    .collect();
    let tag_attributes: HashMap<&str, HashSet<&str>> = [
        ("a", ["href"].into_iter().collect()),
        ("img", ["src", "alt"].into_iter().collect()),
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .tag_attributes(tag_attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .url_relative(match base {
            Some(url) => ammonia::UrlRelative::RewriteWithBase(url.clone()),
            None => ammonia::UrlRelative::Deny,
        })
        .attribute_filter(move |element, attribute, value| {
            if element == "img"
                && attribute == "src"
                && let Ok(mut slot) = seen.lock()
                && slot.is_none()
            {
                *slot = Some(value.trim().to_owned());
            }
            Some(value.into())
        });
    let body = builder.clean(html).to_string();
    let image = first_image
        .lock()
        .ok()
        .and_then(|mut slot| slot.take())
        .and_then(|src| match base {
            // A relative src is rewritten in the body; resolve it the same way here.
            Some(b) => b.join(&src).ok().and_then(|u| http_url(u.as_str())),
            None => http_url(&src),
        });
    (body.trim().nfc().collect(), image)
}

/// At most `max` characters of `s`, cut at a word boundary when one is near, with "…".
fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(pos) if pos > cut.len() / 2 => &cut[..pos],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}
