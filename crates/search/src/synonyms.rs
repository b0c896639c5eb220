//! The synonym dictionary: what residents say ("sổ đỏ", "bằng lái", "CCCD")
//! mapped to the wording of official procedure names.
//!
//! Owns: parsing the dictionary (`alias<TAB>official<TAB>seen`, one entry a
//! line, `#` comments; see data/search/synonyms.tsv) and finding the aliases
//! of a procedure name. The server adds these aliases to each procedure at
//! ingest, so a device indexes them with the name and a commune that extends
//! the dictionary reaches every device on its next sync. Does not own: how an
//! alias match ranks (that is `rank`).

use crate::fold::words;

/// The dictionary that ships with the project.
const BUILTIN: &str = include_str!("../../../data/search/synonyms.tsv");

/// Why a dictionary could not be read; nothing of it is used then.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SynonymError {
    /// A line does not have the alias and official columns, or one is empty.
    #[error("line {line}: expected `alias<TAB>official<TAB>seen`, got {found:?}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// The line as read (cut to 80 characters).
        found: String,
    },
}

/// One dictionary entry, both sides already split into search words.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The alias as written in the dictionary (what residents type).
    alias: String,
    /// The official phrase's words, as [`words`] splits them.
    official: Vec<String>,
}

/// A parsed dictionary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    entries: Vec<Entry>,
}

impl Synonyms {
    /// The dictionary in data/search/synonyms.tsv, compiled in.
    pub fn builtin() -> Synonyms {
        Synonyms::parse(BUILTIN).expect("data/search/synonyms.tsv parses (checked by a unit test)")
    }

    /// Parses a dictionary text. Blank lines and lines starting with `#` are
    /// skipped; the third column (where the usage was seen) is documentation
    /// and optional here. Errors: [`SynonymError::Malformed`] with the line.
    pub fn parse(text: &str) -> Result<Synonyms, SynonymError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_start_matches('\u{feff}');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let alias = cols.next().unwrap_or_default().trim();
            let official = cols.next().unwrap_or_default().trim();
            if alias.is_empty() || words(alias).is_empty() || words(official).is_empty() {
                return Err(SynonymError::Malformed {
                    line: i + 1,
                    found: line.chars().take(80).collect(),
                });
            }
            entries.push(Entry {
                alias: alias.to_string(),
                official: words(official),
            });
        }
        Ok(Synonyms { entries })
    }

    /// This dictionary followed by `more` (a commune's own entries).
    pub fn extended(mut self, more: Synonyms) -> Synonyms {
        self.entries.extend(more.entries);
        self
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the dictionary has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The aliases whose official phrase occurs in `name` as consecutive
    /// words (after folding), each once, in dictionary order.
    pub fn aliases_for(&self, name: &str) -> Vec<String> {
        let name = words(name);
        let mut out: Vec<String> = Vec::new();
        for e in &self.entries {
            let found = name
                .windows(e.official.len())
                .any(|w| w == e.official.as_slice());
            if found && !out.iter().any(|a| a == &e.alias) {
                out.push(e.alias.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_dictionary_parses_and_is_useful() {
        let d = Synonyms::builtin();
        assert!(d.len() >= 30, "{} entries", d.len());
        let so_do = d.aliases_for(
            "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        );
        assert!(so_do.iter().any(|a| a == "sổ đỏ"), "{so_do:?}");
        let gplx = d.aliases_for("Đổi giấy phép lái xe");
        assert!(gplx.iter().any(|a| a == "bằng lái"), "{gplx:?}");
    }

    #[test]
    fn aliases_need_the_whole_phrase_in_order() {
        let d = Synonyms::parse(
            "# comment\nsổ đỏ\tgiấy chứng nhận quyền sử dụng đất\tissue 7\n\nBHYT\tbảo hiểm y tế\n",
        )
        .unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(
            d.aliases_for("Cấp Giấy chứng nhận quyền sử dụng đất lần đầu"),
            ["sổ đỏ"]
        );
        assert!(d.aliases_for("Giấy chứng nhận quyền sở hữu đất").is_empty());
        assert_eq!(d.aliases_for("Cấp lại thẻ BẢO HIỂM Y TẾ"), ["BHYT"]);
    }

    #[test]
    fn malformed_lines_are_refused_with_their_number() {
        assert_eq!(
            Synonyms::parse("a\tb\nonly-one-column\n"),
            Err(SynonymError::Malformed {
                line: 2,
                found: "only-one-column".into()
            })
        );
        assert!(Synonyms::parse("\tx\n").is_err());
        assert!(Synonyms::parse("x\t(())\n").is_err());
    }
}
