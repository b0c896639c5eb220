//! The text fold shared by the index and the queries.

use unicode_normalization::UnicodeNormalization;

/// Folds text for matching: NFD, drop combining marks U+0300–U+036F, đ→d, Đ→D,
/// lowercase, collapse whitespace runs to one space and trim.
///
/// Applied to both the indexed text and the query, so "cap lai can cuoc" finds
/// "Cấp lại căn cước", "dang ky" finds "Đăng ký", and tone-mark placement
/// variants ("thủy"/"thuỷ", "hòa"/"hoà") fold to the same string.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd() {
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

#[cfg(test)]
mod tests {
    use super::fold;

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
}
