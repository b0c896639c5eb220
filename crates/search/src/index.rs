//! The in-memory search index of a procedure catalogue.
//!
//! Owns: the vocabulary (an `fst` map, for prefixes and one-typo look-ups),
//! posting lists per word, and per procedure its name words in order (with
//! the words inside parentheses marked as asides), its aliases, keywords and
//! prior. Built once from the stored catalogue and rebuilt when it changes;
//! 2,642 procedures take about a megabyte. Does not own: storage (the caller
//! hands in [`Doc`]s) or scoring (that is `rank`).

use std::collections::HashMap;

use crate::fillers::Fillers;
use crate::fold::{canonical_word, fold};

/// One procedure as the index needs it; the caller's storage provides it.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    /// The caller's key (the procedure code), returned in hits.
    pub key: &'a str,
    /// The name as published.
    pub name: &'a str,
    /// Colloquial names and abbreviations (from the synonym dictionary at ingest).
    pub aliases: &'a [String],
    /// Other text worth finding it by: field, agency, documents (any case).
    pub keywords: &'a str,
    /// Levels that carry it out ("Cấp xã", …), for the level filter and the prior.
    pub levels: &'a [String],
    /// Field (lĩnh vực), for the field filter and the prior.
    pub field: &'a str,
}

/// The level residents of a commune deal with first.
const COMMUNE_LEVEL: &str = "Cấp xã";

/// Fields residents need most (folded substrings of the field name): civil
/// status, certification, residence, ID cards, land, building, insurance,
/// people with merit, vehicles. Documented in docs/SEARCH.md.
const RESIDENT_FIELDS: &[&str] = &[
    "ho tich",
    "chung thuc",
    "cu tru",
    "can cuoc",
    "dat dai",
    "xay dung",
    "nha o",
    "bao hiem",
    "bhxh",
    "nguoi co cong",
    "bao tro xa hoi",
    "phuong tien giao thong",
    "nuoi con nuoi",
];

/// Prior of a procedure at the commune level.
pub(crate) const PRIOR_COMMUNE: f32 = 0.05;
/// Prior of a procedure in one of [`RESIDENT_FIELDS`].
pub(crate) const PRIOR_FIELD: f32 = 0.04;

/// A procedure inside the index.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The caller's key.
    pub key: String,
    /// Name word ids in order.
    pub name: Vec<u32>,
    /// For each name word, whether it counts for coverage (outside
    /// parentheses and not a leading "thủ tục").
    pub core: Vec<bool>,
    /// Number of `core` words.
    pub core_len: u16,
    /// Alias phrases as word ids.
    pub aliases: Vec<Vec<u32>>,
    /// Keyword ids, sorted and unique.
    pub keywords: Vec<u32>,
    /// Level ids into [`Index::levels`].
    pub levels: Vec<u16>,
    /// Field id into [`Index::fields`].
    pub field: u16,
    /// Prior from level and field.
    pub prior: f32,
}

/// A searchable procedure catalogue.
pub struct Index {
    /// Word → id; ids are the words' sorted order.
    pub(crate) vocab: fst::Map<Vec<u8>>,
    /// Procedures holding each word in the name or an alias.
    pub(crate) name_postings: Vec<Vec<u32>>,
    /// Procedures holding each word only in the keywords.
    pub(crate) keyword_postings: Vec<Vec<u32>>,
    /// The procedures, by position.
    pub(crate) docs: Vec<Entry>,
    /// Key → position.
    pub(crate) keys: HashMap<String, u32>,
    /// Distinct levels.
    pub(crate) levels: Vec<String>,
    /// Distinct fields.
    pub(crate) fields: Vec<String>,
    /// Filler words of queries.
    pub(crate) fillers: Fillers,
    /// Words by id.
    pub(crate) words: Vec<String>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("docs", &self.docs.len())
            .field("words", &self.vocab.len())
            .finish_non_exhaustive()
    }
}

/// The words of a name with, for each, whether it is an aside (inside
/// parentheses).
fn name_words(name: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut word = String::new();
    let flush = |word: &mut String, depth: usize, out: &mut Vec<(String, bool)>| {
        if !word.is_empty() {
            out.push((canonical_word(word), depth > 0));
            word.clear();
        }
    };
    for c in fold(name).chars() {
        if c.is_alphanumeric() {
            word.push(c);
            continue;
        }
        flush(&mut word, depth, &mut out);
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    flush(&mut word, depth, &mut out);
    out
}

/// Position of `value` in `table`, appended when new.
fn intern(table: &mut Vec<String>, value: &str) -> u16 {
    match table.iter().position(|v| v == value) {
        Some(i) => u16::try_from(i).unwrap_or(u16::MAX),
        None => {
            table.push(value.to_string());
            u16::try_from(table.len() - 1).unwrap_or(u16::MAX)
        }
    }
}

impl Index {
    /// Builds the index of `docs`. Cost: linear in the text, about 0.15 s for
    /// the 2,642-procedure catalogue in a release build on a desktop (1.5 s
    /// for 50,000), so callers build it once per catalogue version and off
    /// the UI's path.
    pub fn build<'a>(docs: impl IntoIterator<Item = Doc<'a>>) -> Index {
        struct Raw {
            key: String,
            name: Vec<(String, bool)>,
            aliases: Vec<Vec<String>>,
            keywords: Vec<String>,
            levels: Vec<u16>,
            field: u16,
            prior: f32,
        }
        let mut levels = Vec::new();
        let mut fields = Vec::new();
        let mut words: HashMap<String, u32> = HashMap::new();
        let mut raws = Vec::new();
        for d in docs {
            let name = name_words(d.name);
            let aliases: Vec<Vec<String>> = d
                .aliases
                .iter()
                .map(|a| crate::fold::words(a))
                .filter(|a| !a.is_empty())
                .collect();
            let mut keywords = crate::fold::words(d.keywords);
            keywords.sort();
            keywords.dedup();
            for w in name
                .iter()
                .map(|(w, _)| w)
                .chain(aliases.iter().flatten())
                .chain(&keywords)
            {
                if !words.contains_key(w) {
                    words.insert(w.clone(), 0);
                }
            }
            let folded_field = fold(d.field);
            let mut prior = 0.0;
            if d.levels.iter().any(|l| l == COMMUNE_LEVEL) {
                prior += PRIOR_COMMUNE;
            }
            if RESIDENT_FIELDS.iter().any(|f| folded_field.contains(f)) {
                prior += PRIOR_FIELD;
            }
            raws.push(Raw {
                key: d.key.to_string(),
                name,
                aliases,
                keywords,
                levels: d.levels.iter().map(|l| intern(&mut levels, l)).collect(),
                field: intern(&mut fields, d.field),
                prior,
            });
        }
        let mut sorted: Vec<String> = words.keys().cloned().collect();
        sorted.sort_unstable();
        for (i, w) in sorted.iter().enumerate() {
            if let Some(id) = words.get_mut(w) {
                *id = u32::try_from(i).unwrap_or(u32::MAX);
            }
        }
        let vocab = fst::Map::from_iter(
            sorted
                .iter()
                .enumerate()
                .map(|(i, w)| (w.as_str(), i as u64)),
        )
        .expect("words are sorted and unique (keys of a map, sorted)");
        let id = |w: &String| words.get(w).copied().unwrap_or(0);
        let mut name_postings = vec![Vec::new(); words.len()];
        let mut keyword_postings = vec![Vec::new(); words.len()];
        let mut docs = Vec::with_capacity(raws.len());
        let mut keys = HashMap::with_capacity(raws.len());
        for (pos, raw) in raws.into_iter().enumerate() {
            let pos = u32::try_from(pos).unwrap_or(u32::MAX);
            let name: Vec<u32> = raw.name.iter().map(|(w, _)| id(w)).collect();
            let leading_thu_tuc =
                raw.name.len() > 2 && raw.name[0].0 == "thu" && raw.name[1].0 == "tuc";
            let core: Vec<bool> = raw
                .name
                .iter()
                .enumerate()
                .map(|(i, (_, aside))| !(*aside || (leading_thu_tuc && i < 2)))
                .collect();
            let aliases: Vec<Vec<u32>> = raw
                .aliases
                .iter()
                .map(|a| a.iter().map(id).collect())
                .collect();
            let mut in_name: Vec<u32> = name
                .iter()
                .chain(aliases.iter().flatten())
                .copied()
                .collect();
            in_name.sort_unstable();
            in_name.dedup();
            for &w in &in_name {
                name_postings[w as usize].push(pos);
            }
            let keywords: Vec<u32> = raw.keywords.iter().map(id).collect();
            for &w in &keywords {
                if in_name.binary_search(&w).is_err() {
                    keyword_postings[w as usize].push(pos);
                }
            }
            keys.insert(raw.key.clone(), pos);
            docs.push(Entry {
                key: raw.key,
                core_len: u16::try_from(core.iter().filter(|&&c| c).count()).unwrap_or(u16::MAX),
                name,
                core,
                aliases,
                keywords,
                levels: raw.levels,
                field: raw.field,
                prior: raw.prior,
            });
        }
        Index {
            vocab,
            name_postings,
            keyword_postings,
            docs,
            keys,
            levels,
            fields,
            fillers: Fillers::builtin(),
            words: sorted,
        }
    }

    /// Number of procedures in the index.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when the index holds no procedure.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The word with id `id`.
    pub(crate) fn word(&self, id: u32) -> Option<&String> {
        self.words.get(id as usize)
    }

    /// In how many procedures a word occurs (name, alias or keywords).
    pub(crate) fn df(&self, id: u32) -> usize {
        self.name_postings[id as usize].len() + self.keyword_postings[id as usize].len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asides_are_the_words_in_parentheses() {
        let w = name_words("Cấp lại thẻ căn cước (thực hiện tại cấp trung ương) nhanh");
        let asides: Vec<_> = w
            .iter()
            .filter(|(_, a)| *a)
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(asides, ["thuc", "hien", "tai", "cap", "trung", "uong"]);
        assert_eq!(
            w.last().map(|(w, a)| (w.as_str(), *a)),
            Some(("nhanh", false))
        );
    }

    #[test]
    fn builds_postings_and_core_lengths() {
        let none: Vec<String> = Vec::new();
        let xa = vec!["Cấp xã".to_string()];
        let idx = Index::build([
            Doc {
                key: "1",
                name: "Thủ tục đăng ký khai sinh",
                aliases: &["giấy khai sinh".to_string()],
                keywords: "Hộ tịch",
                levels: &xa,
                field: "Hộ tịch",
            },
            Doc {
                key: "2",
                name: "Đăng ký kết hôn (có yếu tố nước ngoài)",
                aliases: &none,
                keywords: "",
                levels: &none,
                field: "Hộ tịch",
            },
        ]);
        assert_eq!(idx.len(), 2);
        assert_eq!(idx.docs[0].core_len, 4, "leading 'thủ tục' does not count");
        assert_eq!(idx.docs[1].core_len, 4, "the aside does not count");
        let giay = idx.vocab.get("giay").unwrap() as u32;
        assert_eq!(
            idx.name_postings[giay as usize],
            [0],
            "alias words are findable"
        );
        let ki = idx.vocab.get("ki").unwrap() as u32;
        assert_eq!(idx.df(ki), 2);
        let tich = idx.vocab.get("tich").unwrap() as u32;
        assert_eq!(idx.keyword_postings[tich as usize], [0]);
        assert!((idx.docs[0].prior - (PRIOR_COMMUNE + PRIOR_FIELD)).abs() < 1e-6);
        assert!((idx.docs[1].prior - PRIOR_FIELD).abs() < 1e-6);
    }
}
