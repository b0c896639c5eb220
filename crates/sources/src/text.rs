//! Small text clean-ups shared by the parsers: whitespace collapsing, removal of
//! invisible or private-use characters, NFC. Search folding is not done here.

use unicode_normalization::UnicodeNormalization;

/// Characters that carry no meaning in published text: LRM/RLM, soft hyphen,
/// zero-width ones, BOM, and the private-use area (Wingdings glyphs from Word).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{00AD}' | '\u{FEFF}' | '\u{2060}' | '\u{202A}'..='\u{202E}'
    ) || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// NFC, invisible characters dropped, every whitespace run (tabs, newlines,
/// NBSP) turned into one space, trimmed.
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfc() {
        if is_invisible(c) {
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
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_strips() {
        assert_eq!(
            clean("  Cấp\u{200E} lại \n\t thẻ\u{00A0}\u{00AD}căn cước\u{F0FC} "),
            "Cấp lại thẻ căn cước"
        );
    }

    #[test]
    fn normalises_to_nfc() {
        // "Việt" with combining dot below + circumflex.
        assert_eq!(clean("Vie\u{0302}\u{0323}t"), "Việt");
    }
}
