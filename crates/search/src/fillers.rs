//! Filler words: what residents add around what they look for ("làm", "xin",
//! "ở đâu", "cho con"). A filler weighs little in ranking and never empties a
//! result list on its own. The list is data/search/fillers.tsv, compiled in.

use unicode_normalization::UnicodeNormalization;

use crate::fold::{TypedWord, words};

/// The filler list that ships with the project.
const BUILTIN: &str = include_str!("../../../data/search/fillers.tsv");

/// Filler phrases, longest first so "như thế nào" wins over "thế nào"; each
/// word as searched (folded) and as written (lower case NFC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fillers {
    phrases: Vec<Vec<(String, String)>>,
}

impl Fillers {
    /// The compiled-in list (`phrase<TAB>why` lines, `#` comments).
    pub fn builtin() -> Fillers {
        let mut phrases: Vec<Vec<(String, String)>> = BUILTIN
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|l| {
                let written: String = l
                    .split('\t')
                    .next()
                    .unwrap_or_default()
                    .nfc()
                    .flat_map(char::to_lowercase)
                    .collect();
                written
                    .split_whitespace()
                    .map(|w| (words(w).concat(), w.to_string()))
                    .filter(|(folded, _)| !folded.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Fillers { phrases }
    }

    /// Marks which of `query` are fillers. A word typed with marks must match
    /// the filler as written ("chợ" is not "cho", "căn" is not "cần"); a word
    /// typed without marks matches folded ("o dau" is "ở đâu").
    pub fn mark(&self, query: &[TypedWord]) -> Vec<bool> {
        let same = |q: &TypedWord, (folded, written): &(String, String)| match &q.marked {
            Some(marked) => marked == written,
            None => &q.folded == folded,
        };
        let mut filler = vec![false; query.len()];
        let mut i = 0;
        while i < query.len() {
            let hit = self.phrases.iter().find(|p| {
                query
                    .get(i..i + p.len())
                    .is_some_and(|w| w.iter().zip(p.iter()).all(|(q, f)| same(q, f)))
            });
            match hit {
                Some(p) => {
                    filler[i..i + p.len()].iter_mut().for_each(|f| *f = true);
                    i += p.len();
                }
                None => i += 1,
            }
        }
        filler
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::typed_words;

    #[test]
    fn marks_words_and_phrases() {
        let f = Fillers::builtin();
        let q = typed_words("làm giấy khai sinh cho con ở đâu");
        assert_eq!(
            f.mark(&q),
            [true, false, false, false, true, true, true, true]
        );
        let q = typed_words("thu tuc ly hon nhu the nao");
        assert_eq!(f.mark(&q), [true, true, false, false, true, true, true]);
        assert_eq!(f.mark(&typed_words("dang ky ket hon")), [false; 4]);
    }

    #[test]
    fn words_typed_with_other_marks_are_not_fillers() {
        let f = Fillers::builtin();
        // "căn" is not "cần", "chợ" is not "cho", "ô" is not "ở", "lâm" is not "làm".
        assert_eq!(f.mark(&typed_words("cấp lại căn cước")), [false; 4]);
        assert_eq!(f.mark(&typed_words("giấy phép chợ")), [false; 3]);
        assert_eq!(f.mark(&typed_words("đăng ký xe ô tô")), [false; 5]);
        assert_eq!(f.mark(&typed_words("lâm nghiệp")), [false; 2]);
        assert_eq!(f.mark(&typed_words("cần")), [true]);
    }
}
