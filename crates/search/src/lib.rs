//! Vietnamese procedure search, one implementation for the device (offline)
//! and the server.
//!
//! - [`mod@fold`]: the text fold (diacritics, đ, case) and the split into words
//!   with the i/y spellings made one.
//! - [`synonyms`]: what residents say mapped to official wording; the server
//!   adds the aliases to each procedure at ingest.
//! - [`fillers`]: words that weigh little ("làm", "xin", "ở đâu").
//! - [`guide`]: ways in before typing: most-asked procedures, life events.
//! - [`index`]: the in-memory index (vocabulary as an `fst` map, postings).
//! - [`rank`]: candidates and the fine score.
//! - [`stored`]: the index as bytes, kept by the device with its catalogue.
//! - [`relevance`]: the query set and its figures (recall@k, MRR).
//!
//! Pure: no I/O, no storage. The caller builds an [`Index`] from what it has
//! stored and asks it [`Query`]s. How ranking works and why is in docs/SEARCH.md.
#![warn(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod fillers;
pub mod fold;
pub mod guide;
pub mod index;
pub mod rank;
pub mod relevance;
pub mod stored;
pub mod synonyms;

pub use fold::{fold, keywords, procedure_keywords, typed_words, words};
pub use guide::LifeEvent;
pub use index::{Doc, Index};
pub use rank::{Query, Ranked, Scored};
pub use stored::StoredIndexError;
pub use synonyms::{SynonymError, Synonyms};
