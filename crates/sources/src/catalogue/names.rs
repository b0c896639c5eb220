//! Repairs of mis-scraped procedure names (`ten_thu_tuc`), so that the app shows
//! "Đăng ký thuế …" and not ". Đăng ký thuế …" or a name printed twice.
//!
//! Every rule here answers a defect observed in the real catalogue
//! (data/demo/procedures.jsonl.gz; the whole-catalogue test below counts them) and
//! is written so that it cannot fire on a name that is fine: abbreviations such as
//! "NHNN", "(ANS)", "COVID-19" or "m3/ngày" and lists that legitimately repeat
//! words ("Trung tâm trọng tài, Chi nhánh Trung tâm trọng tài, …") are left alone.
//! [`repair_name`] also does the whitespace and invisible-character clean-up every
//! field gets; that clean-up alone is not reported as a repair.
//!
//! It does not guess: a name that looks odd but has no rule (inconsistent spacing
//! around "/", a procedure code inside the name, mixed tone-mark placement) stays
//! as crawled, and search folding is not done here.

use std::fmt;

use crate::text::clean;

/// One kind of repair made to a name; each has a short English [description].
///
/// [description]: NameRepair::description
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameRepair {
    /// Punctuation before the first word, as in ". Đăng ký thuế đối với …"
    /// (the crawler kept the list marker).
    LeadingPunctuation,
    /// The name was split across lines ("… bậc\ncao"); the lines are joined with a space.
    LineBreak,
    /// A phrase the crawler printed twice in a row was dropped once, e.g. the whole
    /// name repeated after a line break (6.006577) or "ở biển ở biển" (2.002804).
    DoubledPhrase,
    /// A space before a comma, semicolon, colon or ")" or after "(" was removed
    /// ("miễn thuế , nhưng", "( 1.010727 )").
    SpaceBeforePunctuation,
    /// Two strings glued at a parenthesis got their space back ("khác(đối" becomes
    /// "khác (đối"; likewise a ")" glued to the next word).
    MissingSpaceAtParenthesis,
    /// A misspelling from the fixed table of unambiguous ones was fixed
    /// ("(thực hiện tại cấp tinh)" becomes "(… cấp tỉnh)").
    Typo,
    /// Punctuation after the last word (".", "..", " .", ":", ";") was dropped:
    /// names are titles, not sentences.
    TrailingPunctuation,
    /// The first letter was lower-case ("cấp Giấy xác nhận …") and was capitalised.
    LowercaseStart,
}

impl NameRepair {
    /// A short English description for operators' reports.
    pub fn description(self) -> &'static str {
        match self {
            Self::LeadingPunctuation => "dropped punctuation before the first word",
            Self::LineBreak => "joined a name split across lines",
            Self::DoubledPhrase => "dropped a phrase printed twice",
            Self::SpaceBeforePunctuation => "removed a space before punctuation",
            Self::MissingSpaceAtParenthesis => "added a missing space at a parenthesis",
            Self::Typo => "fixed a known misspelling",
            Self::TrailingPunctuation => "dropped punctuation after the last word",
            Self::LowercaseStart => "capitalised the first letter",
        }
    }
}

impl fmt::Display for NameRepair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A name after [`repair_name`], with the repairs it needed (none for a fine name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairedName {
    /// The name to show: cleaned, and repaired where a rule applied.
    pub name: String,
    /// The kinds of repair made, each listed once, in the order they were made.
    pub repairs: Vec<NameRepair>,
}

/// Misspellings seen in the catalogue, with their fix. Each is a whole phrase,
/// matched at word boundaries, because the short word alone can be right
/// elsewhere ("vệ tinh", "tinh đông lạnh"). Add only phrases with one possible reading.
const TYPOS: &[(&str, &str)] = &[
    ("cấp tinh)", "cấp tỉnh)"),   // 1.001010
    ("Chủ tich", "Chủ tịch"),     // 2.001795
    ("vât tư", "vật tư"),         // 1.012470
    ("giấp phép", "giấy phép"),   // 1.003266
    ("đường sồng", "đường sông"), // 1.009091
    ("thực hiên", "thực hiện"),   // 1.001303
    ("xây dưng", "xây dựng"),     // 1.004077
    ("Xác đinh", "Xác định"),     // 2.002196
    ("phụ vụ", "phục vụ"),        // 3.000161
    ("Tải khoản", "Tài khoản"),   // 1.009393
];

/// Phrases seen doubled that the general rule cannot tell from a list (they
/// contain a comma, as "Trung tâm trọng tài, Chi nhánh" does in a fine name):
/// 1.009770 "… khu công nghệ cao, khu kinh tế công nghệ cao, khu kinh tế".
const KNOWN_DOUBLED: &[&str] = &["công nghệ cao, khu kinh tế"];

/// A phrase repeated at least this many words long is a crawler glitch even when
/// it contains commas: lists repeat a word or two, not a clause.
const LONG_PHRASE_WORDS: usize = 8;

/// Characters that may legitimately open a name.
const OPENERS: [char; 5] = ['(', '[', '"', '“', '\''];

/// Line separators the crawler left inside names.
const LINE_BREAKS: [char; 4] = ['\n', '\r', '\u{2028}', '\u{2029}'];

/// One repair rule: the repaired text, or `None` when the rule does not apply.
type Step = fn(&str) -> Option<String>;

/// Cleans and repairs one raw `ten_thu_tuc`, saying which repairs it made.
///
/// A name no rule applies to comes back as the shared clean-up alone makes it
/// (whitespace collapsed, invisible characters dropped, NFC). The result is
/// empty only when the input has no text apart from punctuation.
pub fn repair_name(raw: &str) -> RepairedName {
    let mut repairs = Vec::new();
    let mut note = |repair: NameRepair| {
        if !repairs.contains(&repair) {
            repairs.push(repair);
        }
    };

    let (joined, lines, dropped) = join_lines(raw);
    if lines > 1 {
        note(NameRepair::LineBreak);
    }
    if dropped {
        note(NameRepair::DoubledPhrase);
    }
    let mut name = joined;

    let steps: [(NameRepair, Step); 7] = [
        (NameRepair::LeadingPunctuation, drop_leading_punctuation),
        (NameRepair::TrailingPunctuation, drop_trailing_punctuation),
        (NameRepair::MissingSpaceAtParenthesis, space_at_parentheses),
        (
            NameRepair::SpaceBeforePunctuation,
            drop_space_before_punctuation,
        ),
        (NameRepair::DoubledPhrase, drop_doubled_phrases),
        (NameRepair::Typo, fix_typos),
        (NameRepair::LowercaseStart, capitalise_start),
    ];
    for (repair, step) in steps {
        if let Some(fixed) = step(&name) {
            name = fixed;
            note(repair);
        }
    }
    RepairedName { name, repairs }
}

/// Cleans each line and joins them with a space, dropping a line that repeats the
/// end of what precedes it. Returns the text, the number of non-empty lines, and
/// whether a line was dropped.
fn join_lines(raw: &str) -> (String, usize, bool) {
    let mut out = String::new();
    let mut lines = 0;
    let mut dropped = false;
    for line in raw.split(LINE_BREAKS).map(clean).filter(|l| !l.is_empty()) {
        lines += 1;
        if out.is_empty() {
            out = line;
        } else if let Some(kept) = without_repeated_tail(&out, &line) {
            out.truncate(kept);
            dropped = true;
        } else {
            out.push(' ');
            out.push_str(&line);
        }
    }
    (out, lines, dropped)
}

/// When `line` (two words or more) repeats the end of `before`, ignoring a colon
/// there, the length of `before` to keep (without that colon).
///
/// 6.006577 is "X\nX", and 6.005678 ends "… đường sắt bậc cao:\nđường sắt bậc cao".
fn without_repeated_tail(before: &str, line: &str) -> Option<usize> {
    let kept = before.trim_end_matches([':', ' ']);
    let head = kept.strip_suffix(line)?;
    let at_word = head.is_empty() || head.ends_with(' ');
    (at_word && line.contains(' ')).then_some(kept.len())
}

/// ". Đăng ký thuế …" becomes "Đăng ký thuế …".
fn drop_leading_punctuation(name: &str) -> Option<String> {
    let trimmed = name
        .trim_start_matches(|c: char| !c.is_alphanumeric() && !OPENERS.contains(&c))
        .trim_start();
    (trimmed.len() != name.len()).then(|| trimmed.to_owned())
}

/// "… cộng đồng." becomes "… cộng đồng"; an ellipsis (a cut name) and an
/// abbreviation's own dot ("v.v.") are kept.
fn drop_trailing_punctuation(name: &str) -> Option<String> {
    if name.ends_with("...") || name.ends_with('…') {
        return None;
    }
    let trimmed = name.trim_end_matches(['.', ',', ';', ':', ' ']);
    if trimmed.len() == name.len() || trimmed.is_empty() {
        return None;
    }
    let last_word = trimmed.rsplit(' ').next().unwrap_or(trimmed);
    let abbreviation = name.ends_with('.')
        && last_word.char_indices().any(|(i, c)| {
            c == '.'
                && last_word[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphabetic)
        });
    (!abbreviation).then(|| trimmed.to_owned())
}

/// "khác(đối" becomes "khác (đối", and "(…)x" becomes "(…) x". Only letters
/// count: "Điều 3(a)" and "(AMT)/nhân" are left alone.
fn space_at_parentheses(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev: Option<char> = None;
    let mut changed = false;
    for c in name.chars() {
        let glued_open = c == '(' && prev.is_some_and(char::is_alphabetic);
        let glued_close = prev == Some(')') && c.is_alphabetic();
        if glued_open || glued_close {
            out.push(' ');
            changed = true;
        }
        out.push(c);
        prev = Some(c);
    }
    changed.then_some(out)
}

/// "miễn thuế , nhưng" becomes "miễn thuế, nhưng" and "( 1.010727 )" becomes "(1.010727)".
fn drop_space_before_punctuation(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let stray = c == ' ' && (matches!(next, Some(',' | ';' | ':' | ')')) || prev == Some('('));
        if stray {
            changed = true;
        } else {
            out.push(c);
        }
    }
    changed.then_some(out)
}

/// Drops the second copy of a phrase printed twice in a row, when the repeat is
/// surely the crawler's: two words or more without a comma or semicolon, or
/// [`LONG_PHRASE_WORDS`] words or more, or one of [`KNOWN_DOUBLED`]. A single
/// repeated word is Vietnamese ("thi công công trình", "nội địa địa phương").
fn drop_doubled_phrases(name: &str) -> Option<String> {
    let mut words: Vec<&str> = name.split(' ').collect();
    let mut changed = false;
    while let Some((start, len)) = find_doubled(&words) {
        words.drain(start + len..start + 2 * len);
        changed = true;
    }
    changed.then(|| words.join(" "))
}

/// The first (longest) phrase of `words` followed by itself that is a crawler
/// repeat, as (start, length in words).
fn find_doubled(words: &[&str]) -> Option<(usize, usize)> {
    for len in (2..=words.len() / 2).rev() {
        for start in 0..=words.len() - 2 * len {
            let phrase = &words[start..start + len];
            if phrase == &words[start + len..start + 2 * len] && is_crawler_repeat(phrase) {
                return Some((start, len));
            }
        }
    }
    None
}

/// See [`drop_doubled_phrases`].
fn is_crawler_repeat(phrase: &[&str]) -> bool {
    phrase.len() >= LONG_PHRASE_WORDS
        || !phrase.iter().any(|w| w.contains([',', ';']))
        || KNOWN_DOUBLED.contains(&phrase.join(" ").as_str())
}

/// Applies [`TYPOS`] at word boundaries.
fn fix_typos(name: &str) -> Option<String> {
    let mut out = name.to_owned();
    let mut changed = false;
    for (wrong, right) in TYPOS {
        if let Some(fixed) = replace_phrase(&out, wrong, right) {
            out = fixed;
            changed = true;
        }
    }
    changed.then_some(out)
}

/// Replaces every occurrence of `from` that is not part of a longer word.
fn replace_phrase(text: &str, from: &str, to: &str) -> Option<String> {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let starts_word = is_word(from.chars().next());
    let ends_word = is_word(from.chars().next_back());
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(from) {
        let end = at + from.len();
        let glued_before = starts_word && is_word(text[..at].chars().next_back());
        let glued_after = ends_word && is_word(text[end..].chars().next());
        if !glued_before && !glued_after {
            out.push_str(&text[copied..at]);
            out.push_str(to);
            copied = end;
        }
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// "cấp Giấy xác nhận …" becomes "Cấp Giấy xác nhận …". Only when the first word
/// is plain lower-case letters, so "m3" or "eKYC" would be left alone.
fn capitalise_start(name: &str) -> Option<String> {
    let first_word = name.split(' ').next().unwrap_or(name);
    let plain = first_word
        .chars()
        .all(|c| c.is_alphabetic() && c.is_lowercase());
    let mut chars = name.chars();
    let first = chars.next()?;
    plain.then(|| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::BufRead;
    use std::path::PathBuf;

    use super::*;

    fn repaired(raw: &str) -> (String, Vec<NameRepair>) {
        let r = repair_name(raw);
        (r.name, r.repairs)
    }

    #[test]
    fn fine_names_are_only_cleaned() {
        for name in [
            "Thủ tục đăng ký khai sinh",
            "Cấp thẻ ABTC (thực hiện tại cấp tỉnh)",
            "Cấp lại Giấy đăng ký hoạt động của Trung tâm trọng tài, Chi nhánh Trung tâm trọng tài, Chi nhánh của Tổ chức trọng tài nước ngoài tại Việt Nam",
            "Cấp giấy phép thi công công trình trên đường bộ đang khai thác",
            "Đăng ký mua, thuê mua, thuê nhà ở xã hội",
            "Cấp giấy phép xả nước thải vào nguồn nước với lưu lượng dưới 5.000m3/ngày",
            "Kiểm dịch vắc-xin (COVID-19) của Bộ Y tế (TW)",
            "Công bố tuyến/theo tuyến (AMT)/nhân viên",
            "Chi phí vệ tinh quan sát, tinh đông lạnh",
            "Báo cáo v.v.",
        ] {
            assert_eq!(repaired(name), (name.to_owned(), vec![]), "{name}");
        }
        assert_eq!(
            repaired("  Thủ tục\u{200E}  đề nghị\tcấp "),
            ("Thủ tục đề nghị cấp".to_owned(), vec![])
        );
    }

    #[test]
    fn leading_punctuation() {
        assert_eq!(
            repaired(". Đăng ký thuế đối với trường hợp chuyển đổi mô hình hoạt động của tổ chức (Chuyển đơn vị phụ thuộc thành đơn vị độc lập hoặc ngược lại)"),
            (
                "Đăng ký thuế đối với trường hợp chuyển đổi mô hình hoạt động của tổ chức (Chuyển đơn vị phụ thuộc thành đơn vị độc lập hoặc ngược lại)".to_owned(),
                vec![NameRepair::LeadingPunctuation]
            )
        );
        assert_eq!(repaired(". Thủ tục chấp thuận").0, "Thủ tục chấp thuận");
        assert_eq!(repaired("(Mẫu) Thủ tục").1, vec![]);
    }

    #[test]
    fn line_breaks() {
        assert_eq!(
            repaired("Công nhận đăng kiểm viên đường sắt và đăng kiểm viên đường sắt bậc\ncao"),
            (
                "Công nhận đăng kiểm viên đường sắt và đăng kiểm viên đường sắt bậc cao".to_owned(),
                vec![NameRepair::LineBreak]
            )
        );
        assert_eq!(
            repaired("Thủ tục điều chỉnh Quyết định chấp thuận nhà đầu tư thuộc thẩm \nquyền của Chủ tịch Uỷ ban nhân dân cấp tỉnh").0,
            "Thủ tục điều chỉnh Quyết định chấp thuận nhà đầu tư thuộc thẩm quyền của Chủ tịch Uỷ ban nhân dân cấp tỉnh"
        );
        assert_eq!(repaired("Thủ tục A\r\n").1, vec![]);
    }

    #[test]
    fn doubled_phrases() {
        // 6.006577: the whole name again after a line break.
        assert_eq!(
            repaired(
                "Thẩm định đề án phân loại đô thị loại I, II, III và loại IV\nThẩm định đề án phân loại đô thị loại I, II, III và loại IV"
            ),
            (
                "Thẩm định đề án phân loại đô thị loại I, II, III và loại IV".to_owned(),
                vec![NameRepair::LineBreak, NameRepair::DoubledPhrase]
            )
        );
        // 6.005678: the end of the name again after a colon and a line break.
        assert_eq!(
            repaired("Công nhận/công nhận lại đăng kiểm viên đường sắt/đăng kiểm viên đường sắt bậc cao:\nđường sắt bậc cao").0,
            "Công nhận/công nhận lại đăng kiểm viên đường sắt/đăng kiểm viên đường sắt bậc cao"
        );
        // 2.002804: two words without punctuation.
        assert_eq!(
            repaired("Thẩm định báo cáo đánh giá tác động môi trường; cấp giấy phép nhận chìm ở biển ở biển và giao khu vực biển"),
            (
                "Thẩm định báo cáo đánh giá tác động môi trường; cấp giấy phép nhận chìm ở biển và giao khu vực biển".to_owned(),
                vec![NameRepair::DoubledPhrase]
            )
        );
        // 3.000501: a long clause.
        assert_eq!(
            repaired("Thẩm định, phê duyệt hoặc điều chỉnh phương án nuôi, trồng phát triển, thu hoạch cây dược liệu trong rừng đối với chủ rừng là tổ chức thuộc địa phương quản lý dược liệu trong rừng đối với chủ rừng là tổ chức thuộc địa phương quản lý").0,
            "Thẩm định, phê duyệt hoặc điều chỉnh phương án nuôi, trồng phát triển, thu hoạch cây dược liệu trong rừng đối với chủ rừng là tổ chức thuộc địa phương quản lý"
        );
        // 1.004881: a long clause with punctuation inside.
        assert_eq!(
            repaired("Cấp Giấy chứng nhận lưu hành thuốc thú y; Cấp lại Giấy chứng nhận lưu hành thuốc thú y (trong trường hợp thay đổi Cấp Giấy chứng nhận lưu hành thuốc thú y; Cấp lại Giấy chứng nhận lưu hành thuốc thú y (trong trường hợp thay đổi thành phần, công thức)").0,
            "Cấp Giấy chứng nhận lưu hành thuốc thú y; Cấp lại Giấy chứng nhận lưu hành thuốc thú y (trong trường hợp thay đổi thành phần, công thức)"
        );
        // 1.009770: a known doubled phrase with a comma.
        assert_eq!(
            repaired("Thủ tục gia hạn thời hạn hoạt động của dự án đầu tư thuộc thẩm quyền của Ban quản lý khu công nghiệp, khu chế xuất, khu công nghệ cao, khu kinh tế công nghệ cao, khu kinh tế").0,
            "Thủ tục gia hạn thời hạn hoạt động của dự án đầu tư thuộc thẩm quyền của Ban quản lý khu công nghiệp, khu chế xuất, khu công nghệ cao, khu kinh tế"
        );
        // Lists that repeat words (3.000492, 1.012882) are fine.
        for fine in [
            "Dự án đầu tư xây dựng công trình, công trình, phương tiện giao thông",
            "Hợp tác kinh doanh, liên doanh, liên kết",
        ] {
            assert_eq!(repaired(fine).1, vec![], "{fine}");
        }
    }

    #[test]
    fn space_before_punctuation() {
        assert_eq!(
            repaired("Thủ tục hải quan đối với hàng hóa bán tại cửa hàng miễn thuế , nhưng được đưa vào bán ở thị trường nội địa"),
            (
                "Thủ tục hải quan đối với hàng hóa bán tại cửa hàng miễn thuế, nhưng được đưa vào bán ở thị trường nội địa".to_owned(),
                vec![NameRepair::SpaceBeforePunctuation]
            )
        );
        assert_eq!(
            repaired("Cấp giấy phép môi trường (cấp Tỉnh) ( 1.010727 )").0,
            "Cấp giấy phép môi trường (cấp Tỉnh) (1.010727)"
        );
    }

    #[test]
    fn missing_space_at_parenthesis() {
        assert_eq!(
            repaired("Cấp Giấy phép hoạt động ngoại tệ và các hoạt động ngoại hối khác(đối với doanh nghiệp kinh doanh)"),
            (
                "Cấp Giấy phép hoạt động ngoại tệ và các hoạt động ngoại hối khác (đối với doanh nghiệp kinh doanh)".to_owned(),
                vec![NameRepair::MissingSpaceAtParenthesis]
            )
        );
        assert_eq!(
            repaired("Bộ luật Quốc tế về an ninh tàu biển và cảng biển(Bộ luật ISPS)").0,
            "Bộ luật Quốc tế về an ninh tàu biển và cảng biển (Bộ luật ISPS)"
        );
        assert_eq!(
            repaired("Cấp thẻ (ABTC)cho doanh nhân").0,
            "Cấp thẻ (ABTC) cho doanh nhân"
        );
        assert_eq!(repaired("Theo Điều 3(a) và (AMT)/nhân viên").1, vec![]);
    }

    #[test]
    fn typos() {
        assert_eq!(
            repaired(
                "Cấp thẻ thường trú cho người nước ngoài tại Việt Nam (thực hiện tại cấp tinh)"
            ),
            (
                "Cấp thẻ thường trú cho người nước ngoài tại Việt Nam (thực hiện tại cấp tỉnh)"
                    .to_owned(),
                vec![NameRepair::Typo]
            )
        );
        assert_eq!(
            repaired("Thủ tục hỗ trợ lãi suất để đầu tư kết cấu hạ tầng phụ vụ vận tải hành khách công cộng bằng xe buýt.").0,
            "Thủ tục hỗ trợ lãi suất để đầu tư kết cấu hạ tầng phục vụ vận tải hành khách công cộng bằng xe buýt"
        );
        assert_eq!(
            repaired("Tuyển chọn công dân thực hiên nghĩa vụ tham gia Công an nhân dân").0,
            "Tuyển chọn công dân thực hiện nghĩa vụ tham gia Công an nhân dân"
        );
        // Only whole words: "vệ tinh" is right, and so is a longer word.
        assert_eq!(repaired("Đào tạo (xcấp tinh)").1, vec![]);
    }

    #[test]
    fn trailing_punctuation() {
        assert_eq!(
            repaired("Hỗ trợ phát triển sản xuất cộng đồng."),
            (
                "Hỗ trợ phát triển sản xuất cộng đồng".to_owned(),
                vec![NameRepair::TrailingPunctuation]
            )
        );
        assert_eq!(
            repaired("Cấp giấy phép hoạt động xây dựng cho nhà thầu nước ngoài..").0,
            "Cấp giấy phép hoạt động xây dựng cho nhà thầu nước ngoài"
        );
        assert_eq!(
            repaired(
                "Trả lại giấy phép thăm dò nước dưới đất, giấy phép khai thác tài nguyên nước ."
            )
            .0,
            "Trả lại giấy phép thăm dò nước dưới đất, giấy phép khai thác tài nguyên nước"
        );
        assert_eq!(
            repaired("Thủ tục đề nghị cấp mã tổ chức phát hành thẻ ngân hàng (gọi tắt là mã BIN).")
                .0,
            "Thủ tục đề nghị cấp mã tổ chức phát hành thẻ ngân hàng (gọi tắt là mã BIN)"
        );
        assert_eq!(
            repaired("Thẩm định Thiết kế xây dựng triển khai sau thiết kế cơ sở điều chỉnh;").0,
            "Thẩm định Thiết kế xây dựng triển khai sau thiết kế cơ sở điều chỉnh"
        );
        assert_eq!(
            repaired("Xác nhận hàng hóa thuộc Nhóm 98.22.").0,
            "Xác nhận hàng hóa thuộc Nhóm 98.22"
        );
        assert_eq!(repaired("Tên bị cắt...").1, vec![]);
    }

    #[test]
    fn lowercase_start() {
        assert_eq!(
            repaired("cấp Giấy xác nhận phù hợp về tuyển dụng, cung ứng thuyền viên hàng hải"),
            (
                "Cấp Giấy xác nhận phù hợp về tuyển dụng, cung ứng thuyền viên hàng hải".to_owned(),
                vec![NameRepair::LowercaseStart]
            )
        );
        assert_eq!(repaired("đăng ký").0, "Đăng ký");
        assert_eq!(repaired("m3 nước").1, vec![]);
        assert_eq!(repaired("eKYC cho tổ chức").1, vec![]);
    }

    #[test]
    fn punctuation_only_becomes_empty() {
        assert_eq!(repaired(" . ").0, "");
    }

    /// The raw `(ma_thu_tuc, ten_thu_tuc)` of every line of the demo catalogue.
    fn demo_names() -> Vec<(String, String)> {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/demo/procedures.jsonl.gz");
        let file = std::fs::File::open(path).unwrap();
        let reader = std::io::BufReader::new(flate2::read::MultiGzDecoder::new(file));
        reader
            .lines()
            .map(|line| {
                let record: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                let text = |key: &str| record[key].as_str().unwrap().to_owned();
                (text("ma_thu_tuc"), text("ten_thu_tuc"))
            })
            .collect()
    }

    /// True when a word has a lower-case letter directly followed by an upper-case one.
    fn glued_case(name: &str) -> bool {
        name.chars()
            .zip(name.chars().skip(1))
            .any(|(a, b)| a.is_lowercase() && b.is_uppercase())
    }

    /// Counted by hand over data/demo/procedures.jsonl.gz (a Python pass over the raw
    /// names): 82 trailing punctuation, 15 line breaks, 10 typos, 7 doubled phrases,
    /// 3 glued parentheses, 2 each of leading punctuation, stray spaces and a
    /// lower-case start; 123 repairs in 119 names. A change of behaviour on the real
    /// catalogue fails here, and a name with no repair must equal its plain clean-up.
    #[test]
    fn whole_demo_catalogue() {
        let names = demo_names();
        assert_eq!(names.len(), 2642);
        let mut by_kind: HashMap<NameRepair, Vec<String>> = HashMap::new();
        let mut repaired_names = 0;
        for (code, raw) in &names {
            let RepairedName { name, repairs } = repair_name(raw);
            if repairs.is_empty() {
                assert_eq!(name, clean(raw), "{code} changed without a repair");
            } else {
                repaired_names += 1;
                if std::env::var_os("CONGDAN_DUMP").is_some() {
                    println!("{code} {repairs:?}\n  {raw:?}\n  {name:?}");
                }
            }
            for repair in repairs {
                by_kind.entry(repair).or_default().push(code.clone());
            }
            let first = name.chars().next().unwrap();
            assert!(
                first.is_alphanumeric() && !first.is_lowercase(),
                "{code}: {name}"
            );
            assert!(!name.contains(LINE_BREAKS), "{code}: {name}");
            assert!(!name.ends_with(['.', ',', ';', ':']), "{code}: {name}");
            assert!(!glued_case(&name), "{code}: {name}");
            assert!(space_at_parentheses(&name).is_none(), "{code}: {name}");
            assert!(
                drop_space_before_punctuation(&name).is_none(),
                "{code}: {name}"
            );
            assert!(drop_doubled_phrases(&name).is_none(), "{code}: {name}");
            assert!(fix_typos(&name).is_none(), "{code}: {name}");
            let twice = name.split(' ').collect::<Vec<_>>();
            let half = twice.len() / 2;
            assert!(
                twice.len() < 4 || twice[..half] != twice[twice.len() - half..],
                "{code}: {name}"
            );
        }
        let codes = |kind: NameRepair| {
            let mut codes = by_kind.get(&kind).cloned().unwrap_or_default();
            codes.sort();
            codes
        };
        let count = |kind: NameRepair| codes(kind).len();
        assert_eq!(
            codes(NameRepair::LeadingPunctuation),
            ["2.000733", "2.002321"]
        );
        assert_eq!(codes(NameRepair::LowercaseStart), ["1.004828", "1.004850"]);
        assert_eq!(count(NameRepair::LineBreak), 15);
        assert_eq!(
            codes(NameRepair::DoubledPhrase),
            [
                "1.002173", "1.004881", "1.009770", "2.002804", "3.000501", "6.005678", "6.006577"
            ]
        );
        assert_eq!(
            codes(NameRepair::SpaceBeforePunctuation),
            ["1.007882", "1.010727"]
        );
        assert_eq!(
            codes(NameRepair::MissingSpaceAtParenthesis),
            ["1.000480", "1.004296", "2.000223"]
        );
        assert_eq!(count(NameRepair::Typo), TYPOS.len());
        assert_eq!(count(NameRepair::TrailingPunctuation), 82);
        assert_eq!(by_kind.values().map(Vec::len).sum::<usize>(), 123);
        assert_eq!(repaired_names, 119);
    }
}
