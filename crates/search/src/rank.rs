//! Ranking a query against the [`Index`]: what residents typed, weighed the
//! way docs/SEARCH.md explains.
//!
//! Two stages. Candidates: every procedure holding any query word (whole, the
//! last word as a prefix, or one typo away) in its name, aliases or keywords,
//! scored coarsely by the rarity-weighted share of the query it holds; no word
//! is required, so one extra word never empties the list. Then the best
//! `CANDIDATES` are scored finely: share of the query matched (whole words
//! over prefixes over typo corrections, names and aliases over keywords),
//! query words adjacent and in order in the name, share of the name covered,
//! and a small prior for commune-level procedures and residents' fields.

use std::collections::HashMap;

use fst::{IntoStreamer, Streamer};

use crate::fold::{TypedWord, typed_words};
use crate::index::{Entry, Index};

/// How many coarse candidates get the fine score.
const CANDIDATES: usize = 300;
/// Match factor of a whole word.
const EXACT: f32 = 1.0;
/// Match factor of the last word as a prefix of a longer word.
const PREFIX: f32 = 0.85;
/// Match factor of a word one typo away.
const TYPO: f32 = 0.7;
/// Factor of a match in the keywords (field, agency, documents) only.
const KEYWORD: f32 = 0.3;
/// Weight of a filler word (a typical word weighs 2 to 6).
const FILLER: f32 = 0.3;
/// Most vocabulary words one prefix or one typo expands to.
const MAX_EXPANSIONS: usize = 64;
/// Words of a query beyond this many are ignored (a question, not an essay).
const MAX_QUERY_WORDS: usize = 32;
/// Shortest word that is corrected for a typo.
const MIN_TYPO_LEN: usize = 4;
/// Fine-score weights: query words adjacent and in order in the name.
const W_PROXIMITY: f32 = 0.25;
/// Fine-score weight: share of the name's words the query covers.
const W_COVERAGE: f32 = 0.3;
/// Penalty per word of the name (shorter names first among equals).
const W_LENGTH: f32 = 0.002;
/// Penalty when the name starts with an action the query did not ask for
/// ("Trình báo mất…", "Thu hồi…") other than the default ones residents
/// leave out ("Cấp…", "Đăng ký…").
const W_OTHER_ACTION: f32 = 0.1;
/// The actions meant when a query names none.
const DEFAULT_ACTIONS: &[&str] = &["cap", "dang"];
/// From this share of the query matched, a procedure counts as a result
/// ("N kết quả"); below it, it is shown only as a nearest one.
const GOOD_FROM: f32 = 0.3;
/// Below this share of the query matched, the best answer is a weak one.
const WEAK_BELOW: f32 = 0.6;

/// What to search for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<'a> {
    /// What the user typed.
    pub text: &'a str,
    /// Keep procedures carried out at this level (exact, e.g. "Cấp xã").
    pub level: Option<&'a str>,
    /// Keep procedures of this field (exact).
    pub field: Option<&'a str>,
    /// How many hits to return.
    pub limit: usize,
}

/// One ranked procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The caller's key (procedure code).
    pub key: String,
    /// Relevance; comparable within one search only.
    pub score: f32,
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ranked {
    /// The best hits, best first.
    pub hits: Vec<Scored>,
    /// How many procedures hold at least half of what was asked.
    pub total: usize,
    /// True when even the best hit holds little of the query: the UI says
    /// so and offers these hits as the nearest ones.
    pub weak: bool,
}

/// One query word with what it matches in the vocabulary.
#[derive(Debug)]
struct Token {
    /// Rarity weight (filler words weigh less).
    weight: f32,
    /// True for words such as "làm", "xin", "ở đâu".
    filler: bool,
    /// Vocabulary words it matches, with the match factor.
    matches: Vec<(u32, f32)>,
}

/// A level and field filter; `Some(None)` is a value this index does not
/// know, which nothing passes.
#[derive(Debug, Clone, Copy)]
struct Filter {
    level: Option<Option<u16>>,
    field: Option<Option<u16>>,
}

impl Filter {
    /// True when `entry` passes both filters.
    fn allows(&self, entry: &Entry) -> bool {
        let level_ok = match self.level {
            None => true,
            Some(l) => l.is_some_and(|l| entry.levels.contains(&l)),
        };
        let field_ok = match self.field {
            None => true,
            Some(f) => f == Some(entry.field),
        };
        level_ok && field_ok
    }
}

/// Buffers of the fine score, reused from one candidate to the next.
struct Scratch {
    /// Best match factor per query word.
    best: Vec<f32>,
    /// Name positions each query word matches.
    positions: Vec<Vec<usize>>,
    /// Query words followed by the next word of the same alias match.
    alias_pairs: Vec<bool>,
}

impl Scratch {
    fn new(words: usize) -> Scratch {
        Scratch {
            best: vec![0.0; words],
            positions: vec![Vec::new(); words],
            alias_pairs: vec![false; words],
        }
    }

    fn clear(&mut self) {
        self.best.iter_mut().for_each(|b| *b = 0.0);
        self.positions.iter_mut().for_each(Vec::clear);
        self.alias_pairs.iter_mut().for_each(|p| *p = false);
    }
}

/// Per-procedure result of the fine score.
#[derive(Debug, Clone, Copy)]
struct Fine {
    score: f32,
    matched: f32,
}

impl Index {
    /// Ranks the procedures for `query`. Returns `None` when the text has no
    /// word (the caller lists by name instead).
    pub fn search(&self, query: &Query<'_>) -> Option<Ranked> {
        let mut typed = typed_words(query.text);
        typed.truncate(MAX_QUERY_WORDS);
        if typed.is_empty() {
            return None;
        }
        // A last word still being typed is a prefix, unless it carries a tone
        // mark: "nhà" is a finished syllable (Telex and VNI add the tone last),
        // "nha" may become "nhận" and "đăn" may become "đăng".
        let still_typing = !query.text.ends_with(|c: char| c.is_whitespace())
            && typed.last().is_some_and(|w| !w.toned);
        let tokens = self.tokens(&typed, still_typing);
        let filter = self.filter(query);
        let meaningful: Vec<usize> = (0..tokens.len()).filter(|&i| !tokens[i].filler).collect();
        let meaningful = if meaningful.is_empty() {
            (0..tokens.len()).collect()
        } else {
            meaningful
        };
        let coarse = self.coarse(&tokens, &meaningful, &filter);
        let asked: f32 = meaningful.iter().map(|&i| tokens[i].weight).sum();
        let total = coarse
            .iter()
            .filter(|(_, s)| *s >= asked * GOOD_FROM)
            .count();
        let lookup = lookup(&tokens);
        let mut scratch = Scratch::new(tokens.len());
        let mut fine: Vec<(u32, Fine)> = self
            .best(coarse, CANDIDATES)
            .into_iter()
            .map(|d| (d, self.fine(d, &tokens, &meaningful, &lookup, &mut scratch)))
            .collect();
        // A typed procedure code goes first.
        if let Some(&d) = self.keys.get(query.text.trim())
            && filter.allows(&self.docs[d as usize])
        {
            fine.retain(|(o, _)| *o != d);
            fine.push((
                d,
                Fine {
                    score: f32::MAX,
                    matched: 1.0,
                },
            ));
        }
        fine.sort_by(|a, b| {
            b.1.score.total_cmp(&a.1.score).then_with(|| {
                self.docs[a.0 as usize]
                    .key
                    .cmp(&self.docs[b.0 as usize].key)
            })
        });
        let weak = fine.first().is_none_or(|(_, f)| f.matched < WEAK_BELOW);
        if !weak {
            // Good answers only: the list then agrees with "N kết quả".
            fine.retain(|(_, f)| f.matched >= GOOD_FROM);
        }
        let total = total.max(fine.len());
        Some(Ranked {
            hits: fine
                .into_iter()
                .take(query.limit)
                .map(|(d, f)| Scored {
                    key: self.docs[d as usize].key.clone(),
                    score: f.score,
                })
                .collect(),
            total,
            weak,
        })
    }

    /// The query words with their weights and vocabulary matches.
    fn tokens(&self, typed: &[TypedWord], still_typing: bool) -> Vec<Token> {
        let fillers = self.fillers.mark(typed);
        let n = self.docs.len().max(1) as f32;
        typed
            .iter()
            .enumerate()
            .map(|(i, typed_word)| {
                let word = &typed_word.folded;
                let mut matches = Vec::new();
                if let Some(id) = self.vocab.get(word) {
                    matches.push((id_of(id), EXACT));
                }
                let last = i + 1 == typed.len();
                if last && still_typing {
                    // Every longer word with this prefix, the most common
                    // first ("c" means "cấp" or "căn" before "cừu").
                    let mut longer = Vec::new();
                    let mut stream = self.vocab.range().ge(word).into_stream();
                    while let Some((w, id)) = stream.next() {
                        if !w.starts_with(word.as_bytes()) {
                            break;
                        }
                        if w.len() > word.len() {
                            longer.push(id_of(id));
                        }
                    }
                    longer.sort_by_key(|&id| std::cmp::Reverse(self.df(id)));
                    longer.truncate(MAX_EXPANSIONS);
                    matches.extend(longer.into_iter().map(|id| (id, PREFIX)));
                }
                if matches.is_empty() && word.len() >= MIN_TYPO_LEN {
                    matches.extend(self.one_typo(word).into_iter().map(|id| (id, TYPO)));
                }
                let df = matches
                    .iter()
                    .map(|&(id, _)| self.df(id))
                    .max()
                    .unwrap_or(0) as f32;
                let rarity = (1.0 + n / (df + 1.0)).ln();
                let weight = if fillers[i] { FILLER } else { rarity };
                Token {
                    weight,
                    filler: fillers[i],
                    matches,
                }
            })
            .collect()
    }

    /// Vocabulary words at edit distance one from `word`.
    fn one_typo(&self, word: &str) -> Vec<u32> {
        let Ok(automaton) = fst::automaton::Levenshtein::new(word, 1) else {
            return Vec::new();
        };
        let mut stream = self.vocab.search(automaton).into_stream();
        let mut out = Vec::new();
        while let Some((_, id)) = stream.next() {
            out.push(id_of(id));
            if out.len() >= MAX_EXPANSIONS {
                break;
            }
        }
        out
    }

    /// The level and field filter of `query`, resolved to this index's ids.
    fn filter(&self, query: &Query<'_>) -> Filter {
        Filter {
            level: query
                .level
                .map(|l| self.levels.iter().position(|v| v == l).map(id_u16)),
            field: query
                .field
                .map(|f| self.fields.iter().position(|v| v == f).map(id_u16)),
        }
    }

    /// Coarse scores: for every procedure holding a meaningful query word,
    /// the sum over those words of weight × best match factor.
    fn coarse(&self, tokens: &[Token], meaningful: &[usize], filter: &Filter) -> Vec<(u32, f32)> {
        let mut score = vec![0f32; self.docs.len()];
        let mut last_token = vec![u16::MAX; self.docs.len()];
        let mut last_gain = vec![0f32; self.docs.len()];
        let mut touched = Vec::new();
        for (t, &i) in meaningful.iter().enumerate() {
            let t = u16::try_from(t).unwrap_or(u16::MAX - 1);
            let token = &tokens[i];
            for &(id, factor) in &token.matches {
                for (postings, column) in [
                    (&self.name_postings[id as usize], 1.0),
                    (&self.keyword_postings[id as usize], KEYWORD),
                ] {
                    let gain = token.weight * factor * column;
                    for &d in postings {
                        let di = d as usize;
                        if last_token[di] == t {
                            if gain > last_gain[di] {
                                score[di] += gain - last_gain[di];
                                last_gain[di] = gain;
                            }
                            continue;
                        }
                        if last_token[di] == u16::MAX {
                            if !filter.allows(&self.docs[di]) {
                                last_token[di] = u16::MAX - 1;
                                continue;
                            }
                            touched.push(d);
                        } else if last_token[di] == u16::MAX - 1 {
                            continue;
                        }
                        last_token[di] = t;
                        last_gain[di] = gain;
                        score[di] += gain;
                    }
                }
            }
        }
        touched
            .into_iter()
            .map(|d| (d, score[d as usize]))
            .collect()
    }

    /// The `k` best coarse candidates (ties: shorter names first).
    fn best(&self, mut coarse: Vec<(u32, f32)>, k: usize) -> Vec<u32> {
        let order = |a: &(u32, f32), b: &(u32, f32)| {
            b.1.total_cmp(&a.1).then_with(|| {
                self.docs[a.0 as usize]
                    .core_len
                    .cmp(&self.docs[b.0 as usize].core_len)
            })
        };
        if coarse.len() > k {
            coarse.select_nth_unstable_by(k, order);
            coarse.truncate(k);
        }
        coarse.into_iter().map(|(d, _)| d).collect()
    }

    /// The fine score of procedure `d`.
    fn fine(
        &self,
        d: u32,
        tokens: &[Token],
        meaningful: &[usize],
        lookup: &HashMap<u32, Vec<(usize, f32)>>,
        scratch: &mut Scratch,
    ) -> Fine {
        let doc = &self.docs[d as usize];
        scratch.clear();
        let Scratch {
            best,
            positions,
            alias_pairs,
        } = scratch;
        let mut covered = 0usize;
        for (p, w) in doc.name.iter().enumerate() {
            let Some(hits) = lookup.get(w) else { continue };
            let mut counts = false;
            for &(i, f) in hits {
                best[i] = best[i].max(f);
                positions[i].push(p);
                counts |= !tokens[i].filler;
            }
            if counts && doc.core[p] {
                covered += 1;
            }
        }
        // Aliases: the whole alias phrase, in order, among the query words.
        for alias in &doc.aliases {
            if alias.is_empty() || alias.len() > tokens.len() {
                continue;
            }
            for s in 0..=tokens.len() - alias.len() {
                let factors: Option<Vec<f32>> = alias
                    .iter()
                    .zip(&tokens[s..])
                    .map(|(w, t)| t.matches.iter().find(|(id, _)| id == w).map(|&(_, f)| f))
                    .collect();
                for (j, f) in factors.into_iter().flatten().enumerate() {
                    best[s + j] = best[s + j].max(f);
                    if j + 1 < alias.len() {
                        alias_pairs[s + j] = true;
                    }
                }
            }
        }
        // Keywords only.
        for (i, t) in tokens.iter().enumerate() {
            if best[i] < KEYWORD {
                let f = t
                    .matches
                    .iter()
                    .filter(|(id, _)| doc.keywords.binary_search(id).is_ok())
                    .map(|&(_, f)| f)
                    .fold(0f32, f32::max);
                best[i] = best[i].max(f * KEYWORD);
            }
        }
        let asked: f32 = tokens
            .iter()
            .map(|t| t.weight)
            .sum::<f32>()
            .max(f32::EPSILON);
        let got: f32 = tokens
            .iter()
            .zip(best.iter())
            .map(|(t, b)| t.weight * b)
            .sum();
        let matched = {
            let asked_m: f32 = meaningful.iter().map(|&i| tokens[i].weight).sum();
            let got_m: f32 = meaningful.iter().map(|&i| tokens[i].weight * best[i]).sum();
            if asked_m > 0.0 { got_m / asked_m } else { 0.0 }
        };
        let pairs = meaningful.len().saturating_sub(1);
        let adjacent = meaningful
            .windows(2)
            .filter(|w| {
                let (a, b) = (w[0], w[1]);
                (b == a + 1 && alias_pairs[a])
                    || positions[a].iter().any(|p| positions[b].contains(&(p + 1)))
            })
            .count();
        let proximity = if pairs == 0 {
            1.0
        } else {
            adjacent as f32 / pairs as f32
        };
        let coverage = covered as f32 / f32::from(doc.core_len.max(1));
        let other_action = doc
            .core
            .iter()
            .position(|&c| c)
            .filter(|&p| positions.iter().all(|ps| !ps.contains(&p)))
            .and_then(|p| self.word(doc.name[p]))
            .is_some_and(|w| !DEFAULT_ACTIONS.contains(&w.as_str()));
        let score =
            got / asked + W_PROXIMITY * proximity + W_COVERAGE * coverage.min(1.0) + doc.prior
                - W_LENGTH * f32::from(doc.core_len.min(60))
                - if other_action { W_OTHER_ACTION } else { 0.0 };
        Fine { score, matched }
    }
}

/// For each vocabulary word the query matches: which query words, how well.
fn lookup(tokens: &[Token]) -> HashMap<u32, Vec<(usize, f32)>> {
    let mut m: HashMap<u32, Vec<(usize, f32)>> = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        for &(id, f) in &t.matches {
            m.entry(id).or_default().push((i, f));
        }
    }
    m
}

/// A table position as a level or field id (tables hold a few hundred values).
fn id_u16(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// A vocabulary value as a word id (ids are built from `u32`).
fn id_of(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Doc;

    struct P {
        key: &'static str,
        name: &'static str,
        aliases: Vec<String>,
        levels: Vec<String>,
        field: &'static str,
    }

    fn p(key: &'static str, name: &'static str, level: &str, field: &'static str) -> P {
        P {
            key,
            name,
            aliases: Vec::new(),
            levels: vec![level.to_string()],
            field,
        }
    }

    fn index(ps: &[P]) -> Index {
        Index::build(ps.iter().map(|p| Doc {
            key: p.key,
            name: p.name,
            aliases: &p.aliases,
            keywords: p.field,
            levels: &p.levels,
            field: p.field,
        }))
    }

    fn catalogue() -> Index {
        let mut so_do = p(
            "1.012783",
            "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            "Cấp tỉnh",
            "Đất đai",
        );
        so_do.aliases = vec!["sổ đỏ".into()];
        index(&[
            p("1.001193", "Thủ tục đăng ký khai sinh", "Cấp xã", "Hộ tịch"),
            p(
                "1.003583",
                "Thủ tục đăng ký khai sinh lưu động",
                "Cấp xã",
                "Hộ tịch",
            ),
            p("1.000894", "Thủ tục đăng ký kết hôn", "Cấp xã", "Hộ tịch"),
            p(
                "2.000884",
                "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm chỉ)",
                "Cấp xã",
                "Chứng thực",
            ),
            p(
                "9.000001",
                "Cấp Giấy chứng nhận đăng ký thuốc bảo vệ thực vật",
                "Cấp bộ",
                "Bảo vệ thực vật",
            ),
            p(
                "2.001159",
                "Thông báo lưu trú",
                "Cấp xã",
                "Đăng ký, quản lý cư trú",
            ),
            p(
                "1.000001",
                "Thông báo thuế đối với phòng khám",
                "Cấp bộ",
                "Thuế",
            ),
            so_do,
        ])
    }

    fn keys(idx: &Index, text: &str) -> Vec<String> {
        idx.search(&Query {
            text,
            limit: 10,
            ..Query::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.key)
        .collect()
    }

    #[test]
    fn the_meant_procedure_comes_first() {
        let idx = catalogue();
        assert_eq!(keys(&idx, "chung thuc chu ky")[0], "2.000884");
        assert_eq!(keys(&idx, "đăng kí kết hôn")[0], "1.000894");
        assert_eq!(
            keys(&idx, "dang ky khai sinh")[..2],
            ["1.001193", "1.003583"]
        );
        assert_eq!(keys(&idx, "cấp đổi sổ đỏ")[0], "1.012783");
        assert_eq!(keys(&idx, "làm giấy khai sinh cho con")[0], "1.001193");
    }

    #[test]
    fn an_extra_word_does_not_empty_the_list() {
        let idx = catalogue();
        assert_eq!(
            keys(&idx, "thông báo lưu trú cho khách thuê phòng")[0],
            "2.001159"
        );
    }

    #[test]
    fn last_word_is_a_prefix_and_typos_are_forgiven() {
        let idx = catalogue();
        assert_eq!(keys(&idx, "dang ky khai si")[0], "1.001193");
        assert_eq!(keys(&idx, "dang ky ket hhon")[0], "1.000894");
        assert_eq!(keys(&idx, "chứg thực chữ ký")[0], "2.000884");
    }

    #[test]
    fn whole_words_beat_prefixes() {
        let idx = index(&[
            p("a", "Đăng ký kết hôn lưu động", "Cấp xã", "Hộ tịch"),
            p("b", "Đăng ký kết hợp", "Cấp xã", "Hộ tịch"),
        ]);
        // "ket h" is being typed: both match; "ket hon " is finished: only whole words.
        let r = idx
            .search(&Query {
                text: "ket hon ",
                limit: 5,
                ..Query::default()
            })
            .unwrap();
        assert_eq!(r.hits[0].key, "a");
        assert!(r.hits.len() == 1 || r.hits[1].score < r.hits[0].score);
    }

    #[test]
    fn weak_answers_are_flagged() {
        let idx = catalogue();
        let r = idx
            .search(&Query {
                text: "mua vé máy bay giá rẻ",
                limit: 5,
                ..Query::default()
            })
            .unwrap();
        assert!(r.weak);
        let r = idx
            .search(&Query {
                text: "dang ky ket hon",
                limit: 5,
                ..Query::default()
            })
            .unwrap();
        assert!(!r.weak);
    }

    #[test]
    fn filters_and_codes() {
        let idx = catalogue();
        let r = idx
            .search(&Query {
                text: "dang ky",
                level: Some("Cấp xã"),
                field: Some("Hộ tịch"),
                limit: 10,
            })
            .unwrap();
        assert_eq!(r.hits.len(), 3);
        let r = idx
            .search(&Query {
                text: "dang ky",
                level: Some("Cấp không có"),
                field: None,
                limit: 10,
            })
            .unwrap();
        assert!(r.hits.is_empty());
        assert_eq!(keys(&idx, "2.001159")[0], "2.001159");
        assert!(idx.search(&Query::default()).is_none());
    }

    #[test]
    fn any_text_is_answered_without_panic() {
        // A fixed-seed xorshift over letters, marks, digits, punctuation and
        // spaces: the same mutation run every time, no sleep, no randomness.
        let alphabet: Vec<char> =
            "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệ đĐ0123456789 .,()\"*-:'\u{0301}\u{0323}\t\n🙂"
                .chars()
                .collect();
        let idx = catalogue();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            if let Some(r) = idx.search(&Query {
                text: &text,
                limit: 5,
                ..Query::default()
            }) {
                assert!(r.hits.len() <= 5);
                assert!(
                    r.hits.windows(2).all(|w| w[0].score >= w[1].score),
                    "{text:?}"
                );
            }
        }
        let long = "khai ".repeat(5_000);
        assert!(
            idx.search(&Query {
                text: &long,
                limit: 3,
                ..Query::default()
            })
            .is_some()
        );
    }

    /// A short replay of the `search_query` fuzz corpus (issue 12): the same
    /// split as the fuzz target (first line a dictionary, the rest a query).
    #[test]
    fn fuzz_corpus_replays_without_panic() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/corpus/search_query"
        );
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let (dictionary, query) = text.split_once('\n').unwrap_or((&text, &text));
            let synonyms = crate::Synonyms::parse(dictionary).unwrap_or_default();
            let aliases = synonyms.aliases_for(query);
            let levels = vec!["Cấp xã".to_string()];
            let index = Index::build([Doc {
                key: "x",
                name: query,
                aliases: &aliases,
                keywords: query,
                levels: &levels,
                field: "Hộ tịch",
            }]);
            index.search(&Query {
                text: query,
                limit: 10,
                ..Query::default()
            });
            n += 1;
        }
        assert!(n > 0, "empty corpus");
    }
}
