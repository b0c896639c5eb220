//! The index as bytes, so a device keeps the index it built beside the
//! catalogue it was built from instead of building it again at every start
//! (1.5 s of CPU for 50,000 procedures on a desktop core, several times that
//! on a phone). Reading it back costs a fraction of that.
//!
//! The bytes are ours but sit in a file the user's device may damage, so
//! reading checks a CRC-32 of them first, then everything an index look-up
//! relies on (the words sorted and unique, every word, procedure, level and
//! field id in range), and refuses the rest with [`StoredIndexError`]; the
//! caller then builds the index again. The vocabulary is kept as its words
//! and its `fst` built again on reading (milliseconds): `fst` checks little
//! of bytes it is handed, and a damaged automaton can panic later. Bytes written by another build of this crate are
//! refused too (the format tag `FORMAT`), since what goes into an index may change with it.

use std::collections::HashMap;

use crate::fillers::Fillers;
use crate::index::{Entry, Index};

/// What the bytes start with.
const MAGIC: &[u8; 4] = b"CDSX";

/// The layout and the crate version that wrote it: bytes from any other
/// build are built again rather than trusted.
const FORMAT: &str = concat!("1/", env!("CARGO_PKG_VERSION"));

/// Why stored bytes are not an index this build can use.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoredIndexError {
    /// Not our magic, or written by another build.
    #[error("not an index of this build")]
    OtherBuild,
    /// Cut short, or a length past the end.
    #[error("index bytes end early")]
    Truncated,
    /// The checksum does not match: the bytes were damaged.
    #[error("index bytes damaged")]
    Damaged,
    /// An id out of range, or a broken vocabulary.
    #[error("index bytes are inconsistent: {0}")]
    Inconsistent(&'static str),
}

/// Appends the encodings of the index's parts.
struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.extend_from_slice(b);
    }

    fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        for x in v {
            self.u32(*x);
        }
    }

    fn strings(&mut self, v: &[String]) {
        self.len(v.len());
        for s in v {
            self.bytes(s.as_bytes());
        }
    }
}

/// Reads back what [`Writer`] wrote, refusing to read past the end.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], StoredIndexError> {
        if self.rest.len() < n {
            return Err(StoredIndexError::Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, StoredIndexError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A count, bounded by the bytes left (each item takes at least
    /// `min_item` bytes), so a damaged count cannot ask for a huge allocation.
    fn len(&mut self, min_item: usize) -> Result<usize, StoredIndexError> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item.max(1)) > self.rest.len() {
            return Err(StoredIndexError::Truncated);
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Result<&'a [u8], StoredIndexError> {
        let n = self.len(1)?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, StoredIndexError> {
        String::from_utf8(self.bytes()?.to_vec())
            .map_err(|_| StoredIndexError::Inconsistent("text is not UTF-8"))
    }

    fn u32s(&mut self, below: usize) -> Result<Vec<u32>, StoredIndexError> {
        let n = self.len(4)?;
        (0..n)
            .map(|_| {
                let v = self.u32()?;
                if (v as usize) < below {
                    Ok(v)
                } else {
                    Err(StoredIndexError::Inconsistent("id out of range"))
                }
            })
            .collect()
    }

    fn strings(&mut self) -> Result<Vec<String>, StoredIndexError> {
        let n = self.len(4)?;
        (0..n).map(|_| self.string()).collect()
    }

    fn small(&mut self, below: usize) -> Result<u16, StoredIndexError> {
        let v = self.u32()?;
        match u16::try_from(v) {
            Ok(v) if (v as usize) < below => Ok(v),
            _ => Err(StoredIndexError::Inconsistent(
                "level or field out of range",
            )),
        }
    }
}

impl Index {
    /// The index as bytes for [`Index::from_bytes`] (about the size it takes
    /// in memory).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer(Vec::new());
        w.strings(&self.words);
        w.len(self.name_postings.len());
        for (name, keyword) in self.name_postings.iter().zip(&self.keyword_postings) {
            w.u32s(name);
            w.u32s(keyword);
        }
        w.strings(&self.levels);
        w.strings(&self.fields);
        w.len(self.docs.len());
        for d in &self.docs {
            w.bytes(d.key.as_bytes());
            w.u32s(&d.name);
            w.bytes(&d.core.iter().map(|&c| u8::from(c)).collect::<Vec<_>>());
            w.len(d.aliases.len());
            for alias in &d.aliases {
                w.u32s(alias);
            }
            w.u32s(&d.keywords);
            w.len(d.levels.len());
            for l in &d.levels {
                w.u32(u32::from(*l));
            }
            w.u32(u32::from(d.field));
            w.u32(d.prior.to_bits());
        }
        let mut out = Writer(Vec::with_capacity(w.0.len() + 32));
        out.0.extend_from_slice(MAGIC);
        out.bytes(FORMAT.as_bytes());
        out.u32(crc32fast::hash(&w.0));
        out.0.extend_from_slice(&w.0);
        out.0
    }

    /// The index [`Index::to_bytes`] wrote, checked. Errors: bytes of
    /// another build, cut short or inconsistent ([`StoredIndexError`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Index, StoredIndexError> {
        let mut r = Reader { rest: bytes };
        if r.take(MAGIC.len()).ok() != Some(MAGIC.as_slice())
            || r.bytes().ok() != Some(FORMAT.as_bytes())
        {
            return Err(StoredIndexError::OtherBuild);
        }
        let sum = r.u32()?;
        if crc32fast::hash(r.rest) != sum {
            return Err(StoredIndexError::Damaged);
        }
        let words = r.strings()?;
        // Ids are the words' sorted order; from_iter refuses unsorted or repeated keys.
        let vocab = fst::Map::from_iter(words.iter().enumerate().map(|(i, w)| (w, i as u64)))
            .map_err(|_| StoredIndexError::Inconsistent("vocabulary not sorted"))?;
        let n_words = r.len(8)?;
        if n_words != words.len() {
            return Err(StoredIndexError::Inconsistent("postings per word"));
        }
        // Postings are checked against the number of procedures once it is known.
        let mut postings = Vec::with_capacity(n_words);
        for _ in 0..n_words {
            postings.push((r.u32s(usize::MAX)?, r.u32s(usize::MAX)?));
        }
        let levels = r.strings()?;
        let fields = r.strings()?;
        let n_docs = r.len(24)?;
        let mut docs = Vec::with_capacity(n_docs);
        let mut keys = HashMap::with_capacity(n_docs);
        for pos in 0..n_docs {
            let key = r.string()?;
            let name = r.u32s(n_words)?;
            let core: Vec<bool> = r.bytes()?.iter().map(|&c| c != 0).collect();
            if core.len() != name.len() {
                return Err(StoredIndexError::Inconsistent("name marks"));
            }
            let n_aliases = r.len(4)?;
            let aliases = (0..n_aliases)
                .map(|_| r.u32s(n_words))
                .collect::<Result<Vec<_>, _>>()?;
            let keywords = r.u32s(n_words)?;
            let n_levels = r.len(4)?;
            let doc_levels = (0..n_levels)
                .map(|_| r.small(levels.len()))
                .collect::<Result<Vec<_>, _>>()?;
            let field = r.small(fields.len())?;
            let prior = f32::from_bits(r.u32()?);
            if !prior.is_finite() {
                return Err(StoredIndexError::Inconsistent("prior"));
            }
            keys.insert(key.clone(), u32::try_from(pos).unwrap_or(u32::MAX));
            docs.push(Entry {
                key,
                core_len: u16::try_from(core.iter().filter(|&&c| c).count()).unwrap_or(u16::MAX),
                name,
                core,
                aliases,
                keywords,
                levels: doc_levels,
                field,
                prior,
            });
        }
        if !r.rest.is_empty() {
            return Err(StoredIndexError::Inconsistent("bytes after the end"));
        }
        let in_range = |list: &Vec<u32>| list.iter().all(|&p| (p as usize) < n_docs);
        if !postings.iter().all(|(n, k)| in_range(n) && in_range(k)) {
            return Err(StoredIndexError::Inconsistent("posting out of range"));
        }
        let (name_postings, keyword_postings) = postings.into_iter().unzip();
        Ok(Index {
            vocab,
            name_postings,
            keyword_postings,
            docs,
            keys,
            levels,
            fields,
            fillers: Fillers::builtin(),
            words,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Doc, Query};

    fn sample() -> Index {
        let xa = vec!["Cấp xã".to_string()];
        let none: Vec<String> = Vec::new();
        Index::build([
            Doc {
                key: "1.001193",
                name: "Thủ tục đăng ký khai sinh",
                aliases: &["giấy khai sinh".to_string()],
                keywords: "Hộ tịch UBND xã",
                levels: &xa,
                field: "Hộ tịch",
            },
            Doc {
                key: "2.000889",
                name: "Chứng thực chữ ký (trong giấy tờ, văn bản)",
                aliases: &none,
                keywords: "Chứng thực",
                levels: &xa,
                field: "Chứng thực",
            },
            Doc {
                key: "1.004227",
                name: "Đăng ký kết hôn",
                aliases: &none,
                keywords: "",
                levels: &none,
                field: "Hộ tịch",
            },
        ])
    }

    fn keys(index: &Index, text: &str) -> Vec<String> {
        index
            .search(&Query {
                text,
                level: None,
                field: None,
                limit: 10,
            })
            .map(|r| r.hits.into_iter().map(|h| h.key).collect())
            .unwrap_or_default()
    }

    #[test]
    fn an_index_read_back_answers_as_the_one_built() {
        let built = sample();
        let read = Index::from_bytes(&built.to_bytes()).expect("reads back");
        for text in [
            "dang ky khai sinh",
            "giay khai sinh",
            "chung thuc",
            "ket hon",
            "dang k",
        ] {
            assert_eq!(keys(&read, text), keys(&built, text), "{text}");
        }
        assert!(!keys(&read, "khai sinh").is_empty());
        assert_eq!(read.to_bytes(), built.to_bytes());
    }

    #[test]
    fn damaged_or_foreign_bytes_are_refused_never_trusted() {
        let bytes = sample().to_bytes();
        assert_eq!(
            Index::from_bytes(b"").err(),
            Some(StoredIndexError::OtherBuild)
        );
        let mut other = bytes.clone();
        other[8] ^= 0xff; // inside the format text
        assert_eq!(
            Index::from_bytes(&other).err(),
            Some(StoredIndexError::OtherBuild)
        );
        for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 1] {
            assert!(Index::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let header = MAGIC.len() + 4 + FORMAT.len();
        let mut flipped = bytes.clone();
        flipped[header + 10] ^= 1;
        assert_eq!(
            Index::from_bytes(&flipped).err(),
            Some(StoredIndexError::Damaged)
        );
        // Past the checksum (as if it matched by chance): changing any one
        // byte never yields a panic, and whatever is accepted still answers
        // queries without one.
        let payload = header + 4;
        for i in payload..bytes.len() {
            for delta in [1u8, 0x41, 0xff] {
                let mut damaged = bytes.clone();
                damaged[i] = damaged[i].wrapping_add(delta);
                let sum = crc32fast::hash(&damaged[payload..]).to_le_bytes();
                damaged[header..payload].copy_from_slice(&sum);
                if let Ok(index) = Index::from_bytes(&damaged) {
                    for text in ["dang ky khai sinh", "chung thuc", "k"] {
                        keys(&index, text);
                    }
                }
            }
        }
    }
}
