//! Un-flattening of the crawler's run-together table text: steps, ways of
//! submitting (channels), required documents and legal basis.
//!
//! The crawler took the DOM text of HTML tables without separators, so cells are
//! glued together ("Trực tuyến3 Ngày làm việcMiễn phí…"). These functions recover
//! the cells with patterns observed over the whole real catalogue; they are best
//! effort and never fail: what cannot be split stays in a text field.

use std::sync::LazyLock;

use congdan_protocol::{Channel, LegalDoc, RequiredDocument};
use regex::Regex;

use crate::text::clean;

/// Header of the ways-of-submitting table.
const CHANNEL_HEADER: &str = "Hình thức nộpThời gianPhí, lệ phíMô tả";
/// Header of each documents table.
const DOCUMENT_HEADER: &str = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
/// Header of the legal-basis table.
const LEGAL_HEADER: &str = "Tên văn bản pháp lýMã văn bản";
/// The portal's empty-cell placeholder.
const NO_INFO: &str = "Không có thông tin";
/// A time cell that says the law sets no time limit.
const NO_RULE: &str = "Không quy định";
/// The ways of submitting, as the first cell of a channel row spells them.
const MODES: [&str; 3] = ["Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính"];

/// Compiles one of our fixed patterns.
fn pattern(re: &str) -> Regex {
    Regex::new(re).expect("fixed pattern compiles")
}

/// "Bước 1", "Bước 2:" … at which a step starts.
static STEP_MARKER: LazyLock<Regex> = LazyLock::new(|| pattern(r"Bước\s*\d+"));

/// A processing time at the start of a row's remainder: a number with an optional unit.
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"^(\d+(?:[.,]\d+)?)(?:\s*(Ngày làm việc|ngày làm việc|Ngày|Giờ|Tháng|Năm|Tuần|Phút))?")
});

/// A money amount at the start of a fee cell, e.g. "120,000 VNĐ", "1,200,000 Việt Nam Đồng".
static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^\d[\d.,]*\s*(?:VNĐ|Việt Nam Đồng|đồng|USD)"));

/// Copies glued at the end of a document: "1 bản chính", "0 bản chính,1 bản sao", "1 bản sao".
/// Counts are one digit or a zero-padded two ("01"): a longer run of digits is the
/// end of the document name (e.g. "…năm 2026" + "1 bản chính").
static COPIES: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(0?\d) bản chính(?:\s*,\s*(0?\d) bản sao)?|(0?\d) bản sao"));

/// A legal document number: "54/2014/QH13", "06/2025/TT-BTC", "14/2022/QĐ-TTg", "NQ-UBTVQH14".
static LEGAL_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"\d+/\d{4}/(?:[A-ZĐ]*QH\d{2}|TTg|[A-ZĐ]+)(?:-(?:[A-ZĐ]*QH\d{2}|TTg|[A-ZĐ]+))*")
});

/// Splits the steps text into one entry per step.
///
/// When the text numbers its steps ("Bước 1: …"), each marker starts a step and
/// newlines inside a step are folded; otherwise every non-empty line is a step.
pub(super) fn steps(text: &str) -> Vec<String> {
    let starts: Vec<usize> = STEP_MARKER.find_iter(text).map(|m| m.start()).collect();
    let pieces: Vec<&str> = if starts.len() >= 2 {
        let mut pieces = Vec::with_capacity(starts.len() + 1);
        let mut prev = 0;
        for &start in &starts {
            pieces.push(&text[prev..start]);
            prev = start;
        }
        pieces.push(&text[prev..]);
        pieces
    } else {
        text.lines().collect()
    };
    pieces
        .into_iter()
        .map(clean)
        .filter(|s| !s.is_empty() && s != NO_INFO)
        .collect()
}

/// Finds where a channel row starts: a mode word directly followed by a duration,
/// an amount, "Miễn phí" or "Không có thông tin". Mode words inside a description
/// ("- Trực tuyến: nộp…") are followed by other text and are not row starts.
fn next_row(text: &str, from: usize) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, &'static str)> = None;
    for mode in MODES {
        let mut search = from;
        while let Some(offset) = text.get(search..).and_then(|t| t.find(mode)) {
            let start = search + offset;
            let after = &text[start + mode.len()..];
            // The first row directly follows the header, whatever its cells say.
            let looks_like_row = start == 0
                || after.starts_with(|c: char| c.is_ascii_digit())
                || after.starts_with("Miễn phí")
                || after.starts_with(NO_INFO)
                || after.starts_with("Không")
                || after.is_empty();
            if looks_like_row {
                if best.is_none_or(|(b, _)| start < b) {
                    best = Some((start, mode));
                }
                break;
            }
            search = start + mode.len();
        }
    }
    best
}

/// Length of a balanced "( … )" at the start of `text`, if there is one.
fn parenthetical(text: &str) -> Option<usize> {
    if !text.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// True when a fee cell starts `text`: an amount, "Miễn phí" or the placeholder.
fn starts_fee(text: &str) -> bool {
    AMOUNT.is_match(text) || text.starts_with("Miễn phí") || text.starts_with(NO_INFO)
}

/// Longest worded time cell we accept before a fee cell, in bytes.
const MAX_WORDED_DURATION: usize = 160;

/// Where a "Miễn phí" or placeholder fee cell starts, if it is near the start.
fn fee_marker(text: &str) -> Option<usize> {
    ["Miễn phí", NO_INFO]
        .iter()
        .filter_map(|marker| text.find(marker))
        .filter(|&pos| pos > 0 && pos <= MAX_WORDED_DURATION)
        .min()
}

/// Splits one row's cells (after the mode word) into duration, fee and description.
fn split_row(cells: &str) -> (String, String, String) {
    let mut rest = cells;
    let mut duration = String::new();
    if let Some(after) = rest.strip_prefix(NO_RULE) {
        duration = NO_RULE.to_owned();
        rest = after;
    } else if let Some(after) = rest.strip_prefix(NO_INFO) {
        // An empty time cell shows the placeholder too; it is the time cell when a
        // fee cell follows it.
        if starts_fee(after) {
            rest = after;
        }
    } else if let Some(m) = AMOUNT.find(rest) {
        // "Trực tuyến1200 VNĐ": the portal formats amounts with separators
        // ("1,200"), so an unformatted run of 3+ digits is a bare one-digit time
        // glued to the fee.
        let digits = m.as_str().bytes().take_while(u8::is_ascii_digit).count();
        let formatted = m.as_str()[digits..].starts_with([',', '.']);
        if digits >= 3 && !formatted {
            duration = rest[..1].to_owned();
            rest = &rest[1..];
        }
    } else if let Some(m) = DURATION.find(rest) {
        duration = clean(m.as_str());
        rest = &rest[m.end()..];
    } else if let Some(cut) = fee_marker(rest) {
        // A worded time cell ("Không phải trả kết quả…") right before the fee cell.
        duration = clean(&rest[..cut]);
        rest = &rest[cut..];
    }
    let mut fee = String::new();
    if let Some(m) = AMOUNT.find(rest) {
        fee = clean(m.as_str());
        rest = &rest[m.end()..];
    } else if let Some(after) = rest.strip_prefix("Miễn phí") {
        fee = "Miễn phí".to_owned();
        rest = after;
    } else if let Some(after) = rest.strip_prefix(NO_INFO) {
        rest = after;
    }
    if !fee.is_empty() {
        // A parenthesis right after the fee explains it (often the real amount).
        if let Some(len) = parenthetical(rest) {
            let detail = clean(&rest[1..len - 1]);
            if !detail.is_empty() {
                fee = format!("{fee} ({detail})");
            }
            rest = &rest[len..];
        }
    }
    let description = clean(rest);
    let description = if description == NO_INFO {
        String::new()
    } else {
        description
    };
    (duration, fee, description)
}

/// Parses the ways-of-submitting table into one [`Channel`] per row.
pub(super) fn channels(text: &str) -> Vec<Channel> {
    let body = text.strip_prefix(CHANNEL_HEADER).unwrap_or(text);
    let mut channels = Vec::new();
    let mut cursor = next_row(body, 0);
    while let Some((start, mode)) = cursor {
        let cells_start = start + mode.len();
        let next = next_row(body, cells_start);
        let cells_end = next.map_or(body.len(), |(s, _)| s);
        let (duration, fee, description) = split_row(&body[cells_start..cells_end]);
        channels.push(Channel {
            mode: mode.to_owned(),
            duration,
            fee,
            description,
        });
        cursor = next;
    }
    channels
}

/// Parses the documents table(s) into [`RequiredDocument`]s.
///
/// Text before each table header is the group heading ("1. Chứng từ phải nộp";
/// "--" means none). Inside a table, each document ends with its glued copies
/// count; text after the last count of a table is the next table's heading.
pub(super) fn documents(text: &str) -> Vec<RequiredDocument> {
    let mut docs = Vec::new();
    let sections: Vec<&str> = text.split(DOCUMENT_HEADER).collect();
    if sections.len() < 2 {
        // No table at all: keep meaningful text as one document without copies.
        let name = clean(text);
        if !is_placeholder(&name) {
            docs.push(RequiredDocument {
                group: String::new(),
                name,
                copies: String::new(),
            });
        }
        return docs;
    }
    let mut group = group_name(sections[0]);
    let last = sections.len() - 1;
    for (index, section) in sections.iter().enumerate().skip(1) {
        let mut start = 0;
        for m in COPIES.find_iter(section) {
            // Copies are glued to the end of a name; "nộp 02 bản chính tờ khai"
            // inside a sentence is preceded by a space and followed by more words.
            let glued_after = section[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_whitespace());
            let ends_item = section[m.end()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_whitespace());
            if !(glued_after || ends_item) || m.start() < start {
                continue;
            }
            let name = clean(&section[start..m.start()]);
            start = m.end();
            if is_placeholder(&name) {
                continue;
            }
            docs.push(RequiredDocument {
                group: group.clone(),
                name,
                copies: copies_text(m.as_str()),
            });
        }
        let tail = &section[start..];
        if index < last {
            group = group_name(tail);
        } else {
            let name = clean(tail);
            if !is_placeholder(&name) {
                docs.push(RequiredDocument {
                    group: group.clone(),
                    name,
                    copies: String::new(),
                });
            }
        }
    }
    docs
}

/// A group heading, with the "--" (no heading) placeholder mapped to "".
fn group_name(text: &str) -> String {
    let name = clean(text);
    if is_placeholder(&name) {
        String::new()
    } else {
        name
    }
}

/// True for text that carries nothing: empty, dashes or "Không có thông tin".
fn is_placeholder(text: &str) -> bool {
    text.chars().all(|c| c == '-' || c.is_whitespace()) || text == NO_INFO
}

/// "0 bản chính,1 bản sao" → "0 bản chính, 1 bản sao".
fn copies_text(raw: &str) -> String {
    clean(&raw.replace(',', ", "))
}

/// Parses the legal-basis table into [`LegalDoc`]s (title + number).
///
/// Each item's title runs straight into its number; a number that is directly
/// followed by a letter or by the end of the text closes an item. A number
/// followed by another number ("Luật 54/2014/QH13" + "54/2014/QH13") is part
/// of the title.
pub(super) fn legal_basis(text: &str) -> Vec<LegalDoc> {
    let body = text.trim();
    let body = body.strip_prefix(LEGAL_HEADER).unwrap_or(body);
    if is_placeholder(&clean(body)) {
        return Vec::new();
    }
    let mut docs = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(m) = LEGAL_NUMBER.find_at(body, search) {
        let mut end = m.end();
        let after = &body[end..];
        // The regex may swallow the capital letter that starts the next title
        // ("TT-BTCThông"): give it back when lowercase text follows, unless the
        // text is the known crawl quirk of a title missing its first letter.
        let number_str = &body[m.start()..end];
        if let Some(last) = number_str.chars().next_back() {
            let next_is_lower = after.chars().next().is_some_and(char::is_lowercase);
            let prev_is_upper = number_str[..number_str.len() - last.len_utf8()]
                .chars()
                .next_back()
                .is_some_and(char::is_uppercase);
            if last.is_uppercase()
                && prev_is_upper
                && next_is_lower
                && !after.starts_with("hông tư")
            {
                end -= last.len_utf8();
            }
        }
        let after = &body[end..];
        let closes = match after.chars().next() {
            None => true,
            Some(c) => c.is_alphabetic() || c == '(' || c == '[',
        };
        search = end.max(m.start() + 1);
        if !closes {
            continue;
        }
        let title = legal_title(&body[start..m.start()]);
        let number = clean(&body[m.start()..end]);
        docs.push(LegalDoc { title, number });
        start = end;
    }
    let rest = legal_title(&body[start..]);
    if !rest.is_empty() {
        docs.push(LegalDoc {
            title: rest,
            number: String::new(),
        });
    }
    docs
}

/// Cleans a legal title, restoring the "T" the crawler lost in "hông tư".
fn legal_title(raw: &str) -> String {
    let title = clean(raw);
    match title.strip_prefix("hông tư") {
        Some(rest) => format!("Thông tư{rest}"),
        None => title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_rows_with_units_and_bare_numbers() {
        let rows = channels(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíDịch vụ bưu chính1Miễn phí",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].mode, "Trực tuyến");
        assert_eq!(rows[0].duration, "1");
        assert_eq!(rows[0].fee, "Miễn phí");
        assert_eq!(rows[1].mode, "Dịch vụ bưu chính");
    }

    #[test]
    fn channel_fee_amount_and_description() {
        let rows = channels(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc70,000 VNĐ(70.000 đồng/Giấy chứng nhận)- Trực tuyến: nộp qua Cổng.Trực tuyến5 Ngày làm việcKhông có thông tinGửi qua mạng",
        );
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].duration, "5 Ngày làm việc");
        assert_eq!(rows[0].fee, "70,000 VNĐ (70.000 đồng/Giấy chứng nhận)");
        assert_eq!(rows[0].description, "- Trực tuyến: nộp qua Cổng.");
        assert_eq!(rows[1].fee, "");
        assert_eq!(rows[1].description, "Gửi qua mạng");
    }

    #[test]
    fn channel_fee_without_duration() {
        let rows =
            channels("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến120,000 VNĐ(Theo khoản 1)");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].duration, "");
        assert_eq!(rows[0].fee, "120,000 VNĐ (Theo khoản 1)");
    }

    #[test]
    fn documents_with_groups_and_copies() {
        let docs = documents(
            "1. Chứng từ phải nộpTên giấy tờMẫu đơn, tờ khaiSố lượnga) Tờ khai, nộp 02 bản chính tờ khai;1 bản chínhb) Hóa đơn: 01 bản chụp;0 bản chính,1 bản sao2. Chứng từ xuất trìnhTên giấy tờMẫu đơn, tờ khaiSố lượngGiấy phép năm 20261 bản chính",
        );
        assert_eq!(docs.len(), 3, "{docs:?}");
        assert_eq!(docs[0].group, "1. Chứng từ phải nộp");
        assert_eq!(docs[0].name, "a) Tờ khai, nộp 02 bản chính tờ khai;");
        assert_eq!(docs[0].copies, "1 bản chính");
        assert_eq!(docs[1].copies, "0 bản chính, 1 bản sao");
        assert_eq!(docs[2].group, "2. Chứng từ xuất trình");
        assert_eq!(docs[2].name, "Giấy phép năm 2026");
    }

    #[test]
    fn documents_placeholders() {
        assert!(documents("--").is_empty());
        assert!(documents("").is_empty());
        let docs = documents("--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chính");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].group, "");
    }

    #[test]
    fn legal_numbers_split_from_titles() {
        let docs = legal_basis(
            "Tên văn bản pháp lýMã văn bảnLuật 54/2014/QH1354/2014/QH13Thông tư 92/2015/TT-BTC92/2015/TT-BTCLuật Hộ tịch60/2014/QH13hông tư số 06/2025/TT-BTC của Bộ Tài chính06/2025/TT-BTCQuy định thí điểm14/2022/QĐ-TTg",
        );
        let pairs: Vec<(&str, &str)> = docs
            .iter()
            .map(|d| (d.title.as_str(), d.number.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("Luật 54/2014/QH13", "54/2014/QH13"),
                ("Thông tư 92/2015/TT-BTC", "92/2015/TT-BTC"),
                ("Luật Hộ tịch", "60/2014/QH13"),
                (
                    "Thông tư số 06/2025/TT-BTC của Bộ Tài chính",
                    "06/2025/TT-BTC"
                ),
                ("Quy định thí điểm", "14/2022/QĐ-TTg"),
            ]
        );
        assert!(legal_basis("Không có thông tin").is_empty());
    }

    #[test]
    fn legal_number_followed_by_capitalised_title() {
        let docs =
            legal_basis("Tên văn bản pháp lýMã văn bảnLuật A20/2008/QH12Nghị định B11/2020/NĐ-CP");
        assert_eq!(docs.len(), 2, "{docs:?}");
        assert_eq!(docs[0].number, "20/2008/QH12");
        assert_eq!(docs[1].title, "Nghị định B");
        assert_eq!(docs[1].number, "11/2020/NĐ-CP");
    }

    #[test]
    fn steps_by_marker_or_line() {
        assert_eq!(
            steps("Bước 1: Nộp hồ sơ\ntại UBND\n Bước 2: Nhận kết quả"),
            vec!["Bước 1: Nộp hồ sơ tại UBND", "Bước 2: Nhận kết quả"]
        );
        assert_eq!(steps("a\n\n b \n"), vec!["a", "b"]);
    }
}
