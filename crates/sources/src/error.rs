//! The result shapes shared by every parser: partial success ([`Parsed`] with
//! [`Rejected`] and [`Repaired`] items) and whole-input failure ([`SourceError`]).

use std::path::PathBuf;

use crate::catalogue::NameRepair;

/// What a parser accepted, plus what it refused and why, plus what it repaired.
///
/// A source is rarely all good or all bad; ingest stores `items` and reports
/// `rejected`, so one bad record never hides the good ones. It reports `repaired`
/// too, so that an operator sees which stored text differs from the source's.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// Items that were mapped successfully, in input order.
    pub items: Vec<T>,
    /// Items that were refused, in input order.
    pub rejected: Vec<Rejected>,
    /// Accepted items whose text was repaired (today only catalogue names), in input order.
    pub repaired: Vec<Repaired>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            rejected: Vec::new(),
            repaired: Vec::new(),
        }
    }
}

/// One accepted item whose text was repaired: where it was, which item, and what
/// was done, so an operator can check the repair or report it upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    /// Position in the input, e.g. "line 12" (1-based).
    pub position: String,
    /// The item's key, e.g. the procedure code "2.002321".
    pub id: String,
    /// The kinds of repair made, each once, in the order they were made (never empty).
    pub repairs: Vec<NameRepair>,
}

impl Repaired {
    /// Builds a repair record; a helper so call sites stay short.
    pub fn new(
        position: impl Into<String>,
        id: impl Into<String>,
        repairs: Vec<NameRepair>,
    ) -> Self {
        Self {
            position: position.into(),
            id: id.into(),
            repairs,
        }
    }
}

/// One refused input item: where it was and why, so an operator can fix the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Position in the input, e.g. "line 12" or "entry 3" (1-based).
    pub position: String,
    /// Why it was refused (English, for operators; never contains the item's text).
    pub reason: String,
}

impl Rejected {
    /// Builds a rejection; a helper so call sites stay short.
    pub fn new(position: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            position: position.into(),
            reason: reason.into(),
        }
    }
}

/// A failure of the whole input: nothing could be parsed from it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The input is larger than the parser accepts; refused before parsing.
    #[error("input too large: {size} bytes, limit {limit} bytes")]
    TooLarge {
        /// Size of the input in bytes (or at least this much, when read from a stream).
        size: usize,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The input is not a feed feed-rs recognises (not XML/JSON, no feed root, broken XML).
    #[error("not a feed: {reason}")]
    NotAFeed {
        /// What the feed parser reported.
        reason: String,
    },
    /// The CSV input is unusable as a whole (e.g. wrong header).
    #[error("bad CSV header: {reason}")]
    BadHeader {
        /// What was wrong with the header.
        reason: String,
    },
    /// The input is not UTF-8 text (outage schedules).
    #[error("not UTF-8 text: invalid byte at {position}")]
    Encoding {
        /// Where the first invalid byte is, e.g. "byte 120 (line 3)".
        position: String,
    },
    /// The input is in a layout no parser of this kind knows (unknown columns or
    /// keys, another shape); refused before any record is read.
    #[error("unknown layout: {reason}")]
    UnknownLayout {
        /// What did not fit, and where.
        reason: String,
    },
    /// A CAP alert breaks the CAP 1.2 rules (or is not XML we accept).
    #[error("invalid CAP alert at {position}: {reason}")]
    InvalidCap {
        /// Where: a byte offset and the element, e.g. "byte 412 (`<info>`)".
        position: String,
        /// Which rule was broken.
        reason: String,
    },
    /// Reading the input failed.
    #[error("cannot read {what}: {source}")]
    Io {
        /// What was being read (a path, or "input").
        what: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A `.gz` file is not valid gzip (or is truncated).
    #[error("{path} is not valid gzip: {source}")]
    NotGzip {
        /// The file that failed to decompress.
        path: PathBuf,
        /// The underlying decompression error.
        #[source]
        source: std::io::Error,
    },
}
