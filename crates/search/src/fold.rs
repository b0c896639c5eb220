//! The text fold shared by the index and the queries, and the split into words.
//!
//! Owns: [`fold`] (diacritics, đ, case, whitespace) and [`words`] (folded words
//! with the i/y spelling variants made one). Does not own: which words matter
//! (that is `fillers`) or what they mean (that is `synonyms`).

use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: NFD, drop combining marks U+0300–U+036F, đ→d, Đ→D,
/// lowercase, collapse whitespace runs to one space and trim.
///
/// Applied to both the indexed text and the query, so "cap lai can cuoc" finds
/// "Cấp lại căn cước", "dang ky" finds "Đăng ký", and tone-mark placement
/// variants ("thủy"/"thuỷ", "hòa"/"hoà") fold to the same string.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return fold_chars(text.chars());
    }
    fold_chars(text.nfd())
}

/// [`fold`] over already decomposed characters (ASCII needs no decomposition).
fn fold_chars(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The words of `text` as the index and the queries see them: folded, split
/// on anything that is not a letter or digit, each spelling variant made one
/// ([`canonical_word`]).
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(canonical_word)
        .collect()
}

/// A word of a query as typed and as searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedWord {
    /// As searched: folded, one i/y spelling ([`words`]).
    pub folded: String,
    /// As typed, lower case NFC, when it carries any mark ("căn", "chợ");
    /// `None` for plain ASCII ("can", "cho"), which may mean any of them.
    pub marked: Option<String>,
    /// True when it carries a tone mark (sắc, huyền, hỏi, ngã, nặng): Telex
    /// and VNI add the tone last, so such a word is finished, while "đăn" or
    /// "thườ" may still grow.
    pub toned: bool,
}

/// Combining tone marks (after NFD): huyền, sắc, ngã, hỏi, nặng.
const TONE_MARKS: [char; 5] = ['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}'];

/// The words of a query with what was typed: the same words as [`words`],
/// each with its marked form when it has marks.
pub fn typed_words(text: &str) -> Vec<TypedWord> {
    let lower: String = text.nfc().flat_map(char::to_lowercase).collect();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| {
            let folded: String = words(w).concat();
            (!folded.is_empty()).then(|| TypedWord {
                marked: (!w.is_ascii()).then(|| w.to_string()),
                toned: w.nfd().any(|c| TONE_MARKS.contains(&c)),
                folded,
            })
        })
        .collect()
}

/// Upper bound on a procedure's keywords text, in bytes. Some records list
/// 50 kB of documents; names beyond the first few add little to finding a
/// procedure and only grow the index.
pub const KEYWORDS_MAX_BYTES: usize = 600;

/// The folded keywords text of a procedure: `parts` (code, field, agencies)
/// then document names, cut at [`KEYWORDS_MAX_BYTES`] on a word boundary.
/// The device and the server build it the same way.
pub fn keywords<'a>(parts: &[&'a str], documents: impl IntoIterator<Item = &'a str>) -> String {
    let mut raw = String::new();
    for part in parts.iter().copied().chain(documents) {
        if raw.len() > KEYWORDS_MAX_BYTES * 2 {
            break;
        }
        raw.push_str(part);
        raw.push(' ');
    }
    let mut folded = fold(&raw);
    if folded.len() > KEYWORDS_MAX_BYTES {
        let mut cut = KEYWORDS_MAX_BYTES;
        while !folded.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(space) = folded[..cut].rfind(' ') {
            cut = space;
        }
        folded.truncate(cut);
    }
    folded
}

/// The keywords text of a procedure (code, field, agencies, issuer, then its
/// documents), the one every index of the catalogue is built with.
pub fn procedure_keywords(p: &congdan_protocol::Procedure) -> String {
    keywords(
        &[&p.code, &p.field, &p.agency, &p.authority, &p.issuer],
        p.documents.iter().map(|d| d.name.as_str()),
    )
}

/// Consonant onsets after which a lone final "y" and "i" are the same syllable
/// spelled two ways (kí/ký, lí/lý, mĩ/mỹ, hi/hy, ti/ty, si/sy, qui/quy).
const I_Y_ONSETS: &[&str] = &[
    "b", "c", "ch", "d", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph",
    "qu", "r", "s", "t", "th", "tr", "v", "x",
];

/// One spelling for syllables that Vietnamese writes with either "i" or "y":
/// an onset from `I_Y_ONSETS` followed by a lone "y" becomes "i" ("ky" →
/// "ki", "quy" → "qui"), so "đăng kí" and "đăng ký" match. Rhymes such as "uy"
/// ("thủy", "huy") are different sounds and stay as they are.
pub fn canonical_word(word: &str) -> String {
    if let Some(onset) = word.strip_suffix('y')
        && I_Y_ONSETS.contains(&onset)
    {
        return format!("{onset}i");
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_vietnamese_marks_and_d() {
        assert_eq!(fold("Cấp lại căn cước"), "cap lai can cuoc");
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("ĐƯỜNG THỦY nội địa"), "duong thuy noi dia");
    }

    #[test]
    fn tone_placement_variants_fold_together() {
        assert_eq!(fold("thủy"), fold("thuỷ"));
        assert_eq!(fold("hòa"), fold("hoà"));
        assert_eq!(fold("Huỷ tài khoản"), fold("Hủy tài khoản"));
    }

    #[test]
    fn decomposed_input_folds_like_composed() {
        let decomposed = "Ca\u{0302}\u{0301}p";
        assert_eq!(fold(decomposed), "cap");
    }

    #[test]
    fn collapses_whitespace() {
        assert_eq!(fold("  thẩm \nquyền\t\u{00A0} xã "), "tham quyen xa");
        assert_eq!(fold(""), "");
        assert_eq!(fold("   "), "");
    }

    #[test]
    fn i_and_y_spellings_are_one_word() {
        assert_eq!(words("đăng kí kết hôn"), words("Đăng ký kết hôn"));
        assert_eq!(words("lí lịch"), words("lý lịch"));
        assert_eq!(words("mĩ thuật"), words("Mỹ thuật"));
        assert_eq!(words("qui định"), words("quy định"));
        assert_eq!(words("ký"), ["ki"]);
    }

    #[test]
    fn other_y_rhymes_are_kept() {
        assert_eq!(
            words("thủy lợi y tế huy động"),
            ["thuy", "loi", "y", "te", "huy", "dong"]
        );
        assert_eq!(words("tuyến"), ["tuyen"]);
    }

    #[test]
    fn typed_words_keep_marks_and_know_finished_syllables() {
        let w = typed_words("Cần làm CĂN cước đăn ô tô");
        let folded: Vec<&str> = w.iter().map(|t| t.folded.as_str()).collect();
        assert_eq!(folded, ["can", "lam", "can", "cuoc", "dan", "o", "to"]);
        assert_eq!(w[0].marked.as_deref(), Some("cần"));
        assert_eq!(w[2].marked.as_deref(), Some("căn"));
        assert!(w[0].toned && w[1].toned && !w[2].toned && w[3].toned);
        assert!(!w[4].toned, "đăn: marks but no tone yet");
        let plain = typed_words("can cuoc");
        assert!(plain.iter().all(|t| t.marked.is_none() && !t.toned));
        assert_eq!(
            typed_words("đăng kí")
                .iter()
                .map(|t| t.folded.clone())
                .collect::<Vec<_>>(),
            words("đăng kí")
        );
    }

    #[test]
    fn keywords_are_folded_and_capped_on_a_word_boundary() {
        let docs: Vec<String> = (0..2000).map(|i| format!("Giấy tờ số {i}")).collect();
        let k = keywords(&["1.1", "Hộ tịch"], docs.iter().map(String::as_str));
        assert!(k.len() <= KEYWORDS_MAX_BYTES);
        assert!(k.starts_with("1.1 ho tich giay to so 0"));
        assert!(!k.ends_with(' '));
    }

    #[test]
    fn words_split_on_punctuation() {
        assert_eq!(words("căn-cước (CCCD)"), ["can", "cuoc", "cccd"]);
        assert_eq!(words("1.001193"), ["1", "001193"]);
        assert!(words(" \"*-() ").is_empty());
    }
}
